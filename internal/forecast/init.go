package forecast

import "math"

// initState is R's initstate(): the starting state [l, b, s0..s_{m-2}]
// (level, trend if any, and all but the last seasonal state, which the
// seasonal constraint fixes) from a classical decomposition (at least three
// seasons) or a regression on a trend and one Fourier pair (fewer), then a
// regression on the first max(10, 2m) seasonally adjusted values.
func initState(y []float64, trend, season byte, m int) []float64 {
	n := len(y)
	var seas []float64 // s0..s_{m-2}
	ysa := y
	if season != 'N' {
		var ds []float64 // seasonal component, one per observation
		if n < 3*m {
			c := fourierFit(y, m)
			ds = make([]float64, n)
			for i := range ds {
				t := c[0] + c[1]*float64(i+1)
				if season == 'A' {
					ds[i] = y[i] - t
				} else {
					ds[i] = y[i] / t
				}
			}
		} else {
			ds = decompose(y, m, season == 'M')
		}
		seas = make([]float64, m-1)
		for j := 0; j < m-1; j++ {
			seas[j] = ds[m-1-j] // rev(seasonal[2:m])
		}
		ysa = make([]float64, n)
		if season == 'A' {
			for i := range y {
				ysa[i] = y[i] - ds[i]
			}
		} else {
			sum := 0.0
			for j := range seas {
				seas[j] = math.Max(seas[j], 1e-2)
				sum += seas[j]
			}
			if sum > float64(m) {
				sum2 := 0.0
				for j := range seas {
					sum2 += seas[j] + 1e-2
				}
				for j := range seas {
					seas[j] /= sum2
				}
			}
			for i := range y {
				ysa[i] = y[i] / math.Max(ds[i], 1e-2)
			}
		}
	} else {
		m = 1
	}
	maxn := min(max(10, 2*m), len(ysa))
	var out []float64
	if trend == 'N' {
		s := 0.0
		for _, v := range ysa[:maxn] {
			s += v
		}
		out = []float64{s / float64(maxn)}
	} else {
		a, b := linreg(ysa[:maxn])
		if math.Abs(a+b) < 1e-8 {
			a *= 1 + 1e-3
			b *= 1 + 1e-3
		}
		out = []float64{a, b}
	}
	return append(out, seas...)
}

// linreg fits y_i = a + b·i, i = 1…n, by least squares (R's lsfit).
func linreg(y []float64) (a, b float64) {
	n := float64(len(y))
	if len(y) < 2 {
		return y[0], 0
	}
	mx := (n + 1) / 2
	my := 0.0
	for _, v := range y {
		my += v
	}
	my /= n
	sxy, sxx := 0.0, 0.0
	for i, v := range y {
		dx := float64(i+1) - mx
		sxy += dx * (v - my)
		sxx += dx * dx
	}
	b = sxy / sxx
	return my - b*mx, b
}

// decompose is R's decompose(): the seasonal figure of a classical
// decomposition (centred moving average), repeated along the series.
func decompose(y []float64, m int, mult bool) []float64 {
	n := len(y)
	var w []float64
	if m%2 == 0 {
		w = make([]float64, m+1)
		for i := range w {
			w[i] = 1 / float64(m)
		}
		w[0], w[m] = 0.5/float64(m), 0.5/float64(m)
	} else {
		w = make([]float64, m)
		for i := range w {
			w[i] = 1 / float64(m)
		}
	}
	o := len(w) / 2
	fig := make([]float64, m)
	cnt := make([]int, m)
	for t := o; t+len(w)-1-o < n; t++ {
		tr := 0.0
		for j, wj := range w {
			tr += wj * y[t-o+j]
		}
		s := y[t] - tr
		if mult {
			s = y[t] / tr
		}
		fig[t%m] += s
		cnt[t%m]++
	}
	mean := 0.0
	for i := range fig {
		fig[i] /= float64(cnt[i])
		mean += fig[i]
	}
	mean /= float64(m)
	for i := range fig {
		if mult {
			fig[i] /= mean
		} else {
			fig[i] -= mean
		}
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = fig[i%m]
	}
	return out
}

// fourierFit regresses y on 1, t, sin(2πt/m), cos(2πt/m) (t = 1…n; the
// sine is dropped when m = 2, where it vanishes) and returns the
// intercept and slope, as R's tslm(y ~ trend + fourier(y, 1)).
func fourierFit(y []float64, m int) [2]float64 {
	n := len(y)
	k := 4
	if m == 2 {
		k = 3
	}
	X := make([][]float64, n)
	for i := range X {
		t := float64(i + 1)
		row := []float64{1, t}
		if m != 2 {
			row = append(row, math.Sin(2*math.Pi*t/float64(m)))
		}
		row = append(row, math.Cos(2*math.Pi*t/float64(m)))
		X[i] = row
	}
	beta := leastSquares(X, y, k)
	return [2]float64{beta[0], beta[1]}
}

// leastSquares solves the normal equations of X·β ≈ y (k columns) with
// Gaussian elimination and partial pivoting; a singular column gets 0.
func leastSquares(X [][]float64, y []float64, k int) []float64 {
	A := make([][]float64, k)
	for i := range A {
		A[i] = make([]float64, k+1)
	}
	for r, row := range X {
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				A[i][j] += row[i] * row[j]
			}
			A[i][k] += row[i] * y[r]
		}
	}
	for c := 0; c < k; c++ {
		p := c
		for r := c + 1; r < k; r++ {
			if math.Abs(A[r][c]) > math.Abs(A[p][c]) {
				p = r
			}
		}
		A[c], A[p] = A[p], A[c]
		if math.Abs(A[c][c]) < 1e-12 {
			continue
		}
		for r := 0; r < k; r++ {
			if r == c {
				continue
			}
			f := A[r][c] / A[c][c]
			for j := c; j <= k; j++ {
				A[r][j] -= f * A[c][j]
			}
		}
	}
	beta := make([]float64, k)
	for i := range beta {
		if math.Abs(A[i][i]) >= 1e-12 {
			beta[i] = A[i][k] / A[i][i]
		}
	}
	return beta
}
