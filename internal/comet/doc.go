// Package comet is the adapter between gongxu's state machine (package chain)
// and an embedded CometBFT v0.38 node: the ABCI 2.0 application, node homes
// (config tuned for this workload, keys, genesis), local testnets of N
// validators, starting and stopping a node in-process, submitting transactions
// and waiting for their commit, and reading committed blocks back from
// CometBFT's stores for the read model.
package comet
