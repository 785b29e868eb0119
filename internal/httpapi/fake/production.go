package fake

import (
	"cmp"
	"context"
	"slices"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

// Ids of the fixed production data: acme-textiles makes down jackets from
// pool 3 and its own order, buying silk from silk-supply.
const (
	OrderInProgress uint64 = 2 // from pool 3, one work order completed, one started
	OrderOpen       uint64 = 1 // created by the factory, no work orders

	POReceived uint64 = 2 // accepted, shipped and received in full
	POSent     uint64 = 1 // sent, not answered

	LotSupplier = gongxu.LotID("silk-supply/fab-001")               // the supplier's lot, partly shipped
	LotReceived = gongxu.LotID("acme-textiles/silk-supply/fab-001") // received from it, partly consumed
	LotMade     = gongxu.LotID("acme-textiles/jacket-001")          // made by work order 1
)

var _ gongxu.ProductionService = (*Production)(nil)

// Production is a ProductionService.
type Production struct {
	mu     sync.Mutex
	offers []gongxu.SupplyOffer     // by supplier, item
	orders []gongxu.ProductionOrder // newest first
	pos    []gongxu.PurchaseOrder   // newest first
	wos    []gongxu.WorkOrder       // by id
	lots   []gongxu.Lot             // newest first
	master map[gongxu.OrgID]gongxu.Master
	err    error
}

// NewProduction returns the fake of the production side over fixed data
// that agrees with the fakes of New and NewMarket.
func NewProduction() *Production {
	line := gongxu.POLine{Item: "silk-yarn", Qty: 200000, Date: 1741000000000, UnitPrice: 12000}
	return &Production{
		offers: []gongxu.SupplyOffer{
			{Supplier: "silk-supply", Item: "silk-dye", Unit: "l", LeadTimeDays: 3, MinQty: 1000,
				Tiers: []gongxu.OfferTier{{MinQty: 1000, UnitPrice: 4000}}, Currency: "CNY", Version: 1, Updated: 1740600000000},
			{Supplier: "silk-supply", Item: "silk-yarn", Unit: "kg", LeadTimeDays: 7, MinQty: 10000,
				Tiers:    []gongxu.OfferTier{{MinQty: 10000, UnitPrice: 12000}, {MinQty: 500000, UnitPrice: 11000}},
				Currency: "CNY", Version: 2, Updated: 1740700000000},
		},
		orders: []gongxu.ProductionOrder{
			{ID: OrderInProgress, Factory: "acme-textiles", Product: "acme-textiles/wool-scarf", Qty: 300000, Due: 1742000000000,
				Pool: PoolSucceeded, Status: gongxu.OrderInProgress, Produced: 100000, PlannedCompletion: 1741800000000,
				Created: 1740790000000, History: []gongxu.OrderChange{
					{Status: gongxu.OrderOpen, Time: 1740790000000, Height: 36, Reason: "pool 3 succeeded"},
					{Status: gongxu.OrderInProgress, Time: 1740810000000, Height: 50, Reason: "work order 1 started"},
				}},
			{ID: OrderOpen, Factory: "acme-textiles", Product: "acme-textiles/silk-scarf", Qty: 50000, Due: 1743000000000,
				Status: gongxu.OrderOpen, PlannedCompletion: 1742900000000, PlanReason: "waiting for silk yarn", Created: 1740700000000,
				History: []gongxu.OrderChange{{Status: gongxu.OrderOpen, Time: 1740700000000, Height: 12, Reason: "created"}}},
		},
		pos: []gongxu.PurchaseOrder{
			{ID: POReceived, Factory: "acme-textiles", Supplier: "silk-supply", Currency: "CNY", Lines: []gongxu.POLine{line},
				Promised: []int64{1740990000000}, Status: gongxu.POReceived, Shipped: []gongxu.Qty{200000}, Received: []gongxu.Qty{200000},
				Shipments: []gongxu.Shipment{{ID: 1, Time: 1740805000000,
					Lines: []gongxu.ShipLine{{Line: 1, Lot: LotSupplier, Qty: 200000, Received: 200000}}}},
				Negotiation: []gongxu.PONegotiation{
					{By: "acme-textiles", Action: "sent", Lines: []gongxu.POLine{line}, Time: 1740795000000, Height: 40},
					{By: "silk-supply", Action: "accept", Time: 1740800000000, Height: 44},
				},
				Created: 1740795000000},
			{ID: POSent, Factory: "acme-textiles", Supplier: "silk-supply", Currency: "CNY", Lines: []gongxu.POLine{line},
				Status: gongxu.POSent, Shipped: []gongxu.Qty{0}, Received: []gongxu.Qty{0},
				Negotiation: []gongxu.PONegotiation{{By: "acme-textiles", Action: "sent", Lines: []gongxu.POLine{line}, Time: 1740700000000, Height: 12}},
				Created:     1740700000000},
		},
		wos: []gongxu.WorkOrder{
			{ID: 1, Order: OrderInProgress, Factory: "acme-textiles", Item: "acme-textiles/wool-scarf", Qty: 100000, Produced: 100000,
				Status: gongxu.WOCompleted, Inputs: []gongxu.LotQty{{Lot: LotReceived, Qty: 150000}},
				OutputLots: []gongxu.LotQty{{Lot: LotMade, Qty: 100000}}, Started: 1740810000000, Completed: 1740812000000},
			{ID: 2, Order: OrderInProgress, Factory: "acme-textiles", Item: "acme-textiles/wool-scarf", Qty: 200000,
				Status: gongxu.WOStarted, Inputs: []gongxu.LotQty{{Lot: LotReceived, Qty: 20000}}, Started: 1740813000000},
		},
		lots: []gongxu.Lot{
			{ID: LotMade, Item: "acme-textiles/wool-scarf", Owner: "acme-textiles", Qty: 100000, Created: 1740812000000, WO: 1},
			{ID: LotReceived, Item: "silk-yarn", Owner: "acme-textiles", Qty: 50000, Reserved: 20000, Created: 1740805000000,
				From: LotSupplier, PO: POReceived},
			{ID: LotSupplier, Item: "silk-yarn", Owner: "silk-supply", Qty: 300000, Created: 1740600000000},
		},
		master: map[gongxu.OrgID]gongxu.Master{"acme-textiles": acmeMaster()},
	}
}

// acmeMaster is acme-textiles' master data: wool scarves knitted from silk
// yarn on two work centers, each list sorted as the service sorts it.
func acmeMaster() gongxu.Master {
	week := []gongxu.Shift{}
	for d := int64(1); d <= 5; d++ {
		week = append(week, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 17 * 60})
	}
	return gongxu.Master{
		Items: []gongxu.Item{
			{ID: "acme-textiles/silk-scarf", Unit: "piece", LeadTimeDays: 3, Make: true},
			{ID: "acme-textiles/wool-scarf", Unit: "piece", LeadTimeDays: 2, LotMultiple: 10000, Make: true},
			{ID: "silk-yarn", Unit: "kg", LeadTimeDays: 7, LotMin: 10000, Supplier: "silk-supply"},
		},
		BOM: []gongxu.BOMLine{
			{Parent: "acme-textiles/silk-scarf", Child: "silk-yarn", QtyPer: 400, ScrapBP: 200},
			{Parent: "acme-textiles/wool-scarf", Child: "silk-yarn", QtyPer: 1500, ScrapBP: 150},
		},
		Routings: []gongxu.Routing{
			{Item: "acme-textiles/silk-scarf", Ops: []gongxu.Operation{{WorkCenter: "knitting", SetupMs: 1800000, RunMsPerUnit: 900000}}},
			{Item: "acme-textiles/wool-scarf", Ops: []gongxu.Operation{
				{WorkCenter: "knitting", SetupMs: 3600000, RunMsPerUnit: 600000},
				{WorkCenter: "finishing", RunMsPerUnit: 120000},
			}},
		},
		WorkCenters: []gongxu.WorkCenter{
			{ID: "finishing", Capacity: 2, Calendar: gongxu.Calendar{UTCOffsetMin: 480, Weekly: week}},
			{ID: "knitting", Capacity: 4, Calendar: gongxu.Calendar{UTCOffsetMin: 480, Weekly: week,
				Closed: []gongxu.Interval{{Start: 1741046400000, End: 1741132800000}}}},
		},
	}
}

// SetErr makes every method fail with err (nil: succeed again).
func (p *Production) SetErr(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }

// SetEmpty removes every offer, work order and lot, keeping nil slices (the
// orders and purchase orders stay).
func (p *Production) SetEmpty() {
	p.mu.Lock()
	p.offers, p.wos, p.lots, p.master = nil, nil, nil, nil
	p.mu.Unlock()
}

func (p *Production) check() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func validOrg(id gongxu.OrgID) error {
	if id == "" {
		return nil
	}
	return id.Validate()
}

// filter returns the items keep accepts, at most limit of them (limit ≤ 0:
// all), as the nil slice when none.
func filter[T any](xs []T, limit int, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if limit > 0 && len(out) >= limit {
			break
		}
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// Offers implements gongxu.ProductionService.
func (p *Production) Offers(ctx context.Context, supplier gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := validOrg(supplier); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return filter(p.offers, 0, func(o gongxu.SupplyOffer) bool { return supplier == "" || o.Supplier == supplier }), nil
}

// Orders implements gongxu.ProductionService.
func (p *Production) Orders(ctx context.Context, factory gongxu.OrgID, limit int) ([]gongxu.ProductionOrder, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := validOrg(factory); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return filter(p.orders, limit, func(o gongxu.ProductionOrder) bool { return factory == "" || o.Factory == factory }), nil
}

// Order implements gongxu.ProductionService.
func (p *Production) Order(ctx context.Context, id uint64) (gongxu.ProductionOrder, error) {
	if err := p.check(); err != nil {
		return gongxu.ProductionOrder{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.orders {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.ProductionOrder{}, gongxu.Errorf(gongxu.KindNotFound, "no production order %d", id)
}

// POs implements gongxu.ProductionService.
func (p *Production) POs(ctx context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := validOrg(org); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return filter(p.pos, limit, func(o gongxu.PurchaseOrder) bool {
		return org == "" || o.Factory == org || o.Supplier == org
	}), nil
}

// PO implements gongxu.ProductionService.
func (p *Production) PO(ctx context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	if err := p.check(); err != nil {
		return gongxu.PurchaseOrder{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.pos {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.PurchaseOrder{}, gongxu.Errorf(gongxu.KindNotFound, "no purchase order %d", id)
}

// WorkOrders implements gongxu.ProductionService.
func (p *Production) WorkOrders(ctx context.Context, order uint64) ([]gongxu.WorkOrder, error) {
	if _, err := p.Order(ctx, order); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return filter(p.wos, 0, func(w gongxu.WorkOrder) bool { return w.Order == order }), nil
}

// Lots implements gongxu.ProductionService.
func (p *Production) Lots(ctx context.Context, owner gongxu.OrgID, limit int) ([]gongxu.Lot, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := validOrg(owner); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return filter(p.lots, limit, func(l gongxu.Lot) bool { return owner == "" || l.Owner == owner }), nil
}

// Lot implements gongxu.ProductionService.
func (p *Production) Lot(ctx context.Context, id gongxu.LotID) (gongxu.Lot, error) {
	if err := p.check(); err != nil {
		return gongxu.Lot{}, err
	}
	if err := id.Validate(); err != nil {
		return gongxu.Lot{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.lots {
		if l.ID == id {
			return l, nil
		}
	}
	return gongxu.Lot{}, gongxu.Errorf(gongxu.KindNotFound, "no lot %s", id)
}

// OrderForPool implements gongxu.ProductionService.
func (p *Production) OrderForPool(ctx context.Context, pool uint64) (gongxu.ProductionOrder, error) {
	if err := p.check(); err != nil {
		return gongxu.ProductionOrder{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, o := range p.orders {
		if pool != 0 && o.Pool == pool {
			return o, nil
		}
	}
	return gongxu.ProductionOrder{}, gongxu.Errorf(gongxu.KindNotFound, "no production order for pool %d", pool)
}

// Master implements gongxu.ProductionService.
func (p *Production) Master(ctx context.Context, org gongxu.OrgID) (gongxu.Master, error) {
	if err := p.check(); err != nil {
		return gongxu.Master{}, err
	}
	if err := org.Validate(); err != nil {
		return gongxu.Master{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	md := p.master[org]
	return gongxu.Master{
		Items:       append([]gongxu.Item{}, md.Items...),
		BOM:         append([]gongxu.BOMLine{}, md.BOM...),
		Routings:    append([]gongxu.Routing{}, md.Routings...),
		WorkCenters: append([]gongxu.WorkCenter{}, md.WorkCenters...),
	}, nil
}

// Stock implements gongxu.ProductionService: the sum of the org's lots per
// item.
func (p *Production) Stock(ctx context.Context, org gongxu.OrgID) ([]gongxu.Stock, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if err := org.Validate(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	sum := map[gongxu.ItemID]gongxu.Qty{}
	for _, l := range p.lots {
		if l.Owner == org {
			sum[l.Item] += l.Qty
		}
	}
	out := []gongxu.Stock{}
	for item, q := range sum {
		if q > 0 {
			out = append(out, gongxu.Stock{Org: org, Item: item, Qty: q})
		}
	}
	slices.SortFunc(out, func(a, b gongxu.Stock) int { return cmp.Compare(a.Item, b.Item) })
	return out, nil
}
