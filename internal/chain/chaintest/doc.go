// Package chaintest drives a real chain.App over a real in-memory store in
// tests: genesis with member orgs and their keys, signing with automatic
// sequences, and executing and committing blocks at a controlled block time.
// No consensus engine: blocks go straight into the state machine, as
// CometBFT would deliver them.
package chaintest
