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
