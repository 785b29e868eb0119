package forecast

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// rDecomp is one series of testdata/r_decomp.json (gen_decomp.R): R's
// thetaf seasonality test and the forecast of ets() on the series minus
// decompose()'s seasonal figure, the figure put back.
type rDecomp struct {
	Y        []float64 `json:"y"`
	M        int       `json:"m"`
	H        int       `json:"h"`
	Seasonal bool      `json:"seasonal"`
	Model    string    `json:"model"`
	Mean     []float64 `json:"mean"`
	Lo80     []float64 `json:"lo80"`
	Hi80     []float64 `json:"hi80"`
	Lo95     []float64 `json:"lo95"`
	Hi95     []float64 `json:"hi95"`
}

func loadDecomp(t *testing.T) map[string]rDecomp {
	t.Helper()
	b, err := os.ReadFile("testdata/r_decomp.json")
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]rDecomp
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d) < 7 {
		t.Fatalf("%d series in r_decomp.json", len(d))
	}
	return d
}

// TestDecompositionMatchesR: the seasonality test decides as R's thetaf
// does, and seasonAdjusted (before Forecast's calibration) forecasts as R's
// ets() on decompose()'s adjusted series does: the same model, forecasts
// and intervals within 1e-6 relative.
func TestDecompositionMatchesR(t *testing.T) {
	seen := map[bool]bool{}
	for name, c := range loadDecomp(t) {
		if got := seasonalTest(c.Y, c.M); got != c.Seasonal {
			t.Errorf("%s: seasonal test %v, R's thetaf says %v", name, got, c.Seasonal)
		}
		seen[c.Seasonal] = true
		r, f, ya, ok := seasonAdjusted(c.Y, c.M, c.H, nil)
		if !ok {
			t.Fatalf("%s: no decomposition forecast", name)
		}
		if f.Spec.String() != c.Model || r.Method != "decomposition + "+c.Model || len(ya) != len(c.Y) {
			t.Errorf("%s: %s, R chose %s", name, r.Method, c.Model)
			continue
		}
		for _, p := range []struct {
			what      string
			got, want []float64
		}{{"mean", r.Mean, c.Mean}, {"lo80", r.Lo80, c.Lo80}, {"hi80", r.Hi80, c.Hi80}, {"lo95", r.Lo95, c.Lo95}, {"hi95", r.Hi95, c.Hi95}} {
			if d := maxRelErr(p.got, p.want); d > 1e-6 {
				t.Errorf("%s %s: max relative difference from R %.2g", name, p.what, d)
			}
		}
	}
	if !seen[true] || !seen[false] {
		t.Fatal("the reference series do not cover both answers of the test")
	}
}

// TestForecastRoutesSeasonal: Forecast sends a seasonal series with a
// season longer than ETS's 24 to the decomposition, keeps its mean, and
// widens its intervals by the figure's own uncertainty; a non-seasonal one
// (a random walk) stays with ETS, and so does a monthly series whose
// season ETS models itself.
func TestForecastRoutesSeasonal(t *testing.T) {
	d := loadDecomp(t)
	w := d["weekly"]
	r, err := Forecast(w.Y, Options{Horizon: w.H, Season: w.M})
	if err != nil {
		t.Fatal(err)
	}
	checkSane(t, "weekly", r, w.H)
	if r.Method != "decomposition + "+w.Model || r.ETS != nil {
		t.Fatalf("weekly seasonal series: %s", r.Method)
	}
	if d := maxRelErr(r.Mean, w.Mean); d > 1e-6 {
		t.Errorf("weekly: the mean moved from R's by %.2g", d)
	}
	for i := range r.Mean {
		if r.Hi95[i]-r.Lo95[i] <= w.Hi95[i]-w.Lo95[i] {
			t.Errorf("weekly step %d: 95 %% interval %.3f wide, not wider than the adjusted series' ETS (%.3f)", i+1, r.Hi95[i]-r.Lo95[i], w.Hi95[i]-w.Lo95[i])
		}
	}
	wk := d["walk"]
	r, _ = Forecast(wk.Y, Options{Horizon: wk.H, Season: wk.M})
	if !strings.HasPrefix(r.Method, "ETS(") || r.ETS == nil {
		t.Errorf("random walk: %s, want ETS", r.Method)
	}
	// Fewer than three seasons of 52 (the network's weekly series): no
	// decomposition, whatever the data.
	r, _ = Forecast(w.Y[:104], Options{Horizon: 13, Season: 52})
	if strings.HasPrefix(r.Method, "decomposition") {
		t.Errorf("two seasons of 52: %s", r.Method)
	}
	// AirPassengers: ETS models the season; the decomposition is not used.
	air := loadR(t)["AirPassengers"]
	r, _ = Forecast(air.Y, Options{Horizon: air.H, Season: air.M})
	if r.Method != air.Best.Model {
		t.Errorf("AirPassengers: %s, R's ets chooses %s", r.Method, air.Best.Model)
	}
}

// TestStepErrors: the record's one-step errors are the fit's residuals
// (times the fitted value for a multiplicative error), and the errors from
// the origin just past the data are the actuals minus ETSFit.Forecast's
// point forecasts (R's), for every model R fitted to the reference series.
func TestStepErrors(t *testing.T) {
	for name, set := range loadR(t) {
		for _, rm := range set.Models {
			spec := parseSpec(t, rm.Model)
			f, err := FitETS(set.Y, spec, set.M)
			if err != nil {
				t.Fatalf("%s %s: %v", name, rm.Model, err)
			}
			n, h := len(set.Y), 6
			errs := f.stepErrors(set.Y, h)
			for j := range errs {
				if len(errs[j]) != n-j {
					t.Fatalf("%s %s: %d errors at step %d, want %d", name, rm.Model, len(errs[j]), j+1, n-j)
				}
			}
			for i, e := range errs[0] {
				want := f.Resid[i]
				got := e
				if spec.Error == 'M' {
					got = e / (set.Y[i] - e)
				}
				if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s %s: one-step error %d is %g, residual %g", name, rm.Model, i, got, want)
				}
			}
			pf := f.Forecast(h).Mean
			if spec.Season == 'M' {
				pf = f.pointForecast(h) // class 3: the mean is not the point forecast
			}
			ext := append([]float64(nil), set.Y...)
			for _, v := range pf {
				ext = append(ext, v+1)
			}
			errs = f.stepErrors(ext, h)
			for j := range h {
				if e := errs[j][n]; math.Abs(e-1) > 1e-6*math.Max(1, math.Abs(pf[j])) {
					t.Fatalf("%s %s: error %d steps from the end is %g, want 1", name, rm.Model, j+1, e)
				}
			}
		}
	}
}

// TestCalibrate on a hand-computed record: absolute errors 1…100 at step
// 1 (N = 100, no parameters), so the record's quantile at level q is
// 1 + 99q and the band about 80 % is 0.8 ± 1.96·√(0.8·0.2/100) = 0.8 ±
// 0.0784: quantiles 72.4384 and 87.9616.
func TestCalibrate(t *testing.T) {
	rec := make([]float64, 100)
	for i := range rec {
		rec[i] = float64(i + 1)
		if i%2 == 1 {
			rec[i] = -rec[i] // the sign does not matter
		}
	}
	short := rec[:minRecord-1]
	lo := 1 + 99*(0.8-z95*0.04)
	hi := 1 + 99*(0.8+z95*0.04)
	for _, c := range []struct {
		half, want float64
		errs       [][]float64
	}{
		{50, lo, [][]float64{rec}},  // narrower than the record: widened to the band
		{80, 80, [][]float64{rec}},  // within: kept
		{120, hi, [][]float64{rec}}, // wider: narrowed to the band
		{120, 120, [][]float64{short}},
	} {
		iv := newInterval(1)
		iv.normal(0, 10, (c.half/z80)*(c.half/z80))
		h95 := iv.Hi95[0] - 10
		calibrate(&iv, c.errs, 0, 0)
		if math.Abs(iv.Hi80[0]-10-c.want) > 1e-9 || math.Abs(10-iv.Lo80[0]-c.want) > 1e-9 || iv.Mean[0] != 10 {
			t.Errorf("80 %% half-width %g with %d errors: got [%g, %g], want 10 ± %g", c.half, len(c.errs[0]), iv.Lo80[0], iv.Hi80[0], c.want)
		}
		if len(c.errs[0]) < minRecord && iv.Hi95[0]-10 != h95 {
			t.Errorf("a short record moved the 95 %% interval")
		}
	}
	// An extra variance adds in quadrature at each level's quantile.
	iv := newInterval(1)
	iv.normal(0, 0, 4)
	calibrate(&iv, [][]float64{short}, 0, 5)
	if want := math.Sqrt(z95 * z95 * 9); math.Abs(iv.Hi95[0]-want) > 1e-12 {
		t.Errorf("extra variance: 95 %% half-width %g, want %g", iv.Hi95[0], want)
	}
	// Parameters: the record is scaled by √(N/(N − np)).
	iv = newInterval(1)
	iv.normal(0, 0, (200/z80)*(200/z80))
	calibrate(&iv, [][]float64{rec}, 19, 0)
	if want := hi * math.Sqrt(100.0/81); math.Abs(iv.Hi80[0]-want) > 1e-9 {
		t.Errorf("with 19 parameters: %g, want %g", iv.Hi80[0], want)
	}
}

// TestSeasonalTestBounds: a plainly seasonal series passes the test; the
// same shape with a season above maxDecompSeason, or with two seasons of
// history only, does not (the test and the figure cost O(n·m)).
func TestSeasonalTestBounds(t *testing.T) {
	wave := func(m, n int) []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = 100 + 10*math.Sin(2*math.Pi*float64(i)/float64(m)) + float64(i%3)
		}
		return y
	}
	if !seasonalTest(wave(30, 300), 30) {
		t.Error("a sine of period 30 over 300 values is not seasonal")
	}
	if seasonalTest(wave(30, 60), 30) {
		t.Error("two seasons passed the test")
	}
	m := maxDecompSeason + 1
	if seasonalTest(wave(m, 3*m), m) {
		t.Errorf("season %d passed the test", m)
	}
	if _, _, _, ok := seasonAdjusted(wave(m, 3*m), m, 5, nil); ok {
		t.Errorf("season %d decomposed", m)
	}
}
