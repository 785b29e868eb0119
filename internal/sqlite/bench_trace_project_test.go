package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

// traceProjectBlocks are blocks of one capture of perTx ObjectEvents of 4
// SGTINs each, as bench trace writes them, for the projection benchmark.
func traceProjectBlocks(n, perTx int) []gongxu.CommittedBlock {
	return traceProjectBlocksOf(n, 1, perTx)
}

// traceProjectBlocksOf are blocks of txs captures of perTx events each.
func traceProjectBlocksOf(n, txs, perTx int) []gongxu.CommittedBlock {
	var l traceLedger
	blocks := make([]gongxu.CommittedBlock, 0, n)
	for h := int64(1); h <= int64(n); h++ {
		var recs []gongxu.TxRecord
		for t := range txs {
			evs := make([]gongxu.TraceEvent, perTx)
			for i := range evs {
				k := ((h-1)*int64(txs)+int64(t))*int64(perTx) + int64(i)
				var epcs []string
				for j := 0; j < 4; j++ {
					epcs = append(epcs, fmt.Sprintf("https://id.gs1.org/01/10614141000017/21/%d", k*4+int64(j)))
				}
				id := fmt.Sprintf("ni:///sha-256;%064x?ver=CBV2.0", k)
				e := gongxu.TraceEvent{ID: id, Type: "ObjectEvent", EventTime: at(h) - 1000, TimeZoneOffset: "+08:00", Action: "ADD",
					BizStep: "https://ref.gs1.org/cbv/BizStep-commissioning", Disposition: "https://ref.gs1.org/cbv/Disp-active",
					ReadPoint: "urn:epc:id:sgln:0614141.00001.0", BizLocation: "urn:epc:id:sgln:0614141.00001.0", EPCs: epcs}
				raw := map[string]any{"type": "ObjectEvent", "eventID": id, "eventTime": epcis.FormatMillis(e.EventTime), "eventTimeZoneOffset": "+08:00",
					"action": "ADD", "bizStep": "commissioning", "disposition": "active", "epcList": epcs,
					"readPoint": map[string]string{"id": e.ReadPoint}, "bizLocation": map[string]string{"id": e.BizLocation}}
				e.Raw = json.RawMessage(mustJSON(raw))
				evs[i] = e
			}
			recs = append(recs, tx("trace/capture", "factory-a", key(1), l.capture(h, t, "factory-a", "", evs...)...))
		}
		blocks = append(blocks, block(h, recs))
	}
	return blocks
}

// BenchmarkProjectTrace projects blocks of one 100-event capture each, one
// block per SQL transaction as the node's feeder does. Metric: events/s.
//
//	go test ./internal/sqlite/ -run '^$' -bench BenchmarkProjectTrace -benchtime 50x
func BenchmarkProjectTrace(b *testing.B) { benchProjectTrace(b, 1, 100) }

// BenchmarkProjectTraceOne projects blocks of 20 captures of one event
// each (bench trace's baseline documents).
func BenchmarkProjectTraceOne(b *testing.B) { benchProjectTrace(b, 20, 1) }

func benchProjectTrace(b *testing.B, txs, perTx int) {
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "trace.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	blocks := traceProjectBlocksOf(b.N, txs, perTx)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	for i := range blocks {
		if err := db.Project(ctx, blocks[i]); err != nil {
			b.Fatal(err)
		}
	}
	n := float64(len(blocks) * txs * perTx)
	b.ReportMetric(n/time.Since(start).Seconds(), "events/s")
	// CPU time, which a busy machine distorts less than wall time.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/n, "cpu-µs/event")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
