package pool_test

import (
	"encoding/json"
	"fmt"
	"syscall"
	"testing"

	"github.com/gongxu-network/gongxu"

	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// cliLeaves returns n leaves as `gongxu tx pool batch` writes them: 64-hex
// pseudonyms, variants s/m/l, 1 to 3 units, a pickup commitment each.
func cliLeaves(n, batch int) []pool.Leaf {
	out := make([]pool.Leaf, n)
	for i := range out {
		out[i] = committed(pool.Leaf{ID: fmt.Sprintf("%016x%016x%032x", batch, i, uint64(i)*0x9e3779b97f4a7c15),
			Variant: []string{"s", "m", "l"}[i%3], Qty: gongxu.Units(1 + i%3)})
	}
	return out
}

func batchBody(b testing.TB, form string, leaves []pool.Leaf) []byte {
	m := pool.MsgBatch{Pool: 1, Leaves: leaves}
	if form == "packed" {
		p, err := pool.PackLeaves(leaves)
		if err != nil {
			b.Fatal(err)
		}
		m = pool.MsgBatch{Pool: 1, Packed: p}
	}
	body, err := json.Marshal(m)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// cpuNanos is the process's user+system CPU time (rusage): what a node pays,
// whatever else the machine runs.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkBatchNodeCost measures what one node pays per pledge for a hub
// batch of 2,000 leaves in each form, JSON list (the baseline) and packed:
// decode (the body decoded and checked, as CheckTx, ProcessProposal and
// FinalizeBlock each do), checktx (CheckTx of a new batch: decode, signature,
// handler on the check state) and block (FinalizeBlock and Commit of 10
// batches, signatures verified). cpu-ns/pledge is rusage CPU, less sensitive
// than ns/op to the machine's other load.
func BenchmarkBatchNodeCost(b *testing.B) {
	const leaves, perBlock = 2000, 10
	for _, form := range []string{"json", "packed"} {
		b.Run(form+"/decode", func(b *testing.B) {
			h := setup(b, 1, 1, defaultOpen())
			body := batchBody(b, form, cliLeaves(leaves, 1))
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuNanos()
			for range b.N {
				if _, err := h.App.DecodeMsg(pool.TypeBatch, body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N*leaves), "cpu-ns/pledge")
			b.ReportMetric(float64(len(body))/leaves, "body-B/leaf")
		})
		b.Run(form+"/checktx", func(b *testing.B) {
			o := defaultOpen()
			o.Cap = 1 << 40
			h := setup(b, 1, 1_000_000_000_000_000, o)
			var cpu int64
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer()
				raw := h.SignRaw(hubName(0), pool.TypeBatch, batchBody(b, form, cliLeaves(leaves, i+1)))
				b.StartTimer()
				c0 := cpuNanos()
				if r := h.App.CheckTx(raw); r.Code != 0 {
					b.Fatal(r.Log)
				}
				cpu += cpuNanos() - c0
			}
			b.ReportMetric(float64(cpu)/float64(b.N*leaves), "cpu-ns/pledge")
		})
		// node: what a validator's state machine pays per batch in a
		// block: CheckTx when it arrives, ProcessProposal, FinalizeBlock
		// and Commit (p2p, RPC and the block store are not in it).
		b.Run(form+"/node", func(b *testing.B) {
			o := defaultOpen()
			o.Cap = 1 << 40
			h := setup(b, benchHubs, 1_000_000_000_000_000, o)
			hub, batch := 0, 0
			var cpu int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				txs := make([][]byte, perBlock)
				for i := range txs {
					batch++
					txs[i] = h.SignRaw(hubName(hub), pool.TypeBatch, batchBody(b, form, cliLeaves(leaves, batch)))
					hub = (hub + 1) % benchHubs
				}
				b.StartTimer()
				c0 := cpuNanos()
				for _, raw := range txs {
					if r := h.App.CheckTx(raw); r.Code != 0 {
						b.Fatal(r.Log)
					}
				}
				if err := h.App.ProcessProposal(txs); err != nil {
					b.Fatal(err)
				}
				res := h.Block(txs...)
				cpu += cpuNanos() - c0
				b.StopTimer()
				for _, r := range res.Txs {
					chaintest.MustOK(b, r)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu)/float64(b.N*perBlock*leaves), "cpu-ns/pledge")
		})
		b.Run(form+"/block", func(b *testing.B) {
			o := defaultOpen()
			o.Cap = 1 << 40
			h := setup(b, benchHubs, 1_000_000_000_000_000, o)
			hub, batch := 0, 0
			var cpu int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				txs := make([][]byte, perBlock)
				for i := range txs {
					batch++
					txs[i] = h.SignRaw(hubName(hub), pool.TypeBatch, batchBody(b, form, cliLeaves(leaves, batch)))
					hub = (hub + 1) % benchHubs
				}
				b.StartTimer()
				c0 := cpuNanos()
				res := h.Block(txs...)
				cpu += cpuNanos() - c0
				b.StopTimer()
				for _, r := range res.Txs {
					chaintest.MustOK(b, r)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu)/float64(b.N*perBlock*leaves), "cpu-ns/pledge")
		})
	}
}
