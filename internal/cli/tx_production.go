package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// newTxProductionCmd builds "gongxu tx production": supply offers,
// production and purchase orders, shipments, work orders, and master data.
func newTxProductionCmd(env *Env, o *txOptions) *cobra.Command {
	c := newGroup("production", "Production: offers, orders, purchase orders, shipments, work orders, master data",
		newTxProdOfferCmd(env, o),
		newTxProdOrderCmd(env, o),
		newTxProdPOCmd(env, o),
		newTxProdPOAcceptCmd(env, o),
		newTxProdPORejectCmd(env, o),
		newTxProdPOProposeCmd(env, o),
		newTxProdPODecideCmd(env, o),
		newTxProdPOCancelCmd(env, o),
		newTxProdPOChangeCmd(env, o),
		newTxProdPOChangeAnswerCmd(env, o),
		newTxProdPODiscloseCmd(env, o),
		newTxProdShipCmd(env, o),
		newTxProdReceiveCmd(env, o),
		newTxProdWOStartCmd(env, o),
		newTxProdWOReportCmd(env, o),
		newTxProdWOCompleteCmd(env, o),
		newTxProdWOCancelCmd(env, o),
		newTxProdItemCmd(env, o),
		newTxProdBOMCmd(env, o),
		newTxProdRoutingCmd(env, o),
		newTxProdWorkCenterCmd(env, o),
		newTxProdPlanDateCmd(env, o),
	)
	c.Long = `Production transactions, signed for the org of the --from key.

` + qtyHelp + `

` + fileHelp
	return c
}

func newTxProdOfferCmd(env *Env, o *txOptions) *cobra.Command {
	var m production.MsgOffer
	var item, file string
	var minQty qtyFlag
	var tiers, sealedTo []string
	c := &cobra.Command{
		Use:   "offer --item ITEM --unit U (--price P | --tiers MIN_QTY:PRICE,…) [--sealed-to FACTORY,…] | --file F.json",
		Short: "Publish or replace your supplier org's offer of an item",
		Long: `Publish or replace what your supplier org offers of an item: its unit, lead
time, smallest order line and price, one --price or a --tiers ladder of
MIN_QTY:UNIT_PRICE (MIN_QTY in units, prices in minor units per unit).
With --sealed-to, the prices are sealed to your org and the factories named
(each with its registered seal key): only they read them, and only they may
order against the offer; the ledger shows the tiers' quantities only.

` + qtyHelp + `

` + fileHelp,
		Example: `  gongxu tx production offer --from lakeside --item waxed-cotton --unit m --lead-days 5 \
      --min-qty 50 --tiers 50:4800,300:4200`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			msg := m
			if err := noFlagsWithFile(cmd, file, "item", "unit", "lead-days", "min-qty", "price", "tiers", "currency", "sealed-to"); err != nil {
				return err
			}
			if file != "" {
				msg = production.MsgOffer{}
				if err := readBodyFile(file, &msg); err != nil {
					return err
				}
				return env.sendMsg(cmd, o, production.TypeOffer, &msg)
			}
			if err := requireFlags(cmd, "item", "unit"); err != nil {
				return err
			}
			msg.Item, msg.MinQty = gongxu.ItemID(item), minQty.q
			msg.Tiers = nil
			for _, t := range tiers {
				p, err := splitN("tiers", "MIN_QTY:UNIT_PRICE pairs", t, 2)
				if err != nil {
					return err
				}
				q, err := parseQty("--tiers quantity", p[0])
				if err != nil {
					return err
				}
				price, err := strconv.ParseInt(p[1], 10, 64)
				if err != nil {
					return invalidf("--tiers price must be an integer of minor units, got %q", clip(p[1]))
				}
				msg.Tiers = append(msg.Tiers, gongxu.OfferTier{MinQty: q, UnitPrice: gongxu.Amount(price)})
			}
			if len(sealedTo) > 0 {
				if err := env.sealOffer(o, &msg, sealedTo); err != nil {
					return err
				}
			}
			return env.sendMsg(cmd, o, production.TypeOffer, &msg)
		},
	}
	f := c.Flags()
	f.StringVar(&item, "item", "", "the `ITEM` offered")
	f.StringVar(&m.Unit, "unit", "", "unit of measure: piece, kg, m …")
	f.Int64Var(&m.LeadTimeDays, "lead-days", 0, "lead time in `DAYS`")
	f.Var(&minQty, "min-qty", "the smallest order line, in units")
	f.Int64Var((*int64)(&m.UnitPrice), "price", 0, "one unit price `P` in minor units (or --tiers)")
	f.StringSliceVar(&tiers, "tiers", nil, "price ladder as `MIN_QTY:UNIT_PRICE`,… (or --price)")
	f.StringVar(&m.Currency, "currency", "CNY", "ISO 4217 `CODE`")
	f.StringSliceVar(&sealedTo, "sealed-to", nil, "seal the prices to these member `FACTORY` orgs (and your own)")
	f.StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

func newTxProdOrderCmd(env *Env, o *txOptions) *cobra.Command {
	var product, item, due string
	var qty qtyFlag
	c := &cobra.Command{
		Use:   "order (--product SKU | --item ITEM) --qty Q --due WHEN",
		Short: "Create a production order for a product of your factory, or an item you make",
		Long: `Create a production order for a catalog product of your factory: --product is
its SKU (the factory is the --from key's org, asked from the node) or
FACTORY/SKU. Or, a factory or a supplier, for an item you make: --item is a
made item of your master data (production item).

` + qtyHelp + `

` + dateHelp,
		Example: `  gongxu tx production order --from acme --product rain-jacket --qty 200 --due 30d
  gongxu tx production order --from lakeside-fabrics --item waxed-cotton --qty 360 --due 10d`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			what := "product"
			if cmd.Flags().Changed("item") {
				if cmd.Flags().Changed("product") {
					return usagef("%s takes --product or --item, not both", cmd.CommandPath())
				}
				what = "item"
			}
			if err := requireFlags(cmd, "from", what, "qty", "due"); err != nil {
				return err
			}
			m := production.MsgOrder{Product: gongxu.ProductID(product), Item: gongxu.ItemID(item), Qty: qty.q, Due: 1}
			if what == "product" && !strings.Contains(product, "/") {
				m.Product = gongxu.NewProductID("factory", product)
			}
			if err := m.ValidateBasic(); err != nil {
				return asUsage(err)
			}
			w, err := parseDate("due", due)
			if err != nil {
				return err
			}
			if what == "product" && !strings.Contains(product, "/") {
				factory, err := env.signerOrg(cmd, o)
				if err != nil {
					return err
				}
				m.Product = gongxu.NewProductID(factory, product)
			}
			if m.Due, err = w.ms((&blockClock{env: env}).now); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, production.TypeOrder, &m)
		},
	}
	f := c.Flags()
	f.StringVar(&product, "product", "", "the product: `SKU` of your factory, or FACTORY/SKU (this or --item)")
	f.StringVar(&item, "item", "", "the made `ITEM` of your master data (this or --product)")
	f.Var(&qty, "qty", "how much to make, in units (required)")
	f.StringVar(&due, "due", "", "when it is due: a date, an RFC 3339 time or a duration (30d) (required)")
	return c
}

func newTxProdPOCmd(env *Env, o *txOptions) *cobra.Command {
	var supplier, file string
	var lines []string
	c := &cobra.Command{
		Use:   "po --supplier ORG --line ITEM:QTY:DATE[@RELEASE] … | --file F.json",
		Short: "Send a purchase order from your factory to a supplier org",
		Long: `Send a purchase order to a supplier org: one --line ITEM:QTY:DATE per item
(repeat --line, or separate lines with commas), the price of each coming from
the supplier's offer. An item id holding ':' needs --file.

` + releaseHelp + `

` + qtyHelp + `

` + dateHelp + `

` + fileHelp,
		Example: `  gongxu tx production po --from acme --supplier lakeside --line waxed-cotton:360:2025-03-10 \
      --line thread:4000:7d
  gongxu tx production po --from acme --supplier lakeside --line waxed-cotton:300:2025-04-30@2025-04-01 \
      --line waxed-cotton:300:2025-05-31@2025-05-01   # a framework order, released monthly`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := noFlagsWithFile(cmd, file, "supplier", "line"); err != nil {
				return err
			}
			var m production.MsgPO
			if file != "" {
				if err := readBodyFile(file, &m); err != nil {
					return err
				}
				return env.sendMsg(cmd, o, production.TypePO, &m)
			}
			if err := requireFlags(cmd, "from", "supplier", "line"); err != nil {
				return err
			}
			m.Supplier = gongxu.OrgID(supplier)
			var ls []orderLine
			var err error
			if m.Lines, ls, err = parsePOLines(lines); err != nil {
				return err
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
			return env.sendMsg(cmd, o, production.TypePO, &m)
		},
	}
	f := c.Flags()
	f.StringVar(&supplier, "supplier", "", "the supplier `ORG`")
	f.StringSliceVar(&lines, "line", nil, "a line as `ITEM:QTY:DATE[@RELEASE]` (repeatable)")
	f.StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

func newTxProdPOAcceptCmd(env *Env, o *txOptions) *cobra.Command {
	var promised []string
	c := &cobra.Command{
		Use:   "po-accept PO_ID [--promised DATE,…]",
		Short: "Accept a purchase order sent to your supplier org",
		Long: `Accept a purchase order sent to your supplier org, promising a date per line
(--promised, one per line in order; none: the requested dates).

` + dateHelp,
		Args: exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			m := production.MsgPOAccept{PO: id}
			ws := make([]when, len(promised))
			for i, s := range promised {
				if ws[i], err = parseDate("promised", s); err != nil {
					return err
				}
			}
			clock := &blockClock{env: env}
			for _, w := range ws {
				d, err := w.ms(clock.now)
				if err != nil {
					return err
				}
				m.Promised = append(m.Promised, d)
			}
			return env.sendMsg(cmd, o, production.TypePOAccept, &m)
		},
	}
	c.Flags().StringSliceVar(&promised, "promised", nil, "the promised `DATE` of each line, in order")
	return c
}

func newTxProdPORejectCmd(env *Env, o *txOptions) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "po-reject PO_ID --reason TEXT",
		Short: "Reject a purchase order sent to your supplier org, with a reason",
		Args:  exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "reason"); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, production.TypePOReject, &production.MsgPOReject{PO: id, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, `TEXT` the factory reads (required)")
	return c
}

func newTxProdPOProposeCmd(env *Env, o *txOptions) *cobra.Command {
	var reason, file string
	var lines []string
	c := &cobra.Command{
		Use:   "po-propose PO_ID --line ITEM:QTY:DATE:PRICE[@RELEASE] … [--reason TEXT] | --file F.json",
		Short: "Propose changed lines for a purchase order sent to your supplier org",
		Long: `Propose changed lines: the same items in the same order, each as
ITEM:QTY:DATE:UNIT_PRICE (price in minor units per unit). The factory accepts
or rejects the proposal (po-decide). With --file, PO_ID may be left out when
the body names the purchase order.

` + releaseHelp + `

` + qtyHelp + `

` + dateHelp + `

` + fileHelp,
		Example: `  gongxu tx production po-propose 3 --from lakeside --line waxed-cotton:300:2025-03-14:4900 \
      --reason "only 300 m before the 14th"`,
		Args: rangeArgs(0, 1, "PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "line", "reason"); err != nil {
				return err
			}
			var m production.MsgPOPropose
			id, sent, err := env.fileOrID(cmd, o, file, args, "PO_ID", "purchase order id", production.TypePOPropose, &m, &m.PO)
			if sent || err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "line"); err != nil {
				return err
			}
			m.PO, m.Reason = id, reason
			var ls []orderLine
			if m.Lines, ls, err = parsePriceLines(lines, false); err != nil {
				return err
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
			return env.sendMsg(cmd, o, production.TypePOPropose, &m)
		},
	}
	f := c.Flags()
	f.StringSliceVar(&lines, "line", nil, "a changed line as `ITEM:QTY:DATE:UNIT_PRICE[@RELEASE]` (repeatable)")
	f.StringVar(&reason, "reason", "", "why, `TEXT` the factory reads")
	f.StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

// idArgOverBody sets *id from the optional argument: it must agree with a
// non-zero id the body already names.
// fileOrID is the two forms of a verb on one order: with --file it reads
// the body into m (the ID argument, when given, overrides the body's id in
// *bodyID), sends it and reports sent; otherwise it parses the ID argument
// named arg, which is then required.
func (env *Env) fileOrID(cmd *cobra.Command, o *txOptions, file string, args []string, arg, what, typ string, m msg, bodyID *uint64) (id uint64, sent bool, err error) {
	if file != "" {
		if err := readBodyFile(file, m); err != nil {
			return 0, true, err
		}
		if err := idArgOverBody(args, what, bodyID); err != nil {
			return 0, true, err
		}
		return 0, true, env.sendMsg(cmd, o, typ, m)
	}
	if len(args) != 1 {
		return 0, false, usagef("%s needs %s", cmd.CommandPath(), arg)
	}
	id, err = parsePositive(what, args[0])
	return id, false, err
}

func idArgOverBody(args []string, what string, id *uint64) error {
	if len(args) == 0 {
		return nil
	}
	v, err := parsePositive(what, args[0])
	if err != nil {
		return err
	}
	if *id != 0 && *id != v {
		return invalidf("the argument says %s %d, --file says %d", what, v, *id)
	}
	*id = v
	return nil
}

func newTxProdPODecideCmd(env *Env, o *txOptions) *cobra.Command {
	var accept, reject bool
	var reason string
	c := &cobra.Command{
		Use:   "po-decide PO_ID (--accept | --reject) [--reason TEXT]",
		Short: "Accept or reject the supplier's proposal on your factory's purchase order",
		Args:  exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			if accept == reject {
				return invalidf("give one of --accept and --reject")
			}
			return env.sendMsg(cmd, o, production.TypePODecide, &production.MsgPODecide{PO: id, Accept: accept, Reason: reason})
		},
	}
	c.Flags().BoolVar(&accept, "accept", false, "accept the proposed lines")
	c.Flags().BoolVar(&reject, "reject", false, "reject them: the order stays as it was")
	c.Flags().StringVar(&reason, "reason", "", "why, `TEXT` the supplier reads")
	return c
}

func newTxProdPOCancelCmd(env *Env, o *txOptions) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "po-cancel PO_ID [--reason TEXT]",
		Short: "Cancel your factory's purchase order before any shipment",
		Args:  exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, production.TypePOCancel, &production.MsgPOCancel{PO: id, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, `TEXT` the supplier reads")
	return c
}

// parseLotLines reads --lot LINE:LOT:QTY values.
func parseLotLines(flag string, vals []string) ([]production.LotLine, error) {
	out := make([]production.LotLine, 0, len(vals))
	for _, s := range vals {
		p, err := splitN(flag, "LINE:LOT:QTY", s, 3)
		if err != nil {
			return nil, err
		}
		line, err := strconv.Atoi(p[0])
		if err != nil || line < 1 {
			return nil, invalidf("--%s line must be a 1-based purchase order line number, got %q", flag, clip(p[0]))
		}
		q, err := parseQty("--"+flag+" quantity", p[2])
		if err != nil {
			return nil, err
		}
		out = append(out, production.LotLine{Line: line, Lot: gongxu.LotID(p[1]), Qty: q})
	}
	return out, nil
}

func newTxProdShipCmd(env *Env, o *txOptions) *cobra.Command {
	var lots []string
	var file string
	c := &cobra.Command{
		Use:   "ship PO_ID --lot LINE:LOT:QTY,… | --file F.json",
		Short: "Ship lots of your supplier org against an accepted purchase order",
		Long: `Ship lots against an accepted purchase order: each --lot names the 1-based PO
line, one of your org's lots (ORG/CODE) and the quantity shipped from it.

` + qtyHelp + `

` + fileHelp,
		Example: `  gongxu tx production ship 3 --from lakeside --lot 1:lakeside-fabrics/wc-0317:360`,
		Args:    rangeArgs(0, 1, "PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "lot"); err != nil {
				return err
			}
			var m production.MsgShip
			id, sent, err := env.fileOrID(cmd, o, file, args, "PO_ID", "purchase order id", production.TypeShip, &m, &m.PO)
			if sent || err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "lot"); err != nil {
				return err
			}
			m.PO = id
			if m.Lines, err = parseLotLines("lot", lots); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, production.TypeShip, &m)
		},
	}
	c.Flags().StringSliceVar(&lots, "lot", nil, "a lot shipped as `LINE:LOT:QTY` (repeatable)")
	c.Flags().StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

func newTxProdReceiveCmd(env *Env, o *txOptions) *cobra.Command {
	var lots []string
	var file string
	var shipment int
	c := &cobra.Command{
		Use:   "receive PO_ID --shipment N [--lot LINE:LOT:QTY,…] | --file F.json",
		Short: "Receive (part of) a shipment on your factory's purchase order",
		Long: `Receive a shipment of a purchase order. Each --lot names the PO line, the
supplier's lot id as shipped and the quantity received; without --lot, all of
the shipment not received yet is received, as the node reports it.

` + qtyHelp + `

` + fileHelp,
		Example: `  gongxu tx production receive 3 --from acme --shipment 1
  gongxu tx production receive 3 --from acme --shipment 1 --lot 1:lakeside-fabrics/wc-0317:350`,
		Args: rangeArgs(0, 1, "PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "lot", "shipment"); err != nil {
				return err
			}
			var m production.MsgReceive
			id, sent, err := env.fileOrID(cmd, o, file, args, "PO_ID", "purchase order id", production.TypeReceive, &m, &m.PO)
			if sent || err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "shipment"); err != nil {
				return err
			}
			if shipment < 1 {
				return invalidf("--shipment must be a shipment number from 1, got %d", shipment)
			}
			m.PO, m.Shipment = id, shipment
			if len(lots) > 0 {
				if m.Lines, err = parseLotLines("lot", lots); err != nil {
					return err
				}
				return env.sendMsg(cmd, o, production.TypeReceive, &m)
			}
			po, err := env.Client().PO(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			var sh *gongxu.Shipment
			for i := range po.Shipments {
				if po.Shipments[i].ID == shipment {
					sh = &po.Shipments[i]
				}
			}
			if sh == nil {
				return gongxu.Errorf(gongxu.KindNotFound, "purchase order %d has no shipment %d", id, shipment)
			}
			for _, l := range sh.Lines {
				if rest := l.Qty - l.Received; rest > 0 {
					m.Lines = append(m.Lines, production.LotLine{Line: l.Line, Lot: l.Lot, Qty: rest})
				}
			}
			if len(m.Lines) == 0 {
				return gongxu.Errorf(gongxu.KindConflict, "shipment %d of purchase order %d is received in full", shipment, id)
			}
			return env.sendMsg(cmd, o, production.TypeReceive, &m)
		},
	}
	c.Flags().IntVar(&shipment, "shipment", 0, "the shipment `N` of the purchase order, from 1 (required)")
	c.Flags().StringSliceVar(&lots, "lot", nil, "a lot received as `LINE:LOT:QTY` (default: the rest of the shipment)")
	c.Flags().StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

// parseLotQtys reads LOT:QTY values of the flag.
func parseLotQtys(flag string, vals []string) ([]gongxu.LotQty, error) {
	var out []gongxu.LotQty
	for _, s := range vals {
		s = strings.TrimSpace(s)
		i := strings.LastIndexByte(s, ':')
		if i <= 0 || i == len(s)-1 {
			return nil, invalidf("--%s takes LOT:QTY, got %q", flag, clip(s))
		}
		q, err := parseQty("--"+flag+" quantity", s[i+1:])
		if err != nil {
			return nil, err
		}
		out = append(out, gongxu.LotQty{Lot: gongxu.LotID(strings.TrimSpace(s[:i])), Qty: q})
	}
	return out, nil
}

func newTxProdWOStartCmd(env *Env, o *txOptions) *cobra.Command {
	var qty qtyFlag
	var inputs []string
	var allocate []string
	var file string
	c := &cobra.Command{
		Use:   "wo-start ORDER_ID --qty Q [--input LOT:QTY,…] | --file F.json",
		Short: "Start a work order for your factory's production order",
		Long: `Start a work order making Q units of a production order's product. Each
--input reserves a quantity of one of your lots; the work order consumes them
when it completes. Each --allocate ITEM:QTY lets the ledger choose the lots of
an input: your free lots of the item, the first to expire first, then the
first in.

` + qtyHelp + `

` + fileHelp,
		Example: `  gongxu tx production wo-start 1 --from acme --qty 200 --input acme/lakeside-fabrics/wc-0317:360`,
		Args:    rangeArgs(0, 1, "ORDER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := noFlagsWithFile(cmd, file, "qty", "input", "allocate"); err != nil {
				return err
			}
			var m production.MsgWOStart
			id, sent, err := env.fileOrID(cmd, o, file, args, "ORDER_ID", "production order id", production.TypeWOStart, &m, &m.Order)
			if sent || err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "qty"); err != nil {
				return err
			}
			m.Order, m.Qty = id, qty.q
			if m.Inputs, err = parseLotQtys("input", inputs); err != nil {
				return err
			}
			for _, a := range allocate {
				i := strings.LastIndex(a, ":")
				if i <= 0 {
					return invalidf("--allocate takes ITEM:QTY, got %q", clip(a))
				}
				q, err := parseQty("--allocate quantity", a[i+1:])
				if err != nil {
					return err
				}
				m.Allocate = append(m.Allocate, gongxu.ItemQty{Item: gongxu.ItemID(strings.TrimSpace(a[:i])), Qty: q})
			}
			return env.sendMsg(cmd, o, production.TypeWOStart, &m)
		},
	}
	c.Flags().Var(&qty, "qty", "how much to make, in units (required)")
	c.Flags().StringSliceVar(&inputs, "input", nil, "a lot to consume as `LOT:QTY` (repeatable)")
	c.Flags().StringSliceVar(&allocate, "allocate", nil, "an input the ledger chooses the lots of, as `ITEM:QTY`: the first to expire, then the first in (repeatable)")
	c.Flags().StringVar(&file, "file", "", "the message body, a JSON `FILE`")
	return c
}

func newTxProdWOReportCmd(env *Env, o *txOptions) *cobra.Command {
	var produced, scrapped qtyFlag
	var scrapReason string
	c := &cobra.Command{
		Use:   "wo-report WO_ID --produced Q [--scrapped Q]",
		Short: "Report a started work order's progress (cumulative quantities)",
		Long: `Report how much a started work order has produced and scrapped so far: the
totals since it started, never lower than reported before.

` + qtyHelp,
		Args: exactArgs("WO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("work order id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "produced"); err != nil {
				return err
			}
			m := production.MsgWOReport{WO: id, Produced: produced.q, Scrapped: scrapped.q, ScrapReason: scrapReason}
			return env.sendMsg(cmd, o, production.TypeWOReport, &m)
		},
	}
	c.Flags().Var(&produced, "produced", "produced so far, in units (required)")
	c.Flags().Var(&scrapped, "scrapped", "scrapped so far, in units")
	c.Flags().StringVar(&scrapReason, "scrap-reason", "", "why what was scrapped since the last report was scrapped, `TEXT` kept on the work order")
	return c
}

func newTxProdWOCancelCmd(env *Env, o *txOptions) *cobra.Command {
	var reason string
	c := &cobra.Command{
		Use:   "wo-cancel WO_ID [--reason TEXT]",
		Short: "Cancel a started work order: the lots it reserved are released",
		Long: `Cancel a work order of your org that is started, not completed: the input
lots it reserved are released for other work orders and shipments; nothing
is consumed or made. A work order whose input lot was recalled (held) cannot
complete: cancel it.`,
		Example: `  gongxu tx production wo-cancel 4 --from acme --reason "fabric recalled"`,
		Args:    exactArgs("WO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("work order id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, production.TypeWOCancel, &production.MsgWOCancel{WO: id, Reason: reason})
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why, `TEXT` kept on the work order")
	return c
}

func newTxProdWOCompleteCmd(env *Env, o *txOptions) *cobra.Command {
	var produced, scrapped qtyFlag
	var outputs []string
	var byProducts []string
	var scrapReason string
	c := &cobra.Command{
		Use:   "wo-complete WO_ID --produced Q [--scrapped Q] [--output CODE:QTY,…]",
		Short: "Complete a work order: its inputs are consumed, its output lots made",
		Long: `Complete a work order with its final produced and scrapped quantities. Each
--output is a lot of your org made from it, by code (the lot id is
YOUR_ORG/CODE), the quantities adding up to --produced; without --output one
lot "wo-WO_ID" holds it all. Each --by-product is a lot of a by-product the
work made, ITEM:CODE:QTY, ITEM declared a by-product of the work order's item
in your bill of materials. --scrap-reason says why the scrap since the last
report was scrapped (scrap is recorded, never a lot).

` + qtyHelp,
		Example: `  gongxu tx production wo-complete 4 --from acme --produced 198 --scrapped 2 --output rain-jacket-0001:198`,
		Args:    exactArgs("WO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("work order id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "produced"); err != nil {
				return err
			}
			m := production.MsgWOComplete{WO: id, Produced: produced.q, Scrapped: scrapped.q}
			for _, s := range outputs {
				p, err := splitN("output", "CODE:QTY", s, 2)
				if err != nil {
					return err
				}
				q, err := parseQty("--output quantity", p[1])
				if err != nil {
					return err
				}
				m.Outputs = append(m.Outputs, production.OutputLot{Code: p[0], Qty: q})
			}
			for _, s := range byProducts {
				p, err := splitN("by-product", "ITEM:CODE:QTY", s, 3)
				if err != nil {
					return err
				}
				q, err := parseQty("--by-product quantity", p[2])
				if err != nil {
					return err
				}
				m.ByProducts = append(m.ByProducts, gongxu.ByProductLot{Item: gongxu.ItemID(p[0]), Code: p[1], Qty: q})
			}
			m.ScrapReason = scrapReason
			return env.sendMsg(cmd, o, production.TypeWOComplete, &m)
		},
	}
	c.Flags().Var(&produced, "produced", "produced in all, in units (required)")
	c.Flags().Var(&scrapped, "scrapped", "scrapped in all, in units")
	c.Flags().StringSliceVar(&outputs, "output", nil, "an output lot as `CODE:QTY` (repeatable)")
	c.Flags().StringSliceVar(&byProducts, "by-product", nil, "a by-product lot as `ITEM:CODE:QTY` (repeatable)")
	c.Flags().StringVar(&scrapReason, "scrap-reason", "", "why the scrap since the last report was scrapped, `TEXT`")
	return c
}
