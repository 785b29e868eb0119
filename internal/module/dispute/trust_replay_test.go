package dispute_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
)

// trustOrgs: one factory making the pools' product, a second factory that
// bids on an RFQ, three hubs, a carrier and a designer named in pool terms,
// three suppliers (two of them selling fabric to the factory).
var trustOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}}, // funds its bid bond itself
	{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-d", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-e", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "carrier-f", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	{ID: "supplier-g", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "supplier-h", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "supplier-i", Roles: []gongxu.Role{gongxu.RoleSupplier}},
}

// trustRun is a scripted run of blocks: each tx with the result it must
// get, the money invariant checked after every block, the blocks and app
// hashes recorded for a replay.
type trustRun struct {
	t      *testing.T
	h      *chaintest.Harness
	txs    [][]byte
	want   []gongxu.Kind
	blocks []chaintest.Recorded
	roots  []string
}

// tx queues a tx that must get the result want.
func (r *trustRun) tx(want gongxu.Kind, signer, typ, body string) {
	r.t.Helper()
	r.txs = append(r.txs, r.h.Sign(signer, typ, json.RawMessage(body)))
	r.want = append(r.want, want) // a refused tx reaches its handler: its sequence is used
}

func (r *trustRun) ok(signer, typ, body string) { r.t.Helper(); r.tx(gongxu.KindOK, signer, typ, body) }

// block commits the queued txs after advancing block time by ms (plus the
// harness's second), checks every result and the money invariant.
func (r *trustRun) block(ms int64) {
	r.t.Helper()
	r.h.Advance(ms)
	txs, want := r.txs, r.want
	r.txs, r.want = nil, nil
	res := r.h.Block(txs...)
	for i, x := range res.Txs {
		if got := gongxu.Kind(x.Code); got != want[i] {
			r.t.Fatalf("height %d, tx %d (%s): %s (%s), want %s", r.h.Height, i, x.Type, got, x.Log, want[i])
		}
	}
	if err := r.h.Mods.Settle.CheckInvariant(r.h.State); err != nil {
		r.t.Fatalf("height %d: %v", r.h.Height, err)
	}
	for _, o := range trustOrgs {
		r.h.ResetSeq(o.ID)
	}
	r.blocks = append(r.blocks, chaintest.Recorded{Height: r.h.Height, Time: r.h.Time, Txs: txs})
	r.roots = append(r.roots, r.h.Root())
}

func (r *trustRun) balance(acct gongxu.AccountID) gongxu.Amount {
	r.t.Helper()
	b, err := r.h.Mods.Settle.Balance(r.h.State, acct, "CNY")
	if err != nil {
		r.t.Fatal(err)
	}
	return b
}

func (r *trustRun) dispute(id uint64) gongxu.Dispute {
	r.t.Helper()
	d, err := r.h.Mods.Dispute.Dispute(r.h.State, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return d
}

func (r *trustRun) pool(id uint64) gongxu.Pool {
	r.t.Helper()
	p, err := r.h.Mods.Pool.Pool(r.h.State, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func leaf(n, qty int) string {
	return fmt.Sprintf(`[{"id":"%016x","qty":%d,"commit":"%064x"}]`, n, qty, n)
}

// TestTrustReplay: one block sequence with every trust mechanism of the
// ledger at once: pools with shares for enablers that succeed and release;
// a pool whose factory never starts (failover refund at start_by + grace);
// a shipped share confirmed automatically at its grace; a share disputed and
// settled by a split; a share disputed, escalated and ruled by a panel; a
// dispute that falls to the terms' default; a PO dispute; a bid bond
// forfeited; late PO lines; refused txs in between. The money invariant
// holds after every block, each mechanism's outcome is checked with the
// figures worked out by hand, and two fresh machines fed the same blocks
// reach the same app hash after every block (the last one pinned).
func TestTrustReplay(t *testing.T) {
	h := chaintest.New(t, trustOrgs...)
	first := h.Root()
	r := &trustRun{t: t, h: h}
	t0 := h.Time
	at := func(days int64) int64 { return t0 + days*day }
	const (
		unauthorized = gongxu.KindUnauthorized
		conflict     = gongxu.KindConflict
	)

	// Setup: a product, money for the hubs and the bidder, fabric offers.
	r.ok("factory-a", "catalog/publish", `{"sku":"tee","name":"Tee","unit":"piece"}`)
	for _, hub := range []string{"hub-c", "hub-d", "hub-e"} {
		r.ok(hub, "settle/deposit", `{"currency":"CNY","amount":1000000}`)
	}
	r.ok("factory-b", "settle/deposit", `{"currency":"CNY","amount":100000}`)
	for _, s := range []string{"supplier-g", "supplier-h"} {
		r.ok(s, "production/offer", `{"item":"fabric","unit":"m","lead_time_days":5,"min_qty":0,"unit_price":500,"currency":"CNY"}`)
	}
	r.block(0)

	// Four pools at 100 a tee, closing in a day. Pool 1 pays each hub 10 %
	// of its share and the carrier 3 %; pool 3 promises to start within 3
	// days; pool 4 names a designer's share and a default split of 25 %.
	open := func(extra string) string {
		return fmt.Sprintf(`{"product":"factory-a/tee","tiers":[{"min_qty":1,"unit_price":100}],"moq":5,"cap":1000,"case_pack":1,"currency":"CNY","deadline":%d%s}`, at(1), extra)
	}
	r.ok("factory-a", "pool/open", open(`,"hub_bps":1000,"enablers":[{"org":"carrier-f","role":"carrier","bps":300}]`))
	r.ok("factory-a", "pool/open", open(`,"hub_bps":500`))
	r.ok("factory-a", "pool/open", open(fmt.Sprintf(`,"start_by":%d`, at(3))))
	r.ok("factory-a", "pool/open", open(`,"enablers":[{"org":"supplier-i","role":"designer","bps":200}],"dispute_default_bps":2500`))
	// Two POs for fabric promised in 5 days; an RFQ with a bid bond of 5000.
	r.ok("factory-a", "production/po", fmt.Sprintf(`{"supplier":"supplier-g","lines":[{"item":"fabric","qty":100000,"date":%d}]}`, at(5)))
	r.ok("factory-a", "production/po", fmt.Sprintf(`{"supplier":"supplier-h","lines":[{"item":"fabric","qty":50000,"date":%d}]}`, at(5)))
	r.ok("hub-e", "rfq/post", fmt.Sprintf(`{"title":"Tote bags","unit":"piece","qty":100,"target_date":%d,"max_price":1000,"currency":"CNY","bond":5000,"bid_deadline":%d,"reveal_deadline":%d}`, at(30), at(2), at(3)))
	r.block(0)

	r.ok("hub-c", "pool/batch", `{"pool":1,"leaves":`+leaf(1, 10)+`}`)
	r.ok("hub-d", "pool/batch", `{"pool":1,"leaves":`+leaf(2, 5)+`}`)
	r.ok("hub-c", "pool/batch", `{"pool":2,"leaves":`+leaf(3, 8)+`}`)
	r.ok("hub-e", "pool/batch", `{"pool":2,"leaves":`+leaf(4, 4)+`}`)
	r.ok("hub-d", "pool/batch", `{"pool":3,"leaves":`+leaf(5, 6)+`}`)
	r.ok("hub-d", "pool/batch", `{"pool":4,"leaves":`+leaf(6, 7)+`}`)
	r.ok("hub-e", "pool/batch", `{"pool":4,"leaves":`+leaf(7, 3)+`}`)
	r.ok("supplier-g", "production/po_accept", `{"po":1}`)
	r.ok("supplier-h", "production/po_accept", `{"po":2}`)
	r.ok("factory-b", "rfq/bid", fmt.Sprintf(`{"rfq":1,"commitment":"%s"}`, rfq.Commitment(1, "factory-b", 900, 100, 10, []byte("a salt of sixteen bytes"))))
	// refused: a dispute over a pool still open, a bid by a supplier
	r.tx(conflict, "hub-c", "dispute/open", `{"pool":1,"kind":"short","claimed":100}`)
	r.tx(unauthorized, "supplier-i", "rfq/bid", `{"rfq":1,"commitment":"9b809a5e8bd71ee0dbe99996f1707df9e8b7b9629f04fc9216a85883b8ea0d89"}`)
	r.block(0)

	r.block(day) // the pools close with their MOQ
	for id := uint64(1); id <= 4; id++ {
		if p := r.pool(id); p.Status != gongxu.PoolSucceeded {
			t.Fatalf("pool %d is %s, want succeeded", id, p.Status)
		}
	}
	if got := r.balance("captured:3"); got != 600 {
		t.Fatalf("pool 3 captured %d, want 600", got)
	}

	// Production starts on pools 1, 2 and 4 (orders 1, 2, 3), never on 3.
	r.ok("factory-a", "pool/start_production", `{"pool":1}`)
	r.ok("factory-a", "pool/start_production", `{"pool":2}`)
	r.ok("factory-a", "pool/start_production", `{"pool":4}`)
	r.block(0)
	r.ok("factory-a", "production/wo_start", `{"order":1,"qty":15000}`)
	r.ok("factory-a", "production/wo_complete", `{"wo":1,"produced":15000,"outputs":[{"code":"t-1","qty":15000}]}`)
	// Dispute 1: hub-c over its 800 in pool 2; dispute 2: hub-e over its
	// 400 in pool 2; dispute 3: hub-d over its 700 in pool 4.
	r.ok("hub-c", "dispute/open", `{"pool":2,"kind":"short","claimed":300}`)
	r.ok("hub-e", "dispute/open", `{"pool":2,"kind":"damaged","claimed":200,"evidence":["`+fmt.Sprintf("%064x", 42)+`"]}`)
	r.ok("hub-d", "dispute/open", `{"pool":4,"kind":"late","claimed":400}`)
	r.tx(unauthorized, "carrier-f", "dispute/open", `{"pool":2,"kind":"short","claimed":100}`)
	r.block(0)

	// Pool 1 ships to both hubs; dispute 1 is settled at 150 by both parties.
	r.ok("factory-a", "pool/ship", `{"pool":1,"hub":"hub-c"}`)
	r.ok("factory-a", "pool/ship", `{"pool":1,"hub":"hub-d"}`)
	r.ok("factory-a", "dispute/propose", `{"dispute":1,"to_claimant":150}`)
	r.tx(conflict, "hub-c", "pool/confirm_delivery", `{"pool":2}`) // frozen by dispute 1
	r.block(0)
	r.ok("hub-c", "dispute/accept", `{"dispute":1,"to_claimant":150}`)
	r.ok("hub-c", "pool/confirm_delivery", `{"pool":1}`)
	r.block(0)
	r.tx(conflict, "hub-c", "pool/confirm_delivery", `{"pool":1}`) // once
	r.tx(conflict, "hub-c", "dispute/accept", `{"dispute":1,"to_claimant":150}`)
	r.block(0)
	if d := r.dispute(1); d.Outcome != gongxu.OutcomeSettled || d.ToClaimant != 150 {
		t.Fatalf("dispute 1: %s %s %d, want settled at 150", d.Status, d.Outcome, d.ToClaimant)
	}
	// hub-c's pool 1 share of 1000: 100 to hub-c, 30 to the carrier, 870
	// to the factory; its pool 2 share of 800: 150 back to hub-c, then of
	// the payout 650, 32 to hub-c (5 %), 618 to the factory.
	if got := r.balance("org:hub-c"); got != 1_000_000-1000-800+100+150+32 {
		t.Fatalf("hub-c holds %d", got)
	}
	if got := r.balance("org:factory-a"); got != 870+618 {
		t.Fatalf("factory-a holds %d, want %d", got, 870+618)
	}

	// The reveal deadline passes: factory-b never revealed, its bond goes
	// to hub-e, once.
	r.block(at(3) - h.Time)
	if b, err := h.Mods.RFQ.Bid(h.State, 1, "factory-b"); err != nil || !b.Forfeited || b.Bond != 0 {
		t.Fatalf("bid %+v (%v): want forfeited", b, err)
	}
	if got := r.balance("bond:1"); got != 0 {
		t.Fatalf("bond:1 holds %d", got)
	}
	if got := r.balance("org:factory-b"); got != 100000-5000 {
		t.Fatalf("factory-b holds %d", got)
	}

	// Pool 3 was never started: at start_by + 3 days (day 6) every payer
	// gets its money back. Not a block before.
	r.block(at(6) - h.Time - 2000)
	if p := r.pool(3); p.Status != gongxu.PoolSucceeded {
		t.Fatalf("pool 3 is %s before its start deadline", p.Status)
	}
	r.block(0)
	if p := r.pool(3); p.Status != gongxu.PoolFailed {
		t.Fatalf("pool 3 is %s after its start deadline, want failed", p.Status)
	}
	if got := r.balance("captured:3"); got != 0 {
		t.Fatalf("pool 3 still holds %d", got)
	}
	// The POs' fabric, promised at day 5, is late at day 6 (the grace: a day).
	r.block(0)
	for _, id := range []uint64{1, 2} {
		if po, err := h.Mods.Production.PO(h.State, id); err != nil || len(po.Late) != 1 || po.Late[0] == 0 {
			t.Fatalf("PO %d late %v (%v), want recorded late", id, po.Late, err)
		}
	}
	// PO 2's fabric arrives late; PO 1's never does: the factory disputes
	// it (dispute 4); the supplier may not answer for another.
	r.ok("supplier-h", "production/ship", `{"po":2,"lines":[{"line":1,"lot":"supplier-h/fab-1","qty":50000}]}`)
	r.ok("factory-a", "dispute/open", `{"po":1,"kind":"late","claimed":1000,"note":"fabric a week late"}`)
	r.tx(unauthorized, "supplier-h", "dispute/open", `{"po":1,"kind":"late","claimed":1000}`)
	r.block(0)

	// Day 8: disputes 2, 3 and 4 reach their response deadline and escalate.
	r.block(8*day + 5*1000)
	var panels [5][]gongxu.OrgID
	for id := uint64(2); id <= 4; id++ {
		d := r.dispute(id)
		if d.Status != gongxu.DisputePanel || len(d.Panel) != 3 {
			t.Fatalf("dispute %d: %s with panel %v, want a panel of 3", id, d.Status, d.Panel)
		}
		panels[id] = d.Panel
	}
	// Dispute 2: the panel votes 0, 100, 200 and rules the median, 100.
	// Dispute 3: one panelist votes; no majority. Dispute 4: nobody votes.
	for i, v := range []int{0, 100, 200} {
		r.ok(string(panels[2][i]), "dispute/vote", fmt.Sprintf(`{"dispute":2,"to_claimant":%d}`, v))
	}
	r.ok(string(panels[3][0]), "dispute/vote", `{"dispute":3,"to_claimant":400}`)
	// refused: a party; an eligible org the draw left out
	r.tx(unauthorized, "hub-d", "dispute/vote", `{"dispute":3,"to_claimant":400}`)
	for _, o := range []string{"factory-b", "hub-c", "carrier-f", "supplier-g", "supplier-h"} {
		if !slices.Contains(panels[3], gongxu.OrgID(o)) {
			r.tx(unauthorized, o, "dispute/vote", `{"dispute":3,"to_claimant":400}`)
			break
		}
	}
	r.tx(unauthorized, "factory-a", "dispute/vote", `{"dispute":4,"to_claimant":0}`)
	r.block(0)
	if d := r.dispute(2); d.Outcome != gongxu.OutcomePanel || d.ToClaimant != 100 {
		t.Fatalf("dispute 2: %s %s %d, want ruled 100 by the panel", d.Status, d.Outcome, d.ToClaimant)
	}
	// hub-e's 400 in pool 2: 100 back, of the payout 300, 15 to hub-e.
	// Pool 2 is settled: both its shares ended.
	if got := r.balance("org:hub-e"); got != 1_000_000-400-300+5000+100+15 {
		t.Fatalf("hub-e holds %d", got)
	}
	if p := r.pool(2); p.Status != gongxu.PoolSettled {
		t.Fatalf("pool 2 is %s, want settled", p.Status)
	}

	// Day 15: no ruling on disputes 3 and 4: the default. Dispute 3 takes
	// pool 4's 25 % of the claim (100); dispute 4, a PO's, the network's
	// default (PO disputes record what is owed: no ledger money). hub-d's
	// pool 1 share, shipped at day 1, is confirmed at its 14 days' grace.
	r.block(7 * day)
	r.block(0)
	d3, d4 := r.dispute(3), r.dispute(4)
	if d3.Outcome != gongxu.OutcomeDefault || d3.ToClaimant != 100 {
		t.Fatalf("dispute 3: %s %s %d, want the default 100", d3.Status, d3.Outcome, d3.ToClaimant)
	}
	if d4.Outcome != gongxu.OutcomeDefault || d4.Subject != gongxu.DisputeSubjectPOShipment {
		t.Fatalf("dispute 4: %s %s %s, want a PO dispute ended by the default", d4.Subject, d4.Status, d4.Outcome)
	}
	if s, err := h.Mods.Pool.HubShare(h.State, 1, "hub-d"); err != nil || !s.Delivered {
		t.Fatalf("hub-d's pool 1 share %+v (%v): want confirmed at its grace", s, err)
	}
	if p := r.pool(1); p.Status != gongxu.PoolSettled || p.Shared != 100+30+50+15 {
		t.Fatalf("pool 1: %s, shared %d; want settled, 195 shared", p.Status, p.Shared)
	}
	// The carrier's 3 % of pool 1's two shares (30 + 15); the designer's 2 %
	// of pool 4's payout of hub-d's share (600: 12).
	if got := r.balance("org:carrier-f"); got != 45 {
		t.Fatalf("carrier-f holds %d, want 45", got)
	}
	if got := r.balance("org:supplier-i"); got != 12 {
		t.Fatalf("supplier-i holds %d, want 12", got)
	}
	// hub-d: paid 500, 600 and 700 into pools 1, 3 and 4; got 600 back
	// from pool 3's failover, 50 as its pool 1 share, 100 by dispute 3.
	// factory-a: pool 1's 870 + 435, pool 2's 618 + 285, pool 4's 588 (hub-d's
	// payout 600 less the designer's 12); hub-e's 300 in pool 4 still waits
	// for a shipment, captured.
	for acct, want := range map[gongxu.AccountID]gongxu.Amount{
		"org:hub-d": 1_000_000 - 500 - 600 - 700 + 600 + 50 + 100, "org:factory-a": 870 + 435 + 618 + 285 + 588,
		"captured:1": 0, "captured:2": 0, "captured:3": 0, "captured:4": 300,
	} {
		if got := r.balance(acct); got != want {
			t.Errorf("%s holds %d at the end, want %d", acct, got, want)
		}
	}

	chaintest.Replay(t, trustOrgs, first, r.blocks, r.roots, 2, func(x *chaintest.Harness) error { return x.Mods.Settle.CheckInvariant(x.State) })
	chaintest.PinAppHashes(t, "testdata/trust_replay.golden", map[string]string{"trust": r.roots[len(r.roots)-1]})
}
