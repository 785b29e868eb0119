package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
	"sync"

	"github.com/gongxu-network/gongxu"
)

// Key namespaces of the DB under a State. Modules see data keys only, without
// the prefix.
const (
	prefixData = 'd' // module data: "d" + key → value
	prefixMeta = 'm' // metadata: keyHeight, keyRoot
	prefixTree = 't' // tree nodes: "t" + depth + path prefix → record
)

var (
	keyHeight = []byte{prefixMeta, 'h', 'e', 'i', 'g', 'h', 't'} // 8 bytes, big endian
	keyRoot   = []byte{prefixMeta, 'r', 'o', 'o', 't'}           // 32 bytes
)

func dataKey(key []byte) []byte {
	k := make([]byte, 1+len(key))
	k[0] = prefixData
	copy(k[1:], key)
	return k
}

// State is the committed state: the data of the last committed block, its
// height and the root of its sparse Merkle tree. One goroutine executes and
// commits blocks (Begin, Hash, Commit); any number may read concurrently (Get,
// Iterate, Prove, Height, Root) and see either the state before a commit or
// after it, never a mix within one call.
//
// Errors are of kind gongxu.KindInternal: failed I/O, a corrupt database or a
// misuse by the caller.
type State struct {
	db   DB
	nr   *nodeReader
	opts Options

	mu      sync.RWMutex // write-held while a commit is applied; read-held by multi-read calls
	height  int64
	root    [32]byte
	commits uint64 // counts Commits, so a stale block cache is refused
}

var _ Reader = (*State)(nil)

// Open loads the committed state from db with the default Options. An empty
// db is height 0 with the empty root. The tree itself stays in db; only its
// root node is read.
func Open(db DB) (*State, error) { return OpenWith(db, Options{}) }

// OpenWith is Open with options; they change the State's memory and speed,
// never its contents or root.
func OpenWith(db DB, o Options) (*State, error) {
	s := &State{db: db, nr: newNodeReader(db, o), opts: o}
	h, err := db.Get(keyHeight)
	if err != nil {
		return nil, gongxu.Wrap(err, "store: read height")
	}
	r, err := db.Get(keyRoot)
	if err != nil {
		return nil, gongxu.Wrap(err, "store: read root")
	}
	switch {
	case h == nil && r == nil:
	case len(h) == 8 && len(r) == 32:
		s.height = int64(binary.BigEndian.Uint64(h))
		copy(s.root[:], r)
	default:
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: malformed metadata (height %x, root %x)", h, r)
	}
	var p [32]byte
	rec, err := db.Get([]byte(posKey(0, &p)))
	if err != nil {
		return nil, gongxu.Wrap(err, "store: read root node")
	}
	if s.root == zeroHash {
		if rec != nil {
			return nil, gongxu.Errorf(gongxu.KindInternal, "store: empty root but a root node is stored")
		}
	} else if _, err := s.nr.load(0, &p, s.root); err != nil {
		return nil, err
	}
	return s, nil
}

// NodeCacheBytes is the memory the tree's node cache holds now (its level
// tables and pages): it grows with the state, up to its budget
// (Options.NodeCacheBytes), and is live heap.
func (s *State) NodeCacheBytes() int64 { return s.nr.used.Load() }

// Height returns the height of the last committed block (0 before the first).
func (s *State) Height() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.height
}

// Root returns the committed root: 32 bytes, all zero for the empty state.
func (s *State) Root() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return bytes.Clone(s.root[:])
}

// Get returns the committed value of key, or nil when it is absent.
func (s *State) Get(key []byte) ([]byte, error) {
	v, err := s.db.Get(dataKey(key))
	if err != nil {
		return nil, gongxu.Wrap(err, "store: get")
	}
	return v, nil
}

// Iterate calls fn for every committed key in [start, end) in ascending order;
// a nil end means no upper bound. The DB iterates one snapshot.
func (s *State) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	hi := []byte{prefixData + 1}
	if end != nil {
		hi = dataKey(end)
	}
	err := s.db.Iterate(dataKey(start), hi, func(k, v []byte) bool { return fn(k[1:], v) })
	if err != nil {
		return gongxu.Wrap(err, "store: iterate")
	}
	return nil
}

// Begin returns a block cache over the committed data, for one block: write
// to it (through a Branch per transaction), then Hash and Commit it.
func (s *State) Begin() *Cache {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := NewCache(s)
	c.state = s
	c.base = s.commits
	return c
}

// Hash returns the root the state will have once the block cache c is
// committed, without persisting anything. It remembers its work in c, so a
// second call, or Commit, does not recompute unless c changed.
func (s *State) Hash(c *Cache) ([]byte, error) {
	tu, err := s.hash(c)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(tu.root[:]), nil
}

func (s *State) hash(c *Cache) (*treeUpdate, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c == nil || c.state != s || c.up != nil {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: the cache was not returned by this state's Begin")
	}
	if c.base != s.commits {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: the block cache is stale: a commit happened since its Begin")
	}
	if c.memo != nil && c.memo.ver == c.ver {
		return c.memo, nil
	}
	chs := make([]change, 0, len(c.m))
	for n := c.head.next[0]; n != nil; n = n.next[0] {
		ch := change{kh: sha256.Sum256([]byte(n.key)), del: n.value == nil}
		if !ch.del {
			ch.vh = sha256.Sum256(n.value)
		}
		chs = append(chs, ch)
	}
	slices.SortFunc(chs, func(a, b change) int { return bytes.Compare(a.kh[:], b.kh[:]) })
	u := &updater{nr: s.nr, nodes: make(map[string]nodeWrite, 4*len(chs))}
	r, err := u.update(0, ref{h: s.root}, chs)
	if err != nil {
		return nil, err
	}
	c.memo = &treeUpdate{ver: c.ver, root: r.h, nodes: u.nodes}
	return c.memo, nil
}

// Commit persists the block cache c as block height, which must be the
// committed height + 1: its data changes, the changed tree nodes and the new
// height and root go to the DB in one atomic Apply. It returns the new root.
// c must not be used afterwards.
func (s *State) Commit(c *Cache, height int64) ([]byte, error) {
	if h := s.Height(); height != h+1 {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: commit of height %d after height %d", height, h)
	}
	tu, err := s.hash(c)
	if err != nil {
		return nil, err
	}
	changes := make([]Change, 0, len(c.m)+len(tu.nodes)+2)
	for n := c.head.next[0]; n != nil; n = n.next[0] { // ascending key order
		k := make([]byte, 1+len(n.key))
		k[0] = prefixData
		copy(k[1:], n.key)
		changes = append(changes, Change{Key: k, Value: n.value})
	}
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], uint64(height))
	changes = append(changes, Change{Key: keyHeight, Value: hb[:]}, Change{Key: keyRoot, Value: tu.root[:]})
	pos := make([]string, 0, len(tu.nodes))
	for p := range tu.nodes {
		pos = append(pos, p)
	}
	slices.SortFunc(pos, strings.Compare) // the batch never depends on map order
	for _, p := range pos {
		var rec []byte
		if n := tu.nodes[p].n; n != nil {
			rec = n.record()
		}
		changes = append(changes, Change{Key: []byte(p), Value: rec})
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if c.base != s.commits || height != s.height+1 {
		return nil, gongxu.Errorf(gongxu.KindInternal, "store: concurrent commit")
	}
	if err := s.db.Apply(changes); err != nil {
		return nil, gongxu.Wrap(err, "store: commit height %d", height)
	}
	s.nr.committed(tu.nodes)
	s.height = height
	s.root = tu.root
	s.commits++
	c.memo = nil
	return bytes.Clone(tu.root[:]), nil
}
