package store_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/store"
)

// BenchmarkCommit commits blocks of random writes (about half updates, half
// new keys) to a State of 100,000 keys: Begin, Set, Hash and Commit, as the
// chain does per block. In the same iteration it applies the same writes with
// a plain DB.Apply to a twin DB without the tree (the baseline, timer
// stopped), and reports:
//
//	writes/s       writes committed per second through the State
//	hash-ns/op     the part of ns/op spent in State.Hash (the tree update)
//	baseline-ns/op the plain DB.Apply of the same writes
//	x-baseline     State commit time / baseline time: the tree's overhead
func BenchmarkCommit(b *testing.B) {
	for _, backend := range []string{"memdb", "pebble"} {
		for _, n := range []int{1000, 10000} {
			b.Run(fmt.Sprintf("%s/writes=%d", backend, n), func(b *testing.B) { benchCommit(b, backend, n) })
		}
	}
}

const benchStateKeys = 100_000

func benchKey(i int) []byte { return []byte(fmt.Sprintf("acct/%010d", i)) }

func benchDB(b *testing.B, backend string) store.DB {
	if backend == "memdb" {
		return store.NewMemDB()
	}
	db := openPebble(b, b.TempDir())
	b.Cleanup(func() { _ = db.Close() })
	return db
}

func benchCommit(b *testing.B, backend string, n int) {
	rng := rand.New(rand.NewSource(1))
	value := func() []byte {
		v := make([]byte, 64)
		rng.Read(v)
		return v
	}
	db, plain := benchDB(b, backend), benchDB(b, backend)
	s := openState(b, db)
	for i := 0; i < benchStateKeys; {
		c := s.Begin()
		var cs []store.Change
		for j := 0; j < 10_000 && i < benchStateKeys; j, i = j+1, i+1 {
			k, v := benchKey(i), value()
			_ = c.Set(k, v)
			cs = append(cs, store.Change{Key: append([]byte{'d'}, k...), Value: v})
		}
		if _, err := s.Commit(c, s.Height()+1); err != nil {
			b.Fatal(err)
		}
		if err := plain.Apply(cs); err != nil {
			b.Fatal(err)
		}
	}
	var baseline, hashing time.Duration
	keys, values := make([][]byte, n), make([][]byte, n)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		for i := range keys {
			keys[i], values[i] = benchKey(rng.Intn(2*benchStateKeys)), value()
		}
		b.StartTimer()

		c := s.Begin()
		for i := range keys {
			if err := c.Set(keys[i], values[i]); err != nil {
				b.Fatal(err)
			}
		}
		t0 := time.Now()
		if _, err := s.Hash(c); err != nil {
			b.Fatal(err)
		}
		hashing += time.Since(t0)
		if _, err := s.Commit(c, s.Height()+1); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		t0 = time.Now()
		cs := make([]store.Change, n)
		for i := range keys {
			cs[i] = store.Change{Key: append([]byte{'d'}, keys[i]...), Value: values[i]}
		}
		if err := plain.Apply(cs); err != nil {
			b.Fatal(err)
		}
		baseline += time.Since(t0)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	b.ReportMetric(float64(hashing.Nanoseconds())/float64(b.N), "hash-ns/op")
	b.ReportMetric(float64(baseline.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(b.Elapsed())/float64(baseline), "x-baseline")
}
