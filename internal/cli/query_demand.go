package cli

import (
	"bytes"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
)

// OutputCSV is the CSV output of query demand (-o csv): the header and
// rows of gongxu.WriteDemandCSV, the same text as GET /v1/demand?format=csv.
const OutputCSV = "csv"

// newQueryDemandCmd builds "gongxu query demand": demand series under the
// node's privacy thresholds. Its -o also takes csv, so it shadows the global
// -o with its own.
func newQueryDemandCmd(env *Env) *cobra.Command {
	var (
		f      gongxu.DemandFilter
		period string
		output = OutputJSON
		token  string
	)
	c := &cobra.Command{
		Use:   "demand [--product FACTORY/SKU] [--hub ORG] [--variant V] [--period day|week|month] [--from DATE] [--to DATE] [--measure M] [-o table|json|csv]",
		Short: "Demand series: pledged, captured, refunded and picked-up units and money by product, variant, hub and period",
		Long: `Demand series from the ledger, as the node's read model derives them: by product, variant,
hub (and the total over hubs) and day, ISO week or month.

Cells are shared under privacy thresholds: a cell is shown only with enough distinct
contributors and no dominant ones, and cells that would let a reader recover a
suppressed one by subtraction are suppressed too. Suppressed cells are marked, never
shown as zero. With --token (an API token of the node, gongxu token add) the node
reads as its operator org and shows that hub's own cells in full.`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.Period = gongxu.DemandPeriod(period)
			if f.Product != "" {
				if err := f.Product.Validate(); err != nil {
					return asUsage(err)
				}
			}
			if f.Hub != "" {
				if err := f.Hub.Validate(); err != nil {
					return asUsage(err)
				}
			}
			cl := env.Client()
			if token != "" {
				cl = client.New(env.Node, client.WithToken(token))
			}
			rep, err := cl.Demand(env.Ctx, f)
			if err != nil {
				return env.nodeErr(err)
			}
			switch output {
			case OutputCSV:
				var b bytes.Buffer
				if err := gongxu.WriteDemandCSV(&b, rep, f.Measure); err != nil {
					return gongxu.Wrap(err, "write output")
				}
				_, err := env.Stdout.Write(b.Bytes())
				return gongxu.Wrap(err, "write output")
			case OutputTable:
				env.Output = OutputTable
			default:
				env.Output = OutputJSON
			}
			return env.print(rep, func(t *tableWriter) { demandTable(t, rep, f.Measure) })
		},
	}
	fl := c.Flags()
	fl.StringVar((*string)(&f.Product), "product", "", "only the product `FACTORY/SKU`")
	fl.StringVar((*string)(&f.Hub), "hub", "", "only the cells of the hub `ORG` (no totals)")
	fl.StringVar(&f.Variant, "variant", "", "only the variant `V`")
	fl.Var(&choiceValue{p: &period, choices: strs(gongxu.DemandPeriods)}, "period", "length of a period (default day)")
	fl.StringVar(&f.From, "from", "", "leave out periods that end before `DATE` (YYYY-MM-DD)")
	fl.StringVar(&f.To, "to", "", "leave out periods that start after `DATE` (YYYY-MM-DD)")
	fl.Var(&choiceValue{p: (*string)(&f.Measure), choices: strs(gongxu.DemandMeasures)}, "measure", "only this measure")
	fl.StringVar(&token, "token", "", "an API `TOKEN` of the node: read as its operator org (e.g. --token \"$GONGXU_TOKEN\")")
	fl.VarP(&choiceValue{p: &output, choices: []string{OutputJSON, OutputTable, OutputCSV}}, "output", "o", "output format: json, table or csv")
	return c
}

// demandTable prints a cell a row: units and money of each measure asked,
// "suppressed" for a withheld cell, "*" after the hub of the reader's own.
func demandTable(t *tableWriter, rep gongxu.DemandReport, m gongxu.DemandMeasure) {
	ms := gongxu.DemandMeasures
	if m != "" {
		ms = []gongxu.DemandMeasure{m}
	}
	head := []string{"PERIOD", "PRODUCT", "VARIANT", "HUB", "CUR", "CONTRIB"}
	for _, x := range ms {
		head = append(head, upper(string(x)))
	}
	t.row(head...)
	for _, c := range rep.Cells {
		hub := string(c.Hub)
		if hub == "" {
			hub = "(all)"
		}
		if c.Own {
			hub += " *"
		}
		row := []string{c.Period, string(c.Product), c.Variant, hub, c.Currency}
		if c.Suppressed {
			row = append(row, "suppressed")
			for range ms {
				row = append(row, "·")
			}
		} else {
			row = append(row, strconv.FormatInt(c.Contributors, 10))
			for _, x := range ms {
				v := c.Value(x)
				if v == nil {
					row = append(row, "")
					continue
				}
				row = append(row, strconv.FormatInt(int64(v.Units), 10)+" / "+strconv.FormatInt(int64(v.Money), 10))
			}
		}
		t.row(row...)
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
