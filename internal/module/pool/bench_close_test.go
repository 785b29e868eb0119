package pool_test

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/store"
)

// buildCloses returns a harness holding pools pools due at T0+10d, each with
// payers payer accounts (member orgs each pledging 1 unit directly in
// each pool: one payer each), every pool reaching its MOQ.
func buildCloses(b *testing.B, pools, payers int) *chaintest.Harness {
	orgs := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	name := func(i int) string { return fmt.Sprintf("hub-%05d", i) }
	for i := range payers {
		orgs = append(orgs, chaintest.OrgSpec{ID: name(i), Roles: []gongxu.Role{gongxu.RoleHub}})
	}
	h := chaintest.New(b, orgs...)
	mustBlock(b, h, h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "T-shirt", Unit: "piece"}))
	o := defaultOpen()
	o.Product = "factory-a/tee"
	var txs [][]byte
	for range pools {
		txs = append(txs, h.Sign("factory-a", pool.TypeOpen, o))
	}
	for i := range payers {
		txs = append(txs, h.Sign(name(i), settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 1_000_000}))
	}
	mustBlock(b, h, txs...)
	txs = nil
	for p := range pools {
		for i := range payers {
			txs = append(txs, h.Sign(name(i), pool.TypePledge, pool.MsgPledge{Pool: uint64(p + 1), Hub: gongxu.OrgID(name(i)), Qty: 1}))
			if len(txs) == 5000 {
				mustBlock(b, h, txs...)
				txs = nil
			}
		}
	}
	if len(txs) > 0 {
		mustBlock(b, h, txs...)
	}
	return h
}

// BenchmarkCloseBlock times the block at the deadline of the worst close
// blocks the bound allows, pool.MaxClosePayersPerBlock payer accounts in
// one pool of pool.MaxPayersPerPool direct pledgers (each charged and
// released), or spread over pool.MaxClosesPerBlock pools (each also
// succeeding, with its shares counted and its production order opened),
// against a typical one (a pool of 50 payers). "hook" is the pool module's BeginBlock alone on a cache
// over the state; "block" the whole block, executed and committed.
func BenchmarkCloseBlock(b *testing.B) {
	for _, c := range []struct {
		name          string
		pools, payers int
	}{
		{"typical/pools=1/payers=50", 1, 50},
		{fmt.Sprintf("worst/pools=%d/payers=%d", pool.MaxClosePayersPerBlock/pool.MaxPayersPerPool, pool.MaxPayersPerPool),
			pool.MaxClosePayersPerBlock / pool.MaxPayersPerPool, pool.MaxPayersPerPool},
		{fmt.Sprintf("worst/pools=%d/payers=%d", pool.MaxClosesPerBlock, pool.MaxClosePayersPerBlock/pool.MaxClosesPerBlock),
			pool.MaxClosesPerBlock, pool.MaxClosePayersPerBlock / pool.MaxClosesPerBlock},
	} {
		h := buildCloses(b, c.pools, c.payers)
		mem := h.DB.(*store.MemDB)
		deadline := T0 + 10*day
		check := func(r store.Reader) {
			for id := uint64(1); id <= uint64(c.pools); id++ {
				if p, _ := h.Mods.Pool.Pool(r, id); p.Status != gongxu.PoolSucceeded || p.Total != gongxu.Units(c.payers) {
					b.Fatalf("pool %d is %s with %d units", id, p.Status, p.Total)
				}
			}
		}
		b.Run(c.name+"/hook", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				kv := store.NewCache(h.State)
				ctx := &module.Context{KV: kv, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: deadline}
				if err := h.Mods.Pool.BeginBlock(ctx); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				check(kv)
				b.StartTimer()
			}
		})
		b.Run(c.name+"/block", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				r := chaintest.Open(b, mem.Clone())
				r.Time = deadline - 1000
				b.StartTimer()
				r.Block()
				b.StopTimer()
				check(r.State)
				if err := r.Mods.Settle.CheckInvariant(r.State); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
