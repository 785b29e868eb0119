package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/demo"
	"github.com/gongxu-network/gongxu/internal/node"
	"github.com/gongxu-network/gongxu/internal/token"
)

// nodeCommands returns the commands that run a node. newRoot adds them to
// the root command.
func nodeCommands(env *Env) []*cobra.Command {
	return []*cobra.Command{newUpCmd(env), newInitCmd(env), newStartCmd(env), newTestnetCmd(env), newReindexCmd(env), newBenchCmd(env),
		newJoinFileCmd(env), newGenesisCmd(env)}
}

func (env *Env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func newUpCmd(env *Env) *cobra.Command {
	var api, publicURL string
	var withDemo bool
	var demoClose time.Duration
	var ports comet.Ports
	c := &cobra.Command{
		Use:   "up",
		Short: "Run a one-node gongxu network on this machine (created on first run)",
		Long: `up runs a complete one-node network in --home (default ./gongxu-data): on first run it
creates the node, a key for its organization and a genesis, then starts it; later runs
resume the same chain. The API and web pages listen on 127.0.0.1:8080 (--api).
With --demo it also admits a small example network of organizations through governance.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !node.HasGenesis(env.Home) {
				if err := node.InitLocal(env.Home, node.InitOptions{API: api, Ports: ports}); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "created a one-node network in %s\n", env.Home)
			}
			return runNode(env, api, publicURL, withDemo, demo.Options{Close: demoClose})
		},
	}
	c.Flags().StringVar(&api, "api", "", "`ADDR` of the API and web pages (default 127.0.0.1:8080, or the home's config)")
	c.Flags().StringVar(&publicURL, "public-url", "", "the `URL` people reach the web pages at, which QR codes and share links name (default: the home's config pages.public_url)")
	c.Flags().BoolVar(&withDemo, "demo", false, "also admit an example network of organizations (a supplier, two factories, three hubs)")
	c.Flags().IntVar(&ports.P2P, "p2p-port", 26656, "CometBFT p2p `PORT` (first run only)")
	c.Flags().IntVar(&ports.RPC, "rpc-port", 26657, "CometBFT RPC `PORT` (first run only)")
	c.Flags().DurationVar(&demoClose, "demo-close", demo.DefaultClose, "with --demo: how long after the pools open the jacket pool closes")
	_ = c.Flags().MarkHidden("demo-close") // for tests that tell the story in a minute
	return c
}

func newStartCmd(env *Env) *cobra.Command {
	var api, publicURL string
	var ss node.StateSyncConfig
	c := &cobra.Command{
		Use:   "start",
		Short: "Start the node in --home (made by init or testnet)",
		Args:  cobra.NoArgs,
	}
	env.peerFlags = addPeerFlags(c)
	c.RunE = func(*cobra.Command, []string) error {
		return runNode(env, api, publicURL, false, demo.Options{}, func(cfg *node.Config) {
			if len(ss.RPCServers) > 0 {
				cfg.StateSync = ss
			}
		})
	}
	c.Flags().StringVar(&api, "api", "", "`ADDR` of the API and web pages (default: the home's config)")
	c.Flags().StringVar(&publicURL, "public-url", "", "the `URL` people reach the web pages at, which QR codes and share links name (default: the home's config pages.public_url)")
	c.Flags().StringSliceVar(&ss.RPCServers, "state-sync-rpc", nil, "join by state sync: CometBFT RPC `URLS` of two or more members' nodes, comma-separated (a node with an empty state only)")
	c.Flags().Int64Var(&ss.TrustHeight, "trust-height", 0, "with --state-sync-rpc: the `HEIGHT` of a block header you trust")
	c.Flags().StringVar(&ss.TrustHash, "trust-hash", "", "with --state-sync-rpc: the `HASH` (hex) of that header, from a member")
	return c
}

// runNode runs the node of env.Home until the context ends (Ctrl-C); with
// withDemo, the demo's story runs on it. A non-empty api or publicURL
// overrides the home's config.
func runNode(env *Env, api, publicURL string, withDemo bool, demoOpts demo.Options, adjust ...func(*node.Config)) error {
	cfg, err := node.LoadConfig(env.Home)
	if err != nil {
		return err
	}
	for _, f := range adjust {
		f(&cfg)
	}
	if err := cfg.SyncConfig.Validate(); err != nil {
		return err
	}
	if api != "" {
		cfg.API = api
	}
	if publicURL != "" {
		cfg.Pages.PublicURL = publicURL
	}
	if err := env.peerFlags.apply(&cfg); err != nil {
		return err
	}
	log := env.logger()
	gc := node.ApplyGC(cfg.GC, os.Getenv)
	log.Info("garbage collector", "settings", gc.String())
	n, err := node.Open(env.Home, cfg, log)
	if err != nil {
		return err
	}
	go node.FollowNodeCache(env.Ctx, gc, n.StateCacheBytes, 10*time.Second)
	go func() {
		if err := n.Serve(); err != nil {
			log.Error("http server", "err", err)
		}
	}()
	st, _ := n.Status(env.Ctx)
	fmt.Fprintf(env.Stdout, "gongxu node %s on chain %s, height %d\n", st.Moniker, st.ChainID, st.Height)
	fmt.Fprintf(env.Stdout, "  web:  %s/\n  api:  %s/v1/status\n  rpc:  CometBFT RPC per %s/config/config.toml\n", n.URL(), n.URL(), env.Home)
	fmt.Fprintf(env.Stdout, "  log:  %s\n", node.DataPath(env.Home, "node.log"))
	if err := printTokenHelp(env, n.URL(), withDemo); err != nil {
		n.Close()
		return err
	}
	fmt.Fprintln(env.Stdout, "Press Ctrl-C to stop.")
	// The demo's story runs beside the node and is waited for before the
	// node closes: a story step must never meet a closed store.
	demoDone := make(chan struct{})
	demoCtx, stopDemo := context.WithCancel(env.Ctx) // a halt stops the demo too
	defer stopDemo()
	if withDemo && n.Keyring() != nil {
		go func() {
			defer close(demoDone)
			if err := demo.Run(demoCtx, n, log, demoOpts); err != nil && demoCtx.Err() == nil {
				log.Error("demo", "err", err)
			}
		}()
	} else {
		close(demoDone)
	}
	var halt error // an upgrade height this binary does not have
	select {
	case <-env.Ctx.Done():
	case <-n.Halted():
		halt = n.HaltErr()
		select { // peers behind still get the height's votes from us
		case <-env.Ctx.Done():
		case <-time.After(node.HaltLinger):
		}
	}
	fmt.Fprintln(env.Stdout, "stopping…")
	stopDemo()
	<-demoDone
	if err := n.Close(); err != nil || halt != nil {
		return errors.Join(halt, err)
	}
	fmt.Fprintln(env.Stdout, "stopped")
	return nil
}

// printTokenHelp tells how to make the node at url sign from the pages and
// the API. With withDemo, it makes the demo's API token on the first run
// and prints it (the only time it can be: the home keeps its hash);
// otherwise, and on later runs, it says how to make one.
func printTokenHelp(env *Env, url string, withDemo bool) error {
	w := env.Stdout
	if withDemo {
		secret, err := env.tokenStore().Add(demo.Token)
		switch {
		case err == nil:
			fmt.Fprintf(w, "API token %q for this node (shown only now; the node keeps its hash in %s):\n", demo.Token, token.Path(env.Home))
			fmt.Fprintf(w, "  export GONGXU_TOKEN=%s\n", secret)
			fmt.Fprintf(w, "  pages: sign in at %s/signin with it, to use the hub and supplier forms\n", url)
			fmt.Fprintf(w, "  API:   curl -H \"Authorization: Bearer $GONGXU_TOKEN\" -H 'Content-Type: application/ld+json' --data @DOC.jsonld %s/epcis/capture\n", url)
			return nil
		case gongxu.ErrorKind(err) != gongxu.KindConflict:
			return err
		}
		fmt.Fprintf(w, "The demo's API token %q was printed on the first run; to make another: gongxu token add NAME --home %s\n", demo.Token, env.Home)
		fmt.Fprintf(w, "  then sign in at %s/signin, or send it as Authorization: Bearer TOKEN\n", url)
		return nil
	}
	fmt.Fprintf(w, "To use the forms that act with this node's key (%s/signin) or POST /epcis/capture, make an API token:\n", url)
	fmt.Fprintf(w, "  gongxu token add NAME --home %s\n", env.Home)
	return nil
}

func newTestnetCmd(env *Env) *cobra.Command {
	var n, basePort, apiPort int
	var dir, chainID string
	c := &cobra.Command{
		Use:   "testnet",
		Short: "Write N node homes of one network on loopback ports, each to run with gongxu start --home",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			homes, err := node.Testnet(node.TestnetOptions{Validators: n, Dir: dir, ChainID: chainID, BasePort: basePort, APIPort: apiPort})
			if err != nil {
				return err
			}
			return writeJSON(env.Stdout, homes)
		},
	}
	c.Flags().IntVar(&n, "validators", 4, "number of validator nodes, one org each")
	c.Flags().StringVar(&dir, "dir", "./testnet", "`DIR` to write node0 … nodeN-1 into")
	c.Flags().StringVar(&chainID, "chain-id", "gongxu-testnet", "chain `ID`")
	c.Flags().IntVar(&basePort, "base-port", 26600, "first CometBFT `PORT`; node i uses base+10i (p2p) and base+10i+1 (rpc)")
	c.Flags().IntVar(&apiPort, "api-port", 8080, "API `PORT` of node0; node i uses port+i")
	return c
}

func newReindexCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the read model of --home from the block store (the node must be stopped)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			w := env.Stderr
			start := time.Now()
			blocks, err := node.Reindex(env.Ctx, env.Home, func(done, total int64) { progress(w, done, total, start) })
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "\nread model rebuilt: %d blocks in %s\n", blocks, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

// progress draws the reindex progress bar on w.
func progress(w io.Writer, done, total int64, start time.Time) {
	const width = 30
	filled := width
	pct := int64(100)
	if total > 0 {
		filled = int(done * width / total)
		pct = done * 100 / total
	}
	fmt.Fprintf(w, "\rreindex [%s%s] %3d%% %d/%d blocks %s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), pct, done, total, time.Since(start).Round(time.Second))
}
