package httpapi

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	gongxu "github.com/gongxu-network/gongxu"
)

// Config is what the handler serves. Each service is required for its routes:
// a route whose service is nil answers 503 unavailable. GET /v1/pools/{id}
// needs Node too (for the latest block time).
type Config struct {
	Node     gongxu.NodeService
	Members  gongxu.MemberService
	Txs      gongxu.TxService
	Pools    gongxu.PoolService    // products, pools, balances and movements
	RFQs     gongxu.RFQService     // requests for quote and their bids
	Disputes gongxu.DisputeService // disputes over hubs' shares
	Legs     gongxu.LegService     // carriers' legs
	Receipts gongxu.ReceiptService // receipts of hub batches' leaves

	// Production serves supply offers, production orders and their work
	// orders, purchase orders, lots, stock and master data.
	Production gongxu.ProductionService

	// Plans serves GET /v1/plan/{factory}, a factory's plan computed at this
	// node. Optional: when nil, that route answers 503 unavailable.
	Plans gongxu.PlanService

	// Trace serves the trace events, walks and recalls (/v1/trace/…,
	// /v1/recalls) and GS1's EPCIS query binding (GET /epcis/events…).
	Trace gongxu.TraceService

	// Demand serves GET /v1/demand (handlers_demand.go). Optional: when
	// nil, that route answers 503 unavailable.
	Demand gongxu.DemandService

	// Forecast serves GET /v1/forecast (handlers_forecast.go). Optional:
	// when nil, that route answers 503 unavailable.
	Forecast gongxu.ForecastService

	// Derived serves GET /v1/demand/derived (handlers_forecast.go).
	// Optional: when nil, that route answers 503 unavailable.
	Derived gongxu.DerivedDemandService

	// Reputation serves GET /v1/orgs/{id}/reputation and its facts
	// (handlers_reputation.go). Optional: when nil, those routes answer
	// 503 unavailable.
	Reputation gongxu.ReputationService

	// Operator signs POST /epcis/capture's trace/capture transactions for
	// this node's org. Optional: when nil, capture answers 503 unavailable.
	Operator gongxu.Operator

	// Tokens checks the bearer tokens of the routes that make the node sign
	// with its keys (signingRoutes: POST /epcis/capture). Without a valid
	// one they answer 401 unauthenticated; when Tokens is nil, always.
	Tokens Tokens

	// Health is asked by /healthz once the node reports its status: an
	// error (a stalled chain, a read model far behind, a broken invariant)
	// answers 503 unavailable with its message. Optional.
	Health func(ctx context.Context) error

	// Limits are the per-client rate limits of costly reads and writes;
	// the zero Limits limit nothing.
	Limits Limits

	// Now is the rate limits' clock; nil means time.Now.
	Now func() time.Time

	// Registry is served on /metrics. When nil, /metrics serves an empty
	// registry.
	Registry *prometheus.Registry

	// Logger receives request logs (debug level) and internal errors. When
	// nil, nothing is logged.
	Logger *slog.Logger

	// WaitTimeout bounds how long POST /v1/txs waits for the node (for the
	// commit, unless ?wait=false). Zero means DefaultWaitTimeout.
	WaitTimeout time.Duration
}

// DefaultWaitTimeout is the WaitTimeout used when Config leaves it zero.
const DefaultWaitTimeout = 30 * time.Second

// Limits of the API.
const (
	maxTxBytes   = 4 << 20 // largest signed transaction accepted (blocks are ≤ 4 MB)
	defaultLimit = 50      // list length when ?limit= is absent
	maxLimit     = 1000    // largest ?limit=
)

// jsonBodyLimit is the largest JSON body of POST /v1/txs: a maximal
// transaction in base64, plus a little for the object around it.
var jsonBodyLimit = int64(base64.StdEncoding.EncodedLen(maxTxBytes) + 4096)

// server holds the configuration the handlers read.
type server struct {
	node        gongxu.NodeService
	members     gongxu.MemberService
	txs         gongxu.TxService
	pools       gongxu.PoolService
	rfqs        gongxu.RFQService
	disputes    gongxu.DisputeService
	legs        gongxu.LegService
	receipts    gongxu.ReceiptService
	production  gongxu.ProductionService
	plans       gongxu.PlanService
	trace       gongxu.TraceService
	demandSvc   gongxu.DemandService
	forecasts   gongxu.ForecastService
	derived     gongxu.DerivedDemandService
	reputations gongxu.ReputationService
	op          gongxu.Operator
	tokens      Tokens
	health      func(context.Context) error
	costly      *limiter // nil: no limit
	writes      *limiter // nil: no limit
	log         *slog.Logger
	wait        time.Duration
	metrics     http.Handler
}

// route is one entry of the API: the mux pattern is Method + " " + Path, and
// the OpenAPI document has the same method and path.
type route struct {
	Method string
	Path   string
	handle func(s *server, w http.ResponseWriter, r *http.Request) error
}

// routes is the API. New registers exactly these; the OpenAPI test checks the
// document against them and against the mux.
var routes = []route{
	{"GET", "/healthz", (*server).healthz},
	{"GET", "/metrics", (*server).metricsRoute},
	{"GET", "/v1/openapi.json", (*server).openapi},
	{"GET", "/v1/status", (*server).status},
	{"POST", "/v1/txs", (*server).submitTx},
	{"GET", "/v1/txs", (*server).recentTxs},
	{"GET", "/v1/txs/{hash}", (*server).tx},
	{"GET", "/v1/accounts/{pubkey}", (*server).account},
	{"GET", "/v1/orgs", (*server).orgs},
	{"GET", "/v1/orgs/{id}", (*server).org},
	{"GET", "/v1/orgs/{id}/master", (*server).master},
	{"GET", "/v1/orgs/{id}/stock", (*server).stock},
	{"GET", "/v1/orgs/{id}/reputation", (*server).reputation},
	{"GET", "/v1/orgs/{id}/reputation/{figure}", (*server).reputationFacts},
	{"GET", "/v1/validators", (*server).validators},
	{"GET", "/v1/proposals", (*server).proposals},
	{"GET", "/v1/proposals/{id}", (*server).proposal},
	{"GET", "/v1/products", (*server).products},
	{"GET", "/v1/products/{factory}/{sku}", (*server).product},
	{"GET", "/v1/pools", (*server).poolList},
	{"GET", "/v1/pools/{id}", (*server).pool},
	{"GET", "/v1/pools/{id}/shares", (*server).hubShares},
	{"GET", "/v1/pools/{id}/batches", (*server).batches},
	{"GET", "/v1/pools/{id}/production-order", (*server).poolProductionOrder},
	{"GET", "/v1/batches/{tx}/receipts/{index}", (*server).receipt},
	{"GET", "/v1/balances/{account}", (*server).balances},
	{"GET", "/v1/movements/{account}", (*server).movements},
	{"GET", "/v1/rfqs", (*server).rfqList},
	{"GET", "/v1/rfqs/{id}", (*server).rfq},
	{"GET", "/v1/rfqs/{id}/bids", (*server).bids},
	{"GET", "/v1/disputes", (*server).disputeList},
	{"GET", "/v1/disputes/{id}", (*server).dispute},
	{"GET", "/v1/legs", (*server).legList},
	{"GET", "/v1/legs/{id}", (*server).leg},
	{"GET", "/v1/offers", (*server).offers},
	{"GET", "/v1/production-orders", (*server).productionOrders},
	{"GET", "/v1/production-orders/{id}", (*server).productionOrder},
	{"GET", "/v1/production-orders/{id}/work-orders", (*server).workOrders},
	{"GET", "/v1/purchase-orders", (*server).purchaseOrders},
	{"GET", "/v1/purchase-orders/{id}", (*server).purchaseOrder},
	{"GET", "/v1/lots", (*server).lots},
	{"GET", "/v1/lots/{id...}", (*server).lot},
	{"GET", "/v1/plan/{factory}", (*server).plan},
	{"GET", "/v1/trace/events", (*server).traceEvents},
	{"GET", "/v1/trace/events/{id}", (*server).traceEvent},
	{"GET", "/v1/trace/batches/{tx}", (*server).traceBatch},
	{"GET", "/v1/trace/back/{id...}", (*server).traceBack},
	{"GET", "/v1/trace/forward/{id...}", (*server).traceForward},
	{"GET", "/v1/demand", (*server).demand},
	{"GET", "/v1/forecast", (*server).forecast},
	{"GET", "/v1/demand/derived", (*server).derivedDemand},
	{"GET", "/v1/recalls", (*server).recalls},
	{"GET", "/v1/recalls/{id}", (*server).recall},
	{"POST", "/epcis/capture", (*server).epcisCapture},
	{"GET", "/epcis/capture/{captureID}", (*server).epcisCaptureJob},
	{"GET", "/epcis/events", (*server).epcisEvents},
	{"GET", "/epcis/events/{eventID}", (*server).epcisEvent},
}

// New returns the API handler for cfg.
func New(cfg Config) http.Handler {
	s := newServer(cfg)
	mux := s.mux()
	return s.logRequests(s.recoverPanics(s.jsonMiss(mux)))
}

func newServer(cfg Config) *server {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wait := cfg.WaitTimeout
	if wait <= 0 {
		wait = DefaultWaitTimeout
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &server{
		node:        cfg.Node,
		members:     cfg.Members,
		txs:         cfg.Txs,
		pools:       cfg.Pools,
		rfqs:        cfg.RFQs,
		disputes:    cfg.Disputes,
		legs:        cfg.Legs,
		receipts:    cfg.Receipts,
		production:  cfg.Production,
		plans:       cfg.Plans,
		trace:       cfg.Trace,
		demandSvc:   cfg.Demand,
		forecasts:   cfg.Forecast,
		derived:     cfg.Derived,
		reputations: cfg.Reputation,
		op:          cfg.Operator,
		tokens:      cfg.Tokens,
		health:      cfg.Health,
		costly:      newLimiter(cfg.Limits.Costly, cfg.Limits.Clients, now),
		writes:      newLimiter(cfg.Limits.Writes, cfg.Limits.Clients, now),
		log:         log,
		wait:        wait,
		metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{
			ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelError),
			ErrorHandling: promhttp.ContinueOnError,
		}),
	}
}

// mux registers every route, each behind its guard (guard.go): a rate
// limit for costly reads and writes, a bearer token for what makes the node
// sign.
func (s *server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Path, s.guard(rt, s.handler(rt.handle)))
	}
	return mux
}

// handler adapts a handler that returns an error: the error is written as the
// JSON error response.
func (s *server) handler(h func(*server, http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(s, w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *server) metricsRoute(w http.ResponseWriter, r *http.Request) error {
	s.metrics.ServeHTTP(w, r)
	return nil
}
