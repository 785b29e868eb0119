package web

import (
	"context"
	"slices"
	"sync"

	"github.com/gongxu-network/gongxu"
)

// Hand-written fakes of the production and plan services.

type fakeProduction struct {
	mu     sync.Mutex
	orders []gongxu.ProductionOrder // id descending
	pos    []gongxu.PurchaseOrder   // id descending
	wos    map[uint64][]gongxu.WorkOrder
	stock  map[gongxu.OrgID][]gongxu.Stock
	lots   []gongxu.Lot // newest first
	err    error
}

func (f *fakeProduction) Offers(context.Context, gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	return []gongxu.SupplyOffer{}, f.err
}

func (f *fakeProduction) Orders(_ context.Context, factory gongxu.OrgID, limit int) ([]gongxu.ProductionOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []gongxu.ProductionOrder{}
	for _, o := range f.orders {
		if factory == "" || o.Factory == factory {
			out = append(out, o)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, f.err
}

func (f *fakeProduction) Order(_ context.Context, id uint64) (gongxu.ProductionOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.ProductionOrder{}, f.err
	}
	for _, o := range f.orders {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.ProductionOrder{}, gongxu.Errorf(gongxu.KindNotFound, "no production order %d", id)
}

func (f *fakeProduction) POs(_ context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []gongxu.PurchaseOrder{}
	for _, po := range f.pos {
		if org == "" || po.Factory == org || po.Supplier == org {
			out = append(out, po)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, f.err
}

func (f *fakeProduction) PO(_ context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.PurchaseOrder{}, f.err
	}
	for _, po := range f.pos {
		if po.ID == id {
			return po, nil
		}
	}
	return gongxu.PurchaseOrder{}, gongxu.Errorf(gongxu.KindNotFound, "no purchase order %d", id)
}

func (f *fakeProduction) WorkOrders(_ context.Context, order uint64) ([]gongxu.WorkOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	if !slices.ContainsFunc(f.orders, func(o gongxu.ProductionOrder) bool { return o.ID == order }) {
		return nil, gongxu.Errorf(gongxu.KindNotFound, "no production order %d", order)
	}
	return append([]gongxu.WorkOrder{}, f.wos[order]...), nil
}

func (f *fakeProduction) Lots(_ context.Context, owner gongxu.OrgID, limit int) ([]gongxu.Lot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []gongxu.Lot{}
	for _, l := range f.lots {
		if owner == "" || l.Owner == owner {
			out = append(out, l)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, f.err
}

func (f *fakeProduction) Lot(_ context.Context, id gongxu.LotID) (gongxu.Lot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.lots {
		if l.ID == id {
			return l, f.err
		}
	}
	return gongxu.Lot{}, gongxu.Errorf(gongxu.KindNotFound, "no lot %s", id)
}

func (f *fakeProduction) OrderForPool(_ context.Context, pool uint64) (gongxu.ProductionOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.ProductionOrder{}, f.err
	}
	for _, o := range f.orders {
		if o.Pool == pool && pool != 0 {
			return o, nil
		}
	}
	return gongxu.ProductionOrder{}, gongxu.Errorf(gongxu.KindNotFound, "pool %d has no production order", pool)
}

func (f *fakeProduction) Master(context.Context, gongxu.OrgID) (gongxu.Master, error) {
	return gongxu.Master{Items: []gongxu.Item{}, BOM: []gongxu.BOMLine{}, Routings: []gongxu.Routing{}, WorkCenters: []gongxu.WorkCenter{}}, f.err
}

func (f *fakeProduction) Stock(_ context.Context, org gongxu.OrgID) ([]gongxu.Stock, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]gongxu.Stock{}, f.stock[org]...), f.err
}

// updatePO changes a purchase order as a committed message would.
func (f *fakeProduction) updatePO(id uint64, change func(*gongxu.PurchaseOrder)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.pos {
		if f.pos[i].ID == id {
			change(&f.pos[i])
		}
	}
}

// fakePlans plans from fixed views, one per factory.
type fakePlans struct {
	mu    sync.Mutex
	views map[gongxu.OrgID]gongxu.PlanView
	err   error
}

func (f *fakePlans) Plan(_ context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.PlanView{}, f.err
	}
	v, ok := f.views[factory]
	if !ok {
		return gongxu.PlanView{}, gongxu.Errorf(gongxu.KindNotFound, "org %s is not a factory", factory)
	}
	return v, nil
}

// resetProduction fills the production fakes around a latest block at block
// (unix ms): Acme Textiles makes linen shirts for pool 2 (in progress, late:
// its fabric comes late) and merino jackets, and buys from Blue River Cotton,
// which has two purchase orders to answer.
func (f *fakes) resetProduction(block int64) {
	day0 := dayFloor(block) // the latest block's day, 00:00 UTC
	const acme, blue = gongxu.OrgID("acme-textiles"), gongxu.OrgID("blue-river-cotton")
	shirt, jacket := gongxu.ItemID("acme-textiles/linen-shirt"), gongxu.ItemID("acme-textiles/merino-jacket")

	p := f.prod
	p.mu.Lock()
	p.orders = []gongxu.ProductionOrder{
		{ID: 7, Factory: acme, Product: shirt, Qty: 64000, Due: day0 + 5*dayMs, Pool: 2, Status: gongxu.OrderInProgress,
			Produced: 20000, PlannedCompletion: day0 + 5*dayMs + 12*hourMs, PlanReason: "linen fabric from Blue River Cotton promised for the 3rd, a day late",
			Created: block - 6*dayMs, History: []gongxu.OrderChange{
				{Status: gongxu.OrderOpen, Time: block - 6*dayMs, Height: 8, Reason: "pool 2 succeeded: 64 units"},
				{Status: gongxu.OrderOpen, Time: block - 4*dayMs, Height: 12, Reason: "planned: completion in 4 days"},
				{Status: gongxu.OrderOpen, Time: block - 2*dayMs, Height: 20, Reason: "re-planned: the linen fabric comes a day late"},
				{Status: gongxu.OrderInProgress, Time: block - dayMs, Height: 30, Reason: "work order 3 started"},
			}},
		{ID: 6, Factory: acme, Product: jacket, Qty: 120000, Due: day0 + 20*dayMs, Status: gongxu.OrderOpen,
			PlannedCompletion: day0 + 9*dayMs, Created: block - 2*dayMs,
			History: []gongxu.OrderChange{{Status: gongxu.OrderOpen, Time: block - 2*dayMs, Height: 21, Reason: "created by acme-textiles"}}},
		{ID: 5, Factory: acme, Product: "acme-textiles/wool-scarf", Qty: 30000, Due: block - 2*dayMs, Status: gongxu.OrderCompleted,
			Produced: 30000, PlannedCompletion: block - 3*dayMs, Created: block - 12*dayMs,
			History: []gongxu.OrderChange{{Status: gongxu.OrderOpen, Time: block - 12*dayMs, Height: 3}, {Status: gongxu.OrderCompleted, Time: block - 3*dayMs, Height: 25, Reason: "work order 2 completed"}}},
	}
	p.wos = map[uint64][]gongxu.WorkOrder{
		7: {{ID: 3, Order: 7, Factory: acme, Item: shirt, Qty: 64000, Produced: 20000, Scrapped: 500, Status: gongxu.WOStarted,
			Inputs: []gongxu.LotQty{{Lot: "acme-textiles/blue-river-cotton/lf-0101", Qty: 50000}}, OutputLots: []gongxu.LotQty{}, Started: block - dayMs}},
		5: {{ID: 2, Order: 5, Factory: acme, Item: "acme-textiles/wool-scarf", Qty: 30000, Produced: 30000, Status: gongxu.WOCompleted,
			Inputs: []gongxu.LotQty{}, OutputLots: []gongxu.LotQty{{Lot: "acme-textiles/scarf-001", Qty: 30000}}, Started: block - 5*dayMs, Completed: block - 3*dayMs}},
	}
	sent := func(id uint64, supplier gongxu.OrgID, at int64, lines ...gongxu.POLine) gongxu.PurchaseOrder {
		n := len(lines)
		return gongxu.PurchaseOrder{ID: id, Factory: acme, Supplier: supplier, Currency: "CNY", Lines: lines, Promised: []int64{},
			Status: gongxu.POSent, Shipped: make([]gongxu.Qty, n), Received: make([]gongxu.Qty, n), Shipments: []gongxu.Shipment{},
			Negotiation: []gongxu.PONegotiation{{By: acme, Action: "sent", Lines: lines, Time: at, Height: 30 + int64(id)}}, Created: at}
	}
	po13 := sent(13, "lakeside-dyeworks", block-hourMs, gongxu.POLine{Item: "indigo-dye", Qty: 5000, Date: day0 + 6*dayMs, UnitPrice: 9000})
	po12 := sent(12, blue, block-3*hourMs,
		gongxu.POLine{Item: "linen-fabric", Qty: 180000, Date: day0 + 2*dayMs, UnitPrice: 2800},
		gongxu.POLine{Item: "cotton-thread", Qty: 50000, Date: day0 + 2*dayMs, UnitPrice: 450})
	po11 := sent(11, blue, block-5*hourMs, gongxu.POLine{Item: "bone-buttons", Qty: 2000000, Date: day0 + 4*dayMs, UnitPrice: 12})
	po10 := sent(10, blue, block-3*dayMs, gongxu.POLine{Item: "linen-fabric", Qty: 100000, Date: day0 + 10*dayMs, UnitPrice: 2800})
	po10.Status = gongxu.POChangesProposed
	po10.Proposal = []gongxu.POLine{{Item: "linen-fabric", Qty: 100000, Date: day0 + 13*dayMs, UnitPrice: 2750}}
	po10.Negotiation = append(po10.Negotiation, gongxu.PONegotiation{By: blue, Action: "propose", Lines: po10.Proposal,
		Reason: "loom maintenance until the 12th", Time: block - 2*dayMs, Height: 33})
	po9 := sent(9, blue, block-5*dayMs, gongxu.POLine{Item: "linen-fabric", Qty: 90000, Date: day0 - dayMs, UnitPrice: 2800})
	po9.Status, po9.Promised = gongxu.POAccepted, []int64{day0}
	po9.Negotiation = append(po9.Negotiation, gongxu.PONegotiation{By: blue, Action: "accept", Time: block - 4*dayMs, Height: 24})
	po9.Shipped = []gongxu.Qty{50000}
	po9.Shipments = []gongxu.Shipment{{ID: 1, Time: block - 2*dayMs, Lines: []gongxu.ShipLine{{Line: 1, Lot: "blue-river-cotton/lf-0101", Qty: 50000, Received: 50000}}}}
	po9.Received = []gongxu.Qty{50000}
	po8 := sent(8, blue, block-8*dayMs, gongxu.POLine{Item: "silk-lining", Qty: 20000, Date: day0 + 3*dayMs, UnitPrice: 6000})
	po8.Status, po8.Reason = gongxu.PORejected, "no silk before February"
	po8.Negotiation = append(po8.Negotiation, gongxu.PONegotiation{By: blue, Action: "reject", Reason: po8.Reason, Time: block - 7*dayMs, Height: 22})
	p.pos = []gongxu.PurchaseOrder{po13, po12, po11, po10, po9, po8}
	p.lots = []gongxu.Lot{
		{ID: "acme-textiles/scarf-001", Item: "acme-textiles/wool-scarf", Owner: acme, Qty: 30000, Created: block - 3*dayMs, WO: 2},
		{ID: "acme-textiles/blue-river-cotton/lf-0101", Item: "linen-fabric", Owner: acme, Qty: 50000, Reserved: 50000, Created: block - 2*dayMs,
			From: "blue-river-cotton/lf-0101", PO: 9},
	}
	p.stock = map[gongxu.OrgID][]gongxu.Stock{acme: {
		{Org: acme, Item: "cotton-thread", Qty: 12500},
		{Org: acme, Item: "linen-fabric", Qty: 40000},
	}}
	p.mu.Unlock()

	// The plan: linen panels cut for the shirts, the shirts sewn and pressed
	// (late: due on day 5, done on day 5 at noon), the jackets cut, sewn and
	// pressed on the other units.
	panel := gongxu.ItemID("acme-textiles/linen-panel")
	wPanel, wShirt, wJacket := "wo:acme-textiles/linen-panel@d1", "wo:acme-textiles/linen-shirt@d5", "wo:acme-textiles/merino-jacket@d20"
	calendar := gongxu.Calendar{Weekly: []gongxu.Shift{{Weekday: 1, StartMin: 480, EndMin: 1020}}}
	view := gongxu.PlanView{
		Factory: acme, At: block,
		Orders: []gongxu.PlannedOrder{
			{Order: 7, Product: shirt, Qty: 64000, Due: day0 + 5*dayMs, Completion: day0 + 5*dayMs + 12*hourMs, Published: day0 + 5*dayMs + 12*hourMs, Late: true,
				Reason: "linen fabric from Blue River Cotton promised for the 3rd, a day late"},
			{Order: 6, Product: jacket, Qty: 120000, Due: day0 + 20*dayMs, Completion: day0 + 8*dayMs + 16*hourMs, Published: day0 + 9*dayMs,
				Reason: "the cutting table's second unit is free a day earlier"},
		},
		Purchases: []gongxu.PlannedPurchase{
			{ID: "po:silk-lining@d6", Supplier: blue, Item: "silk-lining", Qty: 20000, Release: block - dayMs, Due: day0 + 6*dayMs, Pegging: []string{"order:6"}},
			{ID: "po:indigo-dye@d9", Supplier: "lakeside-dyeworks", Item: "indigo-dye", Qty: 8000, Release: day0 + 2*dayMs, Due: day0 + 9*dayMs, Pegging: []string{"order:6"}},
		},
		Work: []gongxu.PlannedWork{
			{ID: wPanel, Item: panel, Qty: 64000, Start: day0, Due: day0 + dayMs, Pegging: []string{"order:7"}},
			{ID: wShirt, Item: shirt, Qty: 64000, Start: day0 + dayMs, Due: day0 + 5*dayMs, Pegging: []string{"order:7"}, Delivers: []string{"order:7"}},
			{ID: wJacket, Item: jacket, Qty: 120000, Start: day0 + dayMs, Due: day0 + 20*dayMs, Pegging: []string{"order:6"}, Delivers: []string{"order:6"}},
		},
		Dates: []gongxu.OrderDate{
			{Work: wPanel, Item: panel, Ready: day0, Completion: day0 + dayMs + 4*hourMs, Due: day0 + dayMs, Late: false},
			{Work: wShirt, Item: shirt, Ready: day0 + 2*dayMs, Completion: day0 + 5*dayMs + 12*hourMs, Due: day0 + 5*dayMs, Late: true},
			{Work: wJacket, Item: jacket, Ready: day0 + dayMs, Completion: day0 + 8*dayMs + 16*hourMs, Due: day0 + 20*dayMs},
		},
		Ops: []gongxu.ScheduledOp{
			{Work: wPanel, Op: 1, WorkCenter: "cutting", Unit: 0, Start: day0 + 2*hourMs, End: day0 + dayMs + 4*hourMs},
			{Work: wShirt, Op: 1, WorkCenter: "sewing", Unit: 0, Start: day0 + 2*dayMs + 8*hourMs, End: day0 + 5*dayMs + 2*hourMs},
			{Work: wShirt, Op: 2, WorkCenter: "pressing", Unit: 0, Start: day0 + 5*dayMs + 2*hourMs, End: day0 + 5*dayMs + 12*hourMs},
			{Work: wJacket, Op: 1, WorkCenter: "cutting", Unit: 1, Start: day0 + dayMs, End: day0 + 3*dayMs},
			{Work: wJacket, Op: 2, WorkCenter: "sewing", Unit: 1, Start: day0 + 3*dayMs, End: day0 + 8*dayMs},
			{Work: wJacket, Op: 3, WorkCenter: "pressing", Unit: 0, Start: day0 + 8*dayMs, End: day0 + 8*dayMs + 16*hourMs},
			{Work: wJacket, Op: 4, WorkCenter: "pressing", Unit: 0, Start: day0 + 8*dayMs + 16*hourMs, End: day0 + 8*dayMs + 16*hourMs}, // no duration
		},
		WorkCenters: []gongxu.WorkCenter{
			{ID: "cutting", Capacity: 2, Calendar: calendar},
			{ID: "sewing", Capacity: 3, Calendar: calendar},
			{ID: "pressing", Capacity: 1, Calendar: calendar},
		},
		Txs:      []gongxu.PlanTx{{Type: "production/po", Summary: "purchase order to blue-river-cotton: 20 silk-lining by the 6th", Body: []byte(`{}`)}},
		Problems: []string{"item acme-textiles/bamboo-socks has no routing: its orders are not scheduled"},
	}
	f.plans.mu.Lock()
	f.plans.views = map[gongxu.OrgID]gongxu.PlanView{acme: view}
	f.plans.mu.Unlock()
}
