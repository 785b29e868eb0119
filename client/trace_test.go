package client_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

// traceEnv is a node serving the trace fakes.
type traceEnv struct {
	trace *fake.Trace
	op    *fake.Operator
	c     *client.Client
	url   string
}

func newTraceEnv(t *testing.T) *traceEnv {
	t.Helper()
	node, members, _ := fake.New()
	tr, op := fake.NewTrace(), fake.NewOperator()
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Node: node, Members: members, Txs: fake.NewCaptureTxs(), Trace: tr, Operator: op,
		Tokens: fake.Tokens{}, WaitTimeout: time.Second}))
	t.Cleanup(srv.Close)
	return &traceEnv{trace: tr, op: op, c: client.New(srv.URL, client.WithToken(fake.Token)), url: srv.URL}
}

func TestTraceReads(t *testing.T) {
	e := newTraceEnv(t)
	ctx := context.Background()

	// Events: the query goes over as it was asked, the answer comes back.
	q := gongxu.TraceQuery{EventTypes: []string{"ObjectEvent", "TransformationEvent"}, GEEventTime: 1740800000000, LTEventTime: 1740900000000,
		GERecordTime: 1, LTRecordTime: 1740900000000, BizSteps: []string{"shipping"}, Dispositions: []string{"in_transit", "active"},
		ReadPoints: []string{"urn:epc:id:sgln:0614141.00777.0"}, BizLocations: []string{"urn:epc:id:sgln:0614141.00888.0"},
		EPCs: []string{fake.ItemEPC}, EPCClasses: []string{string(fake.LotMade)}, EventIDs: []string{fake.EventShip, fake.EventMake},
		Orgs: []gongxu.OrgID{"silk-supply", "acme-textiles"}, After: 0, Limit: 10}
	evs, err := e.c.TraceEvents(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "query", e.trace.LastQuery(), q)
	want, _ := e.trace.TraceEvents(ctx, q)
	sameJSON(t, "events", evs, want)
	if len(evs) != 2 {
		t.Errorf("%d events", len(evs))
	}
	all, err := e.c.TraceEvents(ctx, gongxu.TraceQuery{})
	if err != nil || len(all) != 4 || all == nil {
		t.Errorf("all events: %d, %v", len(all), err)
	}
	_, err = e.c.TraceEvents(ctx, gongxu.TraceQuery{EventIDs: []string{"a|b"}})
	wantErr(t, err, gongxu.KindInvalid, "'|'")
	_, err = e.c.TraceEvents(ctx, gongxu.TraceQuery{Limit: 5000})
	wantErr(t, err, gongxu.KindInvalid, "limit")

	// One event, its proof, its batch.
	for _, id := range []string{fake.EventShip, fake.EventMake, fake.EventPack} {
		p, err := e.c.EventProof(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Verify(); err != nil {
			t.Errorf("%s: %v", id, err)
		}
		ev, err := e.c.Event(ctx, id)
		wantEv, _ := e.trace.Event(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, "event "+id, ev, wantEv)
		b, err := e.c.Batch(ctx, ev.Anchor.Tx)
		wantB, _ := e.trace.Batch(ctx, ev.Anchor.Tx)
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
	_, err = e.c.Batch(ctx, fake.BatchTx)
	wantErr(t, err, gongxu.KindNotFound, "anchored no trace batch")

	// Walks, by lot id, lot URN and Digital Link.
	for _, c := range []struct {
		dir, id string
		depth   int
	}{
		{"back", string(fake.LotMade), 0}, {"back", gongxu.LotURN(fake.LotMade), 3},
		{"forward", string(fake.LotSupplier), 50}, {"forward", "https://id.gs1.org/01/10614141073464/21/2017", 1},
	} {
		var g gongxu.TraceGraph
		var want gongxu.TraceGraph
		if c.dir == "back" {
			g, err = e.c.Back(ctx, c.id, c.depth)
			want, _ = e.trace.Back(ctx, c.id, 10)
		} else {
			g, err = e.c.Forward(ctx, c.id, c.depth)
			want, _ = e.trace.Forward(ctx, c.id, 10)
		}
		if err != nil {
			t.Fatalf("%s %s: %v", c.dir, c.id, err)
		}
		sameJSON(t, c.dir+" "+c.id, g, want)
		if g.Nodes == nil || g.Steps == nil || g.Pools == nil {
			t.Errorf("%s %s: nil lists", c.dir, c.id)
		}
	}
	_, err = e.c.Back(ctx, string(fake.LotMade), 51)
	wantErr(t, err, gongxu.KindInvalid, "depth")
	_, err = e.c.Forward(ctx, "acme-textiles/none", 0)
	wantErr(t, err, gongxu.KindNotFound, "neither a ledger lot")
	_, err = e.c.Back(ctx, " ", 0)
	wantErr(t, err, gongxu.KindInvalid, "an identifier is needed")

	// Recalls.
	rs, err := e.c.Recalls(ctx, "", 0)
	wantR, _ := e.trace.Recalls(ctx, "", 50)
	if err != nil || len(rs) != 2 {
		t.Fatalf("recalls: %v, %v", rs, err)
	}
	sameJSON(t, "recalls", rs, wantR)
	rs, err = e.c.Recalls(ctx, "hub-lishui", 1)
	if err != nil || len(rs) != 1 || rs[0].ID != fake.RecallFabric {
		t.Errorf("recalls of hub-lishui: %+v, %v", rs, err)
	}
	rs, err = e.c.Recalls(ctx, "silk-supply", 0)
	if err != nil || rs == nil || len(rs) != 0 {
		t.Errorf("recalls of silk-supply: %+v, %v", rs, err)
	}
	_, err = e.c.Recalls(ctx, "Hub", 0)
	wantErr(t, err, gongxu.KindInvalid, "hub")
	im, err := e.c.Recall(ctx, fake.RecallFabric)
	wantIm, _ := e.trace.Recall(ctx, fake.RecallFabric)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "recall", im, wantIm)
	if len(im.Hubs) != 1 || im.Hubs[0].Hub != "hub-lishui" {
		t.Errorf("recall hubs %+v", im.Hubs)
	}
	_, err = e.c.Recall(ctx, 9)
	wantErr(t, err, gongxu.KindNotFound, "no recall 9")
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
	if sent := e.op.Sent(); len(sent) != 1 || sent[0].Type != "trace/capture" {
		t.Errorf("sent %+v", sent)
	}
	// A job on the ledger, and a rejected one.
	j, err := e.c.CaptureJob(ctx, fake.TxMake)
	if err != nil || !j.Success || j.CreatedAt == "" {
		t.Errorf("job of %s: %+v, %v", fake.TxMake, j, err)
	}
	j, err = e.c.CaptureJob(ctx, fake.TxCaptureRejected)
	if err != nil || j.Success || len(j.Errors) != 1 || j.Errors[0].Status != 409 {
		t.Errorf("rejected job: %+v, %v", j, err)
	}
	_, err = e.c.CaptureJob(ctx, fake.BatchTx)
	wantErr(t, err, gongxu.KindNotFound, "not a capture")
	// Rejections are errors of the ledger's kind.
	for _, k := range []gongxu.Kind{gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindTooLarge} {
		e.op.SetReject(k, "the ledger says no: "+k.String())
		_, err := e.c.Capture(ctx, doc)
		wantErr(t, err, k, "the ledger says no: "+k.String())
	}
	_, err = e.c.Capture(ctx, []byte(`[]`))
	wantErr(t, err, gongxu.KindInvalid, "JSON object")

	// Without the node's token, or with another, nothing is signed.
	n := len(e.op.Sent())
	for _, c := range []*client.Client{client.New(e.url), client.New(e.url, client.WithToken("gx_someone-elses-token"))} {
		_, err := c.Capture(ctx, doc)
		wantErr(t, err, gongxu.KindUnauthenticated, "Authorization: Bearer TOKEN")
	}
	if len(e.op.Sent()) != n {
		t.Error("a capture without the token was signed")
	}
}
