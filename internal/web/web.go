package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the pages read from.
type Config struct {
	Node    gongxu.NodeService   // chain status
	Members gongxu.MemberService // orgs, validators, proposals
	Txs     gongxu.TxService     // committed transactions
	Logger  *slog.Logger         // nil: slog.Default()

	// Pools reads products, pools and money; nil: no pool pages.
	Pools gongxu.PoolService
	// Progress returns a pool's total over time for its chart; nil: the pool
	// page has no chart.
	Progress ProgressFunc
	// PoolMoney adds up a pool's money by reason for the pool page's money
	// card; nil: the card shows the pool's own accounts only.
	PoolMoney gongxu.PoolMoneyFunc
	// RFQs reads requests for quote; nil: no request pages.
	RFQs gongxu.RFQService
	// Disputes reads disputes over hubs' shares; nil: no dispute pages
	// (disputes.go; needs Pools too).
	Disputes gongxu.DisputeService
	// Legs reads carriers' legs; nil: no carrier page (/carrier, which
	// needs Operator too) and no carriers on the pages.
	Legs gongxu.LegService
	// Operator is this node's own org; nil: the hub page says that this node
	// records no walk-in pledges, and the supplier inbox that it answers no
	// purchase orders. Their forms need a signed-in session (Tokens), from
	// the node's own site (Hosts) and machine (RemoteForms), and a form
	// token used once (guard.go).
	Operator gongxu.Operator
	// Tokens checks the API tokens people sign in with (/signin); nil:
	// nobody can sign in, so the forms that act with the operator key are
	// not offered.
	Tokens Tokens
	// Hosts are this node's names, as the Host of a request and the host
	// of its Origin may give them: "host:port" for that port, "host" for
	// any, and "0.0.0.0:port" (or "[::]:port") for any IP address with that
	// port. Sign-in, sign-out and the forms refuse any other (DNS
	// rebinding). Empty: localhost, 127.0.0.1 and ::1, any port.
	Hosts []string
	// RemoteForms lets signed-in people use the forms from other machines
	// (say, behind a TLS proxy on another host); by default they answer
	// only on this node's own machine.
	RemoteForms bool
	// Production reads production orders, purchase orders, work orders,
	// lots and stock; nil: no factory console, supplier inbox or production
	// pages, and pool pages show no production order.
	Production gongxu.ProductionService
	// Plans computes a factory's plan (MRP and the schedule) at this node;
	// nil: the factory console says that this node does not plan, and has no
	// Gantt chart.
	Plans gongxu.PlanService
	// Trace reads traceability: trace walks and recalls; nil: no provenance
	// or recall pages (they are 404, with no link to them), and no recall
	// banners.
	Trace gongxu.TraceService
	// TraceProof returns a trace event as the ledger stores it with the
	// Merkle proof of its batch, so that the provenance page checks each
	// step against its anchor; nil: the page checks nothing and says so.
	TraceProof TraceProofFunc
	// Demand serves demand series under the privacy thresholds; nil: no
	// demand pages (they are 404, with no link to them).
	Demand gongxu.DemandService
	// Forecast forecasts demand; nil: the demand pages draw no forecast
	// and suggest no pool, and there is no demand card.
	Forecast gongxu.ForecastService

	// Language is the pages' language for people who have not chosen one
	// with the switch (a cookie) and whose browser asks for neither
	// English nor Chinese (Accept-Language): "en" (the default) or
	// "zh-CN".
	Language string
	// TimeZone is the IANA name of the time zone the pages write dates and
	// times in; "": Asia/Shanghai when Language is zh-CN, else UTC.
	TimeZone string

	// PublicURL is the address people reach this node at from anywhere
	// ("https://gongxu.example.com"), which every QR code and share link
	// names (publicurl.go); "": the address a page was opened at.
	PublicURL string
	// Receipts builds receipts of committed hub batches: the consumer's
	// pledge page (/pledge) and the hub's pickup by a scanned receipt need
	// it; nil: neither is offered.
	Receipts gongxu.ReceiptService
	// CheckReceipt checks a receipt's Merkle proof against its root (the
	// pool module's VerifyReceipt); nil: the pledge page checks only that
	// the root is the batch's on the ledger, and says so.
	CheckReceipt func(gongxu.Receipt) error
	// Pickup returns the pickup of a pledge (gongxu.PledgeURN) of a pool,
	// KindNotFound when it was not picked up; nil: the pledge page does not
	// say whether it was.
	Pickup PickupFunc
	// Reputation computes orgs' reputations from the ledger: the org
	// page shows the figures and GET /orgs/{id}/reputation/{figure} the
	// facts of each; nil: neither.
	Reputation gongxu.ReputationService
	// RecallAcks returns the hubs' acknowledgements of a recall
	// (trace_recalls_ack.go); nil: recall pages show none and offer no
	// acknowledgement.
	RecallAcks RecallAcksFunc
}

// PickupFunc returns the pickup of a pledge of a pool. Errors:
// gongxu.KindNotFound when it was not picked up.
type PickupFunc func(ctx context.Context, pool uint64, pledge string) (gongxu.Pickup, error)

// ProgressPoint is a pool's total at a block time (unix ms), one point of its
// progress chart.
type ProgressPoint struct {
	Time  int64        `json:"time"`
	Total gongxu.Units `json:"total"`
}

// ProgressFunc returns a pool's progress points, oldest first: one when the
// pool appeared and one for each block that changed its total. Errors:
// gongxu.KindNotFound for an unknown pool.
type ProgressFunc func(ctx context.Context, pool uint64) ([]ProgressPoint, error)

// New returns the handler of the pages:
//
//	GET /{$}              the network at a glance
//	GET /fragments/live   the live part of it, which htmx reloads every 2 s
//	GET /orgs/{id}        a member organization (and its reputation, Reputation set)
//	GET /orgs/{id}/reputation/{figure}  one reputation figure's facts, a page
//	                      at a time (?page=; Reputation set)
//	GET /txs/{hash}       a transaction and its events
//	GET /proposals/{id}   a governance proposal and its votes
//	GET /pools            open pools, then recently closed ones (Pools set)
//	GET /fragments/pools  the pool cards alone, which htmx reloads every 5 s
//	GET /pools/{id}       a pool: tiers, progress chart, hubs, batches, history
//	GET /fragments/pools/{id}/progress  its live part, which htmx reloads
//	                      every 5 s while the pool is open
//	GET /hub              a hub records a walk-in consumer's pledge (Pools and
//	POST /hub             Operator set; POST signed in, from this node's site
//	                      and machine, with a form token used once)
//	GET /hub/deliveries   a hub confirms it received its share of a pool
//	POST /hub/deliveries  (pool/confirm_delivery; Pools and Operator set; POST
//	                      as /hub)
//	GET /hub/pickup       a hub hands a consumer's goods over on their receipt,
//	POST /hub/pickup      scanned with the camera or typed (pool/pickup; the
//	                      pickup secret is checked against the pledge's leaf
//	                      before anything is sent; Receipts set; POST as /hub)
//	GET /pledge           the consumer's pledge page: public, no sign-in; the
//	POST /pledge          receipt code or file in a form (never in the
//	                      address), bounded, at most a few lookups at once
//	                      (pledge.go; Pools and Receipts set)
//	GET /rfqs             requests for quote (RFQs set)
//	GET /rfqs/{id}        a request for quote, its bids and awards
//	GET /factory          the factory console of this node's operator org, or
//	                      of ?org=ID read-only: production orders, purchase
//	                      orders, the plan and its Gantt chart, stock
//	                      (Production set; the plan with Plans); the chart's
//	                      ?zoom=day|week|month
//	GET /factory/gantt.svg the Gantt chart of the work centers alone, as SVG
//	                      (Production and Plans set; ?org=ID and ?zoom= as
//	                      /factory)
//	GET /production-orders/{id}  a production order: dates, history, work
//	                      orders, output lots (Production set); its factory
//	POST /production-orders/{id}/work  starts, reports on and completes work
//	POST /production-orders/{id}/ship  orders, and ships its pool's hub shares
//	GET /purchase-orders/{id}    a purchase order: lines, promised dates,
//	                      proposal, negotiation, shipments (Production set);
//	POST /purchase-orders/{id}/decide  its factory decides on a proposal
//	POST /purchase-orders/{id}/change  the party that did not propose the
//	                      pending change order answers it
//	POST /purchase-orders/{id}/propose-change  a party of an accepted order
//	                      proposes a change order (quantities, dates, prices)
//	GET /pools/new        a factory opens a pool on one of its products
//	POST /pools/new       (Pools set; prefills from the query: product,
//	                      min_batch, cap, tiers=qty:price,…, deadline_days)
//	POST /rfqs/{id}/award the requester awards a request (RFQs set)
//	GET /disputes/{id}    a dispute and its forms; POST /disputes/{id}/ACTION
//	GET /disputes/new     one of them; the hub of a share opens one
//	POST /disputes/new    (Disputes and Pools set; disputes.go)
//	                      The factory's forms are guarded as /hub and offered
//	                      only to the org that may send their message.
//	GET /supplier         the supplier inbox of this node's operator org: it
//	POST /supplier        accepts, rejects or counter-proposes purchase orders
//	                      (Production and Operator set; POST as /hub)
//	GET /p/{id...}        the public provenance page of a lot or an item,
//	GET /p?id=ID          which its QR code leads to: the backward trace as a
//	                      timeline (each step checked against the ledger with
//	                      TraceProof) and a graph, and a QR code of the page;
//	                      the id is a ledger lot id, a lot URN, an EPC URN or
//	                      a GS1 Digital Link URI (escaped when it holds "//")
//	                      (Trace set)
//	GET /recalls          recalls, newest first; on a hub's node those that
//	                      reach its pools marked (Trace set)
//	GET /fragments/recalls the recall table alone, which htmx reloads every 5 s
//	GET /recalls/{id}     a recall and what it reaches: the forward trace, the
//	                      pools and, per hub, the pledge batches to contact
//	GET /fragments/recalls/{id} what it reaches alone, which htmx reloads
//	                      every 5 s
//	GET /demand           the products with demand, linking to each (Demand set)
//	GET /demand/{product...} a product's weekly demand (?measure=pledged,
//	                      captured, refunded or picked_up; ?hub=ID for one
//	                      hub's cells, ?variant=ID for one variant): a chart
//	                      with the forecast and its 80 % and 95 % bands
//	                      (Forecast set), the cells with the suppressed ones
//	                      marked, and on the product's page (no hub) a
//	                      suggested next pool; read anonymously, or as the
//	                      org the signed-in session acts for, whose own hub
//	                      cells are in full (demand.go)
//	POST /recalls/{id}/ack a hub acknowledges a recall that reaches goods
//	                      shipped to it (trace/recall_ack; RecallAcks set;
//	                      as /hub)
//	GET /01/{gtin}/10/{lot} the GS1 Digital Link of a lot (the provenance QR
//	                      code): to the lot's provenance page (Trace set)
//	GET /signin           sign in with an API token of the node (Tokens);
//	POST /signin          the session's cookie is HttpOnly, SameSite=Strict
//	POST /signout         end the session
//	GET /lang?to=LANG&back=PATH  the language switch: remembers en or
//	                      zh-CN in a cookie and goes back to PATH
//	GET /favicon.ico      the site's icon
//	GET /static/{path}    embedded assets
//
// Any other path gets a 404 page. The handler is meant to be mounted at the
// root of its own listener (or under the API's mux for the paths above).
func New(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg, time.Now)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// server holds the parsed templates and the services.
type server struct {
	node     gongxu.NodeService
	members  gongxu.MemberService
	txs      gongxu.TxService
	pools    gongxu.PoolService       // nil: no pool pages
	prog     ProgressFunc             // nil: no chart
	money    gongxu.PoolMoneyFunc     // nil: no money breakdown
	rfqs     gongxu.RFQService        // nil: no request pages
	disputes gongxu.DisputeService    // nil: no dispute pages
	legs     gongxu.LegService        // nil: no carrier page, no carriers shown
	op       gongxu.Operator          // nil: no hub form, no supplier answers
	prod     gongxu.ProductionService // nil: no production pages
	plans    gongxu.PlanService       // nil: no plan, no Gantt chart
	trace    gongxu.TraceService      // nil: no trace pages
	proofs   TraceProofFunc           // nil: trace steps are not checked
	demand   gongxu.DemandService     // nil: no demand pages
	fcasts   gongxu.ForecastService   // nil: no forecasts on them
	log      *slog.Logger

	public   string                     // Config.PublicURL, cleaned; "": the request's address
	receipts gongxu.ReceiptService      // nil: no pledge page, no pickup by receipt
	checkRc  func(gongxu.Receipt) error // nil: receipts' proofs are not checked here
	pickupOf PickupFunc                 // nil: pledge pages do not say whether it was picked up
	acks     RecallAcksFunc             // nil: no acknowledgements of recalls
	rep      gongxu.ReputationService   // nil: no reputations on org pages
	lookups  chan struct{}              // bounds the pledge lookups at once (pledge.go)
	pledgeRL *rateLimiter               // bounds each client's pledge lookups (pledge_limit.go)
	dlRL     *rateLimiter               // bounds each client's Digital Link lookups (publicurl.go)
	prov     *provCache                 // the provenance pages at the read model's height (provcache.go)

	langs       *locales    // the pages' languages
	sessions    *sessions   // signed-in browsers
	hosts       hostMatcher // this node's names
	remoteForms bool        // forms from other machines too
	now         func() time.Time
	nav         []navItem

	pages  map[string]map[string]*template.Template // language → page name → layout + partials + page
	frags  map[string]*template.Template            // language → partials only, for htmx fragments
	assets map[string]asset                         // path under static/ → asset
	mux    *http.ServeMux
}

// asset is one embedded static file.
type asset struct {
	body    []byte
	ctype   string
	version string // short content hash: ?v= in links, and the ETag
}

// The pages; each is templates/<name>.html and defines "content".
var pageNames = []string{"home", "org", "tx", "proposal", "error", "pools", "pool", "hub", "receipt", "rfqs", "rfq",
	"factory", "porder", "supplier", "po", "provenance", "recalls", "recall", "reputation", "signin",
	"demand", "demand_index", "acted", "pools_new", "hub_deliveries", "hub_pickup", "hub_done", "pledge",
	"dispute", "dispute_new", "carrier"}

// navItem is one entry of the navigation bar. Section pages (Pools,
// Production, Trace) add theirs in navFor.
type navItem struct {
	Name    string // a message key
	Path    string
	Section string
}

// navFor is the navigation of a server with the services of cfg.
func navFor(cfg Config) []navItem {
	nav := []navItem{{Name: "Network", Path: "/", Section: "network"}}
	if cfg.Pools != nil {
		nav = append(nav, navItem{Name: "Pools", Path: "/pools", Section: "pools"})
	}
	if cfg.RFQs != nil {
		nav = append(nav, navItem{Name: "Requests", Path: "/rfqs", Section: "rfqs"})
	}
	if cfg.Pools != nil && cfg.Operator != nil {
		nav = append(nav, navItem{Name: "Hub", Path: "/hub", Section: "hub"})
	}
	if cfg.Production != nil {
		nav = append(nav, navItem{Name: "Factory", Path: "/factory", Section: "factory"})
		if cfg.Operator != nil {
			nav = append(nav, navItem{Name: "Supplier", Path: "/supplier", Section: "supplier"})
		}
	}
	if cfg.Legs != nil && cfg.Operator != nil {
		nav = append(nav, navItem{Name: "Carrier", Path: "/carrier", Section: "carrier"})
	}
	if cfg.Trace != nil {
		nav = append(nav, navItem{Name: "Trace", Path: "/recalls", Section: "trace"})
	}
	return nav
}

// view is what the layout renders: the page's own data is Content.
type view struct {
	Lang    *locale    // the language of the page
	Switch  langSwitch // the link to the other language
	Title   string     // a message key, or text already in Lang
	Section string     // the navItem.Section that is current
	Nav     []navItem
	Content any

	SignIn  bool         // the node takes sign-ins: the layout links to /signin
	User    string       // the signed-in token's name; "" when not signed in
	SignOut string       // the sign-out form's token
	ActAs   *actAsChoice // the org the forms act for, when the node holds several orgs' keys
	Path    string       // the request's path and query, for forms that come back to it
}

func newServer(cfg Config, now func() time.Time) (*server, error) {
	if cfg.Node == nil || cfg.Members == nil || cfg.Txs == nil {
		return nil, errors.New("web: Config needs Node, Members and Txs")
	}
	s := &server{
		node:     cfg.Node,
		members:  cfg.Members,
		txs:      cfg.Txs,
		pools:    cfg.Pools,
		prog:     cfg.Progress,
		money:    cfg.PoolMoney,
		rfqs:     cfg.RFQs,
		disputes: cfg.Disputes,
		legs:     cfg.Legs,
		op:       cfg.Operator,
		prod:     cfg.Production,
		plans:    cfg.Plans,
		trace:    cfg.Trace,
		proofs:   cfg.TraceProof,
		demand:   cfg.Demand,
		fcasts:   cfg.Forecast,
		log:      cfg.Logger,
		now:      now,

		receipts: cfg.Receipts,
		checkRc:  cfg.CheckReceipt,
		pickupOf: cfg.Pickup,
		acks:     cfg.RecallAcks,
		rep:      cfg.Reputation,
		lookups:  make(chan struct{}, maxPledgeLookups),
		pledgeRL: newRateLimiter(now, pledgeRate, pledgeBurst),
		prov:     newProvCache(0),
		dlRL:     newRateLimiter(now, dlRate, dlBurst),

		sessions:    newSessions(cfg.Tokens, now),
		hosts:       newHostMatcher(cfg.Hosts),
		remoteForms: cfg.RemoteForms,
		nav:         navFor(cfg),
		pages:       make(map[string]map[string]*template.Template),
		frags:       make(map[string]*template.Template),
		assets:      make(map[string]asset),
	}
	langs, err := newLocales(cfg.Language, cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	if s.public, err = cleanPublicURL(cfg.PublicURL); err != nil {
		return nil, err
	}
	s.langs = langs
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *server) loadAssets() error {
	return fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		s.assets[strings.TrimPrefix(p, "static/")] = asset{body: body, ctype: ctype, version: hex.EncodeToString(sum[:6])}
		return nil
	})
}

// parseTemplates parses the templates once per language: their functions
// (T, money, dates …) write in it.
func (s *server) parseTemplates() error {
	for code, l := range s.langs.byCode {
		if err := s.parseTemplatesIn(code, l); err != nil {
			return err
		}
	}
	return nil
}

func (s *server) parseTemplatesIn(code string, l *locale) error {
	base, err := template.New("").Funcs(s.funcMap(l)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/pool_partials.html",
		"templates/production_partials.html", "templates/trace_partials.html", "templates/demand_partials.html", "templates/reputation_partials.html")
	if err != nil {
		return fmt.Errorf("web: parse layout: %w", err)
	}
	s.frags[code] = base
	s.pages[code] = make(map[string]*template.Template)
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: parse page %s: %w", name, err)
		}
		s.pages[code][name] = t
	}
	return nil
}

func (s *server) funcMap(l *locale) template.FuncMap {
	return template.FuncMap{
		"T":      l.T,
		"maybe":  l.maybe,
		"lang":   func() string { return l.Code },
		"count":  l.count,
		"static": s.staticURL,
		"short":  func(v any) string { return shortKey(fmt.Sprint(v)) },
		"str":    func(v any) string { return fmt.Sprint(v) },
		// Times: block times are unix ms (proposals) or RFC 3339 (status, txs).
		"msRFC3339": msRFC3339,
		"msHuman":   l.msHuman,
		"msAgo":     func(ms int64) string { return l.relative(msTime(ms), s.now()) },
		"rfcUTC":    rfcUTC,
		"rfcHuman":  l.rfcHuman,
		"rfcAgo": func(v string) string {
			t, ok := parseRFC3339(v)
			if !ok {
				return ""
			}
			return l.relative(t, s.now())
		},
		"orgPath":      orgPath,
		"orgName":      s.orgName,
		"poolPath":     poolPath,
		"rfqPath":      rfqPath,
		"money":        moneyArg,
		"decimal":      func(a gongxu.Amount, cur string) string { return decimalString(int64(a), moneyScale(cur)) },
		"num":          numArg,
		"timeLeft":     l.timeLeft,
		"sub":          func(a, b int64) int64 { return a - b },
		"bps":          bpsPercent,
		"txPath":       txPath,
		"proposalPath": proposalPath,
		"needed":       votesNeeded,
		"qty":          qtyString,
		"label":        l.label,
		"reason":       func(reason, currency string) string { return s.reasonText(l, reason, currency) },
		"itemLabel":    itemLabel,
		"cardOf":       func(c poCard, csrf string) pocardView { return pocardView{Card: c, CSRF: csrf} },
		"day":          l.msDay,
		"dateValue":    dayInput,
		"orderPath":    orderPath,
		"poPath":       poPath,
		"factoryPath":  factoryPath,
		"bar":          ProgressBar,
		"provPath":     provPath,
		"lotPath":      lotPath,
		"recallPath":   recallPath,
		"traceOn":      func() bool { return s.trace != nil },
		"inc":          func(i int) int { return i + 1 },
		"eventType":    eventTypeLabel,
		"shortEvent":   shortEvent,
		"pledgeLabel":  pledgeLabel,
		"legShipment":  func(g gongxu.Leg) string { return legShipment(l, g) },
		"legStatus":    func(st gongxu.LegStatus) string { return legStatusLabel(l, st) },
		"plural":       func(n any, unit string) string { return pluralIn(l, n, unit) },
		"poolBar":      func(p gongxu.Pool, pr gongxu.Progress) template.HTML { return poolBar(l, p, pr) },
		"ladder": func(p gongxu.Pool) template.HTML {
			return tierLadderIn(l, p.Tiers, p.Total, p.Cap, p.Currency)
		},
		"voteBar": func(p gongxu.Proposal) template.HTML {
			need := votesNeeded(p.Electors)
			return ProgressBar(int64(len(p.Yes)), int64(need), l.T("%d of %d yes votes needed", len(p.Yes), need))
		},
	}
}

// staticURL is the URL of an embedded asset, versioned by its content so that
// it may be cached for good.
func (s *server) staticURL(name string) (string, error) {
	a, ok := s.assets[name]
	if !ok {
		return "", fmt.Errorf("web: no static asset %q", name)
	}
	return "/static/" + name + "?v=" + a.version, nil
}

func (s *server) routes() {
	m := http.NewServeMux()
	m.Handle("GET /{$}", s.handle(s.home))
	m.Handle("GET /fragments/live", s.handle(s.liveFragment))
	m.Handle("GET /orgs/{id}", s.handle(s.org))
	if s.rep != nil {
		m.Handle("GET /orgs/{id}/reputation/{figure}", s.handle(s.reputationPage))
	}
	m.Handle("GET /txs/{hash}", s.handle(s.tx))
	m.Handle("GET /proposals/{id}", s.handle(s.proposal))
	if s.pools != nil {
		m.Handle("GET /pools", s.handle(s.poolList))
		m.Handle("GET /fragments/pools", s.handle(s.poolsFragment))
		m.Handle("GET /pools/{id}", s.handle(s.pool))
		m.Handle("GET /fragments/pools/{id}/progress", s.handle(s.poolProgressFragment))
		m.Handle("GET /pools/new", s.handle(s.poolNewPage))
		m.Handle("POST /pools/new", s.handle(s.poolNewSubmit))
		m.Handle("POST /pools/{id}/stop-repeat", s.handle(s.poolSeriesStop))
		m.Handle("GET /hub", s.handle(s.hubForm))
		m.Handle("POST /hub", s.handle(s.hubSubmit))
		s.hubRoutes(m)
	}
	if s.rfqs != nil {
		m.Handle("GET /rfqs", s.handle(s.rfqList))
		m.Handle("GET /rfqs/{id}", s.handle(s.rfq))
		m.Handle("POST /rfqs/{id}/award", s.handle(s.awardSubmit))
	}
	if s.disputes != nil && s.pools != nil {
		m.Handle("GET /disputes/new", s.handle(s.disputeNewPage))
		m.Handle("POST /disputes/new", s.handle(s.disputeNewSubmit))
		m.Handle("GET /disputes/{id}", s.handle(s.dispute))
		m.Handle("POST /disputes/{id}/{action}", s.handle(s.disputeSubmit))
	}
	if s.prod != nil {
		m.Handle("GET /factory", s.handle(s.factory))
		m.Handle("GET /factory/gantt.svg", s.handle(s.ganttSVG))
		m.Handle("GET /production-orders/{id}", s.handle(s.productionOrder))
		m.Handle("GET /purchase-orders/{id}", s.handle(s.purchaseOrder))
		m.Handle("POST /purchase-orders/{id}/decide", s.handle(s.poDecideSubmit))
		m.Handle("POST /purchase-orders/{id}/change", s.handle(s.poChangeSubmit))
		m.Handle("POST /purchase-orders/{id}/propose-change", s.handle(s.poProposeChangeSubmit))
		m.Handle("POST /production-orders/{id}/work", s.handle(s.workSubmit))
		m.Handle("POST /production-orders/{id}/ship", s.handle(s.shipSubmit))
		m.Handle("GET /supplier", s.handle(s.supplierInbox))
		m.Handle("POST /supplier", s.handle(s.supplierSubmit))
	}
	if s.trace != nil {
		m.Handle("GET /p", s.handle(s.provenance))
		m.Handle("GET /p/{id...}", s.handle(s.provenance))
		m.Handle("GET /recalls", s.handle(s.recallList))
		m.Handle("GET /fragments/recalls", s.handle(s.recallsFragment))
		m.Handle("GET /recalls/{id}", s.handle(s.recall))
		m.Handle("GET /fragments/recalls/{id}", s.handle(s.recallFragment))
		m.Handle("POST /recalls/{id}/ack", s.handle(s.recallAckSubmit))
		m.Handle("GET /01/{gtin}/10/{lot}", s.handle(s.digitalLinkLot))
	}
	if s.demand != nil {
		m.Handle("GET /demand", s.handle(s.demandIndex))
		m.Handle("GET /demand/{product...}", s.handle(s.demandProduct))
	}
	if s.legs != nil {
		m.Handle("GET /carrier", s.handle(s.carrierPage))
		m.Handle("POST /carrier", s.handle(s.carrierSubmit))
	}
	m.Handle("GET /signin", s.handle(s.signinPage))
	m.Handle("POST /signin", s.handle(s.signinSubmit))
	m.Handle("POST /signout", s.handle(s.signoutSubmit))
	m.Handle("POST /act-as", s.handle(s.actAsSubmit))
	m.HandleFunc("GET /static/{path...}", s.static)
	m.HandleFunc("GET /favicon.ico", s.favicon)
	m.Handle("GET /lang", s.handle(s.setLang))
	m.HandleFunc("/", s.unknown)
	s.mux = m
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

// handle adapts a handler that returns an error: the error becomes a page.
func (s *server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// notFound is the error a handler returns for an unknown id; its message,
// a message key and its arguments, is shown in the page's language.
func notFound(format string, args ...any) error {
	return &pageErr{kind: gongxu.KindNotFound, key: format, args: args}
}

// pageErr is an error of kind whose message is written for people: a
// message key and its arguments.
type pageErr struct {
	kind gongxu.Kind
	key  string
	args []any
}

func (e *pageErr) Error() string { return fmt.Sprintf(e.key, e.args...) }

// Unwrap makes it a *gongxu.Error of its kind, for gongxu.ErrorKind.
func (e *pageErr) Unwrap() error { return &gongxu.Error{Kind: e.kind, Msg: e.Error()} }

// fail renders the error page for err. Only messages of KindNotFound, which
// handlers write for people, reach the browser; other details go to the log.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away
	}
	switch gongxu.ErrorKind(err) {
	case gongxu.KindNotFound:
		var e *gongxu.Error
		var pe *pageErr
		msg := s.langs.pick(r).T("There is nothing at this address.")
		if errors.As(err, &pe) {
			l := s.langs.pick(r)
			args := slices.Clone(pe.args)
			for i, a := range args {
				if w, ok := a.(string); ok {
					args[i] = l.maybe(w) // "production order" in parseID's message
				}
			}
			msg = l.T(pe.key, args...)
		} else if errors.As(err, &e) && e.Err == nil {
			msg = e.Msg
		}
		s.problem(w, r, http.StatusNotFound, "Not found", msg)
	case gongxu.KindInvalid:
		// A malformed address: the services refused what the path holds.
		s.log.Info("web: bad request", "method", r.Method, "path", r.URL.Path, "err", err)
		s.problem(w, r, http.StatusBadRequest, "Bad request", "This address is not one the pages can read.")
	case gongxu.KindUnavailable, gongxu.KindBusy:
		s.log.Warn("web: service unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		s.problem(w, r, http.StatusServiceUnavailable, "Not ready yet",
			"The node is starting or busy. Try again in a moment.")
	default:
		s.log.Error("web: page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.problem(w, r, http.StatusInternalServerError, "Something went wrong",
			"This page could not be shown. The node's log has the details.")
	}
}

// problemData is the content of the error page.
type problemData struct {
	Status   int
	Heading  string
	Message  string
	Link     string // where to go next, when there is a better place than home
	LinkText string
}

func (s *server) problem(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	s.problemLink(w, r, status, heading, msg, "", "")
}

// problemLink is problem with a link to where to go next.
func (s *server) problemLink(w http.ResponseWriter, r *http.Request, status int, heading, msg, link, text string) {
	l := s.langs.pick(r)
	heading, msg, text = l.maybe(heading), l.maybe(msg), l.maybe(text)
	v := view{Title: heading, Content: problemData{Status: status, Heading: heading, Message: msg, Link: link, LinkText: text}}
	s.frame(r, &v)
	var buf bytes.Buffer
	if err := s.pages[v.Lang.Code]["error"].ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("web: error page failed", "err", err)
		http.Error(w, http.StatusText(status), status)
		return
	}
	s.write(w, r, status, buf.Bytes())
}

// render executes page name into a buffer first, so that a template error
// becomes a clean 500 page and never half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, name string, v view) error {
	return s.renderStatus(w, r, http.StatusOK, name, v)
}

// renderStatus is render with another status than 200.
func (s *server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	s.frame(r, &v)
	var buf bytes.Buffer
	if err := s.pages[v.Lang.Code][name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	s.write(w, r, status, buf.Bytes())
	return nil
}

// frame fills what the layout shows around every page: the navigation and
// who is signed in.
func (s *server) frame(r *http.Request, v *view) {
	v.Lang = s.langs.pick(r)
	v.Switch = switchFor(v.Lang, r)
	v.Nav = s.nav
	v.SignIn = s.sessions.tokens != nil
	v.Path = localPath(r.URL.RequestURI())
	if sess := s.sessionOf(r); sess != nil {
		v.User, v.SignOut = sess.Name, sess.out
		v.ActAs = s.actAsFor(r, sess)
	}
}

// fragment renders one partial template without the layout, for htmx.
func (s *server) fragment(w http.ResponseWriter, r *http.Request, name string, data any) error {
	var buf bytes.Buffer
	if err := s.frags[s.langs.pick(r).Code].ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render fragment %s: %w", name, err)
	}
	s.write(w, r, http.StatusOK, buf.Bytes())
	return nil
}

func (s *server) write(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", s.langs.pick(r).Code)
	h.Add("Vary", "Accept-Language, Cookie")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // the client went away; nothing to do
	}
}

// static serves an embedded asset. A link with the current ?v= version may be
// cached for a year; any other request revalidates with the ETag.
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	a, ok := s.assets[name]
	if !ok {
		s.fail(w, r, notFound("There is no file %q here.", name))
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", `"`+a.version+`"`)
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// favicon is the site's icon at the address browsers ask for it.
func (s *server) favicon(w http.ResponseWriter, r *http.Request) {
	a := s.assets["favicon.ico"]
	h := w.Header()
	h.Set("Content-Type", "image/x-icon")
	h.Set("ETag", `"`+a.version+`"`)
	h.Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "favicon.ico", time.Time{}, bytes.NewReader(a.body))
}

// unknown answers every path that no page has.
func (s *server) unknown(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.fail(w, r, notFound("There is no page at %s.", r.URL.Path))
}
