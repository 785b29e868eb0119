package forecast

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func checkSane(t *testing.T, name string, r Result, h int) {
	t.Helper()
	if len(r.Mean) != h {
		t.Fatalf("%s: %d steps, want %d", name, len(r.Mean), h)
	}
	if !finite(r.Interval) {
		t.Fatalf("%s (%s): NaN or Inf in %+v", name, r.Method, r.Interval)
	}
	for i := 0; i < h; i++ {
		if !(r.Lo95[i] <= r.Lo80[i] && r.Lo80[i] <= r.Hi80[i] && r.Hi80[i] <= r.Hi95[i]) {
			t.Fatalf("%s (%s) step %d: intervals not nested: 95 [%g, %g] 80 [%g, %g]", name, r.Method, i+1, r.Lo95[i], r.Hi95[i], r.Lo80[i], r.Hi80[i])
		}
	}
}

func TestConstant(t *testing.T) {
	for _, c := range []float64{0, 7, -3.5} {
		y := make([]float64, 30)
		for i := range y {
			y[i] = c
		}
		r, err := Forecast(y, Options{Horizon: 5, Season: 12})
		if err != nil {
			t.Fatal(err)
		}
		checkSane(t, "constant", r, 5)
		for i := range r.Mean {
			if r.Mean[i] != c || r.Hi95[i] != c || r.Lo95[i] != c {
				t.Fatalf("constant %g: step %d %+v", c, i, r.Interval)
			}
		}
	}
}

func TestSingleValue(t *testing.T) {
	r, err := Forecast([]float64{42}, Options{Horizon: 3, Season: 12})
	if err != nil {
		t.Fatal(err)
	}
	checkSane(t, "single", r, 3)
	if r.Mean[2] != 42 || r.Note == "" {
		t.Fatalf("single value: %+v", r)
	}
}

func TestLinearTrend(t *testing.T) {
	y := make([]float64, 40)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range y {
		y[i] = 100 + 5*float64(i) + rng.NormFloat64()*0.5
	}
	r, err := Forecast(y, Options{Horizon: 6})
	if err != nil {
		t.Fatal(err)
	}
	checkSane(t, "trend", r, 6)
	for i, v := range r.Mean {
		want := 100 + 5*float64(40+i)
		if math.Abs(v-want) > 3 {
			t.Errorf("%s step %d: %.2f, want about %.2f", r.Method, i+1, v, want)
		}
	}
	if r.ETS == nil || !r.ETS.Spec.hasTrend() {
		t.Errorf("chose %s for a linear trend", r.Method)
	}
}

func TestPureSeasonal(t *testing.T) {
	pattern := []float64{10, 12, 15, 20, 30, 25, 18, 14, 11, 9, 8, 9}
	y := make([]float64, 72)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range y {
		y[i] = 100 + pattern[i%12] + rng.NormFloat64()*0.2
	}
	r, err := Forecast(y, Options{Horizon: 12, Season: 12})
	if err != nil {
		t.Fatal(err)
	}
	checkSane(t, "seasonal", r, 12)
	for i, v := range r.Mean {
		want := 100 + pattern[(72+i)%12]
		if math.Abs(v-want) > 1 {
			t.Errorf("%s step %d: %.2f, want about %.2f", r.Method, i+1, v, want)
		}
	}
	if r.ETS == nil || !r.ETS.Spec.hasSeason() {
		t.Errorf("chose %s for a seasonal series", r.Method)
	}
}

func TestIntermittent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 100)
	for i := range y {
		if rng.Float64() < 0.2 {
			y[i] = float64(1 + rng.IntN(6))
		}
	}
	r, err := Forecast(y, Options{Horizon: 4, Season: 12})
	if err != nil {
		t.Fatal(err)
	}
	checkSane(t, "intermittent", r, 4)
	switch r.Method {
	case "Croston", "SBA", "TSB":
	default:
		t.Fatalf("intermittent series got %s", r.Method)
	}
	// about 0.2 × 3.5 per period
	if r.Mean[0] < 0.3 || r.Mean[0] > 1.2 || r.Lo80[0] != 0 || r.Hi95[0] <= 0 {
		t.Errorf("%s: %+v", r.Method, r.Interval)
	}
	// A demand that stopped: TSB's decay wins.
	dead := append(append([]float64(nil), y[:60]...), make([]float64, 40)...)
	r, _ = Forecast(dead, Options{Horizon: 1})
	if r.Method != "TSB" || r.Mean[0] > 0.1 {
		t.Errorf("dead demand: %s %.3f, want TSB near 0", r.Method, r.Mean[0])
	}
}

func TestShortFallsBack(t *testing.T) {
	y := []float64{5, 7, 6, 9, 8}
	r, err := Forecast(y, Options{Horizon: 3, Season: 4})
	if err != nil {
		t.Fatal(err)
	}
	checkSane(t, "short", r, 3)
	if r.Method != "snaive" || r.Note == "" || r.Mean[0] != 7 || r.Mean[2] != 9 {
		t.Fatalf("short seasonal: %+v", r)
	}
	r, _ = Forecast([]float64{5, 7, 6}, Options{Horizon: 2})
	if r.Method != "naive" || r.Mean[1] != 6 {
		t.Fatalf("short: %+v", r)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		y []float64
		h int
	}{{nil, 3}, {[]float64{1, 2}, 0}, {[]float64{1, math.NaN()}, 1}, {[]float64{math.Inf(1)}, 1}} {
		if _, err := Forecast(c.y, Options{Horizon: c.h}); err == nil {
			t.Errorf("%v h=%d: no error", c.y, c.h)
		}
	}
}

// TestRandomSane forecasts many random series of every shape: nothing is
// NaN, the intervals nest, and the same input gives the same output.
func TestRandomSane(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for k := 0; k < 200; k++ {
		n := 1 + rng.IntN(60)
		m := []int{1, 4, 7, 12}[rng.IntN(4)]
		y := make([]float64, n)
		level := rng.Float64() * 100
		for i := range y {
			switch k % 4 {
			case 0:
				y[i] = level + rng.NormFloat64()*10
			case 1:
				if rng.Float64() < 0.15 {
					y[i] = float64(rng.IntN(20))
				}
			case 2:
				y[i] = math.Max(0, level+float64(i)*rng.Float64()+10*math.Sin(float64(i)))
			default:
				y[i] = math.Round(rng.ExpFloat64() * 3)
			}
		}
		o := Options{Horizon: 1 + rng.IntN(24), Season: m}
		r1, err := Forecast(y, o)
		if err != nil {
			t.Fatal(err)
		}
		checkSane(t, "random", r1, o.Horizon)
		r2, _ := Forecast(y, o)
		r1.ETS, r2.ETS = nil, nil
		if !reflect.DeepEqual(r1, r2) {
			t.Fatalf("not deterministic on %v", y)
		}
	}
}

func TestBacktest(t *testing.T) {
	set := loadR(t)["AirPassengers"]
	acc, err := Backtest(set.Y, Options{Horizon: 12, Season: 12}, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AirPassengers, 4 origins, 12 ahead: %+v", acc)
	if acc.Origins != 4 || acc.MASE <= 0 || acc.MASE > 1.5 || acc.RMSSE <= 0 || acc.Coverage95 < acc.Coverage80 || acc.Coverage95 < 0.7 {
		t.Errorf("backtest: %+v", acc)
	}
	if _, err := Backtest([]float64{1, 2}, Options{Horizon: 3}, 1); err == nil {
		t.Error("too short: no error")
	}
}

// TestAutoMatchesExhaustive: AutoETS's screened search returns the model,
// and the fit, that fitting every candidate to R's tolerance returns, on
// series not used to calibrate the screen's margins.
func TestAutoMatchesExhaustive(t *testing.T) {
	type ser struct {
		y []float64
		m int
	}
	var all []ser
	for _, y := range demandSeriesSeed(60, 97) {
		all = append(all, ser{y, 12})
	}
	for _, y := range demandSeriesSeed(40, 98) {
		all = append(all, ser{y[:30], 4}) // short quarterly-like
	}
	for _, y := range networkSeries(200, 99) {
		if adi(y) <= ADICutoff && slices.Min(y) != slices.Max(y) {
			all = append(all, ser{y, 52})
		}
	}
	for i, s := range all {
		got, err1 := AutoETS(s.y, s.m)
		want, err2 := autoETSExhaustive(s.y, s.m)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("series %d: %v, exhaustive %v", i, err1, err2)
		}
		if err1 != nil {
			continue
		}
		if got.Spec != want.Spec || got.AICc != want.AICc {
			t.Errorf("series %d: %s AICc %.6f, exhaustive %s AICc %.6f", i, got.Spec, got.AICc, want.Spec, want.AICc)
		}
	}
	t.Logf("%d series", len(all))
}
