package sqlite

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

func productEvent(p gongxu.Product) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventProduct, "product", string(p.ID), "factory", string(p.Factory),
		"version", strconv.FormatInt(p.Version, 10), "json", mustJSON(p))
}

func poolEvent(p gongxu.Pool) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventPool, "pool", strconv.FormatUint(p.ID, 10), "status", string(p.Status), "json", mustJSON(p))
}

func shareEvent(s gongxu.HubShare) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventShare, "pool", strconv.FormatUint(s.Pool, 10), "hub", string(s.Hub), "json", mustJSON(s))
}

func pledgeEvent(p gongxu.Pledge) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventPledge, "pool", strconv.FormatUint(p.Pool, 10), "id", strconv.FormatUint(p.ID, 10), "json", mustJSON(p))
}

func batchEvent(b gongxu.Batch) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventBatch, "pool", strconv.FormatUint(b.Pool, 10), "hub", string(b.Hub), "tx", b.Tx, "json", mustJSON(b))
}

func moveEvent(from, to gongxu.AccountID, cur string, amount int64, reason, ref string) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventMove, "from", string(from), "to", string(to), "currency", cur,
		"amount", strconv.FormatInt(amount, 10), "reason", reason, "ref", ref)
}

func rfqEvent(r gongxu.RFQ) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventRFQ, "rfq", strconv.FormatUint(r.ID, 10), "status", string(r.Status), "json", mustJSON(r))
}

func bidEvent(b gongxu.Bid) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventBid, "rfq", strconv.FormatUint(b.RFQ, 10), "bidder", string(b.Bidder), "json", mustJSON(b))
}

// at is the block time of height h.
func at(h int64) int64 { return t0 + (h-1)*1000 }

// poolScenario is the member scenario (heights 1 to 6) followed by a
// catalog, a demand pool from opening to payout, an open-to-any-hub pool, an
// RFQ awarded into a third pool, deposits and a withdrawal (heights 7 to 15),
// and what the read model must answer after it.
type poolScenario struct {
	blocks   []gongxu.CommittedBlock
	products []gongxu.Product // sorted by id
	pools    []gongxu.Pool    // newest first
	shares   []gongxu.HubShare
	batches  []gongxu.Batch
	pledge   gongxu.Pledge
	progress map[uint64][]ProgressPoint
	balances []gongxu.Balance // sorted by account, then currency
	hub1     []gongxu.Movement
	rfqs     []gongxu.RFQ // newest first
	bids     []gongxu.Bid
	consumer gongxu.PubKey
}

func newPoolScenario() poolScenario {
	const cny = "CNY"
	var (
		consumer = key(50)
		kAcct    = gongxu.AccountID("key:" + string(consumer))
		hub2     = gongxu.Org{ID: "hub2", Name: "Hilltown Hub", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{key(5)}}
		delta    = gongxu.Org{ID: "delta", Name: "Delta Fasteners", Roles: []gongxu.Role{gongxu.RoleFactory}, Keys: []gongxu.PubKey{key(6)}}
		day      = int64(24 * 3600 * 1000)
	)
	tee := gongxu.Product{ID: "acme/tee", Factory: "acme", Name: "Tee", Unit: "piece",
		Variants: []gongxu.Variant{{ID: "m", Name: "M"}, {ID: "l", Name: "L"}}, LeadTimeDays: 10, Version: 1, Updated: at(7)}
	tee2 := tee
	tee2.Name, tee2.GTIN, tee2.Version, tee2.Updated = "Organic tee", "4006381333931", 2, at(10)
	tee2.Variants = append([]gongxu.Variant(nil), tee.Variants...)
	capP := gongxu.Product{ID: "acme/cap", Factory: "acme", Name: "Cap", Unit: "piece", Variants: []gongxu.Variant{}, Version: 1, Updated: at(7)}
	bolt := gongxu.Product{ID: "delta/bolt-m8", Factory: "delta", Name: "Bolt M8", Unit: "piece", Variants: []gongxu.Variant{}, Version: 1, Updated: at(7)}

	// Pool 1: acme's tees, gathered by hub1 and hub2, succeeds at 170 units.
	p1 := gongxu.Pool{ID: 1, Factory: "acme", Product: "acme/tee", Variants: []string{"m", "l"},
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}, {MinQty: 100, UnitPrice: 4500}, {MinQty: 200, UnitPrice: 4000}},
		MOQ:   150, Cap: 1000, CasePack: 10, Currency: cny, Deadline: at(11), LockMs: 500, Hubs: []gongxu.OrgID{"hub1", "hub2"},
		Status: gongxu.PoolOpen, Created: at(8),
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: at(8), Height: 8, Reason: "opened"}}}
	next := func(p gongxu.Pool, f func(*gongxu.Pool)) gongxu.Pool {
		p.History = append([]gongxu.PoolChange(nil), p.History...)
		f(&p)
		return p
	}
	status := func(p gongxu.Pool, s gongxu.PoolStatus, h int64, reason string, f func(*gongxu.Pool)) gongxu.Pool {
		return next(p, func(p *gongxu.Pool) {
			p.Status = s
			p.History = append(p.History, gongxu.PoolChange{Status: s, Time: at(h), Height: h, Reason: reason})
			if f != nil {
				f(p)
			}
		})
	}
	p1a := next(p1, func(p *gongxu.Pool) { p.Total, p.Pledges, p.Escrowed = 100, 40, 500000 })
	p1b := next(p1a, func(p *gongxu.Pool) { p.Total, p.Pledges, p.Escrowed, p.MOQReached = 160, 65, 800000, true })
	p1c := next(p1b, func(p *gongxu.Pool) { p.Total, p.Pledges, p.Escrowed = 170, 66, 850000 })
	p1d := status(p1c, gongxu.PoolSucceeded, 11, "moq reached by the deadline", func(p *gongxu.Pool) {
		p.Price, p.Escrowed, p.Captured = 4500, 0, 765000
	})
	p1e := status(p1d, gongxu.PoolInProduction, 12, "started", nil)
	p1f := status(p1e, gongxu.PoolDelivered, 12, "every hub confirmed", nil)
	p1g := status(p1f, gongxu.PoolSettled, 12, "paid out", func(p *gongxu.Pool) { p.Captured, p.Released = 0, 765000 })

	// Pool 2: open to any hub, no pledges; emitted with a field this
	// binary's Pool does not know.
	p2 := gongxu.Pool{ID: 2, Factory: "acme", Product: "acme/cap", Variants: []string{},
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1500}}, MOQ: 50, Cap: 500, CasePack: 1, Currency: cny,
		Deadline: at(10) + 30*day, Hubs: []gongxu.OrgID{}, Status: gongxu.PoolOpen, Created: at(10),
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: at(10), Height: 10, Reason: "opened"}}}
	p2Event := poolEvent(p2)
	p2Event.Attrs[2].Value = `{"title":"Caps for spring",` + p2Event.Attrs[2].Value[1:]

	// Pool 3: awarded from RFQ 1 to delta, already at its MOQ.
	p3 := gongxu.Pool{ID: 3, Factory: "delta", Product: "delta/bolt-m8", Variants: []string{},
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 2800}}, MOQ: 500, Cap: 500, CasePack: 1, Currency: cny,
		Deadline: at(15) + 60*day, Hubs: []gongxu.OrgID{"hub2"}, Status: gongxu.PoolOpen, Total: 500, Pledges: 1,
		Escrowed: 1400000, Created: at(15), RFQ: 1, MOQReached: true,
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: at(15), Height: 15, Reason: "awarded from rfq 1"}}}
	share3 := gongxu.HubShare{Pool: 3, Hub: "hub2", Qty: 500, Pledges: 1, Variants: []gongxu.VariantQty{}}

	b1 := gongxu.Batch{Pool: 1, Hub: "hub1", Tx: txHash(9, 0), Root: fmt.Sprintf("%064x", 0xb1), Leaves: 40, Qty: 100, Escrow: 500000, Height: 9}
	b2 := gongxu.Batch{Pool: 1, Hub: "hub2", Tx: txHash(9, 2), Root: fmt.Sprintf("%064x", 0xb2), Leaves: 25, Qty: 60, Escrow: 300000, Height: 9}
	s1 := gongxu.HubShare{Pool: 1, Hub: "hub1", Qty: 100, Pledges: 40, Variants: []gongxu.VariantQty{{Variant: "m", Qty: 60}, {Variant: "l", Qty: 40}}}
	s2 := gongxu.HubShare{Pool: 1, Hub: "hub2", Qty: 60, Pledges: 25, Variants: []gongxu.VariantQty{{Variant: "m", Qty: 60}}}
	s2b := s2
	s2b.Qty, s2b.Pledges, s2b.Variants = 70, 26, []gongxu.VariantQty{{Variant: "m", Qty: 70}}
	s1d, s2d := s1, s2b
	s1d.Delivered, s2d.Delivered = true, true
	pl := gongxu.Pledge{Pool: 1, ID: 1, Consumer: consumer, Hub: "hub2", Variant: "m", Qty: 10, Escrow: 50000, Created: at(10)}

	// A failed batch tx: its (malformed) events must be dropped.
	failed := tx("pool/batch", "hub2", key(5), batchEvent(gongxu.Batch{Pool: 1, Hub: "hub2", Tx: "nonsense"}),
		moveEvent("org:hub2", "escrow:1", cny, 999999999, "escrow", "pool:1"))
	failed.Code, failed.Kind, failed.Message = uint32(gongxu.KindConflict), "conflict", "pool 1 is full"

	r1 := gongxu.RFQ{ID: 1, Requester: "hub2", Title: "M8 bolts", Spec: "zinc plated", Unit: "piece", Qty: 500,
		TargetDate: at(15) + 60*day, MaxPrice: 3000, Currency: cny, BidDeadline: at(13) + 500, RevealDeadline: at(14) + 500,
		Status: gongxu.RFQOpen, Awards: []gongxu.RFQAward{}, Created: at(13)}
	r1a, r1b := r1, r1
	r1a.Bids, r1b.Bids = 1, 2
	r1c := r1b
	r1c.Status, r1c.Awards = gongxu.RFQAwarded, []gongxu.RFQAward{{Bidder: "delta", Qty: 500, UnitPrice: 2800, Pool: 3}}
	r2 := gongxu.RFQ{ID: 2, Requester: "hub1", Title: "Tote bags", Unit: "piece", Qty: 200, MaxPrice: 900, Currency: cny,
		TargetDate: at(13) + 90*day, BidDeadline: at(13) + 10*day, RevealDeadline: at(13) + 12*day,
		Status: gongxu.RFQOpen, Awards: []gongxu.RFQAward{}, Created: at(13)}
	r2b := r2
	r2b.Status, r2b.Reason = gongxu.RFQCancelled, "found a local supplier"
	bidA := gongxu.Bid{RFQ: 1, Bidder: "acme", Commitment: fmt.Sprintf("%064x", 0xa), Time: at(13)}
	bidD := gongxu.Bid{RFQ: 1, Bidder: "delta", Commitment: fmt.Sprintf("%064x", 0xd), Time: at(13)}
	bidA2, bidD2 := bidA, bidD
	bidA2.Revealed, bidA2.UnitPrice, bidA2.Qty, bidA2.LeadDays, bidA2.Eligible, bidA2.Time = true, 3000, 500, 20, true, at(14)
	bidD2.Revealed, bidD2.UnitPrice, bidD2.Qty, bidD2.LeadDays, bidD2.Eligible, bidD2.Time = true, 2800, 500, 15, true, at(14)

	sc := newScenario()
	blocks := append(sc.blocks,
		block(7, []gongxu.TxRecord{
			tx("catalog/publish", "acme", key(1), productEvent(tee)),
			tx("catalog/publish", "acme", key(1), productEvent(capP)),
			tx("catalog/publish", "delta", key(6), productEvent(bolt)),
		}, orgEvent(hub2), orgEvent(delta)),
		block(8, []gongxu.TxRecord{
			tx("pool/open", "acme", key(1), poolEvent(p1)),
			tx("settle/deposit", "hub1", key(4), moveEvent("", "org:hub1", cny, 1000000, "deposit", "bank 1")),
			tx("settle/deposit", "hub1", key(4), moveEvent("", "org:hub1", "EUR", 2500, "deposit", "bank 2")),
			tx("settle/deposit", "hub2", key(5), moveEvent("", "org:hub2", cny, 2000000, "deposit", "bank 3"),
				moveEvent("", kAcct, cny, 60000, "deposit", "till 7")),
		}),
		block(9, []gongxu.TxRecord{
			tx("pool/batch", "hub1", key(4), moveEvent("org:hub1", "escrow:1", cny, 500000, "escrow", "pool:1"),
				batchEvent(b1), shareEvent(s1), poolEvent(p1a)),
			failed,
			tx("pool/batch", "hub2", key(5), moveEvent("org:hub2", "escrow:1", cny, 300000, "escrow", "pool:1"),
				batchEvent(b2), shareEvent(s2), poolEvent(p1b)),
		}),
		block(10, []gongxu.TxRecord{
			tx("pool/pledge", "", consumer, moveEvent(kAcct, "escrow:1", cny, 50000, "escrow", "pool:1"),
				pledgeEvent(pl), shareEvent(s2b), poolEvent(p1c)),
			tx("pool/open", "acme", key(1), p2Event),
			tx("catalog/publish", "acme", key(1), productEvent(tee2)),
		}),
		block(11, nil,
			moveEvent("escrow:1", "captured:1", cny, 765000, "capture", "pool:1"),
			moveEvent("escrow:1", "org:hub1", cny, 50000, "release", "pool:1"),
			moveEvent("escrow:1", "org:hub2", cny, 30000, "release", "pool:1"),
			moveEvent("escrow:1", kAcct, cny, 5000, "release", "pool:1"),
			poolEvent(p1d)),
		block(12, []gongxu.TxRecord{
			tx("pool/start", "acme", key(1), poolEvent(p1e)),
			tx("pool/deliver", "hub1", key(4), shareEvent(s1d)),
			tx("pool/deliver", "hub2", key(5), shareEvent(s2d), poolEvent(p1f),
				moveEvent("captured:1", "org:acme", cny, 765000, "payout", "pool:1"), poolEvent(p1g)),
		}),
		block(13, []gongxu.TxRecord{
			tx("rfq/create", "hub2", key(5), rfqEvent(r1)),
			tx("rfq/create", "hub1", key(4), rfqEvent(r2)),
			tx("rfq/bid", "acme", key(1), bidEvent(bidA), rfqEvent(r1a)),
			tx("rfq/bid", "delta", key(6), bidEvent(bidD), rfqEvent(r1b)),
		}),
		block(14, []gongxu.TxRecord{
			tx("rfq/reveal", "acme", key(1), bidEvent(bidA2)),
			tx("rfq/reveal", "delta", key(6), bidEvent(bidD2)),
			tx("rfq/cancel", "hub1", key(4), rfqEvent(r2b)),
		}),
		block(15, []gongxu.TxRecord{
			tx("rfq/award", "hub2", key(5), moveEvent("org:hub2", "escrow:3", cny, 1400000, "escrow", "rfq:1"),
				poolEvent(p3), shareEvent(share3), rfqEvent(r1c)),
			tx("settle/withdraw", "hub1", key(4), moveEvent("org:hub1", "", cny, 100000, "withdrawal", "bank 4")),
		}),
	)
	bal := func(a gongxu.AccountID, cur string, n gongxu.Amount) gongxu.Balance {
		return gongxu.Balance{Account: a, Currency: cur, Amount: n}
	}
	mv := func(h int64, txIdx int, from, to gongxu.AccountID, cur string, n gongxu.Amount, reason, ref string) gongxu.Movement {
		m := gongxu.Movement{Height: h, Time: at(h), From: from, To: to, Currency: cur, Amount: n, Reason: gongxu.MoveReason(reason), Ref: ref}
		if txIdx >= 0 {
			m.Tx = txHash(h, txIdx)
		}
		return m
	}
	return poolScenario{
		blocks:   blocks,
		products: []gongxu.Product{capP, tee2, bolt},
		pools:    []gongxu.Pool{p3, p2, p1g},
		shares:   []gongxu.HubShare{s1d, s2d},
		batches:  []gongxu.Batch{b1, b2},
		pledge:   pl,
		progress: map[uint64][]ProgressPoint{
			1: {{at(8), 0}, {at(9), 160}, {at(10), 170}}, // two batches in block 9: one point
			2: {{at(10), 0}},
			3: {{at(15), 500}},
		},
		balances: []gongxu.Balance{
			bal("captured:1", cny, 0), bal("escrow:1", cny, 0), bal("escrow:3", cny, 1400000),
			bal(kAcct, cny, 15000), bal("org:acme", cny, 765000),
			bal("org:hub1", cny, 450000), bal("org:hub1", "EUR", 2500), bal("org:hub2", cny, 330000),
		},
		hub1: []gongxu.Movement{
			mv(15, 1, "org:hub1", "", cny, 100000, "withdrawal", "bank 4"),
			mv(11, -1, "escrow:1", "org:hub1", cny, 50000, "release", "pool:1"),
			mv(9, 0, "org:hub1", "escrow:1", cny, 500000, "escrow", "pool:1"),
			mv(8, 2, "", "org:hub1", "EUR", 2500, "deposit", "bank 2"),
			mv(8, 1, "", "org:hub1", cny, 1000000, "deposit", "bank 1"),
		},
		rfqs:     []gongxu.RFQ{r2b, r1c},
		bids:     []gongxu.Bid{bidA2, bidD2},
		consumer: consumer,
	}
}

// poolQueries returns the answers of the pool, money and rfq queries, as JSON.
func poolQueries(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var out []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			t.Fatal(err)
		}
		out = append(out, v, gongxu.ErrorKind(err).String())
	}
	add(db.Products(ctx, ""))
	add(db.Pools(ctx, gongxu.PoolFilter{Limit: MaxLimit}))
	add(db.RFQs(ctx, "", MaxLimit))
	var accounts []gongxu.AccountID
	for _, cur := range []string{"CNY", "EUR"} {
		bs, err := db.BalancesByCurrency(ctx, cur)
		add(bs, err)
		for _, b := range bs {
			accounts = append(accounts, b.Account)
		}
	}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i] < accounts[j] })
	for _, a := range accounts {
		add(db.Movements(ctx, a, MaxLimit))
	}
	for id := uint64(1); id <= 4; id++ {
		add(db.HubShares(ctx, id))
		add(db.Batches(ctx, id))
		add(db.Pledges(ctx, id))
		add(db.PoolProgressPoints(ctx, id))
		add(db.Bids(ctx, id))
	}
	out = append(out, gongxu.ErrorMessage(db.AuditMoney(ctx)))
	return mustJSON(out)
}
