// Package store owns the write side's state: the deterministic key-value
// interface that modules write through (KV), the layered write caches of a
// block and of a transaction (Cache), the persistent ordered database
// underneath (DB; in memory here as MemDB, on Pebble in store/pebblekv), and
// the state commitment: a sparse Merkle tree over sha256(key) whose root is
// the app hash, with proofs of inclusion and absence (State, Proof).
//
// A State keeps three namespaces in its DB: module data under "d", tree
// nodes under "t" (keyed by position, only the changed paths rewritten per
// block) and the committed height and root under "m". A block's data, tree
// nodes and metadata are written in one atomic DB.Apply.
//
// Errors from this package are I/O failures or broken invariants: they are of
// kind gongxu.KindInternal and stop the node. The one exception is
// VerifyProof, which checks untrusted input: a proof that does not verify is
// an error of kind gongxu.KindInvalid.
package store
