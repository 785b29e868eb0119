package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
)

// A hand-built trace, the fake of the trace service, and a TraceProof over
// real Merkle batches: Blue River Cotton ships fabric lot fab-0042 to Acme
// Textiles, which receives it as its own lot and makes jacket lot
// merino-jacket-0001 from it and a lot of thread (a work order, captured in
// a batch of three events); a serial jacket is labelled from the lot; the
// jackets go to pool 3, where two hubs gathered the pledges. Acme packs and
// ships Hilltown's share of the jackets, Hilltown confirms the delivery and
// hands two pledges to their consumers; Lakeside's share is not shipped yet.
// Blue River Cotton recalls the fabric.

// The identifiers of the fake trace.
const (
	fabricLot   = gongxu.LotID("blue-river-cotton/fab-0042")
	receivedLot = gongxu.LotID("acme-textiles/blue-river-cotton/fab-0042")
	threadLot   = gongxu.LotID("acme-textiles/thread-0007")
	jacketLot   = gongxu.LotID("acme-textiles/merino-jacket-0001")
	scarfLot    = gongxu.LotID("acme-textiles/scarf-001")
	jacketDL    = "https://id.gs1.org/01/09506000134352/21/JKT-000123"
	millGLN     = "https://id.gs1.org/414/9520123456788"
	factoryGLN  = "https://id.gs1.org/414/9506000000015"
)

// fakeTrace walks a fixed list of steps: backward from an identifier
// through the steps that output it, forward through those that take it in;
// an aggregation leads from what it packs to its parent both ways, as the
// real walk reaches the containers of a lot.
// The pages use Back, Forward, Recalls and Recall; any other method of the
// service is the embedded nil interface's, and panics.
type fakeTrace struct {
	gongxu.TraceService
	mu       sync.Mutex
	lots     map[string]gongxu.Lot         // by lot URN
	steps    []gongxu.TraceStep            // with their anchors
	events   map[string]gongxu.TraceEvent  // by id: as the ledger stores them
	batches  map[string]*gongxu.TraceBatch // by transaction
	pools    []gongxu.TracePool
	recalls  []gongxu.Recall // newest first
	calls    map[string]int  // method → calls
	lastID   string          // the identifier Back was last asked
	err      error           // every call fails with it
	proofErr error           // TraceProof fails with it
}

func (f *fakeTrace) count(method string) {
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[method]++
}

// key is the canonical key of an identifier: a lot id or lot URN becomes
// the lot URN; a Digital Link URI or an EPC stays; anything else is
// KindInvalid, as the real service says.
func (f *fakeTrace) key(id string) (string, error) {
	switch {
	case gongxu.IsLotURN(id):
		lid, err := gongxu.ParseLotURN(id)
		if err != nil {
			return "", err
		}
		return gongxu.LotURN(lid), nil
	case strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "urn:epc:"):
		return id, nil
	case gongxu.LotID(id).Validate() == nil:
		return gongxu.LotURN(gongxu.LotID(id)), nil
	}
	return "", gongxu.Errorf(gongxu.KindInvalid, "%q is neither a lot id (<org>/<code>), a lot URN, an EPC URN nor a GS1 Digital Link URI", id)
}

func (f *fakeTrace) Back(_ context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Back")
	f.lastID = id
	return f.walk(id, true, depth)
}

func (f *fakeTrace) Forward(_ context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Forward")
	return f.walk(id, false, depth)
}

// walk is Back and Forward; f.mu is held.
func (f *fakeTrace) walk(id string, back bool, depth int) (gongxu.TraceGraph, error) {
	if f.err != nil {
		return gongxu.TraceGraph{}, f.err
	}
	if depth < 1 || depth > 50 {
		return gongxu.TraceGraph{}, gongxu.Errorf(gongxu.KindInvalid, "depth %d is not 1 to 50", depth)
	}
	start, err := f.key(id)
	if err != nil {
		return gongxu.TraceGraph{}, err
	}
	known := false
	if _, ok := f.lots[start]; ok {
		known = true
	}
	for _, st := range f.steps {
		known = known || slices.Contains(st.From, start) || slices.Contains(st.To, start)
	}
	if !known {
		return gongxu.TraceGraph{}, gongxu.Errorf(gongxu.KindNotFound, "nothing on the ledger is known as %s", start)
	}
	g := gongxu.TraceGraph{Start: start, Direction: "back", Nodes: []gongxu.TraceNode{}, Steps: []gongxu.TraceStep{}, Pools: []gongxu.TracePool{}}
	if !back {
		g.Direction = "forward"
	}
	depths := map[string]int{start: 0}
	queue := []string{start}
	taken := map[string]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		d := depths[n]
		if d >= depth {
			g.Truncated = true
			continue
		}
		for _, st := range f.steps {
			near, far := st.To, st.From
			if !back || st.Type == "AggregationEvent" && slices.Contains(st.From, n) {
				near, far = st.From, st.To
			}
			if taken[st.Event] || !slices.Contains(near, n) {
				continue
			}
			taken[st.Event] = true
			st.Depth = d + 1
			g.Steps = append(g.Steps, st)
			for _, o := range far {
				if _, ok := depths[o]; !ok {
					depths[o] = d + 1
					queue = append(queue, o)
				}
			}
		}
	}
	for id, d := range depths {
		n := gongxu.TraceNode{ID: id, Depth: d}
		if l, ok := f.lots[id]; ok {
			n.Lot = &l
		}
		g.Nodes = append(g.Nodes, n)
	}
	slices.SortFunc(g.Nodes, func(a, b gongxu.TraceNode) int { return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.ID, b.ID)) })
	slices.SortFunc(g.Steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Event, b.Event))
	})
	if !back {
		for _, p := range f.pools {
			if slices.ContainsFunc(p.Lots, func(l gongxu.LotID) bool { _, ok := depths[gongxu.LotURN(l)]; return ok }) {
				g.Pools = append(g.Pools, p)
			}
		}
	}
	return g, nil
}

func (f *fakeTrace) Recalls(_ context.Context, hub gongxu.OrgID, limit int) ([]gongxu.Recall, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Recalls")
	if f.err != nil {
		return nil, f.err
	}
	out := []gongxu.Recall{}
	for _, r := range f.recalls {
		if hub != "" {
			g, err := f.walk(r.Identifier, false, 30)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(g.Pools, func(p gongxu.TracePool) bool {
				return slices.ContainsFunc(p.Hubs, func(h gongxu.TraceHubShare) bool { return h.Hub == hub })
			}) {
				continue
			}
		}
		out = append(out, r)
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (f *fakeTrace) Recall(_ context.Context, id uint64) (gongxu.RecallImpact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Recall")
	if f.err != nil {
		return gongxu.RecallImpact{}, f.err
	}
	for _, r := range f.recalls {
		if r.ID != id {
			continue
		}
		g, err := f.walk(r.Identifier, false, 30)
		if err != nil {
			return gongxu.RecallImpact{}, err
		}
		im := gongxu.RecallImpact{Recall: r, Trace: g, Hubs: []gongxu.TraceHubShare{}}
		for _, p := range g.Pools {
			for _, h := range p.Hubs {
				i := slices.IndexFunc(im.Hubs, func(x gongxu.TraceHubShare) bool { return x.Hub == h.Hub })
				if i < 0 {
					im.Hubs = append(im.Hubs, gongxu.TraceHubShare{Hub: h.Hub, Batches: []gongxu.Batch{}})
					i = len(im.Hubs) - 1
				}
				im.Hubs[i].Qty += h.Qty
				im.Hubs[i].Batches = append(im.Hubs[i].Batches, h.Batches...)
				im.Hubs[i].Shipped = append(im.Hubs[i].Shipped, h.Shipped...)
				im.Hubs[i].Pickups = append(im.Hubs[i].Pickups, h.Pickups...)
				im.Hubs[i].Delivered = im.Hubs[i].Delivered || h.Delivered
			}
		}
		return im, nil
	}
	return gongxu.RecallImpact{}, gongxu.Errorf(gongxu.KindNotFound, "no recall %d", id)
}

// Proof is the Config.TraceProof of the fakes: the event as stored, and
// the Merkle proof of its leaf in its batch.
func (f *fakeTrace) Proof(_ context.Context, id string) (gongxu.TraceEvent, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count("Proof")
	if f.proofErr != nil {
		return gongxu.TraceEvent{}, nil, f.proofErr
	}
	e, ok := f.events[id]
	if !ok {
		return gongxu.TraceEvent{}, nil, gongxu.Errorf(gongxu.KindNotFound, "no event %s", id)
	}
	b := f.batches[e.Anchor.Tx]
	proof, err := b.Proof(e.Anchor.Index)
	if err != nil {
		return gongxu.TraceEvent{}, nil, err
	}
	e.Raw = slices.Clone(e.Raw)
	return e, proof, nil
}

// tamper changes one byte of an event's stored JSON.
func (f *fakeTrace) tamper(id string, at int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.events[id]
	raw := slices.Clone(e.Raw)
	raw[at] ^= 0x01
	e.Raw = raw
	f.events[id] = e
}

// eventID is a CBV 2.0 event hash-like id of a name.
func eventID(name string) string {
	h := sha256.Sum256([]byte(name))
	return "ni:///sha-256;" + hex.EncodeToString(h[:]) + "?ver=CBV2.0"
}

// traceEventSpec is one event of the fake trace.
type traceEventSpec struct {
	id, typ, bizStep, disp, location string
	org                              gongxu.OrgID
	flow                             string
	at                               int64
	from, to                         []string
	pledge                           string // a pickup's business transaction
}

// The unit Acme ships Hilltown's share of pool 3 in, and the pledges
// Hilltown hands out: leaf 4 of its first batch, and a direct pledge.
var (
	hillUnit = gongxu.ShipmentURN(3, "hilltown-hub")
	pledgeA  = gongxu.PledgeURN(hash("7"), 4)
	pledgeB  = gongxu.DirectPledgeURN(3, 12)
)

// reset fills the fake around a latest block at block (unix ms).
func (f *fakeTrace) reset(block int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	const cbv = "https://ref.gs1.org/cbv/"
	urn := gongxu.LotURN
	f.lots = map[string]gongxu.Lot{
		urn(fabricLot):   {ID: fabricLot, Item: "blue-river-cotton/merino-fabric", Owner: "blue-river-cotton", Qty: 120000, Created: block - 12*dayMs},
		urn(receivedLot): {ID: receivedLot, Item: "blue-river-cotton/merino-fabric", Owner: "acme-textiles", Qty: 0, Created: block - 7*dayMs, From: fabricLot, PO: 9},
		urn(threadLot):   {ID: threadLot, Item: "acme-textiles/wool-thread", Owner: "acme-textiles", Qty: 4000, Created: block - 20*dayMs},
		urn(jacketLot):   {ID: jacketLot, Item: "acme-textiles/merino-jacket", Owner: "acme-textiles", Qty: 88000, Created: block - 2*dayMs, WO: 4},
		urn(scarfLot):    {ID: scarfLot, Item: "acme-textiles/wool-scarf", Owner: "acme-textiles", Qty: 30000, Created: block - 3*dayMs, WO: 2},
	}
	specs := []traceEventSpec{
		{id: eventID("ship"), typ: "ObjectEvent", bizStep: cbv + "BizStep-shipping", disp: cbv + "Disp-in_transit", location: millGLN,
			org: "blue-river-cotton", flow: "production/ship", at: block - 9*dayMs, from: []string{urn(fabricLot)}, to: []string{urn(fabricLot)}},
		{id: eventID("receive"), typ: "ObjectEvent", bizStep: cbv + "BizStep-receiving", disp: cbv + "Disp-in_progress", location: factoryGLN,
			org: "acme-textiles", flow: "production/receive", at: block - 7*dayMs, from: []string{urn(fabricLot)}, to: []string{urn(receivedLot)}},
		{id: "urn:uuid:7d3c5a2e-1b8f-4c61-9a0e-2f4b6d8c1e35", typ: "TransformationEvent", bizStep: cbv + "BizStep-commissioning", disp: cbv + "Disp-active",
			location: factoryGLN, org: "acme-textiles", at: block - 2*dayMs, from: []string{urn(receivedLot), urn(threadLot)}, to: []string{urn(jacketLot)}},
		{id: "urn:uuid:0b9e4d1a-6c2f-4e8b-b7a3-5d1c9f0e2a64", typ: "ObjectEvent", bizStep: cbv + "BizStep-packing", disp: cbv + "Disp-in_progress",
			location: factoryGLN, org: "acme-textiles", at: block - dayMs, from: []string{urn(jacketLot)}, to: []string{jacketDL}},
		// Hilltown's share of pool 3: packed and shipped (one transaction),
		// received, and two pledges picked up.
		{id: eventID("pool-pack"), typ: "AggregationEvent", bizStep: cbv + "BizStep-packing", disp: cbv + "Disp-in_progress",
			org: "acme-textiles", flow: "pool/ship", at: block - 20*hourMs, from: []string{urn(jacketLot)}, to: []string{hillUnit}},
		{id: eventID("pool-ship"), typ: "ObjectEvent", bizStep: cbv + "BizStep-shipping", disp: cbv + "Disp-in_transit",
			org: "acme-textiles", flow: "pool/ship", at: block - 20*hourMs, from: []string{urn(jacketLot), hillUnit}, to: []string{urn(jacketLot), hillUnit}},
		{id: eventID("hub-receive"), typ: "ObjectEvent", bizStep: cbv + "BizStep-receiving", disp: cbv + "Disp-in_progress",
			org: "hilltown-hub", flow: "pool/confirm_delivery", at: block - 10*hourMs, from: []string{urn(jacketLot), hillUnit}, to: []string{urn(jacketLot), hillUnit}},
		{id: eventID("pickup-1"), typ: "ObjectEvent", bizStep: cbv + "BizStep-retail_selling", disp: cbv + "Disp-retail_sold",
			org: "hilltown-hub", flow: "pool/pickup", at: block - 5*hourMs, from: []string{urn(jacketLot)}, to: []string{urn(jacketLot)}, pledge: pledgeA},
		{id: eventID("pickup-2"), typ: "ObjectEvent", bizStep: cbv + "BizStep-retail_selling", disp: cbv + "Disp-retail_sold",
			org: "hilltown-hub", flow: "pool/pickup", at: block - 3*hourMs, from: []string{urn(jacketLot)}, to: []string{urn(jacketLot)}, pledge: pledgeB},
	}
	// Transactions: one per flow (the shipment's two events share one);
	// the capture carries the transformation between two events of another
	// work order.
	txOf := map[string]string{specs[0].id: hash("5"), specs[1].id: hash("6"), specs[2].id: hash("9"), specs[3].id: hash("0"),
		specs[4].id: hash("A"), specs[5].id: hash("A"), specs[6].id: hash("B"), specs[7].id: hash("C"), specs[8].id: hash("D")}
	f.events = map[string]gongxu.TraceEvent{}
	f.batches = map[string]*gongxu.TraceBatch{}
	f.steps = nil
	raws := map[string][]json.RawMessage{}
	var order []string
	for _, s := range specs {
		tx := txOf[s.id]
		if tx == hash("9") && len(raws[tx]) == 0 {
			raws[tx] = append(raws[tx], eventJSON(traceEventSpec{id: "urn:uuid:other-1", typ: "ObjectEvent", bizStep: cbv + "BizStep-inspecting",
				org: "acme-textiles", at: s.at - hourMs, from: []string{urn(threadLot)}}))
		}
		raws[tx] = append(raws[tx], eventJSON(s))
		if tx == hash("9") {
			raws[tx] = append(raws[tx], eventJSON(traceEventSpec{id: "urn:uuid:other-2", typ: "ObjectEvent", bizStep: cbv + "BizStep-storing",
				org: "acme-textiles", at: s.at + hourMs, to: []string{urn(jacketLot)}}))
		}
		if !slices.Contains(order, tx) {
			order = append(order, tx)
		}
	}
	for h, tx := range order {
		b := &gongxu.TraceBatch{Height: int64(44 + h), Tx: tx, Count: len(raws[tx])}
		var leaves [][32]byte
		for _, raw := range raws[tx] {
			l := gongxu.TraceLeafHash(raw)
			leaves = append(leaves, l)
			b.Leaves = append(b.Leaves, hex.EncodeToString(l[:]))
		}
		root := gongxu.MerkleRoot(leaves)
		b.Root = hex.EncodeToString(root[:])
		f.batches[tx] = b
	}
	for _, s := range specs {
		tx := txOf[s.id]
		b := f.batches[tx]
		idx := 0
		for i, raw := range raws[tx] {
			if strings.Contains(string(raw), `"eventID":"`+s.id+`"`) {
				idx = i
			}
		}
		a := gongxu.TraceAnchor{Height: b.Height, Time: s.at, Tx: tx, Index: idx, Count: b.Count, Leaf: b.Leaves[idx], Root: b.Root}
		b.Org, b.Time = s.org, s.at
		e := gongxu.TraceEvent{ID: s.id, Hash: s.id, Type: s.typ, Org: s.org, Flow: s.flow, EventTime: s.at, BizStep: s.bizStep,
			Disposition: s.disp, BizLocation: s.location, Raw: raws[tx][idx], Anchor: a}
		if s.pledge != "" {
			e.BizTransactions = []gongxu.TraceRef{{Type: cbv + "BTT-po", ID: s.pledge}}
		}
		f.events[s.id] = e
		f.steps = append(f.steps, gongxu.TraceStep{Event: s.id, Type: s.typ, Flow: s.flow, BizStep: s.bizStep, Disposition: s.disp, Org: s.org,
			Time: s.at, Location: s.location, From: s.from, To: s.to, Anchor: a})
	}
	f.pools = []gongxu.TracePool{{Pool: 3, Order: 9, Lots: []gongxu.LotID{jacketLot}, Status: gongxu.PoolInProduction, Hubs: []gongxu.TraceHubShare{
		{Hub: "hilltown-hub", Qty: 60, Batches: []gongxu.Batch{
			{Pool: 3, Hub: "hilltown-hub", Tx: hash("7"), Root: hash("a"), Leaves: 20, Qty: 45, Escrow: 45 * 12900, Height: 20},
			{Pool: 3, Hub: "hilltown-hub", Tx: hash("8"), Root: hash("b"), Leaves: 5, Qty: 15, Escrow: 15 * 12900, Height: 35}},
			Shipped: []gongxu.LotQty{{Lot: jacketLot, Qty: 60000}}, Delivered: true, Pickups: []gongxu.Pickup{
				{Pool: 3, Hub: "hilltown-hub", Pledge: pledgeA, Qty: 2, Lots: []gongxu.LotQty{{Lot: jacketLot, Qty: 2000}}, Time: block - 5*hourMs, Height: 50, Tx: hash("C")},
				{Pool: 3, Hub: "hilltown-hub", Pledge: pledgeB, Qty: 1, Lots: []gongxu.LotQty{{Lot: jacketLot, Qty: 1000}}, Time: block - 3*hourMs, Height: 51, Tx: hash("D")}}},
		{Hub: "lakeside-corner", Qty: 28, Batches: []gongxu.Batch{
			{Pool: 3, Hub: "lakeside-corner", Tx: hash("c"), Root: hash("d"), Leaves: 6, Qty: 28, Escrow: 28 * 12900, Height: 36}}},
	}}}
	f.recalls = []gongxu.Recall{
		{ID: 2, Org: "blue-river-cotton", Target: string(fabricLot), Identifier: urn(fabricLot), Lot: fabricLot,
			Reason: "The dye of fab-0042 fails the colour-fastness test: <b>do not wash</b> above 30 °C", Height: 52, Time: block - hourMs, Tx: hash("e")},
		{ID: 1, Org: "acme-textiles", Target: string(scarfLot), Identifier: urn(scarfLot), Lot: scarfLot,
			Reason: "Care labels misprinted", Height: 40, Time: block - 2*dayMs, Tx: hash("f")},
	}
}

// eventJSON is an event's JSON as a capturer would write it.
func eventJSON(s traceEventSpec) json.RawMessage {
	type qty struct {
		EPCClass string `json:"epcClass"`
		Quantity string `json:"quantity"`
	}
	m := map[string]any{"type": s.typ, "eventID": s.id, "eventTime": time.UnixMilli(s.at).UTC().Format(time.RFC3339Nano),
		"eventTimeZoneOffset": "+00:00", "bizStep": s.bizStep}
	if s.disp != "" {
		m["disposition"] = s.disp
	}
	if s.location != "" {
		m["bizLocation"] = map[string]string{"id": s.location}
	}
	list := func(ids []string) []qty {
		var out []qty
		for _, id := range ids {
			if gongxu.IsLotURN(id) {
				out = append(out, qty{EPCClass: id, Quantity: "88"})
			}
		}
		return out
	}
	switch s.typ {
	case "TransformationEvent":
		m["inputQuantityList"], m["outputQuantityList"] = list(s.from), list(s.to)
	case "AggregationEvent":
		m["parentID"], m["childQuantityList"], m["action"] = s.to[0], list(s.from), "ADD"
	default:
		m["quantityList"] = list(append(slices.Clone(s.from), s.to...))
		var epcs []string
		for _, id := range s.to {
			if !gongxu.IsLotURN(id) {
				epcs = append(epcs, id)
			}
		}
		if epcs != nil {
			m["epcList"] = epcs
		}
		m["action"] = "OBSERVE"
	}
	if s.pledge != "" {
		m["bizTransactionList"] = []map[string]string{{"type": "https://ref.gs1.org/cbv/BTT-po", "bizTransaction": s.pledge}}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprint("fake event: ", err))
	}
	return b
}
