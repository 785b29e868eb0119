package forecast

import "math"

// Seasonal series that ETS does not model with a season: a season longer
// than ETS's 24 (weekly data, season 52), or a short history on which
// AICc prefers a non-seasonal model although the series is seasonal.
// Forecast then takes the seasonal figure of a classical decomposition
// (R's decompose) out, forecasts the seasonally adjusted series with
// non-seasonal ETS, and puts the figure back: R's stlf with a periodic
// season, the decomposition of R's thetaf. Whether a series is seasonal is
// thetaf's test (seasonalTest).

// maxDecompSeason bounds the season of the decomposition (a year of days):
// the test and the figure cost O(n·m).
const maxDecompSeason = 366

// seasonalTest is R's thetaf test for a season of length m: the
// autocorrelation at lag m, in absolute value, exceeds qnorm(0.95) times
// √((1 + 2·Σ_{k<m} r_k²)/n). It needs more than two seasons, a series
// that is not constant, and a season of at most maxDecompSeason.
func seasonalTest(y []float64, m int) bool {
	n := len(y)
	if m < 2 || m > maxDecompSeason || n <= 2*m {
		return false
	}
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	den := 0.0
	for _, v := range y {
		den += (v - mean) * (v - mean)
	}
	if den == 0 {
		return false
	}
	acf := func(k int) float64 {
		s := 0.0
		for t := k; t < n; t++ {
			s += (y[t] - mean) * (y[t-k] - mean)
		}
		return s / den
	}
	ss := 0.0
	for k := 1; k < m; k++ {
		r := acf(k)
		ss += r * r
	}
	const q95 = 1.6448536269514722 // qnorm(0.95)
	return math.Abs(acf(m)) > q95*math.Sqrt((1+2*ss)/float64(n))
}

// seasonAdjusted is the decomposition forecast: figure s (decompose,
// additive) out, AutoETS on y − s with no season (or, when model is not
// nil, model's ETS refitted: the out-of-sample calibration's refits), s
// back on the forecasts and intervals. It also returns the ETS fit and the
// adjusted series (for the in-sample calibration of the intervals). It
// needs more than two seasons of at most maxDecompSeason.
func seasonAdjusted(y []float64, m, h int, model *ETSFit) (r Result, f *ETSFit, ya []float64, ok bool) {
	n := len(y)
	if m < 2 || m > maxDecompSeason || n <= 2*m {
		return Result{}, nil, nil, false
	}
	s := decompose(y, m, false)
	ya = make([]float64, n)
	for i := range y {
		ya[i] = y[i] - s[i]
	}
	var err error
	if model != nil {
		f, err = refit(ya, model)
	} else {
		f, err = AutoETS(ya, 1)
	}
	if err != nil {
		return Result{}, nil, nil, false
	}
	iv := f.Forecast(h)
	if !finite(iv) {
		return Result{}, nil, nil, false
	}
	for i := 0; i < h; i++ {
		d := s[(n+i)%m]
		iv.Mean[i] += d
		iv.Lo80[i] += d
		iv.Hi80[i] += d
		iv.Lo95[i] += d
		iv.Hi95[i] += d
	}
	return Result{Method: "decomposition + " + f.Spec.String(), Interval: iv}, f, ya, true
}
