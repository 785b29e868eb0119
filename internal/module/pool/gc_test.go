package pool_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// batchRecords lists the keys of a pool's batch records and hub batch
// totals, and whether it waits in the collection queue.
func batchRecords(h *chaintest.Harness, id uint64) (keys []string, queued bool) {
	for k := range h.Dump() {
		for _, p := range []string{"pool/batch/%020d/", "pool/hb/%020d/"} {
			if strings.HasPrefix(k, fmt.Sprintf(p, id)) {
				keys = append(keys, k)
			}
		}
		if k == fmt.Sprintf("pool/gc/%020d", id) {
			queued = true
		}
	}
	return keys, queued
}

// failedAndSucceeded starts a chain with pool 1 (MOQ out of reach: it
// fails) and pool 2 (MOQ 10: it succeeds), each with batches from three
// hubs (6 units each, pool 1 two each), and moves the clock past their
// deadline. It returns a batch transaction of each pool.
func failedAndSucceeded(t *testing.T) (h *chaintest.Harness, tx1, tx2 string) {
	o := defaultOpen()
	o.MOQ = 1_000_000
	h = setup(t, 3, 1_000_000, o)
	o.MOQ = 10
	o.Product = "factory-a/tee"
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, o))
	var txs [][]byte
	for hub := range 3 {
		txs = append(txs,
			h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: leaves(3, 10+hub)}),
			h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: leaves(3, 20+hub)}),
			h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 2, Leaves: leaves(3, 30+hub)}))
	}
	res := mustBlock(t, h, txs...)
	h.Advance(10 * day)
	return h, res.Txs[0].Hash, res.Txs[2].Hash
}

// TestFailedPoolLeavesNoBatchRecords: a failed pool's batch records and
// hub batch totals leave the state in its closing block (within the
// budget), and its queue entry with them; a succeeded pool keeps its own,
// for pickups. The module answers NotFound for the failed pool's batch, a
// hub reduce on it is refused as before (the pool is failed), and so is a
// pickup by receipt.
func TestFailedPoolLeavesNoBatchRecords(t *testing.T) {
	h, tx1, tx2 := failedAndSucceeded(t)
	if keys, _ := batchRecords(h, 1); len(keys) != 6+3 {
		t.Fatalf("before the close pool 1 holds %d batch records, want 9: %v", len(keys), keys)
	}
	mustBlock(t, h)
	if got := statuses(t, h, 2); got != "failed succeeded" {
		t.Fatalf("pools %s, want failed succeeded", got)
	}
	if keys, queued := batchRecords(h, 1); len(keys) != 0 || queued {
		t.Fatalf("the failed pool keeps %v (queued %v)", keys, queued)
	}
	if keys, queued := batchRecords(h, 2); len(keys) != 3+3 || queued {
		t.Fatalf("the succeeded pool holds %v (queued %v), want its 3 batches and 3 hub totals", keys, queued)
	}
	if _, err := h.Mods.Pool.Batch(h.State, 1, tx1); gongxu.ErrorKind(err) != gongxu.KindNotFound || !strings.Contains(gongxu.ErrorMessage(err), "failed") {
		t.Fatalf("the failed pool's batch: %v, want not found: failed", err)
	}
	if b, err := h.Mods.Pool.Batch(h.State, 2, tx2); err != nil || b.Pool != 2 || b.Leaves != 3 {
		t.Fatalf("the succeeded pool's batch: %+v %v", b, err)
	}
	res := h.Block(h.Sign(hubName(0), pool.TypeHubReduce, pool.MsgHubReduce{Pool: 1, Variant: "s", Qty: 1}))
	if r := res.Txs[0]; gongxu.Kind(r.Code) != gongxu.KindConflict || !strings.Contains(r.Log, "is failed") {
		t.Fatalf("hub reduce on the failed pool: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	rc := pool.Receipts(tx1, 1, gongxu.OrgID(hubName(0)), leaves(3, 10))[0]
	rc.Secret = testSecret(rc.Leaf.ID)
	res = h.Block(h.Sign(hubName(0), pool.TypePickup, pool.MsgPickup{Pool: 1, Receipt: &rc}))
	if r := res.Txs[0]; r.Code == 0 {
		t.Fatalf("a pickup of the failed pool went through: %q", r.Log)
	}
}

// TestCollectBoundedPerBlock: with the budget lowered to 4 keys a block,
// the failed pool's 9 records go over three blocks, never more than 4 a
// block, its queue entry last; the chain ends with the data of a chain
// that deleted them all at once, and the succeeded pool's records stay.
func TestCollectBoundedPerBlock(t *testing.T) {
	h, _, _ := failedAndSucceeded(t)
	twin, _, _ := failedAndSucceeded(t)
	mustBlock(t, twin)
	restore := pool.SetCollectBudget(4)
	defer restore()
	for _, want := range []struct {
		left   int
		queued bool
	}{{5, true}, {1, true}, {0, false}, {0, false}} {
		mustBlock(t, h)
		keys, queued := batchRecords(h, 1)
		if len(keys) != want.left || queued != want.queued {
			t.Fatalf("block %d: %d records left (queued %v), want %d (%v)", h.Height, len(keys), queued, want.left, want.queued)
		}
	}
	restore()
	for twin.Height < h.Height {
		mustBlock(t, twin)
	}
	if diff := dataDiff(h, twin); len(diff) > 0 {
		t.Fatalf("the collection in steps left %v different from the one at once", diff)
	}
	if keys, _ := batchRecords(h, 2); len(keys) != 6 {
		t.Fatalf("the succeeded pool holds %d records, want 6", len(keys))
	}
}
