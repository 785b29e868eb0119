package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// poolsOptions are the flags of bench pools.
type poolsOptions struct {
	validators, hubs, leaves, leafID, consumers int
	batchRates, directRates                     []int
	ledger                                      bool
	step, warmup, drain                         time.Duration
	warmupSet                                   bool
	closeIn                                     time.Duration
	fillRate, trickle                           int
	phases                                      []string
	dir                                         string
	json                                        bool
	profileRate                                 int
	profileDir                                  string
	timeout                                     time.Duration
}

// The phases of bench pools.
const (
	phaseBatches = "batches"
	phaseDirect  = "direct"
	phaseClose   = "close"
)

// poolsTarget is DESIGN.md's target for pledges/s through hub batches.
const poolsTarget = 100_000

// The bench's pools: prices in minor units of poolsCurrency.
const (
	poolsCurrency    = "CNY"
	poolsFactory     = gongxu.OrgID("bench-factory")
	poolsSKU         = "bench-tee"
	poolsCap         = 100_000_000 // units
	poolsHubDeposit  = 10_000_000_000_000
	poolsUserDeposit = 10_000_000_000
)

var poolsTiers = []gongxu.Tier{{MinQty: 1, UnitPrice: 100}, {MinQty: 1000, UnitPrice: 90}, {MinQty: 1_000_000, UnitPrice: 80}}

func newBenchPoolsCmd(env *Env) *cobra.Command {
	o := poolsOptions{}
	c := &cobra.Command{
		Use:   "pools",
		Short: "Pledges/s committed through hub batches and through direct signed pledges on a local 4-validator network, and a pool's closing block",
		Long: `pools writes an N-validator network (each node a separate process of this binary on
free loopback ports) whose genesis holds a factory, hub orgs and consumers' keys, sets
it up through transactions (a product, a pool, the hubs' deposits and the consumers'),
and runs three phases with the open-loop harness of bench ledger:

  batches  hub-signed pool/batch transactions of --leaves pledges each, at each of
           --batch-rates batches/s: committed pledges/s, latency, batches per block
           and, from node 0's log, where each block's time goes
  direct   consumer-signed pool/pledge transactions at each of --direct-rates, each
           step followed by one of member/update_org at the same rate (the ledger
           baseline, --ledger): pledges/s and the ratios between the three
  close    a second pool with a deadline --close-in ahead, filled with batches at
           --fill-rate, and a small one that closes after it (the baseline): the
           processing time of both closing blocks on every node, from their logs,
           against their neighbours', and the nodes' resident memory`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.warmupSet = cmd.Flags().Changed("warmup")
			return runBenchPools(env, o)
		},
	}
	f := c.Flags()
	f.IntVar(&o.validators, "validators", 4, "number of validator nodes (separate processes)")
	f.IntVar(&o.hubs, "hubs", 16, "hub orgs submitting batches, pinned round robin to the nodes")
	f.IntVar(&o.leaves, "leaves", 2000, "pledges (leaves) per batch")
	f.IntVar(&o.leafID, "leaf-id", 64, "hex characters of each leaf id, 16 to 64 (gongxu tx pool batch writes 64)")
	f.IntSliceVar(&o.batchRates, "batch-rates", []int{4, 8, 12, 16}, "offered batch txs/s, one step each")
	f.IntVar(&o.consumers, "consumers", 256, "consumers' keys signing direct pledges (and as many member orgs for the ledger baseline)")
	f.IntSliceVar(&o.directRates, "direct-rates", []int{500, 1000}, "offered direct pledges/s, one step each")
	f.BoolVar(&o.ledger, "ledger", true, "after each direct step, a step of member/update_org at the same rate (the ledger bench's load)")
	f.DurationVar(&o.step, "step", 10*time.Second, "length of each rate step")
	f.DurationVar(&o.warmup, "warmup", 0, "head of each step left out of committed/s (default step/5)")
	f.DurationVar(&o.drain, "drain", 20*time.Second, "longest wait after a step for its transactions to commit")
	f.DurationVar(&o.closeIn, "close-in", 90*time.Second, "deadline of the closing pool, from its opening (at least 30s)")
	f.IntVar(&o.fillRate, "fill-rate", 0, "batch txs/s filling the closing pool (default: 3/4 of the batches phase's committed batches/s at saturation)")
	f.IntVar(&o.trickle, "trickle", 20, "direct pledges/s while the pools close, so that blocks keep coming")
	f.StringSliceVar(&o.phases, "phases", []string{phaseBatches, phaseDirect, phaseClose}, "phases to run: batches, direct, close")
	f.StringVar(&o.dir, "dir", "", "`DIR` for the node homes, kept afterwards (default: a temporary directory, removed)")
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.IntVar(&o.profileRate, "profile-rate", 0, "take a CPU profile of node 0 during the batches step at this `RATE` (0: none)")
	f.StringVar(&o.profileDir, "profile-dir", ".", "`DIR` for the CPU profile, cpu-pools-batches.pprof")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the whole benchmark after this long (default: from the plan)")
	return c
}

func (o poolsOptions) command() string {
	ints := func(xs []int) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = fmt.Sprint(x)
		}
		return strings.Join(s, ",")
	}
	s := fmt.Sprintf("gongxu bench pools --validators %d --hubs %d --leaves %d --leaf-id %d --batch-rates %s --consumers %d --direct-rates %s --ledger=%v --step %s --close-in %s --trickle %d --phases %s",
		o.validators, o.hubs, o.leaves, o.leafID, ints(o.batchRates), o.consumers, ints(o.directRates), o.ledger, o.step, o.closeIn, o.trickle, strings.Join(o.phases, ","))
	if o.fillRate != 0 {
		s += fmt.Sprintf(" --fill-rate %d", o.fillRate)
	}
	if o.profileRate != 0 {
		s += fmt.Sprintf(" --profile-rate %d", o.profileRate)
	}
	return s
}

func (o *poolsOptions) check() error {
	if o.validators < 1 || o.validators > 64 {
		return usagef("--validators must be 1 to 64, got %d", o.validators)
	}
	if o.hubs < 1 || o.hubs > 4096 {
		return usagef("--hubs must be 1 to 4096, got %d", o.hubs)
	}
	if o.leaves < 1 || o.leaves > pool.MaxLeaves {
		return usagef("--leaves must be 1 to %d, got %d", pool.MaxLeaves, o.leaves)
	}
	if o.leafID < pool.MinLeafID || o.leafID > pool.MaxLeafID {
		return usagef("--leaf-id must be %d to %d, got %d", pool.MinLeafID, pool.MaxLeafID, o.leafID)
	}
	if n := len(batchTx([]ed25519.PrivateKey{benchKey(0)}, 1, o.leaves, o.leafID)(0, 1<<32)); int64(n) > gongxu.DefaultParams().MaxTxBytes {
		return usagef("a batch of %d leaves is %d bytes, above max_tx_bytes %d: lower --leaves", o.leaves, n, gongxu.DefaultParams().MaxTxBytes)
	}
	if o.consumers < 1 || o.consumers > 100_000 {
		return usagef("--consumers must be 1 to 100000, got %d", o.consumers)
	}
	if o.step < time.Second {
		return usagef("--step must be at least 1s")
	}
	for _, rs := range [][]int{o.batchRates, o.directRates} {
		for _, r := range rs {
			if r <= 0 {
				return usagef("rates must be positive, got %d", r)
			}
		}
	}
	if !o.warmupSet {
		o.warmup = o.step / 5
	}
	if o.warmup < 0 || o.warmup >= o.step {
		return usagef("--warmup must be shorter than --step")
	}
	for _, p := range o.phases {
		if p != phaseBatches && p != phaseDirect && p != phaseClose {
			return usagef("--phases: unknown phase %q (batches, direct, close)", p)
		}
	}
	if o.has(phaseBatches) && len(o.batchRates) == 0 || o.has(phaseDirect) && len(o.directRates) == 0 {
		return usagef("the batches and direct phases need --batch-rates and --direct-rates")
	}
	if o.has(phaseClose) {
		if o.closeIn < 30*time.Second {
			return usagef("--close-in must be at least 30s")
		}
		if o.fillRate < 0 || o.trickle < 1 {
			return usagef("--fill-rate must not be negative, --trickle must be positive")
		}
	}
	return nil
}

func (o poolsOptions) has(phase string) bool { return slices.Contains(o.phases, phase) }

// poolsBench is a run of bench pools on its network.
type poolsBench struct {
	env   *Env
	o     poolsOptions
	dir   string
	net   *benchNet
	procs *bench.Procs
	rpc   *bench.RPC
	api   *client.Client // node 0's API

	orgKeys   []ed25519.PrivateKey // member orgs bench-00000 …: the first o.hubs are the hubs
	hubKeys   []ed25519.PrivateKey
	hubIDs    []gongxu.OrgID
	consumers []ed25519.PrivateKey
	factory   ed25519.PrivateKey

	rep    *poolsReport
	errs   map[string]int64
	counts map[uint64]*pledgeCount // by pool
	steps  []*poolsStep            // every step, for the log's figures

	settleWait time.Duration // longest wait after a step's drain for the mempools to empty
}

func runBenchPools(env *Env, o poolsOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return gongxu.Wrap(err, "find this program's binary")
	}
	if o.timeout == 0 {
		perStep := o.step + o.drain + settleWait/2
		n := 0
		if o.has(phaseBatches) {
			n += len(o.batchRates)
		}
		if o.has(phaseDirect) {
			n += len(o.directRates)
			if o.ledger {
				n += len(o.directRates)
			}
		}
		o.timeout = 3*time.Minute + time.Duration(n)*perStep
		if o.has(phaseClose) {
			o.timeout += o.closeIn + 2*time.Minute
		}
	}
	ctx, cancel := context.WithTimeout(env.Ctx, o.timeout)
	defer cancel()
	dir := o.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "gongxu-bench-pools-"); err != nil {
			return gongxu.Wrap(err, "temp dir")
		}
		defer os.RemoveAll(dir)
	}
	if o.profileRate != 0 {
		if o.profileDir, err = filepath.Abs(o.profileDir); err != nil {
			return gongxu.Wrap(err, "profile dir")
		}
	}
	b := &poolsBench{env: env, o: o, dir: dir, procs: &bench.Procs{}, errs: map[string]int64{}, counts: map[uint64]*pledgeCount{}, settleWait: settleWait}
	for i := range max(o.hubs, o.consumers) {
		b.orgKeys = append(b.orgKeys, benchKey(i))
	}
	b.hubKeys = b.orgKeys[:o.hubs]
	for i := range o.hubs {
		b.hubIDs = append(b.hubIDs, gongxu.OrgID(fmt.Sprintf("bench-%05d", i)))
	}
	for i := range o.consumers {
		b.consumers = append(b.consumers, poolsKey("consumer", i))
	}
	b.factory = poolsKey("factory", 0)
	b.rep = newPoolsReport(o, b)

	start := func(ctx context.Context) error { return b.start(ctx, exe) }
	if err := runBenchNet(ctx, env, b.procs, start, b.run, func() { b.rpc.Close() }); err != nil {
		return err
	}
	if o.json {
		return writeJSON(env.Stdout, b.rep)
	}
	return b.rep.WriteTable(env.Stdout)
}

// runBenchNet runs a benchmark on a network of node processes: start writes
// and starts it, run measures it; a node process that exits meanwhile
// cancels the run with its name, and the processes are stopped at the end
// (closeRPC first, once start succeeded).
func runBenchNet(ctx context.Context, env *Env, procs *bench.Procs, start, run func(context.Context) error, closeRPC func()) error {
	defer func() {
		if err := procs.StopAll(20 * time.Second); err != nil {
			fmt.Fprintf(env.Stderr, "%v\n", err)
		}
	}()
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	if err := start(runCtx); err != nil {
		return benchCause(runCtx, err)
	}
	defer closeRPC()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		if p, ok := <-procs.Exited(stop); ok && p != nil {
			cancelRun(fmt.Errorf("%s exited during the benchmark: %v (see its home's data/bench-child.log and data/node.log)", p.Name, p.Err()))
		}
	}()
	if err := run(runCtx); err != nil {
		return benchCause(runCtx, err)
	}
	return nil
}

func (b *poolsBench) logf(format string, args ...any) {
	fmt.Fprintf(b.env.Stderr, "== "+format+"\n", args...)
}

// start writes the network, starts its nodes and waits for its blocks.
func (b *poolsBench) start(ctx context.Context, exe string) error {
	o := b.o
	b.logf("writing %d node homes in %s", o.validators, b.dir)
	net, err := writeBenchNet(b.dir, o.validators, b.orgKeys, o.profileRate != 0)
	if err != nil {
		return err
	}
	b.net = net
	if err := addPoolsGenesis(net.homes, b.factory); err != nil {
		return err
	}
	for i, home := range net.homes {
		args := []string{"start", "--home", home, "--api", net.apis[i]}
		p, err := bench.StartProc(fmt.Sprintf("node%d", i), exe, args, filepath.Join(home, "data", "bench-child.log"))
		if err != nil {
			return err
		}
		b.procs.Add(p)
	}
	b.rpc = bench.NewRPC(max(o.hubs, o.consumers)/len(net.rpcs) + 4)
	b.api = client.New("http://"+net.apis[0], client.WithTimeout(30*time.Second))
	readyCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := b.rpc.WaitReady(readyCtx, net.rpcs, 2); err != nil {
		return fmt.Errorf("%w (see %s/node*/data/node.log)", err, b.dir)
	}
	b.logf("%d nodes up", len(net.rpcs))
	return nil
}

// addPoolsGenesis adds the bench's factory org to the genesis of every home,
// and sets each node's log so that it shows each block's life (consensus and
// state at info level).
func addPoolsGenesis(homes []string, factory ed25519.PrivateKey) error {
	doc, err := comet.ReadGenesis(homes[0])
	if err != nil {
		return err
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(doc.AppState, &st); err != nil {
		return gongxu.Wrap(err, "bench genesis")
	}
	var g member.Genesis
	if err := json.Unmarshal(st[member.Name], &g); err != nil {
		return gongxu.Wrap(err, "bench member genesis")
	}
	g.Orgs = append(g.Orgs, gongxu.Org{ID: poolsFactory, Name: "Bench factory", Roles: []gongxu.Role{gongxu.RoleFactory},
		Keys: []gongxu.PubKey{gongxu.PubKey(pubHex(factory))}})
	return writeBenchGenesis(doc.ChainID, doc.GenesisTime, g, homes)
}

func (b *poolsBench) run(ctx context.Context) error {
	o := b.o
	if err := b.setup(ctx); err != nil {
		return err
	}
	if o.has(phaseBatches) {
		b.logf("batches: %d hubs, %d leaves a batch (%d bytes), at %v batches/s, %s each", o.hubs, o.leaves, b.rep.BatchTxBytes, o.batchRates, o.step)
		ph := &poolsPhase{Name: "hub batches", PledgesPerTx: o.leaves}
		for _, rate := range o.batchRates {
			s, err := b.step(ctx, ph, "batches", b.hubKeys, batchTx(b.hubKeys, 1, o.leaves, o.leafID), rate, o.step, o.profileRate == rate)
			if err != nil {
				return err
			}
			b.counts[1].Batches += s.Committed
		}
		b.rep.Batches = ph
	}
	if o.has(phaseDirect) {
		b.logf("direct: %d consumers, at %v pledges/s, %s each; ledger baseline: %v", o.consumers, o.directRates, o.step, o.ledger)
		ph := &poolsPhase{Name: "direct pledges", PledgesPerTx: 1}
		var lp *poolsPhase
		if o.ledger {
			lp = &poolsPhase{Name: "ledger (member/update_org)"}
		}
		ledgerKeys := b.orgKeys[:o.consumers]
		for _, rate := range o.directRates {
			s, err := b.step(ctx, ph, "direct", b.consumers, pledgeTx(b.consumers, 1, b.hubIDs), rate, o.step, false)
			if err != nil {
				return err
			}
			b.counts[1].Direct += s.Committed
			if lp != nil {
				if _, err := b.step(ctx, lp, "ledger", ledgerKeys, gongxuTx(benchChainID, ledgerKeys), rate, o.step, false); err != nil {
					return err
				}
			}
		}
		b.rep.Direct, b.rep.Ledger = ph, lp
	}
	if o.has(phaseClose) {
		if err := b.closing(ctx); err != nil {
			return err
		}
	}
	// Pool 1's totals on the chain against the harness's count.
	if err := b.waitReadModel(ctx); err != nil {
		return err
	}
	p, err := b.api.Pool(ctx, 1)
	if err != nil {
		return err
	}
	b.rep.Pool = newPoolCheck(p.Pool, *b.counts[1], o.leaves)
	// Node 0's log: where each step's block time went.
	blocks, err := b.blockLog(0)
	if err != nil {
		return err
	}
	for _, s := range b.steps {
		s.Node0 = bench.SummarizeBlockLog(blocks, s.from, s.to)
	}
	b.rep.finish(b.errs)
	return nil
}

// step runs one rate step of keys' transactions with a fresh runner, and
// records it in ph (if not nil).
func (b *poolsBench) step(ctx context.Context, ph *poolsPhase, app string, keys []ed25519.PrivateKey, build func(int, uint64) []byte,
	rate int, length time.Duration, profile bool) (*poolsStep, error) {
	base, err := readSeqBase(ctx, b.rpc, b.net.rpcs[0], keys)
	if err != nil {
		return nil, fmt.Errorf("%s: sequences: %w", app, err)
	}
	load := bench.Load{App: app, Nodes: b.net.rpcs, Signers: len(keys), MakeTx: base.wrap(build), NextSeq: base.nextSeq(keys),
		Results: true, CPU: b.procs.CPU}
	warmup := b.o.warmup
	if length != b.o.step {
		warmup = length / 5
	}
	plan := bench.Plan{Step: length, Warmup: warmup, Drain: b.o.drain, Log: b.env.Stderr}
	if profile && b.net.pprof != "" {
		plan.ProfileRate, plan.ProfileAddr = rate, b.net.pprof
		plan.ProfileOut = filepath.Join(b.o.profileDir, "cpu-pools-batches.pprof")
	}
	r, err := bench.Start(ctx, load, plan)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t0 := time.Now()
	res, err := r.Step(ctx, rate)
	if err != nil {
		return nil, err
	}
	ar := r.Result()
	for k, v := range ar.Errors {
		b.errs[app+": "+k] += v
	}
	if ar.Profile != "" {
		b.rep.Profile = ar.Profile
	}
	s := &poolsStep{StepResult: res, from: t0.Add(warmup), to: t0.Add(length)}
	// Transactions the drain gave up on would crowd the next step's blocks:
	// wait for every mempool to empty.
	t1 := time.Now()
	left, err := b.settle(ctx, b.settleWait)
	if err != nil {
		return nil, err
	}
	s.SettleSecs, s.Leftover = time.Since(t1).Seconds(), left
	if left > 0 {
		b.logf("%s: %d txs still in a mempool after %s", app, left, b.settleWait.Round(time.Second))
	}
	if ph != nil {
		ph.add(s)
	}
	b.steps = append(b.steps, s)
	return s, nil
}

// settleWait bounds the wait for the mempools to empty after a step.
const settleWait = 60 * time.Second

// settle waits until every node's mempool is empty, at most wait, and
// returns how many txs are left in the fullest.
func (b *poolsBench) settle(ctx context.Context, wait time.Duration) (int, error) {
	deadline := time.Now().Add(wait)
	for {
		left := 0
		for _, n := range b.net.rpcs {
			k, err := b.rpc.MempoolSize(ctx, n)
			if err != nil {
				return 0, err
			}
			left = max(left, k)
		}
		if left == 0 || time.Now().After(deadline) {
			return left, nil
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// setup publishes the product and opens pool 1, and deposits the hubs' and
// the consumers' money.
func (b *poolsBench) setup(ctx context.Context) error {
	o := b.o
	t0 := time.Now()
	var txs [][]byte
	fseq := uint64(1)
	sign := func(key ed25519.PrivateKey, typ string, msg any, seq uint64) []byte {
		body, _ := json.Marshal(msg)
		return gongxu.SignTx(benchChainID, key, typ, body, seq).Encode()
	}
	var variants []gongxu.Variant
	for _, v := range leafVariants {
		variants = append(variants, gongxu.Variant{ID: v, Name: strings.ToUpper(v)})
	}
	txs = append(txs, sign(b.factory, catalog.TypePublish, catalog.MsgPublish{SKU: poolsSKU, Name: "Bench T-shirt", Unit: "piece", Variants: variants}, fseq))
	fseq++
	txs = append(txs, sign(b.factory, pool.TypeOpen, b.openMsg(time.Now().Add(30*24*time.Hour).UnixMilli(), 1000), fseq))
	hseq := make([]uint64, o.hubs)
	for h, k := range b.hubKeys {
		hseq[h]++
		txs = append(txs, sign(k, settle.TypeDeposit, settle.MsgDeposit{Currency: poolsCurrency, Amount: poolsHubDeposit, Ref: "bench"}, hseq[h]))
	}
	for c, ck := range b.consumers {
		h := c % o.hubs
		hseq[h]++
		to := settle.KeyAccount(gongxu.PubKey(pubHex(ck)))
		txs = append(txs, sign(b.hubKeys[h], settle.TypeDeposit, settle.MsgDeposit{To: to, Currency: poolsCurrency, Amount: poolsUserDeposit, Ref: "bench"}, hseq[h]))
	}
	b.logf("setup: a product, pool 1, %d hub deposits and %d consumer deposits (%d txs)", o.hubs, o.consumers, len(txs))
	if err := commitTxs(ctx, b.rpc, b.net.rpcs[0], txs); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if err := b.waitReadModel(ctx); err != nil {
		return err
	}
	p, err := b.api.Pool(ctx, 1)
	if err != nil {
		return fmt.Errorf("setup: pool 1: %w", err)
	}
	if p.Product != gongxu.NewProductID(poolsFactory, poolsSKU) || p.Status != gongxu.PoolOpen {
		return fmt.Errorf("setup: pool 1 is not the bench's: %+v", p.Pool)
	}
	b.counts[1] = &pledgeCount{}
	b.logf("setup done in %.1fs", time.Since(t0).Seconds())
	return nil
}

func (b *poolsBench) openMsg(deadline, moq int64) pool.MsgOpen {
	return pool.MsgOpen{Product: gongxu.NewProductID(poolsFactory, poolsSKU), Tiers: poolsTiers, MOQ: moq, Cap: poolsCap, CasePack: 1,
		Currency: poolsCurrency, Deadline: deadline}
}

// commitTxs submits txs to node in order and waits until every one is
// committed with code 0.
func commitTxs(ctx context.Context, rpc *bench.RPC, node string, txs [][]byte) error {
	h0, err := rpc.Height(ctx, node)
	if err != nil {
		return err
	}
	want := map[[32]byte]int{}
	for i, tx := range txs {
		res, err := rpc.BroadcastTxSync(ctx, node, tx)
		if err != nil {
			return fmt.Errorf("tx %d: %w", i, err)
		}
		if res.Code != 0 {
			return fmt.Errorf("tx %d refused by CheckTx: code %d: %s", i, res.Code, res.Log)
		}
		want[sha256.Sum256(tx)] = i
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for next := h0 + 1; len(want) > 0; {
		if top, err := rpc.Height(ctx, node); err == nil {
			for ; next <= top; next++ {
				blk, err := rpc.Block(ctx, node, next, true)
				if err != nil {
					break // stored, not yet executed
				}
				for j, h := range blk.Hashes {
					i, ok := want[h]
					if !ok {
						continue
					}
					if blk.Codes[j] != 0 {
						return fmt.Errorf("tx %d failed in block %d: code %d: %s", i, next, blk.Codes[j], blk.Logs[j])
					}
					delete(want, h)
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d txs not committed: %w", len(want), len(txs), ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// waitReadModel waits until node 0's read model has caught up with its chain.
func (b *poolsBench) waitReadModel(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	h, err := b.rpc.Height(ctx, b.net.rpcs[0])
	if err != nil {
		return err
	}
	for {
		st, err := b.api.Status(ctx)
		if err == nil && st.ReadModelHeight >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("node 0's read model did not reach height %d: %v (%w)", h, err, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// blockLog reads node i's log.
func (b *poolsBench) blockLog(i int) ([]bench.BlockTiming, error) {
	f, err := os.Open(dataPath(b.net.homes[i], "node.log"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return bench.ParseBlockLog(f, time.Local)
}

// closing opens a pool that closes soon and fills it with batches, and a
// small one that closes a little later as the baseline; then it measures
// both closing blocks in every node's log, and the nodes' memory.
func (b *poolsBench) closing(ctx context.Context) error {
	o := b.o
	c := &poolsClose{}
	b.rep.Close = c
	var err error
	if c.MemStart, err = b.procs.Memory(); err != nil {
		return err
	}
	fill := o.fillRate
	if fill == 0 {
		fill = 6
		if ph := b.rep.Batches; ph != nil && ph.SaturationTPS >= 1 {
			// Below what the network sustained, so that no backlog is left
			// in the mempools at the deadline.
			fill = max(1, int(0.75*ph.SaturationTPS))
		}
	}
	c.FillRate = fill
	// Open both pools, then put one batch into the small one.
	fseq, err := accountSeq(ctx, b.rpc, b.net.rpcs[0], b.factory)
	if err != nil {
		return err
	}
	d2 := time.Now().Add(o.closeIn)
	d3 := d2.Add(10 * time.Second)
	open := func(deadline time.Time, seq uint64) []byte {
		body, _ := json.Marshal(b.openMsg(deadline.UnixMilli(), 1000))
		return gongxu.SignTx(benchChainID, b.factory, pool.TypeOpen, body, seq).Encode()
	}
	if err := commitTxs(ctx, b.rpc, b.net.rpcs[0], [][]byte{open(d2, fseq), open(d3, fseq+1)}); err != nil {
		return fmt.Errorf("close: open pools: %w", err)
	}
	if err := b.waitReadModel(ctx); err != nil {
		return err
	}
	for id, d := range map[uint64]time.Time{2: d2, 3: d3} {
		p, err := b.api.Pool(ctx, id)
		if err != nil {
			return fmt.Errorf("close: pool %d: %w", id, err)
		}
		if p.Deadline != d.UnixMilli() {
			return fmt.Errorf("close: pool %d is not the one just opened (deadline %d, want %d)", id, p.Deadline, d.UnixMilli())
		}
	}
	b.counts[2], b.counts[3] = &pledgeCount{}, &pledgeCount{}
	hseq, err := accountSeq(ctx, b.rpc, b.net.rpcs[0], b.hubKeys[0])
	if err != nil {
		return err
	}
	if err := commitTxs(ctx, b.rpc, b.net.rpcs[0], [][]byte{batchTx(b.hubKeys, 3, o.leaves, o.leafID)(0, hseq)}); err != nil {
		return fmt.Errorf("close: baseline batch: %w", err)
	}
	b.counts[3].Batches++

	// Fill pool 2 until 15 s before its deadline, then let it drain.
	fillFor := time.Until(d2) - 15*time.Second
	if fillFor < 5*time.Second {
		return fmt.Errorf("close: only %s left to fill pool 2: raise --close-in", fillFor.Round(time.Second))
	}
	b.logf("close: filling pool 2 at %d batches/s for %s; it closes at %s, the baseline pool 3 at %s", fill, fillFor.Round(time.Second),
		d2.Format("15:04:05.000"), d3.Format("15:04:05.000"))
	// The drain and the wait for the mempools end before the deadline, so
	// that the trickle runs while the pools close.
	drain := b.o.drain
	b.o.drain, b.settleWait = time.Until(d2)-fillFor-3*time.Second, 0
	s, err := b.step(ctx, nil, "fill", b.hubKeys, batchTx(b.hubKeys, 2, o.leaves, o.leafID), fill, fillFor, false)
	b.o.drain, b.settleWait = drain, settleWait
	if err != nil {
		return err
	}
	b.counts[2].Batches += s.Committed
	c.Fill = s
	if c.MemFilled, err = b.procs.Memory(); err != nil {
		return err
	}
	// A trickle of direct pledges into pool 1 keeps the blocks coming while
	// both pools close.
	trickleFor := time.Until(d3) + 5*time.Second
	b.logf("close: %d direct pledges/s into pool 1 for %s while pools 2 and 3 close", o.trickle, trickleFor.Round(time.Second))
	ts, err := b.step(ctx, nil, "trickle", b.consumers, pledgeTx(b.consumers, 1, b.hubIDs), o.trickle, trickleFor, false)
	if err != nil {
		return err
	}
	b.counts[1].Direct += ts.Committed
	if c.MemAfter, err = b.procs.Memory(); err != nil {
		return err
	}
	// Both pools closed: at which heights, and what those blocks cost.
	if err := b.waitReadModel(ctx); err != nil {
		return err
	}
	var closeH [2]int64
	for i, id := range []uint64{2, 3} {
		p, err := b.api.Pool(ctx, id)
		if err != nil {
			return err
		}
		chk := newPoolCheck(p.Pool, *b.counts[id], o.leaves)
		if i == 0 {
			c.Pool = chk
		} else {
			c.Baseline = chk
		}
		if p.Status == gongxu.PoolOpen {
			return fmt.Errorf("close: pool %d is still open after its deadline", id)
		}
		closeH[i] = p.History[len(p.History)-1].Height
	}
	c.Height, c.BaselineHeight = closeH[0], closeH[1]
	for i := range b.net.homes {
		blocks, err := b.blockLog(i)
		if err != nil {
			return err
		}
		c.Nodes = append(c.Nodes, closeTimes(fmt.Sprintf("node%d", i), blocks, closeH[0], closeH[1], 5))
	}
	return nil
}

// closeTimes reads, in one node's block log, the closing blocks at heights
// h and base, and the median of the blocks within k heights of either,
// themselves left out.
func closeTimes(node string, blocks []bench.BlockTiming, h, base int64, k int) closeNode {
	out := closeNode{Node: node}
	var ex, pr, iv []time.Duration
	for i, bt := range blocks {
		if bt.Height == h {
			out.Close = blockTimes(blocks, i)
		}
		if bt.Height == base {
			out.Baseline = blockTimes(blocks, i)
		}
		switch {
		case bt.Height == h || bt.Height == base:
		case bt.Height >= min(h, base)-int64(k) && bt.Height <= max(h, base)+int64(k):
			ex, pr = append(ex, bt.Exec()), append(pr, bt.Process())
			if d := bench.Interval(blocks, i); d > 0 {
				iv = append(iv, d)
			}
		}
	}
	out.Neighbours = blockTimesMs{ExecMs: medianMs(ex), ProcessMs: medianMs(pr), IntervalMs: medianMs(iv), Blocks: len(ex)}
	return out
}

func blockTimes(blocks []bench.BlockTiming, i int) blockTimesMs {
	bt := blocks[i]
	return blockTimesMs{Height: bt.Height, Txs: bt.Txs, ExecMs: msf(bt.Exec()), ProcessMs: msf(bt.Process()), IntervalMs: msf(bench.Interval(blocks, i)), Blocks: 1}
}

func medianMs(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return msf(bench.Percentile(ds, 50))
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// writeBenchGenesis writes a bench network's genesis with member state g
// into every home, and has each node log consensus at info level.
func writeBenchGenesis(chainID string, genesisTime time.Time, g member.Genesis, homes []string) error {
	if err := comet.WriteGenesis(comet.GenesisOptions{ChainID: chainID, Time: genesisTime, Validators: g.Validators,
		AppState: map[string]any{member.Name: g}}, homes...); err != nil {
		return err
	}
	for _, home := range homes {
		cfg, err := LoadNodeConfig(home)
		if err != nil {
			return err
		}
		cfg.LogLevel = "main:info,state:info,consensus:info,p2p:error,*:error"
		if err := SaveNodeConfig(home, cfg); err != nil {
			return err
		}
	}
	return nil
}
