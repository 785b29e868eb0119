package chain_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// The cost of a traceability capture per event on one node (issue 17):
// CheckTx of captures of 100 events with 4 SGTINs each (decode, signature,
// parse, the handler on the check state), their recheck after a block that
// did not carry them (each block they wait costs that), then the block that
// carries them
// (ProcessProposal, FinalizeBlock, Commit with the sparse Merkle tree), in
// CPU time (the machine these run on is shared), and the state keys written
// per event.
//
//	go test ./internal/chain/ -run '^$' -bench BenchmarkCapture -benchtime 5x
func BenchmarkCapture(b *testing.B) {
	const docs, events, epcs = 8, 100, 4
	var check, recheck, block time.Duration
	var keys int
	for it := range b.N {
		b.StopTimer()
		h := chaintest.New(b, benchOrgs()...)
		before := len(h.Dump())
		txs := make([][]byte, docs)
		for d := range txs {
			txs[d] = capture(h, captureDoc(h.Time, events, epcs, it*docs+d))
		}
		b.StartTimer()
		t0 := cpuTime()
		for i, tx := range txs {
			if r := h.App.CheckTx(tx); r.Code != 0 {
				b.Fatalf("CheckTx of capture %d: %s", i, r.Log)
			}
		}
		check += cpuTime() - t0
		// The captures wait through a block that does not carry them: after
		// its commit each is rechecked (the parse cached, the handler run
		// again on the new check state).
		b.StopTimer()
		h.Block()
		b.StartTimer()
		t0 = cpuTime()
		for i, tx := range txs {
			if r := h.App.Recheck(tx); r.Code != 0 {
				b.Fatalf("Recheck of capture %d: %s", i, r.Log)
			}
		}
		recheck += cpuTime() - t0
		t0 = cpuTime()
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
		block += cpuTime() - t0
		b.StopTimer()
		for i, r := range res.Txs {
			if r.Code != 0 {
				b.Fatalf("capture %d failed: %s", i, r.Log)
			}
		}
		keys = len(h.Dump()) - before
		b.StartTimer()
	}
	n := float64(b.N * docs * events)
	b.ReportMetric(float64(check.Microseconds())/n, "check-cpu-µs/event")
	b.ReportMetric(float64(recheck.Microseconds())/n, "recheck-cpu-µs/event")
	b.ReportMetric(float64(block.Microseconds())/n, "block-cpu-µs/event")
	b.ReportMetric(float64(keys)/float64(docs*events), "keys/event")
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
