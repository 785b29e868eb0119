package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// The trace routes' golden cases join the others (one table, one -update).
func init() { goldenCases = append(goldenCases, traceGoldenCases...) }

// gs1Example reads one of GS1's example documents.
func gs1Example(name string) func(*env) []byte {
	return func(*env) []byte {
		b, err := os.ReadFile(filepath.Join("..", "epcis", "testdata", "gs1", "examples", name))
		if err != nil {
			panic(err)
		}
		return b
	}
}

// document is an EPCIS document of the events given (JSON objects).
func document(events ...string) []byte {
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",` +
		`"creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`)
}

// observed is an ObjectEvent observing a quantity of a class.
func observed(class string) string {
	return fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE",`+
		`"bizStep":"inspecting","quantityList":[{"epcClass":%q,"quantity":1}]}`, class)
}

// capturedFirst captures the document of a case's body through the
// operator before the case sends it again.
func capturedFirst(doc func(*env) []byte) func(e *env) {
	return func(e *env) {
		if r, err := e.op.Send(context.Background(), TypeTraceCapture, map[string]json.RawMessage{"document": doc(e)}); err != nil || r.Code != 0 {
			panic(fmt.Sprintf("first capture: %+v %v", r, err))
		}
	}
}

const ldJSON = "application/ld+json"

var traceGoldenCases = []apiCase{
	{name: "trace_events", method: "GET", target: "/v1/trace/events", status: 200},
	{name: "trace_events_filtered", method: "GET", status: 200,
		target: "/v1/trace/events?eventType=AggregationEvent|TransformationEvent&org=acme-textiles&after=1&limit=1"},
	{name: "trace_events_empty", method: "GET", target: "/v1/trace/events", status: 200,
		setup: func(e *env) { e.cfg.Trace = inproc.Broken{} }},
	{name: "trace_events_bad_time", method: "GET", target: "/v1/trace/events?GE_eventTime=yesterday", status: 400},
	{name: "trace_events_bad_limit", method: "GET", target: "/v1/trace/events?limit=1001", status: 400},
	{name: "trace_events_bad_after", method: "GET", target: "/v1/trace/events?after=-1", status: 400},
	{name: "trace_events_bad_org", method: "GET", target: "/v1/trace/events?org=Acme", status: 400},
	{name: "trace_events_unavailable", method: "GET", target: "/v1/trace/events", status: 503, setup: func(e *env) { e.cfg.Trace = nil }},
	{name: "trace_event", method: "GET", target: "/v1/trace/events/" + inproc.LabelEvent, status: 200},
	{name: "trace_event_not_found", method: "GET", target: "/v1/trace/events/urn:uuid:none", status: 404},
	{name: "trace_event_internal", method: "GET", target: "/v1/trace/events/" + inproc.LabelEvent, status: 500,
		setup: func(e *env) { e.cfg.Trace = inproc.Broken{Err: errBoom} }},
	{name: "trace_batch", method: "GET", target: "/v1/trace/batches/{capture}", status: 200},
	{name: "trace_batch_none", method: "GET", target: "/v1/trace/batches/" + hashAbsent, status: 404},
	{name: "trace_batch_bad_tx", method: "GET", target: "/v1/trace/batches/xyz", status: 400},
	{name: "trace_back", method: "GET", target: "/v1/trace/back/acme-textiles/merino-jacket-0001", status: 200},
	{name: "trace_back_urn", method: "GET", target: "/v1/trace/back/urn:gongxu:lot:acme-textiles%2Fmerino-jacket-0001?depth=3", status: 200},
	{name: "trace_back_bad_depth", method: "GET", target: "/v1/trace/back/acme-textiles/merino-jacket-0001?depth=51", status: 400},
	{name: "trace_back_bad_id", method: "GET", target: "/v1/trace/back/Acme-textiles", status: 400},
	{name: "trace_back_not_found", method: "GET", target: "/v1/trace/back/acme-textiles/none", status: 404},
	{name: "trace_back_unavailable", method: "GET", target: "/v1/trace/back/acme-textiles/merino-jacket-0001", status: 503,
		setup: func(e *env) { e.cfg.Trace = nil }},
	{name: "trace_forward", method: "GET", target: "/v1/trace/forward/blue-river-cotton/fab-0042?depth=20", status: 200},
	{name: "trace_forward_digital_link", method: "GET", status: 200, target: "/v1/trace/forward/" + url.PathEscape(inproc.JacketDL)},
	{name: "trace_forward_empty", method: "GET", target: "/v1/trace/forward/acme-textiles/scarf-001", status: 200},
	{name: "recalls", method: "GET", target: "/v1/recalls", status: 200},
	{name: "recalls_hub", method: "GET", target: "/v1/recalls?hub=hilltown-hub&limit=5", status: 200},
	{name: "recalls_empty", method: "GET", target: "/v1/recalls?hub=swift-logistics", status: 200},
	{name: "recalls_bad_hub", method: "GET", target: "/v1/recalls?hub=H", status: 400},
	{name: "recall", method: "GET", target: "/v1/recalls/2", status: 200},
	{name: "recall_no_pool", method: "GET", target: "/v1/recalls/1", status: 200},
	{name: "recall_not_found", method: "GET", target: "/v1/recalls/9", status: 404},
	{name: "recall_bad_id", method: "GET", target: "/v1/recalls/first", status: 400},

	{name: "epcis_capture", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 200,
		body: gs1Example("Example_9.6.1-ObjectEvent.jsonld")},
	{name: "epcis_capture_json", method: "POST", target: "/epcis/capture", ctype: "application/json; charset=utf-8", status: 200,
		body: gs1Example("Example_9.6.4-TransformationEvent.jsonld")},
	{name: "epcis_capture_invalid", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 400,
		body: str(`{"type":"EPCISDocument"}`)},
	{name: "epcis_capture_duplicate", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 409,
		body: gs1Example("Example_9.6.1-ObjectEvent.jsonld"), setup: capturedFirst(gs1Example("Example_9.6.1-ObjectEvent.jsonld"))},
	{name: "epcis_capture_other_lot", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 403,
		body: func(*env) []byte { return document(observed(gongxu.LotURN(inproc.FabricLot))) }},
	{name: "epcis_capture_too_many", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 413,
		body: func(*env) []byte {
			return document(slices.Repeat([]string{observed(gongxu.LotURN(inproc.ReceivedLot))}, 1001)...)
		}},
	{name: "epcis_capture_too_large", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 413,
		body: func(*env) []byte { return append([]byte(`{"x":"`), bytes.Repeat([]byte("a"), maxCaptureBytes)...) }},
	{name: "epcis_capture_not_object", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 400, body: str(`[1]`)},
	{name: "epcis_capture_bad_json", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 400, body: str(`{"type":`)},
	{name: "epcis_capture_content_type", method: "POST", target: "/epcis/capture", ctype: "text/plain", status: 400,
		body: gs1Example("Example_9.6.1-ObjectEvent.jsonld")},
	{name: "epcis_capture_timeout", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 504,
		body: gs1Example("Example_9.6.1-ObjectEvent.jsonld"), setup: func(e *env) {
			e.cfg.Operator = inproc.BrokenOperator{OrgID: inproc.Acme, Err: gongxu.Errorf(gongxu.KindTimeout, "the transaction was not committed in time")}
		}},
	{name: "epcis_capture_no_operator", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 503,
		body: gs1Example("Example_9.6.1-ObjectEvent.jsonld"), setup: func(e *env) { e.cfg.Operator = nil }},
	{name: "epcis_capture_no_token", method: "POST", target: "/epcis/capture", ctype: ldJSON, status: 401, noToken: true,
		body: gs1Example("Example_9.6.1-ObjectEvent.jsonld")},
	{name: "epcis_capture_job", method: "GET", target: "/epcis/capture/{capture}", status: 200},
	{name: "epcis_capture_job_rejected", method: "GET", target: "/epcis/capture/{rejected_capture}", status: 200},
	{name: "epcis_capture_job_not_capture", method: "GET", target: "/epcis/capture/{batch}", status: 404},
	{name: "epcis_capture_job_unknown", method: "GET", target: "/epcis/capture/" + hashAbsent, status: 404},
	{name: "epcis_capture_job_bad_id", method: "GET", target: "/epcis/capture/id9261379075", status: 400},
	{name: "epcis_events", method: "GET", target: "/epcis/events", status: 200},
	{name: "epcis_events_filtered", method: "GET", status: 200,
		target: "/epcis/events?eventType=ObjectEvent&GE_eventTime=2026-01-10T00:00:00.000Z&perPage=1&nextPageToken=0"},
	{name: "epcis_events_none", method: "GET", target: "/epcis/events?eventType=AssociationEvent", status: 200},
	{name: "epcis_events_bad_page", method: "GET", target: "/epcis/events?perPage=0", status: 400},
	{name: "epcis_events_bad_token", method: "GET", target: "/epcis/events?nextPageToken=abc", status: 400},
	{name: "epcis_events_unavailable", method: "GET", target: "/epcis/events", status: 503, setup: func(e *env) { e.cfg.Trace = nil }},
	{name: "epcis_event", method: "GET", target: "/epcis/events/" + inproc.StoreID, status: 200},
	{name: "epcis_event_not_found", method: "GET", target: "/epcis/events/urn:uuid:none", status: 404},
}

// queryRecorder is the trace service, with the last query of events asked
// of it kept.
type queryRecorder struct {
	gongxu.TraceService
	mu   sync.Mutex
	last gongxu.TraceQuery
}

func (r *queryRecorder) TraceEvents(ctx context.Context, q gongxu.TraceQuery) ([]gongxu.TraceEvent, error) {
	r.mu.Lock()
	r.last = q
	r.mu.Unlock()
	return r.TraceService.TraceEvents(ctx, q)
}

func (r *queryRecorder) lastQuery() gongxu.TraceQuery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// TestTraceQueryParams: the EPCIS parameters reach the service as the
// query they say.
func TestTraceQueryParams(t *testing.T) {
	e := newEnv(t)
	tr := &queryRecorder{TraceService: e.cfg.Trace}
	e.cfg.Trace = tr
	target := "/epcis/events?eventType=ObjectEvent|AggregationEvent&eventType=TransactionEvent" +
		"&GE_eventTime=2025-03-01T08:00:00.000%2B08:00&LT_eventTime=1740816000000&GE_recordTime=2025-03-01T00:00:00Z" +
		"&LT_recordTime=2025-03-02T00:00:00.5+00:00&EQ_bizStep=shipping|receiving&EQ_disposition=in_transit" +
		"&EQ_readPoint=urn:epc:id:sgln:0614141.00777.0&EQ_bizLocation=urn:epc:id:sgln:0614141.00888.0" +
		"&MATCH_epc=urn:epc:id:sgtin:0614141.107346.2017&MATCH_anyEPCClass=acme-textiles/jacket-001&EQ_eventID=" + inproc.StoreID +
		"&perPage=7&nextPageToken=2"
	rec := e.do("GET", target, "", nil)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	want := gongxu.TraceQuery{
		EventTypes:  []string{"ObjectEvent", "AggregationEvent", "TransactionEvent"},
		GEEventTime: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), LTEventTime: 1740816000000,
		GERecordTime: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), LTRecordTime: time.Date(2025, 3, 2, 0, 0, 0, 5e8, time.UTC).UnixMilli(),
		BizSteps: []string{"shipping", "receiving"}, Dispositions: []string{"in_transit"},
		ReadPoints: []string{"urn:epc:id:sgln:0614141.00777.0"}, BizLocations: []string{"urn:epc:id:sgln:0614141.00888.0"},
		EPCs: []string{"urn:epc:id:sgtin:0614141.107346.2017"}, EPCClasses: []string{"acme-textiles/jacket-001"},
		EventIDs: []string{inproc.StoreID}, After: 2, Limit: 7,
	}
	if got := tr.lastQuery(); !sameJSONText(got, want) {
		t.Errorf("query\n got %+v\nwant %+v", got, want)
	}
	// A full page links the next; the last does not. Page by page, the
	// events are those the service lists, in ledger order.
	types := []string{"ObjectEvent", "TransformationEvent", "AggregationEvent"}
	all, err := e.w.Read().TraceEvents(context.Background(), gongxu.TraceQuery{EventTypes: types, Limit: 1000})
	if err != nil || len(all) < 7 || len(all)%3 == 0 {
		t.Fatalf("the World has %d such events (%v): the pages need more than two, the last not full", len(all), err)
	}
	next := "/epcis/events?perPage=3&eventType=ObjectEvent|TransformationEvent|AggregationEvent"
	var got []string
	for pages := 0; next != ""; pages++ {
		rec = e.do("GET", next, "", nil)
		if rec.Code != 200 || rec.Header().Get("GS1-EPCIS-Version") != "2.0.0" || pages > len(all) {
			t.Fatalf("%s: %d, headers %v", next, rec.Code, rec.Header())
		}
		evs := eventList(t, rec.Body.Bytes())
		for _, ev := range evs {
			var x struct {
				EventID string `json:"eventID"`
			}
			json.Unmarshal(ev, &x)
			got = append(got, x.EventID)
		}
		link := rec.Header().Get("Link")
		if (link == "") != (len(got) == len(all)) || link != "" && len(evs) != 3 || link == "" && len(evs) != len(all)%3 {
			t.Fatalf("page %d: %d events, Link %q", pages+1, len(evs), link)
		}
		if link == "" {
			break
		}
		next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		u, err := url.Parse(next)
		if err != nil || u.Query().Get("nextPageToken") != fmt.Sprint(all[len(got)-1].Seq) || u.Query().Get("eventType") != strings.Join(types, "|") {
			t.Fatalf("next link %q after event %d", next, all[len(got)-1].Seq)
		}
	}
	for i, ev := range all {
		if got[i] != ev.ID {
			t.Errorf("page event %d is %s, want %s", i, got[i], ev.ID)
		}
	}
	// gongxu's own listing takes org, after and limit instead.
	e.do("GET", "/v1/trace/events?org=blue-river-cotton|hilltown-hub&after=3&limit=9&MATCH_epc=x", "", nil)
	if got := tr.lastQuery(); !sameJSONText(got, gongxu.TraceQuery{Orgs: []gongxu.OrgID{"blue-river-cotton", "hilltown-hub"}, After: 3, Limit: 9, EPCs: []string{"x"}}) {
		t.Errorf("v1 query %+v", got)
	}
	// Other parameters are refused, not ignored: a filter the node does
	// not apply must not widen the answer silently.
	for _, bad := range []string{"/epcis/events?org=acme-textiles", "/epcis/events?limit=3", "/v1/trace/events?perPage=3",
		"/v1/trace/events?colour=red", "/epcis/events?WD_readPoint=urn:epc:id:sgln:0614141.00777.0", "/epcis/events?EQ_action=ADD"} {
		if rec := e.do("GET", bad, "", nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "unknown query parameter") {
			t.Errorf("%s: %d %s", bad, rec.Code, rec.Body)
		}
	}
}

func sameJSONText(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// eventList returns the events of an EPCISQueryDocument, after checking
// it against GS1's schema.
func eventList(t *testing.T, doc []byte) []json.RawMessage {
	t.Helper()
	if err := epcis.ValidateJSON(doc); err != nil {
		t.Fatalf("the query document does not validate: %v\n%.500s", err, doc)
	}
	var d struct {
		Type      string `json:"type"`
		EPCISBody struct {
			QueryResults struct {
				QueryName   string `json:"queryName"`
				ResultsBody struct {
					EventList []json.RawMessage `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(doc, &d); err != nil || d.Type != "EPCISQueryDocument" || d.EPCISBody.QueryResults.QueryName != "SimpleEventQuery" {
		t.Fatalf("not a query document (%v): %.300s", err, doc)
	}
	return d.EPCISBody.QueryResults.ResultsBody.EventList
}

func TestEPCISCaptureHeaderAndBody(t *testing.T) {
	e := netEnv(t)
	op := e.op
	doc := gs1Example("Example_9.6.1-ObjectEvent.jsonld")(e)
	req, _ := http.NewRequest("POST", "/epcis/capture", bytes.NewReader(doc))
	req.Header.Set("Content-Type", ldJSON)
	req.Header.Set("GS1-Capture-Error-Behaviour", "proceed")
	rec := e.serve(req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "all or nothing") || len(op.Sent()) != 0 {
		t.Errorf("proceed: %d %s, %d sent", rec.Code, rec.Body, len(op.Sent()))
	}
	req, _ = http.NewRequest("POST", "/epcis/capture", bytes.NewReader(doc))
	req.Header.Set("Content-Type", ldJSON)
	req.Header.Set("GS1-Capture-Error-Behaviour", "rollback")
	rec = e.serve(req)
	sent := op.Sent()
	if rec.Code != captureStatus || len(sent) != 1 || sent[0].Type != TypeTraceCapture || sent[0].Result.Code != 0 {
		t.Fatalf("rollback: %d %s, sent %+v", rec.Code, rec.Body, sent)
	}
	// The document goes into the transaction as it came.
	var m struct{ Document json.RawMessage }
	if err := json.Unmarshal(sent[0].Body, &m); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	json.Compact(&want, doc)
	var got bytes.Buffer
	json.Compact(&got, m.Document)
	if got.String() != want.String() {
		t.Errorf("document sent differs:\n%s\nwant\n%s", got.String(), want.String())
	}
	var job captureJob
	if err := json.Unmarshal(rec.Body.Bytes(), &job); err != nil || !job.Success || job.Running || job.ErrorBehavior != "rollback" ||
		rec.Header().Get("Location") != "/epcis/capture/"+job.CaptureID || job.CaptureID != strings.ToLower(sent[0].Result.Hash) &&
		job.CaptureID != sent[0].Result.Hash {
		t.Errorf("job %+v (%v), Location %q, sent %s", job, err, rec.Header().Get("Location"), sent[0].Result.Hash)
	}
}

func (e *env) serve(req *http.Request) *httptest.ResponseRecorder {
	if req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+e.secret)
	}
	rec := httptest.NewRecorder()
	New(e.cfg).ServeHTTP(rec, req)
	return rec
}

// TestTraceUnescapedURI: a Digital Link sent without escaping its slashes
// is redirected by the mux to a cleaned path, which the walk repairs.
func TestTraceUnescapedURI(t *testing.T) {
	e := newEnv(t)
	rec := e.do("GET", "/v1/trace/forward/"+inproc.JacketDL+"?depth=2", "", nil)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusTemporaryRedirect || !strings.HasPrefix(loc, "/v1/trace/forward/https:/id.gs1.org/") {
		t.Fatalf("%d, Location %q", rec.Code, loc)
	}
	rec = e.do("GET", loc, "", nil)
	var g gongxu.TraceGraph
	if err := json.Unmarshal(rec.Body.Bytes(), &g); err != nil || rec.Code != 200 || g.Start != inproc.JacketDL {
		t.Errorf("after the redirect: %d %s", rec.Code, rec.Body)
	}
}

// TestTraceEventProofVerifies: the event, batch and proof the API gives
// verify as a client would check them: the events a capture anchored, and
// those the network's own flows did.
func TestTraceEventProofVerifies(t *testing.T) {
	e := newEnv(t)
	ids := []string{inproc.InspectID, inproc.LabelEvent, inproc.StoreID}
	flows, err := e.w.Read().TraceEvents(context.Background(), gongxu.TraceQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range flows {
		if ev.Flow != "" {
			ids = append(ids, ev.ID)
		}
	}
	if len(ids) < 8 {
		t.Fatalf("%d events to check", len(ids))
	}
	for _, id := range ids {
		rec := e.do("GET", "/v1/trace/events/"+url.PathEscape(id), "", nil)
		var p traceEventProof
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 200 {
			t.Fatalf("%s: %d %v", id, rec.Code, err)
		}
		if err := gongxu.VerifyTraceEvent(&p.Event, p.Proof); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		if p.Batch.Root != p.Event.Anchor.Root || p.Batch.Count != p.Event.Anchor.Count {
			t.Errorf("%s: batch %+v, anchor %+v", id, p.Batch, p.Event.Anchor)
		}
	}
}

// twoMeanings are the GS1 examples with a key repeated in one object
// (AssociationEvent-h names two eventIDs): the ledger refuses them, since a
// signed body has one meaning.
var twoMeanings = map[string]bool{"AssociationEvent-h.jsonld": true}

// TestEPCISOnAChain captures every GS1 example document through POST
// /epcis/capture into a real chain whose blocks a real read model projects,
// then queries each event back through the GS1 binding and gongxu's own
// routes: every document the API writes validates against GS1's schema
// and names the events captured, and every event verifies against its
// batch.
func TestEPCISOnAChain(t *testing.T) {
	e := netEnv(t)
	var files []string
	if err := filepath.WalkDir(filepath.Join("..", "epcis", "testdata", "gs1", "examples"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".jsonld") {
			files = append(files, p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	if len(files) < 20 {
		t.Fatalf("%d GS1 examples", len(files))
	}
	type key struct {
		id   string
		decl bool
	}
	stored := map[key]string{} // the event's hash
	captured, refused := 0, 0
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if twoMeanings[filepath.Base(f)] {
			// One object repeats a key: refused, whatever the parser
			// would make of it, before anything is signed.
			if rec := e.do("POST", "/epcis/capture", ldJSON, doc); rec.Code != 400 || !strings.Contains(rec.Body.String(), "repeats a key") {
				t.Fatalf("%s: a document repeating a key: %d %s", f, rec.Code, rec.Body)
			}
			refused++
			continue
		}
		d, err := epcis.ParseDocument(doc, epcis.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		dup := false
		for _, ev := range d.Events {
			_, seen := stored[key{ev.EventID, ev.ErrorDeclaration != nil}]
			dup = dup || seen
		}
		rec := e.do("POST", "/epcis/capture", ldJSON, doc)
		if dup {
			if rec.Code != 409 || !strings.Contains(rec.Body.String(), "already on the ledger") {
				t.Fatalf("%s: a document repeating an event id: %d %s", f, rec.Code, rec.Body)
			}
			refused++
			continue
		}
		if rec.Code != captureStatus {
			t.Fatalf("%s: %d %s", f, rec.Code, rec.Body)
		}
		captured++
		// The job the Location names: committed, successful.
		loc := rec.Header().Get("Location")
		job := e.do("GET", loc, "", nil)
		var j captureJob
		if err := json.Unmarshal(job.Body.Bytes(), &j); err != nil || job.Code != 200 || !j.Success || j.CreatedAt == "" ||
			"/epcis/capture/"+j.CaptureID != loc {
			t.Fatalf("%s: job %s: %d %s", f, loc, job.Code, job.Body)
		}
		for _, ev := range d.Events {
			stored[key{ev.EventID, ev.ErrorDeclaration != nil}] = ev.HashID
		}
		// Each event, by id, in both bindings.
		for _, ev := range d.Events {
			rec := e.do("GET", "/epcis/events/"+url.PathEscape(ev.EventID), "", nil)
			if rec.Code != 200 {
				t.Fatalf("%s: event %s: %d %s", f, ev.EventID, rec.Code, rec.Body)
			}
			back, err := epcis.ParseDocument(rec.Body.Bytes(), epcis.ParseOptions{})
			if err != nil || len(back.Events) == 0 || back.Events[0].EventID != ev.EventID || back.Events[0].HashID != ev.HashID {
				t.Fatalf("%s: event %s reads back as %+v (%v)", f, ev.EventID, back, err)
			}
			eventList(t, rec.Body.Bytes())
			if ev.ErrorDeclaration != nil {
				continue
			}
			rec = e.do("GET", "/v1/trace/events/"+url.PathEscape(ev.EventID), "", nil)
			var p traceEventProof
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 200 {
				t.Fatalf("%s: /v1/trace/events/%s: %d %s", f, ev.EventID, rec.Code, rec.Body)
			}
			if err := gongxu.VerifyTraceEvent(&p.Event, p.Proof); err != nil || p.Event.Hash != ev.HashID || p.Event.Org != inproc.Acme {
				t.Fatalf("%s: event %s: %v, %+v", f, ev.EventID, err, p.Event)
			}
		}
	}
	if refused == 0 || captured < 15 {
		t.Fatalf("%d captured, %d refused", captured, refused)
	}

	// Everything, a page at a time, following the Link headers.
	var all []json.RawMessage
	next := "/epcis/events?perPage=7"
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			t.Fatal("the pages do not end")
		}
		rec := e.do("GET", next, "", nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", next, rec.Code, rec.Body)
		}
		all = append(all, eventList(t, rec.Body.Bytes())...)
		next = strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Link"), "<"), `>; rel="next"`)
	}
	if len(all) != len(stored) {
		t.Fatalf("%d events read back by pages, %d stored", len(all), len(stored))
	}
	// The whole lot as one document: schema-valid, each event as captured.
	rec := e.do("GET", "/epcis/events?perPage=1000", "", nil)
	list := eventList(t, rec.Body.Bytes())
	d, err := epcis.ParseDocument(rec.Body.Bytes(), epcis.ParseOptions{})
	if err != nil || len(d.Events) != len(stored) || len(list) != len(stored) {
		t.Fatalf("%d events in the document (%v), %d stored", len(list), err, len(stored))
	}
	for _, ev := range d.Events {
		if h := stored[key{ev.EventID, ev.ErrorDeclaration != nil}]; h != ev.HashID {
			t.Errorf("event %s reads back with hash %s, stored %s", ev.EventID, ev.HashID, h)
		}
	}
	// A filter: the transformations only, in both bindings.
	rec = e.do("GET", "/epcis/events?eventType=TransformationEvent&perPage=1000", "", nil)
	tf, err := epcis.ParseDocument(rec.Body.Bytes(), epcis.ParseOptions{})
	if err != nil || len(tf.Events) == 0 {
		t.Fatalf("transformations: %v %s", err, rec.Body)
	}
	for _, ev := range tf.Events {
		if ev.Type != epcis.TransformationEvent {
			t.Errorf("%s in the transformations", ev.Type)
		}
	}
	rec = e.do("GET", "/v1/trace/events?eventType=TransformationEvent&limit=1000", "", nil)
	var evs []gongxu.TraceEvent
	if err := json.Unmarshal(rec.Body.Bytes(), &evs); err != nil || len(evs) != len(tf.Events) {
		t.Errorf("v1 transformations: %d (%v), GS1 %d", len(evs), err, len(tf.Events))
	}
	// The walks run over what GS1's examples name, by their identifiers.
	for _, ev := range evs {
		for _, id := range ev.Identifiers() {
			for _, dir := range []string{"back", "forward"} {
				rec := e.do("GET", "/v1/trace/"+dir+"/"+url.PathEscape(id), "", nil)
				var g gongxu.TraceGraph
				if err := json.Unmarshal(rec.Body.Bytes(), &g); err != nil || rec.Code != 200 || g.Start != id || len(g.Nodes) == 0 {
					t.Errorf("%s %s: %d %s", dir, id, rec.Code, rec.Body)
				}
			}
		}
	}
}
