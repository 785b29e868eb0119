package scenario

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
)

func TestValidatorAddress(t *testing.T) {
	k := ed25519.GenPrivKey()
	pub := k.PubKey()
	if got := validatorAddress(gongxu.PubKey(hex.EncodeToString(pub.Bytes()))); got != pub.Address().String() || got == "" {
		t.Fatalf("address %q, want %q", got, pub.Address().String())
	}
	for _, bad := range []gongxu.PubKey{"", "zz", gongxu.PubKey(hex.EncodeToString(pub.Bytes()[:31]))} {
		if got := validatorAddress(bad); got != "" {
			t.Errorf("validatorAddress(%q) = %q, want \"\"", bad, got)
		}
	}
}

// describeRounds names the proposers by node and tells the heights past
// round 0 from every node's log, leaving out a node without one.
func TestDescribeRounds(t *testing.T) {
	dir := t.TempDir()
	logs := []string{
		"I[2026-11-22|17:39:00.000] Timed out                                    module=consensus dur=200ms height=9 round=0 step=RoundStepNewHeight\n" +
			"I[2026-11-22|17:39:03.000] Timed out                                    module=consensus dur=3s height=9 round=0 step=RoundStepPropose\n" +
			"I[2026-11-22|17:39:03.300] received proposal                            module=consensus proposal=\"Proposal{9/0 (2317AF:1:AC3C, -1) 65611EE4D597 @ 2026-11-22T17:39:03.200000000Z}\" proposer=B0B0\n",
		"I[2026-11-22|17:39:00.100] Timed out                                    module=consensus dur=200ms height=9 round=0 step=RoundStepNewHeight\n",
		"",
	}
	var buf bytes.Buffer
	n := newNetwork(Env{Log: &buf}, "gongxu", dir)
	for i, l := range logs {
		home := filepath.Join(dir, "node"+string(rune('0'+i)))
		n.homes = append(n.homes, home)
		n.vals = append(n.vals, []string{"A0A0", "b0b0", "C0C0"}[i])
		if l == "" {
			continue // no log
		}
		if err := os.MkdirAll(filepath.Join(home, "data"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(home, "data", "node.log"), []byte(l), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n.describeRounds()
	out := buf.String()
	for _, want := range []string{"gongxu: rounds: 1 heights", "node0: p +0 t0 +3000 r0 by node1 signed +3200 got +3300", "node1: p +100 f -", "node2: -"} {
		if !strings.Contains(out, want) {
			t.Errorf("log:\n%s\nlacks %q", out, want)
		}
	}
	buf.Reset()
	n.homes = n.homes[1:2]
	n.describeRounds()
	if !strings.Contains(buf.String(), "every height was decided in round 0") {
		t.Errorf("no later round: %s", buf.String())
	}
}

// heightServer answers status with a height that grows by one each call
// up to top, and counts the calls.
func heightServer(t *testing.T, top int64) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := min(calls.Add(1), top)
		fmt.Fprintf(w, `{"result":{"sync_info":{"latest_block_height":"%d"}}}`, h)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// A network is paused only once all its nodes stand at one height; one
// that never does is paused after the longest wait, saying so; a node that
// does not answer is an error.
func TestBetweenHeights(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	a, ca := heightServer(t, 5)
	b, cb := heightServer(t, 5)
	n := newNetwork(Env{Log: &buf}, "gongxu", t.TempDir())
	n.rpc = bench.NewRPC(1)
	defer n.rpc.Close()
	n.rpcs = []string{a.URL, b.URL}
	if err := n.betweenHeights(ctx, 100*time.Millisecond, time.Minute); err != nil {
		t.Fatal(err)
	}
	if ca.Load() < 6 || cb.Load() < 6 || buf.Len() != 0 {
		t.Fatalf("returned after %d and %d polls (heights 1…5 then 5 again), log %q", ca.Load(), cb.Load(), buf.String())
	}
	c, _ := heightServer(t, 1) // node 0 stays one height behind b
	d, _ := heightServer(t, 2)
	for range 3 {
		_, _ = n.rpc.Height(ctx, d.URL)
	}
	n.rpcs = []string{c.URL, d.URL}
	if err := n.betweenHeights(ctx, 50*time.Millisecond, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "not between heights") {
		t.Fatalf("log %q", buf.String())
	}
	n.rpcs = []string{"http://127.0.0.1:1"}
	if err := n.betweenHeights(ctx, 50*time.Millisecond, time.Second); err == nil {
		t.Fatal("a node that does not answer: no error")
	}
}
