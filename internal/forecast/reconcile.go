package forecast

import (
	"errors"
	"fmt"
	"math"
)

// Forecast reconciliation: base forecasts made level by level (network,
// factory, hub) do not add up; reconciliation finds the coherent forecasts
// closest to them. With the summing matrix S (every series as a sum of the
// bottom series), the reconciled forecasts are
//
//	ỹ = S (Sᵀ W⁻¹ S)⁻¹ Sᵀ W⁻¹ ŷ
//
// for a weight matrix W (Wickramasuriya, Athanasopoulos and Hyndman 2019,
// "Optimal forecast reconciliation for hierarchical and grouped time
// series through trace minimization", JASA 114):
//
//   - OLS: W = I;
//   - WLSStructural: W = diag(S·1), each series weighted by the number of
//     bottom series under it (needs no residuals);
//   - WLSVariance: W = diag of the in-sample one-step residual variances;
//   - MinTShrink: W = the residual covariance shrunk towards its diagonal
//     with Schäfer and Strimmer's λ, as hts::MinT(covariance = "shr").
//
// Reconciled forecasts add up at every level, and coherent base forecasts
// are returned unchanged (ỹ = S·G·ŷ with G·S = I).

// ReconcileMethod chooses W.
type ReconcileMethod int

const (
	OLS ReconcileMethod = iota
	WLSStructural
	WLSVariance
	MinTShrink
)

func (m ReconcileMethod) String() string {
	return [...]string{"ols", "wls-structural", "wls-variance", "mint-shrink"}[m]
}

// Hierarchy is a summing structure over N series of which M are bottom
// series: S[i][j] is 1 when bottom series j counts in series i. A
// hierarchy built by NewTree keeps its parent links instead, and builds S
// only when MinTShrink needs it: OLS and both WLS reconcile a tree in
// O(N) (treeReconcile), so a network of 100,000 hubs reconciles in
// milliseconds where a dense S would not fit in memory.
type Hierarchy struct {
	S      [][]float64
	parent []int
}

// NewTree builds the hierarchy of a tree given each node's parent (-1 for
// the root, e.g. the network; then factories; then hubs). The bottom
// series are the leaves, in index order.
func NewTree(parent []int) (*Hierarchy, error) {
	n := len(parent)
	kids := make([][]int, n)
	var order []int
	for i, p := range parent {
		if p >= n || p < -1 || p == i {
			return nil, fmt.Errorf("forecast: node %d has parent %d", i, p)
		}
		if p >= 0 {
			kids[p] = append(kids[p], i)
		} else {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		order = append(order, kids[order[k]]...)
	}
	if len(order) < n {
		return nil, errors.New("forecast: the parents form a cycle")
	}
	return &Hierarchy{parent: append([]int(nil), parent...)}, nil
}

// matrix is S, built from the parent links for a tree.
func (h *Hierarchy) matrix() [][]float64 {
	if h.S != nil || h.parent == nil {
		return h.S
	}
	parent := h.parent
	n := len(parent)
	hasChild := make([]bool, n)
	for _, p := range parent {
		if p >= 0 {
			hasChild[p] = true
		}
	}
	var leaves []int
	for i := range parent {
		if !hasChild[i] {
			leaves = append(leaves, i)
		}
	}
	S := make([][]float64, n)
	for i := range S {
		S[i] = make([]float64, len(leaves))
	}
	for j, leaf := range leaves {
		for v := leaf; v >= 0; v = parent[v] {
			S[v][j] = 1
		}
	}
	h.S = S
	return S
}

// Reconcile makes base forecasts coherent. base[i] are series i's
// forecasts, one per step; resid[i] its in-sample one-step residuals, all
// of the same length (needed by WLSVariance and MinTShrink only). It
// returns the reconciled forecasts in the same layout.
func (h *Hierarchy) Reconcile(base [][]float64, method ReconcileMethod, resid [][]float64) ([][]float64, error) {
	if h.parent != nil && method != MinTShrink {
		return h.treeReconcile(base, method, resid)
	}
	S := h.matrix()
	n := len(S)
	if n == 0 || len(base) != n {
		return nil, fmt.Errorf("forecast: %d base forecasts for %d series", len(base), n)
	}
	m := len(S[0])
	steps := len(base[0])
	for _, b := range base {
		if len(b) != steps {
			return nil, errors.New("forecast: base forecasts of different horizons")
		}
	}
	W, err := h.weights(method, resid)
	if err != nil {
		return nil, err
	}
	// Winv·S and Winv·ŷ by Cholesky solves (W is symmetric positive
	// definite), then G·ŷ = (Sᵀ Winv S)⁻¹ Sᵀ Winv ŷ.
	L, ok := cholesky(W)
	if !ok {
		return nil, errors.New("forecast: the weight matrix is not positive definite")
	}
	WiS := make([][]float64, n) // n × m
	for i := range WiS {
		WiS[i] = make([]float64, m)
	}
	col := make([]float64, n)
	for j := 0; j < m; j++ {
		for i := 0; i < n; i++ {
			col[i] = S[i][j]
		}
		x := cholSolve(L, col)
		for i := 0; i < n; i++ {
			WiS[i][j] = x[i]
		}
	}
	A := make([][]float64, m) // Sᵀ W⁻¹ S, m × m
	for a := 0; a < m; a++ {
		A[a] = make([]float64, m)
		for b := 0; b < m; b++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += S[i][a] * WiS[i][b]
			}
			A[a][b] = s
		}
	}
	LA, ok := cholesky(A)
	if !ok {
		return nil, errors.New("forecast: the hierarchy's SᵀW⁻¹S is singular")
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, steps)
	}
	rhs := make([]float64, m)
	for t := 0; t < steps; t++ {
		for a := 0; a < m; a++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += WiS[i][a] * base[i][t] // (W⁻¹S)ᵀ ŷ = Sᵀ W⁻¹ ŷ
			}
			rhs[a] = s
		}
		bottom := cholSolve(LA, rhs)
		for i := 0; i < n; i++ {
			s := 0.0
			for j := 0; j < m; j++ {
				s += S[i][j] * bottom[j]
			}
			out[i][t] = s
		}
	}
	return out, nil
}

// weights is W for the method.
func (h *Hierarchy) weights(method ReconcileMethod, resid [][]float64) ([][]float64, error) {
	n := len(h.matrix())
	W := make([][]float64, n)
	for i := range W {
		W[i] = make([]float64, n)
	}
	switch method {
	case OLS:
		for i := range W {
			W[i][i] = 1
		}
		return W, nil
	case WLSStructural:
		for i, row := range h.matrix() {
			for _, v := range row {
				W[i][i] += v
			}
		}
		return W, nil
	case WLSVariance, MinTShrink:
	default:
		return nil, fmt.Errorf("forecast: unknown reconciliation method %d", method)
	}
	if err := checkResid(resid, n); err != nil {
		return nil, err
	}
	T := len(resid[0])
	// hts's covariance: crossprod(res)/T, uncentred (residuals have mean ≈ 0).
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			if method == WLSVariance && i != j {
				continue
			}
			s := 0.0
			for t := 0; t < T; t++ {
				s += resid[i][t] * resid[j][t]
			}
			W[i][j], W[j][i] = s/float64(T), s/float64(T)
		}
	}
	for i := 0; i < n; i++ {
		if !(W[i][i] > 0) {
			return nil, fmt.Errorf("forecast: series %d has no residual variance", i)
		}
	}
	if method == WLSVariance {
		return W, nil
	}
	lambda := shrinkLambda(resid, W)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				W[i][j] *= 1 - lambda
			}
		}
	}
	return W, nil
}

// shrinkLambda is Schäfer and Strimmer's shrinkage intensity towards the
// diagonal, as hts's shrink.estim computes it: the sum of the estimated
// variances of the off-diagonal correlations over the sum of their
// squares, clamped to [0, 1].
func shrinkLambda(resid [][]float64, cov [][]float64) float64 {
	n, T := len(resid), len(resid[0])
	xs := make([][]float64, n) // residuals scaled by their (uncentred) sd
	for i := range xs {
		sd := math.Sqrt(cov[i][i])
		xs[i] = make([]float64, T)
		for t := range xs[i] {
			xs[i][t] = resid[i][t] / sd
		}
	}
	num, den := 0.0, 0.0
	fT := float64(T)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i == j {
				continue
			}
			s2, s1 := 0.0, 0.0
			for t := 0; t < T; t++ {
				p := xs[i][t] * xs[j][t]
				s2 += p * p
				s1 += p
			}
			num += (s2 - s1*s1/fT) / (fT * (fT - 1))
			r := cov[i][j] / math.Sqrt(cov[i][i]*cov[j][j])
			den += r * r
		}
	}
	if den == 0 {
		return 1
	}
	return math.Max(0, math.Min(1, num/den))
}

// cholesky returns the lower-triangular L with L·Lᵀ = A, or false when A is
// not (numerically) positive definite.
func cholesky(A [][]float64) ([][]float64, bool) {
	n := len(A)
	L := make([][]float64, n)
	for i := range L {
		L[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			s := A[i][j]
			for k := 0; k < j; k++ {
				s -= L[i][k] * L[j][k]
			}
			if i == j {
				if !(s > 0) {
					return nil, false
				}
				L[i][i] = math.Sqrt(s)
			} else {
				L[i][j] = s / L[j][j]
			}
		}
	}
	return L, true
}

// cholSolve solves L·Lᵀ·x = b.
func cholSolve(L [][]float64, b []float64) []float64 {
	n := len(L)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= L[i][k] * y[k]
		}
		y[i] = s / L[i][i]
	}
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= L[k][i] * y[k]
		}
		y[i] = s / L[i][i]
	}
	return y
}

func checkResid(resid [][]float64, n int) error {
	if len(resid) != n {
		return fmt.Errorf("forecast: %d residual series for %d series", len(resid), n)
	}
	T := len(resid[0])
	for _, r := range resid {
		if len(r) != T {
			return errors.New("forecast: residual series of different lengths")
		}
	}
	if T < 2 {
		return errors.New("forecast: fewer than two residuals")
	}
	return nil
}

// treeReconcile is Reconcile for a tree and a diagonal W, in O(N) per step.
// With W diagonal, GLS is the best linear unbiased estimate of the bottom
// series when each base forecast is that series plus independent noise of
// variance w; on a tree it is found by two passes (Gaussian belief
// propagation): up the tree, each node's estimate of its own value from its
// subtree alone, e = (ŷ/w + c/u)/(1/w + 1/u) with variance 1/(1/w + 1/u),
// where c and u are the sums of its children's estimates and variances
// (a leaf: ŷ and w); down the tree, the root takes its estimate and each
// node's reconciled value is split among its children in proportion to
// their variances, ỹ_c = e_c + u_c/Σu · (ỹ − Σe). TestTreeMatchesDense
// checks it against the dense formula.
func (h *Hierarchy) treeReconcile(base [][]float64, method ReconcileMethod, resid [][]float64) ([][]float64, error) {
	parent := h.parent
	n := len(parent)
	if n == 0 || len(base) != n {
		return nil, fmt.Errorf("forecast: %d base forecasts for %d series", len(base), n)
	}
	steps := len(base[0])
	for _, b := range base {
		if len(b) != steps {
			return nil, errors.New("forecast: base forecasts of different horizons")
		}
	}
	// Children lists (CSR) and an order with every child before its parent.
	nkids := make([]int, n+1)
	for _, p := range parent {
		if p >= 0 {
			nkids[p+1]++
		}
	}
	for i := 1; i <= n; i++ {
		nkids[i] += nkids[i-1]
	}
	kids := make([]int, nkids[n])
	fill := append([]int(nil), nkids[:n]...)
	for c, p := range parent {
		if p >= 0 {
			kids[fill[p]] = c
			fill[p]++
		}
	}
	order := make([]int, 0, n) // parents before children
	for i, p := range parent {
		if p < 0 {
			order = append(order, i)
		}
	}
	for k := 0; k < len(order); k++ {
		order = append(order, kids[nkids[order[k]]:nkids[order[k]+1]]...)
	}
	w := make([]float64, n)
	switch method {
	case OLS:
		for i := range w {
			w[i] = 1
		}
	case WLSStructural:
		for k := n - 1; k >= 0; k-- {
			v := order[k]
			if nkids[v] == nkids[v+1] {
				w[v] = 1
			}
			if p := parent[v]; p >= 0 {
				w[p] += w[v]
			}
		}
	case WLSVariance:
		if err := checkResid(resid, n); err != nil {
			return nil, err
		}
		for i, r := range resid {
			s := 0.0
			for _, e := range r {
				s += e * e
			}
			w[i] = s / float64(len(r))
			if !(w[i] > 0) {
				return nil, fmt.Errorf("forecast: series %d has no residual variance", i)
			}
		}
	default:
		return nil, fmt.Errorf("forecast: method %s needs the dense reconciliation", method)
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, steps)
	}
	e := make([]float64, n)
	u := make([]float64, n)
	for t := 0; t < steps; t++ {
		for k := n - 1; k >= 0; k-- { // up
			v := order[k]
			if nkids[v] == nkids[v+1] {
				e[v], u[v] = base[v][t], w[v]
				continue
			}
			c, uc := 0.0, 0.0
			for _, ch := range kids[nkids[v]:nkids[v+1]] {
				c += e[ch]
				uc += u[ch]
			}
			e[v] = (base[v][t]/w[v] + c/uc) / (1/w[v] + 1/uc)
			u[v] = 1 / (1/w[v] + 1/uc)
		}
		for _, v := range order { // down
			if parent[v] < 0 {
				out[v][t] = e[v]
			}
			ch := kids[nkids[v]:nkids[v+1]]
			if len(ch) == 0 {
				continue
			}
			c, uc := 0.0, 0.0
			for _, x := range ch {
				c += e[x]
				uc += u[x]
			}
			gap := out[v][t] - c
			for _, x := range ch {
				out[x][t] = e[x] + u[x]/uc*gap
			}
		}
	}
	return out, nil
}
