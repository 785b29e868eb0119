package scenario

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// Env is what the scenarios take from the program that runs them.
type Env struct {
	// Log receives the progress lines.
	Log io.Writer
	// Exe is the program's binary, started once per node.
	Exe string
	// NodeArgs are Exe's arguments that run the gongxu node of home with
	// its API on api; KVStoreArgs those that run the baseline node of home
	// (CometBFT with its kvstore example application, for bench ledger).
	NodeArgs    func(home, api string) []string
	KVStoreArgs func(home string) []string
	// Testnet writes the homes node0 … node<n-1> of an n-validator network
	// of chainID into dir: the nodes' keys and config, and a genesis of one
	// member org per validator.
	Testnet func(dir string, validators int, chainID string) error
	// Configure sets the API address and, if logLevel is not "", the log
	// level in home's node config.
	Configure func(home, api, logLevel string) error
}

// chainID is the chain of every benchmark network.
const chainID = "gongxu-bench"

// blockLogLevel makes a node log each block's life (consensus and state at
// info level), which bench.ParseBlockLog reads.
const blockLogLevel = "main:info,state:info,consensus:info,p2p:error,*:error"

// network is a benchmark's network of node processes on loopback ports, and
// what its steps leave for the report.
type network struct {
	env   Env
	name  string // in log lines, errors and process names; "" for a scenario's only network
	dir   string
	homes []string
	rpcs  []string // CometBFT RPC base URLs
	apis  []string // gongxu API addresses
	vals  []string // validator addresses, hex as CometBFT logs them, by node
	pprof string   // node 0's pprof address, if asked for
	procs *bench.Procs
	rpc   *bench.RPC
	// wan, if not 0, puts a delay proxy (bench.WAN) on every directed link
	// between the nodes: each node's persistent peers are the proxies, which
	// add wan to each direction.
	wan     time.Duration
	proxies *bench.WAN
	// timeouts, where not 0, override the nodes' consensus timeouts.
	timeouts comet.Timeouts

	errs    map[string]int64 // submit errors of every step, by load and message
	windows []window         // every step's window, for node 0's log
}

// window is a step's measured window, and where its blocks' figures from
// node 0's log go.
type window struct {
	from, to time.Time
	out      *bench.BlockLogStats
}

func newNetwork(env Env, name, dir string) *network {
	return &network{env: env, name: name, dir: dir, procs: &bench.Procs{}, errs: map[string]int64{}}
}

func (n *network) logf(format string, args ...any) {
	if n.name != "" {
		format = n.name + ": " + format
	}
	fmt.Fprintf(n.env.Log, "== "+format+"\n", args...)
}

// close releases the network's RPC connections (the processes are stopped
// by supervise).
func (n *network) close() {
	if n.rpc != nil {
		n.rpc.Close()
	}
	if n.proxies != nil {
		n.proxies.Close()
	}
}

// write writes the network's node homes on free loopback ports, with one
// more member org, a hub, per key in the genesis (bench-00000 …). edit, if
// not nil, changes the member genesis before it is written; logLevel, if not
// "", is every node's log level.
func (n *network) write(validators int, keys []ed25519.PrivateKey, pprof bool, edit func(*member.Genesis), logLevel string) error {
	n.logf("writing %d node homes in %s", validators, n.dir)
	if err := n.env.Testnet(n.dir, validators, chainID); err != nil {
		return err
	}
	ports, err := bench.FreePorts(3*validators + 1)
	if err != nil {
		return gongxu.Wrap(err, "free ports")
	}
	var ids []comet.NodeIdentity
	var opts []comet.HomeOptions
	for i := range validators {
		home := filepath.Join(n.dir, fmt.Sprintf("node%d", i))
		o := comet.HomeOptions{Moniker: fmt.Sprintf("node%d", i), Ports: comet.Ports{P2P: ports[3*i], RPC: ports[3*i+1]}}
		id, err := comet.InitHome(home, o)
		if err != nil {
			return err
		}
		api := fmt.Sprintf("127.0.0.1:%d", ports[3*i+2])
		if err := n.env.Configure(home, api, logLevel); err != nil {
			return err
		}
		ids, opts = append(ids, id), append(opts, o)
		n.homes = append(n.homes, home)
		n.vals = append(n.vals, validatorAddress(id.ValidatorKey))
		n.rpcs = append(n.rpcs, fmt.Sprintf("http://127.0.0.1:%d", o.Ports.RPC))
		n.apis = append(n.apis, api)
	}
	if n.wan > 0 {
		var targets []string
		for _, o := range opts {
			targets = append(targets, fmt.Sprintf("127.0.0.1:%d", o.Ports.P2P))
		}
		if n.proxies, err = bench.StartWAN(targets, n.wan); err != nil {
			return gongxu.Wrap(err, "WAN proxies")
		}
		n.logf("%d links through delay proxies, %s each way", validators*(validators-1), n.wan)
	}
	// Peers, and pprof on node 0: the same tuned CometBFT config as any node.
	for i, home := range n.homes {
		o := opts[i]
		for j, id := range ids {
			if j == i {
				continue
			}
			addr := fmt.Sprintf("127.0.0.1:%d", opts[j].Ports.P2P)
			if n.proxies != nil {
				addr = n.proxies.Addr(i, j)
			}
			o.Peers = append(o.Peers, id.NodeID+"@"+addr)
		}
		c := comet.CometConfig(home, o)
		n.timeouts.Apply(c.Consensus)
		if i == 0 && pprof {
			n.pprof = fmt.Sprintf("127.0.0.1:%d", ports[3*validators])
			c.RPC.PprofListenAddress = n.pprof
		}
		cmtcfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), c)
	}
	// The genesis: the testnet's orgs and validators, plus the keys' orgs.
	doc, err := comet.ReadGenesis(n.homes[0])
	if err != nil {
		return err
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(doc.AppState, &st); err != nil {
		return gongxu.Wrap(err, "testnet genesis")
	}
	var g member.Genesis
	if err := json.Unmarshal(st[member.Name], &g); err != nil {
		return gongxu.Wrap(err, "testnet member genesis")
	}
	for i, k := range keys {
		g.Orgs = append(g.Orgs, gongxu.Org{ID: gongxu.OrgID(fmt.Sprintf("bench-%05d", i)), Name: fmt.Sprintf("Bench org %d", i),
			Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{gongxu.PubKey(pubHex(k))}})
	}
	if edit != nil {
		edit(&g)
	}
	return comet.WriteGenesis(comet.GenesisOptions{ChainID: doc.ChainID, Time: time.Now(), Validators: g.Validators,
		AppState: map[string]any{member.Name: g}}, n.homes...)
}

// start starts a node process per home (the kvstore baseline's if kvstore),
// adds each to n.procs and to also, and waits until the network makes
// blocks. Its RPC client keeps conns connections per node.
func (n *network) start(ctx context.Context, kvstore bool, conns int, also ...*bench.Procs) error {
	for i, home := range n.homes {
		args := n.env.NodeArgs(home, n.apis[i])
		if kvstore {
			args = n.env.KVStoreArgs(home)
		}
		name := fmt.Sprintf("node%d", i)
		if n.name != "" {
			name = n.name + " " + name
		}
		p, err := bench.StartProc(name, n.env.Exe, args, filepath.Join(home, "data", "bench-child.log"))
		if err != nil {
			return err
		}
		n.procs.Add(p)
		for _, g := range also {
			g.Add(p)
		}
	}
	n.rpc = bench.NewRPC(conns)
	readyCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := n.rpc.WaitReady(readyCtx, n.rpcs, 2); err != nil {
		err = fmt.Errorf("%w (see %s/node*/data/node.log)", err, n.dir)
		if n.name != "" {
			err = fmt.Errorf("%s: %w", n.name, err)
		}
		return err
	}
	n.logf("%d nodes up", len(n.rpcs))
	return nil
}

// supervise runs a benchmark on networks of node processes, all in procs:
// start writes and starts them, run measures them. A node process that exits
// meanwhile cancels the run with its name; every process is stopped at the
// end.
func supervise(ctx context.Context, log io.Writer, procs *bench.Procs, start, run func(context.Context) error) error {
	defer func() {
		if err := procs.StopAll(20 * time.Second); err != nil {
			fmt.Fprintf(log, "%v\n", err)
		}
	}()
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	if err := start(runCtx); err != nil {
		return cause(runCtx, err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		if p, ok := <-procs.Exited(stop); ok && p != nil {
			cancelRun(fmt.Errorf("%s exited during the benchmark: %v (see its home's data/bench-child.log and data/node.log)", p.Name, p.Err()))
		}
	}()
	if err := run(runCtx); err != nil {
		return cause(runCtx, err)
	}
	return nil
}

// cause prefers the reason the run was cancelled (a node died) to the error
// it caused.
func cause(ctx context.Context, err error) error {
	if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
		return gongxu.Errorf(gongxu.KindUnavailable, "%v", c)
	}
	return err
}

// Common are the settings every scenario has.
type Common struct {
	Validators int // validator nodes, each a separate process
	// Step is the length of each rate step, Warmup its head left out of
	// committed/s, Drain the longest wait after it for its txs to commit.
	Step, Warmup, Drain time.Duration
	Dir                 string        // for the node homes, kept ("": a temporary directory, removed)
	ProfileDir          string        // for CPU profiles of node 0 (bench trace: "" for none)
	Timeout             time.Duration // of the whole run (0: from its plan)
	// WAN, if not 0, is the one-way latency of a second network of the
	// same shape whose nodes reach each other through delay proxies; the
	// same load runs on both, in turn (bench ledger, bench pools).
	WAN time.Duration
	// WANTimeouts, where not 0, are the WAN network's consensus timeouts.
	WANTimeouts comet.Timeouts
}

// check refuses a network size or a warm-up the scenarios cannot run with;
// stepFlag names Step on the command line.
func (c Common) check(stepFlag string) error {
	if c.Validators < 1 || c.Validators > 64 {
		return fmt.Errorf("--validators must be 1 to 64, got %d", c.Validators)
	}
	if c.WAN < 0 || c.WAN > 10*time.Second {
		return fmt.Errorf("--wan must be 0 to 10s, got %s", c.WAN)
	}
	if c.Warmup < 0 || c.Warmup >= c.Step {
		return fmt.Errorf("--warmup must be shorter than %s", stepFlag)
	}
	return nil
}

// begin bounds ctx by c.Timeout (which the caller has set), makes
// c.ProfileDir absolute if profile (the nodes run elsewhere), and returns the
// directory of the node homes, a new temporary one named after pattern
// unless c.Dir is set; end cancels the context and removes that directory.
func (c *Common) begin(ctx context.Context, pattern string, profile bool) (_ context.Context, dir string, end func(), _ error) {
	if profile {
		abs, err := filepath.Abs(c.ProfileDir)
		if err != nil {
			return nil, "", nil, gongxu.Wrap(err, "profile dir")
		}
		c.ProfileDir = abs
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	if c.Dir != "" {
		return ctx, c.Dir, cancel, nil
	}
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		cancel()
		return nil, "", nil, gongxu.Wrap(err, "temp dir")
	}
	return ctx, dir, func() { cancel(); os.RemoveAll(dir) }, nil
}

// stepLoad is one rate step of a load on a network.
type stepLoad struct {
	app   string
	keys  []ed25519.PrivateKey
	build func(signer int, seq uint64) []byte // given the chain's sequences
	rate  int
	// api submits through the nodes' own API (POST /v1/txs, raw bytes)
	// instead of CometBFT's JSON-RPC broadcast_tx_sync.
	api bool
	// prebuild, if positive, builds and signs each signer's next prebuild
	// transactions before the step starts (prebuilt), so that the load
	// generator's own CPU (hub batches: ~5 ms each) does not compete with
	// the nodes' during the window on a shared machine.
	prebuild int

	length, warmup, drain time.Duration
	// settle bounds the wait for the mempools to empty after the drain.
	settle time.Duration
	// profile is the file of a CPU profile of node 0 in the step's window
	// ("": none).
	profile string
	// stepped, if not nil, runs when the step has drained, before the wait
	// for the mempools, while the step's runner still follows the blocks.
	stepped func()
	// count, if not nil, gives the step's runner its bench.Settle (it then
	// reads no block_results unless a count falls short); nil: the runner
	// reads every block's results (bench.Load.Results).
	count func(ctx context.Context) (*bench.Settle, error)
}

// stepRun is what a step did.
type stepRun struct {
	res        bench.StepResult
	start      time.Time // when the step began
	from, to   time.Time // its measured window
	profile    string    // the CPU profile written, if any
	settleSecs float64   // the wait for the mempools after the drain
	leftover   int       // txs left in the fullest mempool after that wait
}

// step runs one rate step of l with a fresh runner, the signers' sequences
// read from the chain, and then waits for every mempool to empty: what the
// drain gave up on would crowd the next step's blocks. The step's submit
// errors are added to n.errs.
func (n *network) step(ctx context.Context, l stepLoad) (stepRun, error) {
	base, err := readSeqBase(ctx, n.rpc, n.rpcs[0], l.keys)
	if err != nil {
		return stepRun{}, fmt.Errorf("%s: sequences: %w", l.app, err)
	}
	build := base.wrap(l.build)
	if l.prebuild > 0 {
		build = base.prebuilt(l.build, len(l.keys), l.prebuild)
	}
	load := bench.Load{App: l.app, Nodes: n.rpcs, Signers: len(l.keys), MakeTx: build, NextSeq: base.nextSeq(l.keys),
		Results: true, CPU: n.procs.CPU, BusyCode: uint32(gongxu.KindBusy)}
	if l.count != nil {
		if load.Settle, err = l.count(ctx); err != nil {
			return stepRun{}, fmt.Errorf("%s: %w", l.app, err)
		}
		load.Results = false
	}
	if l.api {
		for _, a := range n.apis {
			load.APIs = append(load.APIs, "http://"+a)
		}
	}
	plan := bench.Plan{Step: l.length, Warmup: l.warmup, Drain: l.drain, Log: n.env.Log}
	if l.profile != "" && n.pprof != "" {
		plan.ProfileRate, plan.ProfileAddr, plan.ProfileOut = l.rate, n.pprof, l.profile
	}
	r, err := bench.Start(ctx, load, plan)
	if err != nil {
		return stepRun{}, err
	}
	defer r.Close()
	t0 := time.Now()
	res, err := r.Step(ctx, l.rate)
	if err != nil {
		return stepRun{}, err
	}
	ar := r.Result()
	for k, v := range ar.Errors {
		n.errs[l.app+": "+k] += v
	}
	out := stepRun{res: res, start: t0, from: t0.Add(l.warmup), to: t0.Add(l.length), profile: ar.Profile}
	if l.stepped != nil {
		l.stepped()
	}
	t1 := time.Now()
	if out.leftover, err = n.settle(ctx, l.settle); err != nil {
		return stepRun{}, err
	}
	out.settleSecs = time.Since(t1).Seconds()
	if out.leftover > 0 {
		n.logf("%s: %d txs still in a mempool after %s", l.app, out.leftover, l.settle.Round(time.Second))
	}
	return out, nil
}

// watch has summarize fill out with node 0's blocks in r's window.
func (n *network) watch(out *bench.BlockLogStats, r stepRun) {
	n.windows = append(n.windows, window{from: r.from, to: r.to, out: out})
}

// summarize reads node 0's log and fills in every watched step's blocks.
func (n *network) summarize() error {
	blocks, err := n.blockLog(0)
	if err != nil {
		return err
	}
	for _, w := range n.windows {
		*w.out = bench.SummarizeBlockLog(blocks, w.from, w.to)
	}
	return nil
}

// blockLog reads node i's log.
func (n *network) blockLog(i int) ([]bench.BlockTiming, error) {
	f, err := os.Open(filepath.Join(n.homes[i], "data", "node.log"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return bench.ParseBlockLog(f, time.Local)
}

// settle waits until every node's mempool is empty, at most wait, and
// returns how many txs are left in the fullest.
func (n *network) settle(ctx context.Context, wait time.Duration) (int, error) {
	deadline := time.Now().Add(wait)
	for {
		left := 0
		for _, node := range n.rpcs {
			k, err := n.rpc.MempoolSize(ctx, node)
			if err != nil {
				return 0, err
			}
			left = max(left, k)
		}
		if left == 0 || time.Now().After(deadline) {
			return left, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
