package chain_test

import (
	"runtime"
	"testing"

	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// BenchmarkCaptureAllocs is BenchmarkCapture's work (8 captures of 100
// events × 4 SGTINs: CheckTx, a recheck after a block that did not carry
// them, then the block that does) counted in heap allocations and bytes
// per event for each phase: exact, where CPU time on a shared machine is
// not (issue 17).
//
//	go test ./internal/chain/ -run '^$' -bench BenchmarkCaptureAllocs -benchtime 5x
func BenchmarkCaptureAllocs(b *testing.B) {
	const docs, events, epcs = 8, 100, 4
	var phase [3]struct{ allocs, bytes uint64 }
	var ms runtime.MemStats
	mark := func() (uint64, uint64) {
		runtime.ReadMemStats(&ms)
		return ms.Mallocs, ms.TotalAlloc
	}
	add := func(p int, a0, b0 uint64) {
		a1, b1 := mark()
		phase[p].allocs += a1 - a0
		phase[p].bytes += b1 - b0
	}
	for it := range b.N {
		h := chaintest.New(b, benchOrgs()...)
		txs := make([][]byte, docs)
		for d := range txs {
			txs[d] = capture(h, captureDoc(h.Time, events, epcs, it*docs+d))
		}
		a0, b0 := mark()
		for i, tx := range txs {
			if r := h.App.CheckTx(tx); r.Code != 0 {
				b.Fatalf("CheckTx of capture %d: %s", i, r.Log)
			}
		}
		add(0, a0, b0)
		h.Block()
		a0, b0 = mark()
		for i, tx := range txs {
			if r := h.App.Recheck(tx); r.Code != 0 {
				b.Fatalf("Recheck of capture %d: %s", i, r.Log)
			}
		}
		add(1, a0, b0)
		a0, b0 = mark()
		if err := h.App.ProcessProposal(txs); err != nil {
			b.Fatal(err)
		}
		res, err := h.App.FinalizeBlock(chain.Block{Height: h.Height + 1, Time: h.Time + 1000, Txs: txs})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.App.Commit(); err != nil {
			b.Fatal(err)
		}
		add(2, a0, b0)
		for i, r := range res.Txs {
			if r.Code != 0 {
				b.Fatalf("capture %d failed: %s", i, r.Log)
			}
		}
	}
	n := float64(b.N * docs * events)
	for p, name := range []string{"check", "recheck", "block"} {
		b.ReportMetric(float64(phase[p].allocs)/n, name+"-allocs/event")
		b.ReportMetric(float64(phase[p].bytes)/n, name+"-B/event")
	}
}
