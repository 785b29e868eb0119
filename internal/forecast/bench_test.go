package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// demandSeries makes n synthetic monthly demand series of 60 periods: a
// level, a trend, a season and noise; every fifth one intermittent.
func demandSeries(n int) [][]float64 {
	rng := rand.New(rand.NewPCG(11, 12))
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
