package store

import (
	"bytes"
	"encoding/binary"
	"sync/atomic"

	"github.com/gongxu-network/gongxu"
)

// The node cache keeps the tree's upper levels in memory: every update and
// proof walks them, and a node read from the DB costs a Pebble lookup. It is
// sized by bytes (Options.NodeCacheBytes): it holds every level down to the
// deepest whose positions, all of them, fit the budget, so with a given
// budget the DB reads per write are about log2(keys) - that depth, however
// the keys were written. A level's slots are dense (a position's index is
// its path prefix) and allocated by pages of pageSlots as nodes land in them,
// so a small state uses little of the budget.
//
// A slot holds a node's record (its two 32-byte halves), its kind and the
// first 4 bytes of its hash, a check against the parent's hash that costs no
// sha256: 72 bytes a position, so depth 21 (4.2 million positions) takes
// about 290 MiB when the state is large enough to fill it.

// DefaultNodeCacheBytes is the node cache's budget when Options leaves it
// zero: depth 21, enough for about 2 million keys with no tree read above
// their leaves and for 10 million transactions' state (~19 million keys)
// with ~4 tree reads a write.
const DefaultNodeCacheBytes = 320 << 20

// maxCacheDepth bounds the cached depth whatever the budget (2^33 positions
// at most: far more memory than any budget here).
const maxCacheDepth = 32

const (
	pageShift = 4
	pageSlots = 1 << pageShift
	slotBytes = 72 // unsafe.Sizeof(nodeSlot{}); cache_test checks it
)

// levelsBytes is what the positions of levels 0 … d cost when full: each its
// slot and its share of a page pointer (slotBytes + 8/pageSlots), in
// integers (the store is on the write side: no floats), rounded up.
func levelsBytes(d int) int64 {
	n := int64(1)<<(d+1) - 1
	return (n*(slotBytes*pageSlots+8) + pageSlots - 1) / pageSlots
}

// Slot kinds. A slot goes from empty to filling to a node only while the
// State's read lock is held (one reader fills it; others skip it), and is
// otherwise changed only by a Commit, under the write lock.
const (
	slotEmpty uint32 = iota
	slotFilling
	slotLeaf
	slotInternal
)

type nodeSlot struct {
	kind atomic.Uint32
	tag  uint32 // the first 4 bytes of the node's hash
	a, b [32]byte
}

type nodePage [pageSlots]nodeSlot

// Options configure a State.
type Options struct {
	// NodeCacheBytes bounds the memory of the tree's node cache: 0 is
	// DefaultNodeCacheBytes; a negative value caches the root only.
	NodeCacheBytes int64
}

// cacheDepth returns the deepest level whose positions, with those of every
// level above, fit in budget bytes (0, the root only, at the least).
func cacheDepth(budget int64) int {
	if budget == 0 {
		budget = DefaultNodeCacheBytes
	}
	d := 0
	for d < maxCacheDepth && levelsBytes(d+1) <= budget {
		d++
	}
	return d
}

// nodeReader reads committed tree nodes from db through the node cache. The
// cache holds committed nodes only: reads fill it (under the State's read
// lock), and only Commit changes its nodes (under the write lock).
type nodeReader struct {
	db     DB
	depth  int // the deepest cached level
	levels []atomic.Pointer[[]atomic.Pointer[nodePage]]
	used   atomic.Int64 // bytes of the level tables and pages allocated
}

func newNodeReader(db DB, o Options) *nodeReader {
	d := cacheDepth(o.NodeCacheBytes)
	return &nodeReader{db: db, depth: d, levels: make([]atomic.Pointer[[]atomic.Pointer[nodePage]], d+1)}
}

// slot returns the cache slot of the position (depth, path), or nil when
// depth is not cached.
func (r *nodeReader) slot(depth int, path *[32]byte) *nodeSlot {
	if depth > r.depth {
		return nil
	}
	lv := r.levels[depth].Load()
	if lv == nil {
		s := make([]atomic.Pointer[nodePage], max(1, (1<<depth)>>pageShift))
		if r.levels[depth].CompareAndSwap(nil, &s) {
			lv = &s
			r.used.Add(int64(len(s)) * 8)
		} else {
			lv = r.levels[depth].Load()
		}
	}
	i := uint64(0)
	if depth > 0 {
		i = binary.BigEndian.Uint64(path[:8]) >> (64 - depth)
	}
	pp := &(*lv)[i>>pageShift]
	pg := pp.Load()
	if pg == nil {
		np := new(nodePage)
		if pp.CompareAndSwap(nil, np) {
			pg = np
			r.used.Add(pageSlots * slotBytes)
		} else {
			pg = pp.Load()
		}
	}
	return &pg[i&(pageSlots-1)]
}

func hashTag(h *[32]byte) uint32 { return binary.BigEndian.Uint32(h[:4]) }

// load reads the committed node at the position (depth, path) and checks that
// its hash is want.
func (r *nodeReader) load(depth int, path *[32]byte, want [32]byte) (*tnode, error) {
	slot := r.slot(depth, path)
	if slot != nil {
		if k := slot.kind.Load(); k >= slotLeaf {
			if slot.tag != hashTag(&want) {
				return nil, gongxu.Errorf(gongxu.KindInternal, "store: cached tree node at depth %d does not match its parent's hash", depth)
			}
			return &tnode{leaf: k == slotLeaf, a: slot.a, b: slot.b}, nil
		}
	}
	pos := posKey(depth, path)
	rec, err := r.db.Get([]byte(pos))
	if err != nil {
		return nil, gongxu.Wrap(err, "store: read tree node")
	}
	n, ok := decodeNode(rec)
	if !ok {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: tree node at %x is missing or malformed", pos[1:])
	}
	if n.hash() != want {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: tree node at %x does not match its parent's hash", pos[1:])
	}
	if slot != nil && slot.kind.CompareAndSwap(slotEmpty, slotFilling) {
		slot.fill(n, &want)
	}
	return n, nil
}

// fill writes n into a slot the caller owns (filling, or under the write
// lock), then publishes it.
func (s *nodeSlot) fill(n *tnode, h *[32]byte) {
	s.tag, s.a, s.b = hashTag(h), n.a, n.b
	if n.leaf {
		s.kind.Store(slotLeaf)
	} else {
		s.kind.Store(slotInternal)
	}
}

// committed updates the cache with the nodes a commit wrote; the caller
// holds the State's write lock.
func (r *nodeReader) committed(nodes map[string]nodeWrite) {
	for pos, w := range nodes {
		depth := int(pos[1])<<8 | int(pos[2])
		if depth > r.depth {
			continue
		}
		var path [32]byte
		copy(path[:], pos[3:])
		slot := r.slot(depth, &path)
		if w.n == nil {
			slot.kind.Store(slotEmpty)
		} else {
			slot.fill(w.n, &w.h)
		}
	}
}

// WarmNodeCache fills the node cache from the DB in one pass over the cached
// levels (their nodes are contiguous in the DB: keyed by depth first), so a
// State just opened reads no more from the DB than one that has run a while.
// It costs one sha256 a node (a node's hash is checked against its parent's
// on every cache hit) and, full, the cache's budget in memory. Optional: the
// cache fills as blocks and proofs read it anyway.
func (s *State) WarmNodeCache() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.nr
	lo := []byte{prefixTree, 0, 0}
	hi := []byte{prefixTree, byte((r.depth + 1) >> 8), byte(r.depth + 1)}
	var bad []byte
	err := s.db.Iterate(lo, hi, func(k, v []byte) bool {
		n, ok := decodeNode(v)
		if !ok || len(k) < 3 {
			bad = bytes.Clone(k)
			return false
		}
		depth := int(k[1])<<8 | int(k[2])
		var path [32]byte
		copy(path[:], k[3:])
		if slot := r.slot(depth, &path); slot.kind.CompareAndSwap(slotEmpty, slotFilling) {
			h := n.hash()
			slot.fill(n, &h)
		}
		return true
	})
	if err != nil {
		return gongxu.Wrap(err, "store: warm the node cache")
	}
	if bad != nil {
		return gongxu.Errorf(gongxu.KindInternal, "store: tree node at %x is malformed", bad[1:])
	}
	return nil
}
