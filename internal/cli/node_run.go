package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/net/netutil"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/planner"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
	"github.com/gongxu-network/gongxu/internal/token"
	"github.com/gongxu-network/gongxu/internal/web"
)

// NewChain builds the state machine over st for chainID, with the module set
// mods (internal/modules: one list, in its fixed order).
func NewChain(st *store.State, mods *modules.Set, chainID string, log *slog.Logger) (*chain.App, error) {
	cfg := mods.ChainConfig(chainID)
	cfg.Logger = log
	return chain.New(st, cfg)
}

// node is a running gongxu node: state, chain, CometBFT, read model and HTTP.
type node struct {
	home    string
	cfg     NodeConfig
	log     *slog.Logger
	pdb     *pebblekv.DB
	chain   *chain.App
	mods    *modules.Set
	sign    *signer // the home's keyring; one at a time, so sequences never collide
	comet   *comet.Node
	read    *sqlite.DB
	proj    *projector
	plans   *planner.Planner // factories' plans, from the read model
	auto    *autoPlanner     // nil unless AutoPlan and an operator key
	tokens  *token.Store     // the API tokens of the home
	health  *health          // what /healthz reports
	srv     *http.Server
	ln      net.Listener
	cometLg *os.File
	done    chan struct{}
}

// progressPoints adapts the read model's pool progress to the web pages.
func (n *node) progressPoints(ctx context.Context, pool uint64) ([]web.ProgressPoint, error) {
	ps, err := n.read.PoolProgressPoints(ctx, pool)
	if err != nil {
		return nil, err
	}
	out := make([]web.ProgressPoint, len(ps))
	for i, p := range ps {
		out[i] = web.ProgressPoint{Time: p.Time, Total: p.Total}
	}
	return out, nil
}

// URL is the base URL of the node's HTTP API.
// traceProof returns an event as the read model holds it and the Merkle
// proof of its leaf in its transaction's batch, for the provenance page's
// marks.
func (n *node) traceProof(ctx context.Context, id string) (gongxu.TraceEvent, []string, error) {
	e, err := n.read.Event(ctx, id)
	if err != nil {
		return e, nil, err
	}
	b, err := n.read.Batch(ctx, e.Anchor.Tx)
	if err != nil {
		return e, nil, err
	}
	p, err := b.Proof(e.Anchor.Index)
	return e, p, err
}

func (n *node) URL() string { return "http://" + n.ln.Addr().String() }

func dataPath(home string, name string) string { return filepath.Join(home, "data", name) }

// startNode opens everything in home and starts serving. Close stops it.
func startNode(home string, cfg NodeConfig, log *slog.Logger) (_ *node, err error) {
	doc, err := comet.ReadGenesis(home)
	if err != nil {
		return nil, err
	}
	n := &node{home: home, cfg: cfg, log: log, done: make(chan struct{})}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if n.pdb, err = pebblekv.Open(dataPath(home, "app")); err != nil {
		return nil, err
	}
	st, err := store.Open(n.pdb)
	if err != nil {
		return nil, err
	}
	n.mods = modules.New()
	if n.chain, err = NewChain(st, n.mods, doc.ChainID, log); err != nil {
		return nil, err
	}
	if n.read, err = sqlite.Open(dataPath(home, "read.db")); err != nil {
		return nil, err
	}
	if n.cometLg, err = os.OpenFile(dataPath(home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return nil, gongxu.Wrap(err, "open node log")
	}
	// Bind the API before starting consensus, so a taken port fails fast.
	if n.ln, err = listenAPI(cfg.API, cfg.HTTP.MaxConns); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	met := newMetrics(reg)
	if n.comet, err = comet.Start(home, n.chain, comet.StartOptions{Log: n.cometLg, LogLevel: cfg.LogLevel}); err != nil {
		return nil, err
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongxu_mempool_txs", Help: "Transactions waiting in this node's mempool."},
		func() float64 { return float64(n.comet.CometBFT().Mempool().Size()) }))
	// The failures the state machine absorbed (docs/security.md, failure
	// channels): each is also logged at error level.
	for _, c := range []struct {
		name, help string
		get        func(chain.Stats) uint64
	}{
		{"gongxu_tx_internal_failures_total", "Transactions rejected because their handler failed or panicked (a fault of the node software; the block went on).", func(s chain.Stats) uint64 { return s.TxInternal }},
		{"gongxu_tx_panics_total", "Of those, handler panics.", func(s chain.Stats) uint64 { return s.TxPanics }},
		{"gongxu_block_hook_failures_total", "Block hooks whose writes were discarded after a failure.", func(s chain.Stats) uint64 { return s.HookFailures }},
		{"gongxu_check_internal_failures_total", "Transactions refused by the mempool check because their handler failed or panicked.", func(s chain.Stats) uint64 { return s.CheckInternal }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: c.name, Help: c.help},
			func() float64 { return float64(c.get(n.chain.Stats())) }))
	}
	readHeight, err := n.read.Height(context.Background())
	if err != nil {
		return nil, err
	}
	n.health = newHealth(cfg.Health, blockInterval(n.comet), time.Now,
		func() bool { return n.comet.CometBFT().ConsensusReactor().WaitSync() })
	n.health.committed(n.comet.Height())
	n.health.projected(readHeight)
	n.proj = newProjector(n.read, n.comet, log, met)
	n.proj.check = func() { n.health.setInvariant(n.checkInvariant(), log, met) }
	n.proj.projected = n.health.projected
	n.comet.Subscribe(func(b gongxu.CommittedBlock) {
		met.observe(b)
		n.health.committed(b.Height)
		n.proj.push(b)
	})

	var op gongxu.Operator
	if kr, err := keyring.Open(filepath.Join(home, "keys")); err == nil {
		n.sign = &signer{n: n, kr: kr}
		if _, err := kr.Get(OperatorKey); err == nil {
			op = operator{n.sign}
		}
	}
	n.plans = planner.New(n.read, n.blockTime).RequireFactory(n.read)
	n.tokens = token.Open(token.Path(home))
	plans := newPlanCache(n.plans, n.read.Height, reg)
	if cfg.AutoPlan && op != nil {
		n.auto = newAutoPlanner(n.plans, op, n.caughtUp, log)
		n.proj.after = n.auto.observe
		n.auto.start()
	}
	go n.proj.run()
	n.proj.push(gongxu.CommittedBlock{}) // wake it to catch up with the block store
	api := httpapi.New(httpapi.Config{Node: readYourWrites{n}, Members: n.read, Txs: n.read, Pools: n.read, RFQs: n.read,
		Receipts: receipts{n}, Production: n.read, Plans: plans, Trace: n.read, Operator: op, Tokens: n.tokens,
		Health: n.health.check, Limits: cfg.HTTP.RateLimits, Registry: reg, Logger: log})
	pages, err := web.New(web.Config{Node: n.comet, Members: n.read, Txs: n.read, Pools: n.read, RFQs: n.read, Operator: op, Production: n.read, Plans: plans,
		Trace: n.read, TraceProof: n.traceProof, Progress: n.progressPoints, Logger: log,
		Tokens: n.tokens, Hosts: apiHosts(cfg, n.ln.Addr()), RemoteForms: cfg.HTTP.RemoteForms})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("/epcis/", api) // GS1 EPCIS 2.0 REST binding: capture and query
	mux.Handle("/healthz", api)
	mux.Handle("/metrics", api)
	mux.Handle("/", pages)
	n.srv = newHTTPServer(cfg.HTTP, mux, log)
	go func() {
		defer close(n.done)
		if err := n.srv.Serve(n.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	return n, nil
}

// Close stops serving, stops consensus, drains the projector and closes the
// stores, in that order.
func (n *node) Close() error {
	var errs []error
	if n.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = n.srv.Shutdown(ctx)
		cancel()
		<-n.done
	} else if n.ln != nil {
		n.ln.Close()
	}
	if n.auto != nil {
		n.auto.close()
	}
	if n.comet != nil {
		errs = append(errs, n.comet.Stop())
	}
	if n.proj != nil {
		n.proj.close()
	}
	if n.read != nil {
		errs = append(errs, n.read.Close())
	}
	if n.pdb != nil {
		errs = append(errs, n.pdb.Close())
	}
	if n.cometLg != nil {
		n.cometLg.Close()
	}
	return errors.Join(errs...)
}

// waitHeight waits until the read model has projected height h.
func (n *node) waitHeight(ctx context.Context, h int64) error {
	for {
		got, err := n.read.Height(ctx)
		if err != nil {
			return err
		}
		if got >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// readYourWrites answers a committed transaction only once the read model
// has projected its block, so a client that submits and then queries sees
// its own change.
type readYourWrites struct{ n *node }

func (w readYourWrites) Status(ctx context.Context) (gongxu.Status, error) {
	return w.n.comet.Status(ctx)
}

func (w readYourWrites) Account(ctx context.Context, k gongxu.PubKey) (gongxu.Account, error) {
	return w.n.comet.Account(ctx, k)
}

func (w readYourWrites) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	r, err := w.n.comet.Submit(ctx, tx, wait)
	if err != nil || !wait || r.Height == 0 {
		return r, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := w.n.waitHeight(wctx, r.Height); err != nil {
		w.n.log.Warn("read model is behind the chain", "height", r.Height, "err", err)
	}
	return r, nil
}

// blockSource reads committed blocks back from CometBFT's stores.
type blockSource interface {
	Block(h int64) (gongxu.CommittedBlock, error)
	Height() int64
}

// projector feeds committed blocks into the read model, off the consensus
// goroutine. Blocks arrive from commits; any gap (start-up, a restart, a
// failed projection) is filled from the block store, so the read model always
// converges to the chain.
type projector struct {
	db    *sqlite.DB
	src   blockSource
	log   *slog.Logger
	met   *metrics
	after func([]gongxu.CommittedBlock) // told of each projected batch; set before run

	// projected is told the height the read model reached, and check runs
	// after each projected batch (the money invariant); both optional, set
	// before run.
	projected func(height int64)
	check     func()

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []gongxu.CommittedBlock
	closed bool
	done   chan struct{}
}

func newProjector(db *sqlite.DB, src blockSource, log *slog.Logger, met *metrics) *projector {
	p := &projector{db: db, src: src, log: log, met: met, done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// push queues a committed block; a zero block only wakes the projector.
func (p *projector) push(b gongxu.CommittedBlock) {
	p.mu.Lock()
	p.queue = append(p.queue, b)
	p.mu.Unlock()
	p.cond.Signal()
}

func (p *projector) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cond.Signal()
	<-p.done
}

func (p *projector) run() {
	defer close(p.done)
	ctx := context.Background()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if p.closed {
			p.mu.Unlock()
			return
		}
		batch := p.queue
		p.queue = nil
		p.mu.Unlock()
		if err := p.project(ctx, batch); err != nil {
			p.log.Error("read model projection failed; will retry from the block store", "err", err)
			time.Sleep(time.Second)
			p.push(gongxu.CommittedBlock{})
		}
	}
}

func (p *projector) project(ctx context.Context, batch []gongxu.CommittedBlock) error {
	last, err := p.db.Height(ctx)
	if err != nil {
		return err
	}
	var todo []gongxu.CommittedBlock
	for _, b := range batch {
		if b.Height == 0 || b.Height <= last {
			continue
		}
		// Fill any gap before b from the block store.
		for h := last + 1; h < b.Height; h++ {
			sb, err := p.src.Block(h)
			if err != nil {
				return err
			}
			todo = append(todo, sb)
		}
		todo = append(todo, b)
		last = b.Height
	}
	// Catch up to the chain's height (start-up, or missed pushes).
	for h := last + 1; h <= p.src.Height() && len(todo) < 1000; h++ {
		sb, err := p.src.Block(h)
		if err != nil {
			return err
		}
		todo = append(todo, sb)
		last = h
	}
	if len(todo) == 0 {
		return nil
	}
	if err := p.db.ProjectBlocks(ctx, todo); err != nil {
		return err
	}
	p.met.readHeight.Set(float64(todo[len(todo)-1].Height))
	if p.projected != nil {
		p.projected(todo[len(todo)-1].Height)
	}
	if p.check != nil {
		p.check()
	}
	if p.after != nil {
		p.after(todo)
	}
	if last < p.src.Height() {
		p.push(gongxu.CommittedBlock{})
	}
	return nil
}

// metrics are the node's Prometheus metrics.
type metrics struct {
	height     prometheus.Gauge
	readHeight prometheus.Gauge
	invariant  prometheus.Counter
	txs        *prometheus.CounterVec
	interval   prometheus.Histogram
	lastTime   int64
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		height:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongxu_block_height", Help: "Height of the last committed block."}),
		readHeight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongxu_read_model_height", Help: "Height the read model has projected."}),
		txs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongxu_txs_committed_total", Help: "Transactions in committed blocks, by result; rate() gives tx/s."},
			[]string{"result"}),
		interval: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "gongxu_block_interval_seconds", Help: "Block time between consecutive blocks.",
			Buckets: []float64{0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10}}),
		invariant: prometheus.NewCounter(prometheus.CounterOpts{Name: "gongxu_invariant_failures_total",
			Help: "Checks of the committed state that found the money invariant broken (balances not adding up to deposits minus withdrawals, or negative)."}),
	}
	reg.MustRegister(m.height, m.readHeight, m.invariant, m.txs, m.interval, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(b gongxu.CommittedBlock) {
	m.height.Set(float64(b.Height))
	ok, bad := 0, 0
	for _, t := range b.Txs {
		if t.Code == 0 {
			ok++
		} else {
			bad++
		}
	}
	m.txs.WithLabelValues("ok").Add(float64(ok))
	m.txs.WithLabelValues("rejected").Add(float64(bad))
	if m.lastTime != 0 {
		m.interval.Observe(float64(b.Time-m.lastTime) / 1000)
	}
	m.lastTime = b.Time
}

// listenAPI binds the API's address, serving at most maxConns connections
// at once: more wait in the listen queue until one closes.
func listenAPI(addr string, maxConns int) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindUnavailable, "cannot listen on %s for the API: %v (use --api to pick another address)", addr, err)
	}
	return netutil.LimitListener(ln, maxConns), nil
}

// newHTTPServer is the API and pages' server with the timeouts and limits
// of c: a connection that sends its request too slowly is closed after
// ReadTimeout, a response is cut after WriteTimeout, an idle connection
// closes after IdleTimeout, and no request body is read past MaxBodyBytes.
func newHTTPServer(c HTTPConfig, h http.Handler, log *slog.Logger) *http.Server {
	limit := c.MaxBodyBytes
	body := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			fmt.Fprintf(w, `{"code":"too_large","message":"the request body is larger than %d bytes"}`+"\n", limit)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
	return &http.Server{
		Handler:           body,
		ReadHeaderTimeout: min(10*time.Second, c.ReadTimeout.D()),
		ReadTimeout:       c.ReadTimeout.D(),
		WriteTimeout:      c.WriteTimeout.D(),
		IdleTimeout:       c.IdleTimeout.D(),
		MaxHeaderBytes:    c.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
}

// apiHosts are the names the pages' forms accept in Host and Origin: the
// configured API address and the bound one (its real port), the loopback
// names with that port, and the configured extra names. A node listening
// on every address ("0.0.0.0:8080") accepts any IP address with its port.
func apiHosts(cfg NodeConfig, bound net.Addr) []string {
	hosts := []string{cfg.API}
	port := ""
	if _, p, err := net.SplitHostPort(bound.String()); err == nil {
		port = p
		hosts = append(hosts, bound.String())
	}
	if host, _, err := net.SplitHostPort(cfg.API); err == nil && port != "" {
		hosts = append(hosts, net.JoinHostPort(host, port))
	}
	if port != "" {
		hosts = append(hosts, "127.0.0.1:"+port, "localhost:"+port, "[::1]:"+port)
	}
	return append(hosts, cfg.HTTP.Hosts...)
}

// checkInvariant checks the money invariant on the committed state.
func (n *node) checkInvariant() error { return checkMoneyInvariant(n.chain.State(), n.mods.Settle) }

// checkMoneyInvariant checks the money invariant on committed state st: the
// settle module's keys are copied in one iteration (one snapshot of the
// store, so balances and supplies are of the same block) and checked there.
func checkMoneyInvariant(st store.Reader, m *settle.Module) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the invariant check panicked: %v", v)
		}
	}()
	start := []byte(settle.Name + "/")
	var changes []store.Change
	if err := st.Iterate(start, module.PrefixEnd(start), func(k, v []byte) bool {
		changes = append(changes, store.Change{Key: append([]byte(nil), k...), Value: append([]byte(nil), v...)})
		return true
	}); err != nil {
		return gongxu.Wrap(err, "read the settle state")
	}
	snap := store.NewMemDB()
	if err := snap.Apply(changes); err != nil {
		return gongxu.Wrap(err, "copy the settle state")
	}
	return m.CheckInvariant(snap)
}

// blockInterval is how often the node's chain commits a block when there is
// nothing to do: every timeout_commit, or every create_empty_blocks_interval
// when that is longer; 0 when it makes no empty blocks (an idle chain is
// then not a stalled one).
func blockInterval(c *comet.Node) time.Duration {
	cs := c.CometBFT().Config().Consensus
	if !cs.CreateEmptyBlocks {
		return 0
	}
	return max(cs.TimeoutCommit, cs.CreateEmptyBlocksInterval)
}

// health is what /healthz reports: a node is not healthy when no block was
// committed for several block intervals while it is not catching up, when
// its read model lags the chain by more than a few blocks for more than a
// few seconds, or while the money invariant is broken. Its clock is now:
// the times it compares are its own, never block times.
type health struct {
	now        func() time.Time
	stallAfter time.Duration // no commit for this long: stalled (0: never, the chain may idle)
	interval   time.Duration // the expected block interval, for messages
	lagBlocks  int64
	lagFor     time.Duration
	catchingUp func() bool

	mu          sync.Mutex
	lastCommit  time.Time // when the last block was committed here (or the node started)
	chainHeight int64
	readHeight  int64
	lagSince    time.Time // zero while the read model keeps up
	broken      error     // the money invariant's failure, while it lasts
}

// newHealth applies c to a chain that commits a block every interval when
// idle (0: it may idle without blocks, and is never called stalled).
func newHealth(c HealthConfig, interval time.Duration, now func() time.Time, catchingUp func() bool) *health {
	var stall time.Duration
	if interval > 0 {
		stall = max(time.Duration(c.StallBlocks)*interval, c.StallMin.D())
	}
	return &health{now: now, stallAfter: stall, interval: interval, lagBlocks: c.LagBlocks, lagFor: c.LagFor.D(),
		catchingUp: catchingUp, lastCommit: now()}
}

// committed is told of each block the node commits.
func (h *health) committed(height int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastCommit = h.now()
	h.chainHeight = max(h.chainHeight, height)
	h.lag()
}

// projected is told the height the read model reached.
func (h *health) projected(height int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.readHeight = max(h.readHeight, height)
	h.lag()
}

// lag notes when the read model fell behind. Called with h.mu held.
func (h *health) lag() {
	if h.chainHeight-h.readHeight > h.lagBlocks {
		if h.lagSince.IsZero() {
			h.lagSince = h.now()
		}
	} else {
		h.lagSince = time.Time{}
	}
}

// setInvariant records the outcome of a check of the money invariant; a
// failure is logged at error level and counted.
func (h *health) setInvariant(err error, log *slog.Logger, met *metrics) {
	h.mu.Lock()
	was := h.broken
	h.broken = err
	height := h.chainHeight
	h.mu.Unlock()
	if err != nil {
		met.invariant.Inc()
		log.Error("the money invariant is broken on the committed state", "height", height, "err", err)
	} else if was != nil {
		log.Info("the money invariant holds again", "height", height)
	}
}

// check is nil when the node is healthy, else a KindUnavailable error that
// says why.
func (h *health) check(context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if h.broken != nil {
		return gongxu.Errorf(gongxu.KindUnavailable, "the ledger's money invariant is broken: %v", h.broken)
	}
	if since := now.Sub(h.lastCommit); h.stallAfter > 0 && since > h.stallAfter && (h.catchingUp == nil || !h.catchingUp()) {
		return gongxu.Errorf(gongxu.KindUnavailable, "no block committed for %s (at height %d; one is expected every %s)",
			since.Round(time.Second), h.chainHeight, h.interval)
	}
	h.lag()
	if !h.lagSince.IsZero() && now.Sub(h.lagSince) > h.lagFor {
		return gongxu.Errorf(gongxu.KindUnavailable, "the read model is %d blocks behind the chain (at %d, the chain at %d) for %s",
			h.chainHeight-h.readHeight, h.readHeight, h.chainHeight, now.Sub(h.lagSince).Round(time.Second))
	}
	return nil
}
