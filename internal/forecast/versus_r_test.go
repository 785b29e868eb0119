package forecast

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The side-by-side benchmark with R (scripts/bench-forecast-r.sh): R's
// testdata/bench_r.R writes the series (series.csv) and forecast::ets's
// holdout forecasts with their time per series (r_forecast.csv) into a
// directory; BenchmarkHoldoutVersusR forecasts the same training data over
// the same horizons with Forecast and compares. R runs only in the script,
// never at test time: without GONGXU_R_BENCH the benchmark is skipped.

// holdoutSeries is one series of the benchmark with R's holdout forecast.
type holdoutSeries struct {
	set, name string
	m, h      int
	y         []float64 // the whole series; the last h values are the holdout
	rModel    string
	rMS       float64
	r         Interval
}

func readCSVFile(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(rec) != len(head) {
			return nil, fmt.Errorf("%s: %d fields, want %d", path, len(rec), len(head))
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

// loadHoldout reads dir/series.csv and dir/r_forecast.csv.
func loadHoldout(dir string) ([]*holdoutSeries, error) {
	ser, err := readCSVFile(filepath.Join(dir, "series.csv"))
	if err != nil {
		return nil, err
	}
	num := func(s string) float64 {
		v, err2 := strconv.ParseFloat(s, 64)
		if err2 != nil && err == nil {
			err = fmt.Errorf("not a number: %q", s)
		}
		return v
	}
	byKey := map[string]*holdoutSeries{}
	var out []*holdoutSeries
	for _, r := range ser { // set,series,m,h,t,value
		k := r[0] + "\x00" + r[1]
		s := byKey[k]
		if s == nil {
			s = &holdoutSeries{set: r[0], name: r[1], m: int(num(r[2])), h: int(num(r[3]))}
			byKey[k] = s
			out = append(out, s)
		}
		if int(num(r[4])) != len(s.y)+1 {
			return nil, fmt.Errorf("series.csv: %s: values out of order", r[1])
		}
		s.y = append(s.y, num(r[5]))
	}
	fc, err2 := readCSVFile(filepath.Join(dir, "r_forecast.csv"))
	if err2 != nil {
		return nil, err2
	}
	for _, r := range fc { // set,series,model,ms,step,mean,lo80,hi80,lo95,hi95
		s := byKey[r[0]+"\x00"+r[1]]
		if s == nil {
			return nil, fmt.Errorf("r_forecast.csv: unknown series %s/%s", r[0], r[1])
		}
		s.rModel, s.rMS = r[2], num(r[3])
		s.r.Mean = append(s.r.Mean, num(r[5]))
		s.r.Lo80 = append(s.r.Lo80, num(r[6]))
		s.r.Hi80 = append(s.r.Hi80, num(r[7]))
		s.r.Lo95 = append(s.r.Lo95, num(r[8]))
		s.r.Hi95 = append(s.r.Hi95, num(r[9]))
	}
	if err != nil {
		return nil, err
	}
	for _, s := range out {
		if len(s.r.Mean) != s.h || len(s.y) <= s.h {
			return nil, fmt.Errorf("%s/%s: %d forecasts from R, %d values, horizon %d", s.set, s.name, len(s.r.Mean), len(s.y), s.h)
		}
	}
	return out, nil
}

// holdoutScore is the accuracy of one forecast on a holdout: MASE (mean
// absolute error over the in-sample MAE of seasonal naive on the training
// data, naive when the training data hold no full season) and how many
// actuals fell inside the 80 % and 95 % intervals.
type holdoutScore struct {
	mase       float64 // NaN when the scale is zero
	in80, in95 int
}

func scoreHoldout(train, test []float64, m int, iv Interval) holdoutScore {
	if m < 1 || len(train) <= m {
		m = 1
	}
	sa := 0.0
	for t := m; t < len(train); t++ {
		sa += math.Abs(train[t] - train[t-m])
	}
	var sc holdoutScore
	ae := 0.0
	for i, v := range test {
		ae += math.Abs(v - iv.Mean[i])
		if v >= iv.Lo80[i] && v <= iv.Hi80[i] {
			sc.in80++
		}
		if v >= iv.Lo95[i] && v <= iv.Hi95[i] {
			sc.in95++
		}
	}
	sc.mase = math.NaN()
	if sa > 0 {
		sc.mase = (ae / float64(len(test))) / (sa / float64(len(train)-m))
	}
	return sc
}

// holdoutSet is the summary of one set of series.
type holdoutSet struct {
	name                       string
	series, scored, wins, ties int
	logRatio                   float64 // Σ log(MASE gongxu / MASE R)
	logRatioETS                float64 // the same with AutoETS alone (no intermittent routing)
	points                     int
	g80, g95, r80, r95         int
	gMS, rMS                   []float64
	gCPU                       []float64 // CPU ms per series (0: not measured on this system)
	logW80, logW95             float64   // Σ log(mean width gongxu / mean width R)
	widths                     int
	methods                    map[string]int
}

// BenchmarkHoldoutVersusR compares Forecast with R's forecast::ets on the
// holdouts written by testdata/bench_r.R into $GONGXU_R_BENCH (see
// scripts/bench-forecast-r.sh). Per set of series it prints the geometric
// mean over series of MASE(gongxu) ÷ MASE(R), both tools' 80 % and 95 %
// interval coverage, the mean widths of its intervals over R's, and both
// times per series (one core, model selection included; gongxu's is the
// mean of repeats until 20 ms have passed), gongxu's also in CPU time
// (the process's user and system time, which other load on the machine
// disturbs far less than the wall clock; run with GOMAXPROCS=1 so that it
// counts one core; on a system without getrusage the column is empty). The
// report goes to stdout and to $GONGXU_R_BENCH/report.md, each series'
// scores to $GONGXU_R_BENCH/compare.csv.
//
//	GONGXU_R_BENCH=DIR go test ./internal/forecast -run '^$' -bench HoldoutVersusR -benchtime 1x
func BenchmarkHoldoutVersusR(b *testing.B) {
	dir := os.Getenv("GONGXU_R_BENCH")
	if dir == "" {
		b.Skip("GONGXU_R_BENCH is not set: run scripts/bench-forecast-r.sh")
	}
	all, err := loadHoldout(dir)
	if err != nil {
		b.Fatal(err)
	}
	for it := 0; it < b.N; it++ {
		report, detail, err := compareHoldout(all)
		if err != nil {
			b.Fatal(err)
		}
		if it == 0 {
			fmt.Print(report)
			if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(report), 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "compare.csv"), []byte(detail), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func compareHoldout(all []*holdoutSeries) (report, detail string, err error) {
	sets := map[string]*holdoutSet{}
	var order []string
	var det strings.Builder
	det.WriteString("set,series,n,h,r_model,gongxu_method,mase_r,mase_gongxu,mase_gongxu_ets,ms_r,ms_gongxu\n")
	for _, s := range all {
		st := sets[s.set]
		if st == nil {
			st = &holdoutSet{name: s.set, methods: map[string]int{}}
			sets[s.set] = st
			order = append(order, s.set)
		}
		n := len(s.y)
		train, test := s.y[:n-s.h], s.y[n-s.h:]
		o := Options{Horizon: s.h, Season: s.m}
		var res Result
		reps, t0, c0 := 0, time.Now(), cpuTime()
		for {
			res, err = Forecast(train, o)
			if err != nil {
				return "", "", fmt.Errorf("%s/%s: %w", s.set, s.name, err)
			}
			reps++
			if time.Since(t0) > 20*time.Millisecond || reps >= 200 {
				break
			}
		}
		ms := float64(time.Since(t0).Nanoseconds()) / 1e6 / float64(reps)
		cpu := float64((cpuTime() - c0).Nanoseconds()) / 1e6 / float64(reps)
		// ETS alone: what the series gets without the intermittent routing.
		etsIV := res.Interval
		if res.ETS == nil {
			if f, err := AutoETS(train, max(s.m, 1)); err == nil {
				etsIV = f.Forecast(s.h)
			}
		}
		g, ge, r := scoreHoldout(train, test, s.m, res.Interval), scoreHoldout(train, test, s.m, etsIV), scoreHoldout(train, test, s.m, s.r)
		st.series++
		st.methods[methodFamily(res.Method)]++
		st.points += len(test)
		st.g80 += g.in80
		st.g95 += g.in95
		st.r80 += r.in80
		st.r95 += r.in95
		st.gMS = append(st.gMS, ms)
		st.gCPU = append(st.gCPU, cpu)
		if w80, w95, ok := widthRatio(res.Interval, s.r); ok {
			st.logW80 += math.Log(w80)
			st.logW95 += math.Log(w95)
			st.widths++
		}
		st.rMS = append(st.rMS, s.rMS)
		if !math.IsNaN(r.mase) && r.mase > 0 && g.mase > 0 && ge.mase > 0 {
			st.scored++
			st.logRatio += math.Log(g.mase / r.mase)
			st.logRatioETS += math.Log(ge.mase / r.mase)
			switch {
			case math.Abs(g.mase-r.mase) <= 1e-6*r.mase:
				st.ties++
			case g.mase < r.mase:
				st.wins++
			}
		}
		fmt.Fprintf(&det, "%q,%q,%d,%d,%q,%q,%.6g,%.6g,%.6g,%.4g,%.4g\n", s.set, s.name, n, s.h, s.rModel, res.Method, r.mase, g.mase, ge.mase, s.rMS, ms)
	}
	var w strings.Builder
	w.WriteString("| set | series | MASE gongxu ÷ R (geo. mean) | ETS alone ÷ R | better / same / worse | 80 % gongxu / R | 95 % gongxu / R | width 80 % / 95 % gongxu ÷ R (geo. mean) | ms per series gongxu / R (median) | R ÷ gongxu time (geo. mean) | gongxu CPU ms (median) | R ÷ gongxu CPU (geo. mean) | gongxu's methods |\n")
	w.WriteString("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, name := range order {
		st := sets[name]
		tr, tc := 0.0, 0.0
		for i := range st.gMS {
			tr += math.Log(st.rMS[i] / st.gMS[i])
			tc += math.Log(st.rMS[i] / st.gCPU[i])
		}
		cpuMed, cpuRatio := "–", "–"
		if median(st.gCPU) > 0 {
			cpuMed, cpuRatio = fmt.Sprintf("%.2f", median(st.gCPU)), fmt.Sprintf("%.0f×", math.Exp(tc/float64(len(st.gCPU))))
		}
		var ms []string
		for k, v := range st.methods {
			ms = append(ms, fmt.Sprintf("%s %d", k, v))
		}
		sort.Strings(ms)
		pct := func(k int) float64 { return 100 * float64(k) / float64(st.points) }
		fmt.Fprintf(&w, "| %s | %d | %.3f | %.3f | %d / %d / %d | %.1f / %.1f | %.1f / %.1f | %.3f / %.3f | %.2f / %.1f | %.0f× | %s | %s | %s |\n",
			st.name, st.series, math.Exp(st.logRatio/float64(st.scored)), math.Exp(st.logRatioETS/float64(st.scored)),
			st.wins, st.ties, st.scored-st.wins-st.ties, pct(st.g80), pct(st.r80), pct(st.g95), pct(st.r95),
			math.Exp(st.logW80/float64(st.widths)), math.Exp(st.logW95/float64(st.widths)),
			median(st.gMS), median(st.rMS), math.Exp(tr/float64(len(st.gMS))), cpuMed, cpuRatio, strings.Join(ms, ", "))
	}
	return w.String(), det.String(), nil
}

// widthRatio is the mean width of a's 80 % and 95 % intervals over b's;
// ok is false when a width is not positive.
func widthRatio(a, b Interval) (w80, w95 float64, ok bool) {
	var a80, a95, b80, b95 float64
	for i := range a.Mean {
		a80 += a.Hi80[i] - a.Lo80[i]
		a95 += a.Hi95[i] - a.Lo95[i]
		b80 += b.Hi80[i] - b.Lo80[i]
		b95 += b.Hi95[i] - b.Lo95[i]
	}
	if a80 <= 0 || a95 <= 0 || b80 <= 0 || b95 <= 0 {
		return 0, 0, false
	}
	return a80 / b80, a95 / b95, true
}

// methodFamily groups Forecast's methods for the report: ETS, the
// intermittent methods, the floors.
func methodFamily(m string) string {
	switch {
	case strings.HasPrefix(m, "ETS("):
		return "ETS"
	case strings.HasPrefix(m, "decomposition + ETS("):
		return "decomposition + ETS"
	case strings.HasPrefix(m, "Croston"), strings.HasPrefix(m, "SBA"), strings.HasPrefix(m, "TSB"):
		return "intermittent"
	}
	return m
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return math.NaN()
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// TestHoldoutScore checks the scoring on a hand-computed case.
func TestHoldoutScore(t *testing.T) {
	train := []float64{1, 3, 2, 4} // naive MAE: (2+1+2)/3 = 5/3
	test := []float64{5, 6}
	iv := Interval{Mean: []float64{4, 4}, Lo80: []float64{3, 5}, Hi80: []float64{5, 5.5}, Lo95: []float64{2, 2}, Hi95: []float64{8, 8}}
	sc := scoreHoldout(train, test, 1, iv)
	if math.Abs(sc.mase-1.5/(5.0/3)) > 1e-12 || sc.in80 != 1 || sc.in95 != 2 {
		t.Fatalf("got %+v, want MASE 0.9, 1 in the 80 %% interval, 2 in the 95 %%", sc)
	}
	if got := median([]float64{3, 1, 2, 10}); got != 2.5 {
		t.Fatalf("median %v, want 2.5", got)
	}
}
