// Package scenario owns the benchmarks behind `gongxu bench ledger|pools|trace`:
// what each one loads onto a local network of node processes (signed
// member/update_org transactions against CometBFT's kvstore; hub batches,
// direct pledges and a closing pool; EPCIS documents through trace/capture),
// how it measures them and its report (table and JSON).
//
// What the three share is written once: their common settings, writing a
// network's node homes and genesis on free loopback ports, starting its nodes
// as child processes and supervising them, a rate step of a fresh
// bench.Runner followed by the wait for the mempools to empty, and node 0's
// block log per step (network.go); keys, the chain's sequences and the
// commit of set-up transactions (seq.go); the reports' heading, tables and
// submit errors (report.go). The open-loop harness itself (runner, RPC,
// statistics, processes) is package bench.
//
// The program that runs a scenario (package cli) gives it an Env: its own
// binary and arguments that start a node, and the node's way of writing its
// homes and config. Options are checked with Check, whose errors are usage
// errors.
package scenario
