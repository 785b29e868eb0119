// Package bench owns the benchmark harness behind `gongxu bench`: an
// open-loop load generator that submits signed transactions to a running
// CometBFT network through its JSON-RPC (broadcast_tx_sync) at a schedule of
// rising rates, a poller that follows the blocks of node 0 to match
// transactions to their submit times, latency percentiles, the ledger report
// (table and JSON, with the ratio against a baseline application), node
// block logs, the supervision of the node child processes, and the
// in-process CometBFT node running the kvstore example application that
// serves as the baseline.
//
// It knows nothing about gongxu's transactions: the scenarios (package
// bench/scenario) say how to build and sign them, and what to measure.
package bench
