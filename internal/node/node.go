package node

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/planner"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
	"github.com/gongxu-network/gongxu/internal/token"
	"github.com/gongxu-network/gongxu/internal/web"
)

// Node is a running gongxu node: state, chain, CometBFT, read model and
// HTTP. Open starts it, Serve serves its API and pages, Close stops it.
type Node struct {
	home    string
	cfg     Config
	log     *slog.Logger
	pdb     *pebblekv.DB
	st      *store.State
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

	mu      sync.Mutex
	closed  bool
	serving chan struct{} // closed when Serve returns; nil until it runs
}

// newChain builds the state machine over st for chainID, with the module
// set mods (internal/modules: one list, in its fixed order).
func newChain(st *store.State, mods *modules.Set, chainID string, log *slog.Logger) (*chain.App, error) {
	cfg := mods.ChainConfig(chainID)
	cfg.Logger = log
	return chain.New(st, cfg)
}

// Open opens everything in home and starts the node: the state and read
// model stores, the state machine, CometBFT (which replays what the state
// lacks), the read model's feeder, the auto-planner, and the API's
// listener, bound at once so that a taken port fails here. Requests wait
// in the listen queue until Serve. Close stops it, also after an error of
// Serve.
func Open(home string, cfg Config, log *slog.Logger) (_ *Node, err error) {
	doc, err := comet.ReadGenesis(home)
	if err != nil {
		return nil, err
	}
	n := &Node{home: home, cfg: cfg, log: log}
	defer func() {
		if err != nil {
			n.Close()
		}
	}()
	if n.pdb, err = pebblekv.OpenWith(DataPath(home, "app"), cfg.Store.cacheBytes()); err != nil {
		return nil, err
	}
	st, err := store.OpenWith(n.pdb, cfg.Store.options())
	if err != nil {
		return nil, err
	}
	// A node just started reads no more tree nodes from disk than one that
	// has run a while: ~1 s of CPU a million cached nodes, once.
	warm := time.Now()
	if err := st.WarmNodeCache(); err != nil {
		return nil, err
	}
	log.Info("state tree cache warmed", "bytes", st.NodeCacheBytes(), "took", time.Since(warm).Round(time.Millisecond))
	n.st = st
	n.mods = modules.New()
	if n.chain, err = newChain(st, n.mods, doc.ChainID, log); err != nil {
		return nil, err
	}
	if n.read, err = sqlite.Open(DataPath(home, "read.db")); err != nil {
		return nil, err
	}
	if n.cometLg, err = os.OpenFile(DataPath(home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return nil, gongxu.Wrap(err, "open node log")
	}
	// Bind the API before starting consensus, so a taken port fails fast.
	if n.ln, err = listenAPI(cfg.API, cfg.HTTP.MaxConns); err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	met := newMetrics(reg)
	if n.comet, err = comet.Start(home, n.chain, cfg.SyncConfig.cometOptions(comet.StartOptions{Log: n.cometLg, LogLevel: cfg.LogLevel,
		Peers: append(GenesisPeers(doc.AppState), cfg.Peers...), Seeds: cfg.Seeds, Admission: cfg.Admission, Timeouts: cfg.Consensus.Timeouts(), GossipPeers: cfg.Consensus.GossipPeers})); err != nil {
		return nil, err
	}
	registerNodeMetrics(reg, n.comet, n.chain)
	readHeight, err := n.read.Height(context.Background())
	if err != nil {
		return nil, err
	}
	n.health = newHealth(cfg.Health, n.comet.BlockInterval(), time.Now, n.comet.CatchingUp)
	n.health.committed(n.comet.Height())
	n.health.projected(readHeight)
	n.proj = newProjector(n.read, n.comet, readHeight, log, met)
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
	demand, err := sqlite.NewDemand(n.read, cfg.Demand)
	if err != nil {
		return nil, err
	}
	forecasts := demandforecast.New(demand)
	n.plans = planner.New(n.read, n.blockTime).RequireFactory(n.read).WithLateness(n.read)
	if cfg.PreferOnTime {
		n.plans.PreferOnTime(n.read)
	}
	if cfg.MPS != nil {
		mps, err := demandforecast.NewMPS(forecasts, *cfg.MPS)
		if err != nil {
			return nil, gongxu.Wrap(err, "config mps")
		}
		n.plans.WithMPS(mps)
	}
	n.tokens = token.Open(token.Path(home))
	plans := newPlanCache(n.plans, n.read.Height, reg)
	if cfg.AutoPlan && op != nil {
		n.auto = newAutoPlanner(n.plans, op, n.caughtUp, log)
		n.proj.after = n.auto.observe
		n.auto.start()
	}
	go n.proj.run()
	n.proj.push(gongxu.CommittedBlock{}) // wake it to catch up with the block store
	api := httpapi.New(httpapi.Config{Node: readYourWrites{n}, Members: n.read, Txs: n.read, Pools: n.read, RFQs: n.read, Disputes: n.read, Legs: n.read, Demand: demand,
		Forecast: forecasts, Derived: demandforecast.NewDerived(forecasts, n.read), Reputation: n.read,
		Receipts: receipts{n}, Production: unsealed{n.read, n}, Plans: plans, Trace: n.read, Operator: op, Tokens: n.tokens,
		Health: n.health.check, Limits: cfg.HTTP.RateLimits, Registry: reg, Logger: log})
	pages, err := web.New(web.Config{Node: n.comet, Members: n.read, Txs: projectedTxs{n.read, n.proj.heights}, Pools: n.read, PoolMoney: n.read.PoolMoney, RFQs: n.read, Disputes: n.read, Legs: n.read, Operator: op, Production: unsealed{n.read, n}, Plans: plans,
		Trace: n.read, TraceProof: n.traceProof, Progress: n.progressPoints, Demand: demand, Forecast: forecasts, Logger: log,
		Tokens: n.tokens, Hosts: apiHosts(cfg, n.ln.Addr()), RemoteForms: cfg.HTTP.RemoteForms,
		Language: cfg.Pages.Language, TimeZone: cfg.Pages.TimeZone, PublicURL: cfg.Pages.PublicURL,
		Receipts: receipts{n}, CheckReceipt: checkReceipt, Pickup: n.read.Pickup, RecallAcks: n.read.RecallAcks, Reputation: n.read})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	// The public lists answer from a cache kept per projected height (readcache.go).
	mux.Handle("/v1/", newReadCache(api, n.proj.heights.get))
	mux.Handle("/epcis/", api) // GS1 EPCIS 2.0 REST binding: capture and query
	mux.Handle("/healthz", api)
	mux.Handle("/metrics", api)
	mux.Handle("/", pages)
	n.srv = newHTTPServer(cfg.HTTP, ownReaders(mux, n.tokens, cfg.HTTP.BehindProxy), log)
	return n, nil
}

// Serve serves the API and the pages on the address Open bound, until
// Close; then it returns nil. Any other error ends serving (the node
// itself goes on until Close).
func (n *Node) Serve() error {
	n.mu.Lock()
	if n.closed || n.serving != nil {
		n.mu.Unlock()
		return nil
	}
	n.serving = make(chan struct{})
	done := n.serving
	n.mu.Unlock()
	defer close(done)
	if err := n.srv.Serve(n.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops serving (requests in flight get a few seconds), stops
// consensus, drains the feeder and closes the stores, in that order. Only
// the first call does so.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	serving := n.serving
	n.mu.Unlock()
	var errs []error
	if n.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = n.srv.Shutdown(ctx)
		cancel()
		if serving != nil {
			<-serving
		}
	}
	if n.ln != nil && serving == nil {
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

// URL is the base URL of the node's HTTP API and pages.
func (n *Node) URL() string { return "http://" + n.ln.Addr().String() }

// Status reports the node and its chain.
func (n *Node) Status(ctx context.Context) (gongxu.Status, error) { return n.comet.Status(ctx) }

// Height is the last committed height.
func (n *Node) Height() int64 { return n.comet.Height() }

// Account is the committed account of a key.
func (n *Node) Account(ctx context.Context, k gongxu.PubKey) (gongxu.Account, error) {
	return n.comet.Account(ctx, k)
}

// WaitProjected waits until the read model has projected height h: the
// feeder tells every waiter of each height it reaches.
func (n *Node) WaitProjected(ctx context.Context, h int64) error { return n.proj.heights.wait(ctx, h) }

// Keyring is the keyring of the home, whose keys Send signs with; nil
// when it cannot be opened.
func (n *Node) Keyring() *keyring.Keyring {
	if n.sign == nil {
		return nil
	}
	return n.sign.kr
}

// Send signs body as a typ message with the key named keyName of the
// home's keyring, submits it, and waits for its commit and for the read
// model to show it. Sends are one at a time, so that no two reuse a
// sequence. A rejected transaction is a result with a non-zero code.
func (n *Node) Send(ctx context.Context, keyName, typ string, body any) (gongxu.TxResult, error) {
	if n.sign == nil {
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the node has no keyring in %s", filepath.Join(n.home, "keys"))
	}
	return n.sign.send(ctx, keyName, typ, body)
}

// Plan is the production plan of a factory, from the read model.
func (n *Node) Plan(ctx context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	return n.plans.Plan(ctx, factory)
}

// State is the committed state, to read with the keepers of Modules.
func (n *Node) State() store.Reader { return n.chain.State() }

// Modules are the state machine's modules.
func (n *Node) Modules() *modules.Set { return n.mods }

// progressPoints adapts the read model's pool progress to the web pages.
func (n *Node) progressPoints(ctx context.Context, pool uint64) ([]web.ProgressPoint, error) {
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

// traceProof returns an event as the read model holds it and the Merkle
// proof of its leaf in its transaction's batch, for the provenance page's
// marks.
func (n *Node) traceProof(ctx context.Context, id string) (gongxu.TraceEvent, []string, error) {
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

// checkInvariant checks the money invariant on the committed state.
func (n *Node) checkInvariant() error { return checkMoneyInvariant(n.chain.State(), n.mods.Settle) }
