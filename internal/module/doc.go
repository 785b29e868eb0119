// Package module is the contract between the chain and its domain modules:
// the Context a handler runs in (block height and time, the signer, the state
// KV, events, validator updates), the Msg a transaction carries, the Route that
// binds a message type to its handler, and the Module a chain is built from.
// It also holds what every module does the same way: Load and Save, the one
// way to read and write a JSON record; Deadlines, an index of what falls due;
// and Require, with which a module's New refuses a missing dependency (every
// dependency is given at construction, never set later).
//
// It imports the root package and store only, like the modules themselves.
package module
