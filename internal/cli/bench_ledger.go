package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// benchOptions are the flags of bench ledger.
type benchOptions struct {
	validators, signers int
	rates               []int
	step, warmup, drain time.Duration
	warmupSet           bool
	dir, app            string
	json                bool
	profileRate         int
	profileDir          string
	timeout             time.Duration
}

// benchTxBytes is the wire size of every benchmark transaction, both apps.
const benchTxBytes = 180

const benchChainID = "gongxu-bench"

func (o benchOptions) command() string {
	rates := make([]string, len(o.rates))
	for i, r := range o.rates {
		rates[i] = fmt.Sprint(r)
	}
	s := fmt.Sprintf("gongxu bench ledger --validators %d --rates %s --step %s --signers %d --app %s",
		o.validators, strings.Join(rates, ","), o.step, o.signers, o.app)
	if o.profileRate != 0 {
		s += fmt.Sprintf(" --profile-rate %d", o.profileRate)
	}
	return s
}

func runBenchLedger(env *Env, o benchOptions) error {
	if o.validators < 1 || o.validators > 64 {
		return usagef("--validators must be 1 to 64, got %d", o.validators)
	}
	if o.signers < 1 || o.signers > 100_000 {
		return usagef("--signers must be 1 to 100000, got %d", o.signers)
	}
	if len(o.rates) == 0 || o.step < time.Second {
		return usagef("bench ledger needs --rates and a --step of at least 1s")
	}
	for _, r := range o.rates {
		if r <= 0 {
			return usagef("--rates must be positive, got %d", r)
		}
	}
	if !o.warmupSet {
		o.warmup = o.step / 5
	}
	if o.warmup < 0 || o.warmup >= o.step {
		return usagef("--warmup must be shorter than --step")
	}
	exe, err := os.Executable()
	if err != nil {
		return gongxu.Wrap(err, "find this program's binary")
	}
	apps := []string{o.app}
	if o.app == "both" {
		apps = []string{"kvstore", "gongxu"}
	}
	if o.timeout == 0 {
		perApp := 2*time.Minute + time.Duration(len(o.rates))*(o.step+o.drain+15*time.Second)
		o.timeout = time.Duration(len(apps))*perApp + time.Minute
	}
	ctx, cancel := context.WithTimeout(env.Ctx, o.timeout)
	defer cancel()

	dir := o.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "gongxu-bench-"); err != nil {
			return gongxu.Wrap(err, "temp dir")
		}
		defer os.RemoveAll(dir)
	}
	if o.profileRate != 0 {
		if o.profileDir, err = filepath.Abs(o.profileDir); err != nil {
			return gongxu.Wrap(err, "profile dir")
		}
	}
	keys := make([]ed25519.PrivateKey, o.signers)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	rep := &bench.Report{Command: o.command(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Validators: o.validators,
		Signers: o.signers, StepSecs: o.step.Seconds(), WindowSecs: (o.step - o.warmup).Seconds(), TxBytes: map[string]int{}}

	// Every application's network runs from the start, and the steps of the
	// same rate run back to back, so that the applications are compared on
	// the same machine at nearly the same time. An idle network costs little:
	// an empty block every 5 s.
	all := &bench.Procs{} // every node of every network
	defer func() {
		if err := all.StopAll(20 * time.Second); err != nil {
			fmt.Fprintf(env.Stderr, "%v\n", err)
		}
	}()
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	var loads []bench.Load
	var plans []bench.Plan
	for _, app := range apps {
		procs := &bench.Procs{}
		load, plan, err := startBenchNet(runCtx, env, exe, app, filepath.Join(dir, app), keys, procs, all, o)
		if err != nil {
			return benchCause(runCtx, err)
		}
		load.CPU = procs.CPU
		loads, plans = append(loads, load), append(plans, plan)
		rep.TxBytes[app] = len(load.MakeTx(0, 1))
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		if p, ok := <-all.Exited(stop); ok && p != nil {
			cancelRun(fmt.Errorf("%s exited during the benchmark: %v (see its home's data/bench-child.log and data/node.log)", p.Name, p.Err()))
		}
	}()
	var runners []*bench.Runner
	defer func() {
		for _, r := range runners {
			r.Close()
		}
	}()
	for i := range loads {
		r, err := bench.Start(runCtx, loads[i], plans[i])
		if err != nil {
			return benchCause(runCtx, err)
		}
		runners = append(runners, r)
	}
	fmt.Fprintf(env.Stderr, "== rates %v, %s each, apps %v in turn at each rate\n", o.rates, o.step, apps)
	for _, rate := range o.rates {
		for _, r := range runners {
			if _, err := r.Step(runCtx, rate); err != nil {
				return benchCause(runCtx, err)
			}
		}
	}
	for _, r := range runners {
		rep.Apps = append(rep.Apps, r.Result())
	}
	if len(rep.Apps) == 2 {
		r := bench.Compare(rep.Apps[1], rep.Apps[0])
		rep.Ratio = &r
	}
	if o.json {
		return writeJSON(env.Stdout, rep)
	}
	return rep.WriteTable(env.Stdout)
}

// benchKey derives the private key of benchmark signer i; the genesis of
// the bench network makes each signer the key of its own member org.
func benchKey(i int) ed25519.PrivateKey {
	seed := sha256.Sum256(fmt.Appendf(nil, "gongxu-bench/signer/%d", i))
	return ed25519.NewKeyFromSeed(seed[:])
}

// startBenchNet writes a network for app, starts its nodes as child
// processes, waits until it makes blocks, and returns its load
// and plan. The nodes are added to procs and to all.
func startBenchNet(ctx context.Context, env *Env, exe, app, dir string, keys []ed25519.PrivateKey, procs, all *bench.Procs, o benchOptions) (bench.Load, bench.Plan, error) {
	fmt.Fprintf(env.Stderr, "== %s: writing %d node homes in %s\n", app, o.validators, dir)
	net, err := writeBenchNet(dir, o.validators, keys, o.profileRate != 0)
	if err != nil {
		return bench.Load{}, bench.Plan{}, err
	}
	for i, home := range net.homes {
		args := []string{"start", "--home", home, "--api", net.apis[i]}
		if app == "kvstore" {
			args = []string{"bench", "kvstore-node", "--home", home}
		}
		p, err := bench.StartProc(fmt.Sprintf("%s node%d", app, i), exe, args, filepath.Join(home, "data", "bench-child.log"))
		if err != nil {
			return bench.Load{}, bench.Plan{}, err
		}
		procs.Add(p)
		all.Add(p)
	}
	rpc := bench.NewRPC(4)
	defer rpc.Close()
	readyCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
	err = rpc.WaitReady(readyCtx, net.rpcs, 2)
	cancel()
	if err != nil {
		return bench.Load{}, bench.Plan{}, fmt.Errorf("%s: %w (see %s/node*/data/node.log)", app, err, dir)
	}
	fmt.Fprintf(env.Stderr, "== %s: %d nodes up\n", app, len(net.rpcs))

	load := bench.Load{App: app, Nodes: net.rpcs, Signers: len(keys), MakeTx: kvstoreTx}
	if app == "gongxu" {
		load.MakeTx = gongxuTx(benchChainID, keys)
		load.Results = true
		load.NextSeq = func(ctx context.Context, rpc *bench.RPC, node string, signer int) (uint64, error) {
			pub := gongxu.PubKey(fmt.Sprintf("%x", []byte(keys[signer].Public().(ed25519.PublicKey))))
			v, err := rpc.ABCIQuery(ctx, node, "/account", []byte(pub))
			if err != nil {
				return 0, err
			}
			var acc gongxu.Account
			if err := json.Unmarshal(v, &acc); err != nil {
				return 0, err
			}
			return acc.Sequence, nil
		}
	}
	plan := bench.Plan{Step: o.step, Warmup: o.warmup, Drain: o.drain, Log: env.Stderr}
	if o.profileRate != 0 {
		plan.ProfileRate, plan.ProfileAddr = o.profileRate, net.pprof
		plan.ProfileOut = filepath.Join(o.profileDir, "cpu-"+app+".pprof")
	}
	return load, plan, nil
}

// benchCause prefers the reason the run was cancelled (a node died) to the
// error it caused.
func benchCause(ctx context.Context, err error) error {
	if c := context.Cause(ctx); c != nil && !errors.Is(c, context.Canceled) {
		return gongxu.Errorf(gongxu.KindUnavailable, "%v", c)
	}
	return err
}

// benchNet is a network written for the benchmark.
type benchNet struct {
	homes []string
	rpcs  []string // CometBFT RPC base URLs
	apis  []string // gongxu API addresses
	pprof string   // node 0's pprof address, if asked for
}

// writeBenchNet writes an n-validator network in dir on free loopback ports,
// with one extra member org per benchmark key in the genesis.
func writeBenchNet(dir string, n int, keys []ed25519.PrivateKey, pprof bool) (*benchNet, error) {
	if _, err := Testnet(TestnetOptions{Validators: n, Dir: dir, ChainID: benchChainID, BasePort: 26600, APIPort: 8080}); err != nil {
		return nil, err
	}
	ports, err := bench.FreePorts(3*n + 1)
	if err != nil {
		return nil, gongxu.Wrap(err, "free ports")
	}
	net := &benchNet{}
	var ids []comet.NodeIdentity
	var opts []comet.HomeOptions
	for i := 0; i < n; i++ {
		home := filepath.Join(dir, fmt.Sprintf("node%d", i))
		o := comet.HomeOptions{Moniker: fmt.Sprintf("node%d", i), Ports: comet.Ports{P2P: ports[3*i], RPC: ports[3*i+1]}}
		id, err := comet.InitHome(home, o)
		if err != nil {
			return nil, err
		}
		api := fmt.Sprintf("127.0.0.1:%d", ports[3*i+2])
		cfg := DefaultNodeConfig()
		cfg.API = api
		if err := SaveNodeConfig(home, cfg); err != nil {
			return nil, err
		}
		ids, opts = append(ids, id), append(opts, o)
		net.homes = append(net.homes, home)
		net.rpcs = append(net.rpcs, fmt.Sprintf("http://127.0.0.1:%d", o.Ports.RPC))
		net.apis = append(net.apis, api)
	}
	// Peers, and pprof on node 0: the same tuned CometBFT config as any node.
	for i, home := range net.homes {
		o := opts[i]
		for j, id := range ids {
			if j != i {
				o.Peers = append(o.Peers, fmt.Sprintf("%s@127.0.0.1:%d", id.NodeID, opts[j].Ports.P2P))
			}
		}
		c := comet.CometConfig(home, o)
		if i == 0 && pprof {
			net.pprof = fmt.Sprintf("127.0.0.1:%d", ports[3*n])
			c.RPC.PprofListenAddress = net.pprof
		}
		cmtcfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), c)
	}
	// The genesis: the testnet's orgs and validators, plus the signers' orgs.
	doc, err := comet.ReadGenesis(net.homes[0])
	if err != nil {
		return nil, err
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(doc.AppState, &st); err != nil {
		return nil, gongxu.Wrap(err, "testnet genesis")
	}
	var g member.Genesis
	if err := json.Unmarshal(st[member.Name], &g); err != nil {
		return nil, gongxu.Wrap(err, "testnet member genesis")
	}
	for i, k := range keys {
		pub := gongxu.PubKey(fmt.Sprintf("%x", []byte(k.Public().(ed25519.PublicKey))))
		g.Orgs = append(g.Orgs, gongxu.Org{ID: gongxu.OrgID(fmt.Sprintf("bench-%05d", i)), Name: fmt.Sprintf("Bench org %d", i),
			Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{pub}})
	}
	err = comet.WriteGenesis(comet.GenesisOptions{ChainID: doc.ChainID, Time: time.Now(), Validators: g.Validators,
		AppState: map[string]any{member.Name: g}}, net.homes...)
	return net, err
}

// gongxuTx returns the builder of the benchmark's gongxu transactions:
// member/update_org of the signer's own org, padded to benchTxBytes.
func gongxuTx(chainID string, keys []ed25519.PrivateKey) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte {
		key := keys[i]
		desc := fmt.Sprintf("bench load: signer %d tx %d ", i, seq)
		body := func(d string) []byte { b, _ := json.Marshal(member.MsgUpdateOrg{Description: d}); return b }
		t := gongxu.Tx{Type: member.TypeUpdateOrg, Body: body(desc), Signer: key.Public().(ed25519.PublicKey), Sequence: seq}
		if pad := benchTxBytes - len(t.Unsigned()) - gongxu.SignatureSize; pad > 0 {
			desc += strings.Repeat(".", pad)
		}
		return gongxu.SignTx(chainID, key, member.TypeUpdateOrg, body(desc), seq).Encode()
	}
}

// kvstoreTx is the baseline's transaction: key=value of benchTxBytes.
func kvstoreTx(i int, seq uint64) []byte {
	kv := fmt.Sprintf("bench-s%d-n%d=", i, seq)
	if pad := benchTxBytes - len(kv); pad > 0 {
		kv += strings.Repeat("v", pad)
	}
	return []byte(kv)
}
