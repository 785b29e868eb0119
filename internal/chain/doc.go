// Package chain is gongxu's replicated state machine, with no CometBFT import:
// it decodes transaction envelopes and verifies their Ed25519 signatures under
// ZIP-215 rules (batched for proposals and blocks; one cache per node keeps
// each transaction decoded and verified, txcache.go), decodes
// each body with exactly one meaning (gongxu.CheckJSON, then member names
// matched case-sensitively), enforces per-signer sequences and the block
// budget (per signer, keys of no member org, work weight: budget.go), routes
// each message to its module in a fixed order, executes blocks against a write
// cache, and commits them with the app hash.
//
// CheckTx runs a transaction's handler against the committed state plus what
// the mempool accepted since (the check state), so what would fail in a block
// takes no block space; PrepareProposal fills a block within the budget with
// signers taking turns; ProcessProposal refuses a proposal that does not
// decode, verify or fit.
//
// Failure channels (guard.go): a rejected transaction is a result with a
// non-zero code (its Kind); a handler's other errors and panics reject its
// transaction with KindInternal, are logged and counted (Stats), and the
// block goes on; a failing block hook loses only its writes. A Go error from
// FinalizeBlock or Commit is a failure of the node's own storage (or a
// misuse by the consensus engine) and must stop the node.
package chain
