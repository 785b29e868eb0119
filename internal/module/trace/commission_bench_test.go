package trace_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// commissionDoc is a document of n ObjectEvents ADD (commissioning) of k
// new SGTINs of one product each, as bench trace's commissioning events:
// each of them asks who owns the SGTINs' company prefix.
func commissionDoc(now int64, n, k, d int) []byte {
	var b strings.Builder
	b.WriteString(`{` + stdContext + `,"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		epcs := make([]string, k)
		for j := range epcs {
			epcs[j] = fmt.Sprintf(`"urn:epc:id:sgtin:0614141.107346.%d"`, (d*n+i)*k+j)
		}
		fmt.Fprintf(&b, `{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+00:00","action":"ADD","bizStep":"commissioning","disposition":"active","epcList":[%s]}`,
			epcis.FormatMillis(now-int64(i)), strings.Join(epcs, ","))
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

func commissionCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCaptureCommission: CPU per event on one node of captures of 100
// commissioning events of 4 SGTINs each (the ownership check of GS1 keys
// runs for each): CheckTx, and the block that carries them (FinalizeBlock,
// Commit).
//
//	go test ./internal/module/trace/ -run '^$' -bench BenchmarkCaptureCommission -benchtime 10x
func BenchmarkCaptureCommission(b *testing.B) {
	const docs, events, epcs = 8, 100, 4
	var check, block time.Duration
	for it := range b.N {
		b.StopTimer()
		h := chaintest.New(b, traceOrgs...)
		txs := make([][]byte, docs)
		for d := range txs {
			txs[d] = h.SignRaw("factory-a", trace.TypeCapture, captureBody(commissionDoc(h.Time, events, epcs, it*docs+d)))
		}
		b.StartTimer()
		t0 := commissionCPU()
		for i, tx := range txs {
			if r := h.App.CheckTx(tx); r.Code != 0 {
				b.Fatalf("CheckTx of capture %d: %s", i, r.Log)
			}
		}
		check += commissionCPU() - t0
		t0 = commissionCPU()
		res, err := h.App.FinalizeBlock(chain.Block{Height: h.Height + 1, Time: h.Time + 1000, Txs: txs})
		if err != nil {
			b.Fatal(err)
		}
		for i, r := range res.Txs {
			if r.Code != 0 {
				b.Fatalf("capture %d in the block: %s", i, r.Log)
			}
		}
		if _, err := h.App.Commit(); err != nil {
			b.Fatal(err)
		}
		block += commissionCPU() - t0
	}
	per := float64(b.N * docs * events)
	b.ReportMetric(float64(check.Microseconds())/per, "check-cpu-µs/event")
	b.ReportMetric(float64(block.Microseconds())/per, "block-cpu-µs/event")
	b.ReportMetric(0, "ns/op")
}
