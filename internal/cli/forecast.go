package cli

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/forecast"
)

// newForecastCmd builds "gongxu forecast": forecasts of the series of a CSV
// file, with no node.
func newForecastCmd(env *Env) *cobra.Command {
	var horizon, season int
	format := "csv"
	c := &cobra.Command{
		Use:   "forecast FILE.csv --horizon H [--season M] [-o csv|json]",
		Short: "Forecast the series of a CSV file (no node needed)",
		Long: `Forecast every series of a long CSV file with the header series,period,value
(one row per period per series, rows in any order; the period an integer index
or an ISO date yyyy-mm-dd, a day, a week or a month apart). Each series gets
ETS chosen by AICc (its intervals widened where its own multi-step errors
say they are too narrow), a decomposition + ETS when the series is seasonal
but ETS leaves the season out (seasons over 24, as 52 weeks), Croston/SBA/TSB
when it is intermittent, or (seasonal) naive when it is too short — a note on
stderr says so. Writes
series,step,mean,lo80,hi80,lo95,hi95 (80 % and 95 % prediction intervals).

--season is the season length (12 for months, 4 for quarters, 7 for days);
without it, date periods imply one (7 days, 52 weeks, 12 months) and integer
periods none. "-" reads standard input.`,
		Example: "  gongxu forecast demand.csv --horizon 12 --season 12\n  gongxu forecast demand.csv --horizon 8 -o json",
		Args:    exactArgs("FILE.csv"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "horizon"); err != nil {
				return err
			}
			if horizon < 1 || horizon > 10000 {
				return usagef("--horizon must be 1 to 10000, got %d", horizon)
			}
			if season < 0 || season > 10000 {
				return usagef("--season must be 0 to 10000, got %d", season)
			}
			in := os.Stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return gongxu.Wrap(err, "read series")
				}
				defer f.Close()
				in = f
			}
			series, err := forecast.ReadCSV(bufio.NewReader(in))
			if err != nil {
				return &gongxu.Error{Kind: gongxu.KindInvalid, Msg: fmt.Sprintf("%s: %v", args[0], err)}
			}
			results := forecastAll(series, horizon, season, cmd.Flags().Changed("season"))
			for i, r := range results {
				if r.err != nil {
					return &gongxu.Error{Kind: gongxu.KindInvalid, Msg: fmt.Sprintf("series %q: %v", series[i].Name, r.err)}
				}
				if r.Note != "" {
					fmt.Fprintf(env.Stderr, "note: series %q: %s\n", series[i].Name, r.Note)
				}
			}
			if format == "json" {
				return writeForecastJSON(env, series, results)
			}
			return writeForecastCSV(env, series, results)
		},
	}
	f := c.Flags()
	f.IntVar(&horizon, "horizon", 0, "steps `H` ahead to forecast (required)")
	f.IntVar(&season, "season", 0, "season length `M` (default: from the dates' step, none for integers)")
	f.VarP(&choiceValue{p: &format, choices: []string{"csv", "json"}}, "output", "o", "output format: csv or json")
	return c
}

type seriesResult struct {
	forecast.Result
	err error
}

// forecastAll forecasts the series on every core; results keep the
// series' order, so the output does not depend on scheduling.
func forecastAll(series []forecast.Series, h, season int, seasonSet bool) []seriesResult {
	out := make([]seriesResult, len(series))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				m := season
				if !seasonSet {
					m = series[i].Season()
				}
				r, err := forecast.Forecast(series[i].Values, forecast.Options{Horizon: h, Season: m})
				out[i] = seriesResult{r, err}
			}
		}()
	}
	for i := range series {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// num writes a forecast rounded to 4 decimals, shortest form.
func num(v float64) string {
	v = math.Round(v*1e4) / 1e4
	if v == 0 {
		v = 0 // no -0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func writeForecastCSV(env *Env, series []forecast.Series, results []seriesResult) error {
	w := bufio.NewWriter(env.Stdout)
	w.WriteString("series,step,mean,lo80,hi80,lo95,hi95\n")
	for i, r := range results {
		name := csvField(series[i].Name)
		for k := range r.Mean {
			fmt.Fprintf(w, "%s,%d,%s,%s,%s,%s,%s\n", name, k+1, num(r.Mean[k]), num(r.Lo80[k]), num(r.Hi80[k]), num(r.Lo95[k]), num(r.Hi95[k]))
		}
	}
	return gongxu.Wrap(w.Flush(), "write output")
}

// csvField quotes a series name when CSV needs it.
func csvField(s string) string {
	for _, r := range s {
		if r == ',' || r == '"' || r == '\n' || r == '\r' {
			q := []byte{'"'}
			for _, b := range []byte(s) {
				if b == '"' {
					q = append(q, '"')
				}
				q = append(q, b)
			}
			return string(append(q, '"'))
		}
	}
	return s
}

type forecastStepJSON struct {
	Step   int    `json:"step"`
	Period string `json:"period"`
	Mean   json4  `json:"mean"`
	Lo80   json4  `json:"lo80"`
	Hi80   json4  `json:"hi80"`
	Lo95   json4  `json:"lo95"`
	Hi95   json4  `json:"hi95"`
}

// json4 is a number written as num writes it.
type json4 float64

func (v json4) MarshalJSON() ([]byte, error) { return []byte(num(float64(v))), nil }

type forecastSeriesJSON struct {
	Series string             `json:"series"`
	Method string             `json:"method"`
	Note   string             `json:"note,omitempty"`
	Steps  []forecastStepJSON `json:"forecast"`
}

func writeForecastJSON(env *Env, series []forecast.Series, results []seriesResult) error {
	out := make([]forecastSeriesJSON, len(results))
	for i, r := range results {
		s := forecastSeriesJSON{Series: series[i].Name, Method: r.Method, Note: r.Note}
		for k := range r.Mean {
			s.Steps = append(s.Steps, forecastStepJSON{Step: k + 1, Period: series[i].Next(k + 1),
				Mean: json4(r.Mean[k]), Lo80: json4(r.Lo80[k]), Hi80: json4(r.Hi80[k]), Lo95: json4(r.Lo95[k]), Hi95: json4(r.Hi95[k])})
		}
		out[i] = s
	}
	return writeJSON(env.Stdout, out)
}
