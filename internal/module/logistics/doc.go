// Package logistics is the module of carriers: a logistics member moving a
// shipment leg for its shipper, from the shipper's place to the
// consignee's, on the ledger.
//
// Two kinds of shipment, each named by what already names it (the module
// never changes how goods are shipped): a factory's shipment of a hub's
// share of a pool (pool, hub: pool/ship), factory → hub; a supplier's
// shipment of a purchase order (po, shipment: production/ship), supplier →
// factory. One leg per shipment. A share shipped in parts (pool/ship qty,
// at most gongxu.MaxShareShipments) gets a leg per shipment (pool, hub,
// shipment n from 1: the n-th shipment's lots, its despatch advice
// gongxu.ShareShipmentURN); without shipment, one leg carries the share as
// a whole (every lot shipped so far, as before). A share's legs are one or
// the other: a leg of a shipment is refused while the whole share has one,
// and the reverse (KindConflict).
//
// Rules (times are block times, unix ms):
//
//   - logistics/assign: the shipper only (the pool's factory; the purchase
//     order's supplier), once the shipment is on the ledger (a share's n-th
//     shipment that has not shipped: KindNotFound) and before the
//     consignee confirmed it (the hub's delivery confirmed, the shipment
//     received in full: later is late, KindConflict). The carrier must be
//     a member org holding the logistics role (KindInvalid otherwise). The
//     leg copies the shipment's lots as they stand (at most MaxLegLots,
//     KindTooLarge). Before pickup, the shipper may assign the leg to
//     another carrier (the same leg, its carrier replaced); after pickup,
//     never.
//   - logistics/pickup: the leg's carrier only, once, while assigned and
//     not late: the trace module writes the pickup (an EPCIS ObjectEvent,
//     bizStep departing, at the shipper's place, shipper → carrier as
//     possessing party). A lot of the leg on hold by a recall does not
//     move: the pickup is refused (KindConflict), the goods stay with the
//     shipper.
//   - logistics/deliver: the leg's carrier only, once, after its pickup
//     (before it: KindConflict) and not late: the proof of delivery, with
//     who received the goods (received_by, at most MaxReceivedBy bytes),
//     up to MaxEvidence distinct SHA-256s of POD documents kept off the
//     ledger and a note of at most MaxNote bytes; the trace module writes
//     it (an EPCIS ObjectEvent, bizStep arriving, at the consignee's place,
//     carrier → consignee as possessing party). A recalled lot already in
//     transit is delivered: it must arrive somewhere, and its hold keeps it
//     from moving on.
//
// The proof of delivery is evidence, not a receipt: the hub still confirms
// its delivery (pool/confirm_delivery, or the pool's automatic confirmation
// at confirm_by) and the factory still receives a purchase order's
// shipment (production/receive) — the consignee says what arrived, as
// before. A dispute may cite the POD as evidence by gongxu.Leg.PODEvidence
// (the SHA-256 in the POD event's id). Once the consignee confirmed, a
// carrier's pickup or delivery is late and refused.
//
// Cost: each message reads one leg and its shipment (a pool share or a
// purchase order), at most MaxLegLots lots, and writes one EPCIS event of
// at most MaxLegLots quantities; pickup and deliver weigh that (Weight).
// An assign of a share reads at most gongxu.MaxShareShipments more keys
// (the other legs of the share).
// No block hook: nothing here has a deadline.
//
// Events (gongxu.EventLeg*): assigned, picked_up, delivered; each with id,
// carrier, shipper, consignee, pool, hub, po, shipment, status, json (the
// Leg).
//
// State keys, under "logistics/": seq, leg/<id>, pool/<pool>/<hub> (the
// whole share's leg), pool/<pool>/<hub>/<n> (its n-th shipment's) and
// po/<po>/<shipment> (the shipment's leg).
package logistics
