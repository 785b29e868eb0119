package forecast

import "math"

// nelderMead minimises f from x0 exactly as R's optim(method =
// "Nelder-Mead") does (nmmin in R's optim.c: reflection 1, contraction 0.5,
// expansion 2, an initial simplex of one step of 10 % of the largest
// |x0_i|), so that fits land where R's land, local optimum included. It
// returns the best point and its value. Non-finite values count as 1e35.
func nelderMead(f func([]float64) float64, x0 []float64, reltol float64, maxit int) ([]float64, float64) {
	s := newSimplex(f, x0, maxit)
	s.run(reltol)
	return s.best()
}

// simplex is nmmin's state between iterations, so that a minimisation
// stopped at a loose tolerance can be resumed to a tighter one. nmmin's
// tolerance enters only in its convergence test at the top of the loop, so
// stopping at reltol r₁ and resuming to r₂ < r₁ visits exactly the points
// (and ends at exactly the point) of one run at r₂.
type simplex struct {
	f        func([]float64) float64
	n        int
	P        [][]float64 // P[i][j]: row i < n is coordinate i of vertex j; row n the value
	bvec     []float64
	f0       float64 // the value at x0: R's convergence tolerance is relative to it
	L        int
	funcount int
	maxit    int
	oldsize  float64
	calcvert bool
	done     bool // stopped for good: shrink failed, maxit reached, or no parameters
}

const nmBig = 1.0e+35

func (s *simplex) eval(x []float64) float64 {
	v := s.f(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nmBig
	}
	return v
}

func newSimplex(f func([]float64) float64, x0 []float64, maxit int) *simplex {
	n := len(x0)
	s := &simplex{f: f, n: n, maxit: maxit, bvec: append([]float64(nil), x0...)}
	bvec := s.bvec
	if n == 0 {
		s.f0 = s.eval(bvec)
		s.done = true
		return s
	}
	n1 := n + 1
	back := make([]float64, n1*(n+2))
	s.P = make([][]float64, n1)
	for i := range s.P {
		s.P[i] = back[i*(n+2) : (i+1)*(n+2)]
	}
	P := s.P
	fv := s.eval(bvec)
	s.f0 = fv
	s.funcount = 1
	P[n1-1][0] = fv
	for i := 0; i < n; i++ {
		P[i][0] = bvec[i]
	}
	s.L = 1
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
	s.oldsize = size
	s.calcvert = true
	return s
}

// value is the least value found so far.
func (s *simplex) value() float64 {
	if s.n == 0 {
		return s.f0
	}
	return s.P[s.n][s.L-1]
}

// best returns the best vertex and its value.
func (s *simplex) best() ([]float64, float64) {
	if s.n == 0 {
		return append([]float64(nil), s.bvec...), s.f0
	}
	x := make([]float64, s.n)
	for i := range x {
		x[i] = s.P[i][s.L-1]
	}
	return x, s.P[s.n][s.L-1]
}

// run iterates until the spread of values is within reltol of R's scale,
// or for good (shrink failure, maxit).
func (s *simplex) run(reltol float64) {
	if s.done {
		return
	}
	const (
		alpha = 1.0
		bet   = 0.5
		gamm  = 2.0
	)
	n, P, bvec := s.n, s.P, s.bvec
	n1 := n + 1
	C := n + 2
	L := s.L
	convtol := reltol * (math.Abs(s.f0) + reltol)
	defer func() { s.L = L }()
	for {
		if s.calcvert {
			for j := 0; j < n1; j++ {
				if j+1 != L {
					for i := 0; i < n; i++ {
						bvec[i] = P[i][j]
					}
					P[n1-1][j] = s.eval(bvec)
					s.funcount++
				}
			}
			s.calcvert = false
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
			return // resumable: the next run starts here again
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
		v := s.eval(bvec)
		s.funcount++
		VR := v
		if VR < VL {
			P[n1-1][C-1] = v
			for i := 0; i < n; i++ {
				t := gamm*bvec[i] + (1-gamm)*P[i][C-1]
				P[i][C-1] = bvec[i]
				bvec[i] = t
			}
			v = s.eval(bvec)
			s.funcount++
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
			v = s.eval(bvec)
			s.funcount++
			if v < P[n1-1][H-1] {
				for i := 0; i < n; i++ {
					P[i][H-1] = bvec[i]
				}
				P[n1-1][H-1] = v
			} else if VR >= VH {
				s.calcvert = true
				size := 0.0
				for j := 0; j < n1; j++ {
					if j+1 != L {
						for i := 0; i < n; i++ {
							P[i][j] = bet*(P[i][j]-P[i][L-1]) + P[i][L-1]
							size += math.Abs(P[i][j] - P[i][L-1])
						}
					}
				}
				if size < s.oldsize {
					s.oldsize = size
				} else {
					s.done = true
					return
				}
			}
		}
		if s.funcount > s.maxit {
			s.done = true
			return
		}
	}
}
