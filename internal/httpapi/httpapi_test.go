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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
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

// env is a handler over the fakes, with its logs.
type env struct {
	node     *fake.Node
	members  *fake.Members
	txs      *fake.Txs
	pools    *fake.Pools
	rfqs     *fake.RFQs
	receipts *fake.Receipts
	prod     *fake.Production
	plans    *fake.Plans
	cfg      Config
	logs     *syncBuffer
}

func newEnv() *env {
	node, members, txs := fake.New()
	pools, rfqs, receipts := fake.NewMarket()
	prod := fake.NewProduction()
	plans := fake.NewPlans()
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "gongxu_test_events_total", Help: "Events counted by the test."})
	c.Add(3)
	reg.MustRegister(c)
	logs := &syncBuffer{}
	return &env{
		node: node, members: members, txs: txs, pools: pools, rfqs: rfqs, receipts: receipts, prod: prod, plans: plans, logs: logs,
		cfg: Config{
			Node: node, Members: members, Txs: txs, Pools: pools, RFQs: rfqs, Receipts: receipts, Production: prod, Plans: plans,
			Tokens: fake.Tokens{}, Registry: reg,
			Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		},
	}
}

// do sends a request with the tests' API token, as a client of the
// signing routes would; doWith sends other headers instead.
func (e *env) do(method, target, ctype string, body []byte) *httptest.ResponseRecorder {
	return e.doWith(method, target, ctype, body, "Authorization", "Bearer "+fake.Token)
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

// apiCase is one request of the golden tests, with its expected status.
type apiCase struct {
	name   string
	method string
	target string
	ctype  string
	body   func() []byte
	setup  func(e *env)
	status int

	noToken bool // send no Authorization header (every other case sends the tests' token)
}

func str(s string) func() []byte { return func() []byte { return []byte(s) } }

func jsonTx(tx []byte) func() []byte {
	return func() []byte { return []byte(`{"tx": "` + base64.StdEncoding.EncodeToString(tx) + `"}`) }
}

const (
	octet  = "application/octet-stream"
	ctJSON = "application/json"
)

var (
	hashVote   = fake.Hash([]byte("vote"))
	hashAbsent = strings.Repeat("0", 64)
	errBoom    = errors.New("disk on fire: /var/lib/gongxu/read.db")
)

// goldenCases are the requests whose responses live in testdata/<name>.golden.
// The OpenAPI test validates each of them against the document.
var goldenCases = []apiCase{
	{name: "healthz", method: "GET", target: "/healthz", status: 200},
	{name: "healthz_starting", method: "GET", target: "/healthz", status: 503,
		setup: func(e *env) { e.node.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")) }},
	{name: "healthz_internal", method: "GET", target: "/healthz", status: 503,
		setup: func(e *env) { e.node.SetErr(errBoom) }},
	{name: "metrics", method: "GET", target: "/metrics", status: 200},

	{name: "status", method: "GET", target: "/v1/status", status: 200},
	{name: "status_starting", method: "GET", target: "/v1/status", status: 503,
		setup: func(e *env) { e.node.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")) }},
	{name: "status_read_model_broken", method: "GET", target: "/v1/status", status: 500,
		setup: func(e *env) { e.txs.SetErr(gongxu.Wrap(errBoom, "reading the read model height")) }},

	{name: "submit_octet", method: "POST", target: "/v1/txs", ctype: octet, body: str("transfer 1"), status: 200},
	{name: "submit_json", method: "POST", target: "/v1/txs", ctype: ctJSON, body: jsonTx([]byte("transfer 1")), status: 200},
	{name: "submit_json_charset", method: "POST", target: "/v1/txs", ctype: "application/json; charset=utf-8", body: jsonTx([]byte("transfer 1")), status: 200},
	{name: "submit_nowait", method: "POST", target: "/v1/txs?wait=false", ctype: octet, body: str("transfer 2"), status: 200},
	{name: "submit_rejected", method: "POST", target: "/v1/txs", ctype: octet, body: str(fake.TxReject + "replay"), status: 200},
	{name: "submit_timeout", method: "POST", target: "/v1/txs", ctype: octet, body: str(fake.TxTimeout + "x"), status: 504},
	{name: "submit_wait_timeout", method: "POST", target: "/v1/txs", ctype: octet, body: str(fake.TxBlock + "x"), status: 504,
		setup: func(e *env) { e.cfg.WaitTimeout = 5 * time.Millisecond }},
	{name: "submit_mempool_full", method: "POST", target: "/v1/txs", ctype: octet, body: str(fake.TxFull + "x"), status: 503},
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
		body: func() []byte { return make([]byte, maxTxBytes+1) }},
	{name: "submit_too_large_json_tx", method: "POST", target: "/v1/txs", ctype: ctJSON, status: 413,
		body: jsonTx(make([]byte, maxTxBytes+1))},
	{name: "submit_too_large_json_body", method: "POST", target: "/v1/txs", ctype: ctJSON, status: 413,
		body: func() []byte { return append([]byte(`{"tx": "`), bytes.Repeat([]byte("A"), int(jsonBodyLimit))...) }},

	{name: "txs_recent", method: "GET", target: "/v1/txs", status: 200},
	{name: "txs_recent_limit", method: "GET", target: "/v1/txs?limit=1", status: 200},
	{name: "txs_recent_empty", method: "GET", target: "/v1/txs", status: 200, setup: func(e *env) { e.txs.SetEmpty() }},
	{name: "txs_recent_bad_limit", method: "GET", target: "/v1/txs?limit=ten", status: 400},
	{name: "txs_recent_zero_limit", method: "GET", target: "/v1/txs?limit=0", status: 400},
	{name: "txs_recent_huge_limit", method: "GET", target: "/v1/txs?limit=1001", status: 400},

	{name: "tx", method: "GET", target: "/v1/txs/" + hashVote, status: 200},
	{name: "tx_lower_case", method: "GET", target: "/v1/txs/" + strings.ToLower(hashVote), status: 200},
	{name: "tx_not_found", method: "GET", target: "/v1/txs/" + hashAbsent, status: 404},
	{name: "tx_bad_hash", method: "GET", target: "/v1/txs/" + strings.Repeat("zz", 32), status: 400},
	{name: "tx_short_hash", method: "GET", target: "/v1/txs/abcd", status: 400},

	{name: "account", method: "GET", target: "/v1/accounts/" + string(fake.KeyAcme), status: 200},
	{name: "account_unknown", method: "GET", target: "/v1/accounts/" + string(fake.KeyNoOrg), status: 200},
	{name: "account_upper_case", method: "GET", target: "/v1/accounts/" + strings.ToUpper(string(fake.KeyAcme)), status: 400},
	{name: "account_bad_key", method: "GET", target: "/v1/accounts/alice", status: 400},

	{name: "orgs", method: "GET", target: "/v1/orgs", status: 200},
	{name: "orgs_empty", method: "GET", target: "/v1/orgs", status: 200, setup: func(e *env) { e.members.SetEmpty() }},
	{name: "orgs_internal", method: "GET", target: "/v1/orgs", status: 500, setup: func(e *env) { e.members.SetErr(errBoom) }},
	{name: "org", method: "GET", target: "/v1/orgs/acme-textiles", status: 200},
	{name: "org_not_found", method: "GET", target: "/v1/orgs/nobody", status: 404},
	{name: "org_bad_id", method: "GET", target: "/v1/orgs/Acme_Textiles", status: 400},

	{name: "validators", method: "GET", target: "/v1/validators", status: 200},
	{name: "validators_empty", method: "GET", target: "/v1/validators", status: 200, setup: func(e *env) { e.members.SetEmpty() }},
	{name: "validators_panic", method: "GET", target: "/v1/validators", status: 500, setup: func(e *env) { e.members.SetPanic("nil map") }},

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
	{name: "products_other_factory", method: "GET", target: "/v1/products?factory=silk-supply", status: 200},
	{name: "products_bad_factory", method: "GET", target: "/v1/products?factory=Acme", status: 400},
	{name: "products_internal", method: "GET", target: "/v1/products", status: 500, setup: func(e *env) { e.pools.SetErr(errBoom) }},
	{name: "products_unavailable", method: "GET", target: "/v1/products", status: 503, setup: func(e *env) { e.cfg.Pools = nil }},
	{name: "product", method: "GET", target: "/v1/products/acme-textiles/down-jacket", status: 200},
	{name: "product_not_found", method: "GET", target: "/v1/products/acme-textiles/rain-boots", status: 404},
	{name: "product_bad_factory", method: "GET", target: "/v1/products/9acme/down-jacket", status: 400},
	{name: "product_bad_sku", method: "GET", target: "/v1/products/acme-textiles/Down_Jacket", status: 400},

	{name: "pools", method: "GET", target: "/v1/pools", status: 200},
	{name: "pools_open", method: "GET", target: "/v1/pools?status=open", status: 200},
	{name: "pools_in_production", method: "GET", target: "/v1/pools?status=in_production", status: 200},
	{name: "pools_factory_hub_limit", method: "GET", target: "/v1/pools?factory=acme-textiles&hub=hub-lishui&limit=2", status: 200},
	{name: "pools_bad_status", method: "GET", target: "/v1/pools?status=closed", status: 400},
	{name: "pools_bad_factory", method: "GET", target: "/v1/pools?factory=a", status: 400},
	{name: "pools_bad_hub", method: "GET", target: "/v1/pools?hub=Hub_Lishui", status: 400},
	{name: "pools_bad_limit", method: "GET", target: "/v1/pools?limit=0", status: 400},
	{name: "pool", method: "GET", target: "/v1/pools/4", status: 200},
	{name: "pool_failed", method: "GET", target: "/v1/pools/2", status: 200},
	{name: "pool_not_found", method: "GET", target: "/v1/pools/99", status: 404},
	{name: "pool_bad_id", method: "GET", target: "/v1/pools/four", status: 400},
	{name: "pool_node_starting", method: "GET", target: "/v1/pools/4", status: 503,
		setup: func(e *env) { e.node.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")) }},
	{name: "pool_no_node", method: "GET", target: "/v1/pools/4", status: 503, setup: func(e *env) { e.cfg.Node = nil }},
	{name: "pool_shares", method: "GET", target: "/v1/pools/4/shares", status: 200},
	{name: "pool_shares_no_variants", method: "GET", target: "/v1/pools/3/shares", status: 200},
	{name: "pool_shares_empty", method: "GET", target: "/v1/pools/1/shares", status: 200},
	{name: "pool_shares_not_found", method: "GET", target: "/v1/pools/99/shares", status: 404},
	{name: "pool_shares_bad_id", method: "GET", target: "/v1/pools/-4/shares", status: 400},
	{name: "pool_batches", method: "GET", target: "/v1/pools/4/batches", status: 200},
	{name: "pool_batches_empty", method: "GET", target: "/v1/pools/3/batches", status: 200},
	{name: "pool_batches_not_found", method: "GET", target: "/v1/pools/99/batches", status: 404},
	{name: "pool_batches_bad_id", method: "GET", target: "/v1/pools/4x/batches", status: 400},

	{name: "receipt", method: "GET", target: "/v1/batches/" + fake.BatchTx + "/receipts/3", status: 200},
	{name: "receipt_lower_case", method: "GET", target: "/v1/batches/" + strings.ToLower(fake.BatchTx) + "/receipts/0", status: 200},
	{name: "receipt_no_leaf", method: "GET", target: "/v1/batches/" + fake.BatchTx + "/receipts/10", status: 404},
	{name: "receipt_not_a_batch", method: "GET", target: "/v1/batches/" + hashVote + "/receipts/0", status: 404},
	{name: "receipt_bad_tx", method: "GET", target: "/v1/batches/abc/receipts/0", status: 400},
	{name: "receipt_bad_index", method: "GET", target: "/v1/batches/" + fake.BatchTx + "/receipts/-1", status: 400},
	{name: "receipt_unavailable", method: "GET", target: "/v1/batches/" + fake.BatchTx + "/receipts/0", status: 503,
		setup: func(e *env) { e.cfg.Receipts = nil }},

	{name: "balances_org", method: "GET", target: "/v1/balances/org:hub-lishui", status: 200},
	{name: "balances_key", method: "GET", target: "/v1/balances/key:" + string(fake.KeyNoOrg), status: 200},
	{name: "balances_escrow", method: "GET", target: "/v1/balances/escrow:4", status: 200},
	{name: "balances_never_moved", method: "GET", target: "/v1/balances/captured:99", status: 200},
	{name: "balances_bad_kind", method: "GET", target: "/v1/balances/bank:icbc", status: 400},
	{name: "balances_bad_org", method: "GET", target: "/v1/balances/org:Hub", status: 400},
	{name: "balances_bad_key", method: "GET", target: "/v1/balances/key:abc", status: 400},
	{name: "balances_zero_pool", method: "GET", target: "/v1/balances/escrow:0", status: 400},
	{name: "balances_leading_zero", method: "GET", target: "/v1/balances/escrow:04", status: 400},
	{name: "balances_no_colon", method: "GET", target: "/v1/balances/hub-lishui", status: 400},
	{name: "movements", method: "GET", target: "/v1/movements/org:hub-lishui", status: 200},
	{name: "movements_limit", method: "GET", target: "/v1/movements/escrow:4?limit=1", status: 200},
	{name: "movements_empty", method: "GET", target: "/v1/movements/org:silk-supply", status: 200},
	{name: "movements_bad_account", method: "GET", target: "/v1/movements/escrow:x", status: 400},
	{name: "movements_bad_limit", method: "GET", target: "/v1/movements/escrow:4?limit=many", status: 400},

	{name: "rfqs", method: "GET", target: "/v1/rfqs", status: 200},
	{name: "rfqs_awarded", method: "GET", target: "/v1/rfqs?status=awarded", status: 200},
	{name: "rfqs_limit", method: "GET", target: "/v1/rfqs?limit=1", status: 200},
	{name: "rfqs_empty", method: "GET", target: "/v1/rfqs", status: 200, setup: func(e *env) { e.rfqs.SetEmpty() }},
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
	{name: "offers_supplier", method: "GET", target: "/v1/offers?supplier=silk-supply", status: 200},
	{name: "offers_other_supplier", method: "GET", target: "/v1/offers?supplier=hub-lishui", status: 200},
	{name: "offers_bad_supplier", method: "GET", target: "/v1/offers?supplier=Silk", status: 400},
	{name: "offers_unavailable", method: "GET", target: "/v1/offers", status: 503, setup: func(e *env) { e.cfg.Production = nil }},
	{name: "offers_internal", method: "GET", target: "/v1/offers", status: 500, setup: func(e *env) { e.prod.SetErr(errBoom) }},
	{name: "production_orders", method: "GET", target: "/v1/production-orders", status: 200},
	{name: "production_orders_factory_limit", method: "GET", target: "/v1/production-orders?factory=acme-textiles&limit=1", status: 200},
	{name: "production_orders_bad_factory", method: "GET", target: "/v1/production-orders?factory=a", status: 400},
	{name: "production_orders_bad_limit", method: "GET", target: "/v1/production-orders?limit=0", status: 400},
	{name: "production_order", method: "GET", target: "/v1/production-orders/2", status: 200},
	{name: "production_order_open", method: "GET", target: "/v1/production-orders/1", status: 200},
	{name: "production_order_not_found", method: "GET", target: "/v1/production-orders/99", status: 404},
	{name: "production_order_bad_id", method: "GET", target: "/v1/production-orders/two", status: 400},
	{name: "production_order_unavailable", method: "GET", target: "/v1/production-orders/2", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "work_orders", method: "GET", target: "/v1/production-orders/2/work-orders", status: 200},
	{name: "work_orders_empty", method: "GET", target: "/v1/production-orders/1/work-orders", status: 200},
	{name: "work_orders_not_found", method: "GET", target: "/v1/production-orders/99/work-orders", status: 404},
	{name: "work_orders_bad_id", method: "GET", target: "/v1/production-orders/-1/work-orders", status: 400},
	{name: "purchase_orders", method: "GET", target: "/v1/purchase-orders", status: 200},
	{name: "purchase_orders_org_limit", method: "GET", target: "/v1/purchase-orders?org=silk-supply&limit=1", status: 200},
	{name: "purchase_orders_other_org", method: "GET", target: "/v1/purchase-orders?org=hub-lishui", status: 200},
	{name: "purchase_orders_bad_org", method: "GET", target: "/v1/purchase-orders?org=x", status: 400},
	{name: "purchase_orders_bad_limit", method: "GET", target: "/v1/purchase-orders?limit=1001", status: 400},
	{name: "purchase_order", method: "GET", target: "/v1/purchase-orders/2", status: 200},
	{name: "purchase_order_sent", method: "GET", target: "/v1/purchase-orders/1", status: 200},
	{name: "purchase_order_not_found", method: "GET", target: "/v1/purchase-orders/99", status: 404},
	{name: "purchase_order_bad_id", method: "GET", target: "/v1/purchase-orders/1.5", status: 400},
	{name: "lots", method: "GET", target: "/v1/lots", status: 200},
	{name: "lots_owner_limit", method: "GET", target: "/v1/lots?owner=acme-textiles&limit=1", status: 200},
	{name: "lots_bad_owner", method: "GET", target: "/v1/lots?owner=Acme", status: 400},
	{name: "lots_bad_limit", method: "GET", target: "/v1/lots?limit=x", status: 400},
	{name: "lots_unavailable", method: "GET", target: "/v1/lots", status: 503, setup: func(e *env) { e.cfg.Production = nil }},
	{name: "lot", method: "GET", target: "/v1/lots/acme-textiles/silk-supply/fab-001", status: 200},
	{name: "lot_made", method: "GET", target: "/v1/lots/acme-textiles/jacket-001", status: 200},
	{name: "lot_not_found", method: "GET", target: "/v1/lots/acme-textiles/none", status: 404},
	{name: "lot_no_code", method: "GET", target: "/v1/lots/acme-textiles", status: 400},
	{name: "lot_trailing_slash", method: "GET", target: "/v1/lots/acme-textiles/fab-001/", status: 400},
	{name: "lot_bad_code", method: "GET", target: "/v1/lots/acme-textiles/FAB", status: 400},
	{name: "lot_unavailable", method: "GET", target: "/v1/lots/acme-textiles/jacket-001", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "pool_production_order", method: "GET", target: "/v1/pools/3/production-order", status: 200},
	{name: "pool_production_order_none", method: "GET", target: "/v1/pools/4/production-order", status: 404},
	{name: "pool_production_order_bad_id", method: "GET", target: "/v1/pools/x/production-order", status: 400},
	{name: "pool_production_order_unavailable", method: "GET", target: "/v1/pools/3/production-order", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "master", method: "GET", target: "/v1/orgs/acme-textiles/master", status: 200},
	{name: "master_none", method: "GET", target: "/v1/orgs/hub-lishui/master", status: 200},
	{name: "master_bad_org", method: "GET", target: "/v1/orgs/Acme/master", status: 400},
	{name: "master_unavailable", method: "GET", target: "/v1/orgs/acme-textiles/master", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "master_internal", method: "GET", target: "/v1/orgs/acme-textiles/master", status: 500,
		setup: func(e *env) { e.prod.SetErr(errBoom) }},
	{name: "stock", method: "GET", target: "/v1/orgs/acme-textiles/stock", status: 200},
	{name: "stock_supplier", method: "GET", target: "/v1/orgs/silk-supply/stock", status: 200},
	{name: "stock_none", method: "GET", target: "/v1/orgs/hub-lishui/stock", status: 200},
	{name: "stock_bad_org", method: "GET", target: "/v1/orgs/a/stock", status: 400},
	{name: "stock_unavailable", method: "GET", target: "/v1/orgs/acme-textiles/stock", status: 503,
		setup: func(e *env) { e.cfg.Production = nil }},
	{name: "plan", method: "GET", target: "/v1/plan/acme-textiles", status: 200},
	{name: "plan_empty", method: "GET", target: "/v1/plan/acme-textiles", status: 200, setup: func(e *env) { e.plans.SetEmpty() }},
	{name: "plan_not_factory", method: "GET", target: "/v1/plan/hub-lishui", status: 404},
	{name: "plan_bad_factory", method: "GET", target: "/v1/plan/ACME", status: 400},
	{name: "plan_refused", method: "GET", target: "/v1/plan/acme-textiles", status: 400,
		setup: func(e *env) {
			e.plans.SetErr(gongxu.Errorf(gongxu.KindInvalid, "bill of materials has a cycle: a → b → a"))
		}},
	{name: "plan_starting", method: "GET", target: "/v1/plan/acme-textiles", status: 503,
		setup: func(e *env) { e.plans.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")) }},
	{name: "plan_unavailable", method: "GET", target: "/v1/plan/acme-textiles", status: 503,
		setup: func(e *env) { e.cfg.Plans = nil }},

	{name: "route_not_found", method: "GET", target: "/v1/nothing", status: 404},
	{name: "method_not_allowed", method: "DELETE", target: "/v1/orgs", status: 405},
}

// render is the golden text of a response: the request line, the status, the
// Content-Type and the body (JSON indented).
func render(c apiCase, rec *httptest.ResponseRecorder) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n%d\nContent-Type: %s\n", c.method, c.target, rec.Code, rec.Header().Get("Content-Type"))
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

func (c apiCase) run(t *testing.T) *httptest.ResponseRecorder {
	t.Helper()
	e := newEnv()
	if c.setup != nil {
		c.setup(e)
	}
	var body []byte
	if c.body != nil {
		body = c.body()
	}
	if c.noToken {
		return e.doWith(c.method, c.target, c.ctype, body)
	}
	return e.do(c.method, c.target, c.ctype, body)
}

func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range goldenCases {
		if seen[c.name] {
			t.Fatalf("two cases named %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			rec := c.run(t)
			if rec.Code != c.status {
				t.Errorf("status %d, want %d; body %s", rec.Code, c.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); rec.Code != 200 && ct != "application/json" {
				t.Errorf("error response has Content-Type %q", ct)
			}
			got := render(c, rec)
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
		"unauthenticated": 401,
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
			e := newEnv()
			e.members.SetErr(&gongxu.Error{Kind: k, Msg: "the detail of " + k.String(), Err: errBoom})
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
		e := newEnv()
		e.members.SetErr(errBoom)
		rec := e.do("GET", "/v1/orgs", "", nil)
		if rec.Code != 500 || strings.Contains(rec.Body.String(), "disk") {
			t.Errorf("got %d %s", rec.Code, rec.Body)
		}
	})
}

func TestSubmitEncodings(t *testing.T) {
	tx := []byte{0, 1, 2, 0xff, 'x', '\n'}
	for _, c := range []struct {
		name, target, ctype string
		body                []byte
		wait                bool
	}{
		{"octet default wait", "/v1/txs", octet, tx, true},
		{"octet wait=true", "/v1/txs?wait=true", octet, tx, true},
		{"octet wait=false", "/v1/txs?wait=false", octet, tx, false},
		{"json default wait", "/v1/txs", ctJSON, jsonTx(tx)(), true},
		{"json wait=false", "/v1/txs?wait=false", ctJSON, jsonTx(tx)(), false},
		{"json wait=0", "/v1/txs?wait=0", ctJSON, jsonTx(tx)(), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv()
			rec := e.do("POST", c.target, c.ctype, c.body)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			calls := e.node.Submitted()
			if len(calls) != 1 || !bytes.Equal(calls[0].Tx, tx) || calls[0].Wait != c.wait {
				t.Fatalf("node got %+v, want tx %x wait %v", calls, tx, c.wait)
			}
			var res gongxu.TxResult
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			wantHeight := int64(0)
			if c.wait {
				wantHeight = 58
			}
			if res.Hash != fake.Hash(tx) || res.Height != wantHeight || res.Code != 0 {
				t.Errorf("result %+v", res)
			}
		})
	}
}

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
		{"json at the limit", ctJSON, jsonTx(big)(), 200},
		{"json over the limit", ctJSON, jsonTx(append(big, 7))(), 413},
		{"json body over its limit", ctJSON, append([]byte(`{"tx":"`), bytes.Repeat([]byte("A"), int(jsonBodyLimit))...), 413},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv()
			rec := e.do("POST", "/v1/txs", c.ctype, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %.200s", rec.Code, c.status, rec.Body)
			}
			if c.status == 413 && !strings.Contains(rec.Body.String(), `"code":"too_large"`) {
				t.Errorf("body %s", rec.Body)
			}
			if n := len(e.node.Submitted()); (c.status == 200) != (n == 1) {
				t.Errorf("node got %d submissions", n)
			}
		})
	}
	// Without Content-Length (chunked), the limit holds while reading.
	t.Run("chunked", func(t *testing.T) {
		e := newEnv()
		req := httptest.NewRequest("POST", "/v1/txs", struct{ *bytes.Reader }{bytes.NewReader(append(big, 7))})
		req.ContentLength = -1
		req.Header.Set("Content-Type", octet)
		rec := httptest.NewRecorder()
		New(e.cfg).ServeHTTP(rec, req)
		if rec.Code != 413 {
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
		e := newEnv()
		if c.setup != nil {
			c.setup(e)
		}
		var body []byte
		if c.body != nil {
			body = c.body()
		}
		e.do(c.method, c.target, c.ctype, body)
		if n := len(e.node.Submitted()); n != 0 {
			t.Errorf("%s: the node got %d submissions", c.name, n)
		}
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv()
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
	rec := newEnv().do("GET", "/v1/openapi.json", "", nil)
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
		path := strings.NewReplacer("{hash}", hashVote, "{pubkey}", string(fake.KeyAcme), "{id}", "1",
			"{factory}", "acme-textiles", "{sku}", "down-jacket", "{tx}", fake.BatchTx, "{index}", "0",
			"{account}", "org:hub-lishui").Replace(rt.Path)
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
	e := newEnv()
	e.do("GET", "/v1/orgs?x=1", "", nil)
	logs := e.logs.String()
	for _, want := range []string{"level=DEBUG", `msg="http request"`, "method=GET", "path=/v1/orgs", "status=200"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	e = newEnv()
	e.members.SetPanic("nil map")
	rec := e.do("GET", "/v1/orgs", "", nil)
	logs = e.logs.String()
	if rec.Code != 500 || !strings.Contains(logs, "panic") || !strings.Contains(logs, "nil map") || !strings.Contains(logs, "status=500") {
		t.Errorf("panic: %d, logs:\n%s", rec.Code, logs)
	}
}

func TestHeadersAndLists(t *testing.T) {
	// Every JSON list route answers an array, never null, even when the
	// service returns nil.
	e := newEnv()
	e.members.SetEmpty()
	e.txs.SetEmpty()
	e.pools.SetEmpty()
	e.rfqs.SetEmpty()
	e.prod.SetEmpty()
	for _, target := range []string{
		"/v1/orgs", "/v1/validators", "/v1/proposals", "/v1/txs", "/v1/products", "/v1/pools?status=delivered",
		"/v1/pools/4/shares", "/v1/pools/4/batches", "/v1/balances/org:hub-lishui", "/v1/movements/org:hub-lishui",
		"/v1/rfqs", "/v1/offers", "/v1/production-orders/2/work-orders", "/v1/lots", "/v1/orgs/acme-textiles/stock",
	} {
		rec := e.do("GET", target, "", nil)
		if got := strings.TrimSpace(rec.Body.String()); got != "[]" {
			t.Errorf("%s: %s", target, got)
		}
	}
	// Objects of lists hold every list, empty ones as [].
	for target, want := range map[string]string{
		"/v1/orgs/acme-textiles/master": `{"items":[],"bom":[],"routings":[],"work_centers":[]}`,
		"/v1/plan/acme-textiles": `{"factory":"acme-textiles","at":1740816057000,"orders":[],"purchases":[],"work":[],"dates":[],` +
			`"ops":[],"work_centers":[],"txs":[],"problems":[]}`,
	} {
		e.plans.SetEmpty()
		rec := e.do("GET", target, "", nil)
		if got := strings.TrimSpace(rec.Body.String()); got != want {
			t.Errorf("%s: %s, want %s", target, got, want)
		}
	}
	rec := newEnv().do("GET", "/v1/orgs", "", nil)
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

// TestPoolProgressClock: a pool's progress runs on the node's latest block
// time, not the wall clock.
func TestPoolProgressClock(t *testing.T) {
	for _, c := range []struct {
		blockTime string
		status    int
		msLeft    int64
	}{
		{"2025-03-01T08:00:57Z", 200, fake.OpenDeadline - fake.Now},
		{"2025-03-03T19:59:59.5Z", 200, 500},
		{"2025-03-03T21:00:00+01:00", 200, 0},
		{"2031-01-01T00:00:00Z", 200, 0},
		{"", 503, 0},
		{"yesterday", 500, 0},
	} {
		e := newEnv()
		e.node.SetBlockTime(c.blockTime)
		rec := e.do("GET", "/v1/pools/4", "", nil)
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
		p, _ := e.pools.Pool(context.Background(), 4)
		want := gongxu.PoolProgress(p, fake.OpenDeadline-c.msLeft)
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
