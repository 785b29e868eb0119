package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

func newQueryReputationCmd(env *Env) *cobra.Command {
	var facts, offset, limit int
	var figure string
	c := &cobra.Command{
		Use:   "reputation ORG",
		Short: "Show an org's reputation computed from the ledger: on time, fill rate, disputes, recalls, repeat",
		Long: `Show an org's reputation as the node computes it from the committed ledger
alone: on-time delivery and fill rate over the obligations it owes (purchase-
order lines it supplies, hub shares of its pools), disputes opened against it,
recalls that started at its lots, and the share of its counterparties that came
back. Each figure gives its counts, its rate and a rate weighted by recency
(half-life 180 days from the latest block time), then its newest facts with the
transactions they come from.

With --figure, a page of one figure's facts instead (--offset, --limit).`,
		Args: exactArgs("ORG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			org, err := orgArg(args[0])
			if err != nil {
				return err
			}
			if figure != "" {
				page, err := env.Client().ReputationFacts(env.Ctx, org, figure, offset, limit)
				if err != nil {
					return env.nodeErr(err)
				}
				page.Facts = orEmpty(page.Facts)
				return env.print(page, func(t *tableWriter) {
					t.field("total", strconv.FormatInt(page.Total, 10))
					factsTable(t, page.Facts)
				})
			}
			rep, err := env.Client().Reputation(env.Ctx, org, facts)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(rep, func(t *tableWriter) {
				t.row("FIGURE", "COUNT", "SCORED", "HITS", "RATE", "WEIGHTED")
				for _, f := range figuresOf(rep) {
					t.row(f.Figure, strconv.FormatInt(f.Count, 10), strconv.FormatInt(f.Scored, 10), strconv.FormatInt(f.Hits, 10),
						pct(f.Rate), pct(f.Weighted))
				}
				t.row("")
				t.row("as of " + msTime(rep.AsOf) + ", height " + strconv.FormatInt(rep.Height, 10) +
					", half-life " + strconv.FormatInt(rep.HalfLifeDays, 10) + " days, " + strconv.FormatInt(rep.Obligations, 10) + " obligations")
				for _, f := range figuresOf(rep) {
					if len(f.Facts) == 0 {
						continue
					}
					t.row("")
					t.row(f.Figure)
					factsTable(t, f.Facts)
				}
			})
		},
	}
	c.Flags().IntVar(&facts, "facts", 5, "the newest `N` facts of each figure (0 to 100)")
	c.Flags().StringVar(&figure, "figure", "", "a page of this figure's facts: "+strings.Join(gongxu.ReputationFigures, ", "))
	c.Flags().IntVar(&offset, "offset", 0, "with --figure: skip the `N` newest facts")
	c.Flags().IntVar(&limit, "limit", 20, "with --figure: at most `N` facts (1 to 100)")
	return c
}

func figuresOf(r gongxu.Reputation) []gongxu.ReputationFigure {
	return []gongxu.ReputationFigure{r.OnTime, r.FillRate, r.Disputes, r.Recalls, r.Repeat}
}

func factsTable(t *tableWriter, facts []gongxu.ReputationFact) {
	t.row("REF", "WITH", "TIME", "SCORE", "WEIGHT", "NOTE", "TXS")
	for _, f := range facts {
		t.row(f.Ref, string(f.Counterparty), msTime(f.Time), pct(f.Score), fmt.Sprintf("%.3f", float64(f.Weight)/1e6),
			f.Note, strings.Join(f.Txs, " "))
	}
}

// pct formats basis points as a percentage; "-" for −1 (none).
func pct(bp int64) string {
	if bp < 0 {
		return "-"
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}
