package client_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/token"
)

// traceEnv is a client of the World's API with the node's API token, whose
// trace service records the last events query it was asked.
type traceEnv struct {
	*env
	trace  *recordingTrace
	cfg    httpapi.Config
	secret string
}

// recordingTrace is the read model's trace service, recording the last
// events query.
type recordingTrace struct {
	gongxu.TraceService
	mu   sync.Mutex
	last gongxu.TraceQuery
}

func (r *recordingTrace) TraceEvents(ctx context.Context, q gongxu.TraceQuery) ([]gongxu.TraceEvent, error) {
	r.mu.Lock()
	r.last = q
	r.mu.Unlock()
	return r.TraceService.TraceEvents(ctx, q)
}

func (r *recordingTrace) lastQuery() gongxu.TraceQuery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func newTraceEnv(t *testing.T) *traceEnv {
	t.Helper()
	w := inproc.NewWorld(t)
	op := w.Operator(inproc.Acme)
	tokens := token.Open(token.Path(t.TempDir()))
	secret, err := tokens.Add("tests")
	if err != nil {
		t.Fatal(err)
	}
	tr := &recordingTrace{TraceService: w.Read()}
	cfg := config(w, op)
	cfg.Trace, cfg.Tokens = tr, tokens
	return &traceEnv{env: serveEnv(t, w, op, cfg, client.WithToken(secret)), trace: tr, cfg: cfg, secret: secret}
}

// with is a client, with the token, of the API whose configuration change
// changes.
func (e *traceEnv) with(t *testing.T, change func(*httpapi.Config)) *client.Client {
	t.Helper()
	cfg := e.cfg
	change(&cfg)
	return serveEnv(t, e.w, e.op, cfg, client.WithToken(e.secret)).c
}

func TestTraceReads(t *testing.T) {
	e := newTraceEnv(t)
	ctx := context.Background()

	// Events: the query goes over as it was asked, the answer comes back.
	q := gongxu.TraceQuery{EventTypes: []string{"ObjectEvent", "TransformationEvent"}, GEEventTime: inproc.Start + 8*inproc.Day,
		LTEventTime: inproc.End, GERecordTime: 1, LTRecordTime: inproc.End + 1, BizSteps: []string{"inspecting", "commissioning"},
		Dispositions: []string{"in_progress", "active"}, BizLocations: []string{inproc.FactoryGLN},
		EPCClasses: []string{string(inproc.RecvThread), string(inproc.JacketLot)}, EventIDs: []string{inproc.InspectID, inproc.LabelEvent, inproc.StoreID},
		Orgs: []gongxu.OrgID{inproc.Blue, inproc.Acme}, After: 0, Limit: 10}
	evs, err := e.c.TraceEvents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "query", e.trace.lastQuery(), q)
	want, _ := e.db.TraceEvents(ctx, q)
	sameJSON(t, "events", evs, want)
	if len(evs) != 2 || evs[0].ID != inproc.InspectID || evs[1].ID != inproc.LabelEvent {
		t.Errorf("%d events: %+v", len(evs), evs)
	}
	all, err := e.c.TraceEvents(ctx, gongxu.TraceQuery{})
	wantAll, _ := e.db.TraceEvents(ctx, gongxu.TraceQuery{Limit: 100})
	if err != nil || len(all) < 4 || all == nil {
		t.Errorf("all events: %d, %v", len(all), err)
	}
	sameJSON(t, "all events", all, wantAll)
	_, err = e.c.TraceEvents(ctx, gongxu.TraceQuery{EventIDs: []string{"a|b"}})
	wantErr(t, err, gongxu.KindInvalid, "'|'")
	_, err = e.c.TraceEvents(ctx, gongxu.TraceQuery{Limit: 5000})
	wantErr(t, err, gongxu.KindInvalid, "limit")

	// Every event: its proof, itself, its batch.
	for _, wantEv := range wantAll {
		id := wantEv.ID
		p, err := e.c.EventProof(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Verify(); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		ev, err := e.c.Event(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "event "+id, ev, wantEv)
		b, err := e.c.Batch(ctx, ev.Anchor.Tx)
		wantB, _ := e.db.Batch(ctx, ev.Anchor.Tx)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "batch", b, wantB)
		// A tampered event or a foreign batch does not verify.
		bad := p
		bad.Event.Raw = append([]byte(nil), p.Event.Raw...)
		bad.Event.Raw[len(bad.Event.Raw)-2] ^= 1
		if bad.Verify() == nil {
			t.Errorf("%s: a changed event verifies", id)
		}
		bad = p
		bad.Batch.Root = p.Batch.Leaves[0]
		if p.Batch.Count > 1 && bad.Verify() == nil {
			t.Errorf("%s: a foreign batch verifies", id)
		}
	}
	_, err = e.c.Event(ctx, "urn:uuid:none")
	wantErr(t, err, gongxu.KindNotFound, "no trace event")
	_, err = e.c.Event(ctx, "")
	wantErr(t, err, gongxu.KindInvalid, "event id")
	_, err = e.c.Batch(ctx, e.w.Batches[e.w.JacketsOpen][inproc.Hilltown][0].Tx)
	wantErr(t, err, gongxu.KindNotFound, "anchored no trace batch")

	// Walks, by lot id, lot URN and Digital Link.
	for _, c := range []struct {
		dir, id string
		depth   int
	}{
		{"back", string(inproc.JacketLot), 0}, {"back", gongxu.LotURN(inproc.JacketLot), 3},
		{"forward", string(inproc.FabricLot), 50}, {"forward", gongxu.LotURN(inproc.ReceivedLot), 1}, {"back", inproc.JacketDL, 1},
	} {
		var g gongxu.TraceGraph
		var want gongxu.TraceGraph
		depth := c.depth
		if depth == 0 {
			depth = 10
		}
		if c.dir == "back" {
			g, err = e.c.Back(ctx, c.id, c.depth)
			want, _ = e.db.Back(ctx, c.id, depth)
		} else {
			g, err = e.c.Forward(ctx, c.id, c.depth)
			want, _ = e.db.Forward(ctx, c.id, depth)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", c.dir, c.id, err)
		}
		sameJSON(t, c.dir+" "+c.id, g, want)
		if g.Nodes == nil || g.Steps == nil || g.Pools == nil || len(g.Nodes) < 2 {
			t.Errorf("%s %s: nil lists or nothing found: %+v", c.dir, c.id, g)
		}
	}
	_, err = e.c.Back(ctx, string(inproc.JacketLot), 51)
	wantErr(t, err, gongxu.KindInvalid, "depth")
	_, err = e.c.Forward(ctx, "acme-textiles/none", 0)
	wantErr(t, err, gongxu.KindNotFound, "neither a ledger lot")
	_, err = e.c.Back(ctx, " ", 0)
	wantErr(t, err, gongxu.KindInvalid, "an identifier is needed")

	// Recalls.
	rs, err := e.c.Recalls(ctx, "", 0)
	wantR, _ := e.db.Recalls(ctx, "", 50)
	if err != nil || len(rs) != 2 {
		t.Fatalf("recalls: %v, %v", rs, err)
	}
	sameJSON(t, "recalls", rs, wantR)
	rs, err = e.c.Recalls(ctx, inproc.Hilltown, 1)
	if err != nil || len(rs) != 1 || rs[0].ID != e.w.RecallFabric {
		t.Errorf("recalls of %s: %+v, %v", inproc.Hilltown, rs, err)
	}
	rs, err = e.c.Recalls(ctx, inproc.Riverside, 0)
	if err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("recalls of %s: %+v, %v", inproc.Riverside, rs, err)
	}
	_, err = e.c.Recalls(ctx, "Hub", 0)
	wantErr(t, err, gongxu.KindInvalid, "hub")
	im, err := e.c.Recall(ctx, e.w.RecallFabric)
	wantIm, _ := e.db.Recall(ctx, e.w.RecallFabric)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "recall", im, wantIm)
	if len(im.Hubs) == 0 || im.Hubs[0].Hub != inproc.Hilltown {
		t.Errorf("recall hubs %+v", im.Hubs)
	}
	_, err = e.c.Recall(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no recall 99")
}

func TestCapture(t *testing.T) {
	e := newTraceEnv(t)
	ctx := context.Background()
	doc, err := os.ReadFile(filepath.Join("..", "internal", "epcis", "testdata", "gs1", "examples", "Example_9.6.1-ObjectEvent.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	job, err := e.c.Capture(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	if !job.Success || job.Running || job.CaptureID == "" || job.ErrorBehavior != "rollback" || job.Errors == nil {
		t.Errorf("job %+v", job)
	}
	if sent := e.op.Sent(); len(sent) != 1 || sent[0].Type != "trace/capture" || sent[0].Result.Code != 0 {
		t.Errorf("sent %+v", sent)
	}
	// The capture is on the ledger: a job of it, and its events.
	if j, err := e.c.CaptureJob(ctx, job.CaptureID); err != nil || !j.Success {
		t.Errorf("job of the capture %s: %+v, %v", job.CaptureID, j, err)
	}
	// A job on the ledger, and a rejected one.
	j, err := e.c.CaptureJob(ctx, e.w.CaptureTx)
	if err != nil || !j.Success || j.CreatedAt == "" {
		t.Errorf("job of %s: %+v, %v", e.w.CaptureTx, j, err)
	}
	j, err = e.c.CaptureJob(ctx, e.w.RejectedCapture)
	if err != nil || j.Success || len(j.Errors) != 1 || j.Errors[0].Status != 403 {
		t.Errorf("rejected job: %+v, %v", j, err)
	}
	_, err = e.c.CaptureJob(ctx, e.w.Batches[e.w.JacketsOpen][inproc.Hilltown][0].Tx)
	wantErr(t, err, gongxu.KindNotFound, "not a capture")
	// Rejections are errors of the ledger's kind (the HTTP edge: an
	// operator answered with a rejection).
	for _, k := range []gongxu.Kind{gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindTooLarge} {
		c := e.with(t, func(c *httpapi.Config) {
			c.Operator = inproc.BrokenOperator{Operator: e.op, Reject: map[string]gongxu.TxResult{
				"trace/capture": {Hash: "AB", Height: 0, Code: uint32(k), Kind: k.String(), Message: "the ledger says no: " + k.String()}}}
		})
		_, err := c.Capture(ctx, doc)
		wantErr(t, err, k, "the ledger says no: "+k.String())
	}
	_, err = e.c.Capture(ctx, []byte(`[]`))
	wantErr(t, err, gongxu.KindInvalid, "JSON object")

	// Without the node's token, or with another, nothing is signed.
	n := len(e.op.Sent())
	for _, c := range []*client.Client{client.New(e.srv.URL), client.New(e.srv.URL, client.WithToken("gx_someone-elses-token"))} {
		_, err := c.Capture(ctx, doc)
		wantErr(t, err, gongxu.KindUnauthenticated, "Authorization: Bearer TOKEN")
	}
	if len(e.op.Sent()) != n {
		t.Error("a capture without the token was signed")
	}
}
