package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/store"
)

// traceLedger numbers the trace events and recalls of a hand-built history
// as the trace module does.
type traceLedger struct{ seq, recall uint64 }

// capture returns the events a transaction (tx idx of block height) by org
// emits for evs: the batch, then each event anchored in it. An event
// without Raw gets a small JSON object of its own.
func (l *traceLedger) capture(height int64, idx int, org gongxu.OrgID, flow string, evs ...gongxu.TraceEvent) []gongxu.Event {
	tx := txHash(height, idx)
	leaves := make([][32]byte, len(evs))
	hexes := make([]string, len(evs))
	for i := range evs {
		e := &evs[i]
		if e.Raw == nil {
			e.Raw = json.RawMessage(mustJSON(map[string]any{"type": e.Type, "eventID": e.ID, "eventTime": epcis.FormatMillis(e.EventTime),
				"eventTimeZoneOffset": "+00:00"}))
		}
		leaves[i] = gongxu.TraceLeafHash(e.Raw)
		hexes[i] = hex.EncodeToString(leaves[i][:])
	}
	r := gongxu.MerkleRoot(leaves)
	root := hex.EncodeToString(r[:])
	b := gongxu.TraceBatch{Height: height, Time: at(height), Tx: tx, Org: org, Count: len(evs), Root: root, Leaves: hexes}
	out := []gongxu.Event{gongxu.NewEvent(gongxu.EventTraceBatch, "tx", tx, "org", string(org), "count", strconv.Itoa(len(evs)), "json", mustJSON(b))}
	for i := range evs {
		e := &evs[i]
		l.seq++
		e.Org, e.Flow, e.Seq = org, flow, l.seq
		if e.Hash == "" {
			e.Hash = "ni:///sha-256;" + fmt.Sprintf("%064x", l.seq) + "?ver=CBV2.0"
		}
		e.Anchor = gongxu.TraceAnchor{Height: height, Time: at(height), Tx: tx, Index: i, Count: len(evs), Leaf: hexes[i], Root: root}
		out = append(out, gongxu.NewEvent(gongxu.EventTraceEvent, "id", e.ID, "type", e.Type, "org", string(org), "json", mustJSON(e)))
	}
	return out
}

// recallOf returns the event of the next recall, by tx idx of block height.
func (l *traceLedger) recallOf(height int64, idx int, org gongxu.OrgID, target, ident string, lot gongxu.LotID) gongxu.Event {
	l.recall++
	r := gongxu.Recall{ID: l.recall, Org: org, Target: target, Identifier: ident, Lot: lot, Reason: "defective fabric",
		Height: height, Time: at(height), Tx: txHash(height, idx)}
	return gongxu.NewEvent(gongxu.EventTraceRecall, "id", strconv.FormatUint(r.ID, 10), "org", string(org), "identifier", ident, "json", mustJSON(r))
}

func canon(t testing.TB, id string) string {
	t.Helper()
	c, err := epcis.Canonical(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const (
	cbvShipping  = "https://ref.gs1.org/cbv/BizStep-shipping"
	cbvReceiving = "https://ref.gs1.org/cbv/BizStep-receiving"
	hubSGLN      = "urn:epc:id:sgln:0614141.00001.0"
)

// traceIDs are the identifiers of the trace scenario, as canonical keys.
type traceIDs struct {
	yarn, fab, recv, j1, j2, j3 string // ledger lots
	c1, c2, c9, p1, i1, i2      string // cartons, a pallet, items
}

func newTraceIDs(t testing.TB) traceIDs {
	return traceIDs{
		yarn: gongxu.LotURN("mill/yarn-1"), fab: gongxu.LotURN("mill/fab-1"), recv: gongxu.LotURN("acme/mill/fab-1"),
		j1: gongxu.LotURN("acme/jacket-1"), j2: gongxu.LotURN("acme/jacket-2"), j3: gongxu.LotURN("acme/jacket-3"),
		c1: canon(t, "urn:epc:id:sscc:0614141.1000000001"), c2: canon(t, "urn:epc:id:sscc:0614141.1000000002"),
		c9: canon(t, "urn:epc:id:sscc:0614141.1000000009"), p1: canon(t, "urn:epc:id:sscc:0614141.2000000001"),
		i1: canon(t, "urn:epc:id:sgtin:0614141.107346.2017"), i2: canon(t, "urn:epc:id:sgtin:0614141.107346.2018"),
	}
}

// newTraceScenario is a supply chain on the ledger, by block:
//
//	2  mill transforms yarn lot into fabric lot (event t1)
//	3  acme receives the fabric as acme/mill/fab-1 (ledger From; receiving event rcv1)
//	4  work order 1 (order 1, from pool 7) turns it into jacket-1 and jacket-2 (a split, ledger only)
//	5  work order 2 (order 2) turns jacket-2 into jacket-3 (ledger and event t2)
//	6  acme packs jacket-1 into carton C1 (a1), items I1, I2 into C2 (a2), both into pallet P1 (a3);
//	   a4 wrongly packs I1 into C9
//	7  acme ships P1 (ship1); hub-a receives it (hubrcv)
//	8  acme declares a4 erroneous
//	9  pool 7: hub-a's and hub-b's shares and batches
//	10 mill recalls its fabric lot (recall 1), acme item I1 (recall 2)
func newTraceScenario(t testing.TB) ([]gongxu.CommittedBlock, traceIDs) {
	ids := newTraceIDs(t)
	var l traceLedger
	q := func(class string) []gongxu.TraceQuantity {
		return []gongxu.TraceQuantity{{Class: class, Quantity: "50"}}
	}
	lot := func(id gongxu.LotID, qty gongxu.Qty, h int64, from gongxu.LotID, po, wo uint64) gongxu.Event {
		return lotEvent(gongxu.Lot{ID: id, Item: "fabric", Owner: id.Owner(), Qty: qty, Created: at(h), From: from, PO: po, WO: wo}, qty)
	}
	wo := func(id, order uint64, in gongxu.LotID, out ...gongxu.LotID) gongxu.Event {
		w := gongxu.WorkOrder{ID: id, Order: order, Factory: "acme", Item: "jacket", Qty: 100, Produced: 100, Status: gongxu.WOCompleted,
			Inputs: []gongxu.LotQty{{Lot: in, Qty: 100}}, Started: at(3), Completed: at(4)}
		for _, o := range out {
			w.OutputLots = append(w.OutputLots, gongxu.LotQty{Lot: o, Qty: 50})
		}
		return woEvent(w)
	}
	order := func(id, pool uint64) gongxu.Event {
		return orderEvent(gongxu.ProductionOrder{ID: id, Factory: "acme", Product: "jacket", Qty: 100, Pool: pool, Status: gongxu.OrderCompleted})
	}
	agg := func(id, parent string, children []string, classes []gongxu.TraceQuantity) gongxu.TraceEvent {
		return gongxu.TraceEvent{ID: id, Type: "AggregationEvent", Action: "ADD", EventTime: at(6), Parent: parent, Children: children,
			ChildQuantities: classes, BizStep: "https://ref.gs1.org/cbv/BizStep-packing"}
	}
	a4 := agg("a4", ids.c9, []string{ids.i1}, nil)
	a4decl := a4
	a4decl.ErrorDeclaration = &gongxu.TraceErrorDeclaration{Time: at(8), Reason: "https://ref.gs1.org/cbv/ER-incorrect_data"}
	hubA := gongxu.HubShare{Pool: 7, Hub: "hub-a", Qty: 30, Pledges: 3}
	hubB := gongxu.HubShare{Pool: 7, Hub: "hub-b", Qty: 20, Pledges: 2}
	pool := gongxu.Pool{ID: 7, Factory: "acme", Title: "Jackets", Status: gongxu.PoolInProduction, MOQ: 10, Cap: 100, Currency: "CNY",
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}}, Total: 50}

	blocks := []gongxu.CommittedBlock{
		block(1, nil, orgEvent(gongxu.Org{ID: "acme", Name: "Acme"})),
		block(2, []gongxu.TxRecord{tx("trace/capture", "mill", key(2), append([]gongxu.Event{
			lot("mill/yarn-1", 100, 2, "", 0, 0), lot("mill/fab-1", 100, 2, "", 0, 0)},
			l.capture(2, 0, "mill", "", gongxu.TraceEvent{ID: "t1", Type: "TransformationEvent", EventTime: at(2),
				InputQuantities: q(ids.yarn), OutputQuantities: q(ids.fab)})...)...)}),
		block(3, []gongxu.TxRecord{tx("production/receive", "acme", key(1), append([]gongxu.Event{
			lot("acme/mill/fab-1", 100, 3, "mill/fab-1", 1, 0)},
			l.capture(3, 0, "acme", "production/receive", gongxu.TraceEvent{ID: "rcv1", Type: "ObjectEvent", Action: "OBSERVE",
				EventTime: at(3), BizStep: cbvReceiving, Quantities: q(ids.recv)})...)...)}),
		block(4, []gongxu.TxRecord{tx("production/wo_complete", "acme", key(1),
			order(1, 7), wo(1, 1, "acme/mill/fab-1", "acme/jacket-1", "acme/jacket-2"),
			lot("acme/jacket-1", 50, 4, "", 0, 1), lot("acme/jacket-2", 50, 4, "", 0, 1))}),
		block(5, []gongxu.TxRecord{tx("production/wo_complete", "acme", key(1), append([]gongxu.Event{
			order(2, 0), wo(2, 2, "acme/jacket-2", "acme/jacket-3"), lot("acme/jacket-3", 50, 5, "", 0, 2)},
			l.capture(5, 0, "acme", "production/wo_complete", gongxu.TraceEvent{ID: "t2", Type: "TransformationEvent", EventTime: at(5),
				InputQuantities: q(ids.j2), OutputQuantities: q(ids.j3)})...)...)}),
		block(6, []gongxu.TxRecord{tx("trace/capture", "acme", key(1), l.capture(6, 0, "acme", "",
			agg("a1", ids.c1, nil, q(ids.j1)), agg("a2", ids.c2, []string{ids.i1, ids.i2}, nil),
			agg("a3", ids.p1, []string{ids.c1, ids.c2}, nil), a4)...)}),
		block(7, []gongxu.TxRecord{
			tx("trace/capture", "acme", key(1), l.capture(7, 0, "acme", "", gongxu.TraceEvent{ID: "ship1", Type: "ObjectEvent",
				Action: "OBSERVE", EventTime: at(7), BizStep: cbvShipping, EPCs: []string{ids.p1}})...),
			tx("trace/capture", "hub-a", key(3), l.capture(7, 1, "hub-a", "", gongxu.TraceEvent{ID: "hubrcv", Type: "ObjectEvent",
				Action: "OBSERVE", EventTime: at(7), BizStep: cbvReceiving, BizLocation: canon(t, hubSGLN), EPCs: []string{ids.p1}})...),
		}),
		block(8, []gongxu.TxRecord{tx("trace/capture", "acme", key(1), l.capture(8, 0, "acme", "", a4decl)...)}),
		block(9, []gongxu.TxRecord{
			tx("pool/batch", "hub-a", key(3), poolEvent(pool), shareEvent(hubA),
				batchEvent(gongxu.Batch{Pool: 7, Hub: "hub-a", Tx: txHash(9, 0), Root: strings.Repeat("a", 64), Leaves: 3, Qty: 30, Height: 9})),
			tx("pool/batch", "hub-b", key(4), shareEvent(hubB),
				batchEvent(gongxu.Batch{Pool: 7, Hub: "hub-b", Tx: txHash(9, 1), Root: strings.Repeat("b", 64), Leaves: 2, Qty: 20, Height: 9})),
		}),
		block(10, []gongxu.TxRecord{
			tx("trace/recall", "mill", key(2), l.recallOf(10, 0, "mill", "mill/fab-1", ids.fab, "mill/fab-1")),
			tx("trace/recall", "acme", key(1), l.recallOf(10, 1, "acme", "urn:epc:id:sgtin:0614141.107346.2017", ids.i1, "")),
		}),
	}
	return blocks, ids
}

// traceQueries returns the answers of the trace queries, as JSON.
func traceQueries(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var out []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			t.Fatal(err)
		}
		out = append(out, v, gongxu.ErrorKind(err).String())
	}
	ids := newTraceIDs(t)
	add(db.TraceEvents(ctx, gongxu.TraceQuery{Limit: MaxTraceLimit}))
	for _, id := range []string{ids.yarn, ids.j1, ids.p1, ids.i1} {
		add(db.Back(ctx, id, MaxTraceDepth))
		add(db.Forward(ctx, id, MaxTraceDepth))
	}
	add(db.Recalls(ctx, "", 0))
	add(db.Recalls(ctx, "hub-a", 0))
	add(db.Recall(ctx, 1))
	add(db.Event(ctx, "a4"))
	return mustJSON(out)
}

func nodeIDs(g gongxu.TraceGraph) []string {
	var out []string
	for _, n := range g.Nodes {
		out = append(out, fmt.Sprintf("%d %s", n.Depth, n.ID))
	}
	return out
}

func stepIDs(g gongxu.TraceGraph) []string {
	var out []string
	for _, s := range g.Steps {
		out = append(out, fmt.Sprintf("%d %s %s", s.Depth, s.Event, s.Type))
	}
	return out
}

func TestTraceWalks(t *testing.T) {
	ctx := context.Background()
	blocks, ids := newTraceScenario(t)
	db := openTemp(t)
	projectAll(t, db, blocks)
	names := map[string]string{}
	for k, v := range map[string]string{"yarn": ids.yarn, "fab": ids.fab, "recv": ids.recv, "j1": ids.j1, "j2": ids.j2, "j3": ids.j3,
		"C1": ids.c1, "C2": ids.c2, "C9": ids.c9, "P1": ids.p1, "I1": ids.i1, "I2": ids.i2} {
		names[v] = k
	}
	short := func(list []string) string {
		var out []string
		for _, s := range list {
			for k, v := range names {
				s = strings.ReplaceAll(s, k, v)
			}
			out = append(out, s)
		}
		return strings.Join(out, ", ")
	}
	check := func(what string, g gongxu.TraceGraph, err error, nodes, steps string, truncated bool) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := short(nodeIDs(g)); got != nodes {
			t.Errorf("%s nodes:\n got %s\nwant %s", what, got, nodes)
		}
		if got := short(stepIDs(g)); got != steps {
			t.Errorf("%s steps:\n got %s\nwant %s", what, got, steps)
		}
		if g.Truncated != truncated {
			t.Errorf("%s: truncated %v, want %v", what, g.Truncated, truncated)
		}
	}

	// An item: through its carton and pallet (containers) to their
	// shipment and receipt, never to what else they held; the erroneous a4
	// is left out.
	g, err := db.Back(ctx, "urn:epc:id:sgtin:0614141.107346.2017", 10)
	check("back I1", g, err, "0 I1, 1 C2, 2 P1",
		"1 a2 AggregationEvent, 2 a3 AggregationEvent, 2 hubrcv ObjectEvent, 2 ship1 ObjectEvent", false)
	if g.Start != ids.i1 || g.Direction != "back" || len(g.Pools) != 0 {
		t.Errorf("back I1: start %s direction %s pools %v", g.Start, g.Direction, g.Pools)
	}
	// The Digital Link of the same item is the same start.
	g2, err := db.Back(ctx, ids.i1, 10)
	if err != nil || mustJSON(g2) != mustJSON(g) {
		t.Errorf("back by Digital Link differs: %v", err)
	}

	// A pallet: its contents, their lots, the work order, the receipt, the
	// supplier's transformation.
	g, err = db.Back(ctx, ids.p1, 10)
	check("back P1", g, err, "0 P1, 1 C1, 1 C2, 2 I1, 2 I2, 2 j1, 3 recv, 4 fab, 5 yarn",
		"0 hubrcv ObjectEvent, 0 ship1 ObjectEvent, 1 a3 AggregationEvent, 2 a1 AggregationEvent, 2 a2 AggregationEvent, "+
			"3 rcv1 ObjectEvent, 3 urn:gongxu:wo:1 ledger, 4 rcv1 ledger, 5 t1 TransformationEvent", false)
	for _, s := range g.Steps {
		switch {
		case s.Event == "urn:gongxu:wo:1":
			// Ledger only: the lot it made says who and when; no anchor.
			if s.Org != "acme" || s.Time != at(4) || s.Anchor.Tx != "" || short(s.From) != "recv" || short(s.To) != "j1" ||
				s.Flow != "production/wo_complete" {
				t.Errorf("work order step %+v", s)
			}
		case s.Type == TraceStepLedger && s.Event == "rcv1":
			// The receipt, anchored by the receiving event of the lot.
			if s.Anchor.Tx != txHash(3, 0) || s.Anchor.Height != 3 || s.Org != "acme" || short(s.From) != "fab" || short(s.To) != "recv" {
				t.Errorf("receipt step %+v", s)
			}
		case s.Event == "hubrcv":
			if s.Org != "hub-a" || s.Location != canon(t, hubSGLN) || s.Anchor.Tx != txHash(7, 1) || s.Anchor.Count != 1 {
				t.Errorf("hub receipt step %+v", s)
			}
		case s.Event == "t1":
			if short(s.From) != "yarn" || short(s.To) != "fab" || s.Org != "mill" {
				t.Errorf("transformation step %+v", s)
			}
		}
		if s.Anchor.Tx != "" {
			e, err := db.Event(ctx, s.Event)
			if err != nil || e.Anchor != s.Anchor {
				t.Errorf("step %s: anchor %+v, the event's %+v (%v)", s.Event, s.Anchor, e.Anchor, err)
			}
		}
	}
	for _, n := range g.Nodes {
		if (lotOfKey(n.ID) != "") != (n.Lot != nil) || n.Lot != nil && gongxu.LotURN(n.Lot.ID) != n.ID {
			t.Errorf("node %s lot %+v", n.ID, n.Lot)
		}
	}

	// Forward from the yarn: the fabric, its receipt, the split into two
	// lots, the carton and pallet of one, the lot made from the other
	// (event and ledger agree: one step), and pool 7's hubs.
	g, err = db.Forward(ctx, "urn:gongxu:lot:mill/yarn-1", 10)
	check("forward yarn", g, err, "0 yarn, 1 fab, 2 recv, 3 j1, 3 j2, 4 C1, 4 j3, 5 P1",
		"1 t1 TransformationEvent, 2 rcv1 ObjectEvent, 2 rcv1 ledger, 3 urn:gongxu:wo:1 ledger, 4 t2 TransformationEvent, "+
			"4 a1 AggregationEvent, 5 a3 AggregationEvent, 5 hubrcv ObjectEvent, 5 ship1 ObjectEvent", false)
	wantPools := []gongxu.TracePool{{Pool: 7, Order: 1, Lots: []gongxu.LotID{"acme/jacket-1", "acme/jacket-2"}, Status: gongxu.PoolInProduction,
		Hubs: []gongxu.TraceHubShare{
			{Hub: "hub-a", Qty: 30, Batches: []gongxu.Batch{{Pool: 7, Hub: "hub-a", Tx: txHash(9, 0), Root: strings.Repeat("a", 64), Leaves: 3, Qty: 30, Height: 9}}},
			{Hub: "hub-b", Qty: 20, Batches: []gongxu.Batch{{Pool: 7, Hub: "hub-b", Tx: txHash(9, 1), Root: strings.Repeat("b", 64), Leaves: 2, Qty: 20, Height: 9}}},
		}}}
	if mustJSON(g.Pools) != mustJSON(wantPools) {
		t.Errorf("pools:\n got %s\nwant %s", mustJSON(g.Pools), mustJSON(wantPools))
	}
	for _, s := range g.Steps {
		if s.Event == "urn:gongxu:wo:1" && (short(s.From) != "recv" || short(s.To) != "j1, j2") {
			t.Errorf("the split: %+v", s)
		}
	}
	// By ledger lot id; bounded depth truncates.
	g, err = db.Forward(ctx, "mill/yarn-1", 2)
	check("forward yarn depth 2", g, err, "0 yarn, 1 fab, 2 recv", "1 t1 TransformationEvent, 2 rcv1 ObjectEvent, 2 rcv1 ledger", true)
	if len(g.Pools) != 0 {
		t.Errorf("pools at depth 2: %v", g.Pools)
	}
	g, err = db.Forward(ctx, "mill/yarn-1", 5)
	if err != nil || g.Truncated || len(g.Nodes) != 8 {
		t.Errorf("forward depth 5: truncated %v, %d nodes, %v", g.Truncated, len(g.Nodes), err)
	}
	g, err = db.Forward(ctx, "mill/yarn-1", 4)
	if err != nil || !g.Truncated {
		t.Errorf("forward depth 4 is not truncated: %v", err)
	}
	// A lot made by a work order without an event: the ledger link; and
	// the carton it was packed into.
	g, err = db.Back(ctx, "acme/jacket-1", 1)
	check("back j1 depth 1", g, err, "0 j1, 1 C1, 1 recv", "1 rcv1 ObjectEvent, 1 urn:gongxu:wo:1 ledger, 1 a1 AggregationEvent", true)
	g, err = db.Forward(ctx, "acme/jacket-2", 3)
	check("forward j2", g, err, "0 j2, 1 j3", "1 t2 TransformationEvent", false)
	if len(g.Pools) != 1 || g.Pools[0].Pool != 7 || mustJSON(g.Pools[0].Lots) != `["acme/jacket-2"]` {
		t.Errorf("forward j2 pools: %s", mustJSON(g.Pools))
	}
	// Forward from an item: only its containers; nothing it was made for.
	g, err = db.Forward(ctx, ids.i1, 10)
	check("forward I1", g, err, "0 I1, 1 C2, 2 P1", "1 a2 AggregationEvent, 2 a3 AggregationEvent, 2 hubrcv ObjectEvent, 2 ship1 ObjectEvent", false)

	// Recalls: what they reach, and a hub's.
	im, err := db.Recall(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if im.Recall.Identifier != ids.fab || im.Trace.Direction != "forward" || im.Trace.Start != ids.fab ||
		mustJSON(im.Hubs) != mustJSON(wantPools[0].Hubs) {
		t.Errorf("recall 1: %s", mustJSON(im))
	}
	im, err = db.Recall(ctx, 2)
	if err != nil || len(im.Hubs) != 0 || len(im.Trace.Nodes) != 3 || im.Hubs == nil {
		t.Errorf("recall 2: %s, %v", mustJSON(im), err)
	}
	_, err = db.Recall(ctx, 3)
	wantKind(t, err, gongxu.KindNotFound, "no recall 3")
	rs, err := db.Recalls(ctx, "", 0)
	if err != nil || len(rs) != 2 || rs[0].ID != 2 || rs[1].ID != 1 {
		t.Errorf("recalls: %+v, %v", rs, err)
	}
	for hub, want := range map[gongxu.OrgID]string{"hub-a": "[1]", "hub-b": "[1]", "hub-c": "[]"} {
		rs, err := db.Recalls(ctx, hub, 0)
		var got []uint64
		for _, r := range rs {
			got = append(got, r.ID)
		}
		if err != nil || rs == nil || strings.ReplaceAll(mustJSON(got), "null", "[]") != want {
			t.Errorf("recalls of %s: %v, %v, want %s", hub, got, err, want)
		}
	}
	rs, err = db.Recalls(ctx, "", 1)
	if err != nil || len(rs) != 1 || rs[0].ID != 2 {
		t.Errorf("recalls limit 1: %+v, %v", rs, err)
	}
	_, err = db.Recalls(ctx, "Hub", 0)
	wantKind(t, err, gongxu.KindInvalid, `"Hub"`)

	// Bad identifiers and depths.
	for _, c := range []struct {
		id    string
		depth int
		kind  gongxu.Kind
		msg   string
	}{
		{"", 5, gongxu.KindInvalid, "an identifier is needed"},
		{"   ", 5, gongxu.KindInvalid, "an identifier is needed"},
		{"acme", 5, gongxu.KindInvalid, "neither a ledger lot id"},
		{"acme/Fab", 5, gongxu.KindInvalid, "neither a ledger lot id"},
		{"urn:gongxu:lot:acme", 5, gongxu.KindInvalid, "lot URN"},
		{"urn:epc:id:sgtin:0614141.1073.2017", 5, gongxu.KindInvalid, "malformed"},
		{"https://id.gs1.org/01/09521234543210/21/x", 5, gongxu.KindInvalid, ""},
		{"acme/x\ty", 5, gongxu.KindInvalid, "control character"},
		{"a/" + strings.Repeat("b", 1100), 5, gongxu.KindInvalid, "limit"},
		{"acme/none", 5, gongxu.KindNotFound, "urn:gongxu:lot:acme/none is neither a ledger lot nor named"},
		{"urn:epc:id:sgtin:0614141.107346.9999", 5, gongxu.KindNotFound, "neither a ledger lot nor named"},
		{"acme/jacket-1", 0, gongxu.KindInvalid, "depth must be 1 to 50"},
		{"acme/jacket-1", 51, gongxu.KindInvalid, "depth must be 1 to 50"},
	} {
		_, err := db.Back(ctx, c.id, c.depth)
		wantKind(t, err, c.kind, c.msg)
		_, err = db.Forward(ctx, c.id, c.depth)
		wantKind(t, err, c.kind, c.msg)
	}
	// Known through the ledger's links alone: a lot another was received from.
	if _, err := db.Back(ctx, "URN:GONGXU:LOT:mill/fab-1", 1); err != nil {
		t.Error(err)
	}
}

func TestTraceEventsQuery(t *testing.T) {
	ctx := context.Background()
	blocks, ids := newTraceScenario(t)
	db := openTemp(t)
	projectAll(t, db, blocks)
	all, err := db.TraceEvents(ctx, gongxu.TraceQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for i, e := range all {
		if e.Seq != uint64(i+1) {
			t.Errorf("event %d has seq %d", i, e.Seq)
		}
		order = append(order, e.ID)
	}
	if got := strings.Join(order, " "); got != "t1 rcv1 t2 a1 a2 a3 a4 ship1 hubrcv a4" {
		t.Fatalf("events: %s", got)
	}
	// Each is stored as captured, and provable from its batch.
	for _, e := range all {
		b, err := db.Batch(ctx, strings.ToLower(e.Anchor.Tx))
		if err != nil {
			t.Fatal(err)
		}
		proof, err := b.Proof(e.Anchor.Index)
		if err != nil {
			t.Fatal(err)
		}
		if err := gongxu.VerifyTraceEvent(&e, proof); err != nil {
			t.Error(err)
		}
		if b.Root != e.Anchor.Root || b.Count != e.Anchor.Count {
			t.Errorf("event %s anchor %+v, batch %+v", e.ID, e.Anchor, b)
		}
	}
	e, err := db.Event(ctx, "a4")
	if err != nil || e.IsErrorDeclaration() || e.Seq != 7 {
		t.Errorf("event a4: %+v, %v", e, err)
	}
	ev, err := db.Event(ctx, "hubrcv")
	if err != nil || ev.Org != "hub-a" || ev.BizLocation != canon(t, hubSGLN) || mustJSON(ev) != mustJSON(all[8]) {
		t.Errorf("event hubrcv: %s, %v", mustJSON(ev), err)
	}
	_, err = db.Event(ctx, "nope")
	wantKind(t, err, gongxu.KindNotFound, "no trace event nope")
	_, err = db.Event(ctx, "")
	wantKind(t, err, gongxu.KindInvalid, "event id")
	_, err = db.Batch(ctx, txHash(2, 1))
	wantKind(t, err, gongxu.KindNotFound, "anchored no trace batch")
	_, err = db.Batch(ctx, "xyz")
	wantKind(t, err, gongxu.KindInvalid, "hex")

	for _, c := range []struct {
		name string
		q    gongxu.TraceQuery
		want string
	}{
		{"type", gongxu.TraceQuery{EventTypes: []string{"AggregationEvent"}}, "a1 a2 a3 a4 a4"},
		{"types", gongxu.TraceQuery{EventTypes: []string{"TransformationEvent", "Nope"}}, "t1 t2"},
		{"biz step bare", gongxu.TraceQuery{BizSteps: []string{"shipping"}}, "ship1"},
		{"biz step urn", gongxu.TraceQuery{BizSteps: []string{"urn:epcglobal:cbv:bizstep:receiving"}}, "rcv1 hubrcv"},
		{"biz location", gongxu.TraceQuery{BizLocations: []string{hubSGLN}}, "hubrcv"},
		{"read point", gongxu.TraceQuery{ReadPoints: []string{hubSGLN}}, ""},
		{"epc child", gongxu.TraceQuery{EPCs: []string{"urn:epc:id:sgtin:0614141.107346.2017"}}, "a2 a4 a4"},
		{"epc list", gongxu.TraceQuery{EPCs: []string{ids.p1}}, "ship1 hubrcv"},
		{"epc pattern", gongxu.TraceQuery{EPCs: []string{"urn:epc:idpat:sgtin:0614141.107346.*"}}, "a2 a4 a4"},
		{"class by lot id", gongxu.TraceQuery{EPCClasses: []string{"acme/jacket-1"}}, "a1"},
		{"class by urn", gongxu.TraceQuery{EPCClasses: []string{ids.j2, ids.fab}}, "t1 t2"},
		{"org", gongxu.TraceQuery{Orgs: []gongxu.OrgID{"hub-a", "mill"}}, "t1 hubrcv"},
		{"ids", gongxu.TraceQuery{EventIDs: []string{"a4", "t2"}}, "t2 a4 a4"},
		{"event time", gongxu.TraceQuery{GEEventTime: at(5), LTEventTime: at(7)}, "t2 a1 a2 a3 a4 a4"},
		{"record time", gongxu.TraceQuery{GERecordTime: at(7)}, "ship1 hubrcv a4"},
		{"after", gongxu.TraceQuery{After: 7, Limit: 2}, "ship1 hubrcv"},
		{"limit", gongxu.TraceQuery{Limit: 1}, "t1"},
		{"and", gongxu.TraceQuery{EventTypes: []string{"ObjectEvent"}, Orgs: []gongxu.OrgID{"acme"}}, "rcv1 ship1"},
		{"past the end", gongxu.TraceQuery{After: 1 << 63}, ""},
	} {
		evs, err := db.TraceEvents(ctx, c.q)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got []string
		for _, e := range evs {
			got = append(got, e.ID)
		}
		if evs == nil || strings.Join(got, " ") != c.want {
			t.Errorf("%s: %v, want %s", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		q   gongxu.TraceQuery
		msg string
	}{
		{gongxu.TraceQuery{Limit: 1001}, "limit must be 1 to 1000"},
		{gongxu.TraceQuery{Limit: -1}, "limit"},
		{gongxu.TraceQuery{GEEventTime: -5}, "GE_eventTime"},
		{gongxu.TraceQuery{EPCs: []string{"urn:epc:id:sgtin:1.2"}}, "MATCH_epc"},
		{gongxu.TraceQuery{EPCClasses: []string{"Acme/x"}}, "MATCH_anyEPCClass"},
		{gongxu.TraceQuery{Orgs: []gongxu.OrgID{"A"}}, `"A"`},
		{gongxu.TraceQuery{ReadPoints: []string{"urn:epc:id:sgln:1.2.3"}}, "EQ_readPoint"},
	} {
		_, err := db.TraceEvents(ctx, c.q)
		wantKind(t, err, gongxu.KindInvalid, c.msg)
	}
}

func TestTraceRebuild(t *testing.T) {
	blocks, _ := newTraceScenario(t)
	db := openTemp(t)
	projectAll(t, db, blocks)
	want, wantQ := dump(t, db), traceQueries(t, db)
	for _, s := range []string{"== trace_batches (7)", "== trace_events (10)", "== trace_recalls (2)", "== trace_links (4)",
		"erroneous=1 ", "decl=1 ", "kind=2 ref=1 ", "kind=1 ref=1 "} {
		if !strings.Contains(want, s) {
			t.Errorf("dump lacks %q:\n%s", s, want)
		}
	}
	checkRebuild(t, db, blocks, 2, 7, want, wantQ, traceQueries)
}

func TestTraceRollback(t *testing.T) {
	ctx := context.Background()
	blocks, ids := newTraceScenario(t)
	db, err := Open(MemoryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	projectAll(t, db, blocks[:6])
	before, qBefore := dump(t, db), traceQueries(t, db)

	// Block 7 again, its first tx's events replaced.
	var l traceLedger
	l.seq = 7
	ship := func() gongxu.TraceEvent {
		return gongxu.TraceEvent{ID: "ship1", Type: "ObjectEvent", Action: "OBSERVE", EventTime: at(7), EPCs: []string{ids.p1}}
	}
	good := l.capture(7, 0, "acme", "", ship(), ship())
	good[2] = gongxu.NewEvent(gongxu.EventTraceEvent, "id", "ship2", "type", "ObjectEvent", "org", "acme",
		"json", strings.Replace(good[2].Get("json"), `"id":"ship1"`, `"id":"ship2"`, 1))
	edit := func(i int, f func(*gongxu.TraceEvent)) []gongxu.Event {
		out := slices.Clone(good)
		var e gongxu.TraceEvent
		if err := json.Unmarshal([]byte(out[i].Get("json")), &e); err != nil {
			t.Fatal(err)
		}
		f(&e)
		out[i] = gongxu.NewEvent(gongxu.EventTraceEvent, "id", e.ID, "type", e.Type, "org", string(e.Org), "json", mustJSON(e))
		return out
	}
	editBatch := func(f func(*gongxu.TraceBatch)) []gongxu.Event {
		out := slices.Clone(good)
		var b gongxu.TraceBatch
		if err := json.Unmarshal([]byte(out[0].Get("json")), &b); err != nil {
			t.Fatal(err)
		}
		f(&b)
		out[0] = gongxu.NewEvent(gongxu.EventTraceBatch, "tx", b.Tx, "org", string(b.Org), "count", strconv.Itoa(b.Count), "json", mustJSON(b))
		return out
	}
	ev := gongxu.NewEvent
	for name, c := range map[string]struct {
		evs []gongxu.Event
		msg string
	}{
		"batch of another tx":  {editBatch(func(b *gongxu.TraceBatch) { b.Tx = txHash(7, 1) }), "emitted by tx"},
		"batch tx attr":        {append([]gongxu.Event{ev(gongxu.EventTraceBatch, "tx", txHash(7, 1), "org", "acme", "count", "2", "json", good[0].Get("json"))}, good[1:]...), "tx attr"},
		"batch height":         {editBatch(func(b *gongxu.TraceBatch) { b.Height = 6 }), "says height 6"},
		"batch root":           {editBatch(func(b *gongxu.TraceBatch) { b.Root = strings.Repeat("0", 64) }), "not the Merkle root"},
		"batch leaf":           {editBatch(func(b *gongxu.TraceBatch) { b.Leaves[0] = "AB" }), "not 64 lower-case hex"},
		"batch count":          {editBatch(func(b *gongxu.TraceBatch) { b.Count = 3 }), "holds 2 leaves"},
		"batch org":            {editBatch(func(b *gongxu.TraceBatch) { b.Org = "Acme" }), "trace batch org"},
		"batch json":           {append([]gongxu.Event{ev(gongxu.EventTraceBatch, "tx", txHash(7, 0), "org", "acme", "count", "2", "json", "[]")}, good[1:]...), "want an object"},
		"batch twice":          {append(slices.Clone(good), good[0]), "is already recorded"},
		"event without batch":  {good[1:], "without its batch"},
		"event missing":        {good[:2], "counts 2 events, 1 were emitted"},
		"events reordered":     {[]gongxu.Event{good[0], good[2], good[1]}, "is event 1 of its batch, the next one is 0"},
		"event seq gap":        {edit(1, func(e *gongxu.TraceEvent) { e.Seq = 9 }), "has sequence 9, the read model holds 7"},
		"event raw":            {edit(1, func(e *gongxu.TraceEvent) { e.Raw = json.RawMessage(`{"type":"ObjectEvent"}`) }), "its JSON hashes to"},
		"event root":           {edit(1, func(e *gongxu.TraceEvent) { e.Anchor.Root = strings.Repeat("0", 64) }), "its batch is tx"},
		"event org":            {edit(1, func(e *gongxu.TraceEvent) { e.Org = "mill" }), "captured by mill, its batch by acme"},
		"event id attr":        {append(slices.Clone(good[:1]), ev(gongxu.EventTraceEvent, "id", "x", "type", "ObjectEvent", "org", "acme", "json", good[1].Get("json")), good[2]), "id attr"},
		"event id taken":       {edit(2, func(e *gongxu.TraceEvent) { e.ID = "a1" }), "the event a1 is already recorded"},
		"event no id":          {edit(1, func(e *gongxu.TraceEvent) { e.ID = "" }), "without id or type"},
		"event json":           {append(slices.Clone(good[:1]), ev(gongxu.EventTraceEvent, "id", "ship1", "type", "ObjectEvent", "org", "acme", "json", `{"id":`)), "malformed json"},
		"recall without tx id": {[]gongxu.Event{ev(gongxu.EventTraceRecall, "id", "x", "org", "mill", "identifier", ids.fab, "json", "{}")}, `id attr "x"`},
		"recall gap":           {[]gongxu.Event{func() gongxu.Event { r := traceLedger{recall: 4}; return r.recallOf(7, 0, "mill", "x", ids.fab, "") }()}, "recall 5 follows recall 0"},
		"recall tx":            {[]gongxu.Event{(&traceLedger{}).recallOf(7, 1, "mill", "x", ids.fab, "")}, "emitted by tx"},
		"recall lot":           {[]gongxu.Event{(&traceLedger{}).recallOf(7, 0, "mill", "x", ids.fab, "mill/other")}, "names identifier"},
		"recall identifier":    {[]gongxu.Event{(&traceLedger{}).recallOf(7, 0, "mill", "x", "", "")}, "names no identifier"},
	} {
		t.Run(name, func(t *testing.T) {
			b := blocks[6]
			b.Txs = slices.Clone(b.Txs)
			b.Txs[0].Events = c.evs
			err := db.Project(ctx, b)
			wantKind(t, err, gongxu.KindInvalid, c.msg)
			wantKind(t, err, gongxu.KindInvalid, "block 7 tx 0")
			if after := dump(t, db); after != before {
				t.Fatalf("failed projection left rows behind:\n%s\nwant\n%s", after, before)
			}
		})
	}
	if q := traceQueries(t, db); q != qBefore {
		t.Errorf("failed projections are visible:\n%s", q)
	}
	// A trace event outside a transaction.
	b := blocks[6]
	b.Txs = nil
	b.Events = good
	wantKind(t, db.Project(ctx, b), gongxu.KindInvalid, "emitted by tx \"\"")
	// The good events alone project.
	b = blocks[6]
	b.Txs = slices.Clone(b.Txs[:1])
	b.Txs[0].Events = good
	if err := db.Project(ctx, b); err != nil {
		t.Fatal(err)
	}
	evs, err := db.TraceEvents(ctx, gongxu.TraceQuery{After: 7})
	if err != nil || len(evs) != 2 || evs[1].ID != "ship2" {
		t.Errorf("after the good block: %+v, %v", evs, err)
	}
}

// committed is the read side's view of a chain harness's block (as
// internal/comet builds it).
func committed(res *chain.BlockResult) gongxu.CommittedBlock {
	b := gongxu.CommittedBlock{Height: res.Height, Time: res.Time, Hash: blockHash(res.Height), AppHash: hex.EncodeToString(res.AppHash),
		Events: res.Events, EndEvents: res.EndEvents}
	for i, t := range res.Txs {
		rec := gongxu.TxRecord{Hash: t.Hash, Height: res.Height, Index: i, Type: t.Type, Signer: t.Signer, Org: t.Org,
			Code: t.Code, Message: t.Log, Events: t.Events}
		if t.Code != 0 {
			rec.Kind = gongxu.Kind(t.Code).String()
		}
		b.Txs = append(b.Txs, rec)
	}
	return b
}

// TestTraceProjectsTheModule captures GS1's example documents through a
// real chain and projects its blocks: every event the trace module stored
// reads back the same from the read model, provable, and exports as a
// schema-valid document; refused captures leave nothing.
func TestTraceProjectsTheModule(t *testing.T) {
	ctx := context.Background()
	orgs := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	h := chaintest.Open(t, store.NewMemDB())
	h.InitChain(chaintest.Genesis(orgs...))
	db := openTemp(t)
	if err := db.Project(ctx, committed(h.Block())); err != nil {
		t.Fatal(err)
	}
	var files []string
	if err := filepath.WalkDir("../epcis/testdata/gs1/examples", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".jsonld") {
			files = append(files, p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("%d GS1 examples", len(files))
	}
	slices.Sort(files)
	ok := 0
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c bytes.Buffer // the body a signer's tool sends: compact JSON
		if err := json.Compact(&c, doc); err != nil {
			t.Fatal(err)
		}
		res := h.Block(h.SignRaw("factory-a", "trace/capture", append(append([]byte(`{"document":`), c.Bytes()...), '}')))
		if res.Txs[0].Code != 0 {
			h.ResetSeq("factory-a")
		} else {
			ok++
		}
		if err := db.Project(ctx, committed(res)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if ok < 15 {
		t.Fatalf("only %d documents captured", ok)
	}
	all, err := db.TraceEvents(ctx, gongxu.TraceQuery{Limit: MaxTraceLimit})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range []string{"trace/event/", "trace/decl/"} {
		end := []byte(p)
		end[len(end)-1]++
		if err := h.State.Iterate([]byte(p), end, func(_, v []byte) bool {
			n++
			var want gongxu.TraceEvent
			if err := json.Unmarshal(v, &want); err != nil {
				t.Fatal(err)
			}
			got := all[want.Seq-1]
			if mustJSON(got) != mustJSON(want) {
				t.Errorf("event %d:\n got %s\nwant %s", want.Seq, mustJSON(got), mustJSON(want))
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
	}
	if n != len(all) || n == 0 {
		t.Fatalf("%d events on the ledger, %d in the read model", n, len(all))
	}
	raws := make([][]byte, len(all))
	for i, e := range all {
		raws[i] = e.Raw
		b, err := db.Batch(ctx, e.Anchor.Tx)
		if err != nil {
			t.Fatal(err)
		}
		proof, err := b.Proof(e.Anchor.Index)
		if err != nil {
			t.Fatal(err)
		}
		if err := gongxu.VerifyTraceEvent(&e, proof); err != nil {
			t.Error(err)
		}
	}
	if _, err := epcis.ExportDocument(raws, time.UnixMilli(h.Time)); err != nil {
		t.Fatal(err)
	}
	// The walks run on what GS1's examples name.
	for _, e := range all {
		for _, id := range e.Identifiers() {
			if _, err := db.Back(ctx, id, 5); err != nil {
				t.Errorf("back %s: %v", id, err)
			}
			if _, err := db.Forward(ctx, id, 5); err != nil {
				t.Errorf("forward %s: %v", id, err)
			}
		}
	}
}

// TestMigrateTrace upgrades a read model of schema 4 holding a received lot
// and a completed work order: the ledger's links between lots are there
// for the walks at once.
func TestMigrateTrace(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "read.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{w: raw, r: newReadDB(raw, false), path: path}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version > 4 {
			break
		}
		if err := old.applyMigration(ctx, m, 4); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []gongxu.Lot{
		{ID: "mill/fab-1", Item: "fabric", Owner: "mill", Qty: 5, Created: at(1)},
		{ID: "acme/mill/fab-1", Item: "fabric", Owner: "acme", Qty: 5, Created: at(2), From: "mill/fab-1", PO: 3},
		{ID: "acme/jacket-1", Item: "jacket", Owner: "acme", Qty: 5, Created: at(3), WO: 4},
	} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO lots (id, owner, item, qty, created, json, height) VALUES (?, ?, ?, ?, ?, ?, 1)`,
			string(l.ID), string(l.Owner), string(l.Item), int64(l.Qty), l.Created, mustJSON(l)); err != nil {
			t.Fatal(err)
		}
	}
	wo := gongxu.WorkOrder{ID: 4, Order: 1, Status: gongxu.WOCompleted, Inputs: []gongxu.LotQty{{Lot: "acme/mill/fab-1", Qty: 5}},
		OutputLots: []gongxu.LotQty{{Lot: "acme/jacket-1", Qty: 5}}}
	started := gongxu.WorkOrder{ID: 5, Order: 1, Status: gongxu.WOStarted, Inputs: []gongxu.LotQty{{Lot: "acme/jacket-1", Qty: 1}}}
	for _, w := range []gongxu.WorkOrder{wo, started} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO work_orders (id, ord, status, json, height) VALUES (?, 1, ?, ?, 1)`,
			int64(w.ID), string(w.Status), mustJSON(w)); err != nil {
			t.Fatal(err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g, err := db.Back(ctx, "acme/jacket-1", 5)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(nodeIDs(g), ", "); got != "0 urn:gongxu:lot:acme/jacket-1, 1 urn:gongxu:lot:acme/mill/fab-1, 2 urn:gongxu:lot:mill/fab-1" {
		t.Errorf("back after the migration: %s", got)
	}
	if got := strings.Join(stepIDs(g), ", "); got != "1 urn:gongxu:wo:4 ledger, 2 urn:gongxu:po:3 ledger" {
		t.Errorf("steps after the migration: %s", got)
	}
}

// TestTraceHubShipments: once the factory shipped each hub its share of a
// pool, a forward trace names only the hubs the reached lots went to, with
// those lots and the pickups of their consumers that took goods of them; a
// pickup is projected only from the transaction that recorded it.
func TestTraceHubShipments(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	lot := func(id gongxu.LotID, h int64, wo uint64) gongxu.Event {
		return lotEvent(gongxu.Lot{ID: id, Item: "jacket", Owner: id.Owner(), Qty: 5000, Created: at(h), WO: wo}, 5000)
	}
	w := gongxu.WorkOrder{ID: 1, Order: 1, Factory: "acme", Item: "jacket", Qty: 10000, Produced: 10000, Status: gongxu.WOCompleted,
		Inputs: []gongxu.LotQty{}, OutputLots: []gongxu.LotQty{{Lot: "acme/j-1", Qty: 5000}, {Lot: "acme/j-2", Qty: 5000}}, Started: at(2), Completed: at(2)}
	pool := gongxu.Pool{ID: 7, Factory: "acme", Title: "Jackets", Status: gongxu.PoolReady, MOQ: 10, Cap: 100, Currency: "CNY",
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}}, Total: 10}
	hubA := gongxu.HubShare{Pool: 7, Hub: "hub-a", Qty: 5, Pledges: 2, Delivered: true, Shipped: []gongxu.LotQty{{Lot: "acme/j-1", Qty: 5000}},
		PickedUp: 3, Pickups: 1, Picked: []gongxu.LotQty{{Lot: "acme/j-1", Qty: 3000}}}
	hubB := gongxu.HubShare{Pool: 7, Hub: "hub-b", Qty: 5, Pledges: 1, Shipped: []gongxu.LotQty{{Lot: "acme/j-2", Qty: 5000}}}
	pk := gongxu.Pickup{Pool: 7, Hub: "hub-a", Pledge: gongxu.PledgeURN(txHash(1, 0), 0), Qty: 3, Lots: []gongxu.LotQty{{Lot: "acme/j-1", Qty: 3000}},
		Time: at(4), Height: 4, Tx: txHash(4, 0)}
	pickupEvent := func(pk gongxu.Pickup) gongxu.Event {
		return gongxu.NewEvent(gongxu.EventPickup, "pool", "7", "hub", string(pk.Hub), "pledge", pk.Pledge, "json", mustJSON(pk))
	}
	projectAll(t, db, []gongxu.CommittedBlock{
		block(1, nil, orgEvent(gongxu.Org{ID: "acme", Name: "Acme"})),
		block(2, []gongxu.TxRecord{tx("production/wo_complete", "acme", key(1), poolEvent(pool),
			orderEvent(gongxu.ProductionOrder{ID: 1, Factory: "acme", Product: "jacket", Qty: 10000, Pool: 7, Status: gongxu.OrderCompleted}),
			woEvent(w), lot("acme/j-1", 2, 1), lot("acme/j-2", 2, 1))}),
		block(3, []gongxu.TxRecord{tx("pool/ship", "acme", key(1), shareEvent(hubA), shareEvent(hubB))}),
		block(4, []gongxu.TxRecord{tx("pool/pickup", "hub-a", key(3), pickupEvent(pk))}),
	})
	g, err := db.Forward(ctx, "acme/j-1", 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []gongxu.TracePool{{Pool: 7, Order: 1, Lots: []gongxu.LotID{"acme/j-1"}, Status: gongxu.PoolReady, Hubs: []gongxu.TraceHubShare{
		{Hub: "hub-a", Qty: 5, Batches: []gongxu.Batch{}, Shipped: hubA.Shipped, Delivered: true, Pickups: []gongxu.Pickup{pk}},
	}}}
	if mustJSON(g.Pools) != mustJSON(want) {
		t.Errorf("forward j-1 pools:\n got %s\nwant %s", mustJSON(g.Pools), mustJSON(want))
	}
	g, err = db.Forward(ctx, "acme/j-2", 10)
	if err != nil || len(g.Pools) != 1 || len(g.Pools[0].Hubs) != 1 || g.Pools[0].Hubs[0].Hub != "hub-b" || len(g.Pools[0].Hubs[0].Pickups) != 0 {
		t.Errorf("forward j-2 pools: %s, %v", mustJSON(g.Pools), err)
	}

	// A pickup event from a transaction it does not name changes nothing.
	bad := pk
	bad.Pledge, bad.Height, bad.Tx = gongxu.PledgeURN(txHash(1, 0), 1), 5, txHash(4, 0)
	wantKind(t, db.Project(ctx, block(5, []gongxu.TxRecord{tx("pool/pickup", "hub-a", key(3), pickupEvent(bad))})), gongxu.KindInvalid, "pickup names tx")
	bad.Tx, bad.Pledge = txHash(5, 0), "pledge-1"
	wantKind(t, db.Project(ctx, block(5, []gongxu.TxRecord{tx("pool/pickup", "hub-a", key(3), pickupEvent(bad))})), gongxu.KindInvalid, "not a pledge URN")
	if h, err := db.Height(ctx); err != nil || h != 4 {
		t.Errorf("height after refused blocks: %d, %v", h, err)
	}
}
