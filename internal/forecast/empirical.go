package forecast

import (
	"math"
	"slices"
)

// In-sample calibration of the ETS intervals: the fallback of the
// out-of-sample calibration (conformal.go) when too few out-of-sample
// errors can be had (a horizon of 1 or 2, a series barely long enough to
// refit). The analytic intervals
// (R's) hold when the model is the process; the model's own record on the
// series says how far its forecasts j steps ahead actually missed: with
// the fitted parameters fixed, the filter runs over the series and at every
// origin forecasts the next h values (stepErrors). Where the record and
// the analytic interval agree up to the record's sampling error nothing
// moves; where the record is wider (a season or a peak the model does not
// see) the interval widens, where it is narrower (a variance formula that
// over-states the spread) it narrows; see calibrate.
const minRecord = 20

// stepErrors runs the fitted model over y from its initial state with its
// parameters fixed and returns, for each step ahead j = 1…h, the errors
// y[t+j−1] − ŷ_t(j) of the point forecasts made at every origin t
// (errs[j−1] holds n − j + 1 values, origin 0 first): the model's own
// in-sample multi-step errors, with no refit. errs[0] is the series of
// one-step errors, y minus the fitted values.
func (f *ETSFit) stepErrors(y []float64, h int) [][]float64 {
	n := len(y)
	x := f.internalState(f.Init)
	m := len(x) - 2
	trend := f.Spec.hasTrend()
	season := f.Spec.Season
	l, b := x[0], x[1]
	ring := make([]float64, m) // the seasonal state used at step t is ring[t mod m]
	if season != 'N' {
		for k := 0; k < m; k++ {
			ring[k] = x[1+m-k]
		}
	}
	phis := make([]float64, h) // φ + … + φ^(j+1) (j + 1 without damping)
	acc, p := 0.0, 1.0
	for j := range phis {
		if f.Spec.Damped {
			p *= f.Phi
			acc += p
		} else {
			acc++
		}
		phis[j] = acc
	}
	errs := make([][]float64, h)
	for j := range errs {
		errs[j] = make([]float64, 0, max(n-j, 0))
	}
	k := 0
	for t, v := range y {
		for j := 0; j < h && t+j < n; j++ {
			fc := l
			if trend {
				fc += phis[j] * b
			}
			switch season {
			case 'A':
				fc += ring[(k+j)%m]
			case 'M':
				fc *= ring[(k+j)%m]
			}
			errs[j] = append(errs[j], y[t+j]-fc)
		}
		// R's update (etsModel.calc), in the same order.
		q, phib := l, 0.0
		if trend {
			phib = f.Phi * b
			q = l + phib
		}
		pv, s := v, 0.0
		switch season {
		case 'A':
			s = ring[k]
			pv = v - s
		case 'M':
			s = ring[k]
			if math.Abs(s) < tol {
				pv = 1e10
			} else {
				pv = v / s
			}
		}
		d := pv - q
		l = q + f.Alpha*d
		if trend {
			b = phib + f.Beta*d
		}
		if season != 'N' {
			var tv float64
			switch {
			case season == 'A':
				tv = v - q
			case math.Abs(q) < tol:
				tv = 1e10
			default:
				tv = v / q
			}
			ring[k] = s + f.Gamma*(tv-s)
			k++
			if k == m {
				k = 0
			}
		}
	}
	return errs
}

// calibrate moves the half-widths of iv (symmetric about iv.Mean, as the
// ETS intervals are) toward the model's record, step by step, only as far
// as the record contradicts them. The record is the absolute errors at the
// step (errs[j]), put on the same footing as the analytic variance, whose
// estimate divides by n − np: each error times √(n/(n − np)). At level p
// (0.8, 0.95) the record's quantile p is known to about ±1.96·√(p(1−p)/N)
// in level, with N the errors at step j over j (the errors of a step j
// overlap j − 1 steps with their neighbours); the analytic half-width is
// kept when it lies between the record's quantiles at the two ends of that
// band and otherwise set to the nearer end. A step with fewer than
// minRecord errors keeps the analytic half-width. Then extra, a variance
// the model does not see, is added to every step (in quadrature, at the
// normal quantile of each level).
func calibrate(iv *Interval, errs [][]float64, np int, extra float64) {
	a := make([]float64, 0, len(errs)+1)
	for j := range iv.Mean {
		h80, h95 := (iv.Hi80[j]-iv.Lo80[j])/2, (iv.Hi95[j]-iv.Lo95[j])/2
		if j < len(errs) && len(errs[j]) >= minRecord && len(errs[0]) > np {
			c := math.Sqrt(float64(len(errs[0])) / float64(len(errs[0])-np))
			a = a[:0]
			for _, e := range errs[j] {
				a = append(a, c*math.Abs(e))
			}
			slices.Sort(a)
			neff := float64(len(a)) / float64(j+1)
			band := func(hw, p float64) float64 {
				d := z95 * math.Sqrt(p*(1-p)/neff)
				lo, hi := quantile(a, math.Max(0, p-d)), quantile(a, math.Min(1, p+d))
				return math.Min(math.Max(hw, lo), hi)
			}
			h80, h95 = band(h80, 0.8), band(h95, 0.95)
			h95 = math.Max(h95, h80)
		}
		if extra > 0 {
			h80 = math.Sqrt(h80*h80 + z80*z80*extra)
			h95 = math.Sqrt(h95*h95 + z95*z95*extra)
		}
		m := iv.Mean[j]
		iv.Lo80[j], iv.Hi80[j] = m-h80, m+h80
		iv.Lo95[j], iv.Hi95[j] = m-h95, m+h95
	}
}
