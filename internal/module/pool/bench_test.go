package pool_test

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/store"
)

const benchHubs = 50

// benchLeaves returns n leaves of 1 unit with ids unique in the batch.
func benchLeaves(n, batch int) []pool.Leaf {
	out := make([]pool.Leaf, n)
	for i := range out {
		out[i] = committed(pool.Leaf{ID: fmt.Sprintf("%08x%08x%016x", batch, i, uint64(i)*0x9e3779b97f4a7c15), Variant: []string{"s", "m", "l"}[i%3], Qty: 1})
	}
	return out
}

// buildPool returns a harness holding an open pool 1 with pledges pledges,
// gathered by benchHubs hubs in batches of at most 5,000 leaves, and the time
// of a block past its deadline.
func buildPool(b *testing.B, pledges int) *chaintest.Harness {
	o := defaultOpen()
	o.Cap = 10_000_000
	h := setup(b, benchHubs, 1_000_000_000_000, o)
	perHub := pledges / benchHubs
	var txs [][]byte
	batch := 0
	for hub := range benchHubs {
		for left := perHub; left > 0; left -= pool.MaxLeaves {
			n := min(left, pool.MaxLeaves)
			batch++
			txs = append(txs, h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: benchLeaves(n, batch)}))
			if len(txs) == 20 {
				mustBlock(b, h, txs...)
				txs = nil
			}
		}
	}
	mustBlock(b, h, txs...)
	p, err := h.Mods.Pool.Pool(h.State, 1)
	if err != nil || p.Pledges != int64(pledges) || p.Status != gongxu.PoolOpen {
		b.Fatalf("pool %+v %v", p, err)
	}
	return h
}

// BenchmarkClosePool times the block that closes a pool at its deadline,
// with 1,000 pledges (the baseline) and with 1,000,000, both from 50 hubs'
// batches. The state keeps aggregates, so closing costs per payer, not per
// pledge: the ratio of the two is the growth.
func BenchmarkClosePool(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("pledges=%d", n), func(b *testing.B) {
			h := buildPool(b, n)
			mem := h.DB.(*store.MemDB)
			deadline := T0 + 10*day
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				r := chaintest.Open(b, mem.Clone())
				r.Time = deadline - 1000 // the next block's time is the deadline
				b.StartTimer()
				res := r.Block()
				b.StopTimer()
				if len(res.Events) == 0 {
					b.Fatal("nothing closed")
				}
				p, _ := r.Mods.Pool.Pool(r.State, 1)
				if p.Status != gongxu.PoolSucceeded || p.Pledges != int64(n) {
					b.Fatalf("pool %s with %d pledges", p.Status, p.Pledges)
				}
				if err := r.Mods.Settle.CheckInvariant(r.State); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkPledgeThroughput measures pledges per second through executed and
// committed blocks, signatures verified: hub batches (10 txs of 5,000 leaves
// a block) against direct pledges (1,000 consumers' txs a block) as the
// baseline.
func BenchmarkPledgeThroughput(b *testing.B) {
	b.Run("batches", func(b *testing.B) {
		o := defaultOpen()
		o.Cap = 1 << 40
		h := setup(b, benchHubs, 1_000_000_000_000_000, o)
		const perBlock = 10
		hub, batch := 0, 0
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			txs := make([][]byte, perBlock)
			for i := range txs {
				batch++
				txs[i] = h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: benchLeaves(pool.MaxLeaves, batch)})
				hub = (hub + 1) % benchHubs
			}
			b.StartTimer()
			res := h.Block(txs...)
			b.StopTimer()
			for _, r := range res.Txs {
				chaintest.MustOK(b, r)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(b.N*perBlock*pool.MaxLeaves)/b.Elapsed().Seconds(), "pledges/s")
	})
	b.Run("direct", func(b *testing.B) {
		const consumers = 1000
		o := defaultOpen()
		o.Cap = 1 << 40
		h := setup(b, 1, 1, o)
		var deposits [][]byte
		for i := range consumers {
			deposits = append(deposits, h.Sign(hubName(0), settle.TypeDeposit, settle.MsgDeposit{To: settle.KeyAccount(chaintest.PubKey(fmt.Sprint("c", i))),
				Currency: "CNY", Amount: 1_000_000_000_000}))
		}
		mustBlock(b, h, deposits...)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			txs := make([][]byte, consumers)
			for i := range txs {
				txs[i] = h.Sign(fmt.Sprint("c", i), pool.TypePledge, pool.MsgPledge{Pool: 1, Hub: gongxu.OrgID(hubName(0)), Variant: "m", Qty: 1})
			}
			b.StartTimer()
			res := h.Block(txs...)
			b.StopTimer()
			for _, r := range res.Txs {
				chaintest.MustOK(b, r)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(b.N*consumers)/b.Elapsed().Seconds(), "pledges/s")
	})
}

// buildWaiting returns a harness in which pools 1..waiting succeeded at
// T0+10d and wait for production: pool 1 with pledges pledges from
// benchHubs hubs' batches, promised to start a day after the deadline, the
// others with 10 pledges each, promised a day later; and the block time at
// which pool 1 fails over.
func buildWaiting(b testing.TB, waiting, pledges int) (*chaintest.Harness, int64) {
	o := defaultOpen()
	o.Cap, o.StartBy = 10_000_000, o.Deadline+day
	h := setup(b, benchHubs, 1_000_000_000_000, o)
	var txs [][]byte
	flush := func(force bool) {
		if len(txs) >= 200 || (force && len(txs) > 0) {
			mustBlock(b, h, txs...)
			txs = nil
		}
	}
	later := o
	later.Product, later.StartBy = "factory-a/tee", o.Deadline+2*day
	for range waiting - 1 {
		txs = append(txs, h.Sign("factory-a", pool.TypeOpen, later))
		flush(false)
	}
	flush(true)
	batch := 0
	for hub := range benchHubs {
		for left := pledges / benchHubs; left > 0; left -= pool.MaxLeaves {
			batch++
			txs = append(txs, h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: benchLeaves(min(left, pool.MaxLeaves), batch)}))
			flush(false)
		}
	}
	for id := 2; id <= waiting; id++ {
		batch++
		txs = append(txs, h.Sign(hubName(id%benchHubs), pool.TypeBatch, pool.MsgBatch{Pool: uint64(id), Leaves: benchLeaves(10, batch)}))
		flush(false)
	}
	flush(true)
	h.Time = o.Deadline - 1000
	mustBlock(b, h)
	p, err := h.Mods.Pool.Pool(h.State, 1)
	if err != nil || p.Status != gongxu.PoolSucceeded || p.Pledges != int64(pledges) {
		b.Fatalf("pool 1: %+v %v", p, err)
	}
	if q, err := h.Mods.Pool.Pool(h.State, uint64(waiting)); err != nil || q.Status != gongxu.PoolSucceeded {
		b.Fatalf("pool %d: %+v %v", waiting, q, err)
	}
	return h, p.StartDue
}

// BenchmarkDeadlineSweep times the failover of one succeeded pool not in
// production (every payer refunded), against how many other pools wait for
// their own start deadlines (10 as the baseline, 1,000) and how many pledges
// the failing pool holds (1,000 as the baseline, 100,000 from the same 50
// hubs): "hook" is the pool module's BeginBlock alone, on a cache over the
// state (the sweep's own work); "block" is the whole block, committed (the
// store's commit grows with its size, whatever the block does). The sweep
// reads its deadline index up to the block time and refunds per payer
// account, so the hook's ratios should stay near 1.
func BenchmarkDeadlineSweep(b *testing.B) {
	for _, c := range []struct{ waiting, pledges int }{{10, 1_000}, {1_000, 1_000}, {10, 100_000}} {
		h, due := buildWaiting(b, c.waiting, c.pledges)
		mem := h.DB.(*store.MemDB)
		name := fmt.Sprintf("waiting=%d/pledges=%d", c.waiting, c.pledges)
		b.Run(name+"/hook", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				kv := store.NewCache(h.State)
				ctx := &module.Context{KV: kv, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: due}
				if err := h.Mods.Pool.BeginBlock(ctx); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if p, _ := h.Mods.Pool.Pool(kv, 1); p.Status != gongxu.PoolFailed {
					b.Fatalf("pool 1 is %s", p.Status)
				}
				b.StartTimer()
			}
		})
		b.Run(name+"/block", func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				r := chaintest.Open(b, mem.Clone())
				r.Time = due - 1000 // the next block's time is pool 1's start deadline
				b.StartTimer()
				r.Block()
				b.StopTimer()
				p, _ := r.Mods.Pool.Pool(r.State, 1)
				q, _ := r.Mods.Pool.Pool(r.State, 2)
				if p.Status != gongxu.PoolFailed || p.Refunded == 0 || q.Status != gongxu.PoolSucceeded {
					b.Fatalf("pool 1 %s (refunded %d), pool 2 %s", p.Status, p.Refunded, q.Status)
				}
				if err := r.Mods.Settle.CheckInvariant(r.State); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
