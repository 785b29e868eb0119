package forecast

import (
	"fmt"
	"math"
)

// Spec names an ETS model: error 'A' or 'M', trend 'N' or 'A' (damped or
// not), season 'N', 'A' or 'M'. Multiplicative trend is not offered, as R's
// ets does not by default.
type Spec struct {
	Error  byte
	Trend  byte
	Damped bool
	Season byte
}

// String writes the model as R does: ETS(M,Ad,M).
func (s Spec) String() string {
	t := string(s.Trend)
	if s.Damped {
		t += "d"
	}
	return fmt.Sprintf("ETS(%c,%s,%c)", s.Error, t, s.Season)
}

// ETSFit is a fitted ETS model.
type ETSFit struct {
	Spec  Spec
	M     int // season length (1 when Spec.Season is 'N')
	Alpha float64
	Beta  float64 // 0 without trend
	Gamma float64 // 0 without season
	Phi   float64 // 1 without damping
	// Init is the initial state x0: level, trend (if any), then the m
	// seasonal states s0 (most recent) … s_{m-1}, as R prints them.
	Init []float64
	// Last is the state after the last observation, in the same layout.
	Last []float64

	N       int     // observations
	NParams int     // estimated parameters and initial states (R's length(par))
	Lik     float64 // R's "lik": n·log(Σe²) (+ 2·Σlog|ŷ| for multiplicative error)
	LogLik  float64 // -Lik/2, R's loglik (constants dropped, as R does)
	AIC     float64
	AICc    float64
	BIC     float64
	Sigma2  float64 // Σe²/(n − NParams), R's sigma2
	Resid   []float64
}

// R's default bounds: alpha, beta, gamma in [1e-4, 0.9999], phi in [0.8, 0.98].
var (
	lower = [4]float64{1e-4, 1e-4, 1e-4, 0.8}
	upper = [4]float64{0.9999, 0.9999, 0.9999, 0.98}
)

const tol = 1e-10

// etsModel evaluates one parameter set against y.
type etsModel struct {
	spec  Spec
	m     int
	y     []float64
	state []float64 // the state after the last observation, [l, b, s0..s_{m-1}]
	ring  []float64 // scratch: the seasonal states, a ring indexed by time mod m
	e     []float64 // residuals, when not nil
}

func newETSModel(y []float64, spec Spec, m int) *etsModel {
	if spec.Season == 'N' {
		m = 1
	}
	return &etsModel{spec: spec, m: m, y: y, state: make([]float64, 2+m), ring: make([]float64, m)}
}

// layout of a state vector: [l, b, s0..s_{m-1}] with b always present
// (zero without trend) to keep the indices fixed.

// calc runs the filter from x0 and returns R's lik (n·log Σe² + …). The
// final state is left in em.state. It returns NaN where R returns NA.
//
// It is R's calcBATS/etscalc loop (forecast's etsTargetFunction):
// per step the one-step forecast, the error and R's update(), with the same
// floating-point operations in the same order. Two things are cheaper than
// R's: the seasonal states live in a ring (the value used at step t is the
// one written at step t−m) instead of being shifted every step; the trend
// is updated as φb + β(p − q), which R writes φb + (β/α)((ℓ' − ℓ) − φb) —
// the same value, but R's form makes the loop-carried dependency nine
// floating-point operations long instead of five (and cancels ℓ' against
// ℓ); and the
// Σlog|ŷ| of a multiplicative error is the log of a running product kept
// in range with Frexp (one log per series, not one per step; it differs
// from the sum of logs by rounding, about n·1e-16).
func (em *etsModel) calc(x0 []float64, alpha, beta, gamma, phi float64) float64 {
	if em.spec.Season == 'N' && em.e == nil {
		return em.calcNonSeasonal(x0, alpha, beta, phi)
	}
	m := em.m
	trend := em.spec.Trend != 'N'
	season := em.spec.Season
	multErr := em.spec.Error == 'M'
	l, b := x0[0], 0.0
	if trend {
		b = x0[1]
	}
	ring := em.ring
	if season != 'N' {
		for k := 0; k < m; k++ {
			ring[k] = x0[1+m-k]
		}
	}
	sse := 0.0
	prod, exp2, extra := 1.0, 0, 0.0
	k := 0
	for i, y := range em.y {
		var q, phib float64
		if trend {
			phib = phi * b
			q = l + phib
		} else {
			q = l
		}
		f, p, s := q, 0.0, 0.0
		switch season {
		case 'N':
			p = y
		case 'A':
			s = ring[k]
			f = q + s
			p = y - s
		case 'M':
			s = ring[k]
			f = q * s
			if math.Abs(s) < tol {
				p = 1e10
			} else {
				p = y / s
			}
		}
		var e float64
		if multErr {
			e = (y - f) / f
			af := math.Abs(f)
			if af > 1e-100 && af < 1e100 {
				prod *= af
				if prod > 1e150 || prod < 1e-150 {
					fr, ex := math.Frexp(prod)
					prod, exp2 = fr, exp2+ex
				}
			} else {
				extra += math.Log(af)
			}
		} else {
			e = y - f
		}
		if em.e != nil {
			em.e[i] = e
		}
		sse += e * e
		d := p - q
		nl := q + alpha*d
		if trend {
			b = phib + beta*d
		}
		l = nl
		if season != 'N' {
			var t float64
			if season == 'A' {
				t = y - q
			} else if math.Abs(q) < tol {
				t = 1e10
			} else {
				t = y / q
			}
			ring[k] = s + gamma*(t-s)
			k++
			if k == m {
				k = 0
			}
		}
	}
	st := em.state
	st[0], st[1] = l, b
	if season != 'N' {
		// s_j, j = 0 most recent, was written at step n−1−j.
		n := len(em.y)
		for j := 0; j < m; j++ {
			st[2+j] = ring[((n-1-j)%m+m)%m]
		}
	}
	lik := float64(len(em.y)) * math.Log(sse)
	if multErr {
		lik += 2 * (math.Log(prod) + float64(exp2)*math.Ln2 + extra)
	}
	return lik
}

// calcNonSeasonal is calc for the non-seasonal models when no residuals
// are kept: the same operations in the same order, in one loop per error
// and trend type so that the loop carries nothing but the state.
func (em *etsModel) calcNonSeasonal(x0 []float64, alpha, beta, phi float64) float64 {
	l, b := x0[0], 0.0
	sse := 0.0
	prod, exp2, extra := 1.0, 0, 0.0
	trend := em.spec.Trend != 'N'
	multErr := em.spec.Error == 'M'
	switch {
	case !trend && !multErr:
		for _, y := range em.y {
			e := y - l
			sse += e * e
			l = l + alpha*(y-l)
		}
	case trend && !multErr:
		b = x0[1]
		for _, y := range em.y {
			phib := phi * b
			q := l + phib
			e := y - q
			sse += e * e
			d := y - q
			nl := q + alpha*d
			b = phib + beta*d
			l = nl
		}
	case !trend && multErr:
		for _, y := range em.y {
			e := (y - l) / l
			sse += e * e
			af := math.Abs(l)
			if af > 1e-100 && af < 1e100 {
				prod *= af
				if prod > 1e150 || prod < 1e-150 {
					fr, ex := math.Frexp(prod)
					prod, exp2 = fr, exp2+ex
				}
			} else {
				extra += math.Log(af)
			}
			l = l + alpha*(y-l)
		}
	default:
		b = x0[1]
		for _, y := range em.y {
			phib := phi * b
			q := l + phib
			e := (y - q) / q
			sse += e * e
			af := math.Abs(q)
			if af > 1e-100 && af < 1e100 {
				prod *= af
				if prod > 1e150 || prod < 1e-150 {
					fr, ex := math.Frexp(prod)
					prod, exp2 = fr, exp2+ex
				}
			} else {
				extra += math.Log(af)
			}
			d := y - q
			nl := q + alpha*d
			b = phib + beta*d
			l = nl
		}
	}
	em.state[0], em.state[1] = l, b
	lik := float64(len(em.y)) * math.Log(sse)
	if multErr {
		lik += 2 * (math.Log(prod) + float64(exp2)*math.Ln2 + extra)
	}
	return lik
}

// admissible is R's admissible(): the model is forecastable (the
// discount matrix has its eigenvalues inside the unit circle).
func admissible(alpha, beta, gamma, phi float64, hasTrend, hasSeason bool, m int) bool {
	if !hasTrend {
		beta = 0
	}
	if phi < 0 || phi > 1+1e-8 {
		return false
	}
	if !hasSeason {
		if alpha < 1-1/phi || alpha > 1+1/phi {
			return false
		}
		if hasTrend && (beta < alpha*(phi-1) || beta > (1+phi)*(2-alpha)) {
			return false
		}
		return true
	}
	if m <= 1 {
		return true
	}
	fm := float64(m)
	if gamma < math.Max(1-1/phi-alpha, 0) || gamma > 1+1/phi-alpha {
		return false
	}
	if alpha < 1-1/phi-gamma*(1-fm+phi+phi*fm)/(2*phi*fm) {
		return false
	}
	if beta < -(1-phi)*(gamma/fm+alpha) {
		return false
	}
	// The characteristic polynomial, coefficients in increasing degree.
	var buf [32]float64
	var P []float64
	if m+2 <= len(buf) {
		P = buf[:m+2]
	} else {
		P = make([]float64, m+2)
	}
	P[0] = phi * (1 - alpha - gamma)
	P[1] = alpha + beta - alpha*phi + gamma - 1
	for j := 2; j < m; j++ {
		P[j] = alpha + beta - alpha*phi
	}
	P[m] = alpha + beta - phi
	P[m+1] = 1
	return rootsInsideUnit(P)
}

// rootsInsideUnit reports whether every root of the polynomial with
// coefficients p (increasing degree) lies strictly inside the unit circle,
// by the Schur–Cohn step-down (no root finding).
func rootsInsideUnit(p []float64) bool {
	var bufs [2][32]float64
	var a, next []float64
	if len(p) <= 32 {
		a, next = bufs[0][:len(p)], bufs[1][:]
	} else {
		a, next = make([]float64, len(p)), make([]float64, len(p))
	}
	copy(a, p)
	for len(a) > 1 {
		n := len(a) - 1
		a0, an := a[0], a[n]
		if math.Abs(a0) >= math.Abs(an) {
			// |product of roots| ≥ 1 (or a root on the circle). R allows
			// roots up to 1+1e-10; treat an exact tie as admissible.
			return math.Abs(a0)-math.Abs(an) <= 1e-10*math.Abs(an) && n == 1
		}
		q := next[:n]
		for j := 1; j <= n; j++ {
			q[j-1] = an*a[j] - a0*a[n-j]
		}
		// Scale to a monic polynomial: the products shrink geometrically.
		r := 1 / q[n-1]
		for j := range q {
			q[j] *= r
		}
		a, next = q, a[:cap(a)]
	}
	return true
}
