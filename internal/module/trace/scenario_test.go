package trace_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/store"
)

// TestScenarios runs the trace scenarios in testdata/scenarios/*.txtar (the
// commands are chaintest.RunScenarios', plus these):
//
//	event ID[!decl] absent|TEXT...   an event (or its error declaration) is absent, or its stored
//	                                 record's JSON contains TEXT
//	events IDENT N                   N stored events name the identifier (a canonical key), in
//	                                 storage order
//	count N                          N events (and declarations) are stored in all
//	batch N                          the last block holds one batch of N events, each provable
//	                                 from the batch record and valid against GS1's schema
//	flow FLOW TYPE...                the last block's batch is events of FLOW and these TYPEs, in
//	                                 order, valid against GS1's schema, each record what the EPCIS
//	                                 parser makes of its JSON
//	leaves NAME ID:QTY...            $var(NAME) is the JSON array of these batch leaves, each
//	                                 committing to the pickup secret testSecret(ID)
//	receipt NAME BATCH POOL HUB I ID:QTY...  $var(NAME) is the JSON receipt of leaf I of the
//	                                 batch $var(BATCH) of these leaves, the consumer's copy: with
//	                                 the pickup secret testSecret(ID)
//	share POOL HUB TEXT              the hub's share of the pool, as JSON, contains TEXT
//	lot ID QTY                       the ledger lot holds QTY milli-units
//	recall N ORG IDENT               recall N was made by ORG of IDENT
//	held N COUNT LOT...              recall N held COUNT ledger lots, among them these LOTs
//	ack N HUB POOL                   HUB acknowledged recall N for POOL at this block
//	bigdoc SIGNER BYTES KIND TEXT    capture a valid document padded to BYTES: rejected so
//	manyevents SIGNER N KIND TEXT    capture a document of N events: rejected so (KIND ok: accepted)
func TestScenarios(t *testing.T) {
	eventsOrgs := map[int]int{} // how many identifiers "events" saw, by the orgs naming them
	defer func() {
		if !t.Failed() && eventsOrgs[1] > 0 && len(eventsOrgs) < 2 {
			t.Errorf("no scenario checks the events of an identifier that several orgs name (storage order across orgs): %v", eventsOrgs)
		}
	}()
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"event": func(h *chaintest.Harness, args []string) error {
			id, decl := strings.CutSuffix(args[0], "!decl")
			get := h.Mods.Trace.Event
			if decl {
				get = h.Mods.Trace.Declaration
			}
			e, err := get(h.State, id)
			if args[1] == "absent" {
				if gongxu.ErrorKind(err) != gongxu.KindNotFound {
					return fmt.Errorf("event %s is stored (%v)", args[0], err)
				}
				return nil
			}
			if err != nil {
				return err
			}
			b, _ := json.Marshal(e)
			if want := strings.Join(args[1:], " "); !strings.Contains(string(b), want) {
				return fmt.Errorf("event %s is %s, want it to contain %s", args[0], b, want)
			}
			return nil
		},
		"events": func(h *chaintest.Harness, args []string) error {
			// In storage order, whichever orgs captured them (the index
			// groups an identifier's entries by org).
			n, last, orgs := 0, uint64(0), map[gongxu.OrgID]bool{}
			var order error
			if err := h.Mods.Trace.EventsFor(h.State, args[0], func(e gongxu.TraceEvent) bool {
				if e.Seq <= last && order == nil {
					order = fmt.Errorf("the events naming %s come out of storage order: %d after %d", args[0], e.Seq, last)
				}
				n, last, orgs[e.Org] = n+1, e.Seq, true
				return true
			}); err != nil {
				return err
			}
			if order != nil {
				return order
			}
			eventsOrgs[len(orgs)]++
			if strconv.Itoa(n) != args[1] {
				return fmt.Errorf("%d events name %s, want %s", n, args[0], args[1])
			}
			return nil
		},
		"count": func(h *chaintest.Harness, args []string) error {
			if n := len(allEvents(t, h.State)); strconv.Itoa(n) != args[0] {
				return fmt.Errorf("%d events stored, want %s", n, args[0])
			}
			return nil
		},
		"batch": func(h *chaintest.Harness, args []string) error {
			_, evs, err := lastBatch(t, h)
			if err != nil {
				return err
			}
			if strconv.Itoa(len(evs)) != args[0] {
				return fmt.Errorf("the batch holds %d events, want %s", len(evs), args[0])
			}
			return schemaValid(h, evs)
		},
		"flow": func(h *chaintest.Harness, args []string) error {
			_, evs, err := lastBatch(t, h)
			if err != nil {
				return err
			}
			types := args[1:]
			if len(evs) != len(types) {
				return fmt.Errorf("the last batch is %d events (%+v), want %s of %s", len(evs), evs, types, args[0])
			}
			for i, e := range evs {
				if e.Flow != args[0] || e.Type != types[i] {
					return fmt.Errorf("event %d of the last batch is a %s of %s, want a %s of %s", i, e.Type, e.Flow, types[i], args[0])
				}
			}
			if err := schemaValid(h, evs); err != nil {
				return err
			}
			for _, e := range evs {
				if err := sameAsParsed(h, e); err != nil {
					return err
				}
			}
			return nil
		},
		"leaves": func(h *chaintest.Harness, args []string) error {
			b, err := json.Marshal(specLeaves(args[1:]))
			h.Vars[args[0]] = string(b)
			return err
		},
		"receipt": func(h *chaintest.Harness, args []string) error {
			p, _ := strconv.ParseUint(args[2], 10, 64)
			i, _ := strconv.Atoi(args[4])
			r := pool.Receipts(h.Vars[args[1]], p, gongxu.OrgID(args[3]), specLeaves(args[5:]))[i]
			r.Secret = testSecret(r.Leaf.ID)
			b, err := json.Marshal(r)
			h.Vars[args[0]] = string(b)
			return err
		},
		"share": func(h *chaintest.Harness, args []string) error {
			p, _ := strconv.ParseUint(args[0], 10, 64)
			s, err := h.Mods.Pool.HubShare(h.State, p, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			b, _ := json.Marshal(s)
			if want := strings.Join(args[2:], " "); !strings.Contains(string(b), want) {
				return fmt.Errorf("share %s, want it to contain %s", b, want)
			}
			return nil
		},
		"lot": func(h *chaintest.Harness, args []string) error {
			l, err := h.Mods.Production.Lot(h.State, gongxu.LotID(args[0]))
			if err != nil {
				return err
			}
			if fmt.Sprint(l.Qty) != args[1] {
				return fmt.Errorf("lot %s holds %d, want %s", l.ID, l.Qty, args[1])
			}
			return nil
		},
		"recall": func(h *chaintest.Harness, args []string) error {
			n, _ := strconv.ParseUint(args[0], 10, 64)
			r, err := h.Mods.Trace.Recall(h.State, n)
			if err != nil {
				return err
			}
			if string(r.Org) != args[1] || r.Identifier != args[2] || r.Height != h.Height || r.Time != h.Time || r.Reason == "" {
				return fmt.Errorf("recall %d is %+v, want %s of %s at height %d", n, r, args[1], args[2], h.Height)
			}
			rs, err := h.Mods.Trace.RecallsFor(h.State, r.Identifier)
			if err != nil || len(rs) == 0 || rs[len(rs)-1].ID != n {
				return fmt.Errorf("recalls of %s: %+v, %v", r.Identifier, rs, err)
			}
			return nil
		},
		"held": func(h *chaintest.Harness, args []string) error {
			n, _ := strconv.ParseUint(args[0], 10, 64)
			r, err := h.Mods.Trace.Recall(h.State, n)
			if err != nil {
				return err
			}
			if fmt.Sprint(r.Held) != args[1] || r.HoldTruncated {
				return fmt.Errorf("recall %d held %d lots (truncated %v), want %s", n, r.Held, r.HoldTruncated, args[1])
			}
			for _, id := range args[2:] {
				l, err := h.Mods.Production.Lot(h.State, gongxu.LotID(id))
				if err != nil {
					return err
				}
				if l.Hold != n {
					return fmt.Errorf("lot %s is held by recall %d, want %d", id, l.Hold, n)
				}
			}
			return nil
		},
		"ack": func(h *chaintest.Harness, args []string) error {
			n, _ := strconv.ParseUint(args[0], 10, 64)
			a, err := h.Mods.Trace.RecallAck(h.State, n, gongxu.OrgID(args[1]))
			if err != nil {
				return err
			}
			if strconv.FormatUint(a.Pool, 10) != args[2] || a.Height != h.Height || a.Time != h.Time || a.Tx == "" {
				return fmt.Errorf("the acknowledgement of recall %d by %s is %+v, want pool %s at height %d", n, args[1], a, args[2], h.Height)
			}
			return nil
		},
		"bigdoc": func(h *chaintest.Harness, args []string) error {
			size, _ := strconv.Atoi(args[1])
			return deliverDoc(h, args[0], paddedDoc(size), args[2], strings.Join(args[3:], " "))
		},
		"manyevents": func(h *chaintest.Harness, args []string) error {
			n, _ := strconv.Atoi(args[1])
			return deliverDoc(h, args[0], manyEvents(n, h.Time), args[2], strings.Join(args[3:], " "))
		},
	})
}

// deliverDoc captures doc from signer and expects kind ("ok": success)
// with a message containing text.
func deliverDoc(h *chaintest.Harness, signer string, doc []byte, kind, text string) error {
	body := captureBody(doc)
	r := h.Deliver(h.SignRaw(signer, trace.TypeCapture, body))
	h.ResetSeq(signer)
	if got := gongxu.Kind(r.Code).String(); got != kind || !strings.Contains(r.Log, text) {
		return fmt.Errorf("got %s %q, want %s containing %q", got, r.Log, kind, text)
	}
	return nil
}

const stdContext = `"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]`

// paddedDoc is a valid document of one event, padded to size bytes with an
// extension field (whitespace would make the body non-canonical).
func paddedDoc(size int) []byte {
	doc := `{` + stdContext + `,"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.1"]`
	if pad := size - len(doc) - len(`,"ex:pad":""`) - 1; pad > 0 {
		doc += `,"ex:pad":"` + strings.Repeat("a", pad) + `"`
	}
	return []byte(doc + "}")
}

// manyEvents is a document of n distinct events before block time now.
func manyEvents(n int, now int64) []byte {
	var b strings.Builder
	b.WriteString(`{` + stdContext + `,"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`,
			epcis.FormatMillis(now-int64(i)), i)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// allEvents returns every stored event and declaration.
func allEvents(t testing.TB, r store.Reader) []gongxu.TraceEvent {
	t.Helper()
	var out []gongxu.TraceEvent
	for _, p := range []string{"trace/event/", "trace/decl/"} {
		if err := r.Iterate([]byte(p), prefixEnd(p), func(_, v []byte) bool {
			var e gongxu.TraceEvent
			if err := json.Unmarshal(v, &e); err != nil {
				t.Fatal(err)
			}
			out = append(out, e)
			return true
		}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func prefixEnd(p string) []byte {
	b := []byte(p)
	b[len(b)-1]++
	return b
}

// lastBatch returns the one batch of the last block and its events in
// batch order, each checked against the batch record and its proof.
func lastBatch(t testing.TB, h *chaintest.Harness) (gongxu.TraceBatch, []gongxu.TraceEvent, error) {
	p := fmt.Sprintf("trace/batch/%020d/", h.Height)
	var batches []gongxu.TraceBatch
	if err := h.State.Iterate([]byte(p), prefixEnd(p), func(_, v []byte) bool {
		var b gongxu.TraceBatch
		if err := json.Unmarshal(v, &b); err != nil {
			t.Fatal(err)
		}
		batches = append(batches, b)
		return true
	}); err != nil {
		return gongxu.TraceBatch{}, nil, err
	}
	if len(batches) != 1 {
		return gongxu.TraceBatch{}, nil, fmt.Errorf("height %d holds %d batches, want 1", h.Height, len(batches))
	}
	b := batches[0]
	if got, err := h.Mods.Trace.Batch(h.State, b.Height, b.Tx); err != nil || !reflect.DeepEqual(got, b) {
		return b, nil, fmt.Errorf("batch by (height, tx): %+v, %v", got, err)
	}
	evs := make([]gongxu.TraceEvent, b.Count)
	found := 0
	for _, e := range allEvents(t, h.State) {
		if e.Anchor.Tx != b.Tx {
			continue
		}
		if err := verifyAnchor(&b, &e); err != nil {
			return b, nil, err
		}
		evs[e.Anchor.Index] = e
		found++
	}
	if found != b.Count || b.Count != len(b.Leaves) {
		return b, nil, fmt.Errorf("batch %+v: %d events anchored in it", b, found)
	}
	return b, evs, nil
}

// verifyAnchor checks an event against its batch: the same root, count and
// leaf, and a Merkle proof from the batch record.
func verifyAnchor(b *gongxu.TraceBatch, e *gongxu.TraceEvent) error {
	a := e.Anchor
	if a.Root != b.Root || a.Count != b.Count || a.Height != b.Height || a.Time != b.Time || e.Org != b.Org || b.Leaves[a.Index] != a.Leaf {
		return fmt.Errorf("event %s anchor %+v does not match batch %+v", e.ID, a, b)
	}
	proof, err := b.Proof(a.Index)
	if err != nil {
		return err
	}
	if err := gongxu.VerifyTraceEvent(e, proof); err != nil {
		return err
	}
	// The stored JSON round-trips to the bytes the leaf covers.
	again, _ := json.Marshal(e)
	var back gongxu.TraceEvent
	if err := json.Unmarshal(again, &back); err != nil || !bytes.Equal(back.Raw, e.Raw) {
		return fmt.Errorf("event %s: raw JSON does not round-trip", e.ID)
	}
	return nil
}

// schemaValid exports the events as one EPCIS document (which checks it
// against GS1's schema) and parses it back at the block time: every event
// keeps its id and hash.
func schemaValid(h *chaintest.Harness, evs []gongxu.TraceEvent) error {
	raws := make([][]byte, len(evs))
	for i := range evs {
		raws[i] = evs[i].Raw
	}
	doc, err := epcis.ExportDocument(raws, time.UnixMilli(h.Time))
	if err != nil {
		return err
	}
	d, err := epcis.ParseDocument(doc, epcis.ParseOptions{Now: time.UnixMilli(h.Time)})
	if err != nil {
		return err
	}
	for i, e := range d.Events {
		if e.EventID != evs[i].ID || e.HashID != evs[i].Hash {
			return fmt.Errorf("event %d parses as %s (hash %s), stored as %s (hash %s)", i, e.EventID, e.HashID, evs[i].ID, evs[i].Hash)
		}
	}
	return nil
}

// sameAsParsed: a flow's record is what the wiring's EPCIS parser makes of
// the event's JSON, but for what the module adds.
func sameAsParsed(h *chaintest.Harness, e gongxu.TraceEvent) error {
	doc, err := epcis.ExportDocument([][]byte{e.Raw}, time.UnixMilli(h.Time))
	if err != nil {
		return err
	}
	evs, err := modules.EPCIS{}.Parse(doc, h.Time, trace.MaxDocumentBytes)
	if err != nil {
		return err
	}
	got := evs[0]
	if !bytes.Equal(got.Raw, e.Raw) {
		return fmt.Errorf("raw\n%s\nparsed as\n%s", e.Raw, got.Raw)
	}
	want := e
	want.Org, want.Flow, want.Seq, want.Anchor = "", "", 0, gongxu.TraceAnchor{}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		return fmt.Errorf("the flow's record\n%s\nthe parser's\n%s", w, g)
	}
	return nil
}

// testSecret is the pickup secret the tests give the consumer of leaf id.
func testSecret(id string) string {
	h := sha256.Sum256([]byte("pickup secret " + id))
	return hex.EncodeToString(h[:])
}

// committed returns l committing to testSecret(l.ID).
func committed(l gongxu.PoolLeaf) gongxu.PoolLeaf {
	c, err := gongxu.PickupCommit(testSecret(l.ID))
	if err != nil {
		panic(err)
	}
	l.Commit = c
	return l
}

// specLeaves reads leaves written ID:QTY, committing to their test secrets.
func specLeaves(specs []string) []gongxu.PoolLeaf {
	var leaves []gongxu.PoolLeaf
	for _, a := range specs {
		id, q, _ := strings.Cut(a, ":")
		n, _ := strconv.ParseInt(q, 10, 64)
		leaves = append(leaves, committed(gongxu.PoolLeaf{ID: id, Qty: gongxu.Units(n)}))
	}
	return leaves
}
