//go:build unix

package store_test

import (
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/gongxu-network/gongxu/internal/store"
)

// countingDB counts the tree nodes read from the DB: the reads the
// State's node cache (the tree's upper levels) does not answer.
type countingDB struct {
	store.DB
	treeReads int
}

func (c *countingDB) Get(k []byte) ([]byte, error) {
	if len(k) > 0 && k[0] == 't' {
		c.treeReads++
	}
	return c.DB.Get(k)
}

// BenchmarkCommitDepth is the growth of the commit's cost with the size of
// the state (issue 17): blocks of 5,000 writes (half updates, half new
// keys) committed to states of 100,000 and 1,000,000 keys (and 4,000,000
// with GONGXU_STORE_DEPTH_BIG=1), in memory, so that the figure is the
// tree's work and not the disk. tree-reads/write, the tree nodes read from
// the DB for each write, is the deterministic measure: the node cache holds
// the tree's levels to the depth its budget allows (21 by default), so a
// write reads the levels below it, log2(keys) - 21 and more, from the DB.
// GONGXU_STORE_CACHE_BYTES sets another budget (Options.NodeCacheBytes).
// The blocks run on a State opened afresh (its cache cold, as after a
// restart, warmed by 20 blocks); with GONGXU_STORE_DEPTH_WARM=1 on the
// State that wrote the keys, whose cache holds every node it wrote: a node
// that has run for a while. GONGXU_STORE_WARM_OPEN=1 warms the reopened
// State with WarmNodeCache.
//
//	go test ./internal/store -run '^$' -bench CommitDepth -benchtime 10x
func BenchmarkCommitDepth(b *testing.B) {
	sizes := []int{100_000, 1_000_000}
	if os.Getenv("GONGXU_STORE_DEPTH_BIG") != "" {
		sizes = append(sizes, 4_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			const writes = 5000
			rng := rand.New(rand.NewSource(1))
			value := func() []byte {
				v := make([]byte, 64)
				rng.Read(v)
				return v
			}
			db := &countingDB{DB: store.NewMemDB()}
			s := openBenchState(b, db)
			for i := 0; i < n; {
				c := s.Begin()
				for j := 0; j < 20_000 && i < n; j, i = j+1, i+1 {
					if err := c.Set(benchKey(i), value()); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Commit(c, s.Height()+1); err != nil {
					b.Fatal(err)
				}
			}
			// A fresh State over the same DB: its node cache starts
			// empty, as after a restart; warm it with a few blocks.
			if os.Getenv("GONGXU_STORE_DEPTH_WARM") == "" {
				s = openBenchState(b, db)
				if os.Getenv("GONGXU_STORE_WARM_OPEN") != "" {
					cpu := cpuNanos(b)
					if err := s.WarmNodeCache(); err != nil {
						b.Fatal(err)
					}
					b.Logf("WarmNodeCache: %.2f s of CPU", float64(cpuNanos(b)-cpu)/1e9)
				}
			}
			block := func() {
				c := s.Begin()
				for range writes {
					if err := c.Set(benchKey(rng.Intn(2*n)), value()); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Commit(c, s.Height()+1); err != nil {
					b.Fatal(err)
				}
			}
			for range 20 {
				block()
			}
			db.treeReads = 0
			cpu0 := cpuNanos(b)
			b.ResetTimer()
			for range b.N {
				block()
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuNanos(b)-cpu0)/float64(b.N*writes), "cpu-ns/write")
			b.ReportMetric(float64(db.treeReads)/float64(b.N*writes), "tree-reads/write")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*writes), "ns/write")
		})
	}
}

// openBenchState opens a State with the node cache budget of
// GONGXU_STORE_CACHE_BYTES, or the default.
func openBenchState(b *testing.B, db store.DB) *store.State {
	b.Helper()
	var opts store.Options
	if v := os.Getenv("GONGXU_STORE_CACHE_BYTES"); v != "" {
		var err error
		if opts.NodeCacheBytes, err = strconv.ParseInt(v, 10, 64); err != nil {
			b.Fatal(err)
		}
	}
	s, err := store.OpenWith(db, opts)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// cpuNanos is the process's CPU time so far (user + system): on a shared
// machine, the figure that the neighbours' load does not inflate.
func cpuNanos(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
