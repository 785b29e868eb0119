package planner_test

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// fakeLedger is an in-memory gongxu.ProductionService: the read side of
// one small ledger.
type fakeLedger struct {
	offers []gongxu.SupplyOffer
	orders []gongxu.ProductionOrder
	pos    []gongxu.PurchaseOrder
	wos    []gongxu.WorkOrder
	lots   []gongxu.Lot
	master map[gongxu.OrgID]gongxu.Master
	stock  []gongxu.Stock
}

var _ gongxu.ProductionService = (*fakeLedger)(nil)

func notFound(what string, id any) error {
	return gongxu.Errorf(gongxu.KindNotFound, "no %s %v", what, id)
}

func (f *fakeLedger) Offers(_ context.Context, supplier gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	out := []gongxu.SupplyOffer{}
	for _, o := range f.offers {
		if supplier == "" || o.Supplier == supplier {
			out = append(out, o)
		}
	}
	return out, nil
}

func (f *fakeLedger) Orders(_ context.Context, factory gongxu.OrgID, limit int) ([]gongxu.ProductionOrder, error) {
	out := []gongxu.ProductionOrder{}
	for _, o := range f.orders {
		if factory == "" || o.Factory == factory {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b gongxu.ProductionOrder) int { return cmp.Compare(b.ID, a.ID) })
	return out[:min(len(out), limit)], nil
}

func (f *fakeLedger) Order(_ context.Context, id uint64) (gongxu.ProductionOrder, error) {
	for _, o := range f.orders {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.ProductionOrder{}, notFound("production order", id)
}

func (f *fakeLedger) POs(_ context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	out := []gongxu.PurchaseOrder{}
	for _, p := range f.pos {
		if org == "" || p.Factory == org || p.Supplier == org {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b gongxu.PurchaseOrder) int { return cmp.Compare(b.ID, a.ID) })
	return out[:min(len(out), limit)], nil
}

func (f *fakeLedger) PO(_ context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	for _, p := range f.pos {
		if p.ID == id {
			return p, nil
		}
	}
	return gongxu.PurchaseOrder{}, notFound("purchase order", id)
}

func (f *fakeLedger) WorkOrders(ctx context.Context, order uint64) ([]gongxu.WorkOrder, error) {
	if _, err := f.Order(ctx, order); err != nil {
		return nil, err
	}
	out := []gongxu.WorkOrder{}
	for _, w := range f.wos {
		if w.Order == order {
			out = append(out, w)
		}
	}
	return out, nil
}

func (f *fakeLedger) Lots(_ context.Context, owner gongxu.OrgID, limit int) ([]gongxu.Lot, error) {
	out := []gongxu.Lot{}
	for _, l := range f.lots {
		if owner == "" || l.Owner == owner {
			out = append(out, l)
		}
	}
	return out[:min(len(out), limit)], nil
}

func (f *fakeLedger) Lot(_ context.Context, id gongxu.LotID) (gongxu.Lot, error) {
	for _, l := range f.lots {
		if l.ID == id {
			return l, nil
		}
	}
	return gongxu.Lot{}, notFound("lot", id)
}

func (f *fakeLedger) OrderForPool(_ context.Context, pool uint64) (gongxu.ProductionOrder, error) {
	for _, o := range f.orders {
		if o.Pool == pool && pool != 0 {
			return o, nil
		}
	}
	return gongxu.ProductionOrder{}, notFound("production order for pool", pool)
}

func (f *fakeLedger) Master(_ context.Context, org gongxu.OrgID) (gongxu.Master, error) {
	m, ok := f.master[org]
	if !ok {
		return gongxu.Master{Items: []gongxu.Item{}, BOM: []gongxu.BOMLine{}, Routings: []gongxu.Routing{}, WorkCenters: []gongxu.WorkCenter{}}, nil
	}
	return m, nil
}

func (f *fakeLedger) Stock(_ context.Context, org gongxu.OrgID) ([]gongxu.Stock, error) {
	out := []gongxu.Stock{}
	for _, s := range f.stock {
		if s.Org == org {
			out = append(out, s)
		}
	}
	return out, nil
}

// apply lands what a plan would send, as the production module would:
// a purchase order per production/po (sent, nothing received), the planned
// completion per production/plan_date.
func (f *fakeLedger) apply(t *testing.T, factory gongxu.OrgID, txs []gongxu.PlanTx) {
	t.Helper()
	for _, tx := range txs {
		switch tx.Type {
		case production.TypePO:
			var m production.MsgPO
			if err := json.Unmarshal(tx.Body, &m); err != nil {
				t.Fatal(err)
			}
			if err := m.ValidateBasic(); err != nil {
				t.Fatalf("%s: %v", tx.Summary, err)
			}
			po := gongxu.PurchaseOrder{ID: uint64(len(f.pos) + 1), Factory: factory, Supplier: m.Supplier, Status: gongxu.POSent, Promised: []int64{}}
			for _, l := range m.Lines {
				po.Lines = append(po.Lines, gongxu.POLine{Item: l.Item, Qty: l.Qty, Date: l.Date, UnitPrice: 100})
				po.Shipped = append(po.Shipped, 0)
				po.Received = append(po.Received, 0)
			}
			po.Negotiation = []gongxu.PONegotiation{{By: factory, Action: "sent", Lines: slices.Clone(po.Lines)}}
			f.pos = append(f.pos, po)
		case production.TypePlanDate:
			var m production.MsgPlanDate
			if err := json.Unmarshal(tx.Body, &m); err != nil {
				t.Fatal(err)
			}
			if err := m.ValidateBasic(); err != nil {
				t.Fatalf("%s: %v", tx.Summary, err)
			}
			i := slices.IndexFunc(f.orders, func(o gongxu.ProductionOrder) bool { return o.ID == m.Order })
			if i < 0 || f.orders[i].Factory != factory {
				t.Fatalf("plan_date for order %d, not %s's", m.Order, factory)
			}
			f.orders[i].PlannedCompletion, f.orders[i].PlanReason = m.Completion, m.Reason
		default:
			t.Fatalf("unexpected tx type %s", tx.Type)
		}
	}
}

// fakeMembers is a gongxu.MemberService of a few orgs.
type fakeMembers []gongxu.Org

func (m fakeMembers) Orgs(context.Context) ([]gongxu.Org, error) { return m, nil }

func (m fakeMembers) Org(_ context.Context, id gongxu.OrgID) (gongxu.Org, error) {
	for _, o := range m {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.Org{}, notFound("org", id)
}

func (fakeMembers) Validators(context.Context) ([]gongxu.Validator, error) { return nil, nil }

func (fakeMembers) Proposals(context.Context, gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	return nil, nil
}

func (fakeMembers) Proposal(_ context.Context, id uint64) (gongxu.Proposal, error) {
	return gongxu.Proposal{}, notFound("proposal", id)
}
