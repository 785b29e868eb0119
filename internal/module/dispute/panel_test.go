package dispute_test

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestDraw: the draw is a pure function of the seed and the set of
// candidates (not their order), takes n distinct candidates, all of them
// when there are fewer, and different seeds give different panels.
func TestDraw(t *testing.T) {
	var orgs []gongxu.OrgID
	for i := range 12 {
		orgs = append(orgs, gongxu.OrgID(fmt.Sprintf("org-%02d", i)))
	}
	seed := dispute.Seed(7, "ABCDEF", 42, []byte("root"))
	want := dispute.Draw(seed, orgs, 3)
	if len(want) != 3 {
		t.Fatalf("panel %v, want 3", want)
	}
	rev := slices.Clone(orgs)
	slices.Reverse(rev)
	if got := dispute.Draw(seed, rev, 3); !slices.Equal(got, want) {
		t.Fatalf("the candidates' order changed the panel: %v vs %v", got, want)
	}
	if got := dispute.Draw(seed, orgs, 3); !slices.Equal(got, want) {
		t.Fatalf("same seed, same candidates, another panel: %v vs %v", got, want)
	}
	sorted := slices.Clone(want)
	slices.Sort(sorted)
	if len(slices.Compact(sorted)) != 3 {
		t.Fatalf("panel %v repeats an org", want)
	}
	if got := dispute.Draw(seed, orgs[:2], 3); len(got) != 2 {
		t.Fatalf("2 candidates for 3 seats: %v", got)
	}
	// Each candidate is drawn first about as often as the others over many
	// seeds: the permutation favours no id.
	first := map[gongxu.OrgID]int{}
	panels := map[string]bool{}
	for h := range int64(1200) {
		p := dispute.Draw(dispute.Seed(7, "ABCDEF", h, []byte("root")), orgs, 3)
		first[p[0]]++
		panels[fmt.Sprint(p)] = true
	}
	for _, o := range orgs {
		if n := first[o]; n < 50 || n > 150 { // 100 expected
			t.Errorf("%s drawn first %d times in 1200", o, n)
		}
	}
	if len(panels) < 500 {
		t.Errorf("only %d distinct panels over 1200 seeds", len(panels))
	}
}

// TestSeed: every input of the seed changes it.
func TestSeed(t *testing.T) {
	prev := []byte{1, 2, 3}
	base := dispute.Seed(1, "AA", 10, prev)
	for name, s := range map[string][32]byte{
		"id": dispute.Seed(2, "AA", 10, prev), "tx": dispute.Seed(1, "AB", 10, prev), "height": dispute.Seed(1, "AA", 11, prev),
		"previous app hash": dispute.Seed(1, "AA", 10, []byte{1, 2, 4}),
	} {
		if s == base {
			t.Errorf("changing the %s leaves the seed as it was", name)
		}
	}
}

func TestPanelSize(t *testing.T) {
	for _, c := range []struct {
		p              int64
		eligible, want int
	}{{3, 10, 3}, {3, 3, 3}, {3, 2, 1}, {3, 1, 1}, {3, 0, 0}, {5, 4, 3}, {7, 6, 5}, {1, 9, 1}} {
		if got := dispute.PanelSize(c.p, c.eligible); got != c.want {
			t.Errorf("PanelSize(%d, %d) = %d, want %d", c.p, c.eligible, got, c.want)
		}
	}
}

// TestRuling: the largest split a majority of the panel voted at least.
func TestRuling(t *testing.T) {
	v := func(xs ...gongxu.Amount) []gongxu.DisputeVote {
		var out []gongxu.DisputeVote
		for _, x := range xs {
			out = append(out, gongxu.DisputeVote{ToClaimant: x})
		}
		return out
	}
	for _, c := range []struct {
		votes []gongxu.DisputeVote
		panel int
		want  gongxu.Amount
		ok    bool
	}{
		{v(0, 2000, 3000), 3, 2000, true}, // the median
		{v(3000, 0, 2000), 3, 2000, true}, // in any order
		{v(1500, 500), 3, 500, true},      // two of three: both voted at least 500
		{v(1000), 3, 0, false},            // no majority
		{nil, 3, 0, false},                //
		{v(7), 1, 7, true},                // a panel of one
		{v(1, 2, 3, 4, 5), 5, 3, true},    // the median of five
		{v(9, 9, 0), 5, 0, true},          // three of five: the third largest
		{v(100, 100, 100, 0, 0), 5, 100, true},
	} {
		got, ok := dispute.Ruling(c.votes, c.panel)
		if got != c.want || ok != c.ok {
			t.Errorf("Ruling(%v, %d) = %d, %v; want %d, %v", c.votes, c.panel, got, ok, c.want, c.ok)
		}
	}
}

// TestDefaultSplit: basis points of the claim, rounded down, with no
// overflow at the largest amount.
func TestDefaultSplit(t *testing.T) {
	for _, c := range []struct {
		claimed gongxu.Amount
		bps     int64
		want    gongxu.Amount
	}{{1000, 5000, 500}, {1999, 2000, 399}, {1, 5000, 0}, {3000, 0, 0}, {3000, 10_000, 3000},
		{math.MaxInt64, 10_000, math.MaxInt64}, {math.MaxInt64, 5000, math.MaxInt64 / 2}} {
		if got := dispute.DefaultSplit(c.claimed, c.bps); got != c.want {
			t.Errorf("DefaultSplit(%d, %d) = %d, want %d", c.claimed, c.bps, got, c.want)
		}
	}
}

// TestPanelFromLedger: the panel is a function of the ledger alone. Two
// chains fed the same blocks draw the same panel; a dispute escalating at
// another height draws from the same eligible orgs with another seed; no
// party and no tied hub (another hub of the pool) is ever drawn.
func TestPanelFromLedger(t *testing.T) {
	orgs := []chaintest.OrgSpec{
		{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}}, {ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
		{ID: "carrier-d", Roles: []gongxu.Role{gongxu.RoleLogistics}}, {ID: "supplier-e", Roles: []gongxu.Role{gongxu.RoleSupplier}},
		{ID: "supplier-f", Roles: []gongxu.Role{gongxu.RoleSupplier}}, {ID: "factory-g", Roles: []gongxu.Role{gongxu.RoleFactory}},
		{ID: "hub-h", Roles: []gongxu.Role{gongxu.RoleHub}}, {ID: "carrier-i", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	}
	// draw runs the story with extra empty blocks before the response
	// deadline (the escalation height moves; nothing else does).
	draw := func(extra int) []gongxu.OrgID {
		h := chaintest.New(t, orgs...)
		ok := func(signer, typ string, body any) {
			t.Helper()
			if r := h.Deliver(h.Sign(signer, typ, body)); r.Code != 0 {
				t.Fatalf("%s by %s: %s", typ, signer, r.Log)
			}
		}
		ok("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"})
		for _, hb := range []string{"hub-b", "hub-c"} {
			ok(hb, settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 100_000})
		}
		ok("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/tee", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
			MOQ: 5, Cap: 1000, CasePack: 1, Currency: "CNY", Deadline: h.Time + day})
		for i, hb := range []string{"hub-b", "hub-c"} {
			ok(hb, pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []gongxu.PoolLeaf{{ID: fmt.Sprintf("%016x", i+1), Qty: 10, Commit: fmt.Sprintf("%064x", i+1)}}})
		}
		h.Advance(day)
		h.Block()
		ok("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: 1})
		ok("hub-b", dispute.TypeOpen, dispute.MsgOpen{Pool: 1, Kind: gongxu.DisputeShort, Claimed: 500})
		for range extra {
			h.Block()
		}
		if d, err := h.Mods.Dispute.Dispute(h.State, 1); err == nil {
			h.Time = d.Opened + 7*day - 2000 // the next block is a second before the deadline
		}
		h.Block()
		if d, err := h.Mods.Dispute.Dispute(h.State, 1); err != nil || d.Status != gongxu.DisputeOpen {
			t.Fatalf("dispute 1 before its deadline: %+v, %v", d, err)
		}
		h.Block()
		d, err := h.Mods.Dispute.Dispute(h.State, 1)
		if err != nil || d.Status != gongxu.DisputePanel || len(d.Panel) != 3 {
			t.Fatalf("dispute 1: %+v, %v", d, err)
		}
		for _, o := range d.Panel {
			if o == "hub-b" || o == "factory-a" || o == "hub-c" {
				t.Fatalf("party or tied hub %s on the panel %v", o, d.Panel)
			}
		}
		return d.Panel
	}
	first := draw(0)
	if again := draw(0); !slices.Equal(again, first) {
		t.Fatalf("the same ledger drew %v and %v", first, again)
	}
	panels := map[string]bool{fmt.Sprint(first): true}
	for extra := 1; extra <= 6; extra++ {
		panels[fmt.Sprint(draw(extra))] = true
	}
	if len(panels) < 2 {
		t.Errorf("seven escalation heights drew one panel: %v", panels)
	}
	t.Logf("panels drawn: %v", panels)
}

// TestPanelNotGrindableByProposer: the proposer of the block that escalates
// a dispute cannot choose its panel. Whatever that block holds (nothing,
// some transactions, the same in another order), the panel is the same, and
// it is the draw seeded with the app hash the block before committed: a
// function of the ledger before the proposer chose anything.
func TestPanelNotGrindableByProposer(t *testing.T) {
	orgs := []chaintest.OrgSpec{
		{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}}, {ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
		{ID: "carrier-d", Roles: []gongxu.Role{gongxu.RoleLogistics}}, {ID: "supplier-e", Roles: []gongxu.Role{gongxu.RoleSupplier}},
		{ID: "supplier-f", Roles: []gongxu.Role{gongxu.RoleSupplier}}, {ID: "factory-g", Roles: []gongxu.Role{gongxu.RoleFactory}},
		{ID: "hub-h", Roles: []gongxu.Role{gongxu.RoleHub}}, {ID: "carrier-i", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	}
	eligible := []gongxu.OrgID{"carrier-d", "carrier-i", "factory-g", "hub-h", "supplier-e", "supplier-f"}
	// build makes the same ledger on a fresh machine, up to the block before
	// the response deadline; it returns it and the app hash of that block.
	build := func() (*chaintest.Harness, []byte) {
		h := chaintest.New(t, orgs...)
		ok := func(signer, typ string, body any) {
			t.Helper()
			chaintest.MustOK(t, h.Deliver(h.Sign(signer, typ, body)))
		}
		ok("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"})
		for _, hb := range []string{"hub-b", "hub-c", "hub-h"} {
			ok(hb, settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 100_000})
		}
		ok("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/tee", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
			MOQ: 5, Cap: 1000, CasePack: 1, Currency: "CNY", Deadline: h.Time + day})
		for i, hb := range []string{"hub-b", "hub-c"} {
			ok(hb, pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []gongxu.PoolLeaf{{ID: fmt.Sprintf("%016x", i+1), Qty: 10, Commit: fmt.Sprintf("%064x", i+1)}}})
		}
		h.Advance(day)
		h.Block()
		ok("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: 1})
		ok("hub-b", dispute.TypeOpen, dispute.MsgOpen{Pool: 1, Kind: gongxu.DisputeShort, Claimed: 500})
		h.Advance(7*day - 2000)
		h.Block()
		if d, err := h.Mods.Dispute.Dispute(h.State, 1); err != nil || d.Status != gongxu.DisputeOpen {
			t.Fatalf("dispute 1 before its deadline: %+v, %v", d, err)
		}
		return h, h.State.Root()
	}

	// The same ledger, escalating in blocks that differ in what they hold.
	txs := func(r *chaintest.Harness, order []int) [][]byte {
		all := [][]byte{
			r.Sign("hub-h", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 7}),
			r.Sign("hub-c", settle.TypeWithdraw, settle.MsgWithdraw{Currency: "CNY", Amount: 1}),
			r.Sign("factory-g", catalog.TypePublish, catalog.MsgPublish{SKU: "mug", Name: "Mug", Unit: "piece"}),
		}
		var out [][]byte
		for _, i := range order {
			out = append(out, all[i])
		}
		return out
	}
	var first []byte
	var panels [][]gongxu.OrgID
	for _, order := range [][]int{nil, {0, 2}, {2, 0}, {0, 1, 2}, {2, 1, 0}} {
		r, prev := build()
		if first == nil {
			first = prev
		} else if !bytes.Equal(prev, first) {
			t.Fatal("the same txs built two ledgers")
		}
		for _, x := range r.Block(txs(r, order)...).Txs {
			chaintest.MustOK(t, x)
		}
		d, err := r.Mods.Dispute.Dispute(r.State, 1)
		if err != nil || d.Status != gongxu.DisputePanel {
			t.Fatalf("dispute 1 did not escalate: %+v, %v", d, err)
		}
		if want := dispute.Draw(dispute.Seed(1, d.OpenTx, d.EscalatedHeight, prev), eligible, 3); !slices.Equal(d.Panel, want) {
			t.Fatalf("escalating block %v: panel %v, the draw seeded with the previous app hash is %v", order, d.Panel, want)
		}
		panels = append(panels, d.Panel)
	}
	for _, p := range panels[1:] {
		if !slices.Equal(p, panels[0]) {
			t.Fatalf("what the escalating block held changed the panel: %v", panels)
		}
	}
}
