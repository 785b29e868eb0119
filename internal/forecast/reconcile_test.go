package forecast

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// TestReconcileByHand: total = A + B with base forecasts 10, 4 and 5 (one
// unit incoherent). OLS spreads the unit equally over the three series:
// 29/3, 13/3, 16/3. WLS-structural weights the total by 2 (W = diag(2, 1,
// 1)): SᵀW⁻¹S = [[1.5, .5], [.5, 1.5]], SᵀW⁻¹ŷ = (9, 10), so the bottom
// is (4.25, 5.25) and the total 9.5.
func TestReconcileByHand(t *testing.T) {
	h, err := NewTree([]int{-1, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	base := [][]float64{{10}, {4}, {5}}
	for _, c := range []struct {
		m    ReconcileMethod
		want []float64
	}{
		{OLS, []float64{29.0 / 3, 13.0 / 3, 16.0 / 3}},
		{WLSStructural, []float64{9.5, 4.25, 5.25}},
	} {
		got, err := h.Reconcile(base, c.m, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range c.want {
			if math.Abs(got[i][0]-w) > 1e-12 {
				t.Errorf("%s: series %d %.15g, want %.15g", c.m, i, got[i][0], w)
			}
		}
	}
}

// TestReconcileR: a network, two factories and five hubs, against base
// R's computation with hts's shrinkage estimator (testdata/gen_reconcile.R).
func TestReconcileR(t *testing.T) {
	raw, err := os.ReadFile("testdata/r_reconcile.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Parent        []int
		Resid, Base   [][]float64
		OLS           [][]float64 `json:"ols"`
		WLSStructural [][]float64 `json:"wls_structural"`
		WLSVariance   [][]float64 `json:"wls_variance"`
		MinTShrink    [][]float64 `json:"mint_shrink"`
		Lambda        []float64
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	h, err := NewTree(d.Parent)
	if err != nil {
		t.Fatal(err)
	}
	if l := shrinkLambda(d.Resid, covOf(d.Resid)); math.Abs(l-d.Lambda[0]) > 1e-12 {
		t.Errorf("lambda %.15g, R %.15g", l, d.Lambda[0])
	}
	for m, want := range map[ReconcileMethod][][]float64{OLS: d.OLS, WLSStructural: d.WLSStructural, WLSVariance: d.WLSVariance, MinTShrink: d.MinTShrink} {
		got, err := h.Reconcile(d.Base, m, d.Resid)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			for s := range want[i] {
				if math.Abs(got[i][s]-want[i][s]) > 1e-9*math.Abs(want[i][s]) {
					t.Errorf("%s: series %d step %d: %.12g, R %.12g", m, i, s, got[i][s], want[i][s])
				}
			}
		}
	}
}

func covOf(r [][]float64) [][]float64 {
	n, T := len(r), len(r[0])
	c := make([][]float64, n)
	for i := range c {
		c[i] = make([]float64, n)
		for j := range c[i] {
			for t := 0; t < T; t++ {
				c[i][j] += r[i][t] * r[j][t]
			}
			c[i][j] /= float64(T)
		}
	}
	return c
}

// TestReconcileProperties: on random network → factory → hub trees, with
// every method, the reconciled forecasts add up at every node, and
// forecasts that already add up come back unchanged.
func TestReconcileProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for it := 0; it < 200; it++ {
		parent := []int{-1}
		factories := 1 + rng.IntN(4)
		for f := 0; f < factories; f++ {
			parent = append(parent, 0)
		}
		for f := 1; f <= factories; f++ {
			for k := rng.IntN(4); k >= 0; k-- {
				parent = append(parent, f)
			}
		}
		n := len(parent)
		h, err := NewTree(parent)
		if err != nil {
			t.Fatal(err)
		}
		steps, T := 1+rng.IntN(4), 30
		base := make([][]float64, n)
		resid := make([][]float64, n)
		for i := range base {
			base[i] = make([]float64, steps)
			for s := range base[i] {
				base[i][s] = 100 * rng.Float64()
			}
			resid[i] = make([]float64, T)
			for s := range resid[i] {
				resid[i][s] = rng.NormFloat64() * (1 + float64(i%3))
			}
		}
		// Coherent forecasts: the bottom's sums.
		coherent := make([][]float64, n)
		for i := range coherent {
			coherent[i] = make([]float64, steps)
		}
		for i, row := range h.matrix() {
			for j, v := range row {
				if v != 0 {
					// the j-th leaf is the j-th node with no children
					for s := 0; s < steps; s++ {
						coherent[i][s] += base[leafIndex(parent, j)][s]
					}
				}
			}
		}
		for _, m := range []ReconcileMethod{OLS, WLSStructural, WLSVariance, MinTShrink} {
			got, err := h.Reconcile(base, m, resid)
			if err != nil {
				t.Fatal(err)
			}
			for node := range parent {
				var kids []int
				for c, p := range parent {
					if p == node {
						kids = append(kids, c)
					}
				}
				if len(kids) == 0 {
					continue
				}
				for s := 0; s < steps; s++ {
					sum := 0.0
					for _, c := range kids {
						sum += got[c][s]
					}
					if math.Abs(sum-got[node][s]) > 1e-9*math.Max(1, math.Abs(sum)) {
						t.Fatalf("%s: node %d step %d: %.12g, its children add to %.12g", m, node, s, got[node][s], sum)
					}
				}
			}
			same, err := h.Reconcile(coherent, m, resid)
			if err != nil {
				t.Fatal(err)
			}
			for i := range same {
				for s := range same[i] {
					if math.Abs(same[i][s]-coherent[i][s]) > 1e-9*math.Max(1, math.Abs(coherent[i][s])) {
						t.Fatalf("%s: coherent forecast %d step %d moved from %.12g to %.12g", m, i, s, coherent[i][s], same[i][s])
					}
				}
			}
		}
	}
}

func leafIndex(parent []int, j int) int {
	has := make([]bool, len(parent))
	for _, p := range parent {
		if p >= 0 {
			has[p] = true
		}
	}
	for i := range parent {
		if !has[i] {
			if j == 0 {
				return i
			}
			j--
		}
	}
	return -1
}

func TestReconcileErrors(t *testing.T) {
	if _, err := NewTree([]int{-1, 2, 1}); err == nil {
		t.Error("a cycle was accepted")
	}
	h, _ := NewTree([]int{-1, 0, 0})
	if _, err := h.Reconcile([][]float64{{1}, {2}}, OLS, nil); err == nil {
		t.Error("two forecasts for three series were accepted")
	}
	if _, err := h.Reconcile([][]float64{{1}, {2}, {3}}, MinTShrink, nil); err == nil {
		t.Error("MinT without residuals was accepted")
	}
	if _, err := h.Reconcile([][]float64{{1}, {2}, {3}}, MinTShrink, [][]float64{{0, 0}, {1, 2}, {2, 1}}); err == nil {
		t.Error("a series without residual variance was accepted")
	}
}

// TestTreeMatchesDense: the O(N) tree passes give the dense formula's
// forecasts, on random trees of up to four levels.
func TestTreeMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for it := 0; it < 200; it++ {
		parent := []int{-1}
		for len(parent) < 2+rng.IntN(30) {
			parent = append(parent, rng.IntN(len(parent)))
		}
		n := len(parent)
		tree, err := NewTree(parent)
		if err != nil {
			t.Fatal(err)
		}
		dense := &Hierarchy{S: tree.matrix()}
		base, resid := make([][]float64, n), make([][]float64, n)
		for i := range base {
			base[i] = []float64{100 * rng.Float64(), 50 * rng.Float64()}
			resid[i] = make([]float64, 20)
			for s := range resid[i] {
				resid[i][s] = rng.NormFloat64() * (1 + float64(i%4))
			}
		}
		for _, m := range []ReconcileMethod{OLS, WLSStructural, WLSVariance} {
			a, err1 := tree.Reconcile(base, m, resid)
			b, err2 := dense.Reconcile(base, m, resid)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for i := range a {
				for s := range a[i] {
					if math.Abs(a[i][s]-b[i][s]) > 1e-9*math.Max(1, math.Abs(b[i][s])) {
						t.Fatalf("%s tree %v: series %d step %d: %.12g, dense %.12g", m, parent, i, s, a[i][s], b[i][s])
					}
				}
			}
		}
	}
}

// BenchmarkReconcileNetwork: a network of 100 factories of 1,000 hubs
// each (100,101 series), 13 steps, WLS-structural on the tree.
//
//	go test ./internal/forecast -run '^$' -bench ReconcileNetwork
func BenchmarkReconcileNetwork(b *testing.B) {
	parent := []int{-1}
	for f := 0; f < 100; f++ {
		parent = append(parent, 0)
	}
	for f := 1; f <= 100; f++ {
		for k := 0; k < 1000; k++ {
			parent = append(parent, f)
		}
	}
	h, err := NewTree(parent)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := make([][]float64, len(parent))
	for i := range base {
		base[i] = make([]float64, 13)
		for s := range base[i] {
			base[i][s] = 1000 * rng.Float64()
		}
	}
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		if _, err := h.Reconcile(base, WLSStructural, nil); err != nil {
			b.Fatal(err)
		}
	}
}
