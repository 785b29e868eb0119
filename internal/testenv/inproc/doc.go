// Package inproc is a gongxu network inside one test process, made of the
// real parts: a chain.App over an in-memory store (internal/chain/chaintest:
// genesis, signing, blocks at a controlled block time, no consensus engine),
// whose committed blocks a real read model (internal/sqlite, in a temporary
// directory) projects as soon as they are committed, and the read side's
// services over them: gongxu.NodeService (status, submit, accounts),
// gongxu.Operator for any org, gongxu.ReceiptService, the planner
// (internal/planner), trace proofs and pool progress.
//
// The tests of the read side's adapters (internal/httpapi, internal/web) and
// of the planner use it instead of hand-written fakes of the services:
// World builds one story through real transactions — governance, a
// catalog, deposits, demand pools that succeed, fail, are awarded from a
// request for quote or stay open, production with purchase orders and work
// orders, shipments to hubs, pickups, EPCIS captures and recalls — and
// names what it made (pool ids, lots, batch transactions, events) for the
// tests' assertions. Hand-written fakes stay only at the HTTP edge (a
// service that fails, times out or is unavailable).
//
// Everything is deterministic: keys derive from names (chaintest.Key),
// block times from the story's schedule, so the same story gives the same
// hashes, heights and times on every run, and golden files can hold them.
package inproc
