package chain_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// The mempool's cost per transaction on one node, for the ledger benchmark's
// member/update_org of about 180 bytes: CheckTx of a tx the node has not
// seen (a gossiped one: decode, signature, handler on the check state), the
// recheck after a commit of a tx still waiting, and PrepareProposal.
//
//	go test ./internal/chain/ -run '^$' -bench BenchmarkMempool -benchtime 5x
func BenchmarkMempool(b *testing.B) {
	const signers, perSigner = 16, 60
	build := func() (*chaintest.Harness, [][]byte) {
		h := chaintest.New(b, benchOrgs()...)
		var txs [][]byte
		for j := range perSigner {
			for i := range signers {
				d := fmt.Sprintf("bench load: signer %d tx %d ", i, j)
				d += strings.Repeat(".", 40)
				txs = append(txs, h.Sign(fmt.Sprintf("org-%02d", i), member.TypeUpdateOrg, member.MsgUpdateOrg{Description: d}))
			}
		}
		return h, txs
	}
	// CPU time, not wall time: the machine these run on is shared.
	var cpu time.Duration
	cpuNow := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	check := func(b *testing.B, app *chain.App, txs [][]byte, recheck bool) {
		t0 := cpuNow()
		defer func() { cpu += cpuNow() - t0 }()
		for i, tx := range txs {
			var r chain.TxResult
			if recheck {
				r = app.Recheck(tx)
			} else {
				r = app.CheckTx(tx)
			}
			if r.Code != 0 {
				b.Fatalf("tx %d: %s", i, r.Log)
			}
		}
	}
	b.Run("checktx", func(b *testing.B) {
		var n int
		cpu = 0
		for range b.N {
			b.StopTimer()
			h, txs := build()
			b.StartTimer()
			check(b, h.App, txs, false)
			n = len(txs)
		}
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-µs/tx")
	})
	b.Run("recheck", func(b *testing.B) {
		var n int
		cpu = 0
		for range b.N {
			b.StopTimer()
			h, txs := build()
			before := cpu
			check(b, h.App, txs, false)
			cpu = before // only the recheck counts
			h.Block()    // an empty block: every tx is rechecked after it
			b.StartTimer()
			check(b, h.App, txs, true)
			n = len(txs)
		}
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-µs/tx")
	})
	b.Run("prepare", func(b *testing.B) {
		var n int
		cpu = 0
		for range b.N {
			b.StopTimer()
			h, txs := build()
			before := cpu
			check(b, h.App, txs, false)
			cpu = before
			b.StartTimer()
			t0 := cpuNow()
			if out := h.App.PrepareProposal(txs, 4<<20); len(out) == 0 {
				b.Fatal("empty proposal")
			}
			cpu += cpuNow() - t0
			n = len(txs)
		}
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-µs/tx")
	})
}
