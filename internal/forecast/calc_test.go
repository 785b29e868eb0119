package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// refCalc is the filter as R writes it (state vectors shifted every step,
// Σlog|ŷ| summed step by step): the reference calc's ring buffer and
// running product must agree with.
func refCalc(y []float64, spec Spec, m int, x0 []float64, alpha, beta, gamma, phi float64) (float64, []float64) {
	if spec.Season == 'N' {
		m = 1
	}
	old, x := make([]float64, 2+m), append([]float64(nil), x0...)
	sse, sumlog := 0.0, 0.0
	for _, v := range y {
		old, x = x, old
		f := old[0]
		if spec.Trend == 'A' {
			f += phi * old[1]
		}
		switch spec.Season {
		case 'A':
			f += old[1+m]
		case 'M':
			f *= old[1+m]
		}
		e := v - f
		if spec.Error == 'M' {
			e = (v - f) / f
		}
		sse += e * e
		sumlog += math.Log(math.Abs(f))
		q, phib := old[0], 0.0
		if spec.Trend != 'N' {
			phib = phi * old[1]
			q = old[0] + phib
		}
		p, sOld := v, 0.0
		switch spec.Season {
		case 'A':
			sOld = old[1+m]
			p = v - sOld
		case 'M':
			sOld = old[1+m]
			p = v / sOld
		}
		l := q + alpha*(p-q)
		x[0], x[1] = l, 0
		if spec.Trend != 'N' {
			x[1] = phib + (beta/alpha)*((l-old[0])-phib)
		}
		if spec.Season != 'N' {
			t := v - q
			if spec.Season == 'M' {
				t = v / q
			}
			x[2] = sOld + gamma*(t-sOld)
			for j := 1; j < m; j++ {
				x[2+j] = old[1+j]
			}
		}
	}
	lik := float64(len(y)) * math.Log(sse)
	if spec.Error == 'M' {
		lik += 2 * sumlog
	}
	return lik, x
}

// TestCalcMatchesReference: the fast filter gives R's likelihood and final
// state to rounding (calc updates the trend as φb + β·(p − q), R as
// φb + (β/α)·((ℓ' − ℓ) − φb), the same value; R's form cancels ℓ against ℓ'),
// on random models, parameters and series.
func TestCalcMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 500; it++ {
		m := 2 + rng.IntN(12)
		n := m + 5 + rng.IntN(100)
		y := make([]float64, n)
		for i := range y {
			y[i] = 100 + 20*math.Sin(float64(i)) + 10*rng.Float64()
		}
		specs := Candidates(y, m)
		spec := specs[rng.IntN(len(specs))]
		mm := m
		if !spec.hasSeason() {
			mm = 1
		}
		x0 := make([]float64, 2+mm)
		x0[0] = 100
		if spec.hasTrend() {
			x0[1] = rng.NormFloat64()
		}
		for j := 0; j < mm && spec.hasSeason(); j++ {
			if spec.Season == 'M' {
				x0[2+j] = 0.8 + 0.4*rng.Float64()
			} else {
				x0[2+j] = 10 * rng.NormFloat64()
			}
		}
		a := 0.05 + 0.9*rng.Float64()
		b, g, phi := a*rng.Float64(), (1-a)*rng.Float64(), 0.8+0.18*rng.Float64()
		em := newETSModel(y, spec, m)
		got := em.calc(x0, a, b, g, phi)
		want, wantState := refCalc(y, spec, m, x0, a, b, g, phi)
		if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
			t.Fatalf("%s m=%d n=%d: lik %.17g, reference %.17g", spec, m, n, got, want)
		}
		for j := range wantState {
			if j == 1 && !spec.hasTrend() || j >= 2 && !spec.hasSeason() {
				continue
			}
			if math.Abs(em.state[j]-wantState[j]) > 1e-10*math.Max(1, math.Abs(wantState[j])) {
				t.Fatalf("%s: state %d %.17g, reference %.17g", spec, j, em.state[j], wantState[j])
			}
		}
	}
}
