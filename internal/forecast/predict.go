package forecast

import (
	"math"
)

// Quantiles of the standard normal for the two-sided 80 % and 95 % intervals.
const (
	z80 = 1.2815515655446004
	z95 = 1.959963984540054
)

// Interval is a point forecast with its 80 % and 95 % prediction intervals,
// one value per step ahead.
type Interval struct {
	Mean []float64 `json:"mean"`
	Lo80 []float64 `json:"lo80"`
	Hi80 []float64 `json:"hi80"`
	Lo95 []float64 `json:"lo95"`
	Hi95 []float64 `json:"hi95"`
}

func newInterval(h int) Interval {
	return Interval{Mean: make([]float64, h), Lo80: make([]float64, h), Hi80: make([]float64, h), Lo95: make([]float64, h), Hi95: make([]float64, h)}
}

// normal fills step i of iv from a mean and a variance.
func (iv *Interval) normal(i int, mean, v float64) {
	sd := math.Sqrt(math.Max(v, 0))
	iv.Mean[i] = mean
	iv.Lo80[i], iv.Hi80[i] = mean-z80*sd, mean+z80*sd
	iv.Lo95[i], iv.Hi95[i] = mean-z95*sd, mean+z95*sd
}

// Class says how the intervals of a model are computed: 1 for the linear
// models (additive error and components: exact, Hyndman et al. 2008,
// ch. 6), 2 for multiplicative error with additive components (exact
// variance of the class-2 recursion), 3 for a multiplicative season
// (R's class-3 moments: the forecast mean, which differs from the point
// forecast beyond one season, and an approximate variance; normal
// quantiles, as R's forecast.ets draws them).
func (s Spec) Class() int {
	switch {
	case s.Error == 'A' && s.Season != 'M':
		return 1
	case s.Season != 'M':
		return 2
	default:
		return 3
	}
}

// pointForecast is R's forecast(): h steps from state x with no error.
func (f *ETSFit) pointForecast(h int) []float64 {
	x := f.internalState(f.Last)
	m := len(x) - 2
	out := make([]float64, h)
	phistar := f.Phi
	for i := 0; i < h; i++ {
		v := x[0]
		if f.Spec.hasTrend() {
			v += phistar * x[1]
		}
		j := m - 1 - i
		for j < 0 {
			j += m
		}
		switch f.Spec.Season {
		case 'A':
			v += x[2+j]
		case 'M':
			v *= x[2+j]
		}
		out[i] = v
		if f.Spec.Damped {
			phistar += math.Pow(f.Phi, float64(i+2))
		} else {
			phistar += 1
		}
	}
	return out
}

// cj is c_j of Hyndman et al. (2008, table 6.1): how much of a one-step
// error reaches the forecast j steps later.
//
// rQuirk reproduces R's class1() for a season without trend, which puts
// gamma on the second seasonal state (gamma then arrives one step before
// the season is over); only the tests use it, to show that this is the
// one difference from R's intervals.
func (f *ETSFit) cj(j int, rQuirk bool) float64 {
	c := f.Alpha
	if f.Spec.hasTrend() {
		if f.Spec.Damped {
			pj, p := 0.0, 1.0
			for i := 1; i <= j; i++ {
				p *= f.Phi
				pj += p
			}
			c += f.Beta * pj
		} else {
			c += f.Beta * float64(j)
		}
	}
	lag := 0
	if rQuirk && !f.Spec.hasTrend() {
		lag = f.M - 1
	}
	if f.Spec.hasSeason() && j%f.M == lag {
		c += f.Gamma
	}
	return c
}

// Forecast returns the point forecasts and prediction intervals for h steps.
func (f *ETSFit) Forecast(h int) Interval { return f.forecast(h, false) }

func (f *ETSFit) forecast(h int, rQuirk bool) Interval {
	mu := f.pointForecast(h)
	iv := newInterval(h)
	switch f.Spec.Class() {
	case 1:
		acc := 1.0
		for i := 0; i < h; i++ {
			if i > 0 {
				c := f.cj(i, rQuirk)
				acc += c * c
			}
			iv.normal(i, mu[i], f.Sigma2*acc)
		}
	case 2:
		theta := make([]float64, h)
		c2 := make([]float64, h)
		for i := 1; i < h; i++ {
			c := f.cj(i, rQuirk)
			c2[i] = c * c
		}
		for i := 0; i < h; i++ {
			t := mu[i] * mu[i]
			for j := 1; j <= i; j++ {
				t += f.Sigma2 * c2[j] * theta[i-j]
			}
			theta[i] = t
			iv.normal(i, mu[i], (1+f.Sigma2)*t-mu[i]*mu[i])
		}
	default:
		mean, vr := f.class3(h)
		for i := range mean {
			iv.normal(i, mean[i], vr[i])
		}
	}
	return iv
}

// quantile is R's type-7 quantile of sorted s.
func quantile(s []float64, p float64) float64 {
	if len(s) == 0 {
		return 0
	}
	h := float64(len(s)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}
