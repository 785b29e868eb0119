package forecast

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Options of Forecast.
type Options struct {
	Horizon int // steps ahead, ≥ 1
	Season  int // season length: 12 monthly, 4 quarterly, 7 daily, 52 weekly; ≤ 1 for none
}

// Result is the forecast of one series: the method that made it, a note
// when it fell back to a simpler one, and the forecasts with intervals.
type Result struct {
	Method string `json:"method"`
	Note   string `json:"note,omitempty"`
	Interval
	ETS *ETSFit `json:"-"` // the fitted model when Method is an ETS model
}

// ADICutoff is Syntetos and Boylan's average inter-demand interval above
// which a non-negative series counts as intermittent.
const ADICutoff = 1.32

// Forecast forecasts one series:
//
//   - a constant series (all zero included) forecasts itself, with no spread;
//   - a non-negative series whose average inter-demand interval exceeds
//     ADICutoff gets an intermittent-demand method (Croston, SBA or TSB, the
//     one of least in-sample squared error);
//   - otherwise ETS, chosen by AICc among R's default candidates, with
//     its intervals calibrated out of sample: the chosen model refitted to
//     prefixes of the series, its errors on what followed each prefix
//     scored against its own intervals, the 80 % interval scaled by the
//     errors' root mean square in standard deviations and the 95 % by
//     their conformal quantile (conformal); on the model's in-sample
//     multi-step errors (calibrate) when there are too few;
//   - but a seasonal series (R thetaf's test) whose season ETS does not
//     model, because it is longer than 24 or because AICc chose no season,
//     gets the decomposition forecast: non-seasonal ETS on the seasonally
//     adjusted series, the seasonal figure put back (seasonAdjusted);
//   - a series too short for ETS falls back to seasonal naive (naive without
//     a season, or with less than a season plus one of history), and says so
//     in Note.
//
// The output never holds NaN or ±Inf. Errors: a horizon below 1, an empty
// series, a value that is NaN or infinite.
func Forecast(y []float64, o Options) (Result, error) {
	if o.Horizon < 1 {
		return Result{}, errors.New("forecast: horizon must be at least 1")
	}
	if len(y) == 0 {
		return Result{}, errors.New("forecast: empty series")
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("forecast: value %d is %v", i+1, v)
		}
	}
	m := o.Season
	if m < 1 {
		m = 1
	}
	h := o.Horizon
	if slices.Min(y) == slices.Max(y) {
		iv := newInterval(h)
		for i := 0; i < h; i++ {
			iv.normal(i, y[0], 0)
		}
		r := Result{Method: "constant", Interval: iv}
		if len(y) == 1 {
			r.Note = "one observation: the forecast repeats it, with no interval"
		}
		return r, nil
	}
	if slices.Min(y) >= 0 && adi(y) > ADICutoff {
		return intermittent(y, h), nil
	}
	// A season ETS cannot take (longer than 24) goes straight to the
	// decomposition when the series is seasonal.
	if m > 24 && seasonalTest(y, m) {
		if r, ok := decomposed(y, m, h); ok {
			return r, nil
		}
	}
	if f, err := AutoETS(y, m); err == nil {
		iv := f.Forecast(h)
		if finite(iv) {
			if m > 1 && m <= 24 && !f.Spec.hasSeason() && seasonalTest(y, m) {
				if r, ok := decomposed(y, m, h); ok {
					return r, nil
				}
			}
			// Intervals calibrated out of sample (conformal), or on the
			// model's in-sample record when the series or the horizon is
			// too short for that.
			cal := cloneInterval(iv)
			if !conformal(y, &cal, f.Spec.npars(m)+5, func(tr []float64, hh int) (Interval, bool) {
				g, err := refit(tr, f)
				if err != nil {
					return Interval{}, false
				}
				gi := g.Forecast(hh)
				return gi, finite(gi)
			}) {
				cal = cloneInterval(iv)
				calibrate(&cal, f.stepErrors(y, h), f.NParams, 0)
			}
			if finite(cal) {
				iv = cal
			}
			r := Result{Method: f.Spec.String(), Interval: iv, ETS: f}
			if m > 1 && m <= 24 && !f.Spec.hasSeason() && len(y) <= (Spec{Season: 'A', Trend: 'N'}).npars(m)+4 {
				r.Note = fmt.Sprintf("%d observations are too few for a seasonal model of season %d (more than %d needed): non-seasonal ETS", len(y), m, (Spec{Season: 'A', Trend: 'N'}).npars(m)+4)
			}
			return r, nil
		}
	}
	r := Naive(y, m, h)
	r.Note = fmt.Sprintf("%d observations are too few for ETS: %s", len(y), r.Method)
	return r, nil
}

// decomposed is the decomposition forecast (seasonAdjusted) with its
// intervals made honest about the seasonal figure, which the ETS of the
// adjusted series does not see: the ETS variance, estimated as if only
// its own parameters had been fitted, is put on n − np − (m − 1) degrees
// of freedom (the figure's m − 1 free values were fitted to the same
// data), and the variance of the figure itself is added: each figure value
// is a mean over the series' ⌊n/m⌋ seasons, so about the one-step error
// variance over that (decomposedWith). Then the intervals are calibrated
// out of sample (conformal: the whole decomposition, figure included,
// redone on each prefix with the chosen ETS model), or, with too few
// out-of-sample errors, on the record of the adjusted series' ETS
// (calibrate) with the same count of parameters.
func decomposed(y []float64, m, h int) (Result, bool) {
	r, f, errs, np, v, ok := decomposedWith(y, m, h, nil)
	if !ok {
		return Result{}, false
	}
	cal := cloneInterval(r.Interval)
	calibrate(&cal, nil, np, v)
	if conformal(y, &cal, 2*m+1, func(tr []float64, hh int) (Interval, bool) {
		g, _, _, np, v, ok := decomposedWith(tr, m, hh, f)
		if !ok {
			return Interval{}, false
		}
		calibrate(&g.Interval, nil, np, v)
		return g.Interval, finite(g.Interval)
	}) && finite(cal) {
		r.Interval = cal
	} else {
		calibrate(&r.Interval, errs, np, v)
	}
	return r, finite(r.Interval)
}

// cloneInterval is a deep copy of iv.
func cloneInterval(iv Interval) Interval {
	return Interval{Mean: slices.Clone(iv.Mean), Lo80: slices.Clone(iv.Lo80), Hi80: slices.Clone(iv.Hi80), Lo95: slices.Clone(iv.Lo95), Hi95: slices.Clone(iv.Hi95)}
}

// decomposedWith is seasonAdjusted (AutoETS on the adjusted series, or,
// when model is not nil, model's ETS refitted) with the intervals on the
// degrees of freedom left by the figure; it returns the adjusted series'
// in-sample record, the count of parameters and the figure's variance for
// calibrate.
func decomposedWith(y []float64, m, h int, model *ETSFit) (r Result, f *ETSFit, errs [][]float64, np int, v float64, ok bool) {
	r, f, ya, ok := seasonAdjusted(y, m, h, model)
	if !ok {
		return
	}
	n := len(y)
	np = f.NParams + m - 1
	if n-np < 2 {
		ok = false
		return
	}
	scale := math.Sqrt(float64(n-f.NParams) / float64(n-np))
	iv := &r.Interval
	for i, mu := range iv.Mean {
		iv.Lo80[i], iv.Hi80[i] = mu-scale*(mu-iv.Lo80[i]), mu+scale*(iv.Hi80[i]-mu)
		iv.Lo95[i], iv.Hi95[i] = mu-scale*(mu-iv.Lo95[i]), mu+scale*(iv.Hi95[i]-mu)
	}
	errs = f.stepErrors(ya, h)
	for _, e := range errs[0] {
		v += e * e
	}
	v /= float64(len(errs[0])) * float64(n/m)
	return r, f, errs, np, v, finite(r.Interval)
}

func finite(iv Interval) bool {
	for _, s := range [][]float64{iv.Mean, iv.Lo80, iv.Hi80, iv.Lo95, iv.Hi95} {
		for _, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}

// adi is the average inter-demand interval: periods per non-zero value.
func adi(y []float64) float64 {
	nz := 0
	for _, v := range y {
		if v != 0 {
			nz++
		}
	}
	if nz == 0 {
		return math.Inf(1)
	}
	return float64(len(y)) / float64(nz)
}

// Naive is the floor: seasonal naive (the value one season back) when the
// series holds more than one season of season m > 1, naive (the last value)
// otherwise. Intervals are R's: normal, with the residual variance of the
// method times the number of seasons (steps, for naive) ahead.
func Naive(y []float64, m, h int) Result {
	n := len(y)
	method := "snaive"
	if m <= 1 || n <= m {
		m, method = 1, "naive"
	}
	ss, k := 0.0, 0
	for t := m; t < n; t++ {
		d := y[t] - y[t-m]
		ss += d * d
		k++
	}
	s2 := 0.0
	if k > 0 {
		s2 = ss / float64(k)
	}
	iv := newInterval(h)
	for i := 0; i < h; i++ {
		mean := y[n-m+i%m]
		iv.normal(i, mean, s2*float64(i/m+1))
	}
	return Result{Method: method, Interval: iv}
}
