package modules_test

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestPoolFollowsItsProductionOrder: the pool of a production order moves
// with it — in production when its first work order starts, ready when the
// order's quantity is complete — and the hubs confirm delivery from ready,
// once the factory shipped them their share.
// Work on an order that came from no pool touches no pool.
func TestPoolFollowsItsProductionOrder(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}})
	deliver := func(what, signer, typ string, body any) {
		t.Helper()
		if r := h.Deliver(h.Sign(signer, typ, body)); r.Code != 0 {
			t.Fatalf("%s: %s: %s", what, gongxu.Kind(r.Code), r.Log)
		}
	}
	status := func(want gongxu.PoolStatus) {
		t.Helper()
		p, err := h.Mods.Pool.Pool(h.State, 1)
		if err != nil || p.Status != want {
			t.Fatalf("pool 1 is %s (%v), want %s", p.Status, err, want)
		}
	}
	deliver("publish", "acme", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 21})
	deliver("deposit", "hub-a", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 10_000_000})
	deliver("open", "acme", pool.TypeOpen, pool.MsgOpen{Product: "acme/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
		MOQ: 10, Cap: 2000, CasePack: 1, Currency: "CNY", Deadline: h.Time + 60_000})
	deliver("batch", "hub-a", pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []gongxu.PoolLeaf{{ID: "00112233445566778899aabbccddeeff", Qty: 12, Commit: strings.Repeat("1", 64)}}})
	h.Advance(60_000)
	h.Block()
	status(gongxu.PoolSucceeded)
	oid, err := h.Mods.Production.OrderForPool(h.State, 1)
	if err != nil || oid != 1 {
		t.Fatalf("order for pool 1: %d, %v", oid, err)
	}
	// A manual order's work touches no pool.
	deliver("manual order", "acme", production.TypeOrder, production.MsgOrder{Product: "acme/jacket", Qty: 1000, Due: h.Time + 86_400_000})
	deliver("manual start", "acme", production.TypeWOStart, production.MsgWOStart{Order: 2, Qty: 1000})
	status(gongxu.PoolSucceeded)

	deliver("start", "acme", production.TypeWOStart, production.MsgWOStart{Order: oid, Qty: 8000})
	status(gongxu.PoolInProduction)
	deliver("start 2", "acme", production.TypeWOStart, production.MsgWOStart{Order: oid, Qty: 4000})
	deliver("complete 2", "acme", production.TypeWOComplete, production.MsgWOComplete{WO: 2, Produced: 8000})
	status(gongxu.PoolInProduction) // 8 of 12 made
	deliver("complete 3", "acme", production.TypeWOComplete, production.MsgWOComplete{WO: 3, Produced: 4000})
	status(gongxu.PoolReady)
	p, _ := h.Mods.Pool.Pool(h.State, 1)
	if last := p.History[len(p.History)-1]; last.Reason != "production order 1 completed: its lots are ready" {
		t.Fatalf("last pool history %+v", last)
	}
	if r := h.Deliver(h.Sign("hub-a", pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1})); gongxu.Kind(r.Code) != gongxu.KindConflict {
		t.Fatalf("confirm before the factory shipped: %s %s", gongxu.Kind(r.Code), r.Log)
	}
	h.ResetSeq("hub-a")
	deliver("ship", "acme", pool.TypeShip, pool.MsgShip{Pool: 1, Hub: "hub-a"})
	deliver("confirm", "hub-a", pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1})
	status(gongxu.PoolSettled)
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatal(err)
	}
}
