package pool_test

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
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
