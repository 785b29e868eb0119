package gongxu

import (
	"context"
	"strconv"
)

// Carriers. A logistics member moves a shipment leg for its shipper: a
// factory's shipment of a hub's share of a pool (factory → hub), or a
// supplier's shipment of a purchase order (supplier → factory). The shipper
// assigns the leg to a carrier (an org holding RoleLogistics); the carrier
// records the pickup and the proof of delivery (POD), each an EPCIS event
// the network writes (FlowCarrierPickup, FlowCarrierDelivery), with the
// place (its org's URN) as read point and business location and the
// carrier as possessing party.
//
// The consignee's receipt stays the consignee's: a POD is evidence, never a
// confirmation. The hub still confirms its delivery (pool/confirm_delivery,
// or the automatic confirmation at the share's confirm_by), the factory still
// receives a purchase order's shipment (production/receive); a dispute may
// cite the POD as evidence by the SHA-256 of its event id (Leg.PODEvidence).
// A pickup or POD after the consignee confirmed or received in full is late
// and refused.

// LegStatus is where a carrier's leg stands.
type LegStatus string

// Leg statuses, in order.
const (
	LegAssigned  LegStatus = "assigned"  // the shipper named the carrier
	LegPickedUp  LegStatus = "picked_up" // the carrier took the goods at the shipper's place
	LegDelivered LegStatus = "delivered" // the carrier recorded the proof of delivery
)

// Leg is a carrier's part in one shipment. Exactly one of (Pool, Hub) and
// (PO, Shipment) names the shipment; with (Pool, Hub), Shipment is the
// share's shipment the leg carries (pool/ship's n-th, from 1), or 0 for
// the share as a whole (every lot shipped when the leg was assigned).
type Leg struct {
	ID        uint64   `json:"id"`
	Pool      uint64   `json:"pool,omitempty"`
	Hub       OrgID    `json:"hub,omitempty"`
	PO        uint64   `json:"po,omitempty"`
	Shipment  int      `json:"shipment,omitempty"`
	Shipper   OrgID    `json:"shipper"`   // the pool's factory, the PO's supplier
	Consignee OrgID    `json:"consignee"` // the hub, the PO's factory
	Carrier   OrgID    `json:"carrier"`
	Lots      []LotQty `json:"lots"` // what the shipment held when assigned (milli-units)
	// Unit is the shipment's despatch advice id: ShipmentURN(pool, hub)
	// for a pool share as a whole, ShareShipmentURN(pool, hub, n) for its
	// n-th shipment, urn:gongxu:po:<id>:shipment:<n> for a PO's.
	Unit     string    `json:"unit"`
	Status   LegStatus `json:"status"`
	Assigned int64     `json:"assigned"` // block time, unix ms
	AssignTx string    `json:"assign_tx"`
	// Pickup and delivery: block time, transaction and the EPCIS event id.
	PickedUp      int64    `json:"picked_up,omitempty"`
	PickupTx      string   `json:"pickup_tx,omitempty"`
	PickupEvent   string   `json:"pickup_event,omitempty"`
	Delivered     int64    `json:"delivered,omitempty"`
	DeliveryTx    string   `json:"delivery_tx,omitempty"`
	DeliveryEvent string   `json:"delivery_event,omitempty"`
	ReceivedBy    string   `json:"received_by,omitempty"` // who signed for the goods at the consignee
	Evidence      []string `json:"evidence,omitempty"`    // SHA-256s of POD documents kept off the ledger
	Note          string   `json:"note,omitempty"`
}

// The limits of a proof of delivery (logistics/deliver).
const (
	LegMaxReceivedBy = 100 // bytes of received_by
	LegMaxNote       = 500 // bytes of the note
	LegMaxEvidence   = 8   // POD document hashes
)

// ShareShipmentURN names the n-th shipment (from 1) of a hub's share of a
// pool, its despatch advice: ShipmentURN(pool, hub) for the first, and
// "<that>:<n>" for a later one (every shipment of a share is packed into
// the one unit ShipmentURN names).
func ShareShipmentURN(pool uint64, hub OrgID, n int) string {
	if n > 1 {
		return ShipmentURN(pool, hub) + ":" + strconv.Itoa(n)
	}
	return ShipmentURN(pool, hub)
}

// LegURN names a leg in EPCIS events, as the bill of lading ("bol"):
// urn:gongxu:leg:<id>.
func LegURN(id uint64) string { return URNPrefix + "leg:" + strconv.FormatUint(id, 10) }

// PODEvidence is what a dispute cites for a leg's proof of delivery: the
// SHA-256 (64 lower-case hex) in the POD event's CBV 2.0 hash id
// ("ni:///sha-256;<hex>?ver=CBV2.0"); "" before delivery.
func (l Leg) PODEvidence() string {
	const p = "ni:///sha-256;"
	e := l.DeliveryEvent
	if len(e) < len(p)+64 || e[:len(p)] != p {
		return ""
	}
	return e[len(p) : len(p)+64]
}

// The flows of a carrier's leg (trace events' Flow).
const (
	FlowCarrierPickup   = "logistics/pickup"  // a carrier took a shipment at the shipper's place
	FlowCarrierDelivery = "logistics/deliver" // a carrier delivered it at the consignee's place (POD)
)

// The events of a leg: id, carrier, shipper, consignee, pool, hub, po,
// shipment, status, json (the Leg after the step).
const (
	EventLegAssigned  = "logistics/assigned"
	EventLegPickedUp  = "logistics/picked_up"
	EventLegDelivered = "logistics/delivered"
)

// The messages of a leg, which the pages build too.
const (
	TypeLogisticsAssign  = "logistics/assign"  // LegAssignBody: the shipper
	TypeLogisticsPickup  = "logistics/pickup"  // LegRefBody: the assigned carrier
	TypeLogisticsDeliver = "logistics/deliver" // LegDeliverBody: the assigned carrier
)

// LegAssignBody assigns the shipment of a hub's share of a pool (Pool,
// Hub: the share as a whole, or with Shipment its n-th shipment, from 1)
// or a purchase order's shipment (PO, Shipment) to a carrier; before
// pickup, it assigns the leg anew to another carrier. A share's legs are
// either one for the whole share or one per shipment, never both.
type LegAssignBody struct {
	Pool     uint64 `json:"pool,omitempty"`
	Hub      OrgID  `json:"hub,omitempty"`
	PO       uint64 `json:"po,omitempty"`
	Shipment int    `json:"shipment,omitempty"`
	Carrier  OrgID  `json:"carrier"`
}

// LegRefBody names a leg.
type LegRefBody struct {
	Leg uint64 `json:"leg"`
}

// LegDeliverBody is a carrier's proof of delivery.
type LegDeliverBody struct {
	Leg        uint64   `json:"leg"`
	ReceivedBy string   `json:"received_by,omitempty"`
	Evidence   []string `json:"evidence,omitempty"`
	Note       string   `json:"note,omitempty"`
}

// LegFilter narrows a leg listing.
type LegFilter struct {
	Org    OrgID     // carrier, shipper or consignee; "" for all
	Pool   uint64    // 0 for all
	PO     uint64    // 0 for all
	Lot    LotID     // a lot the leg moved; "" for all
	Status LegStatus // "" for all
	Limit  int
}

// LegService reads carriers' legs. Errors: KindNotFound for an unknown id,
// KindInvalid for a malformed filter, KindInternal otherwise.
type LegService interface {
	Legs(ctx context.Context, f LegFilter) ([]Leg, error)
	Leg(ctx context.Context, id uint64) (Leg, error)
}
