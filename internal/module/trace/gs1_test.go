package trace_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// gs1Examples lists GS1's example documents vendored with internal/epcis.
func gs1Examples(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../../epcis/testdata/gs1/examples", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".jsonld") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("only %d GS1 examples found", len(files))
	}
	slices.Sort(files)
	return files
}

// captureBody is a trace/capture body carrying doc, compacted as a signer's
// tool (json.Marshal of a json.RawMessage) sends it.
func captureBody(doc []byte) []byte {
	var c bytes.Buffer
	if err := json.Compact(&c, doc); err != nil {
		c.Reset()
		c.Write(doc) // not JSON: sent as it is, for the chain to refuse
	}
	return append(append([]byte(`{"document":`), c.Bytes()...), '}')
}

// ambiguous reports whether doc gives one key twice in an object (GS1's
// AssociationEvent-h.jsonld gives "eventID" twice): such a document has no
// one meaning, and the chain must refuse it, changing nothing.
func ambiguous(t *testing.T, h *chaintest.Harness, doc []byte) bool {
	t.Helper()
	body := captureBody(doc)
	if err := gongxu.CheckJSON(body, gongxu.DefaultJSONLimits); err == nil || !strings.Contains(err.Error(), "repeats a key") {
		return false
	}
	before := dataState(h)
	r := h.Deliver(h.SignRaw("factory-a", trace.TypeCapture, body))
	h.ResetSeq("factory-a")
	if gongxu.Kind(r.Code) != gongxu.KindInvalid || !strings.Contains(r.Log, "repeats a key") {
		t.Fatalf("a document with a repeated key: %s %q, want it refused as invalid", gongxu.Kind(r.Code), r.Log)
	}
	if !sameState(before, dataState(h)) {
		t.Fatal("a refused capture changed the state")
	}
	return true
}

var traceOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
	{ID: "supplier-s", Roles: []gongxu.Role{gongxu.RoleSupplier}},
}

// TestCaptureGS1Examples: every GS1 example document is captured through
// the chain, each into a fresh chain: all of its events stored under the
// ids the EPCIS parser gives them, anchored in one batch whose every event
// is provable and exports as a schema-valid document again.
func TestCaptureGS1Examples(t *testing.T) {
	for _, f := range gs1Examples(t) {
		t.Run(strings.TrimPrefix(f, "../../epcis/testdata/gs1/examples/"), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h := chaintest.New(t, traceOrgs...)
			if ambiguous(t, h, doc) {
				return
			}
			want, err := epcis.ParseDocument(doc, epcis.ParseOptions{Now: time.UnixMilli(h.Time + 1000)})
			if err != nil {
				t.Fatal(err)
			}
			r := h.Deliver(h.SignRaw("factory-b", trace.TypeCapture, captureBody(doc)))
			chaintest.MustOK(t, r)
			_, evs, err := lastBatch(t, h)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(want.Events) {
				t.Fatalf("%d events stored, the document holds %d", len(evs), len(want.Events))
			}
			for i, e := range evs {
				w := want.Events[i]
				if e.ID != w.EventID || e.Hash != w.HashID || e.Type != w.Type || e.EventTime != w.EventTime || e.Org != "factory-b" ||
					e.IsErrorDeclaration() != (w.ErrorDeclaration != nil) || e.Anchor.Tx != r.Hash || e.Anchor.Index != i {
					t.Fatalf("event %d stored as %+v, parsed as %+v", i, e, w)
				}
				get := h.Mods.Trace.Event
				if e.IsErrorDeclaration() {
					get = h.Mods.Trace.Declaration
				}
				if got, err := get(h.State, e.ID); err != nil || got.Seq != e.Seq {
					t.Fatalf("event %s by id: %+v, %v", e.ID, got, err)
				}
				for _, id := range e.Identifiers() {
					n := 0
					if err := h.Mods.Trace.EventsFor(h.State, id, func(x gongxu.TraceEvent) bool {
						if x.Seq == e.Seq {
							n++
						}
						return true
					}); err != nil || n != 1 {
						t.Fatalf("event %s is not indexed once under %s (%d, %v)", e.ID, id, n, err)
					}
				}
			}
			if err := schemaValid(h, evs); err != nil {
				t.Fatal(err)
			}
			if evs := r.Events; len(evs) != len(want.Events)+1 || evs[0].Type != "trace.batch" || evs[1].Type != "trace.event" {
				t.Fatalf("emitted %+v", evs)
			}
		})
	}
}

// TestCaptureGS1ExamplesOneChain: the examples captured one after another
// into one chain. Some share fixed eventIDs: a document naming an id (with
// its declaration flag) already stored is refused as a duplicate and
// changes nothing; every other is stored whole.
func TestCaptureGS1ExamplesOneChain(t *testing.T) {
	h := chaintest.New(t, traceOrgs...)
	type key struct {
		id   string
		decl bool
	}
	stored := map[key]bool{}
	total, refused := 0, 0
	for _, f := range gs1Examples(t) {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ambiguous(t, h, doc) {
			continue
		}
		d, err := epcis.ParseDocument(doc, epcis.ParseOptions{Now: time.UnixMilli(h.Time + 1000)})
		if err != nil {
			t.Fatal(err)
		}
		dup := ""
		for _, e := range d.Events {
			if stored[key{e.EventID, e.ErrorDeclaration != nil}] {
				dup = e.EventID
				break
			}
		}
		before := dataState(h)
		r := h.Deliver(h.SignRaw("factory-a", trace.TypeCapture, captureBody(doc)))
		if dup != "" {
			if gongxu.Kind(r.Code) != gongxu.KindConflict || !strings.Contains(r.Log, dup) || !strings.Contains(r.Log, "already on the ledger") {
				t.Fatalf("%s: %s %q, want a conflict naming %s", f, gongxu.Kind(r.Code), r.Log, dup)
			}
			h.ResetSeq("factory-a")
			if after := dataState(h); !sameState(before, after) {
				t.Fatalf("%s: a refused capture changed the state", f)
			}
			refused++
			continue
		}
		chaintest.MustOK(t, r)
		for _, e := range d.Events {
			stored[key{e.EventID, e.ErrorDeclaration != nil}] = true
		}
		total += len(d.Events)
	}
	if refused == 0 {
		t.Fatal("no example shared an event id with another: the duplicate rule went untested")
	}
	if n := len(allEvents(t, h.State)); n != total {
		t.Fatalf("%d events stored, want %d", n, total)
	}
	t.Logf("%d events stored, %d documents refused as duplicates", total, refused)
}

// dataState is the committed state but for the chain's per-signer sequences.
func dataState(h *chaintest.Harness) map[string]string {
	d := h.Dump()
	for k := range d {
		if strings.HasPrefix(k, "chain/seq/") {
			delete(d, k)
		}
	}
	return d
}

func sameState(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
