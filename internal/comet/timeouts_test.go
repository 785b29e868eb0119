package comet

import (
	"testing"
	"time"
)

func TestTimeoutsApplyOnlySet(t *testing.T) {
	c := CometConfig(t.TempDir(), HomeOptions{})
	propose, prevote := c.Consensus.TimeoutPropose, c.Consensus.TimeoutPrevote
	Timeouts{Commit: 2 * time.Second, Precommit: 300 * time.Millisecond}.Apply(c.Consensus)
	if c.Consensus.TimeoutCommit != 2*time.Second || c.Consensus.TimeoutPrecommit != 300*time.Millisecond {
		t.Fatalf("commit %s precommit %s", c.Consensus.TimeoutCommit, c.Consensus.TimeoutPrecommit)
	}
	if c.Consensus.TimeoutPropose != propose || c.Consensus.TimeoutPrevote != prevote {
		t.Fatal("a zero timeout changed config.toml's")
	}
	if err := c.ValidateBasic(); err != nil {
		t.Fatal(err)
	}
}

func TestGossipPeersApply(t *testing.T) {
	for _, c := range []struct{ set, want int }{{0, 2}, {3, 3}, {1, 1}, {AllGossipPeers, 0}} {
		conf := CometConfig(t.TempDir(), HomeOptions{})
		if conf.Mempool.ExperimentalMaxGossipConnectionsToPersistentPeers != 2 {
			t.Fatalf("config.toml's default: %d", conf.Mempool.ExperimentalMaxGossipConnectionsToPersistentPeers)
		}
		applyGossipPeers(c.set, conf.Mempool)
		if got := conf.Mempool.ExperimentalMaxGossipConnectionsToPersistentPeers; got != c.want {
			t.Fatalf("gossip_peers %d: CometBFT's %d, want %d", c.set, got, c.want)
		}
		if err := conf.ValidateBasic(); err != nil {
			t.Fatal(err)
		}
	}
}
