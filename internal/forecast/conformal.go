package forecast

import (
	"math"
	"slices"
)

// Out-of-sample calibration of the intervals on a rolling origin. The
// analytic intervals (R's) hold when the fitted model is the process; they
// leave out that its parameters, initial states and seasonal figure were
// estimated on the same data, and whatever the model does not see. The
// model's in-sample record (stepErrors) shares the first blind spot. Here
// the method is refitted, the model chosen on the whole series held
// fixed, to prefixes of the series ending at rollingOrigins, and forecasts
// what followed each prefix, up to h steps; each forecast's error is
// scored in units of the refitted interval's own half-width on the side
// where it fell (score ≤ 1: inside). The intervals on the whole series are
// then scaled about their mean, every step by the same factor per level
// (the analytic widths carry the growth with the horizon):
//
//   - 95 %: the split-conformal quantile of the scores, their ⌈(N+1)·0.95⌉-th
//     smallest of N (with exchangeable scores the next one lies below it
//     with probability at least 0.95): the tail, where the normal shape of
//     the analytic intervals is least to be trusted, from the errors' own
//     distribution;
//   - 80 %: the root mean square of the errors in units of the analytic
//     standard deviation (out-of-sample mean squared error over the
//     analytic variance). At 80 % the normal shape holds well enough and
//     this ratio, which uses every error, is far less noisy than an order
//     statistic of a few dozen overlapping errors: noise in a per-series
//     factor costs coverage (measured: the conformal quantile at 80 % too
//     gave 83.6 / 75.2 / 75.1 % on the holdouts of R's sets, monthly units
//     and weekly sales against 83.8 / 77.0 / 77.4 % for this).
//
// A factor above 1 widens (the record missed more than the analytic
// intervals promised), below 1 narrows. Fewer than minOOS scores (a
// horizon of 1 or 2, a series barely long enough to refit) leave the
// caller to its in-sample calibration.

const (
	// oosOrigins bounds the refits per series: the calibration costs
	// about oosOrigins fits of one model, at refitTol.
	oosOrigins = 8
	// minOOS is the least number of out-of-sample scores calibrated on.
	minOOS = 20
)

// refitTol is the optimiser's tolerance on the refits: the screen's second
// tolerance, at which the fits' AICc lies within a few units of R's.
var refitTol = screenTols[1]

// refit fits f's model to y from R's starting values, as FitETS does, with
// the optimiser stopped at refitTol: nothing of f but its model (spec and
// season) is carried over, so the refit knows only its prefix.
func refit(y []float64, f *ETSFit) (*ETSFit, error) {
	p, err := newETSProblem(y, f.Spec, f.M)
	if err != nil {
		return nil, err
	}
	p.s.run(refitTol)
	return p.fit()
}

// rollingOrigins returns the lengths of the prefixes refitted, longest
// first: n − s, n − 2s, … (at most oosOrigins of them, none shorter than
// tmin), the step s spreading them over the last 2h values when the series
// allows, closer together when tmin leaves less room.
func rollingOrigins(n, h, tmin int) []int {
	k := oosOrigins
	s := max(1, min((2*h+k-1)/k, (n-tmin)/k))
	var o []int
	for i := 1; i <= k; i++ {
		t := n - i*s
		if t < max(tmin, 1) {
			break
		}
		o = append(o, t)
	}
	return o
}

// oosScores refits by fc at every origin and returns the scores of the
// forecasts' errors: |error| over the distance from the refitted 95 %
// interval's mean to its bound on the error's side (+Inf when that
// distance is 0 and the error is not).
func oosScores(y []float64, h, tmin int, fc func(train []float64, h int) (Interval, bool)) (s95 []float64) {
	n := len(y)
	score := func(v, mu, lo, hi float64) float64 {
		d, e := hi-mu, v-mu
		if e < 0 {
			d, e = mu-lo, -e
		}
		switch {
		case e == 0:
			return 0
		case d <= 0:
			return math.Inf(1)
		}
		return e / d
	}
	for _, t := range rollingOrigins(n, h, tmin) {
		hh := min(h, n-t)
		g, ok := fc(y[:t], hh)
		if !ok || len(g.Mean) != hh {
			continue
		}
		for j := 0; j < hh; j++ {
			v := y[t+j]
			s95 = append(s95, score(v, g.Mean[j], g.Lo95[j], g.Hi95[j]))
		}
	}
	return s95
}

// conformalQuantile is the ⌈(N+1)·p⌉-th smallest of s (sorted in place),
// the largest when N is too small for that rank.
func conformalQuantile(s []float64, p float64) float64 {
	slices.Sort(s)
	i := int(math.Ceil(float64(len(s)+1)*p)) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// rmsFactor is the root mean square of the scores s (in units of half-widths
// at the normal quantile z) in units of the standard deviation.
func rmsFactor(s []float64, z float64) float64 {
	ss := 0.0
	for _, v := range s {
		ss += (v * z) * (v * z)
	}
	return math.Sqrt(ss / float64(len(s)))
}

// conformal scales iv about its mean by the factors of the out-of-sample
// scores (oosScores): at 80 % their root mean square in units of the
// standard deviation, at 95 % their conformal quantile; the 95 % interval
// is kept around the 80 %. It reports false, leaving iv as it was, when
// there are fewer than minOOS scores or a factor is not finite.
func conformal(y []float64, iv *Interval, tmin int, fc func(train []float64, h int) (Interval, bool)) bool {
	s95 := oosScores(y, len(iv.Mean), tmin, fc)
	if len(s95) < minOOS {
		return false
	}
	f80, f95 := rmsFactor(s95, z95), conformalQuantile(s95, 0.95)
	if math.IsInf(f80, 0) || math.IsInf(f95, 0) {
		return false
	}
	for j, mu := range iv.Mean {
		l80, h80 := f80*(mu-iv.Lo80[j]), f80*(iv.Hi80[j]-mu)
		l95, h95 := max(f95*(mu-iv.Lo95[j]), l80), max(f95*(iv.Hi95[j]-mu), h80)
		iv.Lo80[j], iv.Hi80[j] = mu-l80, mu+h80
		iv.Lo95[j], iv.Hi95[j] = mu-l95, mu+h95
	}
	return true
}
