package modules_test

import (
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestSucceededPoolBecomesProductionOrder: the cross-module wiring. A pool
// that succeeds at its deadline opens one production order for its product
// and total, due its lead time after the close; a failed pool opens none.
func TestSucceededPoolBecomesProductionOrder(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}})
	ok := func(r string, code uint32) {
		t.Helper()
		if code != 0 {
			t.Fatalf("%s: %s", r, gongxu.Kind(code))
		}
	}
	r := h.Deliver(h.Sign("acme", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 21}))
	ok("publish", r.Code)
	r = h.Deliver(h.Sign("hub-a", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 10_000_000}))
	ok("deposit", r.Code)
	deadline := h.Time + 60_000
	for _, moq := range []int64{10, 1000} { // pool 1 succeeds, pool 2 fails
		r = h.Deliver(h.Sign("acme", pool.TypeOpen, pool.MsgOpen{Product: "acme/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
			MOQ: moq, Cap: 2000, CasePack: 1, Currency: "CNY", Deadline: deadline}))
		ok("open", r.Code)
	}
	for id := uint64(1); id <= 2; id++ {
		r = h.Deliver(h.Sign("hub-a", pool.TypeBatch, pool.MsgBatch{Pool: id, Leaves: []gongxu.PoolLeaf{
			{ID: "00112233445566778899aabbccddeeff", Qty: 12}, {ID: "ffeeddccbbaa99887766554433221100", Qty: 3}}}))
		ok("batch", r.Code)
	}
	h.Advance(60_000)
	h.Block()
	closedAt := h.Time
	for id, want := range map[uint64]gongxu.PoolStatus{1: gongxu.PoolSucceeded, 2: gongxu.PoolFailed} {
		p, err := h.Mods.Pool.Pool(h.State, id)
		if err != nil || p.Status != want {
			t.Fatalf("pool %d is %s (%v), want %s", id, p.Status, err, want)
		}
	}
	oid, err := h.Mods.Production.OrderForPool(h.State, 1)
	if err != nil || oid == 0 {
		t.Fatalf("succeeded pool 1 has no production order (%d, %v)", oid, err)
	}
	o, err := h.Mods.Production.Order(h.State, oid)
	if err != nil {
		t.Fatal(err)
	}
	if o.Factory != "acme" || string(o.Product) != "acme/jacket" || o.Qty != 15_000 || o.Due != closedAt+21*24*3600*1000 || o.Pool != 1 {
		t.Fatalf("order %+v: want acme/jacket, 15 units (15000 milli), due 21 days after %d, pool 1", o, closedAt)
	}
	if oid, _ := h.Mods.Production.OrderForPool(h.State, 2); oid != 0 {
		t.Fatalf("failed pool 2 has production order %d", oid)
	}
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatal(err)
	}
}
