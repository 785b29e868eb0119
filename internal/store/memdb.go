package store

import (
	"bytes"
	"slices"
	"sort"
	"sync"

	"github.com/gongxu-network/gongxu"
)

// A MemDB keeps its entries in sorted chunks. Published chunks are never
// modified: Apply builds a new chunk list that shares the unchanged chunks with
// the old one, so a reader holding the old list keeps a consistent snapshot
// without holding a lock while it calls back into user code.
const (
	memChunkMax = 256 // a merged chunk longer than this is split in halves
	memChunkMin = 32  // a merged chunk shorter than this joins its left neighbour
)

type memEntry struct {
	key, value []byte
}

// MemDB is an in-memory, ordered DB. Reads see a consistent snapshot (an
// Iterate call sees one version of the data, however long it runs), Apply is
// atomic, and any number of readers may run alongside one writer.
type MemDB struct {
	wmu    sync.Mutex   // serializes writers
	mu     sync.RWMutex // guards chunks and closed
	chunks [][]memEntry // sorted, non-empty, immutable once published
	closed bool
}

var _ DB = (*MemDB)(nil)

// NewMemDB returns an empty MemDB.
func NewMemDB() *MemDB { return &MemDB{} }

// Clone returns an independent copy of m: writes to either never show in the
// other. Published data is immutable, so the copy shares it and costs O(1).
func (m *MemDB) Clone() *MemDB {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return &MemDB{chunks: m.chunks, closed: m.closed}
}

func (m *MemDB) snapshot() ([][]memEntry, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, gongxu.Errorf(gongxu.KindInternal, "memdb: closed")
	}
	return m.chunks, nil
}

// seekChunk returns the index of the first chunk whose last key is >= key.
func seekChunk(chunks [][]memEntry, key []byte) int {
	return sort.Search(len(chunks), func(i int) bool {
		c := chunks[i]
		return bytes.Compare(c[len(c)-1].key, key) >= 0
	})
}

// seekEntry returns the index of the first entry of c whose key is >= key.
func seekEntry(c []memEntry, key []byte) int {
	return sort.Search(len(c), func(i int) bool { return bytes.Compare(c[i].key, key) >= 0 })
}

// Get returns a copy of the value of key, or nil when it is absent.
func (m *MemDB) Get(key []byte) ([]byte, error) {
	chunks, err := m.snapshot()
	if err != nil {
		return nil, err
	}
	i := seekChunk(chunks, key)
	if i == len(chunks) {
		return nil, nil
	}
	c := chunks[i]
	j := seekEntry(c, key)
	if j < len(c) && bytes.Equal(c[j].key, key) {
		return bytes.Clone(c[j].value), nil
	}
	return nil, nil
}

// Iterate calls fn with copies of every key and value in [start, end), in
// ascending order, from one snapshot; a nil end means no upper bound.
func (m *MemDB) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	chunks, err := m.snapshot()
	if err != nil {
		return err
	}
	i := seekChunk(chunks, start)
	if i == len(chunks) {
		return nil
	}
	j := seekEntry(chunks[i], start)
	for ; i < len(chunks); i, j = i+1, 0 {
		for _, e := range chunks[i][j:] {
			if end != nil && bytes.Compare(e.key, end) >= 0 {
				return nil
			}
			if !fn(bytes.Clone(e.key), bytes.Clone(e.value)) {
				return nil
			}
		}
	}
	return nil
}

// Apply writes changes atomically: a reader sees all of them or none. When a
// key occurs more than once, the last change wins.
func (m *MemDB) Apply(changes []Change) error {
	cs := make([]memEntry, 0, len(changes))
	for _, ch := range changes {
		if len(ch.Key) == 0 {
			return gongxu.Errorf(gongxu.KindInternal, "memdb: empty key")
		}
		e := memEntry{key: bytes.Clone(ch.Key)}
		if ch.Value != nil {
			e.value = append(make([]byte, 0, len(ch.Value)), ch.Value...)
		}
		cs = append(cs, e)
	}
	slices.SortStableFunc(cs, func(a, b memEntry) int { return bytes.Compare(a.key, b.key) })
	// Keep the last change of each key.
	out := cs[:0]
	for i, e := range cs {
		if i+1 < len(cs) && bytes.Equal(cs[i+1].key, e.key) {
			continue
		}
		out = append(out, e)
	}
	cs = out

	m.wmu.Lock()
	defer m.wmu.Unlock()
	old, err := m.snapshot()
	if err != nil {
		return err
	}
	next := applySorted(old, cs)
	m.mu.Lock()
	m.chunks = next
	m.mu.Unlock()
	return nil
}

// Close marks m closed; later calls fail.
func (m *MemDB) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// applySorted returns a new chunk list: old with the sorted, de-duplicated
// changes cs applied (a nil value deletes). old is not modified.
func applySorted(old [][]memEntry, cs []memEntry) [][]memEntry {
	if len(cs) == 0 {
		return old
	}
	out := make([][]memEntry, 0, len(old)+len(cs)/memChunkMax+1)
	if len(old) == 0 {
		return appendChunks(out, mergeEntries(nil, cs))
	}
	ci := 0
	for i, c := range old {
		j := len(cs)
		if i < len(old)-1 {
			last := c[len(c)-1].key
			j = ci + sort.Search(len(cs)-ci, func(k int) bool { return bytes.Compare(cs[ci+k].key, last) > 0 })
		}
		if j == ci {
			out = append(out, c)
			continue
		}
		out = appendChunks(out, mergeEntries(c, cs[ci:j]))
		ci = j
	}
	return out
}

// mergeEntries merges the sorted changes cs into the sorted entries c, into a
// new slice.
func mergeEntries(c, cs []memEntry) []memEntry {
	out := make([]memEntry, 0, len(c)+len(cs))
	i, j := 0, 0
	for i < len(c) || j < len(cs) {
		var cmp int
		switch {
		case i == len(c):
			cmp = 1
		case j == len(cs):
			cmp = -1
		default:
			cmp = bytes.Compare(c[i].key, cs[j].key)
		}
		switch {
		case cmp < 0:
			out = append(out, c[i])
			i++
		default:
			if cmp == 0 {
				i++
			}
			if cs[j].value != nil {
				out = append(out, cs[j])
			}
			j++
		}
	}
	return out
}

// appendChunks appends the freshly built, sorted entries es to out as one or
// more chunks of bounded size.
func appendChunks(out [][]memEntry, es []memEntry) [][]memEntry {
	if len(es) == 0 {
		return out
	}
	if len(es) < memChunkMin && len(out) > 0 && len(out[len(out)-1])+len(es) <= memChunkMax {
		prev := out[len(out)-1]
		joined := make([]memEntry, 0, len(prev)+len(es))
		joined = append(append(joined, prev...), es...)
		out[len(out)-1] = joined
		return out
	}
	if len(es) <= memChunkMax {
		return append(out, es[:len(es):len(es)])
	}
	n := (len(es) + memChunkMax/2 - 1) / (memChunkMax / 2)
	for k := 0; k < n; k++ {
		a, b := k*len(es)/n, (k+1)*len(es)/n
		out = append(out, es[a:b:b])
	}
	return out
}
