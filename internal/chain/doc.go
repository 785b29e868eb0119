// Package chain is gongxu's replicated state machine, with no CometBFT import:
// it decodes transaction envelopes and verifies their Ed25519 signatures under
// ZIP-215 rules (cached for CheckTx, batched for blocks), enforces per-signer
// sequences and quotas, routes each message to its module in a fixed order,
// executes blocks against a write cache, and commits them with the app hash.
//
// A rejected transaction is a result with a non-zero code (its Kind); a Go
// error from FinalizeBlock or Commit is a broken invariant or failed I/O and
// must stop the node.
package chain
