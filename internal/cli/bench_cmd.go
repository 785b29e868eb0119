package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
)

func newBenchCmd(env *Env) *cobra.Command {
	return newGroup("bench", "Benchmarks that print ratios against a baseline measured in the same run",
		newBenchLedgerCmd(env), newBenchPoolsCmd(env), newBenchTraceCmd(env), newBenchKVStoreNodeCmd(env))
}

func newBenchLedgerCmd(env *Env) *cobra.Command {
	o := benchOptions{}
	c := &cobra.Command{
		Use:   "ledger",
		Short: "Committed tx/s and latency of signed member transactions on a local 4-validator network, against CometBFT's kvstore",
		Long: `ledger writes an N-validator network into a temporary directory (or --dir), starts each
node as a separate process of this binary on free loopback ports, and offers an open-loop
load of signed member/update_org transactions at each of --rates for --step, through
CometBFT's RPC (broadcast_tx_sync). It follows node 0's blocks to measure committed tx/s
and submit-to-commit latency, and lets the mempool drain between rates. The baseline is a
second network of the same shape running CometBFT's kvstore example application (same
config, genesis validators and local client), driven by the same harness: both networks
run throughout and take turns at each rate, and the report gives gongxu/kvstore as a ratio.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.warmupSet = cmd.Flags().Changed("warmup")
			return runBenchLedger(env, o)
		},
	}
	f := c.Flags()
	f.IntVar(&o.validators, "validators", 4, "number of validator nodes (separate processes)")
	f.IntSliceVar(&o.rates, "rates", []int{500, 1000, 2000, 3000, 4000, 6000}, "offered tx/s, one step each, comma-separated")
	f.DurationVar(&o.step, "step", 10*time.Second, "length of each rate step")
	f.DurationVar(&o.warmup, "warmup", 0, "head of each step left out of committed tx/s (default step/5)")
	f.DurationVar(&o.drain, "drain", 20*time.Second, "longest wait after a step for its transactions to commit")
	f.IntVar(&o.signers, "signers", 256, "signing keys (one member org each), pinned round robin to the nodes")
	f.StringVar(&o.dir, "dir", "", "`DIR` for the node homes, kept afterwards (default: a temporary directory, removed)")
	o.app = "both"
	f.Var(&choiceValue{p: &o.app, choices: []string{"both", "gongxu", "kvstore"}}, "app", "application to measure: gongxu, kvstore or both")
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.IntVar(&o.profileRate, "profile-rate", 0, "take a CPU profile of node 0 during the step at this `RATE` (0: none)")
	f.StringVar(&o.profileDir, "profile-dir", ".", "`DIR` for the CPU profiles, cpu-<app>.pprof")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the whole benchmark after this long (default: from the plan)")
	return c
}

func newBenchKVStoreNodeCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:    "kvstore-node",
		Short:  "Run the baseline node of --home: CometBFT with its kvstore example application (used by bench ledger)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := LoadNodeConfig(env.Home)
			if err != nil {
				return err
			}
			lf, err := os.OpenFile(dataPath(env.Home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
			if err != nil {
				return gongxu.Wrap(err, "open node log")
			}
			defer lf.Close()
			fmt.Fprintf(env.Stdout, "kvstore node of %s running; Ctrl-C to stop\n", env.Home)
			return bench.RunKVStoreNode(env.Ctx, env.Home, lf, cfg.LogLevel)
		},
	}
}
