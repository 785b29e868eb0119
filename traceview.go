package gongxu

import "context"

// The read side of traceability: the EPCIS query interface's filters, the
// trace walks (which EPCIS itself does not define) and what a recall reaches.

// TraceQuery is the common filters of the EPCIS 2.0 query interface (GS1
// REST binding, GET /epcis/events). Every non-empty list is an OR of its
// values; filters are ANDed. Times are unix ms, 0 when not given.
type TraceQuery struct {
	EventTypes   []string // eventType
	GEEventTime  int64    // GE_eventTime
	LTEventTime  int64    // LT_eventTime
	GERecordTime int64    // GE_recordTime: the block time of the anchor
	LTRecordTime int64    // LT_recordTime
	BizSteps     []string // EQ_bizStep: CBV 2.0 Web URIs, bare names or URNs
	Dispositions []string // EQ_disposition
	ReadPoints   []string // EQ_readPoint
	BizLocations []string // EQ_bizLocation
	EPCs         []string // MATCH_epc: instance identifiers in an event's epcList or childEPCs (EPCIS 2.0 §8.2.7.1)
	EPCClasses   []string // MATCH_anyEPCClass: class identifiers (incl. ledger lot URNs) in any quantity list
	EventIDs     []string // EQ_eventID: an event and its error declaration
	Orgs         []OrgID  // the capturing org (a gongxu extension)
	After        uint64   // the ledger sequence to continue after (nextPageToken)
	Limit        int      // at most this many, 1 to 1000 (0: 100)
}

// TraceNode is a thing a trace walk reached: an identifier (a lot, a serial,
// a pallet), at Depth steps from the start, and the ledger lot it is, if it
// is one.
type TraceNode struct {
	ID    string `json:"id"` // canonical identifier
	Depth int    `json:"depth"`
	Lot   *Lot   `json:"lot,omitempty"`
}

// TraceStep is one event of a trace walk, as an edge: what went in and what
// came out (a transformation's inputs and outputs; an aggregation's children
// and parent; an observation's things to themselves), who recorded it, when
// and where, and the transaction that anchors it.
type TraceStep struct {
	Event       string      `json:"event"`
	Type        string      `json:"type"`
	Flow        string      `json:"flow,omitempty"`
	BizStep     string      `json:"biz_step,omitempty"`
	Disposition string      `json:"disposition,omitempty"`
	Org         OrgID       `json:"org"`
	Time        int64       `json:"time"`
	Location    string      `json:"location,omitempty"` // bizLocation, else readPoint
	From        []string    `json:"from"`
	To          []string    `json:"to"`
	Depth       int         `json:"depth"`
	Anchor      TraceAnchor `json:"anchor"`
}

// TraceHubShare is a hub's part of a pool a forward trace reached: its
// quantity and its batches of pledges (each a Merkle root of pseudonymous
// leaves only the hub can map to its consumers); once the factory shipped
// the hub its share, the reached lots shipped to it, whether it confirmed
// the delivery, and the pledges its consumers picked up with goods of those
// lots (the ones to contact first in a recall; the rest are still at the
// hub). A hub whose share was shipped with none of the reached lots is not
// listed.
type TraceHubShare struct {
	Hub       OrgID    `json:"hub"`
	Qty       Units    `json:"qty"`
	Batches   []Batch  `json:"batches"`
	Shipped   []LotQty `json:"shipped,omitempty"`
	Delivered bool     `json:"delivered,omitempty"`
	Pickups   []Pickup `json:"pickups,omitempty"`
}

// TracePool is a pool a forward trace reached through the production order
// that made a lot of it.
type TracePool struct {
	Pool   uint64          `json:"pool"`
	Order  uint64          `json:"order"`
	Lots   []LotID         `json:"lots"`
	Status PoolStatus      `json:"status"`
	Hubs   []TraceHubShare `json:"hubs"`
}

// TraceGraph is the result of a walk from Start: backward (every input,
// recursively, through transformations, aggregations and receipts) or
// forward (every downstream lot, shipment, pool, hub and pledge batch).
// Nodes and steps are sorted by depth, then id; Truncated says the walk
// stopped at its depth or size limit.
type TraceGraph struct {
	Start     string      `json:"start"`
	Direction string      `json:"direction"` // "back" or "forward"
	Nodes     []TraceNode `json:"nodes"`
	Steps     []TraceStep `json:"steps"`
	Pools     []TracePool `json:"pools"` // forward only
	Truncated bool        `json:"truncated,omitempty"`
}

// RecallImpact is what a recall reaches: its forward trace, and per hub the
// pools and pledge batches affected, for the hubs to contact their consumers.
type RecallImpact struct {
	Recall Recall          `json:"recall"`
	Trace  TraceGraph      `json:"trace"`
	Hubs   []TraceHubShare `json:"hubs"` // summed over the pools reached, by hub
	// Carriers are the legs that moved a lot the trace reached (a carrier
	// to ask where the goods went), by leg id.
	Carriers []Leg `json:"carriers,omitempty"`
}

// TraceService reads traceability: events, trace walks and recalls. Lists
// are never nil. Identifiers may be given as EPC URNs, GS1 Digital Link
// URIs, ledger lot ids ("factory-a/fab-001") or lot URNs. Errors:
// KindInvalid for a malformed identifier or query, KindNotFound for an
// unknown event, identifier or recall, KindInternal otherwise.
type TraceService interface {
	// Event returns an event by id (the original, not its declaration).
	Event(ctx context.Context, id string) (TraceEvent, error)
	// Batch returns the batch a transaction anchored, whose Proof of an
	// event's Anchor.Index lets a client VerifyTraceEvent.
	Batch(ctx context.Context, tx string) (TraceBatch, error)
	// TraceEvents returns the events matching q in ledger order. (Not
	// "Events": the read model's DB has that name for the ledger's module
	// events.)
	TraceEvents(ctx context.Context, q TraceQuery) ([]TraceEvent, error)
	// Back walks backward from an identifier, at most depth steps (1 to 50).
	Back(ctx context.Context, id string, depth int) (TraceGraph, error)
	// Forward walks forward from an identifier, at most depth steps.
	Forward(ctx context.Context, id string, depth int) (TraceGraph, error)
	// Recalls lists recalls, newest first; with hub set, only those that
	// reach one of its pools.
	Recalls(ctx context.Context, hub OrgID, limit int) ([]Recall, error)
	// Recall returns a recall and what it reaches.
	Recall(ctx context.Context, id uint64) (RecallImpact, error)
}
