package trace_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// TestCaptureDecodedOnceSameVerdicts: a node that judged the captures in its
// mempool first, and rechecked them after a block that did not carry them
// (the decoded-message cache then serves Recheck and FinalizeBlock), ends
// each block on the app hash and verdicts of a node that never saw them: a
// capture, a GS1 example, and one refused as a duplicate of the first.
func TestCaptureDecodedOnceSameVerdicts(t *testing.T) {
	seen := chaintest.New(t, traceOrgs...)
	fresh := chaintest.New(t, traceOrgs...)
	gs1, err := os.ReadFile("../../epcis/testdata/gs1/examples/Example_9.6.1-ObjectEvent.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	for blk := range 3 {
		docs := [][]byte{manyEvents(20+blk, seen.Time-int64(blk)*1000), gs1, manyEvents(20+blk, seen.Time-int64(blk)*1000)}
		if blk > 0 {
			docs[1] = manyEvents(3, seen.Time-5000-int64(blk)) // the example's fixed id is stored
		}
		var txs [][]byte
		for _, d := range docs {
			raw := seen.SignRaw("factory-a", trace.TypeCapture, captureBody(d))
			fresh.SignRaw("factory-a", trace.TypeCapture, captureBody(d))
			seen.App.CheckTx(raw)
			txs = append(txs, raw)
		}
		seen.Block() // a block without them: each is rechecked after it
		fresh.Block()
		for _, raw := range txs {
			seen.App.Recheck(raw)
		}
		a, b := seen.Block(txs...), fresh.Block(txs...)
		for _, h := range []*chaintest.Harness{seen, fresh} {
			h.ResetSeq("factory-a") // the refused capture consumed no sequence
		}
		if !bytes.Equal(a.AppHash, b.AppHash) {
			t.Fatalf("block %d: app hash %x after CheckTx and Recheck, %x without", blk, a.AppHash, b.AppHash)
		}
		for i := range a.Txs {
			if a.Txs[i].Code != b.Txs[i].Code || a.Txs[i].Log != b.Txs[i].Log {
				t.Fatalf("block %d tx %d: %d %q against %d %q", blk, i, a.Txs[i].Code, a.Txs[i].Log, b.Txs[i].Code, b.Txs[i].Log)
			}
		}
		if a.Txs[0].Code != 0 || a.Txs[1].Code != 0 || a.Txs[2].Code == 0 {
			t.Fatalf("block %d: verdicts %d %d %d: %s %s", blk, a.Txs[0].Code, a.Txs[1].Code, a.Txs[2].Code, a.Txs[0].Log, a.Txs[1].Log)
		}
	}
}
