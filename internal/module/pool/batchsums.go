package pool

import (
	"slices"
	"sort"
	"sync"
	"weak"

	"github.com/gongxu-network/gongxu"
)

// What handleBatch derives from a batch's leaves alone — the quantity per
// variant and the Merkle root over the leaf hashes, for a pool and a hub —
// is a pure function of (leaves, pool, hub). A node runs the handler on the
// same decoded message several times: CheckTx, each Recheck while the batch
// waits in the mempool, and FinalizeBlock (the chain keeps a DecodedOnce
// message decoded, txcache.go). batchSums keeps that result per message
// object, pool and hub, so that the 2,000 leaf hashes and ~2,000 Merkle
// nodes of a batch are computed once per node instead of at every run.
//
// What keeps it exact:
//   - the key is the message object itself (a weak pointer: the memo never
//     keeps a message alive, and a collected message's key can never match a
//     new one), with the pool id and the hub the result was computed for; the
//     hub comes from state (the signer's org), so it is part of the key;
//   - a batch message never changes after ValidateBasic (its DecodedOnce
//     promise: the handler only reads it), and the entry also records the
//     leaf count and the first leaf's hash, checked at every lookup;
//   - the checks that depend on the pool's state (variant offered, case
//     pack, room, payers) still run at every call; only the arithmetic and
//     hashing of the leaves is reused.
//
// Nothing here depends on the order of calls or on what is cached: a node
// that computes a batch's sums afresh gets the same values
// (TestBatchSumsSameAsFresh), so the memo changes no verdict and no app hash.
type batchSums struct {
	variants []gongxu.VariantQty // quantity per variant, sorted by variant
	root     [32]byte            // MerkleRoot of the leaf hashes
}

type sumKey struct {
	msg  weak.Pointer[MsgBatch]
	pool uint64
	hub  gongxu.OrgID
}

type sumEntry struct {
	n     int
	first [32]byte // the first leaf's hash (no pointer: the entry holds no leaf alive)
	sums  batchSums
}

// sumCacheSize bounds the memo's entries (each ~200 bytes: a root, a few
// variants, a key): more batches than a mempool and a few blocks hold.
const sumCacheSize = 4096

// sumCache is usable as its zero value; safe for concurrent use (CheckTx
// runs alongside FinalizeBlock).
type sumCache struct {
	mu    sync.Mutex
	m     map[sumKey]sumEntry
	order []sumKey // a ring, oldest at next
	next  int
}

// sums returns the batch's sums for pool and hub, computed once per message
// object (see batchSums). The caller has checked the leaves' quantities
// (their total does not overflow: ValidateBasic).
func (c *sumCache) sums(b *MsgBatch, pool uint64, hub gongxu.OrgID) batchSums {
	if len(b.Leaves) == 0 {
		return computeSums(b.Leaves, pool, hub)
	}
	k := sumKey{msg: weak.Make(b), pool: pool, hub: hub}
	first := LeafHash(pool, hub, b.Leaves[0]) // one leaf of ~2,000, and no unsafe on the write side
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok && e.n == len(b.Leaves) && e.first == first {
		return batchSums{variants: slices.Clone(e.sums.variants), root: e.sums.root}
	}
	s := computeSums(b.Leaves, pool, hub)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[sumKey]sumEntry, sumCacheSize)
		c.order = make([]sumKey, sumCacheSize)
	}
	if _, had := c.m[k]; !had {
		if old := c.order[c.next]; old != (sumKey{}) {
			delete(c.m, old)
		}
		c.order[c.next] = k
		c.next = (c.next + 1) % len(c.order)
	}
	c.m[k] = sumEntry{n: len(b.Leaves), first: first, sums: batchSums{variants: slices.Clone(s.variants), root: s.root}}
	return s
}

// computeSums is batchSums without the memo.
func computeSums(leaves []Leaf, pool uint64, hub gongxu.OrgID) batchSums {
	byVariant := map[string]gongxu.Units{}
	hashes := make([][32]byte, len(leaves))
	for i, l := range leaves {
		byVariant[l.Variant] += l.Qty // the total does not overflow: neither does a part
		hashes[i] = LeafHash(pool, hub, l)
	}
	variants := make([]gongxu.VariantQty, 0, len(byVariant))
	for v, q := range byVariant {
		variants = append(variants, gongxu.VariantQty{Variant: v, Qty: q})
	}
	sort.Slice(variants, func(i, j int) bool { return variants[i].Variant < variants[j].Variant })
	return batchSums{variants: variants, root: MerkleRoot(hashes)}
}
