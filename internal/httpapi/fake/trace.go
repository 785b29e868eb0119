package fake

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

// The fixed trace data: silk-supply ships its fabric lot LotSupplier,
// acme-textiles receives it as LotReceived, makes LotMade from it (work
// order 1, production order OrderInProgress, from pool PoolSucceeded) and
// packs items onto a pallet, then declares that packing erroneous.
const (
	EventShip       = "urn:uuid:6a0a8a40-1000-4000-8000-000000000001" // ObjectEvent, silk-supply, batch TxShip
	EventMake       = "urn:uuid:6a0a8a40-1000-4000-8000-000000000002" // TransformationEvent, acme-textiles, batch TxMake
	EventPack       = "urn:uuid:6a0a8a40-1000-4000-8000-000000000003" // AggregationEvent, batch TxMake, declared erroneous in TxDecl
	RecallFabric    = uint64(1)                                       // silk-supply's recall of LotSupplier: reaches hub-lishui
	RecallItem      = uint64(2)                                       // acme-textiles' recall of an item: reaches no pool
	ItemEPC         = "urn:epc:id:sgtin:0614141.107346.2017"
	PalletEPC       = "urn:epc:id:sscc:0614141.1234567890"
	TraceBlockTime  = int64(1740816000000)
	traceHashPrefix = "ni:///sha-256;"
)

// The capture transactions of the fixed data.
var (
	TxShip = Hash([]byte("capture ship"))
	TxMake = Hash([]byte("capture make"))
	TxDecl = Hash([]byte("capture declaration"))
	// TxCaptureRejected is a capture the chain rejected (a duplicate id).
	TxCaptureRejected = Hash([]byte("capture rejected"))
)

// Trace is a TraceService over the fixed trace data.
type Trace struct {
	mu      sync.Mutex
	events  []gongxu.TraceEvent // by sequence
	batches map[string]gongxu.TraceBatch
	graphs  map[string]gongxu.TraceGraph // "back "/"forward " + canonical key
	recalls []gongxu.Recall              // newest first
	impact  map[uint64]gongxu.RecallImpact
	last    gongxu.TraceQuery
	err     error
	empty   bool
}

func canonical(id string) string {
	c, err := epcis.Canonical(id)
	if err != nil {
		panic(err)
	}
	return c
}

// NewTrace returns the fake of traceability over the fixed data, which
// agrees with the fakes of New, NewMarket and NewProduction.
func NewTrace() *Trace {
	lot := func(id gongxu.LotID) string { return gongxu.LotURN(id) }
	raws := []string{
		`{"type":"ObjectEvent","eventTime":"2025-03-01T05:53:20.000Z","eventTimeZoneOffset":"+00:00","eventID":"` + EventShip +
			`","action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","quantityList":[{"epcClass":"` + lot(LotSupplier) +
			`","quantity":200}],"bizTransactionList":[{"type":"po","bizTransaction":"urn:gongxu:po:2"}]}`,
		`{"type":"TransformationEvent","eventTime":"2025-03-01T06:00:00.000Z","eventTimeZoneOffset":"+00:00","eventID":"` + EventMake +
			`","bizStep":"commissioning","disposition":"active","inputQuantityList":[{"epcClass":"` + lot(LotReceived) +
			`","quantity":150}],"outputQuantityList":[{"epcClass":"` + lot(LotMade) + `","quantity":100}],"transformationID":"urn:gongxu:wo:1"}`,
		`{"type":"AggregationEvent","eventTime":"2025-03-01T06:10:00.000Z","eventTimeZoneOffset":"+00:00","eventID":"` + EventPack +
			`","action":"ADD","bizStep":"packing","parentID":"` + PalletEPC + `","childEPCs":["` + ItemEPC +
			`"],"childQuantityList":[{"epcClass":"` + lot(LotMade) + `","quantity":10}]}`,
		`{"type":"AggregationEvent","eventTime":"2025-03-01T06:10:00.000Z","eventTimeZoneOffset":"+00:00","eventID":"` + EventPack +
			`","action":"ADD","bizStep":"packing","parentID":"` + PalletEPC + `","childEPCs":["` + ItemEPC +
			`"],"childQuantityList":[{"epcClass":"` + lot(LotMade) + `","quantity":10}],"errorDeclaration":{"declarationTime":"2025-03-01T07:00:00.000Z","reason":"incorrect_data"}}`,
	}
	web := "https://ref.gs1.org/cbv/"
	item, pallet := canonical(ItemEPC), canonical(PalletEPC)
	evs := []gongxu.TraceEvent{
		{ID: EventShip, Type: "ObjectEvent", Org: "silk-supply", Flow: "production/ship", EventTime: 1740808400000, TimeZoneOffset: "+00:00",
			Action: "OBSERVE", BizStep: web + "BizStep-shipping", Disposition: web + "Disp-in_transit",
			Quantities:      []gongxu.TraceQuantity{{Class: lot(LotSupplier), Quantity: "200"}},
			BizTransactions: []gongxu.TraceRef{{Type: web + "BTT-po", ID: "urn:gongxu:po:2"}}},
		{ID: EventMake, Type: "TransformationEvent", Org: "acme-textiles", Flow: "production/wo_complete", EventTime: 1740808800000,
			TimeZoneOffset: "+00:00", BizStep: web + "BizStep-commissioning", Disposition: web + "Disp-active",
			InputQuantities:  []gongxu.TraceQuantity{{Class: lot(LotReceived), Quantity: "150"}},
			OutputQuantities: []gongxu.TraceQuantity{{Class: lot(LotMade), Quantity: "100"}}},
		{ID: EventPack, Type: "AggregationEvent", Org: "acme-textiles", EventTime: 1740809400000, TimeZoneOffset: "+00:00", Action: "ADD",
			BizStep: web + "BizStep-packing", Parent: pallet, Children: []string{item},
			ChildQuantities: []gongxu.TraceQuantity{{Class: lot(LotMade), Quantity: "10"}}},
	}
	decl := evs[2]
	decl.ErrorDeclaration = &gongxu.TraceErrorDeclaration{Time: 1740812400000, Reason: web + "ER-incorrect_data"}
	evs = append(evs, decl)
	t := &Trace{batches: map[string]gongxu.TraceBatch{}, impact: map[uint64]gongxu.RecallImpact{}, graphs: map[string]gongxu.TraceGraph{}}
	// Batches: the shipment alone, the making and packing together, the declaration.
	seq := uint64(0)
	for bi, group := range [][]int{{0}, {1, 2}, {3}} {
		tx := []string{TxShip, TxMake, TxDecl}[bi]
		org := evs[group[0]].Org
		height := int64(54 + bi)
		leaves := make([][32]byte, len(group))
		hexes := make([]string, len(group))
		for i, k := range group {
			leaves[i] = gongxu.TraceLeafHash([]byte(raws[k]))
			hexes[i] = hex.EncodeToString(leaves[i][:])
		}
		r := gongxu.MerkleRoot(leaves)
		root := hex.EncodeToString(r[:])
		t.batches[tx] = gongxu.TraceBatch{Height: height, Time: TraceBlockTime + int64(bi)*1000, Tx: tx, Org: org, Count: len(group), Root: root, Leaves: hexes}
		for i, k := range group {
			seq++
			e := &evs[k]
			e.Seq, e.Raw = seq, []byte(raws[k])
			e.Hash = traceHashPrefix + fmt.Sprintf("%064x", k+1) + "?ver=CBV2.0"
			if k == 3 {
				e.Hash = evs[2].Hash
			}
			e.Anchor = gongxu.TraceAnchor{Height: height, Time: TraceBlockTime + int64(bi)*1000, Tx: tx, Index: i, Count: len(group),
				Leaf: hexes[i], Root: root}
		}
	}
	t.events = evs

	anchor := func(k int) gongxu.TraceAnchor { return evs[k].Anchor }
	step := func(k, depth int, from, to []string) gongxu.TraceStep {
		e := evs[k]
		return gongxu.TraceStep{Event: e.ID, Type: e.Type, Flow: e.Flow, BizStep: e.BizStep, Disposition: e.Disposition, Org: e.Org,
			Time: e.EventTime, Location: e.BizLocation, From: from, To: to, Depth: depth, Anchor: anchor(k)}
	}
	p := NewProduction()
	lotOf := func(id gongxu.LotID) *gongxu.Lot {
		l, err := p.Lot(context.Background(), id)
		if err != nil {
			return nil
		}
		return &l
	}
	receipt := gongxu.TraceStep{Event: "urn:gongxu:po:2", Type: "ledger", Flow: "production/receive", BizStep: web + "BizStep-receiving",
		Org: "acme-textiles", Time: 1740805000000, From: []string{lot(LotSupplier)}, To: []string{lot(LotReceived)},
		Anchor: gongxu.TraceAnchor{Time: 1740805000000}}
	share := gongxu.TraceHubShare{Hub: "hub-lishui", Qty: 300, Batches: []gongxu.Batch{}, Delivered: true,
		Shipped: []gongxu.LotQty{{Lot: LotMade, Qty: 300_000}},
		Pickups: []gongxu.Pickup{{Pool: PoolSucceeded, Hub: "hub-lishui", Pledge: gongxu.PledgeURN(BatchTx, 0), Qty: 2,
			Lots: []gongxu.LotQty{{Lot: LotMade, Qty: 2000}}, Time: 1740806000000, Height: 90, Tx: strings.Repeat("C", 64)}}}
	t.graphs["back "+lot(LotMade)] = gongxu.TraceGraph{Start: lot(LotMade), Direction: "back",
		Nodes: []gongxu.TraceNode{{ID: lot(LotMade), Lot: lotOf(LotMade)}, {ID: lot(LotReceived), Depth: 1, Lot: lotOf(LotReceived)},
			{ID: lot(LotSupplier), Depth: 2, Lot: lotOf(LotSupplier)}},
		Steps: []gongxu.TraceStep{step(1, 1, []string{lot(LotReceived)}, []string{lot(LotMade)}), withDepth(receipt, 2)},
		Pools: []gongxu.TracePool{}}
	fwd := gongxu.TraceGraph{Start: lot(LotSupplier), Direction: "forward",
		Nodes: []gongxu.TraceNode{{ID: lot(LotSupplier), Lot: lotOf(LotSupplier)}, {ID: lot(LotReceived), Depth: 1, Lot: lotOf(LotReceived)},
			{ID: lot(LotMade), Depth: 2, Lot: lotOf(LotMade)}},
		Steps: []gongxu.TraceStep{step(0, 0, []string{lot(LotSupplier)}, []string{lot(LotSupplier)}), withDepth(receipt, 1),
			step(1, 2, []string{lot(LotReceived)}, []string{lot(LotMade)})},
		Pools: []gongxu.TracePool{{Pool: PoolSucceeded, Order: OrderInProgress, Lots: []gongxu.LotID{LotMade}, Status: gongxu.PoolSucceeded,
			Hubs: []gongxu.TraceHubShare{share}}}}
	t.graphs["forward "+lot(LotSupplier)] = fwd
	itemFwd := gongxu.TraceGraph{Start: item, Direction: "forward", Nodes: []gongxu.TraceNode{{ID: item}}, Steps: []gongxu.TraceStep{},
		Pools: []gongxu.TracePool{}}
	t.graphs["forward "+item] = itemFwd
	t.recalls = []gongxu.Recall{
		{ID: RecallItem, Org: "acme-textiles", Target: ItemEPC, Identifier: item, Reason: "a loose zip", Height: 58, Time: TraceBlockTime + 4000,
			Tx: Hash([]byte("recall item"))},
		{ID: RecallFabric, Org: "silk-supply", Target: string(LotSupplier), Identifier: lot(LotSupplier), Lot: LotSupplier,
			Reason: "mould in the fabric", Height: 57, Time: TraceBlockTime + 3000, Tx: Hash([]byte("recall fabric"))},
	}
	t.impact[RecallFabric] = gongxu.RecallImpact{Recall: t.recalls[1], Trace: fwd, Hubs: []gongxu.TraceHubShare{share}}
	t.impact[RecallItem] = gongxu.RecallImpact{Recall: t.recalls[0], Trace: itemFwd, Hubs: []gongxu.TraceHubShare{}}
	return t
}

func withDepth(s gongxu.TraceStep, d int) gongxu.TraceStep {
	s.Depth = d
	return s
}

// SetErr makes every method fail with err (nil: succeed again).
func (t *Trace) SetErr(err error) { t.mu.Lock(); t.err = err; t.mu.Unlock() }

// SetEmpty makes every list empty (nil).
func (t *Trace) SetEmpty() { t.mu.Lock(); t.empty = true; t.mu.Unlock() }

// LastQuery is the query TraceEvents was last called with.
func (t *Trace) LastQuery() gongxu.TraceQuery { t.mu.Lock(); defer t.mu.Unlock(); return t.last }

func (t *Trace) check() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Event implements gongxu.TraceService.
func (t *Trace) Event(ctx context.Context, id string) (gongxu.TraceEvent, error) {
	if err := t.check(); err != nil {
		return gongxu.TraceEvent{}, err
	}
	for _, e := range t.events {
		if e.ID == id && !e.IsErrorDeclaration() {
			return e, nil
		}
	}
	return gongxu.TraceEvent{}, gongxu.Errorf(gongxu.KindNotFound, "no trace event %s", id)
}

// Batch implements gongxu.TraceService.
func (t *Trace) Batch(ctx context.Context, tx string) (gongxu.TraceBatch, error) {
	if err := t.check(); err != nil {
		return gongxu.TraceBatch{}, err
	}
	for h, b := range t.batches {
		if strings.EqualFold(h, tx) {
			return b, nil
		}
	}
	return gongxu.TraceBatch{}, gongxu.Errorf(gongxu.KindNotFound, "transaction %s anchored no trace batch", tx)
}

// TraceEvents implements gongxu.TraceService. It filters by event type,
// event id and org only, and records the query (LastQuery).
func (t *Trace) TraceEvents(ctx context.Context, q gongxu.TraceQuery) ([]gongxu.TraceEvent, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last = q
	if t.empty {
		return nil, nil
	}
	limit := q.Limit
	if limit == 0 {
		limit = 100
	}
	out := []gongxu.TraceEvent{}
	for _, e := range t.events {
		if e.Seq <= q.After || len(q.EventTypes) > 0 && !slices.Contains(q.EventTypes, e.Type) ||
			len(q.EventIDs) > 0 && !slices.Contains(q.EventIDs, e.ID) || len(q.Orgs) > 0 && !slices.Contains(q.Orgs, e.Org) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, e)
	}
	return out, nil
}

// key is the canonical key of an identifier the fake knows, "" otherwise:
// its lot ids, lot URNs and the item and pallet in either form.
func traceKey(id string) (string, error) {
	switch {
	case id == "" || strings.ContainsAny(id, " \t\n") || strings.ToLower(id) != id && !strings.HasPrefix(id, "URN:"):
		return "", gongxu.Errorf(gongxu.KindInvalid, "identifier %q is malformed", id)
	case gongxu.IsLotURN(id):
		l, err := gongxu.ParseLotURN(id)
		if err != nil {
			return "", err
		}
		return gongxu.LotURN(l), nil
	case !strings.Contains(id, ":"):
		if err := gongxu.LotID(id).Validate(); err != nil {
			return "", err
		}
		return gongxu.LotURN(gongxu.LotID(id)), nil
	}
	return epcis.Canonical(id)
}

func (t *Trace) walk(dir, id string, depth int) (gongxu.TraceGraph, error) {
	if err := t.check(); err != nil {
		return gongxu.TraceGraph{}, err
	}
	if depth < 1 || depth > 50 {
		return gongxu.TraceGraph{}, gongxu.Errorf(gongxu.KindInvalid, "depth must be 1 to 50, got %d", depth)
	}
	k, err := traceKey(id)
	if err != nil {
		return gongxu.TraceGraph{}, err
	}
	g, ok := t.graphs[dir+" "+k]
	if !ok {
		return gongxu.TraceGraph{}, gongxu.Errorf(gongxu.KindNotFound, "%s is neither a ledger lot nor named by any trace event", k)
	}
	if t.empty {
		g.Nodes, g.Steps, g.Pools = nil, nil, nil
	}
	return g, nil
}

// Back implements gongxu.TraceService: LotMade's trace, whatever the depth.
func (t *Trace) Back(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	return t.walk("back", id, depth)
}

// Forward implements gongxu.TraceService: LotSupplier's and the item's.
func (t *Trace) Forward(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	return t.walk("forward", id, depth)
}

// Recalls implements gongxu.TraceService.
func (t *Trace) Recalls(ctx context.Context, hub gongxu.OrgID, limit int) ([]gongxu.Recall, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if t.empty {
		return nil, nil
	}
	out := []gongxu.Recall{}
	for _, r := range t.recalls {
		if len(out) == max(limit, 1) {
			break
		}
		if hub != "" && !slices.ContainsFunc(t.impact[r.ID].Hubs, func(h gongxu.TraceHubShare) bool { return h.Hub == hub }) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// Recall implements gongxu.TraceService.
func (t *Trace) Recall(ctx context.Context, id uint64) (gongxu.RecallImpact, error) {
	if err := t.check(); err != nil {
		return gongxu.RecallImpact{}, err
	}
	im, ok := t.impact[id]
	if !ok {
		return im, gongxu.Errorf(gongxu.KindNotFound, "no recall %d", id)
	}
	return im, nil
}

// Operator is a gongxu.Operator of acme-textiles: it records what it is
// asked to send and answers as SetResult says (by default, committed at
// height 58).
type Operator struct {
	mu     sync.Mutex
	sent   []Sent
	reject *gongxu.TxResult
	err    error
}

// Sent is one call of Operator.Send.
type Sent struct {
	Type string
	Body any
}

// NewOperator returns the fake operator.
func NewOperator() *Operator { return &Operator{} }

// SetReject makes Send answer a rejection of kind k with msg.
func (o *Operator) SetReject(k gongxu.Kind, msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reject = &gongxu.TxResult{Code: uint32(k), Kind: k.String(), Message: msg}
}

// SetErr makes Send fail with err.
func (o *Operator) SetErr(err error) { o.mu.Lock(); o.err = err; o.mu.Unlock() }

// Sent returns the messages sent so far.
func (o *Operator) Sent() []Sent { o.mu.Lock(); defer o.mu.Unlock(); return slices.Clone(o.sent) }

// Org implements gongxu.Operator.
func (o *Operator) Org(ctx context.Context) (gongxu.OrgID, error) { return "acme-textiles", nil }

// Send implements gongxu.Operator: the hash is Hash of the type and body.
func (o *Operator) Send(ctx context.Context, typ string, body any) (gongxu.TxResult, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return gongxu.TxResult{}, o.err
	}
	res := gongxu.TxResult{Hash: Hash(fmt.Appendf(nil, "%s %v", typ, body)), Height: 58}
	if o.reject != nil {
		r := *o.reject
		r.Hash, r.Height = res.Hash, 0
		return r, nil
	}
	o.sent = append(o.sent, Sent{typ, body})
	return res, nil
}

// CaptureTxs is a TxService of capture transactions: the fixed data's
// three, the rejected TxCaptureRejected and the open pool's batch BatchTx.
type CaptureTxs struct{ recs []gongxu.TxRecord }

// NewCaptureTxs returns the capture transactions.
func NewCaptureTxs() *CaptureTxs {
	c := &CaptureTxs{}
	for i, h := range []string{TxShip, TxMake, TxDecl} {
		c.recs = append(c.recs, gongxu.TxRecord{Hash: h, Height: int64(54 + i), Time: fmt.Sprintf("2025-03-01T08:00:%02dZ", i),
			Type: "trace/capture", Signer: KeyAcme, Org: "acme-textiles"})
	}
	c.recs = append(c.recs,
		gongxu.TxRecord{Hash: TxCaptureRejected, Height: 57, Time: "2025-03-01T08:00:57Z", Type: "trace/capture", Signer: KeyAcme,
			Org: "acme-textiles", Code: uint32(gongxu.KindConflict), Kind: "conflict",
			Message: "event 0: event " + EventShip + " is already on the ledger (captured by silk-supply at height 54)"},
		gongxu.TxRecord{Hash: BatchTx, Height: 55, Time: "2025-03-01T08:00:55Z", Type: "pool/batch", Signer: KeyHub, Org: "hub-lishui"})
	return c
}

// Tx implements gongxu.TxService.
func (c *CaptureTxs) Tx(ctx context.Context, hash string) (gongxu.TxRecord, error) {
	for _, r := range c.recs {
		if strings.EqualFold(r.Hash, hash) {
			return r, nil
		}
	}
	return gongxu.TxRecord{}, gongxu.Errorf(gongxu.KindNotFound, "no transaction %s", hash)
}

// RecentTxs implements gongxu.TxService.
func (c *CaptureTxs) RecentTxs(ctx context.Context, limit int) ([]gongxu.TxRecord, error) {
	return c.recs[:min(max(limit, 0), len(c.recs))], nil
}

// Height implements gongxu.TxService.
func (c *CaptureTxs) Height(ctx context.Context) (int64, error) { return 58, nil }

var (
	_ gongxu.TraceService = (*Trace)(nil)
	_ gongxu.Operator     = (*Operator)(nil)
	_ gongxu.TxService    = (*CaptureTxs)(nil)
)
