package pool_test

import (
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/store"
)

// TestShareFreezeResolve: the contract the dispute module builds on. A
// share is frozen only while its money is captured (in production), once,
// and only a hub's own; a pool awarded from a request for quote (no goods on
// the ledger, never shipped) can be frozen like any. ResolveShare refuses a
// share that is not frozen and a split outside 0..stake; a split refunds
// its part to the hub and pays the rest to the factory, and the last share
// settles the pool, the money invariant holding throughout.
func TestShareFreezeResolve(t *testing.T) {
	h := chaintest.New(t, hubOrgs(2)...)
	mustBlock(t, h, h.Sign(hubName(0), settle.TypeDeposit, settle.MsgDeposit{Currency: "EUR", Amount: 50_000}))
	in := func(f func(ctx *module.Context) error) (*store.Cache, error) {
		t.Helper()
		c := h.State.Begin()
		return c, f(&module.Context{KV: c, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: h.Time + 1000})
	}
	commit := func(c *store.Cache) {
		t.Helper()
		if err := h.Mods.Settle.CheckInvariant(c); err != nil {
			t.Fatal(err)
		}
		if _, err := h.State.Commit(c, h.Height+1); err != nil {
			t.Fatal(err)
		}
		h.Height++
		h.Time += 1000
	}
	hub := gongxu.OrgID(hubName(0))
	c, err := in(func(ctx *module.Context) error {
		_, err := h.Mods.Pool.OpenAwarded(ctx, pool.Award{Factory: "factory-a", Hub: hub, Title: "200 oak chairs", Qty: 200, UnitPrice: 240,
			Currency: "EUR", Deadline: T0 + 30*day, RFQ: 9})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	commit(c)

	freeze := func(who gongxu.OrgID) (pool.ShareStake, *store.Cache, error) {
		var st pool.ShareStake
		c, err := in(func(ctx *module.Context) (err error) { st, err = h.Mods.Pool.FreezeShare(ctx, 1, who); return })
		return st, c, err
	}
	if _, _, err := freeze(hub); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("freeze before production: %v, want conflict", err)
	}
	mustBlock(t, h, h.Sign("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: 1}))
	if _, _, err := freeze(gongxu.OrgID(hubName(1))); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("freeze of a hub without a share: %v, want not found", err)
	}
	if _, _, err := freeze("nobody"); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("freeze of no org: %v, want not found", err)
	}
	if _, err := in(func(ctx *module.Context) error { return h.Mods.Pool.ResolveShare(ctx, 1, hub, 0, "test") }); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("resolve of a share not frozen: %v, want conflict", err)
	}
	st, c, err := freeze(hub)
	if err != nil || st != (pool.ShareStake{Pool: 1, Factory: "factory-a", Hub: hub, Currency: "EUR", Amount: 48_000}) {
		t.Fatalf("freeze: %+v, %v", st, err)
	}
	commit(c)
	if f, err := h.Mods.Pool.ShareFrozen(h.State, 1, hub); err != nil || !f {
		t.Fatalf("frozen: %v, %v", f, err)
	}
	if _, _, err := freeze(hub); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("freeze twice: %v, want conflict", err)
	}
	if r := h.Deliver(h.Sign(hubName(0), pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1})); gongxu.Kind(r.Code) != gongxu.KindConflict {
		t.Fatalf("confirm of a frozen share: %+v", r)
	}
	h.ResetSeq(hubName(0))
	for _, bad := range []gongxu.Amount{-1, 48_001} {
		if _, err := in(func(ctx *module.Context) error { return h.Mods.Pool.ResolveShare(ctx, 1, hub, bad, "test") }); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Fatalf("resolve with %d to the hub: %v, want invalid", bad, err)
		}
	}
	c, err = in(func(ctx *module.Context) error {
		return h.Mods.Pool.ResolveShare(ctx, 1, hub, 10_000, "dispute 1 panel")
	})
	if err != nil {
		t.Fatal(err)
	}
	commit(c)
	p, _ := h.Mods.Pool.Pool(h.State, 1)
	if p.Status != gongxu.PoolSettled || p.Captured != 0 || p.Released != 38_000 || p.Refunded != 10_000 {
		t.Fatalf("pool after the ruling: %+v", p)
	}
	for acct, want := range map[gongxu.AccountID]gongxu.Amount{"org:" + gongxu.AccountID(hub): 12_000, "org:factory-a": 38_000, "captured:1": 0} {
		if got, _ := h.Mods.Settle.Balance(h.State, acct, "EUR"); got != want {
			t.Errorf("%s holds %d, want %d", acct, got, want)
		}
	}
	if f, _ := h.Mods.Pool.ShareFrozen(h.State, 1, hub); f {
		t.Fatal("still frozen after the ruling")
	}
	if _, _, err := freeze(hub); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("freeze of a settled share: %v, want conflict", err)
	}
}
