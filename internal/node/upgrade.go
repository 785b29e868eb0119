package node

import "time"

// HaltLinger is how long a node that stopped at an upgrade height keeps
// running before it closes: its consensus is stopped, but its peers that
// have not yet seen the votes that committed that height get them from it
// and stop there too, instead of waiting for a quorum that left.
const HaltLinger = 10 * time.Second

// Halted is closed when the node stopped before a block at an upgrade
// height its binary does not have: consensus is stopped, nothing of that
// block was executed. Its owner should Close it and exit with HaltErr,
// which names the state machine version a binary needs to go on from
// there on the same home.
func (n *Node) Halted() <-chan struct{} { return n.comet.Halted() }

// HaltErr is the reason of Halted (nil before).
func (n *Node) HaltErr() error { return n.comet.HaltErr() }

// AppVersion is the state machine version of the committed state.
func (n *Node) AppVersion() (uint64, error) {
	v, err := n.chain.AppVersion()
	return v.Version, err
}
