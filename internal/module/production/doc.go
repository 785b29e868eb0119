// Package production is the on-ledger part of production: what suppliers
// offer, production orders, purchase orders and their negotiation, shipments
// and receipts of lots, and work orders that consume lots and make new ones.
// Planning (MRP, scheduling) is off the ledger, in internal/plan; this module
// records what the parties commit to and what physically moved.
//
// The rules:
//
//   - Offers. A supplier org publishes its own catalog, one offer per item
//     (unit, lead time, minimum order, a unit price or a price list, a
//     currency); republishing replaces it and bumps its version.
//   - Who makes. A maker is a member org with the factory or the supplier
//     role: a supplier makes what it sells as much as a factory does, so
//     demand cascades upstream on the ledger (yarn → fabric → garment). A
//     maker keeps master data, creates production orders, sends purchase
//     orders and runs work orders; a hub-only, logistics-only or validator-
//     only org, and a key of no member org, may do none of it (KindUnauthorized).
//     Who may send what: offer, po_accept, po_reject, po_propose, ship: a
//     supplier (the addressed one); order, po, master data: a maker;
//     po_change: either party of the order; po_change_answer: the other;
//     po_decide, po_cancel, receive: the ordering maker; wo_start: the
//     production order's maker; wo_report, wo_complete: the work order's.
//     ("factory" below, and PurchaseOrder.Factory, name the ordering org,
//     a factory or a supplier.)
//   - Production orders. A factory orders production of its own catalog
//     product (product), any maker of an item it makes (item: one of its
//     own master data, made, not a phantom, not named like another org's
//     catalog product), or a filled pool creates one through OpenFromPool
//     (one per pool), due at the date the pool promised.
//   - Purchase orders go from a maker to another member supplier org; each line
//     is priced from that supplier's offer of the item (the tier its quantity
//     reaches), at or above its minimum order, in one currency. An addressee
//     that is not a supplier is bad input (KindInvalid: the signer may send
//     purchase orders, the order is wrong), as is an item without an offer.
//   - Sealed terms. An offer may seal its tiers' prices to the supplier and
//     1 to 16 named makers (factories or suppliers); a purchase order or a proposal may seal its
//     prices to its factory and supplier (0 on the ledger, the ciphertexts
//     and a commitment kept), each key box under the seal key the org has
//     registered. The module checks shapes and keys, never contents: only a
//     named factory orders against a sealed offer, only with a sealed
//     order; a proposal on a sealed order is sealed; a party may disclose
//     the agreed terms to another member under the order's commitment
//     (po_disclose: once per party and org, at most 8 per order).
//   - Negotiation. Only the addressed supplier answers a sent order: accept
//     (with a promised date per line, default the requested ones), reject
//     (a reason is required) or propose changed lines (same items, other
//     quantities, dates or prices). Only the ordering factory decides on a
//     proposal: accepted, the order takes the proposed lines and is accepted;
//     rejected, it is sent again with its lines and the supplier answers
//     anew. The factory may cancel before any shipment. Every step is kept
//     in the order's negotiation history.
//   - Shipments and receipts. The supplier ships its own lots
//     ("<supplier>/<code>") against an accepted order, never more than a line
//     ordered; a lot it holds on the ledger is tracked and decreases. The
//     factory receives at most what a shipment line carried; the received
//     quantity goes into a lot "<factory>/<supplier lot id>" and the
//     factory's stock of the item.
//   - Work orders. The production order's factory starts one with a quantity
//     and the input lots it will consume (its own, holding enough). Reports
//     of produced and scrapped quantities never fall; produced plus scrapped
//     never exceeds the started quantity plus OverrunPct percent
//     (KindConflict). Completion consumes the input lots, creates new output
//     lots (by default "<factory>/wo-<id>") and counts the production toward
//     its order, completed when it reaches the quantity. Completion may
//     record by-product lots (items the bill declares as by-products of
//     the work order's item; byproducts.go), made by the work order and in
//     its EPCIS transformation; each rise of the scrapped quantity is kept
//     with its reason (WorkOrder.Scrap): scrap is never a lot.
//   - Master data. A factory or supplier org keeps its own items (the
//     single-record rules of gongxu.Item), bills of materials (a parent's
//     lines replaced whole; children must be its items; no by-products of
//     or as phantoms; a cycle through its stored bills is refused, named
//     "a → b → a"), routings (made, non-phantom items, on its own work
//     centers) and work centers (capacity, a calendar with working time).
//     An item with a bill or a routing cannot become bought. Nobody else
//     writes them.
//   - Planned completion. The order's factory publishes it with a reason
//     (plan_date), kept in the order's history; a completed order's date
//     is history.
//   - Reservations. A started work order reserves its input lots: neither
//     another work order nor a shipment can take the reserved quantity;
//     completion consumes it. The work order's factory may cancel it while
//     it is started (wo_cancel, with an optional reason): the reserved
//     quantities are released, nothing is consumed or made, the reports so
//     far stay on the record; a completed or cancelled work order is a
//     conflict, another org's unauthorized.
//   - Holds. A recall (the trace module's trace/recall, through Lots.Hold)
//     holds the recalled lot and every lot derived from it: received from
//     it (Lot.From) or made by a work order that consumed it, however many
//     steps on. A held lot (Lot.Hold, the recall's id) is never shipped,
//     reserved by a work order, consumed at completion (the work order
//     holding it can only be cancelled) or taken for a pool's shipment to
//     a hub (TakeForPool skips it): each is a conflict naming the recall,
//     and changes nothing. A supplier's lot id that is not on the ledger is
//     marked held too (no shipment of it again); a lot shipped before the
//     recall and received after it inherits the hold. The walk reads a
//     forward index written at each receipt and completion (one key per
//     receipt line or work-order input) and visits at most MaxHoldLots lots
//     and work orders, breadth first: past the bound the recall says so
//     (Recall.HoldTruncated) and the rest are recalled on their own. A lot
//     already held keeps its first recall and is not walked again. A hold
//     is never lifted on the ledger (a recall is final).
//   - Pools. The first work order started on a pool's order moves the pool
//     to in_production; completing the order's quantity (made plus filled
//     from stock) moves it to ready. What its work orders make is allotted
//     to the pool (Lot.Pool, Lot.Allotted), up to the order's quantity.
//   - Stock as a source (alloc.go). A pool's shipment to a hub
//     (TakeForPool) takes the lots the factory chose, else what is allotted
//     to the pool first, then free lots of the item: the first to expire
//     first (Lot.Expiry, set on a work order's output lot and inherited by
//     a receipt), then the first in. Held, expired, reserved quantities and
//     another pool's allotment are never allocated (gongxu.LotFree); the
//     pool's allotment falls by what shipped. A pool on stock
//     (Pool.FromStock) is filled at its close (FillFromStock): if the
//     factory's free lots cover its total they are allotted to it, its
//     order completes from stock (ProductionOrder.Stock) and the pool is
//     ready; else nothing is allotted and the order is made as any other.
//     A work order's start may have the ledger choose input lots
//     (wo_start allocate: items and quantities) by the same rule from the
//     free lots, after the lots it names.
//     Free lots are read from an index (avail/<owner>\x00<item>\x00
//     e<expiry>|f<created>/<lot>, one key per lot holding anything), at
//     most MaxAllocLots per allocation. Why an order filled from stock
//     rather than a pool without one: the pool's stages, the pages' status,
//     the start deadline and shipping already follow the order; an order
//     completed from stock keeps each of them true with no second path.
//   - Lateness. A line of an accepted order not shipped in full by its
//     promised date plus the grace (the governance parameter
//     po_late_grace_ms, default one day) is recorded late in the first
//     block after that time, with no transaction, once: PurchaseOrder.Late
//     holds when, and production.po_late says so. A later shipment on a late
//     line emits production.po_late_shipment with how late it came. The
//     sweep reads an index of accepted orders by their earliest pending
//     promised date (the grace applied as it reads, so a new grace applies
//     to every pending line): its work is the orders due, not all orders,
//     at most MaxLatePerBlock of them a block (the rest in the next blocks).
//   - Change orders. Either party of an accepted order proposes a change
//     (po_change): the whole order as it would be, lines in place (same
//     items, qty 0 removes one, never below what has shipped), added lines
//     offered like a new order's, sealed like the order's terms when it is
//     sealed; the other party answers it by number (po_change_answer)
//     before its deadline, or it lapses at block time from an index keyed
//     by deadline. A line recorded late keeps its promised date (change.go).
//   - Framework orders. A line may carry a release date: shipped only from
//     then on, recorded released at block time from an index keyed by the
//     next release (release.go).
//   - Stock is the sum of an org's lots of an item; quantities are
//     milli-units, prices minor units per unit, never floats.
//   - Bad input changes nothing: every rejection leaves the state as it was.
//
// Events carry the full JSON snapshot: production.offer (supplier, item),
// production.order (order, factory, status), production.po (po, factory,
// supplier, status), production.po_late and production.po_late_shipment
// (po, line, factory, supplier, item, promised, …), production.wo (wo, order, status), production.lot (lot,
// owner, item, delta; also when a hold or a reservation changes). Master data emits production.item, production.bom,
// production.routing and production.work_center. Shipments, receipts and
// work-order completions also report to the trace module (Tracer), which
// records them as GS1 EPCIS events anchored in the same transaction.
package production
