package pool_test

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/store"
)

// TestFreezeShareThroughSettle drives the dispute module's hooks on a pool
// with shares for enablers: hub-b's shipped share is frozen, so its
// confirmation deadline passes without settling it while hub-c's share is
// confirmed automatically; the ruling (ResolveShare) then refunds hub-b its
// part and pays the rest like a confirmation: the shares of the terms first,
// the rest to the factory, and the pool settles. Money is neither created
// nor destroyed at any step.
func TestFreezeShareThroughSettle(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}},
		chaintest.OrgSpec{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
		chaintest.OrgSpec{ID: "carrier-x", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	)
	mustBlock(t, h,
		h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 30}),
		h.Sign("hub-b", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 10_000}),
		h.Sign("hub-c", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 10_000}))
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
		MOQ: 10, Cap: 100, CasePack: 1, Currency: "CNY", Deadline: h.Time + day, HubBPS: 1000,
		Enablers: []gongxu.EnablerShare{{Org: "carrier-x", Role: "carrier", BPS: 250}}}))
	mustBlock(t, h,
		h.Sign("hub-b", pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []pool.Leaf{committed(pool.Leaf{ID: "b0b0b0b0b0b0b0b0", Qty: 6})}}),
		h.Sign("hub-c", pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []pool.Leaf{committed(pool.Leaf{ID: "c0c0c0c0c0c0c0c0", Qty: 4})}}))
	h.Advance(day)
	mustBlock(t, h)
	mustBlock(t, h, h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: 10_000}))
	mustBlock(t, h, h.Sign("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: 1, Produced: 10_000, Outputs: []gongxu.OutputLot{{Code: "j-1", Qty: 10_000}}}))
	mustBlock(t, h,
		h.Sign("factory-a", pool.TypeShip, pool.MsgShip{Pool: 1, Hub: "hub-b"}),
		h.Sign("factory-a", pool.TypeShip, pool.MsgShip{Pool: 1, Hub: "hub-c"}))

	m := h.Mods.Pool
	kv := store.NewCache(h.State)
	ctx := &module.Context{KV: kv, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: h.Time + 1000,
		TxHash: strings.Repeat("AB", 32), Org: "hub-b"}
	check := func(step string) {
		t.Helper()
		if err := h.Mods.Settle.CheckInvariant(kv); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	balance := func(a gongxu.AccountID) gongxu.Amount {
		t.Helper()
		b, err := h.Mods.Settle.Balance(kv, a, "CNY")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	share := func(hub gongxu.OrgID) gongxu.HubShare {
		t.Helper()
		s, err := m.HubShare(kv, 1, hub)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	// shipped → frozen: the stake is the share's captured money
	stake, err := m.FreezeShare(ctx, 1, "hub-b")
	if err != nil || stake.Amount != 600 || stake.Factory != "factory-a" || stake.Currency != "CNY" {
		t.Fatalf("freeze: %+v, %v", stake, err)
	}
	if _, err := m.FreezeShare(ctx, 1, "hub-b"); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("second freeze: %v, want conflict", err)
	}
	if err := m.ResolveShare(ctx, 1, "hub-c", 0, "no dispute"); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("resolving a share not in dispute: %v, want conflict", err)
	}
	check("frozen")

	// both confirmation deadlines pass: hub-c's share is confirmed
	// automatically, the frozen one waits for its ruling
	ctx.Time, ctx.TxHash, ctx.Org = share("hub-b").ConfirmBy+share("hub-c").ConfirmBy, "", ""
	if err := m.BeginBlock(ctx); err != nil {
		t.Fatal(err)
	}
	check("deadline")
	if s := share("hub-b"); s.Delivered {
		t.Fatalf("the frozen share was settled by the deadline: %+v", s)
	}
	if s := share("hub-c"); !s.Delivered {
		t.Fatalf("hub-c's share was not confirmed automatically: %+v", s)
	}
	// hub-c's payout 400: 40 to hub-c, 10 to the carrier, 350 to the factory
	if got := balance(gongxu.OrgAccount("factory-a")); got != 350 {
		t.Fatalf("factory after hub-c: %d, want 350", got)
	}
	if _, err := m.FreezeShare(ctx, 1, "hub-c"); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("freezing a settled share: %v, want conflict", err)
	}

	// a ruling out of range is refused
	ctx.TxHash, ctx.Height = strings.Repeat("CD", 32), ctx.Height+1
	bad := store.NewCache(kv)
	bctx := *ctx
	bctx.KV = bad
	if err := m.ResolveShare(&bctx, 1, "hub-b", 601, "too much"); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Fatalf("ruling 601 of 600: %v, want invalid", err)
	}

	// frozen → resolved: 150 back to hub-b; the payout of 450 pays hub-b's
	// 10 % (45), the carrier's 2.5 % (11, of 11.25) and 394 to the factory
	hubB, carrier := balance(gongxu.OrgAccount("hub-b")), balance(gongxu.OrgAccount("carrier-x"))
	if err := m.ResolveShare(ctx, 1, "hub-b", 150, "panel ruling: short delivery"); err != nil {
		t.Fatal(err)
	}
	check("resolved")
	if got := balance(gongxu.OrgAccount("hub-b")) - hubB; got != 150+45 {
		t.Fatalf("hub-b got %d, want 195", got)
	}
	if got := balance(gongxu.OrgAccount("carrier-x")) - carrier; got != 11 {
		t.Fatalf("carrier got %d, want 11", got)
	}
	if got := balance(gongxu.OrgAccount("factory-a")); got != 350+394 {
		t.Fatalf("factory: %d, want 744", got)
	}
	p, err := m.Pool(kv, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != gongxu.PoolSettled || p.Captured != 0 || p.Refunded != 150 || p.Shared != 40+10+45+11 || p.Released != 744 {
		t.Fatalf("pool after the ruling: %s captured %d refunded %d shared %d released %d", p.Status, p.Captured, p.Refunded, p.Shared, p.Released)
	}
	if f, err := m.ShareFrozen(kv, 1, "hub-b"); err != nil || f {
		t.Fatalf("still frozen after the ruling: %v %v", f, err)
	}
	if err := m.ResolveShare(ctx, 1, "hub-b", 0, "again"); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("a second ruling: %v, want conflict", err)
	}
}

// TestShipFrozenShare: a ready pool's share frozen by a dispute before it
// shipped can still be shipped, but gets no confirmation deadline: its
// ruling settles it, and the deadline sweep neither settles it nor fails.
func TestShipFrozenShare(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}},
	)
	mustBlock(t, h,
		h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 30}),
		h.Sign("hub-b", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 10_000}))
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
		MOQ: 5, Cap: 100, CasePack: 1, Currency: "CNY", Deadline: h.Time + day}))
	mustBlock(t, h, h.Sign("hub-b", pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []pool.Leaf{committed(pool.Leaf{ID: "b0b0b0b0b0b0b0b0", Qty: 6})}}))
	h.Advance(day)
	mustBlock(t, h)
	mustBlock(t, h, h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: 6_000}))
	mustBlock(t, h, h.Sign("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: 1, Produced: 6_000, Outputs: []gongxu.OutputLot{{Code: "j-1", Qty: 6_000}}}))

	m := h.Mods.Pool
	kv := store.NewCache(h.State)
	ctx := &module.Context{KV: kv, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: h.Time + 1000, TxHash: strings.Repeat("AB", 32), Org: "factory-a"}
	if _, err := m.FreezeShare(ctx, 1, "hub-b"); err != nil {
		t.Fatalf("freezing a ready pool's unshipped share: %v", err)
	}
	var ship module.Route
	for _, r := range m.Routes() {
		if r.Type == pool.TypeShip {
			ship = r
		}
	}
	if err := ship.Handle(ctx, &pool.MsgShip{Pool: 1, Hub: "hub-b"}); err != nil {
		t.Fatalf("shipping the frozen share: %v", err)
	}
	s, err := m.HubShare(kv, 1, "hub-b")
	if err != nil || len(s.Shipped) == 0 || s.ConfirmBy != 0 {
		t.Fatalf("shipped frozen share: %+v, %v; want shipped with no confirmation deadline", s, err)
	}
	ctx.Time, ctx.TxHash, ctx.Org = ctx.Time+400*day, "", ""
	if err := m.BeginBlock(ctx); err != nil {
		t.Fatalf("the sweep after the frozen share shipped: %v", err)
	}
	if s, _ := m.HubShare(kv, 1, "hub-b"); s.Delivered {
		t.Fatalf("the frozen share was settled by a deadline: %+v", s)
	}
	if err := h.Mods.Settle.CheckInvariant(kv); err != nil {
		t.Fatal(err)
	}
}

// TestFailoverCarryOver: more start deadlines at one instant than a block
// fails over wait for the next block, in (deadline, id) order; meanwhile a
// pool past its start deadline can no longer go into production.
func TestFailoverCarryOver(t *testing.T) {
	const n = pool.MaxFailoversPerBlock + 6
	h, _ := buildWaiting(t, n, 50)
	last, err := h.Mods.Pool.Pool(h.State, n)
	if err != nil {
		t.Fatal(err)
	}
	status := func() (failed, waiting int) {
		for id := uint64(1); id <= n; id++ {
			p, err := h.Mods.Pool.Pool(h.State, id)
			if err != nil {
				t.Fatal(err)
			}
			switch p.Status {
			case gongxu.PoolFailed:
				failed++
			case gongxu.PoolSucceeded:
				waiting++
			}
		}
		return failed, waiting
	}
	h.Time = last.StartDue - 1000 // every pool's start deadline has passed in the next block
	r := h.Block(h.Sign("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: n}))
	if r.Txs[0].Code != uint32(gongxu.KindConflict) || !strings.Contains(r.Txs[0].Log, "it fails over") {
		t.Fatalf("start_production past the start deadline: %d %s", r.Txs[0].Code, r.Txs[0].Log)
	}
	if f, w := status(); f != pool.MaxFailoversPerBlock || w != n-pool.MaxFailoversPerBlock {
		t.Fatalf("after the first block: %d failed over, %d waiting; want %d and %d", f, w, pool.MaxFailoversPerBlock, n-pool.MaxFailoversPerBlock)
	}
	if p, _ := h.Mods.Pool.Pool(h.State, n); p.Status != gongxu.PoolSucceeded {
		t.Fatalf("pool %d, the last due, is %s after the first block", n, p.Status)
	}
	mustBlock(t, h)
	if f, w := status(); f != n || w != 0 {
		t.Fatalf("after the second block: %d failed over, %d waiting", f, w)
	}
}
