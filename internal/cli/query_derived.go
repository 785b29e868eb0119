package cli

import (
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

// newQueryDerivedDemandCmd builds "gongxu query derived-demand": a
// supplier's weekly demand derived from the products' forecasts through the
// factories' bills of materials.
func newQueryDerivedDemandCmd(env *Env) *cobra.Command {
	var (
		r      gongxu.DerivedDemandRequest
		output = OutputJSON
	)
	c := &cobra.Command{
		Use:   "derived-demand SUPPLIER [--measure M] [--horizon WEEKS] [-o table|json|csv]",
		Short: "A supplier's weekly demand derived from the products' forecasts through the factories' bills of materials",
		Long: `For each item the supplier supplies to a factory (the factory's purchase orders to them, their
offers, the item's preferred supplier) that a product's bill of materials reaches: the units of
the item per unit of each product times the product's forecast total over hubs, per week, with
80 % and 95 % intervals and the week it is needed by (the longest making lead time).

Only products' totals over hubs are used, as an anonymous reader sees them: a product whose
total is withheld under the privacy thresholds is listed and left out, never counted as zero.

CSV columns: factory,item,unit,lead_weeks,period,needed_by,mean,lo80,hi80,lo95,hi95.`,
		Args: exactArgs("SUPPLIER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Supplier = gongxu.OrgID(args[0])
			if err := r.Supplier.Validate(); err != nil {
				return asUsage(err)
			}
			if r.Horizon < 1 || r.Horizon > gongxu.MaxForecastHorizon {
				return asUsage(gongxu.Errorf(gongxu.KindInvalid, "--horizon must be 1 to %d weeks", gongxu.MaxForecastHorizon))
			}
			rep, err := env.Client().DerivedDemand(env.Ctx, r)
			if err != nil {
				return env.nodeErr(err)
			}
			switch output {
			case OutputCSV:
				return gongxu.Wrap(writeDerivedCSV(env, rep), "write output")
			case OutputTable:
				env.Output = OutputTable
			default:
				env.Output = OutputJSON
			}
			return env.print(rep, func(t *tableWriter) { derivedTable(t, rep) })
		},
	}
	fl := c.Flags()
	fl.Var(&choiceValue{p: (*string)(&r.Measure), choices: strs(gongxu.DemandMeasures)}, "measure", "the measure of the products' demand (default pledged)")
	fl.IntVar(&r.Horizon, "horizon", gongxu.DefaultForecastHorizon, "`WEEKS` ahead, 1 to 52")
	fl.VarP(&choiceValue{p: &output, choices: []string{OutputJSON, OutputTable, OutputCSV}}, "output", "o", "output format: json, table or csv")
	return c
}

// derivedTable prints a step a row; an item with no step gets one row with
// its note.
func derivedTable(t *tableWriter, rep gongxu.DerivedDemandReport) {
	t.row("FACTORY", "ITEM", "UNIT", "FROM", "PERIOD", "NEEDED BY", "MEAN", "80%", "95%", "NOTE")
	for _, it := range rep.Items {
		var from []string
		for _, p := range it.Products {
			from = append(from, string(p.Product))
		}
		if len(it.Steps) == 0 {
			t.row(string(it.Factory), string(it.Item), it.Unit, strings.Join(from, " "), "", "", "", "", "", it.Note)
			continue
		}
		for i, st := range it.Steps {
			note := ""
			if i == 0 {
				note = it.Note
			}
			t.row(string(it.Factory), string(it.Item), it.Unit, strings.Join(from, " "), st.Period, st.NeededBy, fnum(st.Mean),
				fnum(st.Lo80)+" – "+fnum(st.Hi80), fnum(st.Lo95)+" – "+fnum(st.Hi95), note)
		}
	}
}

func writeDerivedCSV(env *Env, rep gongxu.DerivedDemandReport) error {
	w := csv.NewWriter(env.Stdout)
	_ = w.Write([]string{"factory", "item", "unit", "lead_weeks", "period", "needed_by", "mean", "lo80", "hi80", "lo95", "hi95"})
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, it := range rep.Items {
		for _, st := range it.Steps {
			_ = w.Write([]string{string(it.Factory), string(it.Item), it.Unit, strconv.Itoa(it.LeadWeeks), st.Period, st.NeededBy,
				g(st.Mean), g(st.Lo80), g(st.Hi80), g(st.Lo95), g(st.Hi95)})
		}
	}
	w.Flush()
	return w.Error()
}
