package scenario

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// bench ledger: signed member/update_org transactions on a local network
// against CometBFT's kvstore on a network of the same shape, both running
// throughout and taking turns at each rate.

// LedgerOptions are the settings of bench ledger.
type LedgerOptions struct {
	Common
	Signers     int
	Rates       []int
	App         string // gongxu, kvstore or both
	ProfileRate int
	// Count is how the harness tells successes: CountChain (each signer's
	// count from the committed state after each step, the default) or
	// CountResults (every block's results from node 0, on both sides: the
	// harness of 7 Dec 2026, d2cac19, for comparison with its numbers).
	Count string
	// Idle is what the networks not being measured do during a step:
	// IdleStopped (paused, the default) or IdleRunning (the harness before
	// 8 Dec 2026 session 25, for comparison with its numbers).
	Idle string
	// Submit is how gongxu's load reaches its nodes: SubmitRPC (CometBFT's
	// broadcast_tx_sync, as kvstore's, the default) or SubmitAPI (the raw
	// signed bytes to the node's own POST /v1/txs, as gongxu's clients
	// send them). kvstore has only the JSON-RPC.
	Submit string
}

// What the other networks do during a step of bench ledger
// (LedgerOptions.Idle).
const (
	IdleStopped = "stopped"
	IdleRunning = "running"
)

// The ways bench ledger counts successes (LedgerOptions.Count).
const (
	CountChain   = "chain"
	CountResults = "results"
)

// txBytes is the wire size of every bench ledger transaction, both apps.
const txBytes = 180

func (o LedgerOptions) command() string {
	s := fmt.Sprintf("gongxu bench ledger --validators %d --rates %s --step %s --signers %d --app %s",
		o.Validators, joinInts(o.Rates), o.Step, o.Signers, o.App)
	if o.ProfileRate != 0 {
		s += fmt.Sprintf(" --profile-rate %d", o.ProfileRate)
	}
	if o.Count == CountResults {
		s += " --count " + CountResults
	}
	if o.Idle == IdleRunning {
		s += " --idle " + IdleRunning
	}
	if o.Submit == SubmitAPI {
		s += " --submit " + SubmitAPI
	}
	s += wanFlags(o.WAN, o.WANTimeouts)
	return s
}

// wanFlags are the --wan flags of a command line, "" without --wan.
func wanFlags(wan time.Duration, t comet.Timeouts) string {
	if wan == 0 {
		return ""
	}
	s := fmt.Sprintf(" --wan %s", wan)
	for _, x := range []struct {
		flag string
		d    time.Duration
	}{{"propose", t.Propose}, {"prevote", t.Prevote}, {"precommit", t.Precommit}, {"commit", t.Commit}} {
		if x.d != 0 {
			s += fmt.Sprintf(" --wan-timeout-%s %s", x.flag, x.d)
		}
	}
	return s
}

// wanSuffix names the WAN network of an application.
const wanSuffix = "-wan"

// Check refuses settings the benchmark cannot run with.
func (o LedgerOptions) Check() error {
	if o.Signers < 1 || o.Signers > 100_000 {
		return fmt.Errorf("--signers must be 1 to 100000, got %d", o.Signers)
	}
	if len(o.Rates) == 0 || o.Step < time.Second {
		return fmt.Errorf("bench ledger needs --rates and a --step of at least 1s")
	}
	for _, r := range o.Rates {
		if r <= 0 {
			return fmt.Errorf("--rates must be positive, got %d", r)
		}
	}
	if o.App != "both" && o.App != "gongxu" && o.App != "kvstore" {
		return fmt.Errorf("--app must be gongxu, kvstore or both, got %q", o.App)
	}
	if o.Count != "" && o.Count != CountChain && o.Count != CountResults {
		return fmt.Errorf("--count must be %s or %s, got %q", CountChain, CountResults, o.Count)
	}
	if o.Idle != "" && o.Idle != IdleStopped && o.Idle != IdleRunning {
		return fmt.Errorf("--idle must be %s or %s, got %q", IdleStopped, IdleRunning, o.Idle)
	}
	if o.Submit != "" && o.Submit != SubmitRPC && o.Submit != SubmitAPI {
		return fmt.Errorf("--submit must be %s or %s, got %q", SubmitRPC, SubmitAPI, o.Submit)
	}
	return o.check("--step")
}

// RunLedger runs bench ledger.
func RunLedger(ctx context.Context, env Env, o LedgerOptions) (*bench.Report, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	apps := []string{o.App}
	if o.App == "both" {
		apps = []string{"kvstore", "gongxu"}
	}
	if o.WAN > 0 {
		// The application on loopback, then the same on WAN links: the
		// ratio is WAN/loopback.
		if o.App == "both" {
			apps = []string{"gongxu"}
		}
		apps = append(apps, apps[0]+wanSuffix)
	}
	if o.Timeout == 0 {
		perApp := 2*time.Minute + time.Duration(len(o.Rates))*(o.Step+o.Drain+15*time.Second)
		o.Timeout = time.Duration(len(apps))*perApp + time.Minute
	}
	ctx, dir, end, err := o.begin(ctx, "gongxu-bench-", o.ProfileRate != 0)
	if err != nil {
		return nil, err
	}
	defer end()
	keys := signerKeys(o.Signers)
	rep := &bench.Report{Command: o.command(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Validators: o.Validators,
		Signers: o.Signers, StepSecs: o.Step.Seconds(), WindowSecs: (o.Step - o.Warmup).Seconds(), TxBytes: map[string]int{}}

	// Every application's network is started first, and the steps of the
	// same rate run back to back, so that the applications are compared on
	// the same machine at nearly the same time. During a step only the
	// measured network runs: the others are paused (SIGSTOP) and continued
	// before their own turn. Left running, an idle network of 4 nodes and
	// its poller took a share of the 2 cores the loaded one needed (session
	// 25: see BENCHMARKS.md), and gongxu, the one that saturates, paid more
	// for it than kvstore.
	all := &bench.Procs{} // every node of every network
	var nets []*network
	defer func() {
		for _, n := range nets {
			n.close()
		}
	}()
	start := func(ctx context.Context) error {
		for _, app := range apps {
			n := newNetwork(env, app, filepath.Join(dir, app))
			if strings.HasSuffix(app, wanSuffix) {
				n.wan, n.timeouts = o.WAN, o.WANTimeouts
			}
			nets = append(nets, n)
			// Each node logs each block's life (consensus at info level:
			// a few lines a height), so that a height decided after round
			// 0 can be told afterwards (describeRounds).
			if err := n.write(o.Validators, keys, o.ProfileRate != 0, nil, blockLogLevel); err != nil {
				return err
			}
			if err := n.start(ctx, strings.TrimSuffix(app, wanSuffix) == "kvstore", 4, all); err != nil {
				return err
			}
		}
		return nil
	}
	run := func(ctx context.Context) error {
		var runners []*bench.Runner
		defer func() {
			for _, r := range runners {
				r.Close()
			}
		}()
		for _, n := range nets {
			load := ledgerLoad(n, keys, o.Count == CountResults, o.Submit == SubmitAPI)
			rep.TxBytes[n.name] = len(load.MakeTx(0, 1))
			plan := bench.Plan{Step: o.Step, Warmup: o.Warmup, Drain: o.Drain, Log: env.Log}
			if o.ProfileRate != 0 {
				plan.ProfileRate, plan.ProfileAddr = o.ProfileRate, n.pprof
				plan.ProfileOut = filepath.Join(o.ProfileDir, "cpu-"+n.name+".pprof")
			}
			r, err := bench.Start(ctx, load, plan)
			if err != nil {
				return err
			}
			runners = append(runners, r)
		}
		fmt.Fprintf(env.Log, "== rates %v, %s each, apps %v in turn at each rate\n", o.Rates, o.Step, apps)
		turns := &turns{nets: nets, pause: o.Idle != IdleRunning && len(nets) > 1, log: env.Log, quietFor: quietFor, quietMax: quietMax}
		defer turns.end()
		for _, rate := range o.Rates {
			for i, r := range runners {
				if err := turns.start(ctx, i); err != nil {
					return err
				}
				if _, err := r.Step(ctx, rate); err != nil {
					return err
				}
				turns.stop()
			}
		}
		for _, r := range runners {
			rep.Apps = append(rep.Apps, r.Result())
		}
		rep.Networks = turns.summary()
		return nil
	}
	err = supervise(ctx, env.Log, all, start, run)
	for _, n := range nets {
		n.describeRounds()
	}
	if err != nil {
		return nil, err
	}
	if len(rep.Apps) == 2 {
		r := bench.Compare(rep.Apps[1], rep.Apps[0])
		rep.Ratio = &r
	}
	return rep, nil
}

// ledgerLoad is the load of bench ledger on network n: the kvstore's, or
// gongxu's signed by keys, each signer starting from its first sequence.
//
// Neither reads the blocks' results (block_results was ~9 % of gongxu's
// node 0 CPU, and halved kvstore's peak when it paid it too): during a step
// the poller reads node 0's abci_info and /block, the same on both sides,
// and each included tx counts; after the step, once the nodes' CPU is read,
// one query per signer checks the successes (bench.Settle). gongxu: the
// signer's committed sequence, which every tx that passes its checks in a
// block advances (an update_org of the signer's own genesis org has no other
// way to fail). kvstore: its FinalizeBlock answers code 0 to every tx but a
// validator update ("val:…", never sent here), so every included tx
// succeeds; the signer's last included key is read back.
//
// With results, both sides read every block's results instead, as the
// harness did from d2cac19 to this change.
func ledgerLoad(n *network, keys []ed25519.PrivateKey, results, api bool) bench.Load {
	load := bench.Load{App: n.name, Nodes: n.rpcs, Signers: len(keys), MakeTx: kvstoreTx, CPU: n.procs.CPU,
		Settle: &bench.Settle{Stored: kvstoreStored,
			Source: "every included tx (kvstore answers code 0 to every key=value tx), each signer's last included key read back (abci_query, node 0) after each step"}}
	if strings.TrimSuffix(n.name, wanSuffix) == "gongxu" {
		base := make(seqBase, len(keys))
		load.MakeTx = gongxuTx(keys)
		load.NextSeq = base.nextSeq(keys)
		load.BusyCode = uint32(gongxu.KindBusy)
		load.Settle = &bench.Settle{Succeeded: base.succeeded(keys),
			Source: "each signer's committed sequence (abci_query /prove, node 0) after each step, against the txs seen included; block_results only for a step whose counts fall short"}
		if api {
			for _, a := range n.apis {
				load.APIs = append(load.APIs, "http://"+a)
			}
		}
	}
	if results {
		load.Settle, load.Results = nil, true
	}
	return load
}

// kvstoreStored is bench.Settle.Stored for kvstoreTx: the key of signer i's
// tx seq holds its value in the committed state.
func kvstoreStored(ctx context.Context, rpc *bench.RPC, node string, i int, seq uint64) error {
	kv := kvstoreTx(i, seq)
	k, want, _ := strings.Cut(string(kv), "=")
	v, err := rpc.ABCIQuery(ctx, node, "", []byte(k))
	if err != nil {
		return err
	}
	if string(v) != want {
		return fmt.Errorf("key %s holds %d bytes, want the tx's %d", k, len(v), len(want))
	}
	return nil
}

// gongxuTx returns the builder of the benchmark's gongxu transactions:
// member/update_org of the signer's own org, padded to txBytes.
func gongxuTx(keys []ed25519.PrivateKey) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte {
		key := keys[i]
		desc := fmt.Sprintf("bench load: signer %d tx %d ", i, seq)
		body := func(d string) []byte { b, _ := json.Marshal(member.MsgUpdateOrg{Description: d}); return b }
		t := gongxu.Tx{Type: member.TypeUpdateOrg, Body: body(desc), Signer: key.Public().(ed25519.PublicKey), Sequence: seq}
		if pad := txBytes - len(t.Unsigned()) - gongxu.SignatureSize; pad > 0 {
			desc += strings.Repeat(".", pad)
		}
		return gongxu.SignTx(chainID, key, member.TypeUpdateOrg, body(desc), seq).Encode()
	}
}

// kvstoreTx is the baseline's transaction: key=value of txBytes.
func kvstoreTx(i int, seq uint64) []byte {
	kv := fmt.Sprintf("bench-s%d-n%d=", i, seq)
	if pad := txBytes - len(kv); pad > 0 {
		kv += strings.Repeat("v", pad)
	}
	return []byte(kv)
}

// turns runs the networks of bench ledger in turn: with pause, only the
// network whose step it is runs, the others are paused (SIGSTOP); without,
// all run and the idle ones' CPU during the others' steps is measured.
type turns struct {
	nets   []*network
	pause  bool
	log    io.Writer
	paused []bool
	// quietFor, quietMax: a network is paused once its nodes have stood
	// at one height for quietFor, or after quietMax (betweenHeights).
	quietFor, quietMax time.Duration

	// The step under way: its network, its start and the others' CPU then.
	cur      int
	t0       time.Time
	others0  time.Duration
	othersOK bool
	// Over the run: the idle networks' CPU and the steps' time.
	idleCPU, stepTime time.Duration
}

// The wait for a network to stand between heights before it is paused:
// after a step's last block of transactions, CometBFT proposes the next
// height at once (a block that proves the new app hash), and then waits for
// transactions (up to 5 s, the empty-block interval). 800 ms at one height
// is past that proof block.
const (
	quietFor = 800 * time.Millisecond
	quietMax = 6 * time.Second
)

// betweenHeights waits until every node of n has stood at one height for
// quietFor, at most quietMax (then it returns nil all the same). Paused in
// the middle of a height, a network's consensus timeouts expire during the
// pause (timers run on the monotonic clock, which does not stop with the
// process): continued, its nodes time out at once on a proposal still on
// its way and decide the height in a later round, which the next step's
// window then counts (later_rounds) though the height was not its own.
func (n *network) betweenHeights(ctx context.Context, quietFor, quietMax time.Duration) error {
	deadline := time.Now().Add(quietMax)
	var last []int64
	since := time.Now()
	for time.Now().Before(deadline) {
		hs := make([]int64, len(n.rpcs))
		for k, node := range n.rpcs {
			h, err := n.rpc.Height(ctx, node)
			if err != nil {
				return gongxu.Wrap(err, "%s: height before a pause", n.name)
			}
			hs[k] = h
		}
		same := len(hs) > 0
		for _, h := range hs {
			same = same && h == hs[0]
		}
		if !same || !slices.Equal(hs, last) {
			last, since = hs, time.Now()
		} else if time.Since(since) >= quietFor {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	fmt.Fprintf(n.env.Log, "== %s: not between heights after %s; paused all the same\n", n.name, quietMax)
	return nil
}

// start begins network i's step: with pause, the others are paused and i
// continued, and start returns once i's nodes answer again.
func (t *turns) start(ctx context.Context, i int) error {
	t.cur = i
	if t.pause {
		if t.paused == nil {
			t.paused = make([]bool, len(t.nets))
		}
		for j, n := range t.nets {
			if j == i || t.paused[j] {
				continue
			}
			if err := n.betweenHeights(ctx, t.quietFor, t.quietMax); err != nil {
				return err
			}
			if err := n.procs.Pause(); err != nil {
				if errors.Is(err, errors.ErrUnsupported) {
					fmt.Fprintf(t.log, "== processes cannot be paused here: every network runs throughout\n")
					t.pause = false
					_ = t.resumeAll()
					break
				}
				return gongxu.Wrap(err, "pause %s", n.name)
			}
			t.paused[j] = true
		}
	}
	if t.pause && t.paused[i] {
		n := t.nets[i]
		if err := n.procs.Resume(); err != nil {
			return gongxu.Wrap(err, "resume %s", n.name)
		}
		t.paused[i] = false
		// Until every node answers again: a node that was paused in the
		// middle of a request answers it first.
		readyCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := n.rpc.WaitReady(readyCtx, n.rpcs, 0); err != nil {
			return fmt.Errorf("%s: after a pause: %w", n.name, err)
		}
	}
	t.others0, t.othersOK = t.othersCPU()
	t.t0 = time.Now()
	return nil
}

// stop ends the step begun by start: the idle networks' CPU during it.
func (t *turns) stop() {
	if len(t.nets) < 2 {
		return
	}
	el := time.Since(t.t0)
	c, ok := t.othersCPU()
	if !ok || !t.othersOK {
		return
	}
	t.idleCPU += c - t.others0
	t.stepTime += el
	if !t.pause {
		fmt.Fprintf(t.log, "== the idle networks used %.2f cores during %s's step\n", (c-t.others0).Seconds()/el.Seconds(), t.nets[t.cur].name)
	}
}

// othersCPU is the CPU used so far by the networks other than the current.
func (t *turns) othersCPU() (time.Duration, bool) {
	var sum time.Duration
	for j, n := range t.nets {
		if j == t.cur {
			continue
		}
		c, err := n.procs.CPU()
		if err != nil {
			return 0, false
		}
		sum += c
	}
	return sum, true
}

func (t *turns) resumeAll() error {
	var errs []error
	for j, n := range t.nets {
		if t.paused != nil && t.paused[j] {
			errs = append(errs, n.procs.Resume())
			t.paused[j] = false
		}
	}
	return errors.Join(errs...)
}

// end continues every paused network (to be stopped with the others).
func (t *turns) end() { _ = t.resumeAll() }

// summary is the report's line on how the networks shared the machine.
func (t *turns) summary() string {
	if len(t.nets) < 2 {
		return ""
	}
	idle := "not measured"
	if t.stepTime > 0 {
		idle = fmt.Sprintf("%.2f cores", t.idleCPU.Seconds()/t.stepTime.Seconds())
	}
	if t.pause {
		return "each network runs only for its own steps: the others are paused (SIGSTOP) meanwhile and continued before their turn (idle networks' CPU during the steps: " + idle + ")"
	}
	return "every network runs throughout (--idle running): the idle networks used " + idle + " on average during the others' steps"
}
