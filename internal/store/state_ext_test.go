package store_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

func openState(t testing.TB, db store.DB) *store.State {
	t.Helper()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openPebble(t testing.TB, dir string) *pebblekv.DB {
	t.Helper()
	db, err := pebblekv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// randomBlock returns a block of sets and deletes over a small key space.
func randomBlock(rng *rand.Rand, space, n int) map[string][]byte {
	b := map[string][]byte{}
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("key/%04d", rng.Intn(space))
		if rng.Intn(4) == 0 {
			b[k] = nil
		} else {
			b[k] = []byte(fmt.Sprint(rng.Int63()))
		}
	}
	return b
}

// commit writes the block through a transaction branch, as the chain does.
func commit(t testing.TB, s *store.State, block map[string][]byte) []byte {
	t.Helper()
	keys := make([]string, 0, len(block))
	for k := range block {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c := s.Begin()
	tx := c.Branch()
	for _, k := range keys {
		if v := block[k]; v == nil {
			_ = tx.Delete([]byte(k))
		} else {
			_ = tx.Set([]byte(k), v)
		}
	}
	failed := c.Branch() // a failed transaction changes nothing
	_ = failed.Set([]byte("failed"), []byte("tx"))
	if err := tx.Write(); err != nil {
		t.Fatal(err)
	}
	root, err := s.Commit(c, s.Height()+1)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func dump(t testing.TB, r store.Reader) []string {
	t.Helper()
	var out []string
	if err := r.Iterate(nil, nil, func(k, v []byte) bool {
		out = append(out, string(k)+"="+string(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPebbleAgreesWithMemDB feeds the same random blocks to a State on a
// MemDB, a State on Pebble that is closed and reopened along the way, and one
// restored from a checkpoint: roots, heights and data must agree throughout.
func TestPebbleAgreesWithMemDB(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	dir := t.TempDir()
	mem := openState(t, store.NewMemDB())
	pdb := openPebble(t, filepath.Join(dir, "a"))
	ps := openState(t, pdb)
	var restored *store.State
	for h := 1; h <= 40; h++ {
		block := randomBlock(rng, 500, 1+rng.Intn(200))
		want := commit(t, mem, block)
		if got := commit(t, ps, block); !bytes.Equal(got, want) {
			t.Fatalf("height %d: pebble root %x, memdb root %x", h, got, want)
		}
		if restored != nil {
			if got := commit(t, restored, block); !bytes.Equal(got, want) {
				t.Fatalf("height %d: restored root %x, want %x", h, got, want)
			}
		}
		switch h {
		case 10, 25: // restart the node
			if err := pdb.Close(); err != nil {
				t.Fatal(err)
			}
			pdb = openPebble(t, filepath.Join(dir, "a"))
			ps = openState(t, pdb)
			if !bytes.Equal(ps.Root(), want) || ps.Height() != int64(h) {
				t.Fatalf("reopened at %d: root %x height %d, want %x", h, ps.Root(), ps.Height(), want)
			}
		case 15: // restore a node from a copy
			cp := filepath.Join(dir, "checkpoint")
			if err := pdb.Checkpoint(cp); err != nil {
				t.Fatal(err)
			}
			rdb := openPebble(t, cp)
			defer rdb.Close()
			restored = openState(t, rdb)
			if !bytes.Equal(restored.Root(), want) || restored.Height() != int64(h) {
				t.Fatalf("restored: root %x height %d, want %x %d", restored.Root(), restored.Height(), want, h)
			}
		}
	}
	if got, want := dump(t, ps), dump(t, mem); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pebble data differs from memdb data")
	}
	for i := 0; i < 50; i++ {
		k := []byte(fmt.Sprintf("key/%04d", i))
		v, p, err := ps.GetWithProof(k)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.VerifyProof(mem.Root(), k, v, p); err != nil {
			t.Fatalf("a pebble proof does not verify against the memdb root: %v", err)
		}
	}
	_ = pdb.Close()
}

// TestReadersDuringCommits reads the committed state from other goroutines
// while blocks commit: every block sets all keys to its height, so a read
// that mixes two states shows two different values.
func TestReadersDuringCommits(t *testing.T) {
	for _, name := range []string{"memdb", "pebble"} {
		t.Run(name, func(t *testing.T) {
			var db store.DB = store.NewMemDB()
			if name == "pebble" {
				db = openPebble(t, t.TempDir())
			}
			defer db.Close()
			s := openState(t, db)
			const keys = 300
			block := func(h int) map[string][]byte {
				b := map[string][]byte{}
				for i := 0; i < keys; i++ {
					b[fmt.Sprintf("key/%04d", i)] = []byte(fmt.Sprint(h))
				}
				return b
			}
			roots := sync.Map{} // height → root
			roots.Store(int64(0), string(s.Root()))
			done := make(chan struct{})
			var wg sync.WaitGroup
			for r := 0; r < 2; r++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-done:
							return
						default:
						}
						var first string
						n := 0
						_ = s.Iterate(nil, nil, func(k, v []byte) bool {
							if n > 0 && string(v) != first {
								t.Errorf("one iteration saw heights %s and %s", first, v)
								return false
							}
							first = string(v)
							n++
							return true
						})
						if n != 0 && n != keys {
							t.Errorf("iteration saw %d keys", n)
						}
						v, p, err := s.GetWithProof([]byte("key/0007"))
						if err != nil {
							t.Error(err)
							return
						}
						if root, ok := roots.Load(p.Height); ok {
							if err := store.VerifyProof([]byte(root.(string)), []byte("key/0007"), v, p); err != nil {
								t.Errorf("proof at height %d: %v", p.Height, err)
							}
						}
						_, _ = s.Get([]byte("key/0001"))
						_ = s.Height()
					}
				}()
			}
			for h := 1; h <= 30; h++ {
				root := commit(t, s, block(h))
				roots.Store(int64(h), string(root))
			}
			close(done)
			wg.Wait()
		})
	}
}
