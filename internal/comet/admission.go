package comet

import "github.com/gongxu-network/gongxu"

// Admission bounds what a node admits: when its mempool already holds more
// than the next few blocks can commit, a new transaction — from a client
// (POST /v1/txs, CometBFT's broadcast_tx_*) or gossiped by a peer — is
// answered KindBusy ("busy, retry") at once, before it is decoded or its
// signature verified, instead of being admitted to wait behind the others.
// Under overload the node then does less work per offered transaction, not
// more: the p2p receive routine, which runs CheckTx of gossiped txs in front
// of the peer's consensus messages, stays short, and blocks stay the size
// consensus can carry within its timeouts. A transaction shed on gossip is
// not lost: its own node keeps it and proposes it, or gossips it again.
// Rechecks after a commit are never shed. It is node-local policy: it decides
// what enters this node's mempool, never what a block does.
type Admission struct {
	// MaxTxs and MaxBytes: the node is busy while its mempool holds at
	// least this many transactions, or bytes. 0 takes the default.
	MaxTxs   int   `json:"max_txs"`
	MaxBytes int64 `json:"max_bytes"`
	// MaxBlockBytes caps the transactions' bytes of a block this node
	// proposes, below the consensus limit (4 MB): a block that must be
	// prepared, gossiped, checked and executed within timeout_propose on a
	// busy machine. 0 takes the default.
	MaxBlockBytes int64 `json:"max_block_bytes"`
}

// DefaultAdmission: about one and a half blocks' worth of 180-byte member
// transactions waiting, and blocks of at most 512 KiB (about 2,900 of them).
// The bound is low on purpose: after every commit CometBFT rechecks each
// transaction still waiting, on the consensus goroutine, before the next
// height starts (about 10 µs of CPU each for a member tx, far more on a
// starved machine), so what waits beyond the next block costs every block.
var DefaultAdmission = Admission{MaxTxs: 4000, MaxBytes: 4 << 20, MaxBlockBytes: 512 << 10}

// withDefaults fills the zero fields from DefaultAdmission.
func (a Admission) withDefaults() Admission {
	if a.MaxTxs <= 0 {
		a.MaxTxs = DefaultAdmission.MaxTxs
	}
	if a.MaxBytes <= 0 {
		a.MaxBytes = DefaultAdmission.MaxBytes
	}
	if a.MaxBlockBytes <= 0 {
		a.MaxBlockBytes = DefaultAdmission.MaxBlockBytes
	}
	return a
}

// busy is nil while a mempool of txs transactions and size bytes admits
// more, else the KindBusy error to answer with.
func (a Admission) busy(txs int, size int64) error {
	if txs < a.MaxTxs && size < a.MaxBytes {
		return nil
	}
	return gongxu.Errorf(gongxu.KindBusy, "busy: the node holds %d transactions (%d bytes) waiting for blocks, at most %d (%d bytes) admitted; send the same transaction again in a second", txs, size, a.MaxTxs, a.MaxBytes)
}

// proposalBytes is the transactions' bytes of a block this node proposes
// when consensus allows limit.
func (a Admission) proposalBytes(limit int64) int64 {
	if a.MaxBlockBytes > 0 && (limit <= 0 || a.MaxBlockBytes < limit) {
		return a.MaxBlockBytes
	}
	return limit
}

// admit is the node's admission check of a new transaction.
func (n *Node) admit() error {
	mp := n.node.Mempool()
	return n.admission.busy(mp.Size(), mp.SizeBytes())
}
