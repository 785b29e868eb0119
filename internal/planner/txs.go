package planner

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// purchaseOrders turns the planned purchases into one production/po per
// supplier (and currency, at most production.MaxLines lines each), sorted
// by supplier. A line asks for the planned quantity, raised to the
// supplier's minimum order, by the planned due date, or by the earliest
// date a purchase order sent now may ask for when that is later (the
// schedule then takes that later arrival). A purchase whose supplier has
// no offer for the item is a problem and no line.
func (r *run) purchaseOrders(ctx context.Context, purchases []gongxu.PlannedPurchase) ([]gongxu.PlanTx, error) {
	type key struct {
		supplier gongxu.OrgID
		currency string
	}
	offers := map[gongxu.OrgID]map[gongxu.ItemID]gongxu.SupplyOffer{}
	groups := map[key][]production.LineIn{}
	for _, p := range purchases {
		if _, ok := r.supplies[p.ID]; !ok { // PreferOnTime's choice says why
			r.supplies[p.ID] = fmt.Sprintf("%s from %s", p.Item, p.Supplier)
		}
		if p.Supplier == r.factory {
			r.problem("%s names %s itself as its supplier; the planned purchase of %s due %s is not sent",
				p.Item, r.factory, qtyString(p.Qty), date(p.Due))
			continue
		}
		byItem, ok := offers[p.Supplier]
		if !ok {
			list, err := r.prod.Offers(ctx, p.Supplier)
			if err != nil {
				return nil, err
			}
			byItem = make(map[gongxu.ItemID]gongxu.SupplyOffer, len(list))
			for _, o := range list {
				byItem[o.Item] = o
			}
			offers[p.Supplier] = byItem
		}
		off, ok := byItem[p.Item]
		if !ok {
			r.problem("supplier %s has no offer for %s; the planned purchase of %s due %s is not sent",
				p.Supplier, p.Item, qtyString(p.Qty), date(p.Due))
			continue
		}
		if !off.SealedTo(r.factory) {
			r.problem("supplier %s's offer of %s is sealed to other factories; the planned purchase of %s due %s is not sent",
				p.Supplier, p.Item, qtyString(p.Qty), date(p.Due))
			continue
		}
		day := max(p.Due, r.earliest)
		if day != p.Due {
			r.arrivals[p.ID] = day
		}
		k := key{p.Supplier, off.Currency}
		groups[k] = append(groups[k], production.LineIn{Item: p.Item, Qty: max(p.Qty, off.MinQty), Date: day})
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(string(a.supplier), string(b.supplier)), strings.Compare(a.currency, b.currency))
	})
	var txs []gongxu.PlanTx
	for _, k := range keys {
		lines := groups[k]
		slices.SortStableFunc(lines, func(a, b production.LineIn) int {
			return cmp.Or(strings.Compare(string(a.Item), string(b.Item)), cmp.Compare(a.Date, b.Date))
		})
		for chunk := range slices.Chunk(lines, production.MaxLines) {
			m := production.MsgPO{Supplier: k.supplier, Lines: chunk}
			if err := m.ValidateBasic(); err != nil {
				return nil, gongxu.Wrap(err, "planned purchase order to %s", k.supplier)
			}
			body, err := json.Marshal(m)
			if err != nil {
				return nil, gongxu.Wrap(err, "encode the purchase order to %s", k.supplier)
			}
			txs = append(txs, gongxu.PlanTx{Type: production.TypePO, Summary: poSummary(m), Body: body})
		}
	}
	return txs, nil
}

// poSummary is one line about a purchase order: its supplier and first lines.
func poSummary(m production.MsgPO) string {
	var b strings.Builder
	fmt.Fprintf(&b, "purchase order to %s, %d line", m.Supplier, len(m.Lines))
	if len(m.Lines) != 1 {
		b.WriteString("s")
	}
	b.WriteString(": ")
	for i, l := range m.Lines {
		if i == 3 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s by %s", l.Item, qtyString(l.Qty), date(l.Date))
	}
	return b.String()
}

// planDateTx publishes an order's computed completion with its reason.
func planDateTx(po gongxu.PlannedOrder) (gongxu.PlanTx, error) {
	m := production.MsgPlanDate{Order: po.Order, Completion: po.Completion, Reason: po.Reason}
	if err := m.ValidateBasic(); err != nil {
		return gongxu.PlanTx{}, gongxu.Wrap(err, "planned completion of order %d", po.Order)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return gongxu.PlanTx{}, gongxu.Wrap(err, "encode the planned completion of order %d", po.Order)
	}
	sum := fmt.Sprintf("order %d completes %s", po.Order, stamp(po.Completion))
	if po.Published > 0 {
		sum += fmt.Sprintf(" (published %s)", stamp(po.Published))
	}
	return gongxu.PlanTx{Type: production.TypePlanDate, Summary: sum + ": " + po.Reason, Body: body}, nil
}
