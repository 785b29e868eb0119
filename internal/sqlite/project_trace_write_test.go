package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// randomTraceChain is a history of captures at random: blocks of one to
// three txs of one to 150 events each (object, aggregation and
// transformation events over a small set of identifiers, an EPC listed
// twice now and then), error declarations of events of earlier blocks, of
// the same tx (after the original and before it) and of events captured
// only later, failed captures, and recalls.
func randomTraceChain(seed uint64) []gongxu.CommittedBlock {
	rng := rand.New(rand.NewPCG(seed, 17))
	var l traceLedger
	orgs := []gongxu.OrgID{"acme", "mill", "hub-a"}
	ident := func() string {
		return fmt.Sprintf("https://id.gs1.org/01/10614141000017/21/%d", rng.IntN(40))
	}
	idents := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = ident()
		}
		return out
	}
	var captured []gongxu.TraceEvent // originals so far
	declared := map[string]bool{}
	next := 0
	declOf := func(e gongxu.TraceEvent, h int64) gongxu.TraceEvent {
		d := gongxu.TraceEvent{ID: e.ID, Type: e.Type, Action: e.Action, EventTime: e.EventTime, EPCs: e.EPCs,
			ErrorDeclaration: &gongxu.TraceErrorDeclaration{Time: at(h), Reason: "https://ref.gs1.org/cbv/ER-incorrect_data"}}
		declared[e.ID] = true
		return d
	}
	var early []gongxu.TraceEvent // declared before their capture
	blocks := []gongxu.CommittedBlock{block(1, nil, orgEvent(gongxu.Org{ID: "acme", Name: "Acme"}))}
	for h := int64(2); h <= 40; h++ {
		var txs []gongxu.TxRecord
		for i := range 1 + rng.IntN(3) {
			org := orgs[rng.IntN(len(orgs))]
			n := 1 + rng.IntN(6)
			if rng.IntN(3) == 0 {
				n = 1 + rng.IntN(150)
			}
			var evs []gongxu.TraceEvent
			for range n {
				next++
				e := gongxu.TraceEvent{ID: fmt.Sprintf("urn:uuid:%d", next), EventTime: at(h) - int64(rng.IntN(5000)),
					BizStep: "https://ref.gs1.org/cbv/BizStep-shipping", ReadPoint: "urn:epc:id:sgln:0614141.00001.0"}
				switch rng.IntN(4) {
				case 0:
					e.Type, e.Action, e.Parent, e.Children = "AggregationEvent", "ADD", ident(), idents(rng.IntN(4))
				case 1:
					e.Type, e.Inputs, e.Outputs = "TransformationEvent", idents(1+rng.IntN(2)), idents(1+rng.IntN(2))
					e.OutputQuantities = []gongxu.TraceQuantity{{Class: gongxu.LotURN("acme/lot-1"), Quantity: "5", UOM: "KGM"}}
				default:
					e.Type, e.Action, e.EPCs = "ObjectEvent", "OBSERVE", idents(rng.IntN(6))
					if len(e.EPCs) > 1 && rng.IntN(4) == 0 {
						e.EPCs = append(e.EPCs, e.EPCs[0]) // listed twice
					}
				}
				switch r := rng.IntN(30); {
				case r == 0 && len(captured) > 0: // an earlier event declared erroneous
					if o := captured[rng.IntN(len(captured))]; !declared[o.ID] {
						evs = append(evs, declOf(o, h))
					}
				case r == 1 && len(early) > 0: // captured after its declaration
					e.ID, early = early[0].ID, early[1:]
				case r == 2: // declared before it is captured, in a later block
					early = append(early, e)
					evs = append(evs, declOf(e, h))
					continue
				}
				evs = append(evs, e)
				if rng.IntN(25) == 0 && !declared[e.ID] { // declared in its own tx
					evs = append(evs, declOf(e, h))
				}
			}
			if rng.IntN(8) == 0 {
				// A failed capture: its events are not projected.
				lost := l
				t := tx("trace/capture", org, key(1), lost.capture(h, i, org, "", evs...)...)
				t.Code, t.Message = 4, "refused"
				txs = append(txs, t)
				continue
			}
			events := l.capture(h, i, org, "", evs...)
			for _, e := range evs {
				if !e.IsErrorDeclaration() {
					captured = append(captured, e)
				}
			}
			if rng.IntN(6) == 0 {
				events = append(events, l.recallOf(h, i, org, "x", ident(), ""))
			}
			txs = append(txs, tx("trace/capture", org, key(1), events...))
		}
		blocks = append(blocks, block(h, txs))
	}
	return blocks
}

// TestTraceBufferedSameRows projects the same trace histories row by row
// (the per-event path) and through the row buffers, in chunks of blocks of
// random sizes as reindex and the feeder do, with a small bound on the
// originals held in memory now and then: every row of every table, and
// the trace queries' answers, must be the same.
func TestTraceBufferedSameRows(t *testing.T) {
	scenario, _ := newTraceScenario(t)
	chains := map[string][]gongxu.CommittedBlock{
		"scenario": scenario,
		"bench":    traceProjectBlocks(4, 100),
	}
	for seed := uint64(1); seed <= 6; seed++ {
		chains[fmt.Sprintf("random %d", seed)] = randomTraceChain(seed)
	}
	defer func(n int) { traceIDsMax = n }(traceIDsMax)
	for name, bs := range chains {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			old := openTemp(t)
			old.projLegacy = true
			projectAll(t, old, bs)
			buffered := openTemp(t)
			rng := rand.New(rand.NewPCG(uint64(len(bs)), 3))
			for i := 0; i < len(bs); {
				n := min(1+rng.IntN(6), len(bs)-i)
				traceIDsMax = []int{50_000, 3, 0}[rng.IntN(3)]
				if err := buffered.ProjectBlocks(ctx, bs[i:i+n]); err != nil {
					t.Fatalf("blocks %d..%d: %v", bs[i].Height, bs[i+n-1].Height, err)
				}
				i += n
			}
			if want, got := traceQueries(t, old), traceQueries(t, buffered); got != want {
				t.Fatalf("answers differ:\n%s", firstDiff(got, want))
			}
			if want, got := traceWalkAll(t, old, bs), traceWalkAll(t, buffered, bs); got != want {
				t.Fatalf("walks differ:\n%s", firstDiff(got, want))
			}
			fs := eventFilters(bs, uint64(len(bs)))
			if want, got := eventAnswers(t, old, fs), eventAnswers(t, buffered, fs); got != want {
				t.Fatalf("events differ:\n%s", firstDiff(got, want))
			}
			// Every row, but for where each path keeps a tx's events
			// (TestProjectFoldedSameRows).
			sameEventLayout(t, old, buffered)
			want, got := dump(t, old), dump(t, buffered)
			if got != want {
				t.Fatalf("buffered projection differs from the per-event one:\n%s", firstDiff(got, want))
			}
			var n, erroneous int
			if err := buffered.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(erroneous), 0) FROM trace_events`).Scan(&n, &erroneous); err != nil {
				t.Fatal(err)
			}
			if n == 0 || (len(bs) > 20 && erroneous == 0) {
				t.Fatalf("%d trace events, %d erroneous: the chain does not test enough", n, erroneous)
			}
			t.Logf("%d blocks, %d trace events, %d erroneous", len(bs), n, erroneous)
		})
	}
}

// traceWalkAll returns every event of the chain by id, and the walks both
// ways from every identifier its events name, as JSON.
func traceWalkAll(t *testing.T, db *DB, bs []gongxu.CommittedBlock) string {
	t.Helper()
	ctx := context.Background()
	seen := map[string]bool{}
	var keys, evIDs []string
	for _, b := range bs {
		for _, tx := range b.Txs {
			if tx.Code != 0 {
				continue
			}
			for i := range tx.Events {
				ev := &tx.Events[i]
				if ev.Type != gongxu.EventTraceEvent {
					continue
				}
				var e gongxu.TraceEvent
				if err := decode(ev, &e); err != nil {
					t.Fatal(err)
				}
				if !seen["e"+e.ID] {
					seen["e"+e.ID] = true
					evIDs = append(evIDs, e.ID)
				}
				for _, id := range e.Identifiers() {
					if !seen[id] {
						seen[id] = true
						keys = append(keys, id)
					}
				}
			}
		}
	}
	slices.Sort(keys)
	var out []any
	for _, id := range evIDs {
		e, err := db.Event(ctx, id)
		out = append(out, e, gongxu.ErrorKind(err).String())
	}
	for _, k := range keys {
		back, err1 := db.Back(ctx, k, MaxTraceDepth)
		fwd, err2 := db.Forward(ctx, k, MaxTraceDepth)
		out = append(out, back, fwd, gongxu.ErrorKind(err1).String(), gongxu.ErrorKind(err2).String())
	}
	evs, err := db.TraceEvents(ctx, gongxu.TraceQuery{Limit: MaxTraceLimit})
	out = append(out, evs, gongxu.ErrorKind(err).String())
	return mustJSON(out)
}

// TestTraceBufferedDuplicates: an event id recorded in an earlier block of
// the same projection, in the same tx, or in an earlier projection is
// refused (KindInvalid, naming the block and tx) both ways, and nothing of
// the failed projection stays.
func TestTraceBufferedDuplicates(t *testing.T) {
	ctx := context.Background()
	obj := func(id string, h int64) gongxu.TraceEvent {
		return gongxu.TraceEvent{ID: id, Type: "ObjectEvent", Action: "OBSERVE", EventTime: at(h), EPCs: []string{"urn:x:" + id}}
	}
	for _, legacy := range []bool{true, false} {
		for name, c := range map[string]struct {
			evs  [][]gongxu.TraceEvent // by block, from height 2
			want string
		}{
			"same tx":           {[][]gongxu.TraceEvent{{obj("a", 2), obj("b", 2), obj("a", 2)}}, "block 2 tx 0"},
			"earlier block":     {[][]gongxu.TraceEvent{{obj("a", 2)}, {obj("b", 3), obj("a", 3)}}, "block 3 tx 0"},
			"earlier after 64+": {[][]gongxu.TraceEvent{manyObjs(70, 2), {obj("e69", 3)}}, "block 3 tx 0"},
		} {
			t.Run(fmt.Sprintf("%s legacy=%v", name, legacy), func(t *testing.T) {
				var l traceLedger
				bs := []gongxu.CommittedBlock{block(1, nil, orgEvent(gongxu.Org{ID: "acme", Name: "Acme"}))}
				for i, evs := range c.evs {
					h := int64(2 + i)
					bs = append(bs, block(h, []gongxu.TxRecord{tx("trace/capture", "acme", key(1), l.capture(h, 0, "acme", "", evs...)...)}))
				}
				// In one projection, then block by block.
				db := openTemp(t)
				db.projLegacy = legacy
				projectAll(t, db, bs[:1])
				before := dump(t, db)
				err := db.ProjectBlocks(ctx, bs[1:])
				wantKind(t, err, gongxu.KindInvalid, "is already recorded")
				wantKind(t, err, gongxu.KindInvalid, c.want)
				if after := dump(t, db); after != before {
					t.Fatalf("failed projection left rows behind")
				}
				for _, b := range bs[1 : len(bs)-1] {
					if err := db.Project(ctx, b); err != nil {
						t.Fatal(err)
					}
				}
				before = dump(t, db)
				err = db.Project(ctx, bs[len(bs)-1])
				wantKind(t, err, gongxu.KindInvalid, "is already recorded")
				wantKind(t, err, gongxu.KindInvalid, c.want)
				if after := dump(t, db); after != before {
					t.Fatalf("failed projection left rows behind")
				}
			})
		}
	}
}

func manyObjs(n int, h int64) []gongxu.TraceEvent {
	out := make([]gongxu.TraceEvent, n)
	for i := range out {
		id := fmt.Sprintf("e%d", i)
		out[i] = gongxu.TraceEvent{ID: id, Type: "ObjectEvent", Action: "OBSERVE", EventTime: at(h), EPCs: []string{"urn:x:" + id}}
	}
	return out
}
