package store

import (
	"bytes"
	"crypto/sha256"
	"runtime"
	"sort"

	"github.com/gongxu-network/gongxu"
)

// The state commitment is a sparse Merkle tree over sha256(key): 256-bit
// paths, bit 0 = the most significant bit of the first byte = the branch taken
// at the root. It is compacted canonically: a subtree holding exactly one leaf
// is that leaf, placed at the highest position where it is alone; a subtree
// holding none is empty. So the tree, and its root, depend only on the set of
// (key, value) pairs.
//
//	empty subtree  = 32 zero bytes
//	leaf hash      = sha256(0x00 || sha256(key) || sha256(value))
//	internal hash  = sha256(0x01 || left || right)
//
// Nodes are stored under prefixTree, keyed by position: the depth (2 bytes,
// big endian) and the path prefix (ceil(depth/8) bytes, unused bits zero). A
// node's record is the 65-byte preimage of its hash, so hash = sha256(record).

// parallelMin is the number of changes on each side of the root above which
// the two halves of the tree are updated in parallel.
const parallelMin = 256

const (
	tagLeaf     = 0x00
	tagInternal = 0x01
	recordLen   = 65
	maxDepth    = 256
)

var zeroHash [32]byte

// tnode is a tree node: a leaf (a = key hash, b = value hash) or an internal
// node (a = left child hash, b = right child hash).
type tnode struct {
	leaf bool
	a, b [32]byte
}

func (n *tnode) preimage() [recordLen]byte {
	var buf [recordLen]byte
	if !n.leaf {
		buf[0] = tagInternal
	}
	copy(buf[1:33], n.a[:])
	copy(buf[33:], n.b[:])
	return buf
}

func (n *tnode) record() []byte {
	buf := n.preimage()
	return buf[:]
}

func (n *tnode) hash() [32]byte {
	buf := n.preimage()
	return sha256.Sum256(buf[:])
}

func leafHash(kh, vh *[32]byte) [32]byte {
	n := tnode{leaf: true, a: *kh, b: *vh}
	return n.hash()
}

func internalHash(l, r *[32]byte) [32]byte {
	n := tnode{a: *l, b: *r}
	return n.hash()
}

func decodeNode(rec []byte) (*tnode, bool) {
	if len(rec) != recordLen || rec[0] > tagInternal {
		return nil, false
	}
	n := &tnode{leaf: rec[0] == tagLeaf}
	copy(n.a[:], rec[1:33])
	copy(n.b[:], rec[33:])
	return n, true
}

// bit returns bit i of the path kh (0 = most significant bit of kh[0]).
func bit(kh *[32]byte, i int) byte {
	return kh[i/8] >> (7 - uint(i%8)) & 1
}

func setBit(kh *[32]byte, i int, v byte) {
	mask := byte(1) << (7 - uint(i%8))
	if v == 0 {
		kh[i/8] &^= mask
	} else {
		kh[i/8] |= mask
	}
}

// posKey returns the DB key of the tree position at depth on the path kh.
func posKey(depth int, kh *[32]byte) string {
	var buf [3 + 32]byte
	buf[0] = prefixTree
	buf[1] = byte(depth >> 8)
	buf[2] = byte(depth)
	nb := (depth + 7) / 8
	copy(buf[3:], kh[:nb])
	if r := depth % 8; r != 0 {
		buf[3+nb-1] &= 0xff << (8 - uint(r))
	}
	return string(buf[:3+nb])
}

// childPos returns the position of the child on side b of the node at depth
// on the path kh.
func childPos(depth int, kh *[32]byte, b byte) string {
	p := *kh
	setBit(&p, depth, b)
	return posKey(depth+1, &p)
}

// ref is a subtree: empty (zero h, nil n), a node not yet loaded (nil n), or a
// loaded node.
type ref struct {
	h [32]byte
	n *tnode
}

func (r ref) empty() bool { return r.n == nil && r.h == zeroHash }

// change is one data write as the tree sees it.
type change struct {
	kh, vh [32]byte
	del    bool
}

// nodeWrite is the new node of a position; nil n deletes it. existed says
// whether the committed tree has a node there (else a delete is dropped).
type nodeWrite struct {
	n       *tnode
	h       [32]byte
	existed bool
}

// treeUpdate is the result of applying a block's changes to the tree.
type treeUpdate struct {
	ver   uint64 // the cache version it was computed from
	root  [32]byte
	nodes map[string]nodeWrite
}

// updater computes a treeUpdate, reading committed nodes through nr.
type updater struct {
	nr    *nodeReader
	nodes map[string]nodeWrite
}

func (u *updater) put(pos string, n *tnode, h [32]byte, existed bool) {
	if w, ok := u.nodes[pos]; ok {
		existed = existed || w.existed
	}
	u.nodes[pos] = nodeWrite{n: n, h: h, existed: existed}
}

func (u *updater) del(pos string, existed bool) {
	if w, ok := u.nodes[pos]; ok {
		existed = existed || w.existed
	}
	if existed {
		u.nodes[pos] = nodeWrite{existed: true}
	} else {
		delete(u.nodes, pos)
	}
}

// splitIndex returns the index of the first change whose path has bit depth
// set; chs is sorted by path and shares the first depth bits.
func splitIndex[T any](chs []T, depth int, kh func(*T) *[32]byte) int {
	return sort.Search(len(chs), func(i int) bool { return bit(kh(&chs[i]), depth) == 1 })
}

func changeKH(c *change) *[32]byte { return &c.kh }

// update returns the subtree at the position (depth, path of chs[0]) after
// applying chs (sorted by path, all under that position) to old.
func (u *updater) update(depth int, old ref, chs []change) (ref, error) {
	if len(chs) == 0 {
		return old, nil
	}
	kh := &chs[0].kh
	pos := posKey(depth, kh)
	on := old.n
	if on == nil && !old.empty() {
		var err error
		if on, err = u.nr.load(depth, kh, old.h); err != nil {
			return ref{}, err
		}
	}
	if on == nil || on.leaf {
		return u.rebuild(depth, pos, on, old.h, chs)
	}
	if depth >= maxDepth {
		return ref{}, gongxu.Errorf(gongxu.KindInternal, "store: internal tree node at depth %d", depth)
	}
	s := splitIndex(chs, depth, changeKH)
	l, r := ref{h: on.a}, ref{h: on.b}
	var err error
	if depth == 0 && min(s, len(chs)-s) >= parallelMin && runtime.GOMAXPROCS(0) > 1 {
		// The two halves of the tree touch disjoint positions: update the
		// left one on another goroutine, with its own node map. The result
		// does not depend on the schedule.
		lu := &updater{nr: u.nr, nodes: make(map[string]nodeWrite, len(u.nodes))}
		var lerr error
		done := make(chan struct{})
		go func() {
			defer close(done)
			l, lerr = lu.update(depth+1, l, chs[:s])
		}()
		r, err = u.update(depth+1, r, chs[s:])
		<-done
		if err != nil {
			return ref{}, err
		}
		if lerr != nil {
			return ref{}, lerr
		}
		for p, w := range lu.nodes {
			u.nodes[p] = w
		}
	} else {
		if l, err = u.update(depth+1, l, chs[:s]); err != nil {
			return ref{}, err
		}
		if r, err = u.update(depth+1, r, chs[s:]); err != nil {
			return ref{}, err
		}
	}
	// Compaction: a lone leaf moves up into this position.
	if l.empty() && r.empty() {
		u.del(pos, true)
		return ref{}, nil
	}
	if l.empty() || r.empty() {
		side, c, existed := byte(1), r, on.b != zeroHash
		if r.empty() {
			side, c, existed = 0, l, on.a != zeroHash
		}
		cn := c.n
		if cn == nil {
			var err error
			cp := *kh
			setBit(&cp, depth, side)
			if cn, err = u.nr.load(depth+1, &cp, c.h); err != nil {
				return ref{}, err
			}
		}
		if cn.leaf {
			u.del(childPos(depth, kh, side), existed)
			u.put(pos, cn, c.h, true)
			return ref{h: c.h, n: cn}, nil
		}
	}
	if l.h == on.a && r.h == on.b {
		return ref{h: old.h, n: on}, nil
	}
	n := &tnode{a: l.h, b: r.h}
	h := n.hash()
	u.put(pos, n, h, true)
	return ref{h: h, n: n}, nil
}

// rebuild replaces the subtree at pos, which is empty or the leaf old, with
// the leaves that remain after applying chs.
func (u *updater) rebuild(depth int, pos string, old *tnode, oldHash [32]byte, chs []change) (ref, error) {
	leaves := make([]tnode, 0, len(chs)+1)
	oldDone := old == nil
	for i := range chs {
		c := &chs[i]
		if !oldDone {
			switch cmp := bytes.Compare(old.a[:], c.kh[:]); {
			case cmp < 0:
				leaves = append(leaves, *old)
				oldDone = true
			case cmp == 0:
				oldDone = true // replaced or deleted by c
			}
		}
		if !c.del {
			leaves = append(leaves, tnode{leaf: true, a: c.kh, b: c.vh})
		}
	}
	if !oldDone {
		leaves = append(leaves, *old)
	}
	if old != nil && len(leaves) == 1 && leaves[0] == *old {
		return ref{h: oldHash, n: old}, nil
	}
	return u.build(depth, pos, leaves, old != nil)
}

func leafKH(n *tnode) *[32]byte { return &n.a }

// build writes the compacted subtree of leaves (sorted by path, all under the
// position) at pos, where the committed tree has a node iff existed and has
// nothing below.
func (u *updater) build(depth int, pos string, leaves []tnode, existed bool) (ref, error) {
	switch len(leaves) {
	case 0:
		u.del(pos, existed)
		return ref{}, nil
	case 1:
		n := &leaves[0]
		h := n.hash()
		u.put(pos, n, h, existed)
		return ref{h: h, n: n}, nil
	}
	if depth >= maxDepth {
		return ref{}, gongxu.Errorf(gongxu.KindInternal, "store: two keys with the same sha256")
	}
	kh := &leaves[0].a
	s := splitIndex(leaves, depth, leafKH)
	l, err := u.build(depth+1, childPos(depth, kh, 0), leaves[:s], false)
	if err != nil {
		return ref{}, err
	}
	r, err := u.build(depth+1, childPos(depth, kh, 1), leaves[s:], false)
	if err != nil {
		return ref{}, err
	}
	n := &tnode{a: l.h, b: r.h}
	h := n.hash()
	u.put(pos, n, h, existed)
	return ref{h: h, n: n}, nil
}
