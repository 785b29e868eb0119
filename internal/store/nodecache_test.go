package store

import (
	"fmt"
	"math/rand"
	"testing"
	"unsafe"
)

func TestNodeSlotSize(t *testing.T) {
	if got := unsafe.Sizeof(nodeSlot{}); got != slotBytes {
		t.Fatalf("a node slot takes %d bytes; slotBytes says %d (the budget's arithmetic)", got, slotBytes)
	}
}

func TestCacheDepthFromBudget(t *testing.T) {
	tests := []struct {
		budget int64
		depth  int
	}{
		{0, 21}, // DefaultNodeCacheBytes
		{DefaultNodeCacheBytes, 21},
		{-1, 0},
		{1, 0},
		{budgetFor(5), 5},
		{budgetFor(5) - 1, 4},
		{budgetFor(18), 18},
		{1 << 62, maxCacheDepth},
	}
	for _, tt := range tests {
		if got := cacheDepth(tt.budget); got != tt.depth {
			t.Errorf("cacheDepth(%d) = %d, want %d", tt.budget, got, tt.depth)
		}
	}
	// The default stays within its budget once every level is full.
	d := cacheDepth(0)
	if full := float64(int64(1)<<(d+1)-1) * positionBytes; full > DefaultNodeCacheBytes {
		t.Fatalf("depth %d takes %.0f bytes full, over the default budget %d", d, full, DefaultNodeCacheBytes)
	}
}

// treeCountingDB counts the tree nodes read from the DB.
type treeCountingDB struct {
	DB
	reads int
}

func (c *treeCountingDB) Get(k []byte) ([]byte, error) {
	if len(k) > 0 && k[0] == prefixTree {
		c.reads++
	}
	return c.DB.Get(k)
}

// TestNodeCacheAnswersItsLevels: once warm, a proof reads from the DB only
// the nodes below the cached depth; with the cache holding the whole tree, a
// commit and proofs read none, and a cold cache reads each node of a path.
func TestNodeCacheAnswersItsLevels(t *testing.T) {
	const n = 3000
	db := &treeCountingDB{DB: NewMemDB()}
	s := mustOpen(t, db)
	rng := rand.New(rand.NewSource(7))
	block := map[string][]byte{}
	for i := 0; i < n; i++ {
		block[fmt.Sprint("key/", i)] = []byte(fmt.Sprint(rng.Int()))
	}
	commitBlock(t, s, block)

	for _, depth := range []int{-1, 4, 8, 21} {
		budget := int64(-1)
		if depth >= 0 {
			budget = budgetFor(depth)
		}
		s := mustOpenWith(t, db, budget)
		cached := cacheDepth(budget)
		// Cold, the proofs fill the cache; warm, each reads from the DB
		// exactly the nodes of its path below the cached depth.
		db.reads = 0
		want := 0
		for i := 0; i < n; i++ {
			p, err := s.Prove([]byte(fmt.Sprint("key/", i)))
			if err != nil {
				t.Fatal(err)
			}
			want += max(0, p.Depth-cached) // the leaf is at p.Depth
		}
		cold := db.reads
		db.reads = 0
		for i := 0; i < n; i++ {
			if _, err := s.Prove([]byte(fmt.Sprint("key/", i))); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("cache depth %d: %d tree reads cold, %d warm", cached, cold, db.reads)
		// A State warmed at open reads the same as one warmed by use.
		byUse := db.reads
		s2 := mustOpenWith(t, db, budget)
		if err := s2.WarmNodeCache(); err != nil {
			t.Fatal(err)
		}
		db.reads = 0
		for i := 0; i < n; i++ {
			if _, err := s2.Prove([]byte(fmt.Sprint("key/", i))); err != nil {
				t.Fatal(err)
			}
		}
		if db.reads != want {
			t.Errorf("cache depth %d, warmed at open: %d tree reads, want %d", cached, db.reads, want)
		}
		db.reads = byUse
		if db.reads != want {
			t.Errorf("cache depth %d: %d tree reads warm, want %d (the nodes below it)", cached, db.reads, want)
		}
		if cached >= 8 && db.reads >= cold {
			t.Errorf("cache depth %d: %d reads warm, %d cold", cached, db.reads, cold)
		}
	}
}

// TestNodeCacheBytes: the cache reports what it allocated as it fills, and
// stays within its budget (plus the first levels' partly used pages).
func TestNodeCacheBytes(t *testing.T) {
	db := NewMemDB()
	block := map[string][]byte{}
	for i := 0; i < 3000; i++ {
		block[fmt.Sprint("key/", i)] = []byte(fmt.Sprint(i))
	}
	commitBlock(t, mustOpen(t, db), block)
	for _, depth := range []int{0, 8, 12} {
		budget := budgetFor(depth)
		s := mustOpenWith(t, db, budget)
		if got := s.NodeCacheBytes(); got > pageSlots*slotBytes+8 { // the root's page, read at open
			t.Fatalf("depth %d: %d bytes before any proof", depth, got)
		}
		for i := 0; i < 3000; i++ {
			if _, err := s.Prove([]byte(fmt.Sprint("key/", i))); err != nil {
				t.Fatal(err)
			}
		}
		got := s.NodeCacheBytes()
		if got < pageSlots*slotBytes || got > budget+4*pageSlots*slotBytes {
			t.Errorf("depth %d (budget %d): the cache says it holds %d bytes", depth, budget, got)
		}
	}
}

// TestLevelsBytes: the integer cost of full levels is the float one rounded up.
func TestLevelsBytes(t *testing.T) {
	for d := 0; d <= maxCacheDepth; d++ {
		if got, want := levelsBytes(d), budgetFor(d); got != want {
			t.Fatalf("depth %d: %d bytes, want %d", d, got, want)
		}
	}
}
