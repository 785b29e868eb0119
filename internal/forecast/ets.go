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
	state []float64 // scratch: current state
	old   []float64 // scratch: previous state
	e     []float64 // residuals, when not nil
}

func newETSModel(y []float64, spec Spec, m int) *etsModel {
	if spec.Season == 'N' {
		m = 1
	}
	ns := 1 + m
	return &etsModel{spec: spec, m: m, y: y, state: make([]float64, ns+1), old: make([]float64, ns+1)}
}

// layout of a state vector: [l, b, s0..s_{m-1}] with b always present
// (zero without trend) to keep the indices fixed.

// onestep is R's forecast() for h = 1 on state x.
func (em *etsModel) onestep(x []float64, phi float64) float64 {
	f := x[0]
	if em.spec.Trend == 'A' {
		f += phi * x[1]
	}
	switch em.spec.Season {
	case 'A':
		f += x[1+em.m]
	case 'M':
		f *= x[1+em.m]
	}
	return f
}

// update is R's update(): the state after observing y, from old into x.
func (em *etsModel) update(old, x []float64, y, alpha, beta, gamma, phi float64) {
	m := em.m
	var q, phib float64
	if em.spec.Trend == 'N' {
		q = old[0]
	} else {
		phib = phi * old[1]
		q = old[0] + phib
	}
	var p float64
	sOld := 0.0
	switch em.spec.Season {
	case 'N':
		p = y
	case 'A':
		sOld = old[1+m]
		p = y - sOld
	case 'M':
		sOld = old[1+m]
		if math.Abs(sOld) < tol {
			p = 1e10
		} else {
			p = y / sOld
		}
	}
	l := q + alpha*(p-q)
	x[0] = l
	if em.spec.Trend != 'N' {
		r := l - old[0]
		x[1] = phib + (beta/alpha)*(r-phib)
	} else {
		x[1] = 0
	}
	if em.spec.Season != 'N' {
		var t float64
		if em.spec.Season == 'A' {
			t = y - q
		} else if math.Abs(q) < tol {
			t = 1e10
		} else {
			t = y / q
		}
		x[2] = sOld + gamma*(t-sOld)
		for j := 1; j < m; j++ {
			x[2+j] = old[1+j]
		}
	}
}

// calc runs the filter from x0 and returns R's lik (n·log Σe² + …). The
// final state is left in em.state. It returns NaN where R returns NA.
func (em *etsModel) calc(x0 []float64, alpha, beta, gamma, phi float64) float64 {
	copy(em.state, x0)
	sse, sumlog := 0.0, 0.0
	for i, y := range em.y {
		em.old, em.state = em.state, em.old
		f := em.onestep(em.old, phi)
		var e float64
		if em.spec.Error == 'A' {
			e = y - f
		} else {
			e = (y - f) / f
		}
		if em.e != nil {
			em.e[i] = e
		}
		sse += e * e
		sumlog += math.Log(math.Abs(f))
		em.update(em.old, em.state, y, alpha, beta, gamma, phi)
	}
	lik := float64(len(em.y)) * math.Log(sse)
	if em.spec.Error == 'M' {
		lik += 2 * sumlog
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
	P := make([]float64, m+2)
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
	a := append([]float64(nil), p...)
	for len(a) > 1 {
		n := len(a) - 1
		a0, an := a[0], a[n]
		if math.Abs(a0) >= math.Abs(an) {
			// |product of roots| ≥ 1 (or a root on the circle). R allows
			// roots up to 1+1e-10; treat an exact tie as admissible.
			return math.Abs(a0)-math.Abs(an) <= 1e-10*math.Abs(an) && n == 1
		}
		q := make([]float64, n)
		for j := 1; j <= n; j++ {
			q[j-1] = an*a[j] - a0*a[n-j]
		}
		// Scale to a monic polynomial: the products shrink geometrically.
		for j := range q {
			q[j] /= q[n-1]
		}
		a = q
	}
	return true
}
