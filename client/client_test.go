package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

var (
	_ gongxu.NodeService    = (*client.Client)(nil)
	_ gongxu.MemberService  = (*client.Client)(nil)
	_ gongxu.TxService      = (*client.Client)(nil)
	_ gongxu.RFQService     = (*client.Client)(nil)
	_ gongxu.ReceiptService = (*client.Client)(nil)

	_ gongxu.ProductionService = (*client.Client)(nil)
	_ gongxu.PlanService       = (*client.Client)(nil)
)

type env struct {
	node     *fake.Node
	members  *fake.Members
	txs      *fake.Txs
	pools    *fake.Pools
	rfqs     *fake.RFQs
	receipts *fake.Receipts
	prod     *fake.Production
	plans    *fake.Plans
	srv      *httptest.Server
	c        *client.Client
}

func newEnv(t *testing.T, opts ...client.Option) *env {
	t.Helper()
	node, members, txs := fake.New()
	pools, rfqs, receipts := fake.NewMarket()
	prod := fake.NewProduction()
	plans := fake.NewPlans()
	srv := httptest.NewServer(httpapi.New(httpapi.Config{
		Node: node, Members: members, Txs: txs, Pools: pools, RFQs: rfqs, Receipts: receipts, Production: prod,
		Plans: plans, WaitTimeout: time.Second,
	}))
	t.Cleanup(srv.Close)
	return &env{
		node: node, members: members, txs: txs, pools: pools, rfqs: rfqs, receipts: receipts, prod: prod, plans: plans,
		srv: srv, c: client.New(srv.URL, opts...),
	}
}

// sameJSON compares what the client got with what the service gave. The API
// sends empty lists as [] where a service may hold nil, so null and [] are
// the same here.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	norm := func(b []byte) string { return strings.ReplaceAll(string(b), "null", "[]") }
	if norm(g) != norm(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// wantErr checks that err is a *gongxu.Error of kind k whose message holds msg.
func wantErr(t *testing.T, err error, k gongxu.Kind, msg string) *gongxu.Error {
	t.Helper()
	var e *gongxu.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *gongxu.Error", err, err)
	}
	if e.Kind != k || !strings.Contains(e.Msg, msg) {
		t.Errorf("got kind %s message %q, want kind %s message containing %q", e.Kind, e.Msg, k, msg)
	}
	return e
}

func TestReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	st, err := e.c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := e.node.Status(ctx)
	want.ReadModelHeight, _ = e.txs.Height(ctx)
	sameJSON(t, "status", st, want)

	if h, err := e.c.Height(ctx); err != nil || h != want.ReadModelHeight {
		t.Errorf("height %d, %v", h, err)
	}

	orgs, err := e.c.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantOrgs, _ := e.members.Orgs(ctx)
	sameJSON(t, "orgs", orgs, wantOrgs)

	org, err := e.c.Org(ctx, "hub-lishui")
	if err != nil {
		t.Fatal(err)
	}
	wantOrg, _ := e.members.Org(ctx, "hub-lishui")
	sameJSON(t, "org", org, wantOrg)

	vals, err := e.c.Validators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantVals, _ := e.members.Validators(ctx)
	sameJSON(t, "validators", vals, wantVals)

	for _, f := range []gongxu.ProposalFilter{{}, {Status: gongxu.ProposalOpen}, {Limit: 1}, {Status: gongxu.ProposalFailed}} {
		props, err := e.c.Proposals(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if props == nil {
			t.Errorf("proposals %+v: nil, want a list", f)
		}
		if f.Limit == 0 {
			f.Limit = 50
		}
		wantProps, _ := e.members.Proposals(ctx, f)
		sameJSON(t, "proposals", props, wantProps)
	}

	p, err := e.c.Proposal(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantP, _ := e.members.Proposal(ctx, 1)
	sameJSON(t, "proposal", p, wantP)

	recs, err := e.c.RecentTxs(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantRecs, _ := e.txs.RecentTxs(ctx, 2)
	sameJSON(t, "recent txs", recs, wantRecs)
	if all, err := e.c.RecentTxs(ctx, 0); err != nil || len(all) != 3 {
		t.Errorf("recent txs with the default limit: %d, %v", len(all), err)
	}

	rec, err := e.c.Tx(ctx, wantRecs[0].Hash)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "tx", rec, wantRecs[0])

	acc, err := e.c.Account(ctx, fake.KeyAcme)
	if err != nil {
		t.Fatal(err)
	}
	wantAcc, _ := e.node.Account(ctx, fake.KeyAcme)
	sameJSON(t, "account", acc, wantAcc)

	if err := e.c.Health(ctx); err != nil {
		t.Errorf("health: %v", err)
	}
}

func TestSubmit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tx := []byte{0, 1, 2, 0xfe, 0xff}
	for _, wait := range []bool{true, false} {
		res, err := e.c.Submit(ctx, tx, wait)
		if err != nil {
			t.Fatal(err)
		}
		if res.Hash != fake.Hash(tx) || res.Code != 0 || (res.Height != 0) != wait {
			t.Errorf("wait %v: %+v", wait, res)
		}
	}
	calls := e.node.Submitted()
	if len(calls) != 2 || string(calls[0].Tx) != string(tx) || !calls[0].Wait || calls[1].Wait {
		t.Errorf("node got %+v", calls)
	}

	// A rejected transaction is a result, not an error.
	res, err := e.c.Submit(ctx, []byte(fake.TxReject+"x"), true)
	if err != nil || res.Code != uint32(gongxu.KindSequence) || res.Kind != "sequence" || res.Message == "" {
		t.Errorf("rejected: %+v, %v", res, err)
	}

	_, err = e.c.Submit(ctx, []byte(fake.TxTimeout+"x"), true)
	wantErr(t, err, gongxu.KindTimeout, "not committed in time")
	_, err = e.c.Submit(ctx, []byte(fake.TxFull+"x"), true)
	wantErr(t, err, gongxu.KindUnavailable, "mempool is full")
	_, err = e.c.Submit(ctx, nil, true)
	wantErr(t, err, gongxu.KindInvalid, "body is empty")
	_, err = e.c.Submit(ctx, make([]byte, 4<<20+1), true)
	wantErr(t, err, gongxu.KindTooLarge, "larger than")
}

func TestAPIErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	_, err := e.c.Org(ctx, "nobody")
	wantErr(t, err, gongxu.KindNotFound, `no org "nobody"`)
	_, err = e.c.Org(ctx, "Bad_ID")
	wantErr(t, err, gongxu.KindInvalid, "org id")
	_, err = e.c.Org(ctx, "a/b") // escaped: one path segment, rejected as an id
	wantErr(t, err, gongxu.KindInvalid, "org id")
	_, err = e.c.Proposal(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no proposal 99")
	_, err = e.c.Proposals(ctx, gongxu.ProposalFilter{Status: "pending"})
	wantErr(t, err, gongxu.KindInvalid, "status must be one of")
	_, err = e.c.Tx(ctx, "xyz")
	wantErr(t, err, gongxu.KindInvalid, "64 hex characters")
	_, err = e.c.Tx(ctx, strings.Repeat("0", 64))
	wantErr(t, err, gongxu.KindNotFound, "no transaction")
	_, err = e.c.Account(ctx, "nobody")
	wantErr(t, err, gongxu.KindInvalid, "public key")
	_, err = e.c.RecentTxs(ctx, 5000)
	wantErr(t, err, gongxu.KindInvalid, "limit")

	e.members.SetErr(errors.New("disk on fire"))
	_, err = e.c.Orgs(ctx)
	if e := wantErr(t, err, gongxu.KindInternal, "internal error"); strings.Contains(e.Error(), "disk") {
		t.Errorf("internal detail leaked: %v", e)
	}

	for _, k := range gongxu.Kinds() {
		e.members.SetErr(gongxu.Errorf(k, "the %s case", k))
		_, err = e.c.Validators(ctx)
		switch k {
		case gongxu.KindOK, gongxu.KindInternal:
			wantErr(t, err, gongxu.KindInternal, "internal error")
		default:
			wantErr(t, err, k, "the "+k.String()+" case")
		}
	}

	e.node.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the node is starting"))
	wantErr(t, e.c.Health(ctx), gongxu.KindUnavailable, "the node is starting")
	_, err = e.c.Status(ctx)
	wantErr(t, err, gongxu.KindUnavailable, "the node is starting")
}

func TestTransportErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.srv.Close()
	_, err := e.c.Status(ctx)
	if e := wantErr(t, err, gongxu.KindUnavailable, "cannot reach the node"); e.Err == nil {
		t.Error("the cause is not wrapped")
	}

	// The timeout option bounds a request; the cause stays visible.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer slow.Close()
	c := client.New(slow.URL, client.WithTimeout(20*time.Millisecond))
	_, err = c.Orgs(ctx)
	wantErr(t, err, gongxu.KindUnavailable, "cannot reach the node")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v does not wrap context.DeadlineExceeded", err)
	}

	// A canceled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = newEnv(t).c.Orgs(cctx)
	if !errors.Is(err, context.Canceled) || gongxu.ErrorKind(err) != gongxu.KindUnavailable {
		t.Errorf("canceled: %v", err)
	}
}

func TestForeignResponses(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		status int
		body   string
		kind   gongxu.Kind
	}{
		{502, "<html>Bad Gateway</html>", gongxu.KindUnavailable},
		{503, "", gongxu.KindUnavailable},
		{500, "oops", gongxu.KindInternal},
		{404, "404 page not found", gongxu.KindInternal},
		{409, `{"code":"some_future_kind","message":"new"}`, gongxu.KindInternal},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(c.status)
			_, _ = w.Write([]byte(c.body))
		}))
		_, err := client.New(srv.URL).Orgs(ctx)
		if gongxu.ErrorKind(err) != c.kind {
			t.Errorf("%d %q: %v (kind %s), want kind %s", c.status, c.body, err, gongxu.ErrorKind(err), c.kind)
		}
		srv.Close()
	}

	// A 200 that is not the promised JSON.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>"))
	}))
	defer srv.Close()
	_, err := client.New(srv.URL).Orgs(ctx)
	wantErr(t, err, gongxu.KindInternal, "decoding the response")
}

func TestOptionsAndBaseURL(t *testing.T) {
	node, members, txs := fake.New()
	api := httpapi.New(httpapi.Config{Node: node, Members: members, Txs: txs})
	mux := http.NewServeMux()
	mux.Handle("/gongxu/", http.StripPrefix("/gongxu", api))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var n atomic.Int32
	hc := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := client.New(srv.URL+"/gongxu/", client.WithHTTPClient(hc), client.WithTimeout(0))
	if _, err := c.Org(context.Background(), "acme-textiles"); err != nil {
		t.Fatal(err)
	}
	if err := c.Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 2 {
		t.Errorf("the custom http.Client sent %d requests, want 2", n.Load())
	}

	_, err := client.New("http://bad host").Orgs(context.Background())
	if gongxu.ErrorKind(err) == gongxu.KindOK {
		t.Error("a bad base URL did not fail")
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
