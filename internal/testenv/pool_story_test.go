package testenv_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	settlement "github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/testenv"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// The story's numbers.
const (
	storyCurrency = "CNY"
	storyDeposit  = 500_000 // each hub's deposit
	storyOpenMs   = 25_000  // deadline after the latest block time
	storyLockMs   = 5_000   // no reductions in the last 5 s
	batchesPerHub = 2       // batches into pool A per hub
	leavesA       = 10      // leaves per batch into A: 15 units (1, 2, 1, 2 …)
	leavesB       = 3       // leaves of the one batch per hub into B: 4 units
	priceTier2    = 10_900
)

var (
	tiersA = []gongxu.Tier{{MinQty: 1, UnitPrice: 12_900}, {MinQty: 50, UnitPrice: priceTier2}, {MinQty: 100, UnitPrice: 9_900}}
	tiersB = []gongxu.Tier{{MinQty: 1, UnitPrice: 5_000}, {MinQty: 200, UnitPrice: 4_500}}
)

// sentBatch is a hub batch the test submitted, with the leaves it kept.
type sentBatch struct {
	pool   uint64
	hub    gongxu.OrgID
	via    int // the node that took it
	leaves []pool.Leaf
	qty    int64
	res    gongxu.TxResult
}

// TestPoolStory runs the whole demand-pool story on 4 validators, each its
// own process, talking to the nodes over HTTP only: two hubs are admitted by
// governance; a factory publishes products; three hubs deposit money and
// batch pledges into pool A, which crosses its MOQ, closes at its deadline at
// the tier its total earned, goes into production and is settled once every
// hub confirmed delivery; pool B falls short and every pledge is refunded.
// Every receipt verifies against a node that did not take the batch, money
// adds up on every node, the chains agree, and the pages show it in Chromium.
func TestPoolStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	start := time.Now()
	net := testenv.NewNetwork(t, 4) // builds the binary first, unless GONGXU_TEST_BINARY is set
	net.StartAll()
	// The story's bound starts once the nodes answer: a slow build does not count.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s := &story{t: t, net: net, ctx: ctx, start: start}
	for i := range net.Nodes {
		s.must(net.WaitHeight(ctx, i, 2))
	}
	if _, err := net.Client(0).Pools(ctx, gongxu.PoolFilter{}); err != nil {
		t.Fatalf("node 0 does not serve GET /v1/pools: %v (internal/node must pass Pools, RFQs and Receipts to httpapi.Config)", err)
	}
	s.logf("4 validators up in %s; APIs %s … %s", net.Dir, net.Nodes[0].API, net.Nodes[3].API)

	factory := newSigner(net.Nodes[0].Org, net.OperatorKey(0))
	supplier := newSigner(net.Nodes[1].Org, net.OperatorKey(1))
	hub := newSigner(net.Nodes[2].Org, net.OperatorKey(2))
	if factory.org != "org-0" || supplier.org != "org-1" || hub.org != "org-2" {
		t.Fatalf("testnet orgs are %s, %s, %s; want org-0, org-1, org-2", factory.org, supplier.org, hub.org)
	}

	// 1. Two more hubs join by governance. Each admission needs more than 2/3
	// of the member orgs now: 3 of 4 for the first, and then, with 5
	// members, 4 of 5 for the second, which the newly admitted hub gives.
	var newHubs []*signer
	for _, id := range []gongxu.OrgID{"hub-b", "hub-c"} {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		s.must(err)
		newHubs = append(newHubs, newSigner(id, key))
	}
	hubB, hubC := newHubs[0], newHubs[1]
	props := map[gongxu.OrgID]uint64{}
	for _, h := range newHubs {
		title := "Admit " + string(h.org)
		s.send(0, factory, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: title,
			Org: &gongxu.Org{ID: h.org, Name: "Hub " + strings.ToUpper(string(h.org[4:])), Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{h.pub},
				Description: "a community hub"}})
		open, err := net.Client(0).Proposals(ctx, gongxu.ProposalFilter{Status: gongxu.ProposalOpen})
		s.must(err)
		for _, p := range open {
			if p.Title == title {
				props[h.org] = p.ID
			}
		}
		if props[h.org] == 0 {
			t.Fatalf("no open proposal %q on node 0: %+v", title, open)
		}
	}
	s.send(1, supplier, member.TypeVote, member.MsgVote{Proposal: props["hub-b"], Yes: true})
	s.send(1, supplier, member.TypeVote, member.MsgVote{Proposal: props["hub-c"], Yes: true})
	s.send(2, hub, member.TypeVote, member.MsgVote{Proposal: props["hub-b"], Yes: true})
	res := s.send(2, hub, member.TypeVote, member.MsgVote{Proposal: props["hub-c"], Yes: true})
	p, err := net.Client(2).Proposal(ctx, props["hub-c"])
	s.must(err)
	if p.Status != gongxu.ProposalOpen || p.Electors != 5 {
		t.Fatalf("admit hub-c after 3 yes votes with hub-b admitted: %s with %d electors, want open with 5", p.Status, p.Electors)
	}
	res = s.send(3, hubB, member.TypeVote, member.MsgVote{Proposal: props["hub-c"], Yes: true})
	s.caughtUp(res.Height)
	for _, h := range newHubs {
		for i := range net.Nodes {
			p, err := net.Client(i).Proposal(ctx, props[h.org])
			s.must(err)
			if p.Status != gongxu.ProposalPassed {
				t.Fatalf("node %d: proposal %d (admit %s) is %s (%s), want passed", i, p.ID, h.org, p.Status, p.Result)
			}
			o, err := net.Client(i).Org(ctx, h.org)
			s.must(err)
			if !o.HasRole(gongxu.RoleHub) || !slices.Equal(o.Keys, []gongxu.PubKey{h.pub}) {
				t.Fatalf("node %d: admitted org %+v, want a hub with key %s", i, o, h.pub)
			}
		}
	}
	s.logf("step 1: hub-b admitted by org-0, org-1, org-2 (proposal %d); hub-c by those and hub-b, 4 of 5 (proposal %d); height %d",
		props["hub-b"], props["hub-c"], res.Height)

	// 2. The factory publishes two products; the three hubs record deposits,
	// each signing with its own key through a node of its choice.
	hubs := []*signer{hub, hubB, hubC}
	hubVia := []int{2, 1, 3} // the node each hub submits through
	jacket := catalog.MsgPublish{SKU: "rain-jacket", Name: "Waxed cotton rain jacket", Unit: "piece", LeadTimeDays: 21,
		Variants: []gongxu.Variant{{ID: "s", Name: "S / olive"}, {ID: "m", Name: "M / olive"}, {ID: "l", Name: "L / olive"}}}
	scarf := catalog.MsgPublish{SKU: "wool-scarf", Name: "Lambswool scarf", Unit: "piece", LeadTimeDays: 10}
	s.send(0, factory, catalog.TypePublish, jacket)
	s.send(0, factory, catalog.TypePublish, scarf)
	variants := []string{"s", "m", "l"}
	s.parallel(len(hubs), func(k int) error {
		res, err := s.trySend(hubVia[k], hubs[k], settlement.TypeDeposit, settlement.MsgDeposit{Currency: storyCurrency, Amount: storyDeposit, Ref: "till, week 1"})
		return committed(res, err, "deposit of "+string(hubs[k].org))
	})
	for _, h := range hubs {
		s.must(net.WaitReadModel(ctx, 0, h.last))
		if got := s.balance(0, gongxu.OrgAccount(h.org), storyCurrency); got != storyDeposit {
			t.Fatalf("%s holds %d after its deposit, want %d", h.org, got, storyDeposit)
		}
	}
	s.logf("step 2: products %s/%s (variants %v) and %s/%s published; hubs %s, %s, %s deposited %d %s each",
		factory.org, jacket.SKU, variants, factory.org, scarf.SKU, hub.org, hubB.org, hubC.org, storyDeposit, storyCurrency)

	// 3. The factory opens pool A (MOQ 60, cap 300) and pool B (MOQ 500), both
	// closing 25 s of block time from now.
	deadline := s.blockTime(0) + storyOpenMs
	resA := s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: gongxu.NewProductID(factory.org, jacket.SKU), Tiers: tiersA,
		MOQ: 60, Cap: 300, CasePack: 1, Currency: storyCurrency, Deadline: deadline, LockMs: storyLockMs,
		Hubs: []gongxu.OrgID{hub.org, hubB.org, hubC.org}, Terms: "delivered to the hubs within 21 days of the close"})
	resB := s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: gongxu.NewProductID(factory.org, scarf.SKU), Tiers: tiersB,
		MOQ: 500, Cap: 1000, CasePack: 1, Currency: storyCurrency, Deadline: deadline, LockMs: storyLockMs})
	idA, idB := s.poolIDOf(0, resA.Hash), s.poolIDOf(0, resB.Hash)
	s.logf("step 3: pools A=%d and B=%d opened at heights %d, %d; deadline %s (block time)",
		idA, idB, resA.Height, resB.Height, time.UnixMilli(deadline).UTC().Format(time.RFC3339Nano))

	// 4. Each hub batches its consumers' pledges: two batches into A, one
	// into B. Together they cross A's MOQ into the second tier.
	perHub := make([][]sentBatch, len(hubs))
	s.parallel(len(hubs), func(k int) error {
		h, via := hubs[k], hubVia[k]
		submit := func(id uint64, tag string, n int, vs []string) error {
			leaves, qty := makeLeaves(fmt.Sprintf("%s/%d/%s", h.org, id, tag), n, vs)
			res, err := s.trySend(via, h, pool.TypeBatch, pool.MsgBatch{Pool: id, Leaves: leaves})
			if err := committed(res, err, fmt.Sprintf("batch %s of %s into pool %d", tag, h.org, id)); err != nil {
				return err
			}
			perHub[k] = append(perHub[k], sentBatch{pool: id, hub: h.org, via: via, leaves: leaves, qty: qty, res: res})
			return nil
		}
		for j := range batchesPerHub {
			if err := submit(idA, fmt.Sprint(j), leavesA, variants); err != nil {
				return err
			}
		}
		return submit(idB, "0", leavesB, nil)
	})
	var sent []sentBatch
	var top int64
	qtyOf := map[uint64]map[gongxu.OrgID]int64{idA: {}, idB: {}}
	varOf := map[gongxu.OrgID]map[string]int64{} // pool A
	pledgesA := int64(0)
	for _, bs := range perHub {
		for _, b := range bs {
			sent = append(sent, b)
			top = max(top, b.res.Height)
			qtyOf[b.pool][b.hub] += b.qty
			if b.pool == idA {
				pledgesA += int64(len(b.leaves))
				if varOf[b.hub] == nil {
					varOf[b.hub] = map[string]int64{}
				}
				for _, l := range b.leaves {
					varOf[b.hub][l.Variant] += int64(l.Qty)
				}
			}
		}
	}
	totalA, totalB := sumValues(qtyOf[idA]), sumValues(qtyOf[idB])
	tierA, tier := gongxu.TierFor(tiersA, gongxu.Units(totalA))
	if tierA != 1 || tier.UnitPrice != priceTier2 || totalA >= 300 {
		t.Fatalf("the story's batches total %d units in A (tier %d), want the second tier below the cap", totalA, tierA+1)
	}
	s.must(net.WaitReadModel(ctx, 0, top))
	va, err := net.Client(0).Pool(ctx, idA)
	s.must(err)
	if va.Status != gongxu.PoolOpen {
		t.Fatalf("pool A is %s before its deadline: the batches took too long (raise storyOpenMs): %+v", va.Status, va.History)
	}
	wantProg := gongxu.Progress{MOQ: 60, Total: gongxu.Units(totalA), ToMOQ: 0, CapLeft: gongxu.Units(300 - totalA), Tier: 1, UnitPrice: priceTier2,
		Next: &gongxu.NextTier{MinQty: 100, UnitPrice: 9_900, Units: gongxu.Units(100 - totalA)}, MsLeft: va.Progress.MsLeft, PercentOfMOQ: totalA * 100 / 60}
	if !reflect.DeepEqual(va.Progress, wantProg) || !va.MOQReached || int64(va.Total) != totalA || va.Pledges != pledgesA || int64(va.Escrowed) != totalA*firstPrice(true) {
		t.Errorf("pool A after the batches: total %d, pledges %d, escrowed %d, moq reached %v, progress %s; want %d, %d, %d, true, %s",
			va.Total, va.Pledges, va.Escrowed, va.MOQReached, js(va.Progress), totalA, pledgesA, totalA*firstPrice(true), js(wantProg))
	}
	if !slices.ContainsFunc(va.History, func(c gongxu.PoolChange) bool { return strings.HasPrefix(c.Reason, "minimum batch reached") }) {
		t.Errorf("pool A's history does not say the MOQ was reached: %+v", va.History)
	}
	shares, err := net.Client(0).HubShares(ctx, idA)
	s.must(err)
	if len(shares) != len(hubs) {
		t.Fatalf("pool A has %d hub shares, want %d: %+v", len(shares), len(hubs), shares)
	}
	for _, sh := range shares {
		got := map[string]int64{}
		for _, v := range sh.Variants {
			got[v.Variant] = int64(v.Qty)
		}
		if int64(sh.Qty) != qtyOf[idA][sh.Hub] || sh.Pledges != batchesPerHub*leavesA || !maps.Equal(got, varOf[sh.Hub]) || sh.Delivered {
			t.Errorf("hub share %+v, want qty %d, %d pledges, variants %v, not delivered", sh, qtyOf[idA][sh.Hub], batchesPerHub*leavesA, varOf[sh.Hub])
		}
	}
	records := map[string]gongxu.Batch{}
	for _, id := range []uint64{idA, idB} {
		bs, err := net.Client(0).Batches(ctx, id)
		s.must(err)
		for _, b := range bs {
			records[b.Tx] = b
		}
	}
	for _, b := range sent {
		rec, ok := records[b.res.Hash]
		local := pool.Receipts(b.res.Hash, b.pool, b.hub, b.leaves)[0]
		want := gongxu.Batch{Pool: b.pool, Hub: b.hub, Tx: b.res.Hash, Root: local.Root, Leaves: int64(len(b.leaves)), Qty: gongxu.Units(b.qty),
			Escrow: gongxu.Amount(b.qty * firstPrice(b.pool == idA)), Height: b.res.Height}
		if !ok || rec != want {
			t.Errorf("batch record of %s: %+v (listed %v), want %+v", b.res.Hash, rec, ok, want)
		}
	}
	if len(records) != len(sent) {
		t.Errorf("nodes list %d batches, the test sent %d", len(records), len(sent))
	}
	vb, err := net.Client(0).Pool(ctx, idB)
	s.must(err)
	if vb.Status != gongxu.PoolOpen || int64(vb.Total) != totalB || vb.MOQReached || int64(vb.Progress.ToMOQ) != 500-totalB {
		t.Errorf("pool B after the batches: %s, total %d, moq reached %v, to moq %d; want open, %d, false, %d", vb.Status, vb.Total, vb.MOQReached, vb.Progress.ToMOQ, totalB, 500-totalB)
	}
	s.logf("step 4: %d batches committed up to height %d: A has %d units in %d pledges from %v, progress %s; B has %d units",
		len(sent), top, va.Total, va.Pledges, hubsOf(shares), js(va.Progress), vb.Total)

	// 5. Block time passes the deadline: A succeeds at the second tier's
	// price, B fails; escrow is captured, released and refunded.
	va = s.waitPool(0, idA, gongxu.PoolOpen)
	vb = s.waitPool(0, idB, gongxu.PoolOpen)
	price := int64(tier.UnitPrice)
	closeA, closeB := va.History[len(va.History)-1], vb.History[len(vb.History)-1]
	if va.Status != gongxu.PoolSucceeded || int64(va.Price) != price || int64(va.Captured) != totalA*price || va.Escrowed != 0 ||
		closeA.Time < deadline || !strings.HasPrefix(closeA.Reason, "deadline reached") {
		t.Fatalf("pool A after its deadline: %s at %d, captured %d, escrowed %d, closed %+v; want succeeded at %d, captured %d, 0, by the deadline %d",
			va.Status, va.Price, va.Captured, va.Escrowed, closeA, price, totalA*price, deadline)
	}
	if vb.Status != gongxu.PoolFailed || vb.Price != 0 || vb.Escrowed != 0 || closeB.Time < deadline || !strings.Contains(closeB.Reason, "refunded") {
		t.Fatalf("pool B after its deadline: %s at %d, escrowed %d, closed %+v; want failed, 0, 0, refunded at the deadline %d", vb.Status, vb.Price, vb.Escrowed, closeB, deadline)
	}
	s.must(net.WaitReadModel(ctx, 0, max(closeA.Height, closeB.Height)))
	for _, h := range hubs {
		acct := gongxu.OrgAccount(h.org)
		qa, qb := qtyOf[idA][h.org], qtyOf[idB][h.org]
		escA, escB := qa*firstPrice(true), qb*firstPrice(false)
		if got, want := s.balance(0, acct, storyCurrency), int64(storyDeposit)-qa*price; got != want {
			t.Errorf("%s holds %d after the close, want %d (deposit %d − %d units × %d)", acct, got, want, storyDeposit, qa, price)
		}
		ms := s.movements(0, acct)
		released := sumMoves(ms, storyCurrency, func(m gongxu.Movement) bool {
			return m.From == gongxu.EscrowAccount(idA) && m.To == acct && m.Reason == settlement.ReasonRelease
		})
		refunded := sumMoves(ms, storyCurrency, func(m gongxu.Movement) bool {
			return m.From == gongxu.EscrowAccount(idB) && m.To == acct && m.Reason == settlement.ReasonRefund
		})
		if released != escA-qa*price || refunded != escB {
			t.Errorf("%s: released %d from A's escrow, refunded %d from B's; want %d (escrow %d − capture %d) and %d",
				acct, released, refunded, escA-qa*price, escA, qa*price, escB)
		}
	}
	for acct, want := range map[gongxu.AccountID]int64{
		gongxu.EscrowAccount(idA): 0, gongxu.EscrowAccount(idB): 0, gongxu.CapturedAccount(idA): totalA * price, gongxu.CapturedAccount(idB): 0,
	} {
		if got := s.balance(0, acct, storyCurrency); got != want {
			t.Errorf("%s holds %d after the close, want %d", acct, got, want)
		}
	}
	s.logf("step 5: at block time ≥ deadline, A succeeded at height %d with %d units at %d (tier %d): %d captured; B failed at height %d with %d units, refunded",
		closeA.Height, totalA, price, tierA+1, va.Captured, closeB.Height, totalB)

	// 6. Production, deliveries, settlement.
	res = s.send(0, factory, pool.TypeStartProduction, pool.MsgStartProduction{Pool: idA})
	va, err = net.Client(0).Pool(ctx, idA)
	s.must(err)
	if va.Status != gongxu.PoolInProduction {
		t.Fatalf("pool A after start_production: %s", va.Status)
	}
	s.parallel(len(hubs), func(k int) error {
		res, err := s.trySend(hubVia[k], hubs[k], pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: idA})
		return committed(res, err, "confirm_delivery of "+string(hubs[k].org))
	})
	for _, h := range hubs {
		top = max(top, h.last)
	}
	s.must(net.WaitReadModel(ctx, 0, top))
	va, err = net.Client(0).Pool(ctx, idA)
	s.must(err)
	var statuses []gongxu.PoolStatus
	for _, c := range va.History {
		if len(statuses) == 0 || statuses[len(statuses)-1] != c.Status {
			statuses = append(statuses, c.Status)
		}
	}
	wantStatuses := []gongxu.PoolStatus{gongxu.PoolOpen, gongxu.PoolSucceeded, gongxu.PoolInProduction, gongxu.PoolDelivered, gongxu.PoolSettled}
	if va.Status != gongxu.PoolSettled || !slices.Equal(statuses, wantStatuses) || int64(va.Released) != totalA*price || va.Captured != 0 {
		t.Errorf("pool A after the deliveries: %s (history %v), released %d, captured %d; want settled (%v), %d, 0",
			va.Status, statuses, va.Released, va.Captured, wantStatuses, totalA*price)
	}
	shares, err = net.Client(0).HubShares(ctx, idA)
	s.must(err)
	for _, sh := range shares {
		if !sh.Delivered {
			t.Errorf("hub share %+v is not delivered", sh)
		}
	}
	factoryAcct := gongxu.OrgAccount(factory.org)
	if got := s.balance(0, factoryAcct, storyCurrency); got != totalA*price {
		t.Errorf("%s holds %d after the deliveries, want %d", factoryAcct, got, totalA*price)
	}
	if got := s.balance(0, gongxu.CapturedAccount(idA), storyCurrency); got != 0 {
		t.Errorf("%s holds %d after the deliveries, want 0", gongxu.CapturedAccount(idA), got)
	}
	paid := sumMoves(s.movements(0, factoryAcct), storyCurrency, func(m gongxu.Movement) bool {
		return m.From == gongxu.CapturedAccount(idA) && m.Reason == settlement.ReasonPayout
	})
	if paid != totalA*price {
		t.Errorf("payouts to %s: %d, want %d", factoryAcct, paid, totalA*price)
	}
	s.logf("step 6: production started at height %d; %d hubs confirmed delivery; A settled: %d %s paid out to %s, captured:%d empty",
		res.Height, len(hubs), paid, storyCurrency, factory.org, idA)

	// 7. Every leaf's receipt, from a node that did not take its batch,
	// verifies and equals what the hub computes from its own leaves; a
	// tampered one does not.
	checked := 0
	for _, b := range sent {
		r := (b.via + 1) % len(net.Nodes)
		s.must(net.WaitReadModel(ctx, r, b.res.Height))
		local := pool.Receipts(b.res.Hash, b.pool, b.hub, b.leaves)
		for i := range b.leaves {
			got, err := net.Client(r).Receipt(ctx, b.res.Hash, i)
			if err != nil {
				t.Fatalf("receipt %d of batch %s (pool %d, %s) from node %d: %v", i, b.res.Hash, b.pool, b.hub, r, err)
			}
			if err := pool.VerifyReceipt(got); err != nil {
				t.Errorf("receipt %d of batch %s from node %d: %v", i, b.res.Hash, r, err)
			}
			if want := local[i]; !sameReceipt(got, want) {
				t.Errorf("receipt %d of batch %s from node %d:\n got %s\nwant %s", i, b.res.Hash, r, js(got), js(want))
			}
			if got.Root != records[b.res.Hash].Root || int64(got.Leaves) != records[b.res.Hash].Leaves {
				t.Errorf("receipt %d of batch %s: root %s of %d leaves, the ledger's batch has %s of %d", i, b.res.Hash, got.Root, got.Leaves, records[b.res.Hash].Root, records[b.res.Hash].Leaves)
			}
			bad := got
			bad.Leaf.Qty++
			if pool.VerifyReceipt(bad) == nil {
				t.Errorf("receipt %d of batch %s verifies with qty %d instead of %d", i, b.res.Hash, bad.Leaf.Qty, got.Leaf.Qty)
			}
			checked++
		}
		if _, err := net.Client(r).Receipt(ctx, b.res.Hash, len(b.leaves)); gongxu.ErrorKind(err) != gongxu.KindNotFound {
			t.Errorf("receipt %d of a %d-leaf batch: %v, want not found", len(b.leaves), len(b.leaves), err)
		}
	}
	s.logf("step 7: %d receipts of %d batches verified from nodes other than the one that took each batch; tampered copies fail", checked, len(sent))

	// 8. The money invariant, over HTTP on every node: the balances of every
	// account involved add up to deposits less withdrawals, each balance is
	// the net of its movements, and all 4 nodes answer the same.
	h, err := net.Height(0)
	s.must(err)
	s.caughtUp(h)
	accounts := []gongxu.AccountID{gongxu.EscrowAccount(idA), gongxu.EscrowAccount(idB), gongxu.CapturedAccount(idA), gongxu.CapturedAccount(idB)}
	for _, nd := range net.Nodes {
		accounts = append(accounts, gongxu.OrgAccount(nd.Org))
	}
	for _, sg := range newHubs {
		accounts = append(accounts, gongxu.OrgAccount(sg.org))
	}
	want := map[gongxu.AccountID]int64{factoryAcct: totalA * price}
	for _, sg := range hubs {
		want[gongxu.OrgAccount(sg.org)] = storyDeposit - qtyOf[idA][sg.org]*price
	}
	var money0 []string
	for i := range net.Nodes {
		var sum, deposits, withdrawals int64
		var money []string
		for _, acct := range accounts {
			bs, err := net.Client(i).Balances(ctx, acct)
			s.must(err)
			ms := s.movements(i, acct)
			money = append(money, js(bs), js(ms))
			bal := s.balance(i, acct, storyCurrency)
			sum += bal
			in := sumMoves(ms, storyCurrency, func(m gongxu.Movement) bool { return m.To == acct })
			out := sumMoves(ms, storyCurrency, func(m gongxu.Movement) bool { return m.From == acct })
			if bal != in-out || bal != want[acct] {
				t.Errorf("node %d: %s holds %d; its movements net %d − %d = %d; want %d", i, acct, bal, in, out, in-out, want[acct])
			}
			deposits += sumMoves(ms, storyCurrency, func(m gongxu.Movement) bool { return m.From == "" })
			withdrawals += sumMoves(ms, storyCurrency, func(m gongxu.Movement) bool { return m.To == "" })
		}
		if sum != deposits-withdrawals || deposits != int64(len(hubs))*storyDeposit {
			t.Errorf("node %d: the balances add up to %d %s; deposits %d − withdrawals %d = %d (want deposits %d)",
				i, sum, storyCurrency, deposits, withdrawals, deposits-withdrawals, int64(len(hubs))*storyDeposit)
		}
		if i == 0 {
			money0 = money
			s.logf("step 8: node 0 at read-model height ≥ %d: %d accounts hold %d %s = deposits %d − withdrawals %d", h, len(accounts), sum, storyCurrency, deposits, withdrawals)
			continue
		}
		for k := range money {
			if money[k] != money0[k] {
				t.Errorf("node %d answers differently from node 0 for %s:\n%s\n%s", i, accounts[k/2], money[k], money0[k])
			}
		}
	}
	s.logf("step 8: the 4 nodes answer the same balances and movements for all %d accounts", len(accounts))

	// 9. Every node holds the same blocks and computed the same app hashes.
	if err := net.CompareChains(1, h); err != nil {
		t.Fatal(err)
	}
	app, _ := net.AppHash(0, h)
	s.logf("step 9: the 4 nodes agree on every block and app hash up to height %d (app hash %.12s…)", h, app)

	// 10. The pages show it in Chromium.
	t.Run("pages", func(t *testing.T) { storyPages(t, s, idA, idB) })
	s.logf("done")
}

// storyPages loads node 0's pool pages in a headless Chromium and reads what
// they show of pools A (settled) and B (failed).
func storyPages(t *testing.T, s *story, idA, idB uint64) {
	base := s.net.Nodes[0].API
	resp, err := http.Get(base + "/pools")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The node serves its pool pages (web.Config.Pools): a 404 here is a
	// node that lost them, and fails the story like any other status.
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s/pools: %s, want 200 OK: the node must serve its pool pages", base, resp.Status)
	}
	ctx := webtest.Browser(t)
	load := func(path, wait string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
			t.Fatalf("load %s: %v", path, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(v)
	}
	badge := func(sel string, want gongxu.PoolStatus) {
		t.Helper()
		if got := text(sel); !strings.EqualFold(got, string(want)) {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}

	load("/pools", fmt.Sprintf("#pool-%d", idB))
	badge(fmt.Sprintf("#pool-%d .badge", idA), gongxu.PoolSettled)
	badge(fmt.Sprintf("#pool-%d .badge", idB), gongxu.PoolFailed)
	if card := text(fmt.Sprintf("#pool-%d", idA)); !strings.Contains(card, "Waxed cotton rain jacket") {
		t.Errorf("pool A's card shows %q, want its product's name", card)
	}
	s.logf("step 10: /pools shows pool %d settled and pool %d failed", idA, idB)

	load(fmt.Sprintf("/pools/%d", idA), "#pool")
	badge("#pool .sub .badge", gongxu.PoolSettled)
	page := strings.ToLower(text("#pool"))
	for _, w := range []string{"succeeded", "in production", "delivered", "settled", "minimum batch reached"} {
		if !strings.Contains(page, w) {
			t.Errorf("/pools/%d does not show %q:\n%s", idA, w, page)
		}
	}
	webtest.Screenshot(t, ctx, "story-pool-a.png")
	load(fmt.Sprintf("/pools/%d", idB), "#pool")
	badge("#pool .sub .badge", gongxu.PoolFailed)
	if page := strings.ToLower(text("#pool")); !strings.Contains(page, "refunded") {
		t.Errorf("/pools/%d does not say the pledges were refunded:\n%s", idB, page)
	}
	s.logf("step 10: /pools/%d shows settled with its history; /pools/%d shows failed and refunded", idA, idB)
}

func firstPrice(a bool) int64 {
	if a {
		return int64(tiersA[0].UnitPrice)
	}
	return int64(tiersB[0].UnitPrice)
}

func sumValues[K comparable](m map[K]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

func hubsOf(shares []gongxu.HubShare) []gongxu.OrgID {
	out := make([]gongxu.OrgID, len(shares))
	for i, sh := range shares {
		out[i] = sh.Hub
	}
	return out
}

// sameReceipt compares receipts, an empty proof equal to none.
func sameReceipt(a, b gongxu.Receipt) bool {
	if !slices.Equal(a.Proof, b.Proof) {
		return false
	}
	a.Proof, b.Proof = nil, nil
	return reflect.DeepEqual(a, b)
}

// js is v as JSON, for messages and comparisons.
func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}
