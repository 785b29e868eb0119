package forecast

// Class-3 moments (multiplicative error and season, additive or no trend):
// the forecast mean and variance of Hyndman et al. (2008, §6.4), computed
// as R's forecast:::class3 computes them (exact up to a season ahead, a
// close approximation beyond).

// mat is a dense row-major matrix.
type mat struct {
	r, c int
	v    []float64
}

func newMat(r, c int) mat             { return mat{r, c, make([]float64, r*c)} }
func (a mat) at(i, j int) float64     { return a.v[i*a.c+j] }
func (a mat) set(i, j int, x float64) { a.v[i*a.c+j] = x }

func (a mat) mul(b mat) mat {
	out := newMat(a.r, b.c)
	for i := 0; i < a.r; i++ {
		for k := 0; k < a.c; k++ {
			x := a.v[i*a.c+k]
			if x == 0 {
				continue
			}
			row := b.v[k*b.c : (k+1)*b.c]
			o := out.v[i*out.c : (i+1)*out.c]
			for j, y := range row {
				o[j] += x * y
			}
		}
	}
	return out
}

func (a mat) t() mat {
	out := newMat(a.c, a.r)
	for i := 0; i < a.r; i++ {
		for j := 0; j < a.c; j++ {
			out.v[j*out.c+i] = a.v[i*a.c+j]
		}
	}
	return out
}

func (a mat) add(b mat, s float64) mat {
	out := newMat(a.r, a.c)
	for i := range a.v {
		out.v[i] = a.v[i] + s*b.v[i]
	}
	return out
}

func kron(a, b mat) mat {
	out := newMat(a.r*b.r, a.c*b.c)
	for i := 0; i < a.r; i++ {
		for j := 0; j < a.c; j++ {
			x := a.at(i, j)
			if x == 0 {
				continue
			}
			for k := 0; k < b.r; k++ {
				for l := 0; l < b.c; l++ {
					out.set(i*b.r+k, j*b.c+l, x*b.at(k, l))
				}
			}
		}
	}
	return out
}

// class3 returns the forecast means and variances h steps ahead.
func (f *ETSFit) class3(h int) (mu, vr []float64) {
	m := f.M
	k := 1
	if f.Spec.hasTrend() {
		k = 2
	}
	last := f.Last // [l, (b), s1..sm]
	H1 := newMat(1, k)
	for i := range H1.v {
		H1.v[i] = 1
	}
	H2 := newMat(1, m)
	H2.v[m-1] = 1
	F1, G1 := newMat(k, k), newMat(k, k)
	if k == 1 {
		F1.v[0] = 1
		G1.v[0] = f.Alpha
	} else {
		F1.set(0, 0, 1)
		F1.set(0, 1, 1)
		F1.set(1, 1, f.Phi)
		G1.set(0, 0, f.Alpha)
		G1.set(0, 1, f.Alpha)
		G1.set(1, 0, f.Beta)
		G1.set(1, 1, f.Beta)
	}
	F2 := newMat(m, m)
	F2.set(0, m-1, 1)
	for i := 1; i < m; i++ {
		F2.set(i, i-1, 1)
	}
	G2 := newMat(m, m)
	G2.set(0, m-1, f.Gamma)
	Mh := newMat(k, m)
	for i := 0; i < k; i++ {
		for j := 0; j < m; j++ {
			Mh.set(i, j, last[i]*last[k+j])
		}
	}
	km := k * m
	Vh := newMat(km, km)
	H21 := kron(H2, H1)
	F21 := kron(F2, F1)
	G21 := kron(G2, G1)
	K := kron(G2, F1).add(kron(F2, G1), 1)
	F21t, G21t, Kt, H21t := F21.t(), G21.t(), K.t(), H21.t()
	s2 := f.Sigma2
	mu = make([]float64, h)
	vr = make([]float64, h)
	G2t, F2t := G2.t(), F2.t()
	for i := 0; i < h; i++ {
		mu[i] = H1.mul(Mh).mul(H2.t()).v[0]
		vr[i] = (1+s2)*H21.mul(Vh).mul(H21t).v[0] + s2*mu[i]*mu[i]
		// vec(Mh), column-major
		vec := newMat(km, 1)
		for c := 0; c < m; c++ {
			for r := 0; r < k; r++ {
				vec.v[c*k+r] = Mh.at(r, c)
			}
		}
		vv := vec.mul(vec.t())
		a := F21.mul(Vh).mul(F21t)
		b := F21.mul(Vh).mul(G21t).
			add(G21.mul(Vh).mul(F21t), 1).
			add(K.mul(Vh.add(vv, 1)).mul(Kt), 1).
			add(G21.mul(scale(Vh, 3).add(vv, 2)).mul(G21t), s2)
		Vh = a.add(b, s2)
		Mh = F1.mul(Mh).mul(F2t).add(G1.mul(Mh).mul(G2t), s2)
	}
	return mu, vr
}

func scale(a mat, s float64) mat {
	out := newMat(a.r, a.c)
	for i := range a.v {
		out.v[i] = s * a.v[i]
	}
	return out
}
