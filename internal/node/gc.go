package node

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// GCConfig are the Go garbage collector's settings a node's process runs
// with (gongxu start, gongxu up). The environment wins: GOGC set in the
// environment keeps Percent from applying, GOMEMLIMIT keeps MemoryLimitMiB
// from applying.
type GCConfig struct {
	// Percent is GOGC: how much the heap may grow over the live heap
	// before a collection, in percent. A node allocates briskly per
	// transaction (decoding, events, the read model's rows) over a live
	// heap of stores and caches; the collector's CPU falls about as
	// 1/Percent, the heap's peak rises as live×(1+Percent/100).
	// 25–1000; default 400 (BENCHMARKS.md, "GC settings").
	Percent int `json:"percent"`
	// MemoryLimitMiB is the soft limit of the Go runtime's memory
	// (GOMEMLIMIT): near it the collector runs more often whatever
	// Percent says, so a higher Percent cannot carry the heap past it.
	// It bounds the Go runtime's memory only (not SQLite's or the
	// kernel's page cache); it is soft: a live heap larger than it still
	// grows, at a higher collection cost. 0: no limit; else 64–1048576;
	// default 400 (the 1,000-event capture load peaks at ~190 MiB live).
	MemoryLimitMiB int64 `json:"memory_limit_mib"`
}

// DefaultGC are the collector settings of a new node.
func DefaultGC() GCConfig { return GCConfig{Percent: 400, MemoryLimitMiB: 400} }

func (c GCConfig) validate() error {
	switch {
	case c.Percent < 25 || c.Percent > 1000:
		return gongxu.Errorf(gongxu.KindInvalid, "node config: gc percent must be 25–1000 (GOGC; default 400), not %d", c.Percent)
	case c.MemoryLimitMiB != 0 && (c.MemoryLimitMiB < 64 || c.MemoryLimitMiB > 1<<20):
		return gongxu.Errorf(gongxu.KindInvalid, "node config: gc memory_limit_mib must be 0 (no limit) or 64–1048576 MiB, not %d", c.MemoryLimitMiB)
	}
	return nil
}

// GCApplied says which collector settings the process runs with and where
// each came from.
type GCApplied struct {
	Percent         int    // the GC percent in force; -1: off
	PercentFrom     string // "config" or "environment"
	MemoryLimit     int64  // bytes; math.MaxInt64: none
	MemoryLimitFrom string // "config" or "environment"
}

// String is a log line's worth: "GOGC=400 (config), memory limit 400 MiB (config)".
func (a GCApplied) String() string {
	p := fmt.Sprintf("GOGC=%d", a.Percent)
	if a.Percent < 0 {
		p = "GOGC=off"
	}
	l := "no memory limit"
	if a.MemoryLimit != math.MaxInt64 {
		l = fmt.Sprintf("memory limit %d MiB", a.MemoryLimit>>20)
	}
	return fmt.Sprintf("%s (%s), %s (%s)", p, a.PercentFrom, l, a.MemoryLimitFrom)
}

// ApplyGC sets the process's collector from c, except what the
// environment (getenv: os.Getenv) sets with GOGC or GOMEMLIMIT, which the
// Go runtime has applied already and which wins. It changes process-wide
// settings: call it once, from the command that runs a node, never from
// a process that runs several (tests, testenv).
func ApplyGC(c GCConfig, getenv func(string) string) GCApplied {
	a := GCApplied{PercentFrom: "environment", MemoryLimitFrom: "environment"}
	if strings.TrimSpace(getenv("GOGC")) == "" {
		debug.SetGCPercent(c.Percent)
		a.PercentFrom = "config"
	}
	if strings.TrimSpace(getenv("GOMEMLIMIT")) == "" {
		lim := int64(math.MaxInt64)
		if c.MemoryLimitMiB > 0 {
			lim = c.MemoryLimitMiB << 20
		}
		debug.SetMemoryLimit(lim)
		a.MemoryLimitFrom = "config"
	}
	a.Percent, a.MemoryLimit = CurrentGC()
	return a
}

// CurrentGC is the collector's percent (-1: off) and memory limit (bytes;
// math.MaxInt64: none) in force in this process.
func CurrentGC() (percent int, memoryLimit int64) {
	s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	rtmetrics.Read(s)
	percent = -1
	if s[0].Value.Kind() == rtmetrics.KindUint64 {
		if v := s[0].Value.Uint64(); v <= math.MaxInt32 { // off reads as uint64(-1)
			percent = int(v)
		}
	}
	memoryLimit = math.MaxInt64
	if s[1].Value.Kind() == rtmetrics.KindUint64 {
		memoryLimit = int64(min(s[1].Value.Uint64(), math.MaxInt64))
	}
	return percent, memoryLimit
}

// StateCacheBytes is what the state's tree node cache holds now: live heap
// that grows with the state (store.DefaultNodeCacheBytes at most).
func (n *Node) StateCacheBytes() int64 { return n.st.NodeCacheBytes() }

// FollowNodeCache keeps the memory limit the config set (a) above the tree
// node cache's growth: every interval it sets the limit to the configured
// one plus cacheBytes(). The cache is live heap that fills as the state
// grows (~300 MiB past ~4 million state keys); under a fixed 400 MiB limit
// a large state's node would collect ever more often. It does nothing when
// the limit came from the environment or there is none, and returns when
// ctx ends.
func FollowNodeCache(ctx context.Context, a GCApplied, cacheBytes func() int64, interval time.Duration) {
	if a.MemoryLimitFrom != "config" || a.MemoryLimit == math.MaxInt64 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	last := int64(-1)
	for {
		if c := cacheBytes(); c != last {
			debug.SetMemoryLimit(a.MemoryLimit + c)
			last = c
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
