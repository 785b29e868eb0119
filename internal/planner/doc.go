// Package planner plans a factory's production at its node, from the
// ledger as the read model shows it: it gathers the factory's master data,
// stock, open production orders (the demand), open purchase orders and
// started work orders (the scheduled receipts), runs the planning core
// (internal/plan: MRP, then finite-capacity scheduling from now), and says
// what the plan would send to the ledger: one purchase order per supplier
// for the planned purchases, and the planned completion of every production
// order whose date moved, with the reason that binds it.
//
// It sends nothing itself (the node's auto-planner and `gongxu plan --send`
// do), and it is idempotent: once its transactions are on the ledger, the
// sent purchase orders count as open orders and the published dates equal
// the computed ones, so planning again proposes nothing new.
//
// Errors are *gongxu.Error: KindInvalid for a malformed org id or master
// data the core refuses, whatever the ProductionService and the clock
// return otherwise. What keeps a part of the plan from being planned (an
// order without master data, a supplier without an offer, an item without
// a routing) is a Problem of the view, never an error.
package planner
