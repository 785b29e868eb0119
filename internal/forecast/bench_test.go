package forecast

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
)

// demandSeries makes n synthetic monthly demand series of 60 periods: a
// level, a trend, a season and noise; every fifth one intermittent.
func demandSeries(n int) [][]float64 { return demandSeriesSeed(n, 11) }

func demandSeriesSeed(n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := make([][]float64, n)
	for k := range out {
		y := make([]float64, 60)
		level, slope, amp := 50+rng.Float64()*200, rng.NormFloat64(), rng.Float64()*0.3
		for i := range y {
			if k%5 == 4 {
				if rng.Float64() < 0.25 {
					y[i] = float64(1 + rng.IntN(8))
				}
				continue
			}
			v := (level + slope*float64(i)) * (1 + amp*math.Sin(2*math.Pi*float64(i)/12))
			y[i] = math.Max(1, math.Round(v+rng.NormFloat64()*0.05*level))
		}
		out[k] = y
	}
	return out
}

// BenchmarkForecast: the time per series (model selection included) as the
// number of series grows, forecasting on every core as the command does:
//
//	go test ./internal/forecast -run '^$' -bench Forecast -benchtime 1x
func BenchmarkForecast(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		series := demandSeries(n)
		b.Run(fmt.Sprintf("series=%d", n), func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				next := make(chan int)
				var wg sync.WaitGroup
				for w := 0; w < runtime.GOMAXPROCS(0); w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range next {
							if _, err := Forecast(series[i], Options{Horizon: 12, Season: 12}); err != nil {
								b.Error(err)
							}
						}
					}()
				}
				for i := range series {
					next <- i
				}
				close(next)
				wg.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*n), "ms/series")
		})
	}
}

// BenchmarkAutoETS: one core, one of R's series, all 15 candidates.
func BenchmarkAutoETS(b *testing.B) {
	for _, name := range []string{"AirPassengers", "woolyrnq", "Nile"} {
		set := loadR(b)[name]
		b.Run(name, func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				if _, err := AutoETS(set.Y, set.M); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// networkSeries makes n weekly series of 52 periods, the shape of the
// network's product × variant × hub cells: Poisson demand around a rate
// spread log-uniformly from 0.2 to 50 a week (so about half are
// intermittent), a small trend and ±20 % noise in the rate.
func networkSeries(n int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := make([][]float64, n)
	for k := range out {
		lam := math.Exp(math.Log(0.2) + rng.Float64()*math.Log(250))
		slope := rng.NormFloat64() * 0.01
		y := make([]float64, 52)
		for i := range y {
			l := lam * math.Max(0.05, 1+slope*float64(i)) * math.Exp(0.2*rng.NormFloat64())
			if l < 30 {
				lim, p, c := math.Exp(-l), 1.0, 0
				for {
					p *= rng.Float64()
					if p < lim {
						break
					}
					c++
				}
				y[i] = float64(c)
			} else {
				y[i] = math.Max(0, math.Round(l+math.Sqrt(l)*rng.NormFloat64()))
			}
		}
		out[k] = y
	}
	return out
}

// BenchmarkNetwork: a network-wide forecast, 100,000 weekly series of 52
// points (networkSeries), 13 weeks ahead, on every core; it reports
// series/s and the projected seconds for 100,000 series (the target: under
// 60 on the 2-core machine).
//
//	go test ./internal/forecast -run '^$' -bench Network -benchtime 1x
func BenchmarkNetwork(b *testing.B) {
	const n = 100000
	series := networkSeries(n, 31)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= n {
						return
					}
					if _, err := Forecast(series[i], Options{Horizon: 13, Season: 52}); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		wg.Wait()
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(n/sec, "series/s")
	b.ReportMetric(sec, "s/100k")
}

// rTime is R's ets() time per series on the reference sets, measured by
// testdata/time_r.R (stored; R does not run at test time).
func rTime(b *testing.B) map[string]float64 {
	raw, err := os.ReadFile("testdata/r_time.json")
	if err != nil {
		b.Fatal(err)
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal(raw, &d); err != nil {
		b.Fatal(err)
	}
	out := map[string]float64{}
	for k, v := range d {
		var t struct{ MS float64 }
		if json.Unmarshal(v, &t) == nil && t.MS > 0 {
			out[k] = t.MS
		}
	}
	return out
}

// BenchmarkVersusR: one core, AutoETS (model selection included) on each
// of the nine reference sets, with R's stored time per series and the
// ratio R ÷ gongxu.
//
//	go test ./internal/forecast -run '^$' -bench VersusR -benchtime 2s
func BenchmarkVersusR(b *testing.B) {
	rt := rTime(b)
	sets := loadR(b)
	names := make([]string, 0, len(sets))
	for k := range sets {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		set := sets[name]
		b.Run(name, func(b *testing.B) {
			for it := 0; it < b.N; it++ {
				if _, err := AutoETS(set.Y, set.M); err != nil {
					b.Fatal(err)
				}
			}
			ms := float64(b.Elapsed().Nanoseconds()) / 1e6 / float64(b.N)
			b.ReportMetric(ms, "ms/series")
			b.ReportMetric(rt[name], "R-ms/series")
			b.ReportMetric(rt[name]/ms, "R÷gongxu")
		})
	}
}
