package forecast

import (
	"errors"
	"fmt"
	"math"
)

// Reconciled prediction intervals. Reconciliation is linear: ỹ = P ŷ with
// P = S G = S (Sᵀ W⁻¹ S)⁻¹ Sᵀ W⁻¹. When the base forecast errors of step t
// are Gaussian with covariance Σₜ, the reconciled ones are Gaussian with
// covariance P Σₜ Pᵀ (Panagiotelis, Gamakumara, Athanasopoulos and Hyndman
// 2023, "Probabilistic forecast reconciliation: properties, evaluation and
// score optimisation", EJOR 306; Wickramasuriya et al. 2019, lemma 1).
// ReconcileIntervals takes Σₜ diagonal, each series' variance read from
// the half-width of its base 95 % interval, (hi95 − lo95)/(2·z95))², and
// returns normal 80 % and 95 % intervals around the reconciled means with
// the variances diag(P Σₜ Pᵀ)ᵢ = Σₖ Pᵢₖ² σ²ₖₜ. A diagonal Σ ignores the
// correlation of the series' errors (the bottom series' errors are
// independent; an aggregate's error is in truth the sum of theirs), so
// the aggregates' reconciled intervals are those of independent errors.
// P is found by reconciling the unit vectors, 256 at a time: O(N²) time and
// O(N) memory on a tree, for at most MaxIntervalSeries series.

// MaxIntervalSeries is the largest hierarchy whose intervals
// ReconcileIntervals reconciles (the time grows with N²).
const MaxIntervalSeries = 4000

// ReconciledIntervalMethod names the method of ReconcileIntervals, for reports.
const ReconciledIntervalMethod = "gaussian: diag(P Σ Pᵀ), Σ the base variances (diagonal), P = S (Sᵀ W⁻¹ S)⁻¹ Sᵀ W⁻¹"

// ReconcileIntervals reconciles the means of base (one Interval per
// series, all of the same horizon) as Reconcile does and gives them the
// reconciled intervals described above. resid as for Reconcile.
func (h *Hierarchy) ReconcileIntervals(base []Interval, method ReconcileMethod, resid [][]float64) ([]Interval, error) {
	n := len(base)
	if n == 0 {
		return nil, errors.New("forecast: no base forecasts")
	}
	if n > MaxIntervalSeries {
		return nil, fmt.Errorf("forecast: %d series, more than the %d whose intervals are reconciled", n, MaxIntervalSeries)
	}
	steps := len(base[0].Mean)
	means := make([][]float64, n)
	for i, b := range base {
		if len(b.Mean) != steps || len(b.Lo95) != steps || len(b.Hi95) != steps {
			return nil, errors.New("forecast: base forecasts of different horizons")
		}
		means[i] = b.Mean
	}
	rec, err := h.Reconcile(means, method, resid)
	if err != nil {
		return nil, err
	}
	// v[k][t]: base variances; s[i][t] = Σₖ P[i][k]² v[k][t], with P found
	// a block of columns at a time (P e_k for k in the block), so memory
	// stays O(N · block).
	v := make([][]float64, n)
	for k, b := range base {
		v[k] = make([]float64, steps)
		for t := range v[k] {
			v[k][t] = BaseVariance(b, t)
		}
	}
	s := make([][]float64, n)
	for i := range s {
		s[i] = make([]float64, steps)
	}
	const block = 256
	unit := make([][]float64, n)
	for lo := 0; lo < n; lo += block {
		w := min(block, n-lo)
		for i := range unit {
			unit[i] = make([]float64, w)
			if i >= lo && i < lo+w {
				unit[i][i-lo] = 1
			}
		}
		P, err := h.Reconcile(unit, method, resid) // P[i][c] = (S G)[i][lo+c]
		if err != nil {
			return nil, err
		}
		for i, row := range P {
			for c, p := range row {
				if p == 0 {
					continue
				}
				pp := p * p
				for t, vk := range v[lo+c] {
					s[i][t] += pp * vk
				}
			}
		}
	}
	out := make([]Interval, n)
	for i := range out {
		out[i] = newInterval(steps)
		for t := 0; t < steps; t++ {
			out[i].normal(t, rec[i][t], s[i][t])
		}
	}
	for i := range out {
		if !finite(out[i]) {
			return nil, fmt.Errorf("forecast: series %d: reconciled interval not finite", i)
		}
	}
	return out, nil
}

// BaseVariance is the variance a base interval implies at step t, as
// ReconcileIntervals reads it.
func BaseVariance(iv Interval, t int) float64 {
	sd := (iv.Hi95[t] - iv.Lo95[t]) / (2 * z95)
	return math.Max(sd*sd, 0)
}
