package pool

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// freshSums is handleBatch's computation as it was before the memo: the
// reference every memoized answer must equal.
func freshSums(leaves []Leaf, pool uint64, hub gongxu.OrgID) batchSums {
	byVariant := map[string]gongxu.Units{}
	hashes := make([][32]byte, len(leaves))
	for i, l := range leaves {
		byVariant[l.Variant] += l.Qty
		hashes[i] = LeafHash(pool, hub, l)
	}
	var vs []gongxu.VariantQty
	for v, q := range byVariant {
		vs = append(vs, gongxu.VariantQty{Variant: v, Qty: q})
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Variant < vs[j].Variant })
	return batchSums{variants: vs, root: MerkleRoot(hashes)}
}

func sumsEqual(a, b batchSums) bool {
	if a.root != b.root || len(a.variants) != len(b.variants) {
		return false
	}
	for i := range a.variants {
		if a.variants[i] != b.variants[i] {
			return false
		}
	}
	return true
}

func randomBatch(r *rand.Rand, n int) *MsgBatch {
	ls := make([]Leaf, n)
	for i := range ls {
		ls[i] = Leaf{ID: fmt.Sprintf("%016x%08x", r.Uint64(), i), Variant: []string{"", "s", "m", "l"}[r.IntN(4)],
			Qty: gongxu.Units(1 + r.IntN(5)), Commit: fmt.Sprintf("%064x", r.Uint64())}
	}
	return &MsgBatch{Pool: 1 + r.Uint64N(3), Leaves: ls}
}

// TestBatchSumsSameAsFresh: whatever was asked before — the same message for
// another hub or pool, another message, the same leaves in a new message,
// a message whose leaves were replaced — the memo answers what a fresh
// computation does, and a caller changing its answer changes no later one.
func TestBatchSumsSameAsFresh(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 24))
	var c sumCache
	hubs := []gongxu.OrgID{"hub-a", "hub-b", "hub-c"}
	var msgs []*MsgBatch
	for range 20 {
		msgs = append(msgs, randomBatch(r, 1+r.IntN(300)))
	}
	for step := range 3000 {
		b := msgs[r.IntN(len(msgs))]
		switch r.IntN(20) {
		case 0: // a new message with the same leaves
			b = &MsgBatch{Pool: b.Pool, Leaves: append([]Leaf(nil), b.Leaves...)}
			msgs[r.IntN(len(msgs))] = b
		case 1: // the leaves replaced (a message must never change; the memo checks anyway)
			b.Leaves = randomBatch(r, 1+r.IntN(50)).Leaves
		case 2:
			runtime.GC() // collected messages' keys must never match new ones
		}
		pool, hub := b.Pool+r.Uint64N(2), hubs[r.IntN(len(hubs))]
		got := c.sums(b, pool, hub)
		if want := freshSums(b.Leaves, pool, hub); !sumsEqual(got, want) {
			t.Fatalf("step %d: memo %x %v, fresh %x %v", step, got.root, got.variants, want.root, want.variants)
		}
		if len(got.variants) > 0 {
			got.variants[0].Qty = -1 // the caller's copy only
		}
	}
}

// TestBatchSumsBounded: the memo keeps at most sumCacheSize entries.
func TestBatchSumsBounded(t *testing.T) {
	var c sumCache
	r := rand.New(rand.NewPCG(1, 2))
	b := randomBatch(r, 2)
	for i := range sumCacheSize + 100 {
		c.sums(b, uint64(i+1), "hub-a")
	}
	if n := len(c.m); n != sumCacheSize {
		t.Fatalf("%d entries, want %d", n, sumCacheSize)
	}
	want := freshSums(b.Leaves, 1, "hub-a") // out of the memo: computed again, the same
	if got := c.sums(b, 1, "hub-a"); !sumsEqual(got, want) {
		t.Fatal("an evicted entry computed again differs")
	}
}

// TestBatchSumsConcurrent: CheckTx runs alongside FinalizeBlock, so the memo
// is read and filled from several goroutines at once (run it with -race).
func TestBatchSumsConcurrent(t *testing.T) {
	var c sumCache
	r := rand.New(rand.NewPCG(3, 4))
	msgs := make([]*MsgBatch, 8)
	want := make([]batchSums, len(msgs))
	for i := range msgs {
		msgs[i] = randomBatch(r, 1+r.IntN(100))
		want[i] = freshSums(msgs[i].Leaves, msgs[i].Pool, "hub-a")
	}
	errs := make(chan string, 4)
	for g := range 4 {
		go func() {
			for k := range 200 {
				i := (g + k) % len(msgs)
				if got := c.sums(msgs[i], msgs[i].Pool, "hub-a"); !sumsEqual(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d, message %d: %x, want %x", g, i, got.root, want[i].root)
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}
