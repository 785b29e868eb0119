package bench

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Load is the workload of one application on a running network.
type Load struct {
	App   string   // name in the report
	Nodes []string // CometBFT RPC base URLs; node 0 is followed for commits
	// APIs, if set, are the gongxu API base URLs of the same nodes, in the
	// same order: signers submit through POST /v1/txs (RPC.SubmitTx, the
	// raw bytes) instead of CometBFT's broadcast_tx_sync (base64 in a
	// JSON-RPC envelope, which both sides encode and decode). Commits are
	// followed through Nodes either way.
	APIs    []string
	Signers int
	// MakeTx builds the transaction of signer (0 … Signers-1) with sequence
	// seq (from 1). Transactions must be unique.
	MakeTx func(signer int, seq uint64) []byte
	// NextSeq, if set, asks the chain through node for signer's next
	// sequence, after an answer that leaves it uncertain (a timeout, a
	// CheckTx rejection). Without it a sequence is only a counter that keeps
	// transactions unique.
	NextSeq func(ctx context.Context, rpc *RPC, node string, signer int) (uint64, error)
	// Results makes the poller read each block's results (block_results)
	// and count only code 0 as committed. Without it every transaction in a
	// block counts: for an application whose FinalizeBlock accepts every
	// transaction, such as kvstore, this spares node 0 the encoding of
	// results nobody needs.
	Results bool
	// Settle, if set (and Results is not), counts the load's successes
	// without reading every block's results; see Settle.
	Settle *Settle
	// BusyCode, if not 0, is the CheckTx code of a node that sheds load
	// ("busy, retry": gongxu.KindBusy): such an answer counts as shed, and
	// the signer sends the same sequence again with its next slot.
	BusyCode uint32
	// CPU, if set, returns the CPU time the network's nodes have used so
	// far; each step reports the nodes' CPU per committed transaction.
	CPU func() (time.Duration, error)
}

// Settle is how a runner tells the load's transactions that succeeded from
// those that failed in their blocks at the cost a client of the chain would
// pay, not one results read per block. The poller follows node 0 through
// abci_info (the height its application has finished) and /block only: every
// transaction of the load in a block is included, and its latency and the
// window's committed/s count it. After each step's drain, once the nodes' CPU
// for the step has been read, the runner asks Succeeded once per signer (or,
// without it, takes every included transaction as a success) and compares
// with what the poller saw included; only a step where some signer's count
// falls short reads the block results, of the heights that signer's
// transactions of the step were seen in, to find which failed. Stored, if
// set, reads back each signer's last included transaction of the step.
type Settle struct {
	// Source says, for the report, what counted the successes.
	Source string
	// Succeeded returns how many of signer's transactions have succeeded
	// since the runner started, as node's committed state at the returned
	// height says. nil: every included transaction succeeds (an application
	// whose FinalizeBlock accepts every transaction of the load).
	Succeeded func(ctx context.Context, rpc *RPC, node string, signer int) (n uint64, height int64, err error)
	// Stored, if set, checks that signer's transaction of the runner's
	// sequence seq, seen included, is in node's committed state.
	Stored func(ctx context.Context, rpc *RPC, node string, signer int, seq uint64) error
}

// Plan is the schedule of a run.
type Plan struct {
	Rates  []int         // offered tx/s, one step each, in order
	Step   time.Duration // length of each step
	Warmup time.Duration // head of each step left out of committed tx/s
	Drain  time.Duration // longest wait after a step for its txs to commit
	// ProfileRate, if not 0, takes a CPU profile of node 0 from its pprof
	// address ProfileAddr (host:port) during the measured window of the step
	// at that rate, into the file ProfileOut.
	ProfileRate int
	ProfileAddr string
	ProfileOut  string
	Log         io.Writer // progress lines; nil for none
}

// StepResult is the outcome of one rate step.
type StepResult struct {
	Rate         int     `json:"rate"`          // target offered tx/s
	OfferedTPS   float64 `json:"offered_tps"`   // slots emitted / step length
	AcceptedTPS  float64 `json:"accepted_tps"`  // txs accepted by CheckTx / step length
	CommittedTPS float64 `json:"committed_tps"` // this step's txs seen committed in the window / window length
	P50ms        float64 `json:"p50_ms"`        // submit → commit seen, txs of this step
	P99ms        float64 `json:"p99_ms"`
	MaxMs        float64 `json:"max_ms"`
	Submitted    int64   `json:"submitted"`                // accepted by CheckTx
	Committed    int64   `json:"committed"`                // committed with code 0, by the end of the drain
	Rejected     int64   `json:"rejected"`                 // committed with a code ≠ 0
	CheckReject  int64   `json:"check_rejected"`           // refused by CheckTx (code ≠ 0)
	Refused      int64   `json:"refused"`                  // RPC errors: mempool full, timeouts
	Shed         int64   `json:"shed"`                     // answered busy, retry (Load.BusyCode)
	Dropped      int64   `json:"dropped"`                  // slots that found no idle signer
	Uncommitted  int64   `json:"uncommitted"`              // accepted, not committed by the end of the drain
	Mismatch     int64   `json:"count_mismatch,omitempty"` // Load.Settle: how far the chain's count and the blocks disagreed (0 when sound)
	MempoolEnd   int     `json:"mempool_end"`              // node 0's mempool at the end of the step
	Blocks       int     `json:"blocks"`                   // blocks seen in the window
	MaxBlockTxs  int     `json:"max_block_txs"`            // largest block seen in the window
	LaterRounds  int     `json:"later_rounds"`             // of the window's blocks, those whose height was decided after round 0
	DrainSecs    float64 `json:"drain_s"`                  // time the step's txs took to commit after it ended
	// ThroughTPS is Committed over the step and its drain: the step's
	// commits through the whole of it, where CommittedTPS sees the window's
	// blocks only (with 1–3 blocks in a window, one slow block halves that).
	ThroughTPS float64 `json:"committed_through_drain_tps"`
	CPUPerTxUs float64 `json:"node_cpu_us_per_tx,omitempty"` // CPU of all nodes from the step's start to the drain's end / committed
	NodeCores  float64 `json:"node_cores,omitempty"`         // the same CPU / that time: cores the nodes kept busy
	GenCores   float64 `json:"generator_cores,omitempty"`    // cores this process (load generator, poller) kept busy meanwhile
}

// AppResult is the outcome of all steps for one application.
type AppResult struct {
	App            string           `json:"app"`
	Steps          []StepResult     `json:"steps"`
	SaturationTPS  float64          `json:"saturation_tps"` // highest committed tx/s over all steps
	SaturationRate int              `json:"saturation_rate"`
	Errors         map[string]int64 `json:"errors,omitempty"`  // submit errors by message, first 100 chars
	Counted        string           `json:"counted,omitempty"` // what counted inclusion and success
	Profile        string           `json:"profile,omitempty"`
}

type stepState struct {
	rate     int
	win      Window
	seen     []seenTx // the step's transactions seen committed (code 0 with Load.Results)
	pending  int64
	res      StepResult
	profiled bool
}

type pendingTx struct {
	start  time.Time
	st     *stepState
	signer int
	seq    uint64
}

// seenTx is a transaction of a step the poller saw in a block.
type seenTx struct {
	hash   [32]byte
	signer int
	seq    uint64
	height int64
	block  int // index in Runner.blocks
	lat    time.Duration
}

// txRef is the signer and runner sequence of a transaction of the load.
type txRef struct {
	signer int
	seq    uint64
}

type signerState struct {
	id   int
	node string
	api  string // the same node's gongxu API, when Load.APIs is set
	seq  uint64
	work chan *stepState
}

// BlockSeen is a block as the poller saw it.
type BlockSeen struct {
	Height int64
	At     time.Time // when the poller saw it committed
	Txs    int       // all transactions in the block
	Ours   int       // transactions of the load committed with code 0
	Round  int       // the round its height was decided in (-1: not known yet)
}

// Runner is the load generator and commit poller of one application: Start
// it, run its steps (possibly interleaved with another Runner's, so that two
// applications see the same machine at the same time), then Close it.
type Runner struct {
	load     Load
	plan     Plan
	rpc      *RPC
	pool     *Pool
	sigs     []*signerState
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	pollDone chan struct{}
	out      AppResult

	mu      sync.Mutex
	pending map[[32]byte]pendingTx
	blocks  []BlockSeen
	errs    map[string]int64
	// With Load.Settle: every transaction of the load ever sent (a step's
	// straggler or a duplicate in a later block still counts as included
	// for its signer), the heights each signer's were seen included at, in
	// order, the failures found per signer so far, and the last height the
	// poller has read.
	owner  map[[32]byte]txRef
	incl   [][]int64
	failed []int64
	top    int64
}

// Run drives load through every rate of plan on a running network and
// measures it. It stops at the end of the plan or when ctx ends.
func Run(ctx context.Context, load Load, plan Plan) (AppResult, error) {
	r, err := Start(ctx, load, plan)
	if err != nil {
		return AppResult{}, err
	}
	defer r.Close()
	for _, rate := range plan.Rates {
		if _, err := r.Step(ctx, rate); err != nil {
			return r.Result(), err
		}
	}
	return r.Result(), nil
}

// Start starts the signers and the poller of load on its running network.
// Plan.Rates is not used: Step says which rate to run.
func Start(ctx context.Context, load Load, plan Plan) (*Runner, error) {
	if len(load.Nodes) == 0 || load.Signers < 1 || load.MakeTx == nil {
		return nil, fmt.Errorf("bench: a load needs nodes, signers and MakeTx")
	}
	if len(load.APIs) != 0 && len(load.APIs) != len(load.Nodes) {
		return nil, fmt.Errorf("bench: %d API addresses for %d nodes", len(load.APIs), len(load.Nodes))
	}
	if plan.Step <= 0 {
		return nil, fmt.Errorf("bench: a plan needs a step length")
	}
	if plan.Warmup < 0 || plan.Warmup >= plan.Step {
		return nil, fmt.Errorf("bench: warm-up %s must be shorter than the step %s", plan.Warmup, plan.Step)
	}
	r := &Runner{load: load, plan: plan, rpc: NewRPC(load.Signers/len(load.Nodes) + 4), pool: NewPool(load.Signers),
		pending: map[[32]byte]pendingTx{}, errs: map[string]int64{}, out: AppResult{App: load.App}, pollDone: make(chan struct{})}
	if r.settling() {
		r.owner, r.incl, r.failed = map[[32]byte]txRef{}, make([][]int64, load.Signers), make([]int64, load.Signers)
		r.out.Counted = "included: the load's txs in node 0's /block at each height abci_info reports finished; successes: " + load.Settle.Source
	} else if load.Results {
		r.out.Counted = "included and successes: node 0's /block and /block_results (code 0) at each height"
	} else {
		r.out.Counted = "included and successes: every tx of the load in node 0's /block at each height"
	}
	r.ctx, r.cancel = context.WithCancel(ctx)
	start, err := r.height(r.ctx)
	if err != nil {
		r.cancel()
		r.rpc.Close()
		return nil, fmt.Errorf("bench: %s node 0: %w", load.App, err)
	}
	for i := 0; i < load.Signers; i++ {
		s := &signerState{id: i, node: load.Nodes[i%len(load.Nodes)], seq: 1, work: make(chan *stepState, 1)}
		if len(load.APIs) != 0 {
			s.api = load.APIs[i%len(load.APIs)]
		}
		r.sigs = append(r.sigs, s)
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for st := range s.work {
				r.submit(r.ctx, s, st)
				r.pool.Put(s.id)
			}
		}()
	}
	go func() { defer close(r.pollDone); r.poll(r.ctx, start) }()
	return r, nil
}

// Close stops the signers and the poller.
func (r *Runner) Close() {
	for _, s := range r.sigs {
		close(s.work)
	}
	r.cancel()
	r.wg.Wait()
	<-r.pollDone
	r.rpc.Close()
}

// Step runs one step at rate, lets its transactions drain, and returns its
// outcome.
func (r *Runner) Step(ctx context.Context, rate int) (StepResult, error) {
	st, err := r.step(ctx, rate)
	if err != nil {
		return StepResult{}, err
	}
	r.out.Steps = append(r.out.Steps, st.res)
	if st.res.CommittedTPS > r.out.SaturationTPS {
		r.out.SaturationTPS, r.out.SaturationRate = st.res.CommittedTPS, rate
	}
	if st.profiled {
		r.out.Profile = r.plan.ProfileOut
	}
	r.logf("%-8s rate %6d  offered %7.0f  accepted %7.0f  committed %7.0f tx/s (%.0f through the drain)  p50 %6.0f ms  p99 %6.0f ms  rejected %d  check-rejected %d  refused %d  shed %d  dropped %d  uncommitted %d  mempool %d  blocks %d (max %d txs, %d after round 0)  drain %.1fs  node CPU %.0f µs/tx (%.2f cores), generator %.2f cores%s",
		r.load.App, rate, st.res.OfferedTPS, st.res.AcceptedTPS, st.res.CommittedTPS, st.res.ThroughTPS, st.res.P50ms, st.res.P99ms, st.res.Rejected, st.res.CheckReject,
		st.res.Refused, st.res.Shed, st.res.Dropped, st.res.Uncommitted, st.res.MempoolEnd, st.res.Blocks, st.res.MaxBlockTxs, st.res.LaterRounds, st.res.DrainSecs, st.res.CPUPerTxUs, st.res.NodeCores, st.res.GenCores, mismatch(st.res.Mismatch))
	return st.res, nil
}

func mismatch(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("  COUNT MISMATCH %d (see the submit errors)", n)
}

// Result is the outcome of the steps run so far.
func (r *Runner) Result() AppResult {
	out := r.out
	out.Steps = append([]StepResult(nil), r.out.Steps...)
	r.mu.Lock()
	if len(r.errs) > 0 {
		out.Errors = map[string]int64{}
		for k, v := range r.errs {
			out.Errors[k] = v
		}
	}
	r.mu.Unlock()
	return out
}

func (r *Runner) logf(format string, args ...any) {
	if r.plan.Log != nil {
		fmt.Fprintf(r.plan.Log, format+"\n", args...)
	}
}

// step runs one rate step, then waits for its transactions to commit.
func (r *Runner) step(ctx context.Context, rate int) (*stepState, error) {
	st := &stepState{rate: rate}
	cpu0, cpuErr := r.cpu()
	gen0, genErr := SelfCPU()
	t0 := time.Now()
	r.mu.Lock()
	st.win = Window{From: t0.Add(r.plan.Warmup), To: t0.Add(r.plan.Step)}
	r.mu.Unlock()

	var prof chan error
	if r.plan.ProfileRate == rate && r.plan.ProfileAddr != "" {
		prof = make(chan error, 1)
		go func() { prof <- r.profile(ctx, st.win) }()
	}

	pacer := &Pacer{Rate: rate}
	var dropped int64
	tick := time.NewTicker(time.Millisecond)
	for done := false; !done; {
		select {
		case <-ctx.Done():
			tick.Stop()
			return nil, ctx.Err()
		case <-tick.C:
		}
		el := time.Since(t0)
		if el >= r.plan.Step {
			el, done = r.plan.Step, true
		}
		for n := pacer.Next(el); n > 0; n-- {
			w, ok := r.pool.Take()
			if !ok {
				dropped += n
				break
			}
			r.sigs[w].work <- st
		}
	}
	tick.Stop()
	end := time.Now()
	st.res.Rate = rate
	st.res.OfferedTPS = float64(pacer.Emitted()) / r.plan.Step.Seconds()
	st.res.Dropped = dropped

	// In-flight submissions end within the client's timeout.
	for !r.pool.AllIdle() {
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return nil, err
		}
	}
	if n, err := r.rpc.MempoolSize(ctx, r.load.Nodes[0]); err == nil {
		st.res.MempoolEnd = n
	}
	// Drain: wait for this step's transactions to commit.
	deadline := time.Now().Add(r.plan.Drain)
	for {
		r.mu.Lock()
		left := st.pending
		r.mu.Unlock()
		if left == 0 || time.Now().After(deadline) {
			break
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return nil, err
		}
	}
	st.res.DrainSecs = time.Since(end).Seconds()
	nodeCPU := time.Duration(-1) // the nodes' CPU from the step's start to here; per tx once the committed are known
	if cpu1, err := r.cpu(); err == nil && cpuErr == nil {
		nodeCPU = cpu1 - cpu0
		st.res.NodeCores = nodeCPU.Seconds() / time.Since(t0).Seconds()
	}
	if gen1, err := SelfCPU(); err == nil && genErr == nil {
		st.res.GenCores = (gen1 - gen0).Seconds() / time.Since(t0).Seconds()
	}
	if prof != nil {
		if err := <-prof; err != nil {
			r.logf("%s: CPU profile failed: %v", r.load.App, err)
		} else {
			st.profiled = true
		}
	}
	// After the CPU reads: the check is the harness's work, not the step's.
	if r.settling() {
		r.settle(ctx, st)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	r.forget(st)
	st.res.AcceptedTPS = float64(st.res.Submitted) / r.plan.Step.Seconds()
	st.res.Committed = int64(len(st.seen))
	st.res.ThroughTPS = float64(st.res.Committed) / (r.plan.Step.Seconds() + st.res.DrainSecs)
	if nodeCPU >= 0 && st.res.Committed > 0 {
		st.res.CPUPerTxUs = float64(nodeCPU.Microseconds()) / float64(st.res.Committed)
	}
	lats := make([]time.Duration, len(st.seen))
	for i, x := range st.seen {
		lats[i] = x.lat
	}
	lat := Summarize(lats)
	st.res.P50ms, st.res.P99ms, st.res.MaxMs = ms(lat.P50), ms(lat.P99), ms(lat.Max)
	bw := BlockWindow(r.blocks, st.win)
	st.res.CommittedTPS, st.res.Blocks, st.res.MaxBlockTxs, st.res.LaterRounds = bw.Rate(), bw.Blocks, bw.MaxTxs, bw.LaterRounds
	st.seen = nil
	return st, nil
}

// forget drops the step's transactions not seen committed yet: a later
// commit no longer counts for it. Called with r.mu held; a second call
// changes nothing.
func (r *Runner) forget(st *stepState) {
	for h, p := range r.pending {
		if p.st == st {
			delete(r.pending, h)
		}
	}
	st.res.Uncommitted += st.pending
	st.pending = 0
}

func (r *Runner) settling() bool { return r.load.Settle != nil && !r.load.Results }

// height is node 0's height as the poller follows it: the application's
// last finished block with Load.Settle (its blocks' results are then
// known, as they are when /block_results answers), the block store's
// otherwise.
func (r *Runner) height(ctx context.Context) (int64, error) {
	if r.settling() {
		return r.rpc.AppHeight(ctx, r.load.Nodes[0])
	}
	return r.rpc.Height(ctx, r.load.Nodes[0])
}

func (r *Runner) cpu() (time.Duration, error) {
	if r.load.CPU == nil {
		return 0, errors.ErrUnsupported
	}
	return r.load.CPU()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// submit sends signer s's next transaction and keeps its sequence true.
func (r *Runner) submit(ctx context.Context, s *signerState, st *stepState) {
	tx := r.load.MakeTx(s.id, s.seq)
	h := sha256.Sum256(tx)
	r.mu.Lock()
	if p, ok := r.pending[h]; ok { // a resend after a resync: the earlier copy was lost
		p.st.pending--
	}
	r.pending[h] = pendingTx{start: time.Now(), st: st, signer: s.id, seq: s.seq} // before sending: the commit may be seen before the answer
	st.pending++
	if r.owner != nil {
		r.owner[h] = txRef{signer: s.id, seq: s.seq}
	}
	r.mu.Unlock()
	var res CheckResult
	var err error
	if s.api != "" {
		res, err = r.rpc.SubmitTx(ctx, s.api, tx)
	} else {
		res, err = r.rpc.BroadcastTxSync(ctx, s.node, tx)
	}
	switch {
	case err == nil && res.Code == 0, isInCache(err):
		s.seq++
		r.count(&st.res.Submitted)
	case err == nil && r.load.BusyCode != 0 && res.Code == r.load.BusyCode, isBusy(err):
		r.untrack(h) // not admitted: the same sequence goes again
		r.count(&st.res.Shed)
	case err == nil:
		r.untrack(h)
		r.count(&st.res.CheckReject)
		r.noteErr(fmt.Sprintf("CheckTx code %d: %s", res.Code, res.Log))
		r.resync(ctx, s)
	case isMempoolFull(err):
		r.untrack(h)
		r.count(&st.res.Refused)
		r.noteErr("mempool is full")
	default:
		r.noteErr(err.Error())
		if r.load.NextSeq == nil {
			r.untrack(h)
			r.count(&st.res.Refused)
			s.seq++
			return
		}
		if before := s.seq; r.resync(ctx, s) && s.seq > before {
			r.count(&st.res.Submitted) // it made it into the mempool after all
			return
		}
		r.untrack(h)
		r.count(&st.res.Refused)
	}
}

func (r *Runner) resync(ctx context.Context, s *signerState) bool {
	if r.load.NextSeq == nil || ctx.Err() != nil {
		return false
	}
	next, err := r.load.NextSeq(ctx, r.rpc, s.node, s.id)
	if err != nil {
		r.noteErr("sequence query: " + err.Error())
		return false
	}
	s.seq = next
	return true
}

func (r *Runner) count(p *int64) {
	r.mu.Lock()
	*p++
	r.mu.Unlock()
}

func (r *Runner) untrack(h [32]byte) {
	r.mu.Lock()
	if p, ok := r.pending[h]; ok {
		p.st.pending--
		delete(r.pending, h)
	}
	r.mu.Unlock()
}

func (r *Runner) noteErr(msg string) {
	if len(msg) > 100 {
		msg = msg[:100]
	}
	r.mu.Lock()
	r.errs[msg]++
	first := r.errs[msg] == 1
	r.mu.Unlock()
	if first {
		r.logf("%s: submit: %s", r.load.App, msg)
	}
}

// poll follows node 0's blocks after height from and matches their txs.
func (r *Runner) poll(ctx context.Context, from int64) {
	node := r.load.Nodes[0]
	next := from + 1
	for ctx.Err() == nil {
		top, err := r.height(ctx)
		if err == nil {
			for next <= top {
				b, err := r.rpc.Block(ctx, node, next, r.load.Results)
				if err != nil { // stored, not yet finalized: try again shortly
					break
				}
				r.observe(b, time.Now())
				next++
			}
		}
		_ = sleep(ctx, 20*time.Millisecond)
	}
}

func (r *Runner) observe(b Block, now time.Time) {
	r.mu.Lock()
	seen := BlockSeen{Height: b.Height, At: now, Txs: len(b.Hashes), Round: -1}
	// The block's last commit is its previous height's, seen just before.
	if n := len(r.blocks); n > 0 && r.blocks[n-1].Height == b.Height-1 {
		r.blocks[n-1].Round = b.LastRound
	}
	var rejected []string
	defer func() {
		r.blocks = append(r.blocks, seen)
		r.top = max(r.top, b.Height)
		r.mu.Unlock()
		for _, msg := range rejected {
			r.noteErr(msg)
		}
	}()
	for i, h := range b.Hashes {
		if ref, ok := r.owner[h]; ok {
			r.incl[ref.signer] = append(r.incl[ref.signer], b.Height)
		}
		p, ok := r.pending[h]
		if !ok {
			continue
		}
		delete(r.pending, h)
		st := p.st
		st.pending--
		if b.Codes[i] != 0 {
			st.res.Rejected++
			rejected = append(rejected, fmt.Sprintf("block %d: code %d: %s", b.Height, b.Codes[i], b.Logs[i]))
			continue
		}
		seen.Ours++
		st.seen = append(st.seen, seenTx{hash: h, signer: p.signer, seq: p.seq, height: b.Height, block: len(r.blocks), lat: now.Sub(p.start)})
		st.win.Add(now)
	}
}

// profile takes a CPU profile of node 0 over the window.
func (r *Runner) profile(ctx context.Context, win Window) error {
	if err := sleep(ctx, time.Until(win.From)); err != nil {
		return err
	}
	secs := max(1, int(win.To.Sub(win.From).Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", r.plan.ProfileAddr, secs), nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 300))
		return fmt.Errorf("pprof: HTTP %d: %s", res.StatusCode, b)
	}
	if err := os.MkdirAll(filepath.Dir(r.plan.ProfileOut), 0o755); err != nil {
		return err
	}
	f, err := os.Create(r.plan.ProfileOut)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TopErrors lists errs by count, at most n.
func TopErrors(errs map[string]int64, n int) []string {
	type kv struct {
		k string
		v int64
	}
	var xs []kv
	for k, v := range errs {
		xs = append(xs, kv{k, v})
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].v > xs[j].v || xs[i].v == xs[j].v && xs[i].k < xs[j].k })
	var out []string
	for i, x := range xs {
		if i == n {
			break
		}
		out = append(out, fmt.Sprintf("%d× %s", x.v, x.k))
	}
	return out
}
