// Package sqlite owns the read model: a SQLite database (modernc.org/sqlite,
// pure Go) that is a projection of the committed blocks of the chain, and the
// query services the API, the web pages and the CLI read from.
//
// It owns the schema (embedded migrations in migrations/*.sql, recorded in a
// schema_version table), the projector that turns each gongxu.CommittedBlock
// into rows in one SQL transaction (Project, ProjectBlocks, Reset), and the
// implementations of gongxu.MemberService, gongxu.TxService,
// gongxu.PoolService, gongxu.RFQService, gongxu.ProductionService (its
// master data and stock included) and gongxu.TraceService (EPCIS events and
// their batches, the backward and forward trace walks, recalls and what they
// reach) and gongxu.ReputationService (the facts of how each org keeps its
// word, project_reputation.go and query_reputation.go), plus block, parameter,
// event-history, pledge, pool-progress and money-audit queries.
//
// The module events it projects are listed by the Event* constants. Records
// (products, pools with their status history, hub shares, pledges, batches,
// RFQs, bids, supply offers, production, purchase and work orders, lots,
// items, bill-of-materials lines, routings, work centers) are stored as the JSON their module emitted, after checking that
// the attributes agree with it. Money is derived from settle.move events
// alone: every movement is kept, and balances are updated from them as they
// are projected, so AuditMoney can check one against the other. The catalog,
// pool, settle, rfq and production modules are never imported: the events are decoded
// into the root vocabulary's types.
//
// The read model is disposable: it never feeds back into consensus, and
// `gongxu reindex` rebuilds it from the block store with Reset and
// ProjectBlocks. Projection is idempotent (blocks already projected are
// skipped) and strictly sequential (a gap is a gongxu.KindConflict).
//
// Projection in bulk (project_write.go): the append-only rows (txs, events,
// movements, batches) are written many per INSERT, the demand facts and
// open positions are summed per row in memory and written once per
// transaction, each event is decoded once (a pool event's head only, the
// whole pool once per block), and each org is written once per block. A
// tx's events are stored once, as one record in its row (txs.evs, from
// migration 0024; a JSON array, from 0025 length-prefixed strings, evs.go:
// rows of either form are read alike), with a per-block index of event
// types (event_types) for
// Events by type; the events table keeps the block-level events and the
// rows projected before, which are read as they were. From migration
// 0026 a hub batch is one B-tree's row (batches keyed by pool, height,
// seq; no index on tx: a batch of a tx recorded before is found through
// the tx row not stored) and an account's movements are indexed once per
// block (movement_accts: the block's seqs of the account), not per
// movement. The writer keeps
// SQLite's statement journals in memory (temp_store) and checkpoints its
// WAL every 20,000 pages; the
// WAL and synchronous(NORMAL) keep a commit atomic, and the height projected
// is written in the same transaction as the blocks' rows, so after a crash
// the node's feeder goes on from the height the file holds.
//
// One writer connection does the projection; a separate pool of read-only
// connections serves queries, so in WAL mode queries never wait behind a block
// being projected. Errors are *gongxu.Error: SQL and I/O failures are
// gongxu.KindInternal; each method documents its other kinds.
package sqlite
