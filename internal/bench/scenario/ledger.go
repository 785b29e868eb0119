package scenario

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
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
}

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

	// Every application's network runs from the start, and the steps of the
	// same rate run back to back, so that the applications are compared on
	// the same machine at nearly the same time. An idle network costs little:
	// an empty block every 5 s.
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
			if err := n.write(o.Validators, keys, o.ProfileRate != 0, nil, ""); err != nil {
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
			load := ledgerLoad(n, keys, o.Count == CountResults)
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
		for _, rate := range o.Rates {
			for _, r := range runners {
				if _, err := r.Step(ctx, rate); err != nil {
					return err
				}
			}
		}
		for _, r := range runners {
			rep.Apps = append(rep.Apps, r.Result())
		}
		return nil
	}
	if err := supervise(ctx, env.Log, all, start, run); err != nil {
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
func ledgerLoad(n *network, keys []ed25519.PrivateKey, results bool) bench.Load {
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
