package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/token"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the responses")

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a handler over the services of a network made of the real parts
// (inproc): the World's story for the reads, a fresh network of its orgs
// for the writes, with a real token store, the node's submissions counted,
// and its logs.
type env struct {
	w      *inproc.World
	op     *inproc.Operator // Acme's: the node's operator
	node   *countingNode
	secret string // of the tests' API token, named "tests"
	cfg    Config
	logs   *syncBuffer
}

// newEnv is a handler over a new World.
func newEnv(t testing.TB) *env { return envOn(t, inproc.NewWorld(t)) }

// netEnv is a handler over a new network of the World's orgs that has
// done nothing yet, for the requests that write.
func netEnv(t testing.TB) *env {
	return envOn(t, &inproc.World{Net: inproc.New(t, inproc.Genesis{Orgs: inproc.Orgs(), Validators: inproc.Validators()})})
}

// envOn is a handler over w's services; nil w: no service at all.
func envOn(t testing.TB, w *inproc.World) *env {
	t.Helper()
	tokens := token.Open(token.Path(t.TempDir()))
	secret, err := tokens.Add("tests")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "gongxu_test_events_total", Help: "Events counted by the test."})
	c.Add(3)
	reg.MustRegister(c)
	logs := &syncBuffer{}
	e := &env{w: w, secret: secret, logs: logs, cfg: Config{Tokens: tokens, Registry: reg,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}}
	if w == nil {
		return e
	}
	db := w.Read()
	e.op = w.Operator(inproc.Acme)
	e.node = &countingNode{NodeService: w.Node()}
	e.cfg.Node, e.cfg.Members, e.cfg.Txs, e.cfg.Pools, e.cfg.RFQs = e.node, db, db, db, db
	e.cfg.Receipts, e.cfg.Production, e.cfg.Plans, e.cfg.Trace, e.cfg.Operator = w.Receipts(), db, w.Plans(), db, e.op
	e.cfg.Demand = demandOf(t, db)
	e.cfg.Disputes = db
	e.cfg.Legs = db
	e.cfg.Reputation = db
	return e
}

// disputesFake is a dispute service at the HTTP edge holding one dispute
// in its panel's vote (the read model's queries are internal/sqlite's
// tests; opening a dispute in the shared World would move its latest block
// time under the EPCIS goldens).
type disputesFake struct{}

var fakeDispute = gongxu.Dispute{ID: 1, Subject: gongxu.DisputeSubjectPoolShare, Pool: 4, Hub: inproc.Hilltown,
	Claimant: inproc.Hilltown, Respondent: inproc.Acme, Kind: gongxu.DisputeShort, Currency: "CNY", Stake: 889600, Claimed: 15900,
	Evidence: []string{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}, Note: "one shirt missing from the carton",
	OpenTx: "79536AA38555641059CC16D2146A65B464AA8211D8395FDE1F66E35CBE82D4F2", Opened: 1769068842000, OpenHeight: 106,
	Status: gongxu.DisputePanel, Deadline: 1770278442000, DefaultBps: 5000,
	Proposal:        &gongxu.DisputeProposal{By: inproc.Acme, ToClaimant: 5000, At: 1769068900000},
	Panel:           []gongxu.OrgID{"blue-river-cotton", "riverside-hub", "swift-logistics"},
	EscalatedHeight: 150, Votes: []gongxu.DisputeVote{{Org: "swift-logistics", ToClaimant: 15900, At: 1769673700000}}}

func (disputesFake) Disputes(_ context.Context, f gongxu.DisputeFilter) ([]gongxu.Dispute, error) {
	if (f.Status != "" && f.Status != fakeDispute.Status) || (f.Pool != 0 && f.Pool != fakeDispute.Pool) ||
		(f.Org != "" && f.Org != fakeDispute.Claimant && f.Org != fakeDispute.Respondent && !slices.Contains(fakeDispute.Panel, f.Org)) {
		return nil, nil
	}
	return []gongxu.Dispute{fakeDispute}, nil
}

func (disputesFake) Dispute(_ context.Context, id uint64) (gongxu.Dispute, error) {
	if id != fakeDispute.ID {
		return gongxu.Dispute{}, gongxu.Errorf(gongxu.KindNotFound, "no dispute %d", id)
	}
	return fakeDispute, nil
}

func withDispute(e *env) { e.cfg.Disputes = disputesFake{} }

// legsFake is a leg service at the HTTP edge holding one delivered leg (the
// read model's queries are internal/sqlite's tests; the shared World has no
// carriers' legs).
type legsFake struct{}

var fakeLeg = gongxu.Leg{ID: 1, Pool: 4, Hub: inproc.Hilltown, Shipper: inproc.Acme, Consignee: inproc.Hilltown, Carrier: inproc.Swift,
	Lots: []gongxu.LotQty{{Lot: inproc.JacketLot, Qty: 12000}}, Unit: "urn:gongxu:pool:4:hub:hilltown-hub", Status: gongxu.LegDelivered,
	Assigned: 1769068842000, AssignTx: "79536AA38555641059CC16D2146A65B464AA8211D8395FDE1F66E35CBE82D4F2",
	PickedUp: 1769070000000, PickupTx: "89536AA38555641059CC16D2146A65B464AA8211D8395FDE1F66E35CBE82D4F2",
	PickupEvent: "ni:///sha-256;1f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08?ver=CBV2.0",
	Delivered:   1769100000000, DeliveryTx: "99536AA38555641059CC16D2146A65B464AA8211D8395FDE1F66E35CBE82D4F2",
	DeliveryEvent: "ni:///sha-256;2f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08?ver=CBV2.0",
	ReceivedBy:    "Wang Fang", Evidence: []string{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}, Note: "2 cartons"}

func (legsFake) Legs(_ context.Context, f gongxu.LegFilter) ([]gongxu.Leg, error) {
	l := fakeLeg
	if (f.Status != "" && f.Status != l.Status) || (f.Pool != 0 && f.Pool != l.Pool) || f.PO != 0 ||
		(f.Lot != "" && f.Lot != l.Lots[0].Lot) || (f.Org != "" && f.Org != l.Carrier && f.Org != l.Shipper && f.Org != l.Consignee) {
		return nil, nil
	}
	return []gongxu.Leg{l}, nil
}

func (legsFake) Leg(_ context.Context, id uint64) (gongxu.Leg, error) {
	if id != fakeLeg.ID {
		return gongxu.Leg{}, gongxu.Errorf(gongxu.KindNotFound, "no leg %d", id)
	}
	return fakeLeg, nil
}

func withLeg(e *env) { e.cfg.Legs = legsFake{} }

// countingNode is the node, with its Submit calls counted.
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
	n.calls = append(n.calls, submitted{bytes.Clone(tx), wait})
	n.mu.Unlock()
	return n.NodeService.Submit(ctx, tx, wait)
}

func (n *countingNode) submitted() []submitted {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]submitted(nil), n.calls...)
}

// do sends a request with the tests' API token, as a client of the
// signing routes would; doWith sends other headers instead.
func (e *env) do(method, target, ctype string, body []byte) *httptest.ResponseRecorder {
	return e.doWith(method, target, ctype, body, "Authorization", "Bearer "+e.secret)
}

// doWith sends a request with the header pairs given (name, value, …).
func (e *env) doWith(method, target, ctype string, body []byte, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	New(e.cfg).ServeHTTP(rec, req)
	return rec
}

// tx is a transaction signed by Acme's key at its next sequence: the org
// updates its description (note makes each one different).
func (e *env) tx(note string) []byte {
	return e.w.Sign(inproc.Acme, "member/update_org", inproc.M{"description": "Knitwear and jackets, Ningbo. " + note})
}

// staleTx is a transaction Acme signed with a sequence already used.
func staleTx() []byte {
	b, _ := json.Marshal(inproc.M{"description": "a replay"})
	return gongxu.SignTx(inproc.ChainID, chaintest.Key(inproc.Acme), "member/update_org", b, 0).Encode()
}

// expand replaces the names of the World's transactions in a target:
// {vote} (a vote), {batch} (a hub's batch of 20 pledges), {capture} (an
// EPCIS capture) and {rejected_capture} (a capture the ledger refused);
// {batch_lower} is {batch} in lower case.
func (e *env) expand(target string) string {
	if e.w == nil || e.w.JacketsOpen == 0 {
		return target
	}
	batch := e.w.Batches[e.w.JacketsOpen][inproc.Hilltown][0].Tx
	return strings.NewReplacer("{vote}", e.w.RiversideVote, "{batch}", batch, "{batch_lower}", strings.ToLower(batch),
		"{capture}", e.w.CaptureTx, "{rejected_capture}", strings.ToLower(e.w.RejectedCapture)).Replace(target)
}

// apiCase is one request of the golden tests, with its expected status.
// GET requests read the World; POST requests go to a network of their own.
type apiCase struct {
	name   string
	method string
	target string
	ctype  string
	body   func(e *env) []byte
	setup  func(e *env)
	status int

	noToken bool // send no Authorization header (every other case sends the tests' token)
}

func str(s string) func(*env) []byte { return func(*env) []byte { return []byte(s) } }

func jsonTx(tx []byte) func(*env) []byte {
	return func(*env) []byte { return jsonOf(tx) }
}

func jsonOf(tx []byte) []byte {
	return []byte(`{"tx": "` + base64.StdEncoding.EncodeToString(tx) + `"}`)
}

// signed is a body of a transaction Acme signs; asJSON puts it in a JSON body.
func signed(note string, asJSON bool) func(*env) []byte {
	return func(e *env) []byte {
		if asJSON {
			return jsonOf(e.tx(note))
		}
		return e.tx(note)
	}
}

// broken makes the node, or another service, fail.
func nodeFails(err error) func(e *env) { return func(e *env) { e.cfg.Node = inproc.Broken{Err: err} } }

const (
	octet  = "application/octet-stream"
	ctJSON = "application/json"
)

var (
	hashAbsent  = strings.Repeat("0", 64)
	errBoom     = errors.New("disk on fire: /var/lib/gongxu/read.db")
	unavailable = gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")
	keyAcme     = string(inproc.Key(inproc.Acme))
	keyNobody   = string(inproc.Key("nobody"))
)

// goldenCases are the requests whose responses live in testdata/<name>.golden.
// The OpenAPI test validates each of them against the document.
var goldenCases = []apiCase{
	{name: "healthz", method: "GET", target: "/healthz", status: 200},
	{name: "healthz_starting", method: "GET", target: "/healthz", status: 503, setup: nodeFails(unavailable)},
	{name: "healthz_internal", method: "GET", target: "/healthz", status: 503, setup: nodeFails(errBoom)},
	{name: "metrics", method: "GET", target: "/metrics", status: 200},

	{name: "status", method: "GET", target: "/v1/status", status: 200},
	{name: "status_starting", method: "GET", target: "/v1/status", status: 503, setup: nodeFails(unavailable)},
	{name: "status_read_model_broken", method: "GET", target: "/v1/status", status: 500,
		setup: func(e *env) { e.cfg.Txs = inproc.Broken{Err: gongxu.Wrap(errBoom, "reading the read model height")} }},

	{name: "submit_octet", method: "POST", target: "/v1/txs", ctype: octet, body: signed("1", false), status: 200},
	{name: "submit_json", method: "POST", target: "/v1/txs", ctype: ctJSON, body: signed("1", true), status: 200},
	{name: "submit_json_charset", method: "POST", target: "/v1/txs", ctype: "application/json; charset=utf-8", body: signed("1", true), status: 200},
	{name: "submit_nowait", method: "POST", target: "/v1/txs?wait=false", ctype: octet, body: signed("2", false), status: 200},
	{name: "submit_rejected", method: "POST", target: "/v1/txs", ctype: octet, status: 200,
		body: func(e *env) []byte {
			e.w.Send(inproc.Acme, "member/update_org", inproc.M{"contact": "orders@acme.example"})
			return staleTx()
		}},
	{name: "submit_timeout", method: "POST", target: "/v1/txs", ctype: octet, body: signed("1", false), status: 504,
		setup: nodeFails(gongxu.Errorf(gongxu.KindTimeout, "the transaction was not committed in time"))},
	{name: "submit_wait_timeout", method: "POST", target: "/v1/txs", ctype: octet, body: signed("1", false), status: 504,
		setup: func(e *env) { e.cfg.Node, e.cfg.WaitTimeout = inproc.Broken{Stall: true}, 5*time.Millisecond }},
	{name: "submit_mempool_full", method: "POST", target: "/v1/txs", ctype: octet, body: signed("1", false), status: 503,
		setup: nodeFails(gongxu.Errorf(gongxu.KindUnavailable, "the mempool is full"))},
	{name: "submit_bad_wait", method: "POST", target: "/v1/txs?wait=soon", ctype: octet, body: str("x"), status: 400},
	{name: "submit_no_content_type", method: "POST", target: "/v1/txs", body: str("x"), status: 400},
	{name: "submit_bad_content_type", method: "POST", target: "/v1/txs", ctype: "text/plain", body: str("x"), status: 400},
	{name: "submit_malformed_content_type", method: "POST", target: "/v1/txs", ctype: "application/json;;", body: str("x"), status: 400},
	{name: "submit_empty_octet", method: "POST", target: "/v1/txs", ctype: octet, body: str(""), status: 400},
	{name: "submit_empty_json", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(""), status: 400},
	{name: "submit_malformed_json", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx": `), status: 400},
	{name: "submit_json_syntax", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx" "AAAA"}`), status: 400},
	{name: "submit_json_wrong_type", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx": 12}`), status: 400},
	{name: "submit_json_unknown_field", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx": "AAAA", "wait": true}`), status: 400},
	{name: "submit_json_missing_tx", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{}`), status: 400},
	{name: "submit_json_trailing", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx": "AAAA"} {}`), status: 400},
	{name: "submit_bad_base64", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx": "not base64!"}`), status: 400},
	{name: "submit_url_base64", method: "POST", target: "/v1/txs", ctype: ctJSON, body: str(`{"tx": "-_-_"}`), status: 400},
	{name: "submit_too_large_octet", method: "POST", target: "/v1/txs", ctype: octet, status: 413,
		body: func(*env) []byte { return make([]byte, maxTxBytes+1) }},
	{name: "submit_too_large_json_tx", method: "POST", target: "/v1/txs", ctype: ctJSON, status: 413,
		body: jsonTx(make([]byte, maxTxBytes+1))},
	{name: "submit_too_large_json_body", method: "POST", target: "/v1/txs", ctype: ctJSON, status: 413,
		body: func(*env) []byte { return append([]byte(`{"tx": "`), bytes.Repeat([]byte("A"), int(jsonBodyLimit))...) }},

	{name: "txs_recent", method: "GET", target: "/v1/txs", status: 200},
	{name: "txs_recent_limit", method: "GET", target: "/v1/txs?limit=1", status: 200},
	{name: "txs_recent_empty", method: "GET", target: "/v1/txs", status: 200, setup: func(e *env) { e.cfg.Txs = inproc.Broken{} }},
	{name: "txs_recent_bad_limit", method: "GET", target: "/v1/txs?limit=ten", status: 400},
	{name: "txs_recent_zero_limit", method: "GET", target: "/v1/txs?limit=0", status: 400},
	{name: "txs_recent_huge_limit", method: "GET", target: "/v1/txs?limit=1001", status: 400},

	{name: "tx", method: "GET", target: "/v1/txs/{vote}", status: 200},
	{name: "tx_lower_case", method: "GET", target: "/v1/txs/{batch_lower}", status: 200},
	{name: "tx_not_found", method: "GET", target: "/v1/txs/" + hashAbsent, status: 404},
	{name: "tx_bad_hash", method: "GET", target: "/v1/txs/" + strings.Repeat("zz", 32), status: 400},
	{name: "tx_short_hash", method: "GET", target: "/v1/txs/abcd", status: 400},

	{name: "account", method: "GET", target: "/v1/accounts/" + keyAcme, status: 200},
	{name: "account_unknown", method: "GET", target: "/v1/accounts/" + keyNobody, status: 200},
	{name: "account_upper_case", method: "GET", target: "/v1/accounts/" + strings.ToUpper(keyAcme), status: 400},
	{name: "account_bad_key", method: "GET", target: "/v1/accounts/alice", status: 400},

	{name: "orgs", method: "GET", target: "/v1/orgs", status: 200},
	{name: "orgs_empty", method: "GET", target: "/v1/orgs", status: 200, setup: func(e *env) { e.cfg.Members = inproc.Broken{} }},
	{name: "orgs_internal", method: "GET", target: "/v1/orgs", status: 500, setup: func(e *env) { e.cfg.Members = inproc.Broken{Err: errBoom} }},
	{name: "org", method: "GET", target: "/v1/orgs/acme-textiles", status: 200},
	{name: "org_not_found", method: "GET", target: "/v1/orgs/nobody", status: 404},
	{name: "org_bad_id", method: "GET", target: "/v1/orgs/Acme_Textiles", status: 400},

	{name: "validators", method: "GET", target: "/v1/validators", status: 200},
	{name: "validators_empty", method: "GET", target: "/v1/validators", status: 200, setup: func(e *env) { e.cfg.Members = inproc.Broken{} }},
	{name: "validators_panic", method: "GET", target: "/v1/validators", status: 500,
		setup: func(e *env) { e.cfg.Members = inproc.Broken{Panic: "nil map"} }},

	{name: "proposals", method: "GET", target: "/v1/proposals", status: 200},
	{name: "proposals_open", method: "GET", target: "/v1/proposals?status=open", status: 200},
	{name: "proposals_limit", method: "GET", target: "/v1/proposals?limit=1", status: 200},
	{name: "proposals_empty", method: "GET", target: "/v1/proposals?status=failed", status: 200},
	{name: "proposals_bad_status", method: "GET", target: "/v1/proposals?status=pending", status: 400},
	{name: "proposals_bad_limit", method: "GET", target: "/v1/proposals?limit=-1", status: 400},
	{name: "proposal", method: "GET", target: "/v1/proposals/1", status: 200},
	{name: "proposal_not_found", method: "GET", target: "/v1/proposals/99", status: 404},
	{name: "proposal_bad_id", method: "GET", target: "/v1/proposals/one", status: 400},
	{name: "proposal_negative_id", method: "GET", target: "/v1/proposals/-1", status: 400},

	{name: "products", method: "GET", target: "/v1/products", status: 200},
	{name: "products_factory", method: "GET", target: "/v1/products?factory=acme-textiles", status: 200},
	{name: "products_other_factory", method: "GET", target: "/v1/products?factory=blue-river-cotton", status: 200},
	{name: "products_bad_factory", method: "GET", target: "/v1/products?factory=Acme", status: 400},
	{name: "products_internal", method: "GET", target: "/v1/products", status: 500, setup: func(e *env) { e.cfg.Pools = inproc.Broken{Err: errBoom} }},
	{name: "products_unavailable", method: "GET", target: "/v1/products", status: 503, setup: func(e *env) { e.cfg.Pools = nil }},
	{name: "product", method: "GET", target: "/v1/products/acme-textiles/merino-jacket", status: 200},
	{name: "product_not_found", method: "GET", target: "/v1/products/acme-textiles/rain-boots", status: 404},
	{name: "product_bad_factory", method: "GET", target: "/v1/products/9acme/merino-jacket", status: 400},
	{name: "product_bad_sku", method: "GET", target: "/v1/products/acme-textiles/Merino_Jacket", status: 400},

	{name: "pools", method: "GET", target: "/v1/pools", status: 200},
	{name: "pools_open", method: "GET", target: "/v1/pools?status=open", status: 200},
	{name: "pools_in_production", method: "GET", target: "/v1/pools?status=in_production", status: 200},
	{name: "pools_factory_hub_limit", method: "GET", target: "/v1/pools?factory=acme-textiles&hub=hilltown-hub&limit=2", status: 200},
	{name: "pools_bad_status", method: "GET", target: "/v1/pools?status=closed", status: 400},
	{name: "pools_bad_factory", method: "GET", target: "/v1/pools?factory=a", status: 400},
	{name: "pools_bad_hub", method: "GET", target: "/v1/pools?hub=Hub_Lishui", status: 400},
	{name: "pools_bad_limit", method: "GET", target: "/v1/pools?limit=0", status: 400},
	{name: "pools_series_none", method: "GET", target: "/v1/pools?series=5", status: 200},
	{name: "pools_bad_series", method: "GET", target: "/v1/pools?series=0", status: 400},
	{name: "pools_bad_series_text", method: "GET", target: "/v1/pools?series=-1", status: 400},
	{name: "pool", method: "GET", target: "/v1/pools/5", status: 200},
	{name: "pool_failed", method: "GET", target: "/v1/pools/2", status: 200},
	{name: "pool_not_found", method: "GET", target: "/v1/pools/99", status: 404},
	{name: "pool_bad_id", method: "GET", target: "/v1/pools/four", status: 400},
	{name: "pool_node_starting", method: "GET", target: "/v1/pools/5", status: 503, setup: nodeFails(unavailable)},
	{name: "pool_no_node", method: "GET", target: "/v1/pools/5", status: 503, setup: func(e *env) { e.cfg.Node = nil }},
	{name: "pool_shares", method: "GET", target: "/v1/pools/5/shares", status: 200},
	{name: "pool_shares_no_variants", method: "GET", target: "/v1/pools/6/shares", status: 200},
	{name: "pool_shares_empty", method: "GET", target: "/v1/pools/5/shares", status: 200, setup: func(e *env) { e.cfg.Pools = inproc.Broken{} }},
	{name: "pool_shares_not_found", method: "GET", target: "/v1/pools/99/shares", status: 404},
	{name: "pool_shares_bad_id", method: "GET", target: "/v1/pools/-4/shares", status: 400},
	{name: "pool_batches", method: "GET", target: "/v1/pools/5/batches", status: 200},
	{name: "pool_batches_empty", method: "GET", target: "/v1/pools/3/batches", status: 200},
	{name: "pool_batches_not_found", method: "GET", target: "/v1/pools/99/batches", status: 404},
	{name: "pool_batches_bad_id", method: "GET", target: "/v1/pools/4x/batches", status: 400},

	{name: "receipt", method: "GET", target: "/v1/batches/{batch}/receipts/3", status: 200},
	{name: "receipt_lower_case", method: "GET", target: "/v1/batches/{batch_lower}/receipts/0", status: 200},
	{name: "receipt_no_leaf", method: "GET", target: "/v1/batches/{batch}/receipts/20", status: 404},
	{name: "receipt_not_a_batch", method: "GET", target: "/v1/batches/{vote}/receipts/0", status: 404},
	{name: "receipt_bad_tx", method: "GET", target: "/v1/batches/abc/receipts/0", status: 400},
	{name: "receipt_bad_index", method: "GET", target: "/v1/batches/{batch}/receipts/-1", status: 400},
	{name: "receipt_unavailable", method: "GET", target: "/v1/batches/{batch}/receipts/0", status: 503,
		setup: func(e *env) { e.cfg.Receipts = nil }},

	{name: "balances_org", method: "GET", target: "/v1/balances/org:hilltown-hub", status: 200},
	{name: "balances_key", method: "GET", target: "/v1/balances/key:" + keyNobody, status: 200},
	{name: "balances_escrow", method: "GET", target: "/v1/balances/escrow:5", status: 200},
	{name: "balances_never_moved", method: "GET", target: "/v1/balances/captured:99", status: 200},
	{name: "balances_bad_kind", method: "GET", target: "/v1/balances/bank:icbc", status: 400},
	{name: "balances_bad_org", method: "GET", target: "/v1/balances/org:Hub", status: 400},
	{name: "balances_bad_key", method: "GET", target: "/v1/balances/key:abc", status: 400},
	{name: "balances_zero_pool", method: "GET", target: "/v1/balances/escrow:0", status: 400},
	{name: "balances_leading_zero", method: "GET", target: "/v1/balances/escrow:05", status: 400},
	{name: "balances_no_colon", method: "GET", target: "/v1/balances/hilltown-hub", status: 400},
	{name: "movements", method: "GET", target: "/v1/movements/org:hilltown-hub", status: 200},
	{name: "movements_limit", method: "GET", target: "/v1/movements/escrow:5?limit=1", status: 200},
	{name: "movements_empty", method: "GET", target: "/v1/movements/org:swift-logistics", status: 200},
	{name: "movements_bad_account", method: "GET", target: "/v1/movements/escrow:x", status: 400},
	{name: "movements_bad_limit", method: "GET", target: "/v1/movements/escrow:5?limit=many", status: 400},

	{name: "rfqs", method: "GET", target: "/v1/rfqs", status: 200},
	{name: "rfqs_awarded", method: "GET", target: "/v1/rfqs?status=awarded", status: 200},
	{name: "rfqs_limit", method: "GET", target: "/v1/rfqs?limit=1", status: 200},
	{name: "rfqs_empty", method: "GET", target: "/v1/rfqs", status: 200, setup: func(e *env) { e.cfg.RFQs = inproc.Broken{} }},
	{name: "rfqs_bad_status", method: "GET", target: "/v1/rfqs?status=closed", status: 400},
	{name: "rfqs_bad_limit", method: "GET", target: "/v1/rfqs?limit=1001", status: 400},
	{name: "rfqs_unavailable", method: "GET", target: "/v1/rfqs", status: 503, setup: func(e *env) { e.cfg.RFQs = nil }},
	{name: "rfq", method: "GET", target: "/v1/rfqs/1", status: 200},
	{name: "rfq_open", method: "GET", target: "/v1/rfqs/2", status: 200},
	{name: "rfq_not_found", method: "GET", target: "/v1/rfqs/99", status: 404},
	{name: "rfq_bad_id", method: "GET", target: "/v1/rfqs/one", status: 400},
	{name: "rfq_bids", method: "GET", target: "/v1/rfqs/1/bids", status: 200},
	{name: "rfq_bids_sealed", method: "GET", target: "/v1/rfqs/2/bids", status: 200},
	{name: "rfq_bids_not_found", method: "GET", target: "/v1/rfqs/99/bids", status: 404},
	{name: "rfq_bids_bad_id", method: "GET", target: "/v1/rfqs/1.5/bids", status: 400},

	{name: "offers", method: "GET", target: "/v1/offers", status: 200},
	{name: "offers_supplier", method: "GET", target: "/v1/offers?supplier=blue-river-cotton", status: 200},
	{name: "offers_other_supplier", method: "GET", target: "/v1/offers?supplier=hilltown-hub", status: 200},
	{name: "offers_bad_supplier", method: "GET", target: "/v1/offers?supplier=Blue", status: 400},
	{name: "offers_unavailable", method: "GET", target: "/v1/offers", status: 503, setup: func(e *env) { e.cfg.Production = nil }},
	{name: "offers_internal", method: "GET", target: "/v1/offers", status: 500, setup: func(e *env) { e.cfg.Production = inproc.Broken{Err: errBoom} }},
	{name: "production_orders", method: "GET", target: "/v1/production-orders", status: 200},
	{name: "production_orders_factory_limit", method: "GET", target: "/v1/production-orders?factory=acme-textiles&limit=1", status: 200},
	{name: "production_orders_bad_factory", method: "GET", target: "/v1/production-orders?factory=a", status: 400},
	{name: "production_orders_bad_limit", method: "GET", target: "/v1/production-orders?limit=0", status: 400},
	{name: "production_order", method: "GET", target: "/v1/production-orders/3", status: 200},
	{name: "production_order_open", method: "GET", target: "/v1/production-orders/4", status: 200},
	{name: "production_order_not_found", method: "GET", target: "/v1/production-orders/99", status: 404},
	{name: "production_order_bad_id", method: "GET", target: "/v1/production-orders/two", status: 400},
	{name: "production_order_unavailable", method: "GET", target: "/v1/production-orders/3", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "work_orders", method: "GET", target: "/v1/production-orders/3/work-orders", status: 200},
	{name: "work_orders_empty", method: "GET", target: "/v1/production-orders/4/work-orders", status: 200},
	{name: "work_orders_not_found", method: "GET", target: "/v1/production-orders/99/work-orders", status: 404},
	{name: "work_orders_bad_id", method: "GET", target: "/v1/production-orders/-1/work-orders", status: 400},
	{name: "purchase_orders", method: "GET", target: "/v1/purchase-orders", status: 200},
	{name: "purchase_orders_org_limit", method: "GET", target: "/v1/purchase-orders?org=blue-river-cotton&limit=1", status: 200},
	{name: "purchase_orders_other_org", method: "GET", target: "/v1/purchase-orders?org=hilltown-hub", status: 200},
	{name: "purchase_orders_bad_org", method: "GET", target: "/v1/purchase-orders?org=x", status: 400},
	{name: "purchase_orders_bad_limit", method: "GET", target: "/v1/purchase-orders?limit=1001", status: 400},
	{name: "purchase_order", method: "GET", target: "/v1/purchase-orders/2", status: 200},
	{name: "purchase_order_sent", method: "GET", target: "/v1/purchase-orders/5", status: 200},
	{name: "purchase_order_not_found", method: "GET", target: "/v1/purchase-orders/99", status: 404},
	{name: "purchase_order_bad_id", method: "GET", target: "/v1/purchase-orders/1.5", status: 400},
	{name: "lots", method: "GET", target: "/v1/lots", status: 200},
	{name: "lots_owner_limit", method: "GET", target: "/v1/lots?owner=acme-textiles&limit=1", status: 200},
	{name: "lots_bad_owner", method: "GET", target: "/v1/lots?owner=Acme", status: 400},
	{name: "lots_bad_limit", method: "GET", target: "/v1/lots?limit=x", status: 400},
	{name: "lots_unavailable", method: "GET", target: "/v1/lots", status: 503, setup: func(e *env) { e.cfg.Production = nil }},
	{name: "lot", method: "GET", target: "/v1/lots/acme-textiles/blue-river-cotton/fab-0042", status: 200},
	{name: "lot_made", method: "GET", target: "/v1/lots/acme-textiles/merino-jacket-0001", status: 200},
	{name: "lot_not_found", method: "GET", target: "/v1/lots/acme-textiles/none", status: 404},
	{name: "lot_no_code", method: "GET", target: "/v1/lots/acme-textiles", status: 400},
	{name: "lot_trailing_slash", method: "GET", target: "/v1/lots/acme-textiles/scarf-001/", status: 400},
	{name: "lot_bad_code", method: "GET", target: "/v1/lots/acme-textiles/FAB", status: 400},
	{name: "lot_unavailable", method: "GET", target: "/v1/lots/acme-textiles/merino-jacket-0001", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "pool_production_order", method: "GET", target: "/v1/pools/1/production-order", status: 200},
	{name: "pool_production_order_none", method: "GET", target: "/v1/pools/5/production-order", status: 404},
	{name: "pool_production_order_bad_id", method: "GET", target: "/v1/pools/x/production-order", status: 400},
	{name: "pool_production_order_unavailable", method: "GET", target: "/v1/pools/1/production-order", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "master", method: "GET", target: "/v1/orgs/acme-textiles/master", status: 200},
	{name: "master_none", method: "GET", target: "/v1/orgs/hilltown-hub/master", status: 200},
	{name: "master_bad_org", method: "GET", target: "/v1/orgs/Acme/master", status: 400},
	{name: "master_unavailable", method: "GET", target: "/v1/orgs/acme-textiles/master", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "master_internal", method: "GET", target: "/v1/orgs/acme-textiles/master", status: 500,
		setup: func(e *env) { e.cfg.Production = inproc.Broken{Err: errBoom} }},
	{name: "stock", method: "GET", target: "/v1/orgs/acme-textiles/stock", status: 200},
	{name: "stock_supplier", method: "GET", target: "/v1/orgs/blue-river-cotton/stock", status: 200},
	{name: "stock_none", method: "GET", target: "/v1/orgs/hilltown-hub/stock", status: 200},
	{name: "stock_bad_org", method: "GET", target: "/v1/orgs/a/stock", status: 400},
	{name: "stock_unavailable", method: "GET", target: "/v1/orgs/acme-textiles/stock", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "reputation", method: "GET", target: "/v1/orgs/blue-river-cotton/reputation?facts=2", status: 200},
	{name: "reputation_factory", method: "GET", target: "/v1/orgs/acme-textiles/reputation", status: 200},
	{name: "reputation_unknown", method: "GET", target: "/v1/orgs/nobody-here/reputation", status: 404},
	{name: "reputation_bad_facts", method: "GET", target: "/v1/orgs/acme-textiles/reputation?facts=101", status: 400},
	{name: "reputation_unavailable", method: "GET", target: "/v1/orgs/acme-textiles/reputation", status: 503,
		setup: func(e *env) { e.cfg.Reputation = nil }},
	{name: "reputation_facts", method: "GET", target: "/v1/orgs/blue-river-cotton/reputation/on_time?offset=1&limit=1", status: 200},
	{name: "reputation_facts_bad_figure", method: "GET", target: "/v1/orgs/blue-river-cotton/reputation/stars", status: 400},
	{name: "plan", method: "GET", target: "/v1/plan/acme-textiles", status: 200},
	{name: "plan_empty", method: "GET", target: "/v1/plan/sunrise-garments", status: 200},
	{name: "plan_not_factory", method: "GET", target: "/v1/plan/hilltown-hub", status: 404},
	{name: "plan_bad_factory", method: "GET", target: "/v1/plan/ACME", status: 400},
	{name: "plan_refused", method: "GET", target: "/v1/plan/acme-textiles", status: 400,
		setup: func(e *env) {
			e.cfg.Plans = inproc.Broken{Err: gongxu.Errorf(gongxu.KindInvalid, "bill of materials has a cycle: a → b → a")}
		}},
	{name: "plan_starting", method: "GET", target: "/v1/plan/acme-textiles", status: 503,
		setup: func(e *env) { e.cfg.Plans = inproc.Broken{Err: unavailable} }},
	{name: "plan_unavailable", method: "GET", target: "/v1/plan/acme-textiles", status: 503,
		setup: func(e *env) { e.cfg.Plans = nil }},

	// Demand series (demand_test.go): anonymous, as the operator's hub, CSV.
	{name: "demand_month", method: "GET", target: "/v1/demand?product=acme-textiles/merino-jacket&period=month", status: 200, noToken: true},
	{name: "demand_own_hub", method: "GET", target: "/v1/demand?product=acme-textiles/merino-jacket&period=week&measure=pledged", status: 200,
		setup: func(e *env) { e.cfg.Operator = e.w.Operator(inproc.Hilltown) }},
	{name: "demand_csv", method: "GET", target: "/v1/demand?product=acme-textiles/wool-socks&period=week&format=csv", status: 200, noToken: true},
	{name: "demand_bad_period", method: "GET", target: "/v1/demand?period=year", status: 400, noToken: true},
	{name: "demand_bad_token", method: "GET", target: "/v1/demand", status: 401,
		setup: func(e *env) { e.secret = "not-a-token" }},
	{name: "demand_unavailable", method: "GET", target: "/v1/demand", status: 503, noToken: true,
		setup: func(e *env) { e.cfg.Demand = nil }},

	// Demand forecasts: anonymous (every jacket cell suppressed: nothing
	// forecast), as the operator's hub (its own series forecast), refusals.
	{name: "forecast_anonymous", method: "GET", target: "/v1/forecast?product=acme-textiles/merino-jacket&horizon=2", status: 200, noToken: true,
		setup: withForecast},
	{name: "forecast_own_hub", method: "GET", target: "/v1/forecast?product=acme-textiles/merino-jacket&hub=hilltown-hub&variant=m-navy&horizon=3", status: 200,
		setup: func(e *env) { withForecast(e); e.cfg.Operator = e.w.Operator(inproc.Hilltown) }},
	{name: "forecast_no_product", method: "GET", target: "/v1/forecast?horizon=2", status: 400, noToken: true, setup: withForecast},
	{name: "forecast_bad_horizon", method: "GET", target: "/v1/forecast?product=acme-textiles/merino-jacket&horizon=53", status: 400, noToken: true,
		setup: withForecast},
	{name: "forecast_unavailable", method: "GET", target: "/v1/forecast?product=acme-textiles/merino-jacket", status: 503, noToken: true},
	// A factory's hierarchy in money, as the operator's hub: the factory's
	// demand at Hilltown (its own cells) forecast, the rest suppressed.
	{name: "forecast_factory_money", method: "GET", target: "/v1/forecast?factory=acme-textiles&money=true&horizon=2", status: 200,
		setup: func(e *env) { withForecast(e); e.cfg.Operator = e.w.Operator(inproc.Hilltown) }},
	// Derived demand: Blue's items of Acme's BOMs, every product total
	// withheld from anonymous readers under the default thresholds (listed,
	// not derived); refusals.
	{name: "derived_blue", method: "GET", target: "/v1/demand/derived?supplier=blue-river-cotton&horizon=2", status: 200, noToken: true, setup: withDerived},
	{name: "derived_no_supplier", method: "GET", target: "/v1/demand/derived?horizon=2", status: 400, noToken: true, setup: withDerived},
	{name: "derived_unavailable", method: "GET", target: "/v1/demand/derived?supplier=blue-river-cotton", status: 503, noToken: true},
	{name: "forecast_network_bad_bool", method: "GET", target: "/v1/forecast?network=yes", status: 400, noToken: true, setup: withForecast},
	{name: "forecast_product_and_factory", method: "GET", target: "/v1/forecast?product=acme-textiles/merino-jacket&factory=acme-textiles", status: 400,
		noToken: true, setup: withForecast},

	{name: "route_not_found", method: "GET", target: "/v1/nothing", status: 404},
	{name: "method_not_allowed", method: "DELETE", target: "/v1/orgs", status: 405},

	// Disputes: the World has none; withDispute serves one.
	{name: "disputes_none", method: "GET", target: "/v1/disputes", status: 200},
	{name: "disputes_bad_status", method: "GET", target: "/v1/disputes?status=lost", status: 400},
	{name: "disputes_bad_org", method: "GET", target: "/v1/disputes?org=A", status: 400},
	{name: "disputes_bad_pool", method: "GET", target: "/v1/disputes?pool=x", status: 400},
	{name: "disputes_unavailable", method: "GET", target: "/v1/disputes", status: 503, setup: func(e *env) { e.cfg.Disputes = nil }},
	{name: "dispute_bad_id", method: "GET", target: "/v1/disputes/x", status: 400},
	{name: "dispute_not_found", method: "GET", target: "/v1/disputes/99", status: 404},
	{name: "disputes", method: "GET", target: "/v1/disputes", status: 200, setup: withDispute},
	{name: "disputes_panelist", method: "GET", target: "/v1/disputes?org=riverside-hub&status=panel", status: 200, setup: withDispute},
	{name: "disputes_other_status", method: "GET", target: "/v1/disputes?status=open", status: 200, setup: withDispute},
	{name: "dispute", method: "GET", target: "/v1/disputes/1", status: 200, setup: withDispute},

	// Carriers' legs: the World has none; withLeg serves one.
	{name: "legs_none", method: "GET", target: "/v1/legs", status: 200},
	{name: "legs_bad_status", method: "GET", target: "/v1/legs?status=lost", status: 400},
	{name: "legs_bad_org", method: "GET", target: "/v1/legs?org=A", status: 400},
	{name: "legs_bad_pool", method: "GET", target: "/v1/legs?pool=0", status: 400},
	{name: "legs_bad_lot", method: "GET", target: "/v1/legs?lot=nolot", status: 400},
	{name: "legs_unavailable", method: "GET", target: "/v1/legs", status: 503, setup: func(e *env) { e.cfg.Legs = nil }},
	{name: "leg_bad_id", method: "GET", target: "/v1/legs/x", status: 400},
	{name: "leg_not_found", method: "GET", target: "/v1/legs/99", status: 404},
	{name: "legs", method: "GET", target: "/v1/legs?org=swift-logistics&status=delivered&pool=4&lot=acme-textiles/merino-jacket-0001", status: 200, setup: withLeg},
	{name: "legs_po", method: "GET", target: "/v1/legs?po=3", status: 200, setup: withLeg},
	{name: "leg", method: "GET", target: "/v1/legs/1", status: 200, setup: withLeg},
}

// render is the golden text of a response: the request line, the status, the
// Content-Type and the body (JSON indented).
func render(method, target string, rec *httptest.ResponseRecorder) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n%d\nContent-Type: %s\n", method, target, rec.Code, rec.Header().Get("Content-Type"))
	if allow := rec.Header().Get("Allow"); allow != "" {
		fmt.Fprintf(&b, "Allow: %s\n", allow)
	}
	b.WriteString("\n")
	body := rec.Body.Bytes()
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		var ind bytes.Buffer
		if err := json.Indent(&ind, body, "", "  "); err == nil {
			body = ind.Bytes()
		}
	}
	b.Write(body)
	return b.String()
}

// run sends the case's request: a GET to a handler over w, a POST to one
// over a network of its own. It returns the response and the target as
// sent.
func (c apiCase) run(t *testing.T, w *inproc.World) (*httptest.ResponseRecorder, string) {
	t.Helper()
	var e *env
	if c.method == "POST" {
		e = netEnv(t)
	} else {
		e = envOn(t, w)
	}
	if c.setup != nil {
		c.setup(e)
	}
	var body []byte
	if c.body != nil {
		body = c.body(e)
	}
	target := e.expand(c.target)
	if c.noToken {
		return e.doWith(c.method, target, c.ctype, body), target
	}
	return e.do(c.method, target, c.ctype, body), target
}

func TestGolden(t *testing.T) {
	w := inproc.NewWorld(t)
	seen := map[string]bool{}
	for _, c := range goldenCases {
		if seen[c.name] {
			t.Fatalf("two cases named %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			rec, target := c.run(t, w)
			if rec.Code != c.status {
				t.Errorf("status %d, want %d; body %s", rec.Code, c.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); rec.Code != 200 && ct != "application/json" {
				t.Errorf("error response has Content-Type %q", ct)
			}
			got := render(c.method, target, rec)
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("response differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
	// No stale golden files.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".golden")
		if !seen[name] {
			if *update {
				os.Remove(f)
				continue
			}
			t.Errorf("%s belongs to no case (go test -update removes it)", f)
		}
	}
}

func TestKindStatusTable(t *testing.T) {
	want := map[string]int{
		"ok": 500, "internal": 500, "invalid": 400, "unauthorized": 403, "not_found": 404, "conflict": 409,
		"sequence": 409, "too_large": 413, "quota": 429, "expired": 409, "bad_signature": 400,
		"unknown_type": 400, "wrong_chain": 400, "unavailable": 503, "timeout": 504,
		"unauthenticated": 401, "busy": 503,
	}
	for _, k := range gongxu.Kinds() {
		s, ok := kindStatus[k]
		if !ok {
			t.Errorf("kind %s has no HTTP status in kindStatus", k)
			continue
		}
		if w, ok := want[k.String()]; ok && s != w {
			t.Errorf("kind %s: status %d, want %d", k, s, w)
		}
	}
	if len(kindStatus) != len(gongxu.Kinds()) {
		t.Errorf("kindStatus has %d entries, gongxu.Kinds() %d", len(kindStatus), len(gongxu.Kinds()))
	}
}

// TestErrorMapping sends every kind of error through a route.
func TestErrorMapping(t *testing.T) {
	kinds := append(gongxu.Kinds(), gongxu.Kind(999))
	for _, k := range kinds {
		t.Run(k.String(), func(t *testing.T) {
			e := envOn(t, nil)
			e.cfg.Members = inproc.Broken{Err: &gongxu.Error{Kind: k, Msg: "the detail of " + k.String(), Err: errBoom}}
			rec := e.do("GET", "/v1/orgs/acme-textiles", "", nil)
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%v: %s", err, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if rec.Code != httpStatus(k) {
				t.Errorf("status %d, want %d", rec.Code, httpStatus(k))
			}
			if httpStatus(k) == 500 {
				if body.Code != "internal" || body.Message != "internal error" {
					t.Errorf("internal error answered %+v, want the generic message", body)
				}
				if !strings.Contains(e.logs.String(), "the detail of "+k.String()) || !strings.Contains(e.logs.String(), "disk on fire") {
					t.Errorf("internal error not logged with its detail; logs:\n%s", e.logs)
				}
				return
			}
			if body.Code != k.String() || body.Message != "the detail of "+k.String() {
				t.Errorf("got %+v", body)
			}
			if strings.Contains(rec.Body.String(), "disk on fire") {
				t.Errorf("the cause leaked into the response: %s", rec.Body)
			}
		})
	}
	t.Run("plain error", func(t *testing.T) {
		e := envOn(t, nil)
		e.cfg.Members = inproc.Broken{Err: errBoom}
		rec := e.do("GET", "/v1/orgs", "", nil)
		if rec.Code != 500 || strings.Contains(rec.Body.String(), "disk") {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
}

// TestSubmitEncodings: a signed transaction in either encoding reaches the
// node as sent, with or without waiting; with wait it is committed when
// the answer comes, without it the next block commits it.
func TestSubmitEncodings(t *testing.T) {
	for _, c := range []struct {
		name, target, ctype string
		wait                bool
	}{
		{"octet default wait", "/v1/txs", octet, true},
		{"octet wait=true", "/v1/txs?wait=true", octet, true},
		{"octet wait=false", "/v1/txs?wait=false", octet, false},
		{"json default wait", "/v1/txs", ctJSON, true},
		{"json wait=false", "/v1/txs?wait=false", ctJSON, false},
		{"json wait=0", "/v1/txs?wait=0", ctJSON, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := netEnv(t)
			tx := e.tx(c.name)
			body := tx
			if c.ctype == ctJSON {
				body = jsonOf(tx)
			}
			rec := e.do("POST", c.target, c.ctype, body)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			calls := e.node.submitted()
			if len(calls) != 1 || !bytes.Equal(calls[0].tx, tx) || calls[0].wait != c.wait {
				t.Fatalf("node got %+v, want tx %x wait %v", calls, tx, c.wait)
			}
			var res gongxu.TxResult
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if res.Hash != gongxu.TxHash(tx) || res.Code != 0 || (res.Height != 0) != c.wait {
				t.Errorf("result %+v", res)
			}
			if !c.wait {
				e.w.Block()
			}
			got, err := e.w.Read().Tx(context.Background(), res.Hash)
			if err != nil || got.Code != 0 || c.wait && got.Height != res.Height {
				t.Errorf("committed %+v (%v), answered %+v", got, err, res)
			}
		})
	}
}

// TestBodyLimits: a body at the limit reaches the node (which judges its
// bytes), one over it does not.
func TestBodyLimits(t *testing.T) {
	big := bytes.Repeat([]byte{7}, maxTxBytes)
	for _, c := range []struct {
		name   string
		ctype  string
		body   []byte
		status int
	}{
		{"octet at the limit", octet, big, 200},
		{"octet over the limit", octet, append(big, 7), 413},
		{"json at the limit", ctJSON, jsonOf(big), 200},
		{"json over the limit", ctJSON, jsonOf(append(big, 7)), 413},
		{"json body over its limit", ctJSON, append([]byte(`{"tx":"`), bytes.Repeat([]byte("A"), int(jsonBodyLimit))...), 413},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := netEnv(t)
			rec := e.do("POST", "/v1/txs", c.ctype, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %.200s", rec.Code, c.status, rec.Body)
			}
			if c.status == 413 && !strings.Contains(rec.Body.String(), `"code":"too_large"`) {
				t.Errorf("body %s", rec.Body)
			}
			if n := len(e.node.submitted()); (c.status == 200) != (n == 1) {
				t.Errorf("node got %d submissions", n)
			}
			if c.status == 200 && !strings.Contains(rec.Body.String(), `"code":`) {
				t.Errorf("the node took bytes that are no transaction: %.200s", rec.Body)
			}
		})
	}
	// Without Content-Length (chunked), the limit holds while reading.
	t.Run("chunked", func(t *testing.T) {
		e := netEnv(t)
		req := httptest.NewRequest("POST", "/v1/txs", struct{ *bytes.Reader }{bytes.NewReader(append(big, 7))})
		req.ContentLength = -1
		req.Header.Set("Content-Type", octet)
		rec := httptest.NewRecorder()
		New(e.cfg).ServeHTTP(rec, req)
		if rec.Code != 413 || len(e.node.submitted()) != 0 {
			t.Errorf("status %d", rec.Code)
		}
	})
}

// TestBadInputChangesNothing: rejected requests never reach the node.
func TestBadInputChangesNothing(t *testing.T) {
	for _, c := range goldenCases {
		if c.method != "POST" || c.status != 400 && c.status != 413 {
			continue
		}
		e := netEnv(t)
		if c.setup != nil {
			c.setup(e)
		}
		var body []byte
		if c.body != nil {
			body = c.body(e)
		}
		h := e.w.Height()
		e.do(c.method, c.target, c.ctype, body)
		if n := len(e.node.submitted()); n != 0 || e.w.Height() != h {
			t.Errorf("%s: the node got %d submissions", c.name, n)
		}
	}
}

func TestMetrics(t *testing.T) {
	e := envOn(t, nil)
	rec := e.do("GET", "/metrics", "", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "gongxu_test_events_total 3") {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	e.cfg.Registry = nil
	rec = e.do("GET", "/metrics", "", nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "gongxu_test_events_total") {
		t.Errorf("nil registry: got %d %s", rec.Code, rec.Body)
	}
}

func TestOpenAPIServed(t *testing.T) {
	rec := envOn(t, nil).do("GET", "/v1/openapi.json", "", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("got %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !bytes.Equal(rec.Body.Bytes(), openAPIDocument) {
		t.Error("served document differs from the embedded one")
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Error("the document is not valid JSON")
	}
}

func TestNilServices(t *testing.T) {
	h := New(Config{})
	for _, rt := range routes {
		path := strings.NewReplacer("{hash}", hashAbsent, "{pubkey}", keyAcme, "{id}", "1",
			"{factory}", "acme-textiles", "{sku}", "merino-jacket", "{tx}", hashAbsent, "{index}", "0",
			"{account}", "org:hilltown-hub").Replace(rt.Path)
		req := httptest.NewRequest(rt.Method, path, strings.NewReader("x"))
		req.Header.Set("Content-Type", octet)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch {
		case rt.Path == "/metrics" || rt.Path == "/v1/openapi.json":
			if rec.Code != 200 {
				t.Errorf("%s %s: %d", rt.Method, path, rec.Code)
			}
		case signingRoutes[rt.Method+" "+rt.Path]:
			// Without Tokens, nobody may make the node sign.
			if rec.Code != 401 {
				t.Errorf("%s %s: %d %s, want 401", rt.Method, path, rec.Code, rec.Body)
			}
		default:
			if rec.Code != 503 {
				t.Errorf("%s %s: %d %s, want 503", rt.Method, path, rec.Code, rec.Body)
			}
		}
	}
}

func TestLogging(t *testing.T) {
	e := newEnv(t)
	e.do("GET", "/v1/orgs?x=1", "", nil)
	logs := e.logs.String()
	for _, want := range []string{"level=DEBUG", `msg="http request"`, "method=GET", "path=/v1/orgs", "status=200"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	e = envOn(t, nil)
	e.cfg.Members = inproc.Broken{Panic: "nil map"}
	rec := e.do("GET", "/v1/orgs", "", nil)
	logs = e.logs.String()
	if rec.Code != 500 || !strings.Contains(logs, "panic") || !strings.Contains(logs, "nil map") || !strings.Contains(logs, "status=500") {
		t.Errorf("panic: %d, logs:\n%s", rec.Code, logs)
	}
}

func TestHeadersAndLists(t *testing.T) {
	// Every JSON list route answers an array, never null, even when the
	// service returns nil.
	e := envOn(t, nil)
	none := inproc.Broken{}
	e.cfg.Members, e.cfg.Txs, e.cfg.Pools, e.cfg.RFQs, e.cfg.Production = none, none, none, none, none
	for _, target := range []string{
		"/v1/orgs", "/v1/validators", "/v1/proposals", "/v1/txs", "/v1/products", "/v1/pools?status=delivered",
		"/v1/pools/4/shares", "/v1/pools/4/batches", "/v1/balances/org:hilltown-hub", "/v1/movements/org:hilltown-hub",
		"/v1/rfqs", "/v1/offers", "/v1/production-orders/2/work-orders", "/v1/lots", "/v1/orgs/acme-textiles/stock",
	} {
		rec := e.do("GET", target, "", nil)
		if got := strings.TrimSpace(rec.Body.String()); got != "[]" {
			t.Errorf("%s: %s", target, got)
		}
	}
	// Objects of lists hold every list, empty ones as []: a factory that
	// has done nothing yet.
	e = newEnv(t)
	for target, want := range map[string]string{
		"/v1/orgs/sunrise-garments/master": `{"items":[],"bom":[],"routings":[],"work_centers":[]}`,
		"/v1/plan/sunrise-garments": fmt.Sprintf(`{"factory":"sunrise-garments","at":%d,"orders":[],"purchases":[],"work":[],"dates":[],`+
			`"ops":[],"work_centers":[],"txs":[],"problems":[]}`, e.w.Now()),
	} {
		rec := e.do("GET", target, "", nil)
		if got := strings.TrimSpace(rec.Body.String()); got != want {
			t.Errorf("%s: %s, want %s", target, got, want)
		}
	}
	rec := e.do("GET", "/v1/orgs", "", nil)
	if rec.Code != 200 || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%d, no nosniff header", rec.Code)
	}
}

// Statuses of responses are those of the table only, except the mux's 405.
func TestStatusesFromTable(t *testing.T) {
	allowed := map[int]bool{200: true, 405: true}
	for _, s := range kindStatus {
		allowed[s] = true
	}
	for _, c := range goldenCases {
		if !allowed[c.status] {
			t.Errorf("%s: status %d is not in kindStatus", c.name, c.status)
		}
	}
}

// clockNode is a node that reports another latest block time.
type clockNode struct {
	gongxu.NodeService
	blockTime string
}

func (n clockNode) Status(ctx context.Context) (gongxu.Status, error) {
	st, err := n.NodeService.Status(ctx)
	st.BlockTime = n.blockTime
	return st, err
}

// TestPoolProgressClock: a pool's progress runs on the node's latest block
// time, not the wall clock.
func TestPoolProgressClock(t *testing.T) {
	w := inproc.NewWorld(t)
	p, err := w.Read().Pool(context.Background(), w.JacketsOpen)
	if err != nil {
		t.Fatal(err)
	}
	rfc := func(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano) }
	for _, c := range []struct {
		blockTime string
		status    int
		msLeft    int64
	}{
		{rfc(w.Now()), 200, p.Deadline - w.Now()},
		{rfc(p.Deadline - 500), 200, 500},
		{time.UnixMilli(p.Deadline).In(time.FixedZone("", 3600)).Format(time.RFC3339), 200, 0},
		{"2031-01-01T00:00:00Z", 200, 0},
		{"", 503, 0},
		{"yesterday", 500, 0},
	} {
		e := envOn(t, w)
		e.cfg.Node = clockNode{e.cfg.Node, c.blockTime}
		rec := e.do("GET", fmt.Sprintf("/v1/pools/%d", w.JacketsOpen), "", nil)
		if rec.Code != c.status {
			t.Errorf("block time %q: status %d, want %d: %s", c.blockTime, rec.Code, c.status, rec.Body)
			continue
		}
		if c.status != 200 {
			continue
		}
		var v gongxu.PoolView
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		want := gongxu.PoolProgress(p, p.Deadline-c.msLeft)
		if v.Progress.MsLeft != c.msLeft {
			t.Errorf("block time %q: ms_left %d, want %d", c.blockTime, v.Progress.MsLeft, c.msLeft)
		}
		sameFields(t, v.Progress, want)
		sameFields(t, v.Pool, p)
	}
}

// sameFields compares two values by their JSON, null and [] alike.
func sameFields(t *testing.T, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	norm := func(b []byte) string { return strings.ReplaceAll(string(b), "null", "[]") }
	if norm(g) != norm(w) {
		t.Errorf("\n got %s\nwant %s", g, w)
	}
}
