package cli

import (
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/spf13/cobra"
)

// Change orders on accepted purchase orders: po-change proposes one (either
// party), po-change-answer accepts or rejects it (the other party).

func newTxProdPOChangeCmd(env *Env, o *txOptions) *cobra.Command {
	var reason, file, respondBy string
	var lines []string
	c := &cobra.Command{
		Use:   "po-change PO_ID --line ITEM:QTY:DATE:PRICE[@RELEASE] … [--respond-by WHEN] [--reason TEXT] | --file F.json",
		Short: "Propose a change to an accepted purchase order (as its factory or its supplier)",
		Long: `Propose a change order: the whole order as it would be, its lines in their
order with the same items, then any added lines, each as
ITEM:QTY:DATE:UNIT_PRICE (DATE the new promised date, price in minor units
per unit; QTY 0 removes a line, never below what has shipped). The other
party accepts or rejects it (po-change-answer) by --respond-by (default 3
days after the block), else it lapses. A change to a sealed order is sealed
by the node that signs it. With --file, PO_ID may be left out when the body
names the purchase order.

` + releaseHelp + `

` + qtyHelp + `

` + dateHelp + `

` + fileHelp,
		Example: `  gongxu tx production po-change 3 --from lakeside --line waxed-cotton:300:2025-03-21:4900 \
      --reason "the dye house is a week behind"`,
		Args: rangeArgs(0, 1, "PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "line", "reason", "respond-by"); err != nil {
				return err
			}
			var m production.MsgPOChange
			id, sent, err := env.fileOrID(cmd, o, file, args, "PO_ID", "purchase order id", production.TypePOChange, &m, &m.PO)
			if sent || err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "line"); err != nil {
				return err
			}
			m.PO, m.Reason = id, reason
			var ls []orderLine
			if m.Lines, ls, err = parsePriceLines(lines, true); err != nil {
				return err
			}
			var by when
			if respondBy != "" {
				if by, err = parseDate("respond-by", respondBy); err != nil {
					return err
				}
			}
			if err := m.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			clock := &blockClock{env: env}
			for i, l := range ls {
				if m.Lines[i].Date, m.Lines[i].Release, err = l.times(i+1, clock.now); err != nil {
					return err
				}
			}
			if respondBy != "" {
				if m.RespondBy, err = by.ms(clock.now); err != nil {
					return err
				}
			}
			return env.sendMsg(cmd, o, production.TypePOChange, &m)
		},
	}
	f := c.Flags()
	f.StringSliceVar(&lines, "line", nil, "a line of the order as changed, `ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]` (repeatable, every line in order)")
	f.StringVar(&respondBy, "respond-by", "", "the answer's deadline, `WHEN` (a date, an RFC 3339 time or a duration after the latest block)")
	f.StringVar(&reason, "reason", "", "why, `TEXT` the other party reads")
	f.StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

func newTxProdPOChangeAnswerCmd(env *Env, o *txOptions) *cobra.Command {
	var accept, reject bool
	var reason string
	var change int
	c := &cobra.Command{
		Use:   "po-change-answer PO_ID --change N (--accept | --reject) [--reason TEXT]",
		Short: "Accept or reject the change order the other party proposed on a purchase order",
		Args:  exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			if accept == reject {
				return invalidf("give one of --accept and --reject")
			}
			if change < 1 {
				return invalidf("--change must be the number of the pending change (1, 2, …), got %d", change)
			}
			return env.sendMsg(cmd, o, production.TypePOChangeAnswer, &production.MsgPOChangeAnswer{PO: id, Change: change, Accept: accept, Reason: reason})
		},
	}
	f := c.Flags()
	f.IntVar(&change, "change", 0, "the pending change's number `N` (the purchase order shows it)")
	f.BoolVar(&accept, "accept", false, "accept the change")
	f.BoolVar(&reject, "reject", false, "reject the change")
	f.StringVar(&reason, "reason", "", "why, `TEXT` the other party reads")
	return c
}
