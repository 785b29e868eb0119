package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

// newQueryProductionCmd builds "gongxu query production": supply offers,
// production and purchase orders, work orders, lots, stock, master data and
// plans. Quantities are milli-units in JSON, units in tables.
func newQueryProductionCmd(env *Env) *cobra.Command {
	c := newGroup("production", "Supply offers, production and purchase orders, work orders, lots, stock, master data, plans",
		newQueryProdOffersCmd(env),
		newQueryProdOrdersCmd(env),
		newQueryProdOrderCmd(env),
		newQueryProdPOsCmd(env),
		newQueryProdPOCmd(env),
		newQueryProdWorkOrdersCmd(env),
		newQueryProdLotsCmd(env),
		newQueryProdLotCmd(env),
		newQueryProdStockCmd(env),
		newQueryProdMasterCmd(env),
		newQueryProdPlanCmd(env),
	)
	c.Long = `Query the production side of the ledger. JSON output counts quantities in
milli-units, as the ledger does; -o table shows them in units (1.5 = 1500
milli-units).`
	return c
}

// optOrg reads an optional org id flag's value.
func optOrg(flag, s string) (gongxu.OrgID, error) {
	id := gongxu.OrgID(s)
	if id == "" {
		return "", nil
	}
	if err := id.Validate(); err != nil {
		return "", invalidf("--%s: %s", flag, gongxu.ErrorMessage(err))
	}
	return id, nil
}

// orgArg reads an org id argument.
func orgArg(s string) (gongxu.OrgID, error) {
	id := gongxu.OrgID(s)
	if err := id.Validate(); err != nil {
		return "", asUsage(err)
	}
	return id, nil
}

// checkLimit refuses a negative --limit.
func checkLimit(limit int) error {
	if limit < 0 {
		return usagef("--limit must not be negative, got %d", limit)
	}
	return nil
}

// orEmpty returns xs, or an empty list for nil, so that JSON prints [].
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func newQueryProdOffersCmd(env *Env) *cobra.Command {
	var supplier string
	c := &cobra.Command{
		Use:   "offers [--supplier ORG]",
		Short: "List supply offers, by supplier and item",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := optOrg("supplier", supplier)
			if err != nil {
				return err
			}
			list, err := env.Client().Offers(env.Ctx, s)
			if err != nil {
				return env.nodeErr(err)
			}
			list = orEmpty(list)
			return env.print(list, func(t *tableWriter) {
				t.row("SUPPLIER", "ITEM", "UNIT", "LEAD_DAYS", "MIN_QTY", "PRICES", "VERSION", "UPDATED")
				for _, o := range list {
					prices := make([]string, len(o.Tiers))
					for i, tr := range o.Tiers {
						prices[i] = "from " + fmtQty(tr.MinQty) + ": " + money(tr.UnitPrice, o.Currency)
					}
					t.row(string(o.Supplier), string(o.Item), o.Unit, strconv.FormatInt(o.LeadTimeDays, 10), fmtQty(o.MinQty),
						strings.Join(prices, "; "), strconv.FormatInt(o.Version, 10), msTime(o.Updated))
				}
			})
		},
	}
	c.Flags().StringVar(&supplier, "supplier", "", "only the offers of the supplier `ORG`")
	return c
}

func newQueryProdOrdersCmd(env *Env) *cobra.Command {
	var factory string
	var limit int
	c := &cobra.Command{
		Use:   "orders [--factory ORG] [--limit N]",
		Short: "List production orders, newest first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := optOrg("factory", factory)
			if err != nil {
				return err
			}
			if err := checkLimit(limit); err != nil {
				return err
			}
			list, err := env.Client().Orders(env.Ctx, f, limit)
			if err != nil {
				return env.nodeErr(err)
			}
			list = orEmpty(list)
			return env.print(list, func(t *tableWriter) {
				t.row("ID", "FACTORY", "PRODUCT", "QTY", "PRODUCED", "STATUS", "DUE", "PLANNED", "POOL")
				for _, o := range list {
					t.row(strconv.FormatUint(o.ID, 10), string(o.Factory), string(o.Product), fmtQty(o.Qty), fmtQty(o.Produced),
						string(o.Status), msTime(o.Due), msTime(o.PlannedCompletion), poolRef(o.Pool))
				}
			})
		},
	}
	c.Flags().StringVar(&factory, "factory", "", "only the orders of the factory `ORG`")
	c.Flags().IntVar(&limit, "limit", 0, "at most `N` orders (0: the node's default)")
	return c
}

// poolRef is a pool id for a table; "" (shown as "-") for none.
func poolRef(id uint64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatUint(id, 10)
}

func newQueryProdOrderCmd(env *Env) *cobra.Command {
	var pool string
	c := &cobra.Command{
		Use:   "order (ORDER_ID | --pool POOL_ID)",
		Short: "Show a production order and its history (or the one a pool created)",
		Args:  rangeArgs(0, 1, "ORDER_ID, or --pool POOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (pool != "") {
				return usagef("%s takes ORDER_ID or --pool POOL_ID", cmd.CommandPath())
			}
			var o gongxu.ProductionOrder
			if pool != "" {
				id, err := parsePositive("pool id", pool)
				if err != nil {
					return err
				}
				if o, err = env.Client().OrderForPool(env.Ctx, id); err != nil {
					return env.nodeErr(err)
				}
			} else {
				id, err := parsePositive("production order id", args[0])
				if err != nil {
					return err
				}
				if o, err = env.Client().Order(env.Ctx, id); err != nil {
					return env.nodeErr(err)
				}
			}
			o.History = orEmpty(o.History)
			return env.print(o, func(t *tableWriter) {
				t.field("id", strconv.FormatUint(o.ID, 10))
				t.field("factory", string(o.Factory))
				t.field("product", string(o.Product))
				t.field("qty", fmtQty(o.Qty))
				t.field("produced", fmtQty(o.Produced))
				t.field("status", string(o.Status))
				t.field("due", msTime(o.Due))
				t.field("planned", msTime(o.PlannedCompletion))
				t.fieldOpt("plan_reason", o.PlanReason)
				t.field("pool", poolRef(o.Pool))
				t.field("created", msTime(o.Created))
				hs := make([]string, len(o.History))
				for i, h := range o.History {
					hs[i] = fmt.Sprintf("%s  %s  height %d  %s", msTime(h.Time), h.Status, h.Height, h.Reason)
				}
				t.fieldList("history", hs)
			})
		},
	}
	c.Flags().StringVar(&pool, "pool", "", "the production order of the filled pool `POOL_ID`")
	return c
}

func newQueryProdPOsCmd(env *Env) *cobra.Command {
	var org string
	var limit int
	c := &cobra.Command{
		Use:   "pos [--org ORG] [--limit N]",
		Short: "List purchase orders, newest first (of an org as factory or supplier)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := optOrg("org", org)
			if err != nil {
				return err
			}
			if err := checkLimit(limit); err != nil {
				return err
			}
			list, err := env.Client().POs(env.Ctx, id, limit)
			if err != nil {
				return env.nodeErr(err)
			}
			list = orEmpty(list)
			return env.print(list, func(t *tableWriter) {
				t.row("ID", "FACTORY", "SUPPLIER", "STATUS", "LINES", "VALUE", "SHIPMENTS", "CREATED")
				for _, p := range list {
					t.row(strconv.FormatUint(p.ID, 10), string(p.Factory), string(p.Supplier), string(p.Status),
						strconv.Itoa(len(p.Lines)), poValue(p), strconv.Itoa(len(p.Shipments)), msTime(p.Created))
				}
			})
		},
	}
	c.Flags().StringVar(&org, "org", "", "only the orders where `ORG` is the factory or the supplier")
	c.Flags().IntVar(&limit, "limit", 0, "at most `N` orders (0: the node's default)")
	return c
}

// poValue is the value of a purchase order's lines (each gongxu.CostMilli),
// with its currency; "?" when it does not fit.
func poValue(p gongxu.PurchaseOrder) string {
	var sum gongxu.Amount
	for _, l := range p.Lines {
		v, err := gongxu.CostMilli(l.Qty, l.UnitPrice)
		if err != nil {
			return "?"
		}
		if sum, err = gongxu.Add(sum, v); err != nil {
			return "?"
		}
	}
	return money(sum, p.Currency)
}

func newQueryProdPOCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "po PO_ID",
		Short: "Show a purchase order: lines, shipments and negotiation",
		Args:  exactArgs("PO_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("purchase order id", args[0])
			if err != nil {
				return err
			}
			p, err := env.Client().PO(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(p, func(t *tableWriter) {
				t.field("id", strconv.FormatUint(p.ID, 10))
				t.field("factory", string(p.Factory))
				t.field("supplier", string(p.Supplier))
				t.field("status", string(p.Status))
				t.fieldOpt("reason", p.Reason)
				t.field("value", poValue(p))
				ls := make([]string, len(p.Lines))
				for i, l := range p.Lines {
					s := fmt.Sprintf("%d. %s  %s at %s  wanted %s", i+1, l.Item, fmtQty(l.Qty), money(l.UnitPrice, p.Currency), msTime(l.Date))
					if i < len(p.Promised) {
						s += "  promised " + msTime(p.Promised[i])
					}
					if i < len(p.Shipped) && i < len(p.Received) {
						s += "  shipped " + fmtQty(p.Shipped[i]) + "  received " + fmtQty(p.Received[i])
					}
					ls[i] = s
				}
				t.fieldList("lines", ls)
				ps := make([]string, len(p.Proposal))
				for i, l := range p.Proposal {
					ps[i] = fmt.Sprintf("%d. %s  %s at %s  by %s", i+1, l.Item, fmtQty(l.Qty), money(l.UnitPrice, p.Currency), msTime(l.Date))
				}
				if len(ps) > 0 {
					t.fieldList("proposal", ps)
				}
				var ss []string
				for _, sh := range p.Shipments {
					for _, l := range sh.Lines {
						ss = append(ss, fmt.Sprintf("%d  %s  line %d  %s %s  received %s", sh.ID, msTime(sh.Time), l.Line, l.Lot,
							fmtQty(l.Qty), fmtQty(l.Received)))
					}
				}
				t.fieldList("shipments", ss)
				ns := make([]string, len(p.Negotiation))
				for i, n := range p.Negotiation {
					s := fmt.Sprintf("%s  %s  %s", msTime(n.Time), n.By, n.Action)
					if n.Reason != "" {
						s += ": " + n.Reason
					}
					ns[i] = s
				}
				t.fieldList("negotiation", ns)
				t.field("created", msTime(p.Created))
			})
		},
	}
}

func newQueryProdWorkOrdersCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "work-orders ORDER_ID",
		Short: "List the work orders of a production order",
		Args:  exactArgs("ORDER_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("production order id", args[0])
			if err != nil {
				return err
			}
			list, err := env.Client().WorkOrders(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			list = orEmpty(list)
			return env.print(list, func(t *tableWriter) {
				t.row("ID", "ITEM", "QTY", "PRODUCED", "SCRAPPED", "STATUS", "INPUTS", "OUTPUTS", "STARTED", "COMPLETED")
				for _, w := range list {
					t.row(strconv.FormatUint(w.ID, 10), string(w.Item), fmtQty(w.Qty), fmtQty(w.Produced), fmtQty(w.Scrapped),
						string(w.Status), lotQtys(w.Inputs), lotQtys(w.OutputLots), msTime(w.Started), msTime(w.Completed))
				}
			})
		},
	}
}

// lotQtys formats lots and quantities: "acme/l1 1.5, acme/l2 3".
func lotQtys(ls []gongxu.LotQty) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l.Lot) + " " + fmtQty(l.Qty)
	}
	return strings.Join(out, ", ")
}

func newQueryProdLotsCmd(env *Env) *cobra.Command {
	var owner string
	var limit int
	c := &cobra.Command{
		Use:   "lots [--owner ORG] [--limit N]",
		Short: "List lots, newest first (lots at zero included)",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := optOrg("owner", owner)
			if err != nil {
				return err
			}
			if err := checkLimit(limit); err != nil {
				return err
			}
			list, err := env.Client().Lots(env.Ctx, o, limit)
			if err != nil {
				return env.nodeErr(err)
			}
			list = orEmpty(list)
			return env.print(list, func(t *tableWriter) {
				t.row("ID", "ITEM", "OWNER", "QTY", "RESERVED", "FROM", "CREATED")
				for _, l := range list {
					t.row(string(l.ID), string(l.Item), string(l.Owner), fmtQty(l.Qty), fmtQty(l.Reserved), lotOrigin(l), msTime(l.Created))
				}
			})
		},
	}
	c.Flags().StringVar(&owner, "owner", "", "only the lots of `ORG`")
	c.Flags().IntVar(&limit, "limit", 0, "at most `N` lots (0: the node's default)")
	return c
}

// lotOrigin says where a lot came from: a supplier's lot on a purchase
// order, or a work order.
func lotOrigin(l gongxu.Lot) string {
	switch {
	case l.From != "":
		return fmt.Sprintf("%s (po %d)", l.From, l.PO)
	case l.WO != 0:
		return "work order " + strconv.FormatUint(l.WO, 10)
	}
	return ""
}

func newQueryProdLotCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "lot LOT_ID",
		Short: "Show a lot (ORG/CODE)",
		Args:  exactArgs("LOT_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := gongxu.LotID(args[0])
			if err := id.Validate(); err != nil {
				return asUsage(err)
			}
			l, err := env.Client().Lot(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(l, func(t *tableWriter) {
				t.field("id", string(l.ID))
				t.field("item", string(l.Item))
				t.field("owner", string(l.Owner))
				t.field("qty", fmtQty(l.Qty))
				t.field("reserved", fmtQty(l.Reserved))
				t.fieldOpt("from", string(l.From))
				if l.PO != 0 {
					t.field("po", strconv.FormatUint(l.PO, 10))
				}
				if l.WO != 0 {
					t.field("wo", strconv.FormatUint(l.WO, 10))
				}
				t.field("created", msTime(l.Created))
			})
		},
	}
}

func newQueryProdStockCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "stock ORG",
		Short: "Show an org's stock per item (the sum of its lots)",
		Args:  exactArgs("ORG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			org, err := orgArg(args[0])
			if err != nil {
				return err
			}
			list, err := env.Client().Stock(env.Ctx, org)
			if err != nil {
				return env.nodeErr(err)
			}
			list = orEmpty(list)
			return env.print(list, func(t *tableWriter) {
				t.row("ITEM", "QTY")
				for _, s := range list {
					t.row(string(s.Item), fmtQty(s.Qty))
				}
			})
		},
	}
}

func newQueryProdMasterCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "master ORG",
		Short: "Show an org's master data: items, bills of materials, routings, work centers",
		Long: `Show an org's master data on the ledger. The JSON of an item, a routing or a
work center can be given back to "tx production item|routing|work-center
--file" after a change.`,
		Args: exactArgs("ORG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			org, err := orgArg(args[0])
			if err != nil {
				return err
			}
			md, err := env.Client().Master(env.Ctx, org)
			if err != nil {
				return env.nodeErr(err)
			}
			md.Items, md.BOM, md.Routings, md.WorkCenters = orEmpty(md.Items), orEmpty(md.BOM), orEmpty(md.Routings), orEmpty(md.WorkCenters)
			return env.print(masterJSON(md), func(t *tableWriter) { masterTable(t, md) })
		},
	}
}

// masterJSON is gongxu.Master with every list present, as the API sends it.
func masterJSON(md gongxu.Master) any {
	return struct {
		Items       []gongxu.Item       `json:"items"`
		BOM         []gongxu.BOMLine    `json:"bom"`
		Routings    []gongxu.Routing    `json:"routings"`
		WorkCenters []gongxu.WorkCenter `json:"work_centers"`
	}{md.Items, md.BOM, md.Routings, md.WorkCenters}
}

func masterTable(t *tableWriter, md gongxu.Master) {
	items := make([]string, len(md.Items))
	for i, it := range md.Items {
		kind := "bought from " + string(it.Supplier)
		switch {
		case it.Phantom:
			kind = "phantom"
		case it.Make:
			kind = "made"
		}
		s := fmt.Sprintf("%s  %s", it.ID, kind)
		if it.Unit != "" {
			s += "  unit " + it.Unit
		}
		if it.LeadTimeDays != 0 {
			s += fmt.Sprintf("  lead %dd", it.LeadTimeDays)
		}
		if it.LotMin != 0 {
			s += "  lot min " + fmtQty(it.LotMin)
		}
		if it.LotMultiple != 0 {
			s += "  lot multiple " + fmtQty(it.LotMultiple)
		}
		items[i] = s
	}
	t.fieldList("items", items)
	bom := make([]string, len(md.BOM))
	for i, l := range md.BOM {
		s := fmt.Sprintf("%s ← %s × %s", l.Parent, fmtQty(l.QtyPer), l.Child)
		if l.ByProduct {
			s = fmt.Sprintf("%s → %s × %s (by-product)", l.Parent, fmtQty(l.QtyPer), l.Child)
		}
		if l.ScrapBP != 0 {
			s += fmt.Sprintf("  scrap %d bp", l.ScrapBP)
		}
		bom[i] = s
	}
	t.fieldList("bom", bom)
	rts := make([]string, len(md.Routings))
	for i, r := range md.Routings {
		ops := make([]string, len(r.Ops))
		for j, op := range r.Ops {
			ops[j] = fmt.Sprintf("%s %s+%s/unit", op.WorkCenter, time.Duration(op.SetupMs)*time.Millisecond,
				time.Duration(op.RunMsPerUnit)*time.Millisecond)
		}
		rts[i] = string(r.Item) + ": " + strings.Join(ops, " → ")
	}
	t.fieldList("routings", rts)
	wcs := make([]string, len(md.WorkCenters))
	for i, w := range md.WorkCenters {
		wcs[i] = fmt.Sprintf("%s  capacity %d  %s", w.ID, w.Capacity, calendarString(w.Calendar))
	}
	t.fieldList("work_centers", wcs)
}

// calendarString summarizes a calendar: its shifts in local time, and how
// many extra and closed intervals it has.
func calendarString(c gongxu.Calendar) string {
	off := fmt.Sprintf("UTC%+03d:%02d", c.UTCOffsetMin/60, abs64(c.UTCOffsetMin%60))
	var shifts []string
	for _, s := range c.Weekly {
		shifts = append(shifts, fmt.Sprintf("%s %02d:%02d-%02d:%02d", time.Weekday(s.Weekday).String()[:3],
			s.StartMin/60, s.StartMin%60, (s.EndMin/60)%24, s.EndMin%60))
	}
	out := off
	if len(shifts) > 0 {
		out += "  " + strings.Join(shifts, ", ")
	}
	if n := len(c.Extra); n > 0 {
		out += fmt.Sprintf("  +%d extra", n)
	}
	if n := len(c.Closed); n > 0 {
		out += fmt.Sprintf("  %d closed", n)
	}
	return out
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func newQueryProdPlanCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "plan FACTORY",
		Short: "Show the factory's plan as the node computes it now (nothing is sent)",
		Long: `Show a factory's plan, computed by the node from the ledger as it sees it:
each production order's completion, the purchase orders and work orders the
plan proposes, and the transactions it would send.`,
		Args: exactArgs("FACTORY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := orgArg(args[0])
			if err != nil {
				return err
			}
			v, err := env.Client().Plan(env.Ctx, f)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(v, func(t *tableWriter) {
				t.field("factory", string(v.Factory))
				t.field("at", msTime(v.At))
				ords := make([]string, len(v.Orders))
				for i, o := range v.Orders {
					s := fmt.Sprintf("%d  %s × %s  due %s  completes %s", o.Order, fmtQty(o.Qty), o.Product, msTime(o.Due), msTime(o.Completion))
					if o.Late {
						s += "  LATE"
					}
					if o.Reason != "" {
						s += "  (" + o.Reason + ")"
					}
					ords[i] = s
				}
				t.fieldList("orders", ords)
				ps := make([]string, len(v.Purchases))
				for i, p := range v.Purchases {
					ps[i] = fmt.Sprintf("%s × %s from %s  release %s  due %s", fmtQty(p.Qty), p.Item, p.Supplier, msTime(p.Release), msTime(p.Due))
				}
				t.fieldList("purchases", ps)
				ws := make([]string, len(v.Work))
				for i, w := range v.Work {
					ws[i] = fmt.Sprintf("%s × %s  start %s  due %s", fmtQty(w.Qty), w.Item, msTime(w.Start), msTime(w.Due))
				}
				t.fieldList("work", ws)
				txs := make([]string, len(v.Txs))
				for i, x := range v.Txs {
					txs[i] = x.Type + "  " + x.Summary
				}
				t.fieldList("txs", txs)
				t.fieldList("problems", v.Problems)
			})
		},
	}
}
