package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"github.com/gongxu-network/gongxu"
)

// State snapshots (state sync). A snapshot of height H is the module data of
// the state at H — every (key, value) pair the app hash covers — in ascending
// key order, cut into chunks. The tree nodes are not carried: they are a
// function of the data, so a restoring node rebuilds the tree from the pairs
// and compares the root it gets with the app hash it trusts (from a
// light-client verified header). A peer can therefore send nothing that ends
// up committed unless it hashes to that root.
//
// A chunk is a sequence of records, each
//
//	uvarint len(key) | key | uvarint len(value) | value
//
// with keys non-empty, strictly ascending within the chunk and across the
// chunks of one snapshot. Chunks are cut at record boundaries once they reach
// the target size, so the chunking, like the data, is the same on every node.

// Bounds of the snapshot encoding, checked on decode.
const (
	// SnapshotChunkSize is the size after which a chunk is cut.
	SnapshotChunkSize = 4 << 20
	// MaxSnapshotChunk is the largest chunk a decoder accepts: the target plus
	// one record (a state value is bounded by a transaction's size).
	MaxSnapshotChunk = 12 << 20
	// MaxSnapshotKey is the longest key a decoder accepts.
	MaxSnapshotKey = 4 << 10
)

// A Freezer is a DB that can hand out a frozen, consistent read-only view of
// itself: later Applies do not show in it. pebblekv.DB and MemDB are Freezers.
type Freezer interface {
	Freeze() (Frozen, error)
}

// Frozen is a frozen view of a DB; Close releases it.
type Frozen interface {
	Reader
	Close() error
}

// Freeze returns a view of m as it is now.
func (m *MemDB) Freeze() (Frozen, error) { return frozenMem{m.Clone()}, nil }

type frozenMem struct{ *MemDB }

func (f frozenMem) Close() error { return nil }

// View is the committed state frozen at one height, for a snapshot taken off
// the consensus goroutine: commits after View do not change it.
type View struct {
	Height int64
	Root   []byte
	f      Frozen
}

// View freezes the committed state. The DB must be a Freezer. It is cheap (no
// data is copied) and must be closed.
func (s *State) View() (*View, error) {
	fz, ok := s.db.(Freezer)
	if !ok {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: the DB cannot freeze a view")
	}
	s.mu.RLock() // a commit holds the write lock while it applies
	defer s.mu.RUnlock()
	f, err := fz.Freeze()
	if err != nil {
		return nil, gongxu.Wrap(err, "store: freeze")
	}
	return &View{Height: s.height, Root: bytes.Clone(s.root[:]), f: f}, nil
}

// Close releases the view.
func (v *View) Close() error { return v.f.Close() }

// Chunks cuts the view's data into snapshot chunks, each cut once it reaches
// size bytes (SnapshotChunkSize when size <= 0), and hands each to emit, in
// order. It also returns the number of pairs.
func (v *View) Chunks(size int, emit func(chunk []byte) error) (pairs int64, err error) {
	if size <= 0 {
		size = SnapshotChunkSize
	}
	var buf []byte
	var ferr error
	err = v.f.Iterate([]byte{prefixData}, []byte{prefixData + 1}, func(k, val []byte) bool {
		buf = appendRecord(buf, k[1:], val)
		pairs++
		if len(buf) > MaxSnapshotChunk || len(k) > MaxSnapshotKey+1 {
			ferr = gongxu.Errorf(gongxu.KindInternal, "store: key %q of %d bytes with a value of %d bytes does not fit a snapshot chunk", k[1:min(len(k), 40)], len(k)-1, len(val))
			return false
		}
		if len(buf) >= size {
			if ferr = emit(buf); ferr != nil {
				return false
			}
			buf = nil
		}
		return true
	})
	if err != nil {
		return 0, gongxu.Wrap(err, "store: snapshot iterate")
	}
	if ferr != nil {
		return 0, ferr
	}
	if len(buf) > 0 || pairs == 0 {
		// An empty state is one empty chunk: CometBFT wants at least one.
		if err := emit(buf); err != nil {
			return 0, err
		}
	}
	return pairs, nil
}

func appendRecord(buf, k, v []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(k)))
	buf = append(buf, k...)
	buf = binary.AppendUvarint(buf, uint64(len(v)))
	return append(buf, v...)
}

// DecodeChunk checks a snapshot chunk and calls fn with each of its pairs (the
// slices point into chunk). Every key must be greater than after (the last
// key of the previous chunk; nil before the first). It returns the chunk's
// last key, or after when the chunk is empty. Malformed input is an error of
// kind gongxu.KindInvalid, never a panic.
func DecodeChunk(chunk, after []byte, fn func(k, v []byte) error) ([]byte, error) {
	if len(chunk) > MaxSnapshotChunk {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk of %d bytes, limit %d", len(chunk), MaxSnapshotChunk)
	}
	last := after
	for off := 0; off < len(chunk); {
		k, n, err := readField(chunk[off:], MaxSnapshotKey, "key")
		if err != nil {
			return nil, err
		}
		off += n
		if len(k) == 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk: empty key")
		}
		if last != nil && bytes.Compare(k, last) <= 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk: key %q out of order", k)
		}
		v, n, err := readField(chunk[off:], MaxSnapshotChunk, "value")
		if err != nil {
			return nil, err
		}
		off += n
		if err := fn(k, v); err != nil {
			return nil, err
		}
		last = k
	}
	return last, nil
}

func readField(b []byte, limit int, what string) ([]byte, int, error) {
	l, n := binary.Uvarint(b)
	if n <= 0 || n != uvarintLen(l) { // one encoding per length
		return nil, 0, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk: malformed %s length", what)
	}
	if l > uint64(limit) || l > uint64(len(b)-n) {
		return nil, 0, gongxu.Errorf(gongxu.KindInvalid, "snapshot chunk: %s of %d bytes runs past the chunk or its limit", what, l)
	}
	return b[n : n+int(l)], n + int(l), nil
}

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// Restorer rebuilds a State from snapshot chunks. It writes into the State's
// DB, which must be at height 0, and commits nothing that the
// tree of the restored data does not hash to the expected root: until Finish
// succeeds the State stays at height 0, and Abort removes what was written.
type Restorer struct {
	s      *State
	height int64
	root   [32]byte
	last   []byte
	done   bool
}

// restoreBatch is the number of pairs written per DB batch.
const restoreBatch = 10_000

// Restore starts restoring s to height with root. s must be at height 0;
// whatever data its DB holds (an interrupted restore's) is removed first.
func (s *State) Restore(height int64, root []byte) (*Restorer, error) {
	if height <= 0 || len(root) != 32 {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "restore: height %d, root of %d bytes", height, len(root))
	}
	if h := s.Height(); h != 0 {
		return nil, gongxu.Errorf(gongxu.KindConflict, "restore: the state is at height %d, not empty", h)
	}
	r := &Restorer{s: s, height: height}
	// A state at height 0 has never committed, so data in its DB can only be
	// the leftover of a restore interrupted by a crash: start clean.
	if err := r.abort(); err != nil {
		return nil, err
	}
	copy(r.root[:], root)
	return r, nil
}

// Add decodes a chunk and writes its pairs. A malformed chunk is an error of
// kind gongxu.KindInvalid and writes nothing.
func (r *Restorer) Add(chunk []byte) error {
	if r.done {
		return gongxu.Errorf(gongxu.KindInternal, "restore: already finished")
	}
	var changes []Change
	last, err := DecodeChunk(chunk, r.last, func(k, v []byte) error {
		changes = append(changes, Change{Key: dataKey(k), Value: bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return err
	}
	for len(changes) > 0 {
		n := min(len(changes), restoreBatch)
		if err := r.s.db.Apply(changes[:n]); err != nil {
			return gongxu.Wrap(err, "restore: write")
		}
		changes = changes[n:]
	}
	r.last = bytes.Clone(last)
	return nil
}

// Finish builds the tree of the written data; when its root is the expected
// one it writes the tree, the height and the root, and the State is at the
// restored height. Otherwise it removes what was written and returns an error
// of kind gongxu.KindInvalid.
func (r *Restorer) Finish() error {
	if r.done {
		return gongxu.Errorf(gongxu.KindInternal, "restore: already finished")
	}
	r.done = true
	var leaves []tnode
	err := r.s.db.Iterate([]byte{prefixData}, []byte{prefixData + 1}, func(k, v []byte) bool {
		leaves = append(leaves, tnode{leaf: true, a: sha256.Sum256(k[1:]), b: sha256.Sum256(v)})
		return true
	})
	if err != nil {
		return gongxu.Wrap(err, "restore: read back")
	}
	slices.SortFunc(leaves, func(a, b tnode) int { return bytes.Compare(a.a[:], b.a[:]) })
	for i := 1; i < len(leaves); i++ {
		if leaves[i].a == leaves[i-1].a {
			return r.fail(gongxu.Errorf(gongxu.KindInternal, "restore: two keys with the same sha256"))
		}
	}
	// The tree is written as it is built (memory holds the leaves and one
	// batch); when its root is not the trusted one, fail removes it with the
	// data. The metadata goes last, so a crash before it leaves a state that
	// Open reads as height 0, whose leftovers the next Restore removes.
	w := &treeWriter{db: r.s.db}
	var root [32]byte
	if len(leaves) > 0 {
		if root, err = w.build(0, posKey(0, &leaves[0].a), leaves); err != nil {
			return r.fail(err)
		}
	}
	if err := w.flush(); err != nil {
		return r.fail(err)
	}
	if root != r.root {
		return r.fail(gongxu.Errorf(gongxu.KindInvalid, "restore: the restored data hashes to %X, the trusted app hash is %X", root, r.root))
	}
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], uint64(r.height))
	w.batch = append(w.batch, Change{Key: keyHeight, Value: hb[:]}, Change{Key: keyRoot, Value: root[:]})
	if err := w.flush(); err != nil {
		return r.fail(err)
	}
	s := r.s
	s.mu.Lock()
	s.height = r.height
	s.root = root
	s.nr = newNodeReader(s.db, s.opts)
	s.commits++
	s.mu.Unlock()
	return nil
}

func (r *Restorer) fail(err error) error {
	r.done = true
	if aerr := r.abort(); aerr != nil {
		return aerr
	}
	return err
}

// Abort removes the data written so far; the State stays empty.
func (r *Restorer) Abort() error {
	if r.done {
		return nil
	}
	r.done = true
	return r.abort()
}

func (r *Restorer) abort() error {
	var del []Change
	err := r.s.db.Iterate([]byte{prefixData}, []byte{prefixTree + 1}, func(k, v []byte) bool {
		del = append(del, Change{Key: k})
		if len(del) >= restoreBatch {
			return false
		}
		return true
	})
	for err == nil && len(del) > 0 {
		if err = r.s.db.Apply(del); err != nil {
			break
		}
		del = del[:0]
		err = r.s.db.Iterate([]byte{prefixData}, []byte{prefixTree + 1}, func(k, v []byte) bool {
			del = append(del, Change{Key: k})
			return len(del) < restoreBatch
		})
	}
	if err != nil {
		return gongxu.Wrap(err, "restore: remove the partial state")
	}
	return nil
}

// treeWriter builds a compacted subtree bottom-up and, with a db, writes its
// nodes in batches, so memory holds the leaves and one batch, not the tree.
type treeWriter struct {
	db    DB
	batch []Change
}

func (w *treeWriter) put(pos string, n *tnode) error {
	w.batch = append(w.batch, Change{Key: []byte(pos), Value: n.record()})
	if len(w.batch) >= restoreBatch {
		return w.flush()
	}
	return nil
}

func (w *treeWriter) flush() error {
	if len(w.batch) == 0 {
		return nil
	}
	if err := w.db.Apply(w.batch); err != nil {
		return gongxu.Wrap(err, "restore: write tree")
	}
	w.batch = w.batch[:0]
	return nil
}

// build is updater.build for an empty tree: the leaves (sorted by path, at
// least one, all under pos) become the compacted subtree at pos.
func (w *treeWriter) build(depth int, pos string, leaves []tnode) ([32]byte, error) {
	if len(leaves) == 1 {
		n := &leaves[0]
		return n.hash(), w.put(pos, n)
	}
	if depth >= maxDepth {
		return zeroHash, gongxu.Errorf(gongxu.KindInternal, "store: two keys with the same sha256")
	}
	kh := &leaves[0].a
	s := splitIndex(leaves, depth, leafKH)
	var l, r [32]byte
	var err error
	if s > 0 {
		if l, err = w.build(depth+1, childPos(depth, kh, 0), leaves[:s]); err != nil {
			return zeroHash, err
		}
	}
	if s < len(leaves) {
		if r, err = w.build(depth+1, childPos(depth, &leaves[s].a, 1), leaves[s:]); err != nil {
			return zeroHash, err
		}
	}
	n := &tnode{a: l, b: r}
	return n.hash(), w.put(pos, n)
}
