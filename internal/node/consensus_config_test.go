package node

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestConfigConsensusTimeouts(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(home+"/config", 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(s string) {
		if err := os.WriteFile(ConfigPath(home), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"consensus": {"timeout_propose": "3s", "timeout_commit": "1s"}}`)
	c, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	to := c.Consensus.Timeouts()
	if to.Propose != 3*time.Second || to.Commit != time.Second || to.Prevote != 0 || to.Precommit != 0 {
		t.Fatalf("timeouts %+v", to)
	}
	if c.Consensus.GossipPeers != 0 {
		t.Fatalf("gossip_peers absent: %d", c.Consensus.GossipPeers)
	}
	for _, bad := range []string{`{"consensus": {"timeout_commit": "-1s"}}`, `{"consensus": {"timeout_propose": "2m"}}`} {
		write(bad)
		if _, err := LoadConfig(home); err == nil || !strings.Contains(err.Error(), "consensus timeouts") {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	for _, ok := range []int{-1, 1, 3, 64} {
		write(fmt.Sprintf(`{"consensus": {"gossip_peers": %d}}`, ok))
		c, err := LoadConfig(home)
		if err != nil || c.Consensus.GossipPeers != ok {
			t.Fatalf("gossip_peers %d: %+v %v", ok, c.Consensus, err)
		}
	}
	for _, bad := range []string{`-2`, `65`, `1.5`, `"2"`} {
		write(`{"consensus": {"gossip_peers": ` + bad + `}}`)
		if _, err := LoadConfig(home); err == nil {
			t.Fatalf("gossip_peers %s accepted", bad)
		} else if !strings.Contains(err.Error(), "gossip_peers") {
			t.Fatalf("gossip_peers %s: %v", bad, err)
		}
	}
}
