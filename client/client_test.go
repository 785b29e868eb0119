package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
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

// env is a client of a node made of the real parts (inproc): the World's
// story, served by the real HTTP API on a loopback port.
type env struct {
	w   *inproc.World
	db  *sqlite.DB // the read model: what the services answer
	op  *inproc.Operator
	srv *httptest.Server
	c   *client.Client
}

// config is the API's configuration over w's services, with the
// operator op (nil: none).
func config(w *inproc.World, op *inproc.Operator) httpapi.Config {
	db := w.Read()
	cfg := httpapi.Config{Node: w.Node(), Members: db, Txs: db, Pools: db, RFQs: db, Receipts: w.Receipts(), Production: db,
		Plans: w.Plans(), Trace: db, Reputation: db, WaitTimeout: time.Second}
	if op != nil {
		cfg.Operator = op
	}
	return cfg
}

func newEnv(t *testing.T, opts ...client.Option) *env {
	t.Helper()
	w := inproc.NewWorld(t)
	op := w.Operator(inproc.Acme)
	return serveEnv(t, w, op, config(w, op), opts...)
}

func serveEnv(t *testing.T, w *inproc.World, op *inproc.Operator, cfg httpapi.Config, opts ...client.Option) *env {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	return &env{w: w, db: w.Read(), op: op, srv: srv, c: client.New(srv.URL, opts...)}
}

// broken is a client of the World's API whose configuration change
// makes a service fail (inproc.Broken): the HTTP edge.
func (e *env) broken(t *testing.T, change func(*httpapi.Config)) *client.Client {
	t.Helper()
	cfg := config(e.w, e.op)
	change(&cfg)
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	return client.New(srv.URL)
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
	want, _ := e.w.Node().Status(ctx)
	sameJSON(t, "status", st, want)
	if want.ReadModelHeight != e.w.Height() || len(want.Validators) != 3 {
		t.Errorf("status %+v: not the World's", want)
	}

	if h, err := e.c.Height(ctx); err != nil || h != want.ReadModelHeight {
		t.Errorf("height %d, %v", h, err)
	}

	orgs, err := e.c.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantOrgs, _ := e.db.Orgs(ctx)
	sameJSON(t, "orgs", orgs, wantOrgs)
	if len(orgs) != 7 { // the genesis orgs and Hilltown
		t.Errorf("%d orgs", len(orgs))
	}

	org, err := e.c.Org(ctx, inproc.Hilltown)
	if err != nil {
		t.Fatal(err)
	}
	wantOrg, _ := e.db.Org(ctx, inproc.Hilltown)
	sameJSON(t, "org", org, wantOrg)

	vals, err := e.c.Validators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantVals, _ := e.db.Validators(ctx)
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
		wantProps, _ := e.db.Proposals(ctx, f)
		sameJSON(t, "proposals", props, wantProps)
	}

	p, err := e.c.Proposal(ctx, e.w.AdmitRiverside)
	if err != nil {
		t.Fatal(err)
	}
	wantP, _ := e.db.Proposal(ctx, e.w.AdmitRiverside)
	sameJSON(t, "proposal", p, wantP)
	if p.Status != gongxu.ProposalOpen || len(p.Yes) != 2 || len(p.No) != 1 {
		t.Errorf("Riverside's admission %+v", p)
	}

	recs, err := e.c.RecentTxs(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantRecs, _ := e.db.RecentTxs(ctx, 2)
	sameJSON(t, "recent txs", recs, wantRecs)
	all, err := e.c.RecentTxs(ctx, 0)
	wantAll, _ := e.db.RecentTxs(ctx, 50)
	if err != nil || len(all) != 50 {
		t.Errorf("recent txs with the default limit: %d, %v", len(all), err)
	}
	sameJSON(t, "recent txs with the default limit", all, wantAll)

	for _, hash := range []string{wantRecs[0].Hash, e.w.RepeatedVote} {
		rec, err := e.c.Tx(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		wantRec, _ := e.db.Tx(ctx, hash)
		sameJSON(t, "tx", rec, wantRec)
	}

	acc, err := e.c.Account(ctx, inproc.Key(inproc.Acme))
	if err != nil {
		t.Fatal(err)
	}
	wantAcc, _ := e.w.Node().Account(ctx, inproc.Key(inproc.Acme))
	sameJSON(t, "account", acc, wantAcc)
	if acc.Org != inproc.Acme || acc.Sequence < 2 {
		t.Errorf("account %+v", acc)
	}

	if err := e.c.Health(ctx); err != nil {
		t.Errorf("health: %v", err)
	}
}

// countingNode is the node, with its Submit calls recorded.
type countingNode struct {
	gongxu.NodeService
	mu    sync.Mutex
	calls []submitted
}

type submitted struct {
	tx   []byte
	wait bool
}

func (n *countingNode) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	n.mu.Lock()
	n.calls = append(n.calls, submitted{append([]byte(nil), tx...), wait})
	n.mu.Unlock()
	return n.NodeService.Submit(ctx, tx, wait)
}

func TestSubmit(t *testing.T) {
	w := &inproc.World{Net: inproc.New(t, inproc.Genesis{Orgs: inproc.Orgs(), Validators: inproc.Validators()})}
	node := &countingNode{NodeService: w.Node()}
	cfg := config(w, nil)
	cfg.Node = node
	e := serveEnv(t, w, nil, cfg)
	ctx := context.Background()
	var txs [][]byte
	for i, wait := range []bool{true, false} {
		tx := w.Sign(inproc.Acme, "member/update_org", inproc.M{"description": fmt.Sprint("Knitwear, take ", i)})
		txs = append(txs, tx)
		res, err := e.c.Submit(ctx, tx, wait)
		if err != nil {
			t.Fatal(err)
		}
		if res.Hash != gongxu.TxHash(tx) || res.Code != 0 || (res.Height != 0) != wait {
			t.Errorf("wait %v: %+v", wait, res)
		}
	}
	if len(node.calls) != 2 || !bytes.Equal(node.calls[0].tx, txs[0]) || !node.calls[0].wait ||
		!bytes.Equal(node.calls[1].tx, txs[1]) || node.calls[1].wait {
		t.Errorf("node got %+v", node.calls)
	}
	// Both are on the ledger once the next block is committed.
	w.Block()
	for _, tx := range txs {
		if rec, err := e.c.Tx(ctx, gongxu.TxHash(tx)); err != nil || rec.Code != 0 || rec.Type != "member/update_org" {
			t.Errorf("tx %s: %+v, %v", gongxu.TxHash(tx), rec, err)
		}
	}

	// A rejected transaction is a result, not an error: a sequence used.
	b, _ := json.Marshal(inproc.M{"description": "a replay"})
	stale := gongxu.SignTx(inproc.ChainID, chaintest.Key(inproc.Acme), "member/update_org", b, 1).Encode()
	res, err := e.c.Submit(ctx, stale, true)
	if err != nil || res.Code != uint32(gongxu.KindSequence) || res.Kind != "sequence" || res.Message == "" {
		t.Errorf("rejected: %+v, %v", res, err)
	}

	// The HTTP edge: a node that does not commit in time, a full mempool.
	tx := w.Sign(inproc.Acme, "member/update_org", inproc.M{"description": "late"})
	slow := e.brokenNode(t, inproc.Broken{Stall: true}, 5*time.Millisecond)
	_, err = slow.Submit(ctx, tx, true)
	wantErr(t, err, gongxu.KindTimeout, "timed out waiting for the node")
	late := e.brokenNode(t, inproc.Broken{Err: gongxu.Errorf(gongxu.KindTimeout, "the transaction was not committed in time")}, time.Second)
	_, err = late.Submit(ctx, tx, true)
	wantErr(t, err, gongxu.KindTimeout, "not committed in time")
	full := e.brokenNode(t, inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "the mempool is full")}, time.Second)
	_, err = full.Submit(ctx, tx, true)
	wantErr(t, err, gongxu.KindUnavailable, "mempool is full")

	_, err = e.c.Submit(ctx, nil, true)
	wantErr(t, err, gongxu.KindInvalid, "body is empty")
	_, err = e.c.Submit(ctx, make([]byte, 4<<20+1), true)
	wantErr(t, err, gongxu.KindTooLarge, "larger than")
}

// brokenNode is a client of the World's API over a broken node.
func (e *env) brokenNode(t *testing.T, node inproc.Broken, wait time.Duration) *client.Client {
	return e.broken(t, func(c *httpapi.Config) { c.Node, c.WaitTimeout = node, wait })
}

func TestAPIErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	_, err := e.c.Org(ctx, "nobody")
	wantErr(t, err, gongxu.KindNotFound, `no member organization "nobody"`)
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
	wantErr(t, err, gongxu.KindNotFound, "no committed transaction with hash 0000")
	_, err = e.c.Account(ctx, "nobody")
	wantErr(t, err, gongxu.KindInvalid, "public key")
	_, err = e.c.RecentTxs(ctx, 5000)
	wantErr(t, err, gongxu.KindInvalid, "limit")

	members := func(err error) *client.Client {
		return e.broken(t, func(c *httpapi.Config) { c.Members = inproc.Broken{Err: err} })
	}
	_, err = members(errors.New("disk on fire")).Orgs(ctx)
	if e := wantErr(t, err, gongxu.KindInternal, "internal error"); strings.Contains(e.Error(), "disk") {
		t.Errorf("internal detail leaked: %v", e)
	}

	for _, k := range gongxu.Kinds() {
		_, err = members(gongxu.Errorf(k, "the %s case", k)).Validators(ctx)
		switch k {
		case gongxu.KindOK, gongxu.KindInternal:
			wantErr(t, err, gongxu.KindInternal, "internal error")
		default:
			wantErr(t, err, k, "the "+k.String()+" case")
		}
	}

	starting := e.brokenNode(t, inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")}, time.Second)
	wantErr(t, starting.Health(ctx), gongxu.KindUnavailable, "the node is starting")
	_, err = starting.Status(ctx)
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
	net := inproc.New(t, inproc.Genesis{Orgs: inproc.Orgs(), Validators: inproc.Validators()})
	api := httpapi.New(httpapi.Config{Node: net.Node(), Members: net.Read(), Txs: net.Read()})
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
