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
	// MaxBlocks: the node is also busy while the transactions it admitted
	// since the last commit (after the commit's rechecks: its mempool) weigh
	// at least this many blocks' work budget (module.WeightOf against
	// gongxu.Params.BlockWeight). Counts and bytes do not see work: a
	// capture of a 1,000-event EPCIS document is one transaction of 457 KB
	// whose handler leaves some 12 MB of writes in the check state and runs
	// again at every recheck; its weight does. 0 takes the default.
	MaxBlocks int64 `json:"max_blocks"`
	// MaxBlockTxs caps the transactions of a block this node proposes: a
	// block that must be prepared, gossiped, checked and executed within
	// timeout_propose on a busy machine, where what costs is per
	// transaction (a signature, a handler, a projection row), not per
	// byte; a block's work is bounded apart (gongxu.Params.BlockWeight).
	// 0 takes the default.
	MaxBlockTxs int `json:"max_block_txs"`
	// MaxBlockBytes caps the transactions' bytes of a block this node
	// proposes, below the consensus limit (4 MB); 0: the consensus limit.
	// A bytes cap also caps the transactions that carry many pledges or
	// events in one (hub batches: 512 KiB held two 2,000-leaf batches).
	MaxBlockBytes int64 `json:"max_block_bytes"`
}

// DefaultAdmission: about one and a half blocks' worth of 180-byte member
// transactions waiting, two blocks' worth of work (1.6 MB of EPCIS
// captures, 3 documents of 1,000 events), and blocks of at most 2,900
// transactions (what 512 KiB of member transactions were before the bound
// counted transactions instead of bytes; bytes stay at the consensus
// limit, so a block holds 22 packed hub batches of 2,000 pledges, not 2).
// The bounds are low on purpose: after every commit
// CometBFT rechecks each transaction still waiting, on the consensus
// goroutine, before the next height starts (about 10 µs of CPU each for a
// member tx, far more on a starved machine; a capture's whole handler
// again, ~22 µs an event: BenchmarkCapture in internal/chain), so what
// waits beyond the next blocks costs every block.
var DefaultAdmission = Admission{MaxTxs: 4000, MaxBytes: 4 << 20, MaxBlocks: 2, MaxBlockTxs: 2900}

// withDefaults fills the zero fields from DefaultAdmission.
func (a Admission) withDefaults() Admission {
	if a.MaxTxs <= 0 {
		a.MaxTxs = DefaultAdmission.MaxTxs
	}
	if a.MaxBytes <= 0 {
		a.MaxBytes = DefaultAdmission.MaxBytes
	}
	if a.MaxBlocks <= 0 {
		a.MaxBlocks = DefaultAdmission.MaxBlocks
	}
	if a.MaxBlockTxs <= 0 {
		a.MaxBlockTxs = DefaultAdmission.MaxBlockTxs
	}
	return a
}

// pending is what a node's mempool holds: transactions, their bytes, and
// their work weight against a block's work budget.
type pending struct {
	txs               int
	bytes             int64
	weight, blockWork int64
}

// busy is nil while a mempool holding p admits more, else the KindBusy
// error to answer with.
func (a Admission) busy(p pending) error {
	if p.txs >= a.MaxTxs || p.bytes >= a.MaxBytes {
		return gongxu.Errorf(gongxu.KindBusy, "busy: the node holds %d transactions (%d bytes) waiting for blocks, at most %d (%d bytes) admitted; send the same transaction again in a second", p.txs, p.bytes, a.MaxTxs, a.MaxBytes)
	}
	if p.blockWork > 0 && p.weight >= a.MaxBlocks*p.blockWork {
		return gongxu.Errorf(gongxu.KindBusy, "busy: the transactions waiting for blocks on this node weigh %d, %d blocks' work (%d a block) at most admitted; send the same transaction again in a second", p.weight, a.MaxBlocks, p.blockWork)
	}
	return nil
}

// proposalBytes is the transactions' bytes of a block this node proposes
// when consensus allows limit.
func (a Admission) proposalBytes(limit int64) int64 {
	if a.MaxBlockBytes > 0 && (limit <= 0 || a.MaxBlockBytes < limit) {
		return a.MaxBlockBytes
	}
	return limit
}

// proposal caps txs, the transactions chain.App.PrepareProposal chose for
// this node's block, at MaxBlockTxs: a prefix keeps each signer's
// transactions a run from its next sequence and the block within its
// budget.
func (a Admission) proposal(txs [][]byte) [][]byte {
	if a.MaxBlockTxs > 0 && len(txs) > a.MaxBlockTxs {
		return txs[:a.MaxBlockTxs]
	}
	return txs
}

// admit is the node's admission check of a new transaction.
func (n *Node) admit() error {
	mp := n.node.Mempool()
	w, bw := n.chain.PendingWeight()
	return n.admission.busy(pending{txs: mp.Size(), bytes: mp.SizeBytes(), weight: w, blockWork: bw})
}
