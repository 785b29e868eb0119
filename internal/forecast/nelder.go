package forecast

import "math"

// nelderMead minimises f from x0 exactly as R's optim(method =
// "Nelder-Mead") does (nmmin in R's optim.c: reflection 1, contraction 0.5,
// expansion 2, an initial simplex of one step of 10 % of the largest
// |x0_i|), so that fits land where R's land, local optimum included. It
// returns the best point and its value. Non-finite values count as 1e35.
func nelderMead(f func([]float64) float64, x0 []float64, reltol float64, maxit int) ([]float64, float64) {
	const (
		alpha = 1.0
		bet   = 0.5
		gamm  = 2.0
		big   = 1.0e+35
	)
	n := len(x0)
	eval := func(x []float64) float64 {
		v := f(x)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return big
		}
		return v
	}
	bvec := append([]float64(nil), x0...)
	if n == 0 {
		return bvec, eval(bvec)
	}
	// P[i][j]: row i < n is coordinate i of vertex j; row n the value.
	n1 := n + 1
	C := n + 2
	P := make([][]float64, n1)
	for i := range P {
		P[i] = make([]float64, n+2)
	}
	fv := eval(bvec)
	funcount := 1
	convtol := reltol * (math.Abs(fv) + reltol)
	P[n1-1][0] = fv
	for i := 0; i < n; i++ {
		P[i][0] = bvec[i]
	}
	L := 1
	size := 0.0
	step := 0.0
	for i := 0; i < n; i++ {
		if 0.1*math.Abs(bvec[i]) > step {
			step = 0.1 * math.Abs(bvec[i])
		}
	}
	if step == 0 {
		step = 0.1
	}
	for j := 2; j <= n1; j++ {
		for i := 0; i < n; i++ {
			P[i][j-1] = bvec[i]
		}
		trystep := step
		for P[j-2][j-1] == bvec[j-2] {
			P[j-2][j-1] = bvec[j-2] + trystep
			trystep *= 10
		}
		size += trystep
	}
	oldsize := size
	calcvert := true
	for {
		if calcvert {
			for j := 0; j < n1; j++ {
				if j+1 != L {
					for i := 0; i < n; i++ {
						bvec[i] = P[i][j]
					}
					P[n1-1][j] = eval(bvec)
					funcount++
				}
			}
			calcvert = false
		}
		VL := P[n1-1][L-1]
		VH := VL
		H := L
		for j := 1; j <= n1; j++ {
			if j != L {
				v := P[n1-1][j-1]
				if v < VL {
					L = j
					VL = v
				}
				if v > VH {
					H = j
					VH = v
				}
			}
		}
		if VH <= VL+convtol {
			break
		}
		for i := 0; i < n; i++ {
			temp := -P[i][H-1]
			for j := 0; j < n1; j++ {
				temp += P[i][j]
			}
			P[i][C-1] = temp / float64(n)
		}
		for i := 0; i < n; i++ {
			bvec[i] = (1+alpha)*P[i][C-1] - alpha*P[i][H-1]
		}
		v := eval(bvec)
		funcount++
		VR := v
		if VR < VL {
			P[n1-1][C-1] = v
			for i := 0; i < n; i++ {
				t := gamm*bvec[i] + (1-gamm)*P[i][C-1]
				P[i][C-1] = bvec[i]
				bvec[i] = t
			}
			v = eval(bvec)
			funcount++
			if v < VR {
				for i := 0; i < n; i++ {
					P[i][H-1] = bvec[i]
				}
				P[n1-1][H-1] = v
			} else {
				for i := 0; i < n; i++ {
					P[i][H-1] = P[i][C-1]
				}
				P[n1-1][H-1] = VR
			}
		} else {
			if VR < VH {
				for i := 0; i < n; i++ {
					P[i][H-1] = bvec[i]
				}
				P[n1-1][H-1] = VR
			}
			for i := 0; i < n; i++ {
				bvec[i] = (1-bet)*P[i][H-1] + bet*P[i][C-1]
			}
			v = eval(bvec)
			funcount++
			if v < P[n1-1][H-1] {
				for i := 0; i < n; i++ {
					P[i][H-1] = bvec[i]
				}
				P[n1-1][H-1] = v
			} else if VR >= VH {
				calcvert = true
				size = 0
				for j := 0; j < n1; j++ {
					if j+1 != L {
						for i := 0; i < n; i++ {
							P[i][j] = bet*(P[i][j]-P[i][L-1]) + P[i][L-1]
							size += math.Abs(P[i][j] - P[i][L-1])
						}
					}
				}
				if size < oldsize {
					oldsize = size
				} else {
					break
				}
			}
		}
		if funcount > maxit {
			break
		}
	}
	x := make([]float64, n)
	for i := 0; i < n; i++ {
		x[i] = P[i][L-1]
	}
	return x, P[n1-1][L-1]
}
