package scenario

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// bench pools: pledges through hub batches and direct signed pledges on a
// local network, and the closing block of a full pool.

// PoolsOptions are the settings of bench pools.
type PoolsOptions struct {
	Common
	Hubs, Leaves, LeafID, Consumers int
	Packed                          bool   // batches carry their leaves packed in a binary body (pool/batchbody.go), not as a JSON list
	Submit                          string // SubmitAPI or SubmitRPC: how the load reaches the nodes
	Prebuild                        bool   // build and sign each step's txs before it starts (poolsBench.prebuild)
	BatchRates, DirectRates         []int
	Ledger                          bool // a member/update_org step after each direct step
	CloseIn                         time.Duration
	FillRate, Trickle               int
	Phases                          []string
	ProfileRate                     int
}

// The phases of bench pools.
const (
	PhaseBatches = "batches"
	PhaseDirect  = "direct"
	PhaseClose   = "close"
)

// How bench pools submits its load.
const (
	// SubmitAPI posts each signed tx's raw bytes to the node's own API
	// (POST /v1/txs?wait=false, application/octet-stream).
	SubmitAPI = "api"
	// SubmitRPC sends it through CometBFT's JSON-RPC broadcast_tx_sync
	// (base64 inside JSON), as bench ledger does for both of its apps.
	SubmitRPC = "rpc"
)

// poolsTarget is DESIGN.md's target for pledges/s through hub batches.
const poolsTarget = 100_000

// The bench's pools: prices in minor units of poolsCurrency.
const (
	poolsCurrency    = "CNY"
	poolsFactory     = gongxu.OrgID("bench-factory")
	poolsSKU         = "bench-tee"
	poolsMOQ         = 1000        // units
	poolsCap         = 100_000_000 // units
	poolsHubDeposit  = 10_000_000_000_000
	poolsUserDeposit = 10_000_000_000
)

var poolsTiers = []gongxu.Tier{{MinQty: 1, UnitPrice: 100}, {MinQty: 1000, UnitPrice: 90}, {MinQty: 1_000_000, UnitPrice: 80}}

func (o PoolsOptions) command() string {
	s := fmt.Sprintf("gongxu bench pools --validators %d --hubs %d --leaves %d --leaf-id %d --batch-rates %s --consumers %d --direct-rates %s --ledger=%v --step %s --close-in %s --trickle %d --phases %s",
		o.Validators, o.Hubs, o.Leaves, o.LeafID, joinInts(o.BatchRates), o.Consumers, joinInts(o.DirectRates), o.Ledger, o.Step, o.CloseIn, o.Trickle, strings.Join(o.Phases, ","))
	if o.FillRate != 0 {
		s += fmt.Sprintf(" --fill-rate %d", o.FillRate)
	}
	if o.Packed {
		s += " --packed"
	}
	if o.Submit != "" {
		s += " --submit " + o.Submit
	}
	s += fmt.Sprintf(" --prebuild=%v", o.Prebuild)
	if o.ProfileRate != 0 {
		s += fmt.Sprintf(" --profile-rate %d", o.ProfileRate)
	}
	return s + wanFlags(o.WAN, o.WANTimeouts)
}

// Check refuses settings the benchmark cannot run with.
func (o PoolsOptions) Check() error {
	if o.Hubs < 1 || o.Hubs > 4096 {
		return fmt.Errorf("--hubs must be 1 to 4096, got %d", o.Hubs)
	}
	if o.Leaves < 1 || o.Leaves > pool.MaxLeaves {
		return fmt.Errorf("--leaves must be 1 to %d, got %d", pool.MaxLeaves, o.Leaves)
	}
	if o.LeafID < pool.MinLeafID || o.LeafID > pool.MaxLeafID {
		return fmt.Errorf("--leaf-id must be %d to %d, got %d", pool.MinLeafID, pool.MaxLeafID, o.LeafID)
	}
	if n := len(batchTx([]ed25519.PrivateKey{signerKey(0)}, 1, o.Leaves, o.LeafID, o.Packed)(0, 1<<32)); int64(n) > gongxu.DefaultParams().MaxTxBytes {
		return fmt.Errorf("a batch of %d leaves is %d bytes, above max_tx_bytes %d: lower --leaves", o.Leaves, n, gongxu.DefaultParams().MaxTxBytes)
	}
	if o.Submit != "" && o.Submit != SubmitAPI && o.Submit != SubmitRPC {
		return fmt.Errorf("--submit must be %s or %s, got %q", SubmitAPI, SubmitRPC, o.Submit)
	}
	if o.Consumers < 1 || o.Consumers > 100_000 {
		return fmt.Errorf("--consumers must be 1 to 100000, got %d", o.Consumers)
	}
	if o.has(PhaseDirect) && o.Consumers+o.Hubs > pool.MaxPayersPerPool {
		return fmt.Errorf("a pool takes at most %d payer accounts (each consumer pledging directly and each hub is one): --consumers + --hubs is %d", pool.MaxPayersPerPool, o.Consumers+o.Hubs)
	}
	if o.Step < time.Second {
		return fmt.Errorf("--step must be at least 1s")
	}
	for _, rs := range [][]int{o.BatchRates, o.DirectRates} {
		for _, r := range rs {
			if r <= 0 {
				return fmt.Errorf("rates must be positive, got %d", r)
			}
		}
	}
	for _, p := range o.Phases {
		if p != PhaseBatches && p != PhaseDirect && p != PhaseClose {
			return fmt.Errorf("--phases: unknown phase %q (batches, direct, close)", p)
		}
	}
	if o.has(PhaseBatches) && len(o.BatchRates) == 0 || o.has(PhaseDirect) && len(o.DirectRates) == 0 {
		return fmt.Errorf("the batches and direct phases need --batch-rates and --direct-rates")
	}
	if o.has(PhaseClose) {
		if o.CloseIn < 30*time.Second {
			return fmt.Errorf("--close-in must be at least 30s")
		}
		if o.FillRate < 0 || o.Trickle < 1 {
			return fmt.Errorf("--fill-rate must not be negative, --trickle must be positive")
		}
	}
	return o.check("--step")
}

func (o PoolsOptions) has(phase string) bool { return slices.Contains(o.Phases, phase) }

// poolsBench is a run of bench pools on its network.
type poolsBench struct {
	o   PoolsOptions
	net *network
	api *client.Client // node 0's API

	orgKeys   []ed25519.PrivateKey // member orgs bench-00000 …: the first o.Hubs are the hubs
	hubKeys   []ed25519.PrivateKey
	hubIDs    []gongxu.OrgID
	consumers []ed25519.PrivateKey
	factory   ed25519.PrivateKey

	rep    *PoolsReport
	counts map[uint64]*pledgeCount // by pool

	drain      time.Duration // a step's drain
	settleWait time.Duration // longest wait after a step's drain for the mempools to empty
}

// poolsSettleWait bounds the wait for the mempools to empty after a step.
const poolsSettleWait = 60 * time.Second

// RunPools runs bench pools.
func RunPools(ctx context.Context, env Env, o PoolsOptions) (*PoolsReport, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.Timeout == 0 {
		perStep := o.Step + o.Drain + poolsSettleWait/2
		n := 0
		if o.has(PhaseBatches) {
			n += len(o.BatchRates)
		}
		if o.has(PhaseDirect) {
			n += len(o.DirectRates)
			if o.Ledger {
				n += len(o.DirectRates)
			}
		}
		o.Timeout = 3*time.Minute + time.Duration(n)*perStep
		if o.has(PhaseClose) {
			o.Timeout += o.CloseIn + 2*time.Minute
		}
	}
	if o.WAN > 0 {
		o.Timeout *= 2
	}
	ctx, dir, end, err := o.begin(ctx, "gongxu-bench-pools-", o.ProfileRate != 0)
	if err != nil {
		return nil, err
	}
	defer end()
	rep, err := runPoolsOn(ctx, env, o, newNetwork(env, "", dir))
	if err != nil || o.WAN == 0 {
		return rep, err
	}
	// The same run again on WAN links, after loopback's network has stopped.
	wn := newNetwork(env, "wan", filepath.Join(dir, "wan"))
	wn.wan, wn.timeouts = o.WAN, o.WANTimeouts
	if rep.WAN, err = runPoolsOn(ctx, env, o, wn); err != nil {
		return nil, err
	}
	rep.WANRatio = compareWAN(rep, rep.WAN)
	return rep, nil
}

// runPoolsOn runs bench pools on network net, not yet written.
func runPoolsOn(ctx context.Context, env Env, o PoolsOptions, net *network) (*PoolsReport, error) {
	b := &poolsBench{o: o, net: net, counts: map[uint64]*pledgeCount{}, drain: o.Drain, settleWait: poolsSettleWait}
	defer b.net.close()
	b.orgKeys = signerKeys(max(o.Hubs, o.Consumers))
	b.hubKeys = b.orgKeys[:o.Hubs]
	for i := range o.Hubs {
		b.hubIDs = append(b.hubIDs, gongxu.OrgID(fmt.Sprintf("bench-%05d", i)))
	}
	for i := range o.Consumers {
		b.consumers = append(b.consumers, key("consumer", i))
	}
	b.factory = key("factory", 0)
	b.rep = newPoolsReport(o, b)
	if err := supervise(ctx, env.Log, b.net.procs, b.start, b.run); err != nil {
		return nil, err
	}
	return b.rep, nil
}

// start writes the network, with the bench's factory org in its genesis,
// starts its nodes and waits for its blocks.
func (b *poolsBench) start(ctx context.Context) error {
	o := b.o
	addFactory := func(g *member.Genesis) {
		g.Orgs = append(g.Orgs, gongxu.Org{ID: poolsFactory, Name: "Bench factory", Roles: []gongxu.Role{gongxu.RoleFactory},
			Keys: []gongxu.PubKey{gongxu.PubKey(pubHex(b.factory))}})
	}
	if err := b.net.write(o.Validators, b.orgKeys, o.ProfileRate != 0, addFactory, blockLogLevel); err != nil {
		return err
	}
	b.api = client.New("http://"+b.net.apis[0], client.WithTimeout(30*time.Second))
	return b.net.start(ctx, false, max(o.Hubs, o.Consumers)/o.Validators+4)
}

func (b *poolsBench) run(ctx context.Context) error {
	o := b.o
	if err := b.setup(ctx); err != nil {
		return err
	}
	if o.has(PhaseBatches) {
		b.net.logf("batches: %d hubs, %d leaves a batch (%d bytes), at %v batches/s, %s each", o.Hubs, o.Leaves, b.rep.BatchTxBytes, o.BatchRates, o.Step)
		ph := &poolsPhase{Name: "hub batches", PledgesPerTx: o.Leaves}
		for _, rate := range o.BatchRates {
			s, err := b.step(ctx, ph, "batches", b.hubKeys, batchTx(b.hubKeys, 1, o.Leaves, o.LeafID, o.Packed), rate, o.Step, o.ProfileRate == rate)
			if err != nil {
				return err
			}
			b.counts[1].Batches += s.Committed
		}
		b.rep.Batches = ph
	}
	if o.has(PhaseDirect) {
		b.net.logf("direct: %d consumers, at %v pledges/s, %s each; ledger baseline: %v", o.Consumers, o.DirectRates, o.Step, o.Ledger)
		ph := &poolsPhase{Name: "direct pledges", PledgesPerTx: 1}
		var lp *poolsPhase
		if o.Ledger {
			lp = &poolsPhase{Name: "ledger (member/update_org)"}
		}
		ledgerKeys := b.orgKeys[:o.Consumers]
		for _, rate := range o.DirectRates {
			s, err := b.step(ctx, ph, "direct", b.consumers, pledgeTx(b.consumers, 1, b.hubIDs), rate, o.Step, false)
			if err != nil {
				return err
			}
			b.counts[1].Direct += s.Committed
			if lp != nil {
				if _, err := b.step(ctx, lp, "ledger", ledgerKeys, gongxuTx(ledgerKeys), rate, o.Step, false); err != nil {
					return err
				}
			}
		}
		b.rep.Direct, b.rep.Ledger = ph, lp
	}
	if o.has(PhaseClose) {
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
	b.rep.Pool = newPoolCheck(p.Pool, *b.counts[1], o.Leaves)
	// Node 0's log: where each step's block time went.
	if err := b.net.summarize(); err != nil {
		return err
	}
	b.rep.finish(b.net.errs)
	return nil
}

// step runs one rate step of keys' transactions, and records it in ph (if
// not nil).
func (b *poolsBench) step(ctx context.Context, ph *poolsPhase, app string, keys []ed25519.PrivateKey, build func(int, uint64) []byte,
	rate int, length time.Duration, profile bool) (*poolsStep, error) {
	l := stepLoad{app: app, keys: keys, build: build, rate: rate, length: length, warmup: b.o.Warmup, drain: b.drain, settle: b.settleWait,
		api: b.o.Submit == SubmitAPI}
	if b.o.Prebuild {
		l.prebuild = prebuildCount(rate, length, len(keys), len(build(0, 1<<32)))
	}
	if length != b.o.Step {
		l.warmup = length / 5
	}
	if profile {
		l.profile = filepath.Join(b.o.ProfileDir, "cpu-pools-batches.pprof")
	}
	r, err := b.net.step(ctx, l)
	if err != nil {
		return nil, err
	}
	if r.profile != "" {
		b.rep.Profile = r.profile
	}
	s := &poolsStep{StepResult: r.res, SettleSecs: r.settleSecs, Leftover: r.leftover}
	b.net.watch(&s.Node0, r)
	if ph != nil {
		ph.add(s)
	}
	return s, nil
}

// prebuildMemory bounds the transactions a step builds ahead.
const prebuildMemory = 512 << 20

// prebuildCount is how many transactions each of signers builds ahead for a
// step of length at rate, of txBytes each: its share of the step's slots
// and a quarter more (the runner hands slots to whichever signer is idle,
// not in turn), within prebuildMemory. A signer that needs more builds them
// as it goes.
func prebuildCount(rate int, length time.Duration, signers, txBytes int) int {
	slots := float64(rate) * length.Seconds()
	n := int(math.Ceil(slots*1.25/float64(signers))) + 2
	return max(0, min(n, prebuildMemory/max(1, signers*txBytes)))
}

// setup publishes the product and opens pool 1, and deposits the hubs' and
// the consumers' money.
func (b *poolsBench) setup(ctx context.Context) error {
	o := b.o
	t0 := time.Now()
	var txs [][]byte
	fseq := uint64(1)
	var variants []gongxu.Variant
	for _, v := range leafVariants {
		variants = append(variants, gongxu.Variant{ID: v, Name: strings.ToUpper(v)})
	}
	txs = append(txs, signTx(b.factory, catalog.TypePublish, catalog.MsgPublish{SKU: poolsSKU, Name: "Bench T-shirt", Unit: "piece", Variants: variants}, fseq))
	fseq++
	txs = append(txs, signTx(b.factory, pool.TypeOpen, b.openMsg(time.Now().Add(30*24*time.Hour).UnixMilli()), fseq))
	hseq := make([]uint64, o.Hubs)
	for h, k := range b.hubKeys {
		hseq[h]++
		txs = append(txs, signTx(k, settle.TypeDeposit, settle.MsgDeposit{Currency: poolsCurrency, Amount: poolsHubDeposit, Ref: "bench"}, hseq[h]))
	}
	for c, ck := range b.consumers {
		h := c % o.Hubs
		hseq[h]++
		to := settle.KeyAccount(gongxu.PubKey(pubHex(ck)))
		txs = append(txs, signTx(b.hubKeys[h], settle.TypeDeposit, settle.MsgDeposit{To: to, Currency: poolsCurrency, Amount: poolsUserDeposit, Ref: "bench"}, hseq[h]))
	}
	b.net.logf("setup: a product, pool 1, %d hub deposits and %d consumer deposits (%d txs)", o.Hubs, o.Consumers, len(txs))
	if err := commitTxs(ctx, b.net.rpc, b.net.rpcs[0], txs); err != nil {
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
	b.net.logf("setup done in %.1fs", time.Since(t0).Seconds())
	return nil
}

// openMsg opens a pool of the bench's product, with an MOQ of poolsMOQ.
func (b *poolsBench) openMsg(deadline int64) pool.MsgOpen {
	return pool.MsgOpen{Product: gongxu.NewProductID(poolsFactory, poolsSKU), Tiers: poolsTiers, MOQ: poolsMOQ, Cap: poolsCap, CasePack: 1,
		Currency: poolsCurrency, Deadline: deadline}
}

// waitReadModel waits until node 0's read model has caught up with its chain.
func (b *poolsBench) waitReadModel(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	h, err := b.net.rpc.Height(ctx, b.net.rpcs[0])
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

// closing opens a pool that closes soon and fills it with batches, and a
// small one that closes a little later as the baseline; then it measures
// both closing blocks in every node's log, and the nodes' memory.
func (b *poolsBench) closing(ctx context.Context) error {
	o := b.o
	procs, rpc, node0 := b.net.procs, b.net.rpc, b.net.rpcs[0]
	c := &poolsClose{}
	b.rep.Close = c
	var err error
	if c.MemStart, err = procs.Memory(); err != nil {
		return err
	}
	fill := o.FillRate
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
	fseq, err := accountSeq(ctx, rpc, node0, b.factory)
	if err != nil {
		return err
	}
	d2 := time.Now().Add(o.CloseIn)
	d3 := d2.Add(10 * time.Second)
	open := func(deadline time.Time, seq uint64) []byte {
		return signTx(b.factory, pool.TypeOpen, b.openMsg(deadline.UnixMilli()), seq)
	}
	if err := commitTxs(ctx, rpc, node0, [][]byte{open(d2, fseq), open(d3, fseq+1)}); err != nil {
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
	hseq, err := accountSeq(ctx, rpc, node0, b.hubKeys[0])
	if err != nil {
		return err
	}
	if err := commitTxs(ctx, rpc, node0, [][]byte{batchTx(b.hubKeys, 3, o.Leaves, o.LeafID, o.Packed)(0, hseq)}); err != nil {
		return fmt.Errorf("close: baseline batch: %w", err)
	}
	b.counts[3].Batches++

	// Fill pool 2 until 15 s before its deadline, then let it drain.
	fillFor := time.Until(d2) - 15*time.Second
	if fillFor < 5*time.Second {
		return fmt.Errorf("close: only %s left to fill pool 2: raise --close-in", fillFor.Round(time.Second))
	}
	b.net.logf("close: filling pool 2 at %d batches/s for %s; it closes at %s, the baseline pool 3 at %s", fill, fillFor.Round(time.Second),
		d2.Format("15:04:05.000"), d3.Format("15:04:05.000"))
	// The drain and the wait for the mempools end before the deadline, so
	// that the trickle runs while the pools close.
	b.drain, b.settleWait = time.Until(d2)-fillFor-3*time.Second, 0
	s, err := b.step(ctx, nil, "fill", b.hubKeys, batchTx(b.hubKeys, 2, o.Leaves, o.LeafID, o.Packed), fill, fillFor, false)
	b.drain, b.settleWait = o.Drain, poolsSettleWait
	if err != nil {
		return err
	}
	b.counts[2].Batches += s.Committed
	c.Fill = s
	if c.MemFilled, err = procs.Memory(); err != nil {
		return err
	}
	// A trickle of direct pledges into pool 1 keeps the blocks coming while
	// both pools close.
	trickleFor := time.Until(d3) + 5*time.Second
	b.net.logf("close: %d direct pledges/s into pool 1 for %s while pools 2 and 3 close", o.Trickle, trickleFor.Round(time.Second))
	ts, err := b.step(ctx, nil, "trickle", b.consumers, pledgeTx(b.consumers, 1, b.hubIDs), o.Trickle, trickleFor, false)
	if err != nil {
		return err
	}
	b.counts[1].Direct += ts.Committed
	if c.MemAfter, err = procs.Memory(); err != nil {
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
		chk := newPoolCheck(p.Pool, *b.counts[id], o.Leaves)
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
		blocks, err := b.net.blockLog(i)
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
