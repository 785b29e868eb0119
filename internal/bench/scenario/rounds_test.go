package scenario

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/gongxu-network/gongxu"
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
