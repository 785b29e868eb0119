package pool_test

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/store"
)

// TestReopenBoundedPerBlock: when more series pools fall due at one instant
// than a block reopens (pool.MaxReopensPerBlock), a block reopens that many,
// in (deadline, id) order, and the next blocks the rest, each on the
// schedule (its predecessor's deadline plus the period), none lost.
func TestReopenBoundedPerBlock(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}},
	)
	mustBlock(t, h, h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 30}))
	n := pool.MaxReopensPerBlock + pool.MaxReopensPerBlock/2
	deadline := h.Time + day
	for opened := 0; opened < n; {
		var txs [][]byte
		for ; opened < n && len(txs) < 16; opened++ {
			txs = append(txs, h.Sign("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
				MOQ: 10, Cap: 100, CasePack: 1, Currency: "CNY", Deadline: deadline, Repeat: &gongxu.PoolRepeat{EveryMs: 7 * day, Times: 2}}))
		}
		mustBlock(t, h, txs...)
	}
	reopened := func() (k int) {
		for id := uint64(n + 1); ; id++ {
			p, err := h.Mods.Pool.Pool(h.State, id)
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				return k
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Series == nil || p.Series.Prev != id-uint64(n) || p.Series.N != 1 || p.Deadline != deadline+7*day || p.Status != gongxu.PoolOpen {
				t.Fatalf("pool %d: %+v, deadline %d, %s", id, p.Series, p.Deadline, p.Status)
			}
			k++
		}
	}
	h.Advance(day)
	mustBlock(t, h)
	if k := reopened(); k != pool.MaxReopensPerBlock {
		t.Fatalf("the first block after the deadline reopened %d, want %d", k, pool.MaxReopensPerBlock)
	}
	for id := uint64(1); id <= uint64(n); id++ {
		if p, _ := h.Mods.Pool.Pool(h.State, id); p.Status != gongxu.PoolFailed {
			t.Fatalf("pool %d is %s: every due pool closes in its block", id, p.Status)
		}
	}
	mustBlock(t, h)
	if k := reopened(); k != n {
		t.Fatalf("the second block reopened the rest: %d of %d", k, n)
	}
	mustBlock(t, h)
	if k := reopened(); k != n {
		t.Fatalf("a third block reopened more: %d of %d", k, n)
	}
}

// BenchmarkReopen times the worst block of reopenings: MaxReopensPerBlock
// series pools falling due at once, each naming pool.MaxHubs hubs (every
// hub checked again at the reopening), against the same pools opened once
// (their close alone): "hook" is the pool module's BeginBlock on a cache
// over the state.
func BenchmarkReopen(b *testing.B) {
	orgs := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	var hubs []gongxu.OrgID
	for i := range pool.MaxHubs {
		id := fmt.Sprintf("hub-%03d", i)
		orgs = append(orgs, chaintest.OrgSpec{ID: id, Roles: []gongxu.Role{gongxu.RoleHub}})
		hubs = append(hubs, gongxu.OrgID(id))
	}
	for _, series := range []bool{false, true} {
		h := chaintest.New(b, orgs...)
		mustBlock(b, h, h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 30}))
		deadline := h.Time + day
		for opened := 0; opened < pool.MaxReopensPerBlock; {
			var txs [][]byte
			for ; opened < pool.MaxReopensPerBlock && len(txs) < 16; opened++ {
				m := pool.MsgOpen{Product: "factory-a/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
					MOQ: 10, Cap: 100, CasePack: 1, Currency: "CNY", Deadline: deadline, Hubs: hubs}
				if series {
					m.Repeat = &gongxu.PoolRepeat{EveryMs: 7 * day, Times: 52}
				}
				txs = append(txs, h.Sign("factory-a", pool.TypeOpen, m))
			}
			mustBlock(b, h, txs...)
		}
		b.Run(fmt.Sprintf("series=%v/hook", series), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				kv := store.NewCache(h.State)
				ctx := &module.Context{KV: kv, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: deadline}
				if err := h.Mods.Pool.BeginBlock(ctx); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if _, err := h.Mods.Pool.Pool(kv, uint64(2*pool.MaxReopensPerBlock)); (err == nil) != series {
					b.Fatalf("the last reopening: %v", err)
				}
				b.StartTimer()
			}
		})
	}
}
