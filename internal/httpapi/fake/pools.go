package fake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

// Times of the fixed demand-pool data, unix ms. The Node's latest block is at
// Now (2025-03-01T08:00:57Z).
const (
	Now          int64 = 1740816057000
	OpenDeadline int64 = 1741032000000 // of the open pool: 2025-03-03T20:00:00Z
)

// Ids of the fixed demand-pool data.
const (
	PoolOpen      uint64 = 4 // open: 150 of 200 units, second tier, hub-lishui only
	PoolSucceeded uint64 = 3 // awarded from RFQ 1, succeeded, no batches
	PoolFailed    uint64 = 2 // closed short of its MOQ, refunded
	PoolCancelled uint64 = 1 // cancelled before any pledge: no shares, no batches

	RFQOpen    uint64 = 2 // open, one sealed bid
	RFQAwarded uint64 = 1 // awarded to acme-textiles: pool 3
)

// BatchTx is the hash of the open pool's one hub batch, of BatchLeaves leaves.
var BatchTx = Hash([]byte("batch"))

// BatchLeaves is how many leaves the batch BatchTx holds.
const BatchLeaves = 10

// Pools is a PoolService.
type Pools struct {
	mu        sync.Mutex
	products  []gongxu.Product // by id
	pools     []gongxu.Pool    // newest first
	shares    map[uint64][]gongxu.HubShare
	batches   map[uint64][]gongxu.Batch
	balances  map[gongxu.AccountID][]gongxu.Balance
	movements []gongxu.Movement // newest first
	err       error
	panicMsg  string
}

// RFQs is an RFQService.
type RFQs struct {
	mu   sync.Mutex
	rfqs []gongxu.RFQ // newest first
	bids map[uint64][]gongxu.Bid
	err  error
}

// Receipts is a ReceiptService over the one batch BatchTx.
type Receipts struct {
	mu    sync.Mutex
	batch gongxu.Batch
	err   error
}

// NewMarket returns the fakes of the demand side (products, pools and money,
// requests for quote, batch receipts) over fixed data that agrees with the
// fakes of New.
func NewMarket() (*Pools, *RFQs, *Receipts) {
	jacket := gongxu.Product{
		ID: "acme-textiles/down-jacket", Factory: "acme-textiles", Name: "Down jacket", Description: "90% duck down, 650 fill",
		Unit: "piece", Variants: []gongxu.Variant{{ID: "m-navy", Name: "M / navy"}, {ID: "l-navy", Name: "L / navy"}},
		GTIN: "6901234567892", LeadTimeDays: 21, Version: 2, Updated: 1740700000000,
	}
	scarf := gongxu.Product{
		ID: "acme-textiles/silk-scarf", Factory: "acme-textiles", Name: "Silk scarf", Unit: "piece",
		LeadTimeDays: 10, Version: 1, Updated: 1740052800000,
	}
	tiers := []gongxu.Tier{{MinQty: 1, UnitPrice: 39900}, {MinQty: 100, UnitPrice: 35900}, {MinQty: 500, UnitPrice: 32900}}
	batch := gongxu.Batch{
		Pool: PoolOpen, Hub: "hub-lishui", Tx: BatchTx, Root: hexHash("root"), Leaves: BatchLeaves,
		Qty: 130, Escrow: 130 * 39900, Height: 55,
	}
	pools := []gongxu.Pool{
		{
			ID: PoolOpen, Factory: "acme-textiles", Product: jacket.ID, Title: jacket.Name, Variants: []string{"m-navy", "l-navy"},
			Tiers: tiers, MOQ: 200, Cap: 1000, CasePack: 10, Currency: "CNY", Deadline: OpenDeadline, LockMs: 3600000,
			Hubs: []gongxu.OrgID{"hub-lishui"}, Terms: "Delivery to the hub within 30 days of the close.",
			Status: gongxu.PoolOpen, Total: 150, Pledges: 12, Escrowed: 150 * 39900, Created: 1740800000000,
			History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: 1740800000000, Height: 48, Reason: "opened"}},
		},
		{
			ID: PoolSucceeded, Factory: "acme-textiles", Title: "Wool scarves", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}},
			MOQ: 300, Cap: 300, CasePack: 1, Currency: "CNY", Deadline: 1740790000000, Status: gongxu.PoolSucceeded,
			Total: 300, Pledges: 3, Price: 5000, Captured: 1500000, Created: 1740750000000, RFQ: RFQAwarded, MOQReached: true,
			History: []gongxu.PoolChange{
				{Status: gongxu.PoolOpen, Time: 1740750000000, Height: 30, Reason: "awarded from rfq 1"},
				{Status: gongxu.PoolSucceeded, Time: 1740790000000, Height: 36, Reason: "moq reached by the deadline"},
			},
		},
		{
			ID: PoolFailed, Factory: "acme-textiles", Product: scarf.ID, Title: scarf.Name, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 12000}},
			MOQ: 100, Cap: 500, CasePack: 1, Currency: "CNY", Deadline: 1740600000000, Hubs: []gongxu.OrgID{"hub-lishui"},
			Status: gongxu.PoolFailed, Total: 20, Pledges: 2, Created: 1740052800000,
			History: []gongxu.PoolChange{
				{Status: gongxu.PoolOpen, Time: 1740052800000, Height: 5, Reason: "opened"},
				{Status: gongxu.PoolFailed, Time: 1740600000000, Height: 20, Reason: "20 of 100 units by the deadline: refunded"},
			},
		},
		{
			ID: PoolCancelled, Factory: "acme-textiles", Product: scarf.ID, Title: scarf.Name, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 15000}},
			MOQ: 50, Cap: 100, CasePack: 1, Currency: "CNY", Deadline: 1740400000000, Status: gongxu.PoolCancelled,
			Created: 1740052700000,
			History: []gongxu.PoolChange{
				{Status: gongxu.PoolOpen, Time: 1740052700000, Height: 4, Reason: "opened"},
				{Status: gongxu.PoolCancelled, Time: 1740052790000, Height: 5, Reason: "wrong price ladder"},
			},
		},
	}
	consumer := gongxu.AccountID("key:" + string(KeyNoOrg))
	p := &Pools{
		products: []gongxu.Product{jacket, scarf},
		pools:    pools,
		shares: map[uint64][]gongxu.HubShare{
			PoolOpen: {{Pool: PoolOpen, Hub: "hub-lishui", Qty: 150, Pledges: 12,
				Variants: []gongxu.VariantQty{{Variant: "l-navy", Qty: 60}, {Variant: "m-navy", Qty: 90}}}},
			PoolSucceeded: {{Pool: PoolSucceeded, Hub: "hub-lishui", Qty: 300, Pledges: 3}},
			PoolFailed:    {{Pool: PoolFailed, Hub: "hub-lishui", Qty: 20, Pledges: 2}},
		},
		batches: map[uint64][]gongxu.Batch{PoolOpen: {batch}},
		balances: map[gongxu.AccountID][]gongxu.Balance{
			"org:hub-lishui": {{Account: "org:hub-lishui", Currency: "CNY", Amount: 4813000}},
			"escrow:4":       {{Account: "escrow:4", Currency: "CNY", Amount: 150 * 39900}},
			"escrow:2":       {{Account: "escrow:2", Currency: "CNY", Amount: 0}},
			"captured:3":     {{Account: "captured:3", Currency: "CNY", Amount: 1500000}},
			consumer:         {{Account: consumer, Currency: "CNY", Amount: 0}},
		},
		movements: []gongxu.Movement{
			{Height: 55, Time: 1740816055000, Tx: BatchTx, From: "org:hub-lishui", To: "escrow:4", Currency: "CNY", Amount: 130 * 39900, Reason: "escrow", Ref: "pool 4"},
			{Height: 52, Time: 1740816052000, Tx: Hash([]byte("pledge")), From: consumer, To: "escrow:4", Currency: "CNY", Amount: 20 * 39900, Reason: "escrow", Ref: "pool 4"},
			{Height: 51, Time: 1740816051000, Tx: Hash([]byte("deposit")), To: consumer, Currency: "CNY", Amount: 20 * 39900, Reason: "deposit", Ref: "bank transfer 8812"},
			{Height: 36, Time: 1740790000000, From: "escrow:3", To: "captured:3", Currency: "CNY", Amount: 1500000, Reason: "capture", Ref: "pool 3"},
			{Height: 31, Time: 1740760000000, Tx: Hash([]byte("pledge 3")), From: "org:hub-lishui", To: "escrow:3", Currency: "CNY", Amount: 1500000, Reason: "escrow", Ref: "pool 3"},
			{Height: 20, Time: 1740600000000, From: "escrow:2", To: "org:hub-lishui", Currency: "CNY", Amount: 240000, Reason: "refund", Ref: "pool 2"},
			{Height: 8, Time: 1740100000000, Tx: Hash([]byte("pledge 2")), From: "org:hub-lishui", To: "escrow:2", Currency: "CNY", Amount: 240000, Reason: "escrow", Ref: "pool 2"},
			{Height: 6, Time: 1740060000000, Tx: Hash([]byte("deposit 2")), To: "org:hub-lishui", Currency: "CNY", Amount: 10000000, Reason: "deposit", Ref: "bank transfer 7001"},
		},
	}
	r := &RFQs{
		rfqs: []gongxu.RFQ{
			{
				ID: RFQOpen, Requester: "hub-lishui", Title: "Children's rain boots", Spec: "EU 24-32, PVC-free, two colours",
				Unit: "pair", Qty: 400, TargetDate: 1743465600000, MaxPrice: 6000, Currency: "CNY",
				BidDeadline: 1741000000000, RevealDeadline: 1741100000000, Status: gongxu.RFQOpen, Bids: 1, Created: 1740810000000,
			},
			{
				ID: RFQAwarded, Requester: "hub-lishui", Title: "Wool scarves", Spec: "100% merino, 180 × 30 cm",
				Unit: "piece", Qty: 300, TargetDate: 1742000000000, MaxPrice: 5500, Currency: "CNY",
				BidDeadline: 1740700000000, RevealDeadline: 1740740000000, Status: gongxu.RFQAwarded,
				Awards: []gongxu.RFQAward{{Bidder: "acme-textiles", Qty: 300, UnitPrice: 5000, Pool: PoolSucceeded}},
				Bids:   2, Created: 1740650000000,
			},
		},
		bids: map[uint64][]gongxu.Bid{
			RFQOpen: {{RFQ: RFQOpen, Bidder: "acme-textiles", Commitment: hexHash("boots bid"), Time: 1740812000000}},
			RFQAwarded: {
				{RFQ: RFQAwarded, Bidder: "acme-textiles", Commitment: hexHash("scarf bid"), Revealed: true,
					UnitPrice: 5000, Qty: 300, LeadDays: 14, Eligible: true, Time: 1740720000000},
				{RFQ: RFQAwarded, Bidder: "north-knits", Commitment: hexHash("scarf bid 2"), Revealed: true,
					UnitPrice: 6100, Qty: 300, LeadDays: 7, Time: 1740721000000},
			},
		},
	}
	return p, r, &Receipts{batch: batch}
}

// hexHash is the lower-case hex sha256 of s: fixed hashes for the data.
func hexHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// SetErr makes every method fail with err (nil: succeed again).
func (p *Pools) SetErr(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }

// SetPanic makes every method panic with msg ("": stop).
func (p *Pools) SetPanic(msg string) { p.mu.Lock(); p.panicMsg = msg; p.mu.Unlock() }

// SetEmpty removes every product, balance and movement, and every pool's
// shares and batches (the pools stay), keeping nil slices.
func (p *Pools) SetEmpty() {
	p.mu.Lock()
	p.products, p.shares, p.batches, p.balances, p.movements = nil, nil, nil, nil, nil
	p.mu.Unlock()
}

func (p *Pools) check() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.panicMsg != "" {
		panic(p.panicMsg)
	}
	return p.err
}

// Products implements gongxu.PoolService.
func (p *Pools) Products(ctx context.Context, factory gongxu.OrgID) ([]gongxu.Product, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if factory != "" {
		if err := factory.Validate(); err != nil {
			return nil, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []gongxu.Product
	for _, pr := range p.products {
		if factory == "" || pr.Factory == factory {
			out = append(out, pr)
		}
	}
	return out, nil
}

// Product implements gongxu.PoolService.
func (p *Pools) Product(ctx context.Context, id gongxu.ProductID) (gongxu.Product, error) {
	if err := p.check(); err != nil {
		return gongxu.Product{}, err
	}
	if err := id.Validate(); err != nil {
		return gongxu.Product{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.products {
		if pr.ID == id {
			return pr, nil
		}
	}
	return gongxu.Product{}, gongxu.Errorf(gongxu.KindNotFound, "no product %s", id)
}

// Pools implements gongxu.PoolService: newest first; a hub matches the pools
// that name it, that name no hub, or where it has a share.
func (p *Pools) Pools(ctx context.Context, f gongxu.PoolFilter) ([]gongxu.Pool, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []gongxu.Pool
	for _, pl := range p.pools {
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
		if (f.Status == "" || pl.Status == f.Status) && (f.Factory == "" || pl.Factory == f.Factory) &&
			(f.Hub == "" || p.servesHub(pl, f.Hub)) {
			out = append(out, pl)
		}
	}
	return out, nil
}

func (p *Pools) servesHub(pl gongxu.Pool, hub gongxu.OrgID) bool {
	if len(pl.Hubs) == 0 {
		return true
	}
	for _, h := range pl.Hubs {
		if h == hub {
			return true
		}
	}
	for _, s := range p.shares[pl.ID] {
		if s.Hub == hub {
			return true
		}
	}
	return false
}

// Pool implements gongxu.PoolService.
func (p *Pools) Pool(ctx context.Context, id uint64) (gongxu.Pool, error) {
	if err := p.check(); err != nil {
		return gongxu.Pool{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pool(id)
}

func (p *Pools) pool(id uint64) (gongxu.Pool, error) {
	for _, pl := range p.pools {
		if pl.ID == id {
			return pl, nil
		}
	}
	return gongxu.Pool{}, gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
}

// HubShares implements gongxu.PoolService.
func (p *Pools) HubShares(ctx context.Context, pool uint64) ([]gongxu.HubShare, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.pool(pool); err != nil {
		return nil, err
	}
	return p.shares[pool], nil
}

// Batches implements gongxu.PoolService.
func (p *Pools) Batches(ctx context.Context, pool uint64) ([]gongxu.Batch, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := p.pool(pool); err != nil {
		return nil, err
	}
	return p.batches[pool], nil
}

// Balances implements gongxu.PoolService. An account never moved has none.
func (p *Pools) Balances(ctx context.Context, acct gongxu.AccountID) ([]gongxu.Balance, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.balances[acct], nil
}

// Movements implements gongxu.PoolService: newest first.
func (p *Pools) Movements(ctx context.Context, acct gongxu.AccountID, limit int) ([]gongxu.Movement, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []gongxu.Movement
	for _, m := range p.movements {
		if limit > 0 && len(out) >= limit {
			break
		}
		if m.From == acct || m.To == acct {
			out = append(out, m)
		}
	}
	return out, nil
}

// SetErr makes every method fail with err (nil: succeed again).
func (r *RFQs) SetErr(err error) { r.mu.Lock(); r.err = err; r.mu.Unlock() }

// SetEmpty removes every request for quote and bid, keeping nil slices.
func (r *RFQs) SetEmpty() { r.mu.Lock(); r.rfqs, r.bids = nil, nil; r.mu.Unlock() }

func (r *RFQs) check() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// RFQs implements gongxu.RFQService: newest first.
func (r *RFQs) RFQs(ctx context.Context, status gongxu.RFQStatus, limit int) ([]gongxu.RFQ, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []gongxu.RFQ
	for _, q := range r.rfqs {
		if limit > 0 && len(out) >= limit {
			break
		}
		if status == "" || q.Status == status {
			out = append(out, q)
		}
	}
	return out, nil
}

// RFQ implements gongxu.RFQService.
func (r *RFQs) RFQ(ctx context.Context, id uint64) (gongxu.RFQ, error) {
	if err := r.check(); err != nil {
		return gongxu.RFQ{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.rfqs {
		if q.ID == id {
			return q, nil
		}
	}
	return gongxu.RFQ{}, gongxu.Errorf(gongxu.KindNotFound, "no rfq %d", id)
}

// Bids implements gongxu.RFQService: sorted by bidder.
func (r *RFQs) Bids(ctx context.Context, rfq uint64) ([]gongxu.Bid, error) {
	if _, err := r.RFQ(ctx, rfq); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bids[rfq], nil
}

// SetErr makes every method fail with err (nil: succeed again).
func (r *Receipts) SetErr(err error) { r.mu.Lock(); r.err = err; r.mu.Unlock() }

// Receipt implements gongxu.ReceiptService for the batch BatchTx (the hash
// matches case-insensitively): leaf i has the pseudonymous id
// sha256("consumer i"), variant m-navy, 13 units and the pickup commitment
// sha256("commit i"); the proof is fixed data, not a real Merkle path.
func (r *Receipts) Receipt(ctx context.Context, batchTx string, index int) (gongxu.Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return gongxu.Receipt{}, r.err
	}
	b := r.batch
	if !strings.EqualFold(batchTx, b.Tx) {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "transaction %s is not a committed hub batch", batchTx)
	}
	if index < 0 || int64(index) >= b.Leaves {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "batch %s has %d leaves: no leaf %d", b.Tx, b.Leaves, index)
	}
	proof := make([]string, 4) // ⌈log2(10)⌉ levels
	for i := range proof {
		proof[i] = hexHash("sibling " + strconv.Itoa(index) + " " + strconv.Itoa(i))
	}
	return gongxu.Receipt{
		Tx: b.Tx, Pool: b.Pool, Hub: b.Hub, Index: index, Leaves: int(b.Leaves),
		Leaf: gongxu.PoolLeaf{ID: hexHash("consumer " + strconv.Itoa(index))[:32], Variant: "m-navy", Qty: 13,
			Commit: hexHash("commit " + strconv.Itoa(index))},
		Proof: proof, Root: b.Root,
	}, nil
}

var (
	_ gongxu.PoolService    = (*Pools)(nil)
	_ gongxu.RFQService     = (*RFQs)(nil)
	_ gongxu.ReceiptService = (*Receipts)(nil)
)
