// Package plan is the planning core of production: master data (items with
// lot-size rules and preferred suppliers, multi-level bills of materials with
// scrap, phantoms and by-products, routings, work centers with capacity and
// calendars), MRP (Plan: gross to net requirements per item, netted once at
// its low-level code, time-phased in days, lot-sized, lead-time offset, with
// pegging back to the demand), finite-capacity forward scheduling (Schedule:
// operations on work-center calendars, never more at once than a work
// center's parallel units) and re-planning when a purchase arrives late or
// an operation slips (Replan: the changed completion dates, with the reason).
// Net change (State, NetChange) re-plans after a change of stock, open
// orders or demand by re-netting only the items the change reaches, with
// exactly the result of a full plan.
//
// It runs at the factory's node, off consensus; what it decides is published
// as transactions. So it may use maps, sorting and the time package freely
// (never the clock: every time is an input), but its output is a
// deterministic function of its input: the same master data, stock, orders
// and demand in any order give the same result, byte for byte as JSON, so
// any node can re-derive a published plan.
//
// Units: quantities are gongxu.Qty milli-units (1 piece = 1000); scrap is in
// basis points; times are unix ms (UTC), MRP buckets are UTC days, lead times
// are calendar days, operation times are ms of working time. All arithmetic
// is integer and overflow-checked. Errors are *gongxu.Error: KindNotFound for
// an unknown item or work center, KindInvalid for any other bad input.
package plan
