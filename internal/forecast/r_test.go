package forecast

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// rModel is one model fitted by R's ets (testdata/gen_r.R).
type rModel struct {
	Model  string    `json:"model"`
	Alpha  *float64  `json:"alpha"`
	Beta   *float64  `json:"beta"`
	Gamma  *float64  `json:"gamma"`
	Phi    *float64  `json:"phi"`
	Init   []float64 `json:"init"`
	AIC    float64   `json:"aic"`
	AICc   float64   `json:"aicc"`
	Sigma2 float64   `json:"sigma2"`
	Mean   []float64 `json:"mean"`
	Lo80   []float64 `json:"lo80"`
	Hi80   []float64 `json:"hi80"`
	Lo95   []float64 `json:"lo95"`
	Hi95   []float64 `json:"hi95"`
}

type rSet struct {
	Y      []float64 `json:"y"`
	M      int       `json:"m"`
	H      int       `json:"h"`
	Best   rModel    `json:"best"`
	Models []rModel  `json:"models"`
}

func loadR(t testing.TB) map[string]rSet {
	t.Helper()
	b, err := os.ReadFile("testdata/r_ets.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]rSet
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func parseSpec(t testing.TB, s string) Spec {
	// ETS(M,Ad,M)
	b := []byte(s[4 : len(s)-1])
	sp := Spec{Error: b[0], Trend: b[2], Season: b[len(b)-1]}
	if b[3] == 'd' {
		sp.Damped = true
	}
	return sp
}

func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-9) }

func maxRelErr(a, b []float64) float64 {
	m := 0.0
	for i := range b {
		m = math.Max(m, relErr(a[i], b[i]))
	}
	return m
}

// TestRModels fits every model R's ets fitted on nine of R's data sets
// (testdata/gen_r.R) and compares parameters, AICc, point forecasts and
// intervals.
//
// Tolerances: AICc within 0.01; smoothing parameters and initial states
// within 1e-4 relative (the same Nelder–Mead from the same start reaches
// the same point); forecasts and intervals within 1e-6 relative. The one
// known difference: for models with a season but no trend (A,N,A and
// M,N,A) R's class1() puts gamma on the second seasonal state (G[3] with
// no trend row), so its intervals are slightly off; this package uses the
// textbook c_j (Hyndman et al. 2008, table 6.1): those intervals differ
// from R's by up to 13 % of their half-width, and agree within 1e-6 when
// the test reproduces R's indexing (rQuirk).
func TestRModels(t *testing.T) {
	worst := map[string]float64{}
	for name, set := range loadR(t) {
		for _, rm := range set.Models {
			sp := parseSpec(t, rm.Model)
			f, err := FitETS(set.Y, sp, set.M)
			if err != nil {
				t.Errorf("%s %s: %v", name, rm.Model, err)
				continue
			}
			where := name + " " + rm.Model
			if d := math.Abs(f.AICc - rm.AICc); d > 0.01 {
				t.Errorf("%s: AICc %.4f, R %.4f", where, f.AICc, rm.AICc)
			}
			worst["aicc"] = math.Max(worst["aicc"], math.Abs(f.AICc-rm.AICc))
			check := func(what string, got float64, want *float64) {
				if want == nil {
					return
				}
				d := relErr(got, *want)
				worst[what] = math.Max(worst[what], d)
				if d > 1e-4 {
					t.Errorf("%s: %s %.6f, R %.6f", where, what, got, *want)
				}
			}
			check("alpha", f.Alpha, rm.Alpha)
			if sp.hasTrend() {
				check("beta", f.Beta, rm.Beta)
			}
			if sp.hasSeason() {
				check("gamma", f.Gamma, rm.Gamma)
			}
			if sp.Damped {
				check("phi", f.Phi, rm.Phi)
			}
			for i := range rm.Init {
				check("init", f.Init[i], &rm.Init[i])
			}
			quirk := sp.hasSeason() && !sp.hasTrend() && sp.Class() != 3
			fc := f.forecast(set.H, quirk)
			if d := maxRelErr(fc.Mean, rm.Mean); d > 1e-6 {
				t.Errorf("%s: mean off by %.2g relative", where, d)
			}
			worst["mean"] = math.Max(worst["mean"], maxRelErr(fc.Mean, rm.Mean))
			ivTol, key := 1e-6, "interval"
			for i := range rm.Mean {
				for _, p := range [][2]float64{{fc.Lo80[i], rm.Lo80[i]}, {fc.Hi80[i], rm.Hi80[i]}, {fc.Lo95[i], rm.Lo95[i]}, {fc.Hi95[i], rm.Hi95[i]}} {
					half := math.Abs(p[1] - rm.Mean[i])
					d := math.Abs(p[0]-p[1]) / half
					worst[key] = math.Max(worst[key], d)
					if d > ivTol {
						t.Errorf("%s step %d: interval bound %.4f, R %.4f", where, i+1, p[0], p[1])
					}
				}
			}
		}
	}
	t.Logf("largest differences from R: %v", worst)
}

// TestRAuto checks that the automatic choice is R's on every data set.
func TestRAuto(t *testing.T) {
	for name, set := range loadR(t) {
		f, err := AutoETS(set.Y, set.M)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Spec.String() != set.Best.Model || math.Abs(f.AICc-set.Best.AICc) > 0.01 {
			t.Errorf("%s: chose %s (AICc %.3f), R chose %s (AICc %.3f)", name, f.Spec, f.AICc, set.Best.Model, set.Best.AICc)
		}
	}
}
