package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/bench/scenario"
	"github.com/gongxu-network/gongxu/internal/node"
)

// The bench commands: their flags, the scenarios of package
// bench/scenario, and their reports.

func newBenchCmd(env *Env) *cobra.Command {
	return newGroup("bench", "Benchmarks that print ratios against a baseline measured in the same run",
		newBenchLedgerCmd(env), newBenchPoolsCmd(env), newBenchTraceCmd(env), newBenchReadCmd(env), newBenchKVStoreNodeCmd(env))
}

// benchEnv is what the scenarios need from this program: its binary and
// the commands that run a node, and the node's own way of writing homes.
func benchEnv(env *Env) (scenario.Env, error) {
	exe, err := os.Executable()
	if err != nil {
		return scenario.Env{}, gongxu.Wrap(err, "find this program's binary")
	}
	return scenario.Env{
		Log:         env.Stderr,
		Exe:         exe,
		NodeArgs:    func(home, api string) []string { return []string{"start", "--home", home, "--api", api} },
		KVStoreArgs: func(home string) []string { return []string{"bench", "kvstore-node", "--home", home} },
		Testnet: func(dir string, validators int, chainID string) error {
			_, err := node.Testnet(node.TestnetOptions{Validators: validators, Dir: dir, ChainID: chainID, BasePort: 26600, APIPort: 8080})
			return err
		},
		Configure: func(home, api, logLevel string) error {
			cfg, err := node.LoadConfig(home)
			if err != nil {
				return err
			}
			cfg.API = api
			// The load generator is one client of each node's API: bench
			// pools --submit api posts hundreds of txs/s to it, above the
			// per-client write limit meant for the public.
			cfg.HTTP.RateLimits.Writes.PerSecond = 0
			if logLevel != "" {
				cfg.LogLevel = logLevel
			}
			return node.SaveConfig(home, cfg)
		},
	}, nil
}

// benchReport is a scenario's report.
type benchReport interface{ WriteTable(w io.Writer) error }

// runBench checks a scenario's options (a usage error if they are wrong),
// runs it and prints its report, as JSON if asked.
func runBench[R benchReport](env *Env, check func() error, run func(scenario.Env) (R, error), asJSON bool) error {
	if err := check(); err != nil {
		return asUsage(err)
	}
	senv, err := benchEnv(env)
	if err != nil {
		return err
	}
	rep, err := run(senv)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(env.Stdout, rep)
	}
	return rep.WriteTable(env.Stdout)
}

// benchFlags adds the flags every bench scenario has.
func benchFlags(f *pflag.FlagSet, o *scenario.Common, asJSON *bool) {
	f.IntVar(&o.Validators, "validators", 4, "number of validator nodes (separate processes)")
	f.DurationVar(&o.Drain, "drain", 20*time.Second, "longest wait after a step for its transactions to commit")
	f.StringVar(&o.Dir, "dir", "", "`DIR` for the node homes, kept afterwards (default: a temporary directory, removed)")
	f.BoolVar(asJSON, "json", false, "print the report as JSON")
	f.DurationVar(&o.Timeout, "timeout", 0, "stop the whole benchmark after this long (default: from the plan)")
}

// wanFlags adds --wan and the WAN network's consensus timeouts.
func wanFlags(f *pflag.FlagSet, o *scenario.Common, usage string) {
	f.DurationVar(&o.WAN, "wan", 0, usage)
	f.DurationVar(&o.WANTimeouts.Propose, "wan-timeout-propose", 0, "the WAN network's CometBFT timeout_propose (default: as on loopback, 3s)")
	f.DurationVar(&o.WANTimeouts.Prevote, "wan-timeout-prevote", 0, "the WAN network's timeout_prevote (default: as on loopback)")
	f.DurationVar(&o.WANTimeouts.Precommit, "wan-timeout-precommit", 0, "the WAN network's timeout_precommit (default: as on loopback)")
	f.DurationVar(&o.WANTimeouts.Commit, "wan-timeout-commit", 500*time.Millisecond, "the WAN network's timeout_commit (500ms, what README advises for validators 50 ms apart; the LAN's 200ms pays more rounds per tx over long links)")
}

// defaultWarmup is step/5 unless --warmup is given.
func defaultWarmup(cmd *cobra.Command, o *scenario.Common) {
	if !cmd.Flags().Changed("warmup") {
		o.Warmup = o.Step / 5
	}
}

func newBenchLedgerCmd(env *Env) *cobra.Command {
	o := scenario.LedgerOptions{App: "both", Count: scenario.CountChain, Idle: scenario.IdleStopped, Submit: scenario.SubmitRPC}
	var asJSON bool
	c := &cobra.Command{
		Use:   "ledger",
		Short: "Committed tx/s and latency of signed member transactions on a local 4-validator network, against CometBFT's kvstore",
		Long: `ledger writes an N-validator network into a temporary directory (or --dir), starts each
node as a separate process of this binary on free loopback ports, and offers an open-loop
load of signed member/update_org transactions at each of --rates for --step, through
CometBFT's RPC (broadcast_tx_sync; --submit api sends gongxu's to its nodes' own POST /v1/txs,
the raw bytes, as gongxu's clients do). It follows node 0's blocks (abci_info and /block) to
measure committed tx/s and submit-to-commit latency, and lets the mempool drain between
rates. Neither side reads the blocks' results: after each step, once the nodes' CPU is
read, one query per signer checks the successes (gongxu: the signer's committed sequence;
kvstore: every included tx succeeds, the signer's last key is read back); --count results
reads every block's results on both sides instead, as the harness did before. The baseline is a
second network of the same shape running CometBFT's kvstore example application (same
config, genesis validators and local client), driven by the same harness: both networks
are started first and take turns at each rate, the one not measured paused (SIGSTOP) so
that neither pays for the other (--idle running keeps both running, as before 8 Dec 2026),
and the report gives gongxu/kvstore as a ratio. A network is paused only once its nodes stand
between heights, so that no consensus timeout expires during the pause. The nodes log each
height's rounds (consensus at info level), and after the run every height that some node
saw go past round 0 is told from all four logs: when each node's propose step began and
timed out, when the proposal was signed and received, when its block was complete.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defaultWarmup(cmd, &o.Common)
			return runBench(env, o.Check, func(senv scenario.Env) (*bench.Report, error) { return scenario.RunLedger(env.Ctx, senv, o) }, asJSON)
		},
	}
	f := c.Flags()
	benchFlags(f, &o.Common, &asJSON)
	f.IntSliceVar(&o.Rates, "rates", []int{500, 1000, 2000, 3000, 4000, 6000}, "offered tx/s, one step each, comma-separated")
	f.DurationVar(&o.Step, "step", 10*time.Second, "length of each rate step")
	f.DurationVar(&o.Warmup, "warmup", 0, "head of each step left out of committed tx/s (default step/5)")
	f.IntVar(&o.Signers, "signers", 256, "signing keys (one member org each), pinned round robin to the nodes")
	f.Var(&choiceValue{p: &o.App, choices: []string{"both", "gongxu", "kvstore"}}, "app", "application to measure: gongxu, kvstore or both")
	f.IntVar(&o.ProfileRate, "profile-rate", 0, "take a CPU profile of node 0 during the step at this `RATE` (0: none)")
	f.StringVar(&o.ProfileDir, "profile-dir", ".", "`DIR` for the CPU profiles, cpu-<app>.pprof")
	f.Var(&choiceValue{p: &o.Count, choices: []string{scenario.CountChain, scenario.CountResults}}, "count",
		"how successes are counted: chain (one query per signer after each step) or results (every block's results from node 0, both sides: the harness before 8 Dec 2026)")
	f.Var(&choiceValue{p: &o.Idle, choices: []string{scenario.IdleStopped, scenario.IdleRunning}}, "idle",
		"what the network not measured does during a step: stopped (paused with SIGSTOP, continued for its own steps) or running (as before 8 Dec 2026 session 25; its CPU is logged)")
	f.Var(&choiceValue{p: &o.Submit, choices: []string{scenario.SubmitRPC, scenario.SubmitAPI}}, "submit",
		"how gongxu's load reaches its nodes: rpc (CometBFT's broadcast_tx_sync, as kvstore's) or api (the raw signed bytes to the node's POST /v1/txs, as gongxu's clients send them); kvstore always takes rpc")
	wanFlags(f, &o.Common, "run --app (gongxu if both) on loopback and on a second network whose nodes reach each other through delay proxies adding this one-way `LATENCY` (e.g. 50ms), in turn at each rate, and print WAN/loopback")
	return c
}

func newBenchPoolsCmd(env *Env) *cobra.Command {
	o := scenario.PoolsOptions{}
	var asJSON bool
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
			defaultWarmup(cmd, &o.Common)
			return runBench(env, o.Check, func(senv scenario.Env) (*scenario.PoolsReport, error) { return scenario.RunPools(env.Ctx, senv, o) }, asJSON)
		},
	}
	f := c.Flags()
	benchFlags(f, &o.Common, &asJSON)
	f.IntVar(&o.Hubs, "hubs", 16, "hub orgs submitting batches, pinned round robin to the nodes")
	f.IntVar(&o.Leaves, "leaves", 2000, "pledges (leaves) per batch")
	f.IntVar(&o.LeafID, "leaf-id", 64, "hex characters of each leaf id, 16 to 64 (gongxu tx pool batch writes 64)")
	f.BoolVar(&o.Packed, "packed", false, "batches carry their leaves packed in one binary blob (70 bytes a 64-hex leaf) instead of a JSON list")
	f.BoolVar(&o.Prebuild, "prebuild", true, "build and sign each step's transactions before it starts, so that the load generator's CPU does not compete with the nodes' during the step")
	f.StringVar(&o.Submit, "submit", scenario.SubmitAPI, "how the load reaches the nodes: api (POST /v1/txs with the raw signed bytes) or rpc (CometBFT's broadcast_tx_sync, base64 in JSON-RPC, as bench ledger)")
	f.IntSliceVar(&o.BatchRates, "batch-rates", []int{4, 8, 12, 16}, "offered batch txs/s, one step each")
	f.IntVar(&o.Consumers, "consumers", 256, "consumers' keys signing direct pledges (and as many member orgs for the ledger baseline)")
	f.IntSliceVar(&o.DirectRates, "direct-rates", []int{500, 1000}, "offered direct pledges/s, one step each")
	f.BoolVar(&o.Ledger, "ledger", true, "after each direct step, a step of member/update_org at the same rate (the ledger bench's load)")
	f.DurationVar(&o.Step, "step", 10*time.Second, "length of each rate step")
	f.DurationVar(&o.Warmup, "warmup", 0, "head of each step left out of committed/s (default step/5)")
	f.DurationVar(&o.CloseIn, "close-in", 90*time.Second, "deadline of the closing pool, from its opening (at least 30s)")
	f.IntVar(&o.FillRate, "fill-rate", 0, "batch txs/s filling the closing pool (default: 3/4 of the batches phase's committed batches/s at saturation)")
	f.IntVar(&o.Trickle, "trickle", 20, "direct pledges/s while the pools close, so that blocks keep coming")
	f.StringSliceVar(&o.Phases, "phases", []string{scenario.PhaseBatches, scenario.PhaseDirect, scenario.PhaseClose}, "phases to run: batches, direct, close")
	f.IntVar(&o.ProfileRate, "profile-rate", 0, "take a CPU profile of node 0 during the batches step at this `RATE` (0: none)")
	f.StringVar(&o.ProfileDir, "profile-dir", ".", "`DIR` for the CPU profile, cpu-pools-batches.pprof")
	wanFlags(f, &o.Common, "after the run on loopback, run it again on a network whose nodes reach each other through delay proxies adding this one-way `LATENCY` (e.g. 50ms), and print WAN/loopback")
	return c
}

func newBenchTraceCmd(env *Env) *cobra.Command {
	o := scenario.TraceOptions{Count: scenario.CountChain, Submit: scenario.SubmitAPI}
	var asJSON bool
	c := &cobra.Command{
		Use:   "trace",
		Short: "EPCIS events/s committed through trace/capture on a local 4-validator network: documents of N events against one event per transaction",
		Long: `trace writes an N-validator network (each node a separate process of this binary on
free loopback ports) whose genesis holds --signers factory orgs, and offers their
trace/capture transactions: EPCIS 2.0 documents of realistic ObjectEvents (an epcList
of --epcs SGTIN serials, bizStep, disposition, readPoint, bizLocation, eventTime;
every serial and event time new, so that no event is a duplicate).

The baseline carries one event per transaction; then each of --events-per-doc. Each
load starts at an offered rate (the baseline at --start-rate events/s, every other at
0.6× the best events/s committed so far) and grows by --growth a step, with the open-
loop harness of bench ledger, until a step commits less than 90 % of what it offered
or less than the step before, or after --max-steps. Reported per step: committed
events/s (node 0's committed blocks in the step's window, captures that stored their
events only: --count), chain events/s
(events the chain stored from the step's start until the mempools were empty again,
over that time: robust when a block takes longer than the window), submit-to-commit
latency, the nodes' CPU per stored event and resident memory, node 0's blocks
(documents and bytes per block, where each block's time goes, from its log) and the
machine's load average; per load, its saturation and the speed-up over the baseline in
the same run. At the end the number of events stored on the chain is compared with the
harness's count.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			defaultWarmup(cmd, &o.Common)
			return runBench(env, o.Check, func(senv scenario.Env) (*scenario.TraceReport, error) { return scenario.RunTrace(env.Ctx, senv, o) }, asJSON)
		},
	}
	f := c.Flags()
	benchFlags(f, &o.Common, &asJSON)
	f.IntSliceVar(&o.Sizes, "events-per-doc", []int{10, 100, 500, 1000}, "events per captured document of the batch loads, comma-separated (the baseline of 1 always runs first)")
	f.IntVar(&o.EPCs, "epcs", 4, "SGTIN serials in each event's epcList")
	f.IntVar(&o.Signers, "signers", 32, "capturing factory orgs (one key each), pinned round robin to the nodes")
	f.DurationVar(&o.Step, "duration", 10*time.Second, "length of each rate step")
	f.DurationVar(&o.Warmup, "warmup", 0, "head of each step left out of committed/s (default duration/5)")
	f.IntVar(&o.StartRate, "start-rate", 100, "events/s offered by the baseline's first step")
	f.Float64Var(&o.Growth, "growth", 1.6, "offered rate of each step over the step before (at least +1 tx/s)")
	f.IntVar(&o.MaxSteps, "max-steps", 6, "most steps of each load")
	f.StringVar(&o.ProfileDir, "profile-dir", "", "take a CPU profile of node 0 in every step, into `DIR`/cpu-trace-<events>ev-<rate>tps.pprof")
	f.Var(&choiceValue{p: &o.Count, choices: []string{scenario.CountChain, scenario.CountResults}}, "count",
		"how successful captures are counted: chain (the events stored and each signer's sequence, one snapshot of node 0's state after each step) or results (every block's results from node 0: the harness before 8 Dec 2026 session 25)")
	f.Var(&choiceValue{p: &o.Submit, choices: []string{scenario.SubmitAPI, scenario.SubmitRPC}}, "submit",
		"how the load reaches the nodes: api (POST /v1/txs with the raw signed bytes) or rpc (CometBFT's broadcast_tx_sync, base64 in JSON-RPC: the harness before 8 Dec 2026 session 25)")
	return c
}

func newBenchKVStoreNodeCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:    "kvstore-node",
		Short:  "Run the baseline node of --home: CometBFT with its kvstore example application (used by bench ledger)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := node.LoadConfig(env.Home)
			if err != nil {
				return err
			}
			lf, err := os.OpenFile(node.DataPath(env.Home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
			if err != nil {
				return gongxu.Wrap(err, "open node log")
			}
			defer lf.Close()
			fmt.Fprintf(env.Stdout, "kvstore node of %s running; Ctrl-C to stop\n", env.Home)
			return bench.RunKVStoreNode(env.Ctx, env.Home, lf, cfg.LogLevel)
		},
	}
}
