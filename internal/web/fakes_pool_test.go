package web

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
)

// Hand-written fakes of the pool and RFQ services and of the operator.

type fakePools struct {
	mu       sync.Mutex
	products []gongxu.Product
	pools    []gongxu.Pool // by id descending, as the read model lists them
	shares   map[uint64][]gongxu.HubShare
	batches  map[uint64][]gongxu.Batch
	progress map[uint64][]ProgressPoint
	err      error
}

func (f *fakePools) Products(_ context.Context, factory gongxu.OrgID) ([]gongxu.Product, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []gongxu.Product
	for _, p := range f.products {
		if factory == "" || p.Factory == factory {
			out = append(out, p)
		}
	}
	return out, f.err
}

func (f *fakePools) Product(_ context.Context, id gongxu.ProductID) (gongxu.Product, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.Product{}, f.err
	}
	for _, p := range f.products {
		if p.ID == id {
			return p, nil
		}
	}
	return gongxu.Product{}, gongxu.Errorf(gongxu.KindNotFound, "no product %s", id)
}

func (f *fakePools) Pools(_ context.Context, flt gongxu.PoolFilter) ([]gongxu.Pool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []gongxu.Pool
	for _, p := range f.pools {
		if flt.Status != "" && p.Status != flt.Status || flt.Factory != "" && p.Factory != flt.Factory {
			continue
		}
		if flt.Hub != "" && len(p.Hubs) > 0 && !slices.Contains(p.Hubs, flt.Hub) {
			continue
		}
		out = append(out, p)
	}
	if flt.Limit > 0 && len(out) > flt.Limit {
		out = out[:flt.Limit]
	}
	return out, nil
}

func (f *fakePools) Pool(_ context.Context, id uint64) (gongxu.Pool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.Pool{}, f.err
	}
	for _, p := range f.pools {
		if p.ID == id {
			return p, nil
		}
	}
	return gongxu.Pool{}, gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
}

func (f *fakePools) exists(id uint64) error {
	for _, p := range f.pools {
		if p.ID == id {
			return nil
		}
	}
	return gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
}

func (f *fakePools) HubShares(_ context.Context, pool uint64) ([]gongxu.HubShare, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return slices.Clone(f.shares[pool]), f.exists(pool)
}

func (f *fakePools) Batches(_ context.Context, pool uint64) ([]gongxu.Batch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return slices.Clone(f.batches[pool]), f.exists(pool)
}

func (f *fakePools) Balances(context.Context, gongxu.AccountID) ([]gongxu.Balance, error) {
	return nil, f.err
}

func (f *fakePools) Movements(context.Context, gongxu.AccountID, int) ([]gongxu.Movement, error) {
	return nil, f.err
}

// Progress is the Config.Progress of the fakes.
func (f *fakePools) Progress(_ context.Context, pool uint64) ([]ProgressPoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return slices.Clone(f.progress[pool]), f.exists(pool)
}

// setTotal changes a pool's total and pledges, as a committed batch would.
func (f *fakePools) setTotal(id uint64, total gongxu.Units, pledges int64, at int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.pools {
		if p := &f.pools[i]; p.ID == id {
			p.Total, p.Pledges = total, pledges
			p.Escrowed, _ = gongxu.Cost(total, p.Tiers[0].UnitPrice)
		}
	}
	f.progress[id] = append(f.progress[id], ProgressPoint{Time: at, Total: total})
}

const (
	hourMs = int64(3600 * 1000)
	dayMs  = 24 * hourMs
)

// fakeBlockMs is the fakes' latest block time: 2026-01-01T08:00:41Z.
const fakeBlockMs = int64(1_767_254_441_000)

// reset fills the fakes with four pools (two open, one succeeded, one failed)
// around a latest block at block (unix ms).
func (f *fakePools) reset(block int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	jacket := gongxu.Product{ID: "acme-textiles/merino-jacket", Factory: "acme-textiles", Name: "Merino wool jacket", Unit: "piece",
		Variants: []gongxu.Variant{{ID: "m-navy", Name: "M / navy"}, {ID: "l-navy", Name: "L / navy"}}, LeadTimeDays: 21, Version: 1}
	socks := gongxu.Product{ID: "acme-textiles/bamboo-socks", Factory: "acme-textiles", Name: "Bamboo socks, 5 pairs", Unit: "pack", Version: 1}
	f.products = []gongxu.Product{jacket, socks}
	created3 := block - 3*dayMs
	p3 := gongxu.Pool{ID: 3, Factory: "acme-textiles", Product: jacket.ID, Title: "Merino wool jacket", Variants: []string{"m-navy", "l-navy"},
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 12900}, {MinQty: 50, UnitPrice: 9900}, {MinQty: 100, UnitPrice: 8900}, {MinQty: 200, UnitPrice: 7900}},
		MOQ:   50, Cap: 300, CasePack: 1, Currency: "CNY", Deadline: block + 2*dayMs + 5*hourMs, LockMs: dayMs,
		Terms: "Made in Ningbo within 21 days of the close.\nFree exchange of sizes at the hub.", Status: gongxu.PoolOpen,
		Total: 88, Pledges: 31, Escrowed: 88 * 12900, Created: created3,
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: created3, Height: 10, Reason: "opened by acme-textiles"}}}
	created4 := block - 20*hourMs
	p4 := gongxu.Pool{ID: 4, Factory: "acme-textiles", Product: socks.ID, Title: "Bamboo socks, 5 pairs",
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 4500}, {MinQty: 200, UnitPrice: 3900}}, MOQ: 200, Cap: 1000, CasePack: 10,
		Currency: "CNY", Deadline: block + 5*hourMs, Hubs: []gongxu.OrgID{"hilltown-hub"}, Status: gongxu.PoolOpen,
		Total: 40, Pledges: 4, Escrowed: 40 * 4500, Created: created4,
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: created4, Height: 30}}}
	created2 := block - 20*dayMs
	p2 := gongxu.Pool{ID: 2, Factory: "acme-textiles", Title: "Linen shirt", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 15900}, {MinQty: 40, UnitPrice: 13900}},
		MOQ: 40, Cap: 120, CasePack: 1, Currency: "CNY", Deadline: block - 6*dayMs, Status: gongxu.PoolSucceeded, Total: 64, Pledges: 40,
		Price: 13900, Captured: 64 * 13900, Created: created2, RFQ: 2,
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: created2, Height: 2}, {Status: gongxu.PoolSucceeded, Time: block - 6*dayMs, Height: 8, Reason: "MOQ 40 reached: 64 units at ¥139"}}}
	created1 := block - 30*dayMs
	p1 := gongxu.Pool{ID: 1, Factory: "acme-textiles", Product: socks.ID, Title: "Wool socks", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 3000}},
		MOQ: 500, Cap: 500, CasePack: 1, Currency: "CNY", Deadline: block - 10*dayMs, Status: gongxu.PoolFailed, Total: 120, Pledges: 30, Created: created1,
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: created1, Height: 1}, {Status: gongxu.PoolFailed, Time: block - 10*dayMs, Height: 5, Reason: "MOQ 500 not reached: 120 units refunded"}}}
	f.pools = []gongxu.Pool{p4, p3, p2, p1}
	f.shares = map[uint64][]gongxu.HubShare{
		3: {{Pool: 3, Hub: "hilltown-hub", Qty: 60, Pledges: 25, Variants: []gongxu.VariantQty{{Variant: "l-navy", Qty: 20}, {Variant: "m-navy", Qty: 40}}},
			{Pool: 3, Hub: "lakeside-corner", Qty: 28, Pledges: 6, Variants: []gongxu.VariantQty{{Variant: "m-navy", Qty: 28}}}},
		// Pool 2's shirts: shipped from two lots, delivered, 10 units picked up in 3 pickups.
		2: {{Pool: 2, Hub: "hilltown-hub", Qty: 64, Pledges: 40, Delivered: true,
			Shipped:   []gongxu.LotQty{{Lot: "acme-textiles/linen-shirt-0001", Qty: 40000}, {Lot: "acme-textiles/linen-shirt-0002", Qty: 24000}},
			ShippedAt: block - 4*dayMs, PickedUp: 10, Pickups: 3, Picked: []gongxu.LotQty{{Lot: "acme-textiles/linen-shirt-0001", Qty: 10000}}}},
	}
	f.batches = map[uint64][]gongxu.Batch{
		3: {{Pool: 3, Hub: "hilltown-hub", Tx: hash("7"), Root: hash("a"), Leaves: 20, Qty: 45, Escrow: 45 * 12900, Height: 20},
			{Pool: 3, Hub: "hilltown-hub", Tx: hash("8"), Root: hash("b"), Leaves: 5, Qty: 15, Escrow: 15 * 12900, Height: 35}},
	}
	f.progress = map[uint64][]ProgressPoint{
		3: {{Time: created3, Total: 0}, {Time: created3 + dayMs, Total: 30}, {Time: created3 + dayMs + 12*hourMs, Total: 60}, {Time: block - 2*hourMs, Total: 88}},
		4: {{Time: created4, Total: 0}, {Time: block - 3*hourMs, Total: 40}},
		2: {{Time: created2, Total: 0}, {Time: created2 + 5*dayMs, Total: 64}},
		1: {{Time: created1, Total: 0}, {Time: created1 + 2*dayMs, Total: 120}},
	}
}

type fakeRFQs struct {
	mu   sync.Mutex
	rfqs []gongxu.RFQ // id descending
	bids map[uint64][]gongxu.Bid
	err  error
}

func (f *fakeRFQs) RFQs(_ context.Context, status gongxu.RFQStatus, limit int) ([]gongxu.RFQ, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []gongxu.RFQ
	for _, q := range f.rfqs {
		if status == "" || q.Status == status {
			out = append(out, q)
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, f.err
}

func (f *fakeRFQs) RFQ(_ context.Context, id uint64) (gongxu.RFQ, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.RFQ{}, f.err
	}
	for _, q := range f.rfqs {
		if q.ID == id {
			return q, nil
		}
	}
	return gongxu.RFQ{}, gongxu.Errorf(gongxu.KindNotFound, "no rfq %d", id)
}

func (f *fakeRFQs) Bids(_ context.Context, rfq uint64) ([]gongxu.Bid, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.bids[rfq]), f.err
}

func (f *fakeRFQs) reset(block int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rfqs = []gongxu.RFQ{
		{ID: 5, Requester: "hilltown-hub", Title: "School uniforms for Hilltown primary", Spec: "Navy cotton polo, sizes 110–150.", Unit: "piece",
			Qty: 400, TargetDate: block + 40*dayMs, MaxPrice: 6500, Currency: "CNY", BidDeadline: block + 2*dayMs, RevealDeadline: block + 3*dayMs,
			Status: gongxu.RFQOpen, Bids: 2, Created: block - dayMs, Awards: []gongxu.RFQAward{}},
		{ID: 2, Requester: "hilltown-hub", Title: "Linen shirts", Unit: "piece", Qty: 64, TargetDate: block, MaxPrice: 15000, Currency: "CNY",
			BidDeadline: block - 25*dayMs, RevealDeadline: block - 23*dayMs, Status: gongxu.RFQAwarded, Bids: 2, Created: block - 30*dayMs,
			Awards: []gongxu.RFQAward{{Bidder: "acme-textiles", Qty: 64, UnitPrice: 13900, Pool: 2}}},
	}
	f.bids = map[uint64][]gongxu.Bid{
		5: {{RFQ: 5, Bidder: "acme-textiles", Commitment: hash("c"), Time: block - 2*hourMs},
			{RFQ: 5, Bidder: "blue-river-cotton", Commitment: hash("d"), Time: block - hourMs}},
		2: {{RFQ: 2, Bidder: "acme-textiles", Commitment: hash("e"), Revealed: true, UnitPrice: 13900, Qty: 64, LeadDays: 14, Eligible: true, Time: block - 24*dayMs},
			{RFQ: 2, Bidder: "blue-river-cotton", Commitment: hash("f"), Revealed: true, UnitPrice: 16000, Qty: 64, LeadDays: 10, Time: block - 24*dayMs}},
	}
}

// sent is one message the fake operator was asked to send.
type sent struct {
	Type string
	Body json.RawMessage
}

// fakeOperator records what it sends; reject maps a message type to the
// rejection it answers with, fail to the error it returns.
type fakeOperator struct {
	mu      sync.Mutex
	org     gongxu.OrgID
	sent    []sent
	reject  map[string]gongxu.TxResult
	fail    map[string]error
	onBatch func(body json.RawMessage)             // called for an accepted batch
	onSend  func(typ string, body json.RawMessage) // called for any accepted message
}

func (f *fakeOperator) Org(context.Context) (gongxu.OrgID, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.org, nil
}

func (f *fakeOperator) Send(_ context.Context, typ string, body any) (gongxu.TxResult, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return gongxu.TxResult{}, err
	}
	f.mu.Lock()
	f.sent = append(f.sent, sent{Type: typ, Body: b})
	n := len(f.sent)
	res, rejected := f.reject[typ]
	ferr := f.fail[typ]
	hook, onSend := f.onBatch, f.onSend
	f.mu.Unlock()
	if ferr != nil {
		return gongxu.TxResult{}, ferr
	}
	if rejected {
		res.Hash = fmt.Sprintf("%064X", 0xBAD0+n)
		return res, nil
	}
	if typ == gongxu.TypePoolBatch && hook != nil {
		hook(b)
	}
	if onSend != nil {
		onSend(typ, b)
	}
	return gongxu.TxResult{Hash: fmt.Sprintf("%064X", 0xF00D0+n), Height: int64(50 + n)}, nil
}

func (f *fakeOperator) sends() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// freshenPools moves the pool fakes' times near now, like freshen.
func (f *fakes) freshenPools(now time.Time) {
	block := now.UTC().Add(-time.Second).UnixMilli()
	f.pools.reset(block)
	f.rfqs.reset(block)
	f.resetProduction(block)
	f.trace.reset(block)
}
