package forecast

import (
	"math"
	"slices"
)

// Intermittent-demand methods for series with many zeros:
//
//   - Croston: smooths the non-zero sizes z and the intervals x between
//     them; forecast z/x.
//   - SBA (Syntetos–Boylan approximation): Croston's times 1 − α/2, which
//     removes most of its bias.
//   - TSB (Teunter–Syntetos–Babai): smooths the probability of a demand
//     every period (so a dying item's forecast decays) and the size when
//     there is one; forecast p·z.
//
// The smoothing constants are chosen from smoothingGrid, and the method,
// by least in-sample squared one-step error. The intervals are quantiles
// of the forecast's per-period distribution: no demand with probability
// 1 − p, otherwise a size drawn from the observed non-zero sizes scaled
// to the forecast's mean size; they are the same at every step.

var smoothingGrid = []float64{0.05, 0.1, 0.15, 0.2, 0.3, 0.5}

// crostonRun returns the one-step forecasts' sum of squared errors (from
// the first demand on) and the final size and interval estimates.
func crostonRun(y []float64, alpha, bias float64) (sse, z, x float64) {
	first := -1
	for i, v := range y {
		if v != 0 {
			first = i
			break
		}
	}
	z, x = y[first], float64(first+1)
	q := 1
	for t := first + 1; t < len(y); t++ {
		f := bias * z / x
		e := y[t] - f
		sse += e * e
		if y[t] != 0 {
			z += alpha * (y[t] - z)
			x += alpha * (float64(q) - x)
			q = 1
		} else {
			q++
		}
	}
	return sse, z, x
}

func tsbRun(y []float64, alpha, beta float64) (sse, z, p float64) {
	first := -1
	nz := 0
	for i, v := range y {
		if v != 0 {
			if first < 0 {
				first = i
			}
			nz++
		}
	}
	z, p = y[first], float64(nz)/float64(len(y))
	for t := first + 1; t < len(y); t++ {
		e := y[t] - p*z
		sse += e * e
		if y[t] != 0 {
			p += beta * (1 - p)
			z += alpha * (y[t] - z)
		} else {
			p += beta * (0 - p)
		}
	}
	return sse, z, p
}

// intermittent fits the three methods and forecasts with the best.
func intermittent(y []float64, h int) Result {
	best := math.Inf(1)
	var method string
	var mean, prob float64
	for _, a := range smoothingGrid {
		for _, sba := range []bool{false, true} {
			bias, name := 1.0, "Croston"
			if sba {
				bias, name = 1-a/2, "SBA"
			}
			sse, z, x := crostonRun(y, a, bias)
			if sse < best {
				best, method, mean, prob = sse, name, bias*z/x, math.Min(1, 1/x)
			}
		}
		for _, b := range smoothingGrid {
			sse, z, p := tsbRun(y, a, b)
			if sse < best {
				best, method, mean, prob = sse, "TSB", p*z, p
			}
		}
	}
	var sizes []float64
	for _, v := range y {
		if v != 0 {
			sizes = append(sizes, v)
		}
	}
	slices.Sort(sizes)
	avg := 0.0
	for _, v := range sizes {
		avg += v
	}
	avg /= float64(len(sizes))
	scale := 0.0
	if prob > 0 && avg > 0 {
		scale = mean / prob / avg
	}
	q := func(p float64) float64 {
		if p <= 1-prob {
			return 0
		}
		return scale * quantile(sizes, (p-(1-prob))/prob)
	}
	iv := newInterval(h)
	for i := 0; i < h; i++ {
		iv.Mean[i] = mean
		iv.Lo80[i], iv.Hi80[i] = q(0.1), q(0.9)
		iv.Lo95[i], iv.Hi95[i] = q(0.025), q(0.975)
	}
	return Result{Method: method, Interval: iv}
}
