package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu/internal/node"
)

// TestUpGCSettings: a node process runs with the collector settings of its
// gongxu.json (unless GOGC or GOMEMLIMIT is in the environment) and says
// them in its log; a bad setting stops it before it starts, with a clear
// error.
func TestUpGCSettings(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	p0, l0 := node.CurrentGC()
	t.Cleanup(func() { debug.SetGCPercent(p0); debug.SetMemoryLimit(l0) })

	home := t.TempDir()
	api := freeAddr(t)
	ports := freePorts(t)
	args := []string{"--home", home, "--api", api, "--p2p-port", fmt.Sprint(ports.P2P), "--rpc-port", fmt.Sprint(ports.RPC)}
	_, stop := startUp(t, args...) // makes the home
	stop()

	cfg, err := node.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GC != node.DefaultGC() {
		t.Fatalf("a new home's gc: %+v", cfg.GC)
	}
	cfg.GC = node.GCConfig{Percent: 321, MemoryLimitMiB: 345}
	if err := node.SaveConfig(home, cfg); err != nil {
		t.Fatal(err)
	}
	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 40)
	var log syncBuffer
	_, stop = startUpLogged(t, &log, args...)
	p, l := node.CurrentGC()
	stop()
	envGOGC, envLimit := os.Getenv("GOGC") != "", os.Getenv("GOMEMLIMIT") != ""
	wantP, wantL, wantLog := 321, int64(345<<20), "GOGC=321 (config), memory limit 345 MiB (config)"
	if envGOGC || envLimit { // the environment wins; ApplyGC's test covers it
		wantP, wantL, wantLog = p, l, ""
		if !envGOGC {
			wantP = 321
		}
		if !envLimit {
			wantL = 345 << 20
		}
	}
	// The configured limit follows the state tree's node cache
	// (node.FollowNodeCache), which the node warms as it opens: a new
	// chain's few KiB above the configured limit.
	cacheSlack := int64(0)
	if !envLimit {
		cacheSlack = 1 << 20
	}
	if p != wantP || l < wantL || l > wantL+cacheSlack || !strings.Contains(log.String(), `msg="garbage collector"`) || !strings.Contains(log.String(), wantLog) {
		t.Errorf("running with GOGC %d, limit %d; want %d, %d; log:\n%s", p, l, wantP, wantL, log.String())
	}

	// A bad value: the node does not start, and says which setting.
	raw := readFile(t, node.ConfigPath(home))
	bad := strings.Replace(raw, `"percent": 321`, `"percent": 5`, 1)
	if bad == raw {
		t.Fatalf("no gc percent in:\n%s", raw)
	}
	if err := os.WriteFile(node.ConfigPath(home), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	debug.SetGCPercent(100)
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), append([]string{"up"}, args...), &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "gc percent must be 25–1000") {
		t.Errorf("up with gc percent 5: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	if p, _ := node.CurrentGC(); p != 100 && os.Getenv("GOGC") == "" {
		t.Errorf("a node that did not start changed GOGC to %d", p)
	}
}
