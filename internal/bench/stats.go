package bench

import (
	"math"
	"sort"
	"time"
)

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100) of
// sorted, or 0 when it is empty.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	// Nearest rank: the smallest value with at least p% of the values at or below it.
	rank := int(math.Ceil(p/100*float64(n) - 1e-9))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// Latency summarizes a set of latencies.
type Latency struct {
	N   int           `json:"n"`
	P50 time.Duration `json:"-"`
	P99 time.Duration `json:"-"`
	Max time.Duration `json:"-"`
}

// Summarize sorts ds in place and summarizes it.
func Summarize(ds []time.Duration) Latency {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	l := Latency{N: len(ds), P50: Percentile(ds, 50), P99: Percentile(ds, 99)}
	if len(ds) > 0 {
		l.Max = ds[len(ds)-1]
	}
	return l
}

// BlockStats is committed throughput over whole block intervals.
type BlockStats struct {
	Blocks int // blocks seen in the window
	MaxTxs int // largest of them
	// LaterRounds: of them, those whose height was decided after round 0
	// (known once the next block is seen).
	LaterRounds int
	Txs         int64         // the load's transactions they committed
	Span        time.Duration // from the block before the first of them to the last
}

// Rate is committed transactions per second over Span.
func (b BlockStats) Rate() float64 {
	if b.Span <= 0 {
		return 0
	}
	return float64(b.Txs) / b.Span.Seconds()
}

// BlockWindow measures the blocks seen in w (blocks in the order seen):
// throughput over whole block intervals, so that where the window's edges
// fall between blocks does not matter. The first interval starts at the block
// seen before the window (or at the window's start when there is none).
func BlockWindow(blocks []BlockSeen, w Window) BlockStats {
	var s BlockStats
	prev := w.From
	var first, last time.Time
	for _, b := range blocks {
		if b.At.Before(w.From) {
			prev = b.At
			continue
		}
		if !b.At.Before(w.To) {
			break
		}
		if s.Blocks == 0 {
			first = prev
		}
		s.Blocks++
		s.MaxTxs = max(s.MaxTxs, b.Txs)
		if b.Round > 0 {
			s.LaterRounds++
		}
		s.Txs += int64(b.Ours)
		last = b.At
	}
	if s.Blocks > 0 {
		s.Span = last.Sub(first)
	}
	return s
}

// Window counts events whose time falls in [From, To).
type Window struct {
	From, To time.Time
	N        int64
}

// Add counts t if it falls in the window.
func (w *Window) Add(t time.Time) {
	if !t.Before(w.From) && t.Before(w.To) {
		w.N++
	}
}

// Rate is events per second over the window.
func (w *Window) Rate() float64 {
	d := w.To.Sub(w.From).Seconds()
	if d <= 0 {
		return 0
	}
	return float64(w.N) / d
}
