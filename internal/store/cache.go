package store

import (
	"bytes"

	"github.com/gongxu-network/gongxu"
)

// cacheMaxLevel bounds the skiplist's height; with p = 1/4 it suits up to
// 4^16 buffered keys.
const cacheMaxLevel = 16

// cnode is one buffered write: a skiplist node, also indexed by a map.
type cnode struct {
	key   string
	value []byte // nil: deleted
	next  []*cnode
}

// Cache is a layered write cache over a parent Reader. Sets and deletes are
// buffered; reads fall through to the parent for keys the cache has not
// written; Iterate merges the buffered writes with the parent's data in
// ascending key order. A Cache is used by one goroutine at a time.
//
// Slices passed in are copied and slices handed out are copies: no caller
// can change the cache's contents except through its methods.
//
// The block executor takes a top-level cache from State.Begin and a Branch of
// it for each transaction: Write merges a transaction's writes into the block,
// and a failed transaction's branch is simply dropped. While a branch is in
// use, write only through the branch.
type Cache struct {
	parent Reader
	up     *Cache // the parent as a Cache (set by Branch); nil at the top
	m      map[string]*cnode
	head   cnode
	headN  [cacheMaxLevel]*cnode
	level  int
	rnd    uint64
	ver    uint64 // bumped on every write, so State.Hash can memoize

	// Set on the top-level caches of State.Begin.
	state *State
	base  uint64      // state's commit count when begun
	memo  *treeUpdate // Hash's result for version memo.ver
}

var _ KV = (*Cache)(nil)

// NewCache returns an empty cache over parent.
func NewCache(parent Reader) *Cache {
	c := &Cache{parent: parent}
	c.init()
	return c
}

func (c *Cache) init() {
	c.m = make(map[string]*cnode)
	c.headN = [cacheMaxLevel]*cnode{}
	c.head.next = c.headN[:]
	c.level = 1
	c.rnd = 0x9e3779b97f4a7c15
}

// Branch returns a child cache over c. Its writes reach c only through Write;
// dropping the child discards them.
func (c *Cache) Branch() *Cache {
	b := NewCache(c)
	b.up = c
	return b
}

// Write merges c's writes into the cache it was branched from and empties c.
// Only a branch can be written; the top-level block cache is persisted by
// State.Commit.
func (c *Cache) Write() error {
	if c.up == nil {
		return gongxu.Errorf(gongxu.KindInternal, "store: Write on a cache that is not a branch")
	}
	for n := c.head.next[0]; n != nil; n = n.next[0] {
		c.up.put(n.key, n.value) // the values are c's own copies; c is emptied below
	}
	c.init()
	return nil
}

// Len returns the number of keys written (set or deleted) in c.
func (c *Cache) Len() int { return len(c.m) }

// Get returns a copy of the value of key, or nil when it is absent or deleted.
func (c *Cache) Get(key []byte) ([]byte, error) {
	if n, ok := c.m[string(key)]; ok {
		if n.value == nil {
			return nil, nil
		}
		return bytes.Clone(n.value), nil
	}
	return c.parent.Get(key) // the parent hands out copies
}

// Set buffers key = value; value must be non-nil (it may be empty) and key
// non-empty.
func (c *Cache) Set(key, value []byte) error {
	if len(key) == 0 {
		return gongxu.Errorf(gongxu.KindInternal, "store: Set with an empty key")
	}
	if value == nil {
		return gongxu.Errorf(gongxu.KindInternal, "store: Set of %q with a nil value (use Delete)", key)
	}
	c.put(string(key), append(make([]byte, 0, len(value)), value...))
	return nil
}

// Delete buffers the removal of key.
func (c *Cache) Delete(key []byte) error {
	if len(key) == 0 {
		return gongxu.Errorf(gongxu.KindInternal, "store: Delete with an empty key")
	}
	c.put(string(key), nil)
	return nil
}

// put records a write; c takes ownership of value (nil: delete).
func (c *Cache) put(key string, value []byte) {
	c.ver++
	if n, ok := c.m[key]; ok {
		n.value = value
		return
	}
	c.m[key] = c.insert(key, value)
}

func (c *Cache) randomLevel() int {
	// xorshift64*: the level only shapes the skiplist, never a result.
	c.rnd ^= c.rnd >> 12
	c.rnd ^= c.rnd << 25
	c.rnd ^= c.rnd >> 27
	r := c.rnd * 2685821657736338717
	lvl := 1
	for lvl < cacheMaxLevel && r&3 == 0 {
		lvl++
		r >>= 2
	}
	return lvl
}

func (c *Cache) insert(key string, value []byte) *cnode {
	var update [cacheMaxLevel]*cnode
	x := &c.head
	for i := c.level - 1; i >= 0; i-- {
		for x.next[i] != nil && x.next[i].key < key {
			x = x.next[i]
		}
		update[i] = x
	}
	lvl := c.randomLevel()
	for i := c.level; i < lvl; i++ {
		update[i] = &c.head
	}
	if lvl > c.level {
		c.level = lvl
	}
	n := &cnode{key: key, value: value, next: make([]*cnode, lvl)}
	for i := 0; i < lvl; i++ {
		n.next[i] = update[i].next[i]
		update[i].next[i] = n
	}
	return n
}

// seek returns the first buffered write whose key is >= start.
func (c *Cache) seek(start []byte) *cnode {
	x := &c.head
	for i := c.level - 1; i >= 0; i-- {
		for x.next[i] != nil && x.next[i].key < string(start) {
			x = x.next[i]
		}
	}
	return x.next[0]
}

// Iterate calls fn for every live key in [start, end) in ascending order,
// merging c's writes over the parent's data; a nil end means no upper bound.
func (c *Cache) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	it := c.seek(start)
	if it != nil && end != nil && it.key >= string(end) {
		it = nil
	}
	stopped := false
	// emit hands the buffered write n to fn, skipping deletes.
	emit := func(n *cnode) bool {
		if n.value == nil {
			return true
		}
		if !fn([]byte(n.key), bytes.Clone(n.value)) {
			stopped = true
			return false
		}
		return true
	}
	advance := func() {
		it = it.next[0]
		if it != nil && end != nil && it.key >= string(end) {
			it = nil
		}
	}
	err := c.parent.Iterate(start, end, func(k, v []byte) bool {
		for it != nil && it.key < string(k) {
			n := it
			advance()
			if !emit(n) {
				return false
			}
		}
		if it != nil && it.key == string(k) {
			n := it
			advance()
			return emit(n)
		}
		if !fn(k, v) {
			stopped = true
			return false
		}
		return true
	})
	if err != nil || stopped {
		return err
	}
	for it != nil {
		n := it
		advance()
		if !emit(n) {
			return nil
		}
	}
	return nil
}
