package node

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
