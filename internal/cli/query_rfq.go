package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

// rfqStatuses are the values of --status of query rfq list.
var rfqStatuses = []string{"", string(gongxu.RFQOpen), string(gongxu.RFQAwarded), string(gongxu.RFQCancelled), string(gongxu.RFQExpired)}

// newQueryRFQCmd builds "gongxu query rfq": requests for quote and bids.
func newQueryRFQCmd(env *Env) *cobra.Command {
	var status string
	var limit int
	list := &cobra.Command{
		Use:   "list [--status S]",
		Short: "List requests for quote, most recent first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative, got %d", limit)
			}
			qs, err := env.Client().RFQs(env.Ctx, gongxu.RFQStatus(status), limit)
			if err != nil {
				return env.nodeErr(err)
			}
			if qs == nil {
				qs = []gongxu.RFQ{}
			}
			return env.print(qs, func(t *tableWriter) {
				t.row("ID", "REQUESTER", "TITLE", "STATUS", "QTY", "MAX_PRICE", "BIDS", "BID_DEADLINE", "REVEAL_DEADLINE")
				for _, q := range qs {
					t.row(strconv.FormatUint(q.ID, 10), string(q.Requester), q.Title, string(q.Status),
						strconv.FormatInt(int64(q.Qty), 10)+" "+q.Unit, money(q.MaxPrice, q.Currency), strconv.Itoa(q.Bids),
						msTime(q.BidDeadline), msTime(q.RevealDeadline))
				}
			})
		},
	}
	list.Flags().Var(&choiceValue{p: &status, choices: rfqStatuses}, "status", "only requests with this `STATUS`: "+strings.Join(rfqStatuses[1:], ", "))
	list.Flags().IntVar(&limit, "limit", 0, "at most `N` requests (0: the node's default)")

	show := &cobra.Command{
		Use:   "show RFQ_ID",
		Short: "Show a request for quote",
		Args:  exactArgs("RFQ_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("rfq id", args[0])
			if err != nil {
				return err
			}
			q, err := env.Client().RFQ(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(q, func(t *tableWriter) {
				t.field("id", strconv.FormatUint(q.ID, 10))
				t.field("requester", string(q.Requester))
				t.field("title", q.Title)
				t.fieldOpt("spec", q.Spec)
				t.field("qty", strconv.FormatInt(int64(q.Qty), 10)+" "+q.Unit)
				t.field("max_price", money(q.MaxPrice, q.Currency))
				if q.Bond > 0 {
					t.field("bid_bond", money(q.Bond, q.Currency)+" per bid, forfeited to the requester unless revealed by the reveal deadline")
				}
				t.field("status", string(q.Status))
				t.fieldOpt("reason", q.Reason)
				t.field("bids", strconv.Itoa(q.Bids))
				t.field("bid_deadline", msTime(q.BidDeadline))
				t.field("reveal_deadline", msTime(q.RevealDeadline))
				t.field("target_date", msTime(q.TargetDate))
				aw := make([]string, len(q.Awards))
				for i, a := range q.Awards {
					aw[i] = string(a.Bidder) + ": " + strconv.FormatInt(int64(a.Qty), 10) + " at " + money(a.UnitPrice, q.Currency) +
						", pool " + strconv.FormatUint(a.Pool, 10)
				}
				t.fieldList("awards", aw)
				t.field("created", msTime(q.Created))
			})
		},
	}

	bids := &cobra.Command{
		Use:   "bids RFQ_ID",
		Short: "List the bids on a request for quote (terms once revealed)",
		Args:  exactArgs("RFQ_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("rfq id", args[0])
			if err != nil {
				return err
			}
			bs, err := env.Client().Bids(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			if bs == nil {
				bs = []gongxu.Bid{}
			}
			return env.print(bs, func(t *tableWriter) {
				t.row("BIDDER", "REVEALED", "UNIT_PRICE", "QTY", "LEAD_DAYS", "ELIGIBLE", "TIME", "COMMITMENT", "BOND")
				for _, b := range bs {
					price, qty, lead := "", "", ""
					if b.Revealed {
						price, qty, lead = strconv.FormatInt(int64(b.UnitPrice), 10), strconv.FormatInt(int64(b.Qty), 10), strconv.FormatInt(b.LeadDays, 10)
					}
					bond := ""
					switch {
					case b.Forfeited:
						bond = "forfeited"
					case b.Bond > 0:
						bond = strconv.FormatInt(int64(b.Bond), 10) + " held"
					}
					t.row(string(b.Bidder), strconv.FormatBool(b.Revealed), price, qty, lead, strconv.FormatBool(b.Eligible),
						msTime(b.Time), b.Commitment, bond)
				}
			})
		},
	}
	return newGroup("rfq", "Requests for quote and their bids", list, show, bids)
}
