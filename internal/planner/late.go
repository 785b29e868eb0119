package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// Late supply and the dates that move with it.
//
// An open purchase order line past its promised date and not shipped in
// full is not assumed to arrive now: the plan expects it at
//
//   - the promised date plus the supplier's median lateness over its late
//     shipments the ledger recorded (gongxu.LatenessService), when that is
//     still ahead; else
//   - now plus as long as it is late already (at least a day),
//
// at most maxLateMs from now. The schedule takes that date, the orders
// that wait for it move, and their reason names the line ("waits for
// purchase order 12 line 1 (fabric from mill), 3 days late, arriving …").
//
// Dates propagate down a cascade: when the org, as a supplier, will
// complete what it sold later than it promised (its own supply is late, its
// capacity binds), the plan proposes a change order on that sale
// (production/po_change) moving the promised dates to the planned
// completions, with the reason that binds them. The buyer's plan reads the
// promised date once it accepts (or the line late when it does not), and
// its orders move with a reason naming this supplier and, through the
// change's reason, the tier above it.

// maxLateMs bounds how far ahead a late line is expected.
const maxLateMs = 90 * dayMs

// WithLateness makes the plan estimate a late line's arrival from its
// supplier's observed lateness (src); without it, a late line is expected
// as late again as it already is. It returns p.
func (p *Planner) WithLateness(src gongxu.LatenessService) *Planner {
	p.late = src
	return p
}

// saleLine is a line the org sold and has still to ship.
type saleLine struct {
	po       gongxu.PurchaseOrder
	line     int // 0-based
	promised int64
}

// expectLate estimates when line i of po, promised at promised and past
// it, arrives, and says on what basis.
func (r *run) expectLate(ctx context.Context, po gongxu.PurchaseOrder, promised int64) (int64, string, error) {
	med, n, err := r.observedLateness(ctx, po.Supplier)
	if err != nil {
		return 0, "", err
	}
	if n > 0 && promised+med > r.at {
		return min(promised+med, r.at+maxLateMs),
			fmt.Sprintf("%s's median lateness, %s over %d late shipments", po.Supplier, span(med), n), nil
	}
	late := max(r.at-promised, dayMs)
	return min(r.at+late, r.at+maxLateMs), fmt.Sprintf("as late again as it is already (%s)", span(r.at-promised)), nil
}

// observedLateness is the median of how late a supplier's late shipments
// came, and how many there were (0: none recorded, or no source).
func (r *run) observedLateness(ctx context.Context, supplier gongxu.OrgID) (int64, int, error) {
	if r.lateness == nil {
		return 0, 0, nil
	}
	if got, ok := r.observed[supplier]; ok {
		return got[0], int(got[1]), nil
	}
	lines, err := r.lateness.LateLines(ctx, supplier, ListLimit)
	if err != nil {
		return 0, 0, err
	}
	var ms []int64
	for _, l := range lines {
		if l.LastShipment > 0 && l.LateMs > 0 {
			ms = append(ms, l.LateMs)
		}
	}
	var med int64
	if len(ms) > 0 {
		slices.Sort(ms)
		med = ms[(len(ms)-1)/2]
	}
	r.observed[supplier] = [2]int64{med, int64(len(ms))}
	return med, len(ms), nil
}

// lateLine takes line i of po, past its promised date and not shipped in
// full, at a realistic date: it returns the arrival the schedule takes and
// records the line in the view's late supply.
func (r *run) lateLine(ctx context.Context, po gongxu.PurchaseOrder, i int, promised int64, rem gongxu.Qty, ref string) (int64, error) {
	exp, basis, err := r.expectLate(ctx, po, promised)
	if err != nil {
		return 0, err
	}
	ls := gongxu.LateSupply{PO: po.ID, Line: i + 1, Supplier: po.Supplier, Item: po.Lines[i].Item, Qty: rem,
		Promised: promised, Expected: exp, Basis: basis}
	if i < len(po.Late) {
		ls.Recorded = po.Late[i]
	}
	r.late = append(r.late, ls)
	r.supplies[ref] = fmt.Sprintf("purchase order %d line %d (%s from %s), %s late", po.ID, i+1, po.Lines[i].Item, po.Supplier, span(r.at-promised))
	return exp, nil
}

// changedBy notes, for a line whose promised date an accepted change order
// moved, who moved it and why: the tier above, in a cascade.
func changedBy(po gongxu.PurchaseOrder, i int) string {
	for k := len(po.Negotiation) - 1; k > 0; k-- {
		if po.Negotiation[k].Action != "change_accept" {
			continue
		}
		for j := k - 1; j >= 0; j-- {
			c := po.Negotiation[j]
			if c.Action != "change" {
				continue
			}
			if i >= len(c.Lines) || c.By != po.Supplier || c.Reason == "" {
				return ""
			}
			return fmt.Sprintf("%s moved it: %s", c.By, c.Reason)
		}
		return ""
	}
	return ""
}

// slips proposes a change order on each sale whose planned completion is
// on a later day than the date promised to the buyer: the late lines move to their
// completion, the reason says what binds it. None while a change is
// pending on the order, for a line recorded late (its date stays), for a
// sealed order whose terms did not open here, or when this org already
// asked for that date or a later one.
func (r *run) slips(done map[string]int64, ex *explainer) ([]gongxu.PlanTx, error) {
	byPO := map[uint64][]string{}
	var ids []uint64
	for _, ref := range r.saleRefs {
		s := r.sales[ref]
		// A later day than promised: the same day is on time.
		if c := done[ref]; c > s.promised && floorDay(c) > floorDay(s.promised) {
			if _, ok := byPO[s.po.ID]; !ok {
				ids = append(ids, s.po.ID)
			}
			byPO[s.po.ID] = append(byPO[s.po.ID], ref)
		}
	}
	slices.Sort(ids)
	var txs []gongxu.PlanTx
	for _, id := range ids {
		refs := byPO[id]
		po := r.sales[refs[0]].po
		if po.Change != nil {
			continue
		}
		if po.Terms != nil && (po.Opened == nil || po.Opened.Refused != "") {
			r.problem("purchase order %d from %s is sealed and its terms do not open at this node: its later dates are not proposed", po.ID, po.Factory)
			continue
		}
		lines := make([]gongxu.POLine, len(po.Lines))
		for i, l := range po.Lines {
			lines[i] = l
			if i < len(po.Promised) && po.Promised[i] > 0 {
				lines[i].Date = po.Promised[i]
			}
		}
		moved, why := 0, ""
		for _, ref := range refs {
			s := r.sales[ref]
			if s.line < len(po.Late) && po.Late[s.line] != 0 {
				continue
			}
			c := done[ref]
			if askedBefore(po, r.factory, s.line, c) {
				continue
			}
			lines[s.line].Date = c
			moved++
			if why == "" {
				why = fmt.Sprintf("%s line %d ready %s: %s", po.Lines[s.line].Item, s.line+1, date(c), ex.reason(ref, c))
			}
		}
		if moved == 0 {
			continue
		}
		body, err := json.Marshal(gongxu.POChangeBody{PO: po.ID, Lines: lines, Reason: clip(why)})
		if err != nil {
			return nil, err
		}
		txs = append(txs, gongxu.PlanTx{Type: production.TypePOChange, Body: body,
			Summary: fmt.Sprintf("propose later dates on purchase order %d from %s (%d lines)", po.ID, po.Factory, moved)})
	}
	return txs, nil
}

// askedBefore reports whether org already proposed a change with line i at
// date at or later (rejected or lapsed: not asked again).
func askedBefore(po gongxu.PurchaseOrder, org gongxu.OrgID, i int, at int64) bool {
	for _, n := range po.Negotiation {
		if n.Action == "change" && n.By == org && i < len(n.Lines) && n.Lines[i].Date >= at {
			return true
		}
	}
	return false
}

// span renders a duration for people: "3 days", "5 hours", "1 day".
func span(ms int64) string {
	switch {
	case ms >= 2*dayMs:
		return fmt.Sprintf("%d days", ms/dayMs)
	case ms >= dayMs:
		return "1 day"
	case ms >= 2*hourMs:
		return fmt.Sprintf("%d hours", ms/hourMs)
	default:
		return "1 hour"
	}
}
