package chain_test

import (
	"encoding/json"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// TestPendingWeight: the work weight of what CheckTx accepted since the last
// commit (what a node's admission bounds, internal/comet) counts each
// accepted transaction's module.WeightOf once, nothing for a rejected one,
// starts again at a commit and, after it, counts what the rechecks keep.
func TestPendingWeight(t *testing.T) {
	h := chaintest.New(t, orgs...)
	weightOf := func(tx []byte) int64 {
		t.Helper()
		d, _, err := gongxu.DecodeTx(tx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var m trace.MsgCapture
		if err := json.Unmarshal(d.Body, &m); err != nil {
			t.Fatal(err)
		}
		return module.WeightOf(&m)
	}
	want := func(w int64) {
		t.Helper()
		got, block := h.App.PendingWeight()
		if got != w || block != gongxu.DefaultParams().BlockWeight() {
			t.Fatalf("pending weight %d of a block's %d, want %d of %d", got, block, w, gongxu.DefaultParams().BlockWeight())
		}
	}
	want(0)
	c1 := capture(h, captureDoc(h.Time, 10, 2, 0))
	c2 := capture(h, captureDoc(h.Time, 20, 2, 1))
	w1, w2 := weightOf(c1), weightOf(c2)
	if w1 < 10 || w2 <= w1 {
		t.Fatalf("captures weigh %d and %d", w1, w2)
	}
	for _, tx := range [][]byte{c1, c2} {
		if r := h.App.CheckTx(tx); r.Code != 0 {
			t.Fatal(r.Log)
		}
	}
	upd := h.Sign("hub-c", member.TypeUpdateOrg, update("x"))
	if r := h.App.CheckTx(upd); r.Code != 0 {
		t.Fatal(r.Log)
	}
	want(w1 + w2 + 1)
	// Rejected: a replay of c1's sequence, and c2's events again under a
	// fresh sequence (duplicates of events the check state holds).
	if r := h.App.CheckTx(c1); r.Code == 0 {
		t.Fatal("a repeated capture was accepted")
	}
	dup := capture(h, captureDoc(h.Time, 20, 2, 1))
	if r := h.App.CheckTx(dup); gongxu.Kind(r.Code) != gongxu.KindConflict {
		t.Fatalf("a capture of events already in the mempool: %s %s", gongxu.Kind(r.Code), r.Log)
	}
	want(w1 + w2 + 1)
	// c1 commits; after the commit nothing is pending until the rechecks
	// keep c2 (and drop c1, now a replay).
	h.Block(c1)
	want(0)
	if r := h.App.Recheck(c1); r.Code == 0 {
		t.Fatal("the recheck of a committed capture kept it")
	}
	if r := h.App.Recheck(c2); r.Code != 0 {
		t.Fatal(r.Log)
	}
	want(w2)
}
