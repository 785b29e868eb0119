package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

// disputeStatuses are the values of --status of query dispute list.
var disputeStatuses = []string{"", string(gongxu.DisputeOpen), string(gongxu.DisputePanel), string(gongxu.DisputeResolved)}

// newQueryDisputeCmd builds "gongxu query dispute": disputes and their course.
func newQueryDisputeCmd(env *Env) *cobra.Command {
	var status, org string
	var pool uint64
	var limit int
	list := &cobra.Command{
		Use:   "list [--status S] [--org ORG] [--pool ID]",
		Short: "List disputes, most recent first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative, got %d", limit)
			}
			if org != "" {
				if err := gongxu.OrgID(org).Validate(); err != nil {
					return asUsage(err)
				}
			}
			ds, err := env.Client().Disputes(env.Ctx, gongxu.DisputeFilter{Status: gongxu.DisputeStatus(status), Org: gongxu.OrgID(org), Pool: pool, Limit: limit})
			if err != nil {
				return env.nodeErr(err)
			}
			if ds == nil {
				ds = []gongxu.Dispute{}
			}
			return env.print(ds, func(t *tableWriter) {
				t.row("ID", "SUBJECT", "CLAIMANT", "RESPONDENT", "KIND", "CLAIMED", "STATUS", "OUTCOME", "TO_CLAIMANT", "DEADLINE")
				for _, d := range ds {
					t.row(strconv.FormatUint(d.ID, 10), disputeSubject(d), string(d.Claimant), string(d.Respondent), string(d.Kind),
						money(d.Claimed, d.Currency), string(d.Status), string(d.Outcome), money(d.ToClaimant, d.Currency), msTime(d.Deadline))
				}
			})
		},
	}
	list.Flags().Var(&choiceValue{p: &status, choices: disputeStatuses}, "status", "only disputes with this `STATUS`: "+strings.Join(disputeStatuses[1:], ", "))
	list.Flags().StringVar(&org, "org", "", "only disputes where `ORG` is a party or a panelist")
	list.Flags().Uint64Var(&pool, "pool", 0, "only disputes over shares of pool `ID`")
	list.Flags().IntVar(&limit, "limit", 0, "at most `N` disputes (0: the node's default)")

	show := &cobra.Command{
		Use:   "show DISPUTE_ID",
		Short: "Show a dispute and its course: proposal, panel, votes, ruling",
		Args:  exactArgs("DISPUTE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("dispute id", args[0])
			if err != nil {
				return err
			}
			d, err := env.Client().Dispute(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(d, func(t *tableWriter) {
				t.field("id", strconv.FormatUint(d.ID, 10))
				t.field("subject", disputeSubject(d))
				t.field("claimant", string(d.Claimant))
				t.field("respondent", string(d.Respondent))
				t.field("kind", string(d.Kind))
				t.field("stake", money(d.Stake, d.Currency))
				t.field("claimed", money(d.Claimed, d.Currency))
				t.fieldList("evidence", d.Evidence)
				t.fieldOpt("note", d.Note)
				t.field("status", string(d.Status))
				t.field("deadline", msTime(d.Deadline))
				t.field("default", strconv.FormatInt(d.DefaultBps/100, 10)+"."+strconv.FormatInt(d.DefaultBps%100/10, 10)+" % of the claim")
				if d.Proposal != nil {
					t.field("proposal", string(d.Proposal.By)+": "+money(d.Proposal.ToClaimant, d.Currency)+" to the claimant")
				}
				panel := make([]string, len(d.Panel))
				for i, o := range d.Panel {
					panel[i] = string(o)
				}
				t.fieldList("panel", panel)
				t.fieldOpt("panel_note", d.PanelNote)
				votes := make([]string, len(d.Votes))
				for i, v := range d.Votes {
					votes[i] = string(v.Org) + ": " + money(v.ToClaimant, d.Currency)
				}
				t.fieldList("votes", votes)
				if d.Status == gongxu.DisputeResolved {
					t.field("outcome", string(d.Outcome))
					t.field("to_claimant", money(d.ToClaimant, d.Currency))
					t.field("resolved", msTime(d.Resolved))
				}
				t.field("opened", msTime(d.Opened))
			})
		},
	}
	return newGroup("dispute", "Disputes over hubs' shares and their course", list, show)
}

// disputeSubject names what a dispute is about: "pool 4" (a hub's share) or
// "po 12" (a purchase order's shipments).
func disputeSubject(d gongxu.Dispute) string {
	if d.PO != 0 {
		return "po " + strconv.FormatUint(d.PO, 10)
	}
	return "pool " + strconv.FormatUint(d.Pool, 10)
}
