package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
)

// maxRoundLines bounds the heights describeRounds tells, per network.
const maxRoundLines = 12

// validatorAddress is the address CometBFT logs for the validator key pub
// (hex Ed25519), "" if it does not decode.
func validatorAddress(pub gongxu.PubKey) string {
	b, err := pub.Bytes()
	if err != nil || len(b) != ed25519.PubKeySize {
		return ""
	}
	return ed25519.PubKey(b).Address().String()
}

// describeRounds logs, for every height some node of the network saw go
// past round 0, what each node's log shows of its rounds
// (bench.DescribeRounds): whose proposal was late, and whether it was
// signed late (the proposer) or arrived late (the way to the others). It
// reads every node's log after the run; a node without its log is left
// out. Diagnostics only: nothing in the report depends on it.
func (n *network) describeRounds() {
	nodes := make([]map[int64]*bench.HeightLife, len(n.homes))
	for i, home := range n.homes {
		f, err := os.Open(filepath.Join(home, "data", "node.log"))
		if err != nil {
			continue
		}
		nodes[i], _ = bench.ParseRoundLog(f, time.Local)
		f.Close()
	}
	names := func(addr string) string {
		for i, v := range n.vals {
			if v != "" && strings.EqualFold(v, addr) {
				return fmt.Sprintf("node%d", i)
			}
		}
		return addr
	}
	hs := bench.LaterRoundHeights(nodes)
	if len(hs) == 0 {
		n.logf("rounds: every height was decided in round 0 on every node (its log)")
		return
	}
	n.logf("rounds: %d heights went past round 0 or timed out waiting for a proposal (each node's log)", len(hs))
	for i, h := range hs {
		if i == maxRoundLines {
			n.logf("rounds: %d more not shown", len(hs)-i)
			break
		}
		n.logf("rounds: %s", bench.DescribeRounds(nodes, h, names))
	}
}
