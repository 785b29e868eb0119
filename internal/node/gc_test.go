package node

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

// restoreGC puts the test process's collector back as it was.
func restoreGC(t *testing.T) {
	p, l := CurrentGC()
	t.Cleanup(func() {
		debug.SetGCPercent(p)
		debug.SetMemoryLimit(l)
	})
}

// configHome is a node home with a config directory, and a function that
// writes its gongxu.json.
func configHome(t *testing.T) (home string, write func(string)) {
	home = t.TempDir()
	if err := os.MkdirAll(home+"/config", 0o700); err != nil {
		t.Fatal(err)
	}
	return home, func(s string) {
		if err := os.WriteFile(ConfigPath(home), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigGC(t *testing.T) {
	home, write := configHome(t)
	c, err := LoadConfig(home) // no file: the defaults
	if err != nil || c.GC != DefaultGC() || c.GC.Percent != 400 || c.GC.MemoryLimitMiB != 400 {
		t.Fatalf("default gc %+v, %v", c.GC, err)
	}
	write(`{"gc": {"percent": 300}}`) // an absent field keeps its default
	if c, err = LoadConfig(home); err != nil || c.GC != (GCConfig{Percent: 300, MemoryLimitMiB: 400}) {
		t.Fatalf("gc %+v, %v", c.GC, err)
	}
	write(`{"gc": {"percent": 150, "memory_limit_mib": 0}}`) // 0: no limit
	if c, err = LoadConfig(home); err != nil || c.GC != (GCConfig{Percent: 150}) {
		t.Fatalf("gc %+v, %v", c.GC, err)
	}
	for _, bad := range []string{
		`{"gc": {"percent": 0}}`, `{"gc": {"percent": -1}}`, `{"gc": {"percent": 24}}`, `{"gc": {"percent": 1001}}`,
		`{"gc": {"memory_limit_mib": -1}}`, `{"gc": {"memory_limit_mib": 63}}`, `{"gc": {"memory_limit_mib": 1048577}}`,
		`{"gc": {"memory_limit_mib": 9223372036854775807}}`,
	} {
		write(bad)
		_, err := LoadConfig(home)
		if gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.Contains(err.Error(), "gc ") {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	for _, bad := range []string{`{"gc": {"percent": "200"}}`, `{"gc": {"memory_limit_mib": 1.5}}`, `{"gc": 200}`} {
		write(bad)
		if _, err := LoadConfig(home); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Fatalf("%s: %v", bad, err)
		}
	}
}

func TestApplyGC(t *testing.T) {
	restoreGC(t)
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	// Start from settings that differ from every case's result.
	debug.SetGCPercent(77)
	debug.SetMemoryLimit(777 << 20)

	a := ApplyGC(GCConfig{Percent: 250, MemoryLimitMiB: 300}, env())
	if p, l := CurrentGC(); p != 250 || l != 300<<20 || a.Percent != 250 || a.MemoryLimit != 300<<20 ||
		a.PercentFrom != "config" || a.MemoryLimitFrom != "config" {
		t.Fatalf("config: in force %d %d, applied %+v", p, l, a)
	}
	if s := a.String(); s != "GOGC=250 (config), memory limit 300 MiB (config)" {
		t.Fatalf("string %q", s)
	}
	a = ApplyGC(GCConfig{Percent: 200}, env()) // no limit
	if p, l := CurrentGC(); p != 200 || l != math.MaxInt64 || a.String() != "GOGC=200 (config), no memory limit (config)" {
		t.Fatalf("no limit: in force %d %d, applied %s", p, l, a)
	}

	// The environment's GOGC and GOMEMLIMIT have been applied by the
	// runtime already (here: by the SetGCPercent and SetMemoryLimit below,
	// as the runtime does at start): the config leaves them be.
	debug.SetGCPercent(120)
	debug.SetMemoryLimit(900 << 20)
	a = ApplyGC(GCConfig{Percent: 400, MemoryLimitMiB: 256}, env("GOGC", "120", "GOMEMLIMIT", "900MiB"))
	if p, l := CurrentGC(); p != 120 || l != 900<<20 || a.PercentFrom != "environment" || a.MemoryLimitFrom != "environment" {
		t.Fatalf("environment: in force %d %d, applied %+v", p, l, a)
	}
	// Each one alone wins only over its own setting.
	a = ApplyGC(GCConfig{Percent: 400, MemoryLimitMiB: 256}, env("GOGC", "120"))
	if p, l := CurrentGC(); p != 120 || l != 256<<20 || a.PercentFrom != "environment" || a.MemoryLimitFrom != "config" {
		t.Fatalf("GOGC only: in force %d %d, applied %+v", p, l, a)
	}
	a = ApplyGC(GCConfig{Percent: 400, MemoryLimitMiB: 128}, env("GOMEMLIMIT", "900MiB"))
	if p, l := CurrentGC(); p != 400 || l != 256<<20 || a.PercentFrom != "config" || a.MemoryLimitFrom != "environment" {
		t.Fatalf("GOMEMLIMIT only: in force %d %d, applied %+v", p, l, a)
	}
	// GOGC=off reads as off.
	debug.SetGCPercent(-1)
	a = ApplyGC(DefaultGC(), env("GOGC", "off", "GOMEMLIMIT", "1GiB"))
	if a.Percent != -1 || !strings.HasPrefix(a.String(), "GOGC=off (environment)") {
		t.Fatalf("off: %s", a)
	}
}

// TestFollowNodeCache: the configured limit rises by what the state's node
// cache holds, as it grows; a limit from the environment, or none, is left
// alone.
func TestFollowNodeCache(t *testing.T) {
	restoreGC(t)
	var cache atomic.Int64
	cache.Store(100 << 20)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		FollowNodeCache(ctx, GCApplied{MemoryLimit: 400 << 20, MemoryLimitFrom: "config"}, cache.Load, time.Millisecond)
		close(done)
	}()
	waitLimit := func(want int64) {
		t.Helper()
		for i := 0; i < 5000; i++ {
			if _, l := CurrentGC(); l == want {
				return
			}
			time.Sleep(time.Millisecond)
		}
		_, l := CurrentGC()
		t.Fatalf("memory limit %d MiB, want %d MiB", l>>20, want>>20)
	}
	waitLimit(500 << 20)
	cache.Store(300 << 20)
	waitLimit(700 << 20)
	cancel()
	<-done

	for _, a := range []GCApplied{
		{MemoryLimit: 400 << 20, MemoryLimitFrom: "environment"},
		{MemoryLimit: math.MaxInt64, MemoryLimitFrom: "config"},
	} {
		debug.SetMemoryLimit(123 << 20)
		FollowNodeCache(context.Background(), a, cache.Load, time.Millisecond) // returns at once
		if _, l := CurrentGC(); l != 123<<20 {
			t.Fatalf("%+v: the limit moved to %d MiB", a, l>>20)
		}
	}
}

func TestConfigStore(t *testing.T) {
	home, write := configHome(t)
	c, err := LoadConfig(home) // no file: the defaults
	if err != nil || c.Store != DefaultStore() || c.Store.CacheMiB != 256 || c.Store.TreeCacheMiB != 320 {
		t.Fatalf("default store %+v, %v", c.Store, err)
	}
	write(`{"store": {"cache_mib": 128}}`) // an absent field keeps its default
	if c, err = LoadConfig(home); err != nil || c.Store != (StoreConfig{CacheMiB: 128, TreeCacheMiB: 320}) || c.Store.cacheBytes() != 128<<20 {
		t.Fatalf("store %+v, %v", c.Store, err)
	}
	write(`{"store": {"cache_mib": 0, "tree_cache_mib": -1}}`) // 0: the default; -1: the root only
	if c, err = LoadConfig(home); err != nil || c.Store.cacheBytes() != 256<<20 || c.Store.options().NodeCacheBytes >= 0 {
		t.Fatalf("store %+v (%+v), %v", c.Store, c.Store.options(), err)
	}
	if (StoreConfig{}).options().NodeCacheBytes != 0 { // a Config built in code: store's default
		t.Fatal("a zero tree cache is not the default")
	}
	for _, bad := range []string{
		`{"store": {"cache_mib": -1}}`, `{"store": {"cache_mib": 63}}`, `{"store": {"cache_mib": 1048577}}`,
		`{"store": {"tree_cache_mib": -2}}`, `{"store": {"tree_cache_mib": 1048577}}`,
		`{"store": {"cache_mib": 9223372036854775807}}`,
	} {
		write(bad)
		_, err := LoadConfig(home)
		if gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.Contains(err.Error(), "store ") {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	for _, bad := range []string{`{"store": {"cache_mib": "200"}}`, `{"store": {"tree_cache_mib": 1.5}}`, `{"store": 200}`} {
		write(bad)
		if _, err := LoadConfig(home); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Fatalf("%s: %v", bad, err)
		}
	}
}
