package cli

import (
	"encoding/csv"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
)

// newQueryForecastCmd builds "gongxu query forecast": forecasts of a
// product's weekly demand from the cells the node shows the reader.
func newQueryForecastCmd(env *Env) *cobra.Command {
	var (
		r      gongxu.ForecastRequest
		output = OutputJSON
		token  string
	)
	c := &cobra.Command{
		Use:   "forecast FACTORY/SKU | --factory ORG | --network [--hub ORG] [--variant V] [--measure M] [--money] [--horizon WEEKS] [-o table|json|csv]",
		Short: "Forecasts of a product's, a factory's or the network's weekly demand, with 80 % and 95 % intervals, from the cells the reader may see",
		Long: `Forecasts of a product's weekly demand (pledged units unless --measure says otherwise), per
variant, hub and the total over hubs, computed by the node from the demand cells it shows the
reader under its privacy thresholds.

Suppressed cells are missing, never zero: a series is forecast from its weeks after the last
suppressed one, and not at all when none of those is shown (its note says why). When
the total and all its hubs are visible, the hubs' forecasts are reconciled to the total. With
--token the node reads as its operator org (that hub's own cells in full).

--factory ORG forecasts the sums over the factory's products (its total and its demand at each
hub); --network the network's total, each factory's total and each factory's demand at each
hub; each tree is reconciled with reconciled intervals when all its series are visible.
--money forecasts the measure's money (minor units of the currency) instead of its units.

CSV columns: product,variant,hub,currency,method,step,period,mean,lo80,hi80,lo95,hi95 (and
level,factory for --factory and --network).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if r.Factory != "" || r.Network {
				return cobra.NoArgs(cmd, args)
			}
			return exactArgs("FACTORY/SKU")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if r.Factory != "" && r.Network {
				return asUsage(gongxu.Errorf(gongxu.KindInvalid, "--factory and --network do not go together"))
			}
			if len(args) == 1 {
				r.Product = gongxu.ProductID(args[0])
				if err := r.Product.Validate(); err != nil {
					return asUsage(err)
				}
			}
			if r.Factory != "" {
				if err := r.Factory.Validate(); err != nil {
					return asUsage(err)
				}
			}
			if r.Hub != "" {
				if err := r.Hub.Validate(); err != nil {
					return asUsage(err)
				}
			}
			if r.Horizon < 0 || r.Horizon > gongxu.MaxForecastHorizon {
				return asUsage(gongxu.Errorf(gongxu.KindInvalid, "--horizon must be 1 to %d weeks", gongxu.MaxForecastHorizon))
			}
			cl := env.Client()
			if token != "" {
				cl = client.New(env.Node, client.WithToken(token))
			}
			rep, err := cl.Forecast(env.Ctx, r)
			if err != nil {
				return env.nodeErr(err)
			}
			switch output {
			case OutputCSV:
				return gongxu.Wrap(writeForecastReportCSV(env, rep), "write output")
			case OutputTable:
				env.Output = OutputTable
			default:
				env.Output = OutputJSON
			}
			return env.print(rep, func(t *tableWriter) { forecastTable(t, rep) })
		},
	}
	fl := c.Flags()
	fl.StringVar((*string)(&r.Hub), "hub", "", "only the series of the hub `ORG`")
	fl.StringVar(&r.Variant, "variant", "", "only the variant `V`")
	fl.StringVar((*string)(&r.Factory), "factory", "", "forecast the sums over the products of the factory `ORG`")
	fl.BoolVar(&r.Network, "network", false, "forecast the network's hierarchy (network → factory → hub)")
	fl.BoolVar(&r.Money, "money", false, "forecast money (minor units) instead of units")
	fl.Var(&choiceValue{p: (*string)(&r.Measure), choices: strs(gongxu.DemandMeasures)}, "measure", "the measure whose units are forecast (default pledged)")
	fl.IntVar(&r.Horizon, "horizon", gongxu.DefaultForecastHorizon, "`WEEKS` ahead, 1 to 52")
	fl.StringVar(&token, "token", "", "an API `TOKEN` of the node: read as its operator org (e.g. --token \"$GONGXU_TOKEN\")")
	fl.VarP(&choiceValue{p: &output, choices: []string{OutputJSON, OutputTable, OutputCSV}}, "output", "o", "output format: json, table or csv")
	return c
}

func hubName(h gongxu.OrgID) string {
	if h == "" {
		return "(all)"
	}
	return string(h)
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// forecastTable prints a step a row; a series not forecast gets one row
// with its note.
func forecastTable(t *tableWriter, rep gongxu.ForecastReport) {
	t.row("VARIANT", "HUB", "CUR", "METHOD", "PERIOD", "MEAN", "80%", "95%", "NOTE")
	for _, s := range rep.Series {
		method := s.Method
		if s.Reconciled {
			method += " (reconciled)"
		}
		variant := s.Variant
		if s.Level != "" {
			variant = s.Level + " " + string(s.Factory)
		}
		if len(s.Steps) == 0 {
			t.row(variant, hubName(s.Hub), s.Currency, "-", "", "", "", "", s.Note)
			continue
		}
		for i, st := range s.Steps {
			note := ""
			if i == 0 {
				note = s.Note
			}
			t.row(variant, hubName(s.Hub), s.Currency, method, st.Period, fnum(st.Mean),
				fnum(st.Lo80)+" – "+fnum(st.Hi80), fnum(st.Lo95)+" – "+fnum(st.Hi95), note)
		}
	}
}

// writeForecastReportCSV writes a step a row, as gongxu forecast FILE.csv does
// (series, step, mean and intervals), with the series' fields spelled out.
func writeForecastReportCSV(env *Env, rep gongxu.ForecastReport) error {
	w := csv.NewWriter(env.Stdout)
	head := []string{"product", "variant", "hub", "currency", "method", "step", "period", "mean", "lo80", "hi80", "lo95", "hi95"}
	tree := rep.Factory != "" || rep.Network
	if tree {
		head = append(head, "level", "factory")
	}
	_ = w.Write(head)
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, s := range rep.Series {
		for i, st := range s.Steps {
			row := []string{string(s.Product), s.Variant, string(s.Hub), s.Currency, s.Method, strconv.Itoa(i + 1), st.Period,
				g(st.Mean), g(st.Lo80), g(st.Hi80), g(st.Lo95), g(st.Hi95)}
			if tree {
				row = append(row, s.Level, string(s.Factory))
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	return w.Error()
}
