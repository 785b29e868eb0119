package forecast

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestReconcileIntervalsR checks the reconciled means and intervals of a
// network → 2 factories → 5 hubs tree against base R's
// diag(P Σ Pᵀ) (testdata/gen_reconcile_var.R), on the tree and on its
// dense S.
func TestReconcileIntervalsR(t *testing.T) {
	raw, err := os.ReadFile("testdata/r_reconcile_var.json")
	if err != nil {
		t.Fatal(err)
	}
	type rec struct{ Mean, SD, Lo80, Hi95 [][]float64 }
	var ref struct {
		Parent   []int
		Base, SD [][]float64
		OLS      rec `json:"ols"`
		WLS      rec `json:"wls-structural"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	base := make([]Interval, len(ref.Base))
	for i := range base {
		base[i] = newInterval(2)
		for s := 0; s < 2; s++ {
			base[i].normal(s, ref.Base[i][s], ref.SD[i][s]*ref.SD[i][s])
		}
	}
	tree, err := NewTree(ref.Parent)
	if err != nil {
		t.Fatal(err)
	}
	dense := &Hierarchy{S: tree.matrix()}
	for _, c := range []struct {
		method ReconcileMethod
		want   rec
	}{{OLS, ref.OLS}, {WLSStructural, ref.WLS}} {
		for name, h := range map[string]*Hierarchy{"tree": {parent: tree.parent}, "dense": dense} {
			got, err := h.ReconcileIntervals(base, c.method, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range got {
				for s := 0; s < 2; s++ {
					sd := (got[i].Hi95[s] - got[i].Mean[s]) / z95
					for _, p := range [][2]float64{{got[i].Mean[s], c.want.Mean[i][s]}, {sd, c.want.SD[i][s]},
						{got[i].Lo80[s], c.want.Lo80[i][s]}, {got[i].Hi95[s], c.want.Hi95[i][s]}} {
						if math.Abs(p[0]-p[1]) > 1e-9*math.Max(1, math.Abs(p[1])) {
							t.Fatalf("%s %s series %d step %d: %v, R %v", c.method, name, i, s+1, p[0], p[1])
						}
					}
				}
			}
			// Coherent: each parent's mean is the sum of its children's.
			for s := 0; s < 2; s++ {
				if d := got[0].Mean[s] - got[1].Mean[s] - got[2].Mean[s]; math.Abs(d) > 1e-9 {
					t.Errorf("%s %s: not coherent at step %d (%g)", c.method, name, s+1, d)
				}
			}
		}
	}
}

// TestReconcileIntervalsCoherent: a tree whose base forecasts are already
// coherent keeps its means, with intervals symmetric around them.
func TestReconcileIntervalsCoherent(t *testing.T) {
	tree, _ := NewTree([]int{-1, 0, 0})
	base := make([]Interval, 3)
	for i, m := range []float64{30, 10, 20} {
		base[i] = newInterval(1)
		base[i].normal(0, m, float64(4*(i+1)))
	}
	got, err := tree.ReconcileIntervals(base, OLS, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if math.Abs(got[i].Mean[0]-base[i].Mean[0]) > 1e-12 {
			t.Errorf("series %d: coherent mean moved: %v → %v", i, base[i].Mean[0], got[i].Mean[0])
		}
		if d := (got[i].Hi80[0] - got[i].Mean[0]) - (got[i].Mean[0] - got[i].Lo80[0]); math.Abs(d) > 1e-9 || !(got[i].Hi95[0] > got[i].Hi80[0]) {
			t.Errorf("series %d: interval not symmetric and nested: %+v", i, got[i])
		}
	}
}

// TestReconcileIntervalsBlocks: a tree of 1 + 6 + 300 series (more than one
// block of unit vectors) gives the same intervals on the tree as on its
// dense S.
func TestReconcileIntervalsBlocks(t *testing.T) {
	parent := []int{-1}
	for f := 0; f < 6; f++ {
		parent = append(parent, 0)
	}
	for hub := 0; hub < 300; hub++ {
		parent = append(parent, 1+hub%6)
	}
	base := make([]Interval, len(parent))
	for i := range base {
		base[i] = newInterval(2)
		for s := 0; s < 2; s++ {
			base[i].normal(s, float64(10+i%17+s), float64(1+i%5+s))
		}
	}
	tree, err := NewTree(parent)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tree.ReconcileIntervals(base, WLSStructural, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := (&Hierarchy{S: tree.matrix()}).ReconcileIntervals(base, WLSStructural, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		for s := 0; s < 2; s++ {
			if d := math.Abs(got[i].Hi95[s] - want[i].Hi95[s]); d > 1e-8*math.Max(1, math.Abs(want[i].Hi95[s])) {
				t.Fatalf("series %d step %d: tree %v, dense %v", i, s+1, got[i].Hi95[s], want[i].Hi95[s])
			}
		}
	}
}

// BenchmarkReconcileIntervals: network → 20 factories → 3,000 hubs, 13
// steps, structural WLS, reconciled intervals (O(N²)).
//
//	go test ./internal/forecast -run '^$' -bench ReconcileIntervals -benchtime 3x
func BenchmarkReconcileIntervals(b *testing.B) {
	parent := []int{-1}
	for f := 0; f < 20; f++ {
		parent = append(parent, 0)
	}
	for hub := 0; hub < 3000; hub++ {
		parent = append(parent, 1+hub%20)
	}
	base := make([]Interval, len(parent))
	for i := range base {
		base[i] = newInterval(13)
		for s := 0; s < 13; s++ {
			base[i].normal(s, float64(10+i%17+s), float64(1+i%5+s))
		}
	}
	tree, err := NewTree(parent)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := tree.ReconcileIntervals(base, WLSStructural, nil); err != nil {
			b.Fatal(err)
		}
	}
}
