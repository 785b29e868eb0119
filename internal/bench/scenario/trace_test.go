package scenario

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// The bench's documents pass GS1's schema and the checks the chain makes at
// block time, every event has its own id, and no EPC or event repeats across
// documents and signers.
func TestBenchTraceDocumentsValidate(t *testing.T) {
	epoch := time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
	// The run's block times are two hours after the epoch.
	now := epoch.Add(2 * time.Hour)
	ids, epcs := map[string]string{}, map[string]string{}
	for _, c := range []struct {
		signer int
		seq    uint64
		n, k   int
	}{{0, 1, 1, 4}, {0, 2, 1, 4}, {1, 1, 1, 4}, {0, 3, 7, 1}, {5, 3599, 100, 4}, {5, 3600, 100, 4}, {31, 42, trace.MaxEvents, 4}} {
		raw := traceDocument(c.signer, c.seq, c.n, c.k, epoch)
		if len(raw) > trace.MaxDocumentBytes {
			t.Fatalf("%d events: %d bytes, over the limit", c.n, len(raw))
		}
		doc, err := epcis.ParseDocument(raw, epcis.ParseOptions{MaxBytes: trace.MaxDocumentBytes, Now: now})
		if err != nil {
			t.Fatalf("signer %d document %d of %d events: %v\n%.600s", c.signer, c.seq, c.n, err, raw)
		}
		if doc.Type != epcis.TypeDocument || len(doc.Events) != c.n {
			t.Fatalf("%s of %d events, want %d", doc.Type, len(doc.Events), c.n)
		}
		where := func(i int) string { return fmt.Sprintf("signer %d document %d event %d", c.signer, c.seq, i) }
		for i, e := range doc.Events {
			if e.Type != epcis.ObjectEvent || !e.IDAssigned || len(e.EPCList) != c.k || e.ReadPoint == "" || e.BizLocation == "" || e.BizStep == "" || e.Disposition == "" {
				t.Fatalf("event %d: %+v", i, e)
			}
			if prev, dup := ids[e.EventID]; dup {
				t.Fatalf("%s has the id of %s", where(i), prev)
			}
			ids[e.EventID] = where(i)
			for _, epc := range e.EPCList {
				if _, err := epcis.Canonical(epc); err != nil {
					t.Fatalf("EPC %s: %v", epc, err)
				}
				if prev, dup := epcs[epc]; dup {
					t.Fatalf("EPC %s of %s is also in %s", epc, where(i), prev)
				}
				epcs[epc] = where(i)
			}
			if i > 0 && e.EventTime <= doc.Events[i-1].EventTime {
				t.Fatalf("event %d at %d, not after event %d", i, e.EventTime, i-1)
			}
		}
	}
	// Check sizes documents with the longest serials: a full document of
	// 4 EPCs an event fits, one of 16 does not.
	o := TraceOptions{Common: Common{Validators: 4, Step: 10 * time.Second}, Signers: 32, EPCs: 4, Sizes: []int{1000, 100, 100}, StartRate: 200, Growth: 1.6, MaxSteps: 6}
	if err := o.Check(); err != nil {
		t.Fatal(err)
	}
	if len(o.Sizes) != 2 || o.Sizes[0] != 100 {
		t.Fatalf("sizes %v, want sorted and without repeats", o.Sizes)
	}
	o.EPCs = 16
	if err := o.Check(); err == nil || !strings.Contains(err.Error(), "above trace's limit") {
		t.Fatalf("16 EPCs × 1000 events: %v", err)
	}
}

func TestBenchTraceTxDecodes(t *testing.T) {
	keys := []ed25519.PrivateKey{signerKey(0), signerKey(1)}
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	raw := traceTx(keys, 3, 2, epoch)(1, 9)
	tx, _, err := gongxu.DecodeTx(raw, int(gongxu.DefaultParams().MaxTxBytes))
	if err != nil || tx.Type != trace.TypeCapture || tx.Sequence != 9 || string(tx.Signer) != string(keys[1].Public().(ed25519.PublicKey)) {
		t.Fatalf("capture tx: %+v, %v", tx, err)
	}
	var m trace.MsgCapture
	dec := json.NewDecoder(strings.NewReader(string(tx.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || m.ValidateBasic() != nil {
		t.Fatalf("body: %v, %v", err, m.ValidateBasic())
	}
	if string(m.Document) != string(traceDocument(1, 9, 3, 2, epoch)) {
		t.Fatal("the body's document is not signer 1's document 9")
	}
	// The same signer and sequence make the same tx: a resend is a resend.
	if string(traceTx(keys, 3, 2, epoch)(1, 9)) != string(raw) {
		t.Fatal("two builds of one tx differ")
	}
	raw = traceTx(keys, 3, 2, epoch)(0, 1000)
	if ph := newTracePhase(3, 2, epoch); ph.TxBytes != len(raw) || ph.EventBytes != len(raw)/3 || ph.BlockDocs != blockBatches(4<<20, len(raw)) {
		t.Fatalf("phase %+v for a tx of %d bytes", ph, len(raw))
	}
}

func TestBenchTraceRates(t *testing.T) {
	// The baseline starts at --start-rate; a batch load at 0.6× the best
	// events/s so far, in whole txs/s, at least 1.
	for _, c := range []struct {
		n, start int
		best     float64
		want     int
	}{{1, 200, 0, 200}, {1, 200, 900, 200}, {100, 200, 500, 3}, {1000, 200, 500, 1}, {500, 200, 10_000, 12}} {
		if got := traceStartRate(c.n, c.start, c.best); got != c.want {
			t.Fatalf("traceStartRate(%d, %d, %v) = %d, want %d", c.n, c.start, c.best, got, c.want)
		}
	}
	rates := []int{1}
	for range 5 {
		rates = append(rates, traceNextRate(rates[len(rates)-1], 1.6))
	}
	if got, want := rates, []int{1, 2, 3, 5, 8, 13}; !slices.Equal(got, want) {
		t.Fatalf("rates %v, want %v", got, want)
	}
}

func TestBenchTraceReportMath(t *testing.T) {
	step := func(rate int, committed, cpuPerTx, txsMean float64, txsMax int) *traceStep {
		return &traceStep{StepResult: bench.StepResult{Rate: rate, CommittedTPS: committed, CPUPerTxUs: cpuPerTx},
			Node0: bench.BlockLogStats{TxsMean: txsMean, TxsMax: txsMax}}
	}
	base := &tracePhase{EventsPerDoc: 1, TxBytes: 800, Best: -1}
	base.add(step(200, 199, 4000, 100, 150)) // keeps up
	base.add(step(320, 310, 3800, 180, 240)) // keeps up (310 ≥ 288)
	sat := step(512, 400, 3500, 300, 420)    // saturated
	sat.StoredEvents, sat.ChainSecs = 10_000, 25
	base.add(sat)
	batch := &tracePhase{EventsPerDoc: 100, TxBytes: 50_000, Best: -1}
	batch.add(step(2, 2, 100_000, 1.2, 2)) // 200 events/s, 1,000 µs/event
	s := step(4, 3.5, 90_000, 2.5, 4)      // 350 events/s, below 90 % of 4 tx/s
	// The chain stored 5,000 events from the step's start until the
	// mempools were empty, for 3.5 s of the nodes' CPU: 700 µs/event.
	s.StoredEvents, s.NodeCPUSecs, s.ChainSecs = 5000, 3.5, 25
	batch.add(s)
	batch.add(step(6, 3.0, 95_000, 3, 5)) // past the peak
	rep := &TraceReport{Phases: []*tracePhase{base, batch}}
	rep.finish(map[string]int64{"x": 1})

	if base.Best != 2 || base.SaturationEvents != 400 || !base.Saturated || base.Speedup != 1 || base.CPUPerEventUs != 3500 {
		t.Fatalf("baseline %+v", base)
	}
	if s := base.Steps; s[0].Saturated || s[1].Saturated || !s[2].Saturated || s[1].EventsPerS != 310 || s[0].CPUPerEventUs != 4000 {
		t.Fatalf("baseline steps %+v %+v %+v", s[0], s[1], s[2])
	}
	if batch.Best != 1 || batch.SaturationEvents != 350 || !batch.Saturated {
		t.Fatalf("batch %+v", batch)
	}
	if s := batch.Steps[1]; s.EventsPerS != 350 || s.CPUPerEventUs != 700 || s.BlockKB != 125 || s.BlockMaxKB != 200 {
		t.Fatalf("batch step %+v", s)
	}
	if batch.Speedup != 350.0/400 || batch.CPUPerEventUs != 700 || batch.CPUSpeedup != 5 {
		t.Fatalf("batch speed-up %v, CPU %v (%v×)", batch.Speedup, batch.CPUPerEventUs, batch.CPUSpeedup)
	}
	// 5,000 events stored in 25 s: 200 events/s on the chain, against the
	// baseline's 10,000 in 25 s.
	if batch.ChainEvents != 200 || base.ChainEvents != 400 || batch.ChainSpeedup != 0.5 {
		t.Fatalf("chain events/s %v, baseline %v, speed-up %v", batch.ChainEvents, base.ChainEvents, batch.ChainSpeedup)
	}
	if base.Steps[2].BlockKB != 240 || rep.Errors["x"] != 1 {
		t.Fatalf("baseline block %v KB, errors %v", base.Steps[2].BlockKB, rep.Errors)
	}
	var out strings.Builder
	if err := rep.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"best: 400 events/s", "best: 350 events/s", "0.88× the baseline's events/s, 5.00× less node CPU", "100 events 0.9× (0.5×)", "512 *"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("report lacks %q:\n%s", want, out.String())
		}
	}

	for _, c := range []struct {
		check traceCheck
		want  string
	}{{traceCheck{Stored: 10, Counted: 10}, "matches"}, {traceCheck{Stored: 12, Counted: 10}, "2 events more"}, {traceCheck{Stored: 9, Counted: 10}, "MISMATCH"}} {
		if v := c.check.verdict(); !strings.Contains(v, c.want) {
			t.Fatalf("%+v: %q", c.check, v)
		}
	}
}
