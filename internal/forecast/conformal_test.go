package forecast

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestConformalQuantile: the ⌈(N+1)p⌉-th smallest score, the largest when
// N is too small for the rank.
func TestConformalQuantile(t *testing.T) {
	s := make([]float64, 19)
	for i := range s {
		s[i] = float64(19 - i) // unsorted: 19 … 1
	}
	for _, c := range []struct {
		n       int
		p, want float64
	}{
		{19, 0.95, 19}, // ⌈20·0.95⌉ = 19
		{19, 0.8, 16},  // ⌈16⌉ = 16
		{10, 0.95, 10}, // ⌈10.45⌉ = 11 > 10: the largest
		{10, 0.8, 9},   // ⌈8.8⌉ = 9
		{1, 0.8, 1},
	} {
		in := slices.Clone(s[19-c.n:]) // c.n … 1
		if got := conformalQuantile(in, c.p); got != c.want {
			t.Errorf("N = %d, p = %g: %g, want %g", c.n, c.p, got, c.want)
		}
	}
}

// TestRollingOrigins: at most oosOrigins prefixes, spread over the last
// 2h values, none shorter than tmin, closer together when tmin leaves
// little room.
func TestRollingOrigins(t *testing.T) {
	for _, c := range []struct {
		n, h, tmin int
		want       []int
	}{
		{36, 12, 7, []int{33, 30, 27, 24, 21, 18, 15, 12}},
		{36, 12, 25, []int{35, 34, 33, 32, 31, 30, 29, 28}},
		{36, 12, 31, []int{35, 34, 33, 32, 31}},
		{100, 1, 5, []int{99, 98, 97, 96, 95, 94, 93, 92}},
		{10, 3, 10, nil},
		{3, 5, 0, []int{2, 1}},
	} {
		if got := rollingOrigins(c.n, c.h, c.tmin); !slices.Equal(got, c.want) {
			t.Errorf("n %d h %d tmin %d: %v, want %v", c.n, c.h, c.tmin, got, c.want)
		}
	}
}

// TestConformalByHand: a forecaster whose every interval is mean 0 ± 1
// (80 %) and ± 2 (95 %) on a series whose values cycle through −2 … 2, so
// the scores are |y|/2 ∈ {0, ½, 1}.
func TestConformalByHand(t *testing.T) {
	if got := rmsFactor([]float64{0.5, 0.5, 1, 1}, 2); math.Abs(got-math.Sqrt(2.5)) > 1e-15 {
		t.Fatalf("rmsFactor: %g, want √((1+1+4+4)/4)", got)
	}
	fixed := func(train []float64, h int) (Interval, bool) {
		iv := newInterval(h)
		for j := range h {
			iv.Lo80[j], iv.Hi80[j], iv.Lo95[j], iv.Hi95[j] = -1, 1, -2, 2
		}
		return iv, true
	}
	// n = 40, h = 8, tmin 0: origins 38, 36, …, 24 (s = 2), 2+4+6+8·5 = 52
	// scores.
	y := make([]float64, 40)
	for i := range y {
		y[i] = float64(i%5 - 2)
	}
	var sc []float64
	for _, t0 := range rollingOrigins(40, 8, 0) {
		for j := t0; j < min(40, t0+8); j++ {
			sc = append(sc, math.Abs(y[j])/2)
		}
	}
	if len(sc) != 52 {
		t.Fatalf("%d scores, want 52", len(sc))
	}
	f80, f95 := rmsFactor(sc, z95), conformalQuantile(slices.Clone(sc), 0.95)
	if f95 != 1 || f80 < 1 || f80 > z95 {
		t.Fatalf("factors %g, %g: want the 95 %% one 1 (the largest score) and the 80 %% between 1 and z95", f80, f95)
	}
	iv := newInterval(8)
	for j := range 8 {
		w := float64(j + 1)
		iv.Mean[j] = 10
		iv.Lo80[j], iv.Hi80[j], iv.Lo95[j], iv.Hi95[j] = 10-w, 10+w, 10-3*w, 10+3*w
	}
	got := cloneInterval(iv)
	if !conformal(y, &got, 0, fixed) {
		t.Fatal("52 scores: not calibrated")
	}
	for j := range 8 {
		w := float64(j + 1)
		// 80 % times f80; 95 % times 1, but never inside the 80 %.
		h95 := max(3*w, f80*w)
		if math.Abs(got.Hi80[j]-(10+f80*w)) > 1e-12 || math.Abs(got.Lo80[j]-(10-f80*w)) > 1e-12 ||
			got.Hi95[j] != 10+h95 || got.Lo95[j] != 10-h95 || got.Mean[j] != 10 {
			t.Errorf("step %d (f80 %g): %+v", j+1, f80, got)
		}
	}
	// Values far out: the 95 % factor grows past the 80 %'s and nesting holds.
	y2 := slices.Clone(y)
	for i := range y2 {
		y2[i] *= 3
	}
	got = cloneInterval(iv)
	conformal(y2, &got, 0, fixed)
	for j := range 8 {
		if !(got.Lo95[j] <= got.Lo80[j] && got.Hi80[j] <= got.Hi95[j]) {
			t.Errorf("not nested: %+v", got)
		}
	}
	// Too few scores (a horizon of 1: 8 origins, 8 scores), a forecaster
	// that always fails, and an interval of width 0 missed: iv unchanged.
	for name, c := range map[string]struct {
		y  []float64
		h  int
		fc func([]float64, int) (Interval, bool)
	}{
		"short":  {y, 1, fixed},
		"failed": {y, 3, func([]float64, int) (Interval, bool) { return Interval{}, false }},
		"zero width": {y, 3, func(_ []float64, h int) (Interval, bool) {
			return newInterval(h), true
		}},
	} {
		iv1 := newInterval(c.h)
		for j := range c.h {
			iv1.normal(j, 5, 4)
		}
		before := cloneInterval(iv1)
		if conformal(c.y, &iv1, 0, c.fc) {
			t.Errorf("%s: calibrated", name)
		}
		if !slices.Equal(iv1.Hi95, before.Hi95) || !slices.Equal(iv1.Lo80, before.Lo80) {
			t.Errorf("%s: changed the interval", name)
		}
	}
}

// TestConformalCoverage: on a process whose errors have heavy tails
// (Student's t with 3 degrees of freedom around a slowly moving level),
// where the analytic normal intervals are too wide at 80 % (84.6 % here),
// the calibrated ones cover, over 120 fresh continuations of 6 steps,
// within 3 points of nominal at 80 % and 5 at 95 % (80.4 % and 92.4 %).
func TestConformalCoverage(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	tdist := func() float64 {
		z := rng.NormFloat64()
		c := 0.0
		for range 3 {
			g := rng.NormFloat64()
			c += g * g
		}
		return z / math.Sqrt(c/3)
	}
	const n, h, series = 60, 6, 120
	var in80, in95, a80, a95, pts int
	for range series {
		y := make([]float64, n+h)
		l := 100.0
		for i := range y {
			l += 0.3 * rng.NormFloat64()
			y[i] = l + 3*tdist()
		}
		r, err := Forecast(y[:n], Options{Horizon: h})
		if err != nil {
			t.Fatal(err)
		}
		checkSane(t, "t3", r, h)
		if r.ETS == nil {
			t.Fatalf("t3 level series: %s", r.Method)
		}
		an := r.ETS.Forecast(h)
		for j := range h {
			v := y[n+j]
			pts++
			in80 += b2i(v >= r.Lo80[j] && v <= r.Hi80[j])
			in95 += b2i(v >= r.Lo95[j] && v <= r.Hi95[j])
			a80 += b2i(v >= an.Lo80[j] && v <= an.Hi80[j])
			a95 += b2i(v >= an.Lo95[j] && v <= an.Hi95[j])
		}
	}
	c80, c95 := float64(in80)/float64(pts), float64(in95)/float64(pts)
	ca80, ca95 := float64(a80)/float64(pts), float64(a95)/float64(pts)
	t.Logf("coverage calibrated %.3f / %.3f, analytic %.3f / %.3f", c80, c95, ca80, ca95)
	if math.Abs(c80-0.8) > 0.03 || math.Abs(c95-0.95) > 0.05 {
		t.Errorf("calibrated coverage %.3f / %.3f, want within 3 points of 0.80 and 5 of 0.95", c80, c95)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestConformalEdges: the calibrated forecasts stay finite and nested on
// series that stress the refits: short ones (too short to refit: the
// in-sample record or R's intervals), a constant stretch before the
// variation (refits on a constant prefix have intervals of width 0),
// zeros among the values (not intermittent), a huge outlier, a series
// that steps from 0 to a high level, and negative values.
func TestConformalEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	noise := func(n int, level, sd float64) []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = level + sd*rng.NormFloat64()
		}
		return y
	}
	constThen := append(slices.Repeat([]float64{40}, 40), noise(20, 40, 5)...)
	zeros := noise(60, 10, 4)
	for i := 0; i < 60; i += 5 {
		zeros[i] = 0
	}
	outlier := noise(60, 50, 3)
	outlier[45] = 1e6
	step := append(make([]float64, 10), noise(40, 500, 20)...)
	for i := 0; i < 10; i++ {
		step[i] = 1
	}
	seasonal := make([]float64, 48)
	for i := range seasonal {
		seasonal[i] = 100 + 20*math.Sin(2*math.Pi*float64(i)/12) + 5*rng.NormFloat64()
	}
	for name, c := range map[string]struct {
		y    []float64
		h, m int
	}{
		"n=8":                {noise(8, 10, 1), 12, 1},
		"n=15, m=12":         {noise(15, 10, 1), 12, 12},
		"n=20, h=1":          {noise(20, 10, 1), 1, 1},
		"constant, then not": {constThen, 6, 1},
		"zeros":              {zeros, 8, 1},
		"outlier":            {outlier, 8, 1},
		"step up":            {step, 5, 1},
		"negative":           {noise(50, -30, 10), 10, 1},
		"seasonal":           {seasonal, 12, 12},
		"seasonal, short h":  {seasonal, 2, 12},
	} {
		r, err := Forecast(c.y, Options{Horizon: c.h, Season: c.m})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkSane(t, name, r, c.h)
		for j := range c.h {
			if r.Hi95[j]-r.Lo95[j] <= 0 {
				t.Errorf("%s (%s) step %d: 95 %% interval of width %g", name, r.Method, j+1, r.Hi95[j]-r.Lo95[j])
			}
		}
	}
}

// FuzzForecast: any finite series, horizon and season forecast without
// error, NaN or Inf, with nested intervals, the same twice.
func FuzzForecast(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(3), uint8(1))
	f.Add(make([]byte, 8*30), uint8(5), uint8(12))
	seed := make([]byte, 0, 8*40)
	for i := range 40 {
		seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(float64(10+i%7)+float64(i)/3))
	}
	f.Add(seed, uint8(12), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, h, m uint8) {
		var y []float64
		for i := 0; i+8 <= len(data) && len(y) < 80; i += 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[i:]))
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
				v = float64(data[i])
			}
			y = append(y, v)
		}
		if len(y) == 0 {
			return
		}
		o := Options{Horizon: 1 + int(h)%24, Season: int(m) % 13}
		r, err := Forecast(y, o)
		if err != nil {
			t.Fatal(err)
		}
		checkSane(t, "fuzz", r, o.Horizon)
		r2, _ := Forecast(y, o)
		if !slices.Equal(r.Hi95, r2.Hi95) || !slices.Equal(r.Lo80, r2.Lo80) {
			t.Fatal("not deterministic")
		}
	})
}
