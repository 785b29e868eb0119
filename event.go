package gongxu

// Event is something that happened on the ledger, emitted by a module while a
// block executes. It has the shape of an ABCI event, so CometBFT's indexer and
// clients read it unchanged; the read model projects it.
type Event struct {
	Type  string `json:"type"` // "<module>.<what>", e.g. "member.org_admitted"
	Attrs []Attr `json:"attrs"`
}

// Attr is one key/value pair of an Event. Modules emit attributes in a fixed order.
type Attr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Get returns the value of the first attribute named key, or "".
func (e Event) Get(key string) string {
	for _, a := range e.Attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// NewEvent builds an event from alternating key, value strings.
func NewEvent(typ string, kv ...string) Event {
	ev := Event{Type: typ, Attrs: make([]Attr, 0, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Attrs = append(ev.Attrs, Attr{Key: kv[i], Value: kv[i+1]})
	}
	return ev
}

// The event types the modules emit, with their attributes in the order
// emitted. A json attr holds the record as the ledger stores it. The read
// model projects them (internal/sqlite); every node's indexer and clients see
// them as they are. These names are the contract between the write side and
// the read side: change one and the read model no longer sees it.
const (
	EventOrg        = "member.org"         // org, json (Org): an org admitted or changed
	EventOrgRemoved = "member.org_removed" // org: an org removed
	EventProposal   = "member.proposal"    // id, status, json (Proposal)
	EventValidator  = "member.validator"   // pub_key, power ("0": removed), org
	EventParams     = "member.params"      // json (Params)
	EventGS1Prefix  = "member.gs1_prefix"  // prefix, org ("": released)

	EventProduct = "catalog.product" // product, factory, version, json (Product)

	EventMove = "settle.move" // from, to, currency, amount, reason (a MoveReason), ref: money moved

	EventPool   = "pool.pool"   // pool, status, json (Pool)
	EventShare  = "pool.share"  // pool, hub, json (HubShare)
	EventPledge = "pool.pledge" // pool, id, json (Pledge)
	EventBatch  = "pool.batch"  // pool, hub, tx, json (Batch): only in the tx it names
	EventPickup = "pool.pickup" // pool, hub, pledge, json (Pickup): only in the tx it names
	// EventHistory ("pool.history", a hub's recorded past sales) is in event_history.go.

	EventRFQ = "rfq.rfq" // rfq, status, json (RFQ)
	EventBid = "rfq.bid" // rfq, bidder, status (sealed, revealed, forfeited), json (Bid)[, note]

	EventOffer      = "production.offer"       // supplier, item, json (SupplyOffer)
	EventOrder      = "production.order"       // order, factory, status, json (ProductionOrder)
	EventPO         = "production.po"          // po, factory, supplier, status, json (PurchaseOrder)
	EventWO         = "production.wo"          // wo, order, status, json (WorkOrder)
	EventLot        = "production.lot"         // lot, owner, item, delta (the change of its Qty), json (Lot)
	EventItem       = "production.item"        // org, item, json (Item)
	EventBOM        = "production.bom"         // org, parent, json (array of BOMLine; "[]": removed)
	EventRouting    = "production.routing"     // org, item, json (Routing)
	EventWorkCenter = "production.work_center" // org, work_center, json (WorkCenter)
	// EventPOLate: a purchase order line not shipped in full by its promised
	// date plus the grace, recorded once, at block time: po, line (1-based),
	// factory, supplier, item, promised, ordered, shipped (so far, milli-units).
	EventPOLate = "production.po_late"
	// EventPOLateShipment: a shipment on a line recorded late, and how late
	// it came: po, line, factory, supplier, item, promised, late_ms (the
	// shipment's time minus the promised date), ordered, shipped (so far,
	// this shipment included).
	EventPOLateShipment = "production.po_late_shipment"

	EventTraceBatch  = "trace.batch"  // tx, org, count, json (TraceBatch): before the events it anchors
	EventTraceEvent  = "trace.event"  // id, type, org, json (TraceEvent): in its batch's order
	EventTraceRecall = "trace.recall" // id, org, identifier, json (Recall)
)
