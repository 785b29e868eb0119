package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// nodeCommands returns the commands that run a node. newRoot adds them to
// the root command.
func nodeCommands(env *Env) []*cobra.Command {
	return []*cobra.Command{newUpCmd(env), newInitCmd(env), newStartCmd(env), newTestnetCmd(env), newReindexCmd(env), newBenchCmd(env)}
}

// OperatorKey is the keyring name of the key that signs for this node's org.
const OperatorKey = "operator"

func (env *Env) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func hasGenesis(home string) bool {
	_, err := os.Stat(filepath.Join(home, "config", "genesis.json"))
	return err == nil
}

func newUpCmd(env *Env) *cobra.Command {
	var api string
	var demo bool
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
			if !hasGenesis(env.Home) {
				if err := initLocal(env, api, ports); err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "created a one-node network in %s\n", env.Home)
			}
			return runNode(env, api, demo)
		},
	}
	c.Flags().StringVar(&api, "api", "", "`ADDR` of the API and web pages (default 127.0.0.1:8080, or the home's config)")
	c.Flags().BoolVar(&demo, "demo", false, "also admit an example network of organizations (a supplier, two factories, three hubs)")
	c.Flags().IntVar(&ports.P2P, "p2p-port", 26656, "CometBFT p2p `PORT` (first run only)")
	c.Flags().IntVar(&ports.RPC, "rpc-port", 26657, "CometBFT RPC `PORT` (first run only)")
	return c
}

// initLocal creates a one-validator network in env.Home.
func initLocal(env *Env, api string, ports comet.Ports) error {
	kr, err := keyring.Open(env.KeysDir())
	if err != nil {
		return err
	}
	op, err := kr.Get(OperatorKey)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		op, err = kr.Add(OperatorKey)
	}
	if err != nil {
		return err
	}
	id, err := comet.InitHome(env.Home, comet.HomeOptions{Moniker: "gongxu-up", Ports: ports})
	if err != nil {
		return err
	}
	org := gongxu.Org{ID: "operator", Name: "This node's organization", Roles: []gongxu.Role{gongxu.RoleValidator, gongxu.RoleFactory, gongxu.RoleHub}, Keys: []gongxu.PubKey{op.PubKey}}
	val := gongxu.Validator{PubKey: id.ValidatorKey, Power: 10, Org: org.ID}
	cfg := DefaultNodeConfig()
	if api != "" {
		cfg.API = api
	}
	if err := SaveNodeConfig(env.Home, cfg); err != nil {
		return err
	}
	return comet.WriteGenesis(comet.GenesisOptions{
		ChainID: "gongxu-local", Time: time.Now(), Validators: []gongxu.Validator{val},
		AppState: map[string]any{member.Name: member.Genesis{Orgs: []gongxu.Org{org}, Validators: []gongxu.Validator{val}}},
	}, env.Home)
}

func newStartCmd(env *Env) *cobra.Command {
	var api string
	c := &cobra.Command{
		Use:   "start",
		Short: "Start the node in --home (made by init or testnet)",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runNode(env, api, false) },
	}
	c.Flags().StringVar(&api, "api", "", "`ADDR` of the API and web pages (default: the home's config)")
	return c
}

// runNode runs the node of env.Home until the context ends (Ctrl-C).
func runNode(env *Env, api string, demo bool) error {
	cfg, err := LoadNodeConfig(env.Home)
	if err != nil {
		return err
	}
	if api != "" {
		cfg.API = api
	}
	log := env.logger()
	n, err := startNode(env.Home, cfg, log)
	if err != nil {
		return err
	}
	st, _ := n.comet.Status(env.Ctx)
	fmt.Fprintf(env.Stdout, "gongxu node %s on chain %s, height %d\n", st.Moniker, st.ChainID, st.Height)
	fmt.Fprintf(env.Stdout, "  web:  %s/\n  api:  %s/v1/status\n  rpc:  CometBFT RPC per %s/config/config.toml\n", n.URL(), n.URL(), env.Home)
	fmt.Fprintf(env.Stdout, "  log:  %s\n", dataPath(env.Home, "node.log"))
	if err := printTokenHelp(env, n, demo); err != nil {
		n.Close()
		return err
	}
	fmt.Fprintln(env.Stdout, "Press Ctrl-C to stop.")
	if demo && n.sign != nil {
		go func() {
			if err := runDemo(env.Ctx, n, n.sign); err != nil && env.Ctx.Err() == nil {
				log.Error("demo", "err", err)
			}
		}()
	}
	<-env.Ctx.Done()
	fmt.Fprintln(env.Stdout, "stopping…")
	if err := n.Close(); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, "stopped")
	return nil
}

func newInitCmd(env *Env) *cobra.Command {
	var moniker, api string
	var p2p, rpc int
	c := &cobra.Command{
		Use:   "init",
		Short: "Create a node home for a multi-org network: keys and config (copy the network's genesis.json into HOME/config)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			kr, err := keyring.Open(env.KeysDir())
			if err != nil {
				return err
			}
			op, err := kr.Get(OperatorKey)
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				op, err = kr.Add(OperatorKey)
			}
			if err != nil {
				return err
			}
			id, err := comet.InitHome(env.Home, comet.HomeOptions{Moniker: moniker, Ports: comet.Ports{P2P: p2p, RPC: rpc}})
			if err != nil {
				return err
			}
			cfg := DefaultNodeConfig()
			if api != "" {
				cfg.API = api
			}
			if err := SaveNodeConfig(env.Home, cfg); err != nil {
				return err
			}
			return writeJSON(env.Stdout, map[string]any{"home": env.Home, "node_id": id.NodeID, "validator_key": id.ValidatorKey,
				"operator_key": op.PubKey, "p2p": fmt.Sprintf("%s@127.0.0.1:%d", id.NodeID, p2p)})
		},
	}
	c.Flags().StringVar(&moniker, "moniker", "gongxu-node", "node `NAME`")
	c.Flags().StringVar(&api, "api", "", "`ADDR` of the API and web pages (default 127.0.0.1:8080)")
	c.Flags().IntVar(&p2p, "p2p-port", 26656, "CometBFT p2p `PORT`")
	c.Flags().IntVar(&rpc, "rpc-port", 26657, "CometBFT RPC `PORT`")
	return c
}

// TestnetRoles are the roles of the testnet's orgs, in turn; every org also validates.
var TestnetRoles = []gongxu.Role{gongxu.RoleFactory, gongxu.RoleSupplier, gongxu.RoleHub, gongxu.RoleLogistics}

func newTestnetCmd(env *Env) *cobra.Command {
	var n, basePort, apiPort int
	var dir, chainID string
	c := &cobra.Command{
		Use:   "testnet",
		Short: "Write N node homes of one network on loopback ports, each to run with gongxu start --home",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			homes, err := Testnet(TestnetOptions{Validators: n, Dir: dir, ChainID: chainID, BasePort: basePort, APIPort: apiPort})
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

// TestnetOptions shape a local testnet.
type TestnetOptions struct {
	Validators int
	Dir        string
	ChainID    string
	BasePort   int
	APIPort    int
}

// TestnetNode describes one node home of a testnet.
type TestnetNode struct {
	Home        string        `json:"home"`
	Org         gongxu.OrgID  `json:"org"`
	OperatorKey gongxu.PubKey `json:"operator_key"`
	API         string        `json:"api"`
	RPC         string        `json:"rpc"`
}

// Testnet writes the homes of an N-validator network on loopback.
func Testnet(o TestnetOptions) ([]TestnetNode, error) {
	if o.Validators < 1 || o.Validators > 64 {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "--validators must be 1 to 64, got %d", o.Validators)
	}
	var out []TestnetNode
	var ids []comet.NodeIdentity
	var homes []string
	var orgs []gongxu.Org
	var vals []gongxu.Validator
	for i := 0; i < o.Validators; i++ {
		home := filepath.Join(o.Dir, fmt.Sprintf("node%d", i))
		if hasGenesis(home) {
			return nil, gongxu.Errorf(gongxu.KindConflict, "%s already holds a node; remove it or pick another --dir", home)
		}
		kr, err := keyring.Open(filepath.Join(home, "keys"))
		if err != nil {
			return nil, err
		}
		op, err := kr.Add(OperatorKey)
		if err != nil {
			return nil, err
		}
		id, err := comet.InitHome(home, comet.HomeOptions{Moniker: fmt.Sprintf("node%d", i), Ports: testnetPorts(o.BasePort, i)})
		if err != nil {
			return nil, err
		}
		org := gongxu.Org{ID: gongxu.OrgID(fmt.Sprintf("org-%d", i)), Name: fmt.Sprintf("Org %d", i),
			Roles: []gongxu.Role{TestnetRoles[i%len(TestnetRoles)], gongxu.RoleValidator}, Keys: []gongxu.PubKey{op.PubKey}}
		api := fmt.Sprintf("127.0.0.1:%d", o.APIPort+i)
		cfg := DefaultNodeConfig()
		cfg.API = api
		if err := SaveNodeConfig(home, cfg); err != nil {
			return nil, err
		}
		ids, homes, orgs = append(ids, id), append(homes, home), append(orgs, org)
		vals = append(vals, gongxu.Validator{PubKey: id.ValidatorKey, Power: 10, Org: org.ID})
		p := testnetPorts(o.BasePort, i)
		out = append(out, TestnetNode{Home: home, Org: org.ID, OperatorKey: op.PubKey, API: "http://" + api, RPC: fmt.Sprintf("http://127.0.0.1:%d", p.RPC)})
	}
	for i, home := range homes {
		var peers []string
		for j, id := range ids {
			if j != i {
				peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", id.NodeID, testnetPorts(o.BasePort, j).P2P))
			}
		}
		if _, err := comet.InitHome(home, comet.HomeOptions{Moniker: fmt.Sprintf("node%d", i), Ports: testnetPorts(o.BasePort, i), Peers: peers}); err != nil {
			return nil, err
		}
	}
	err := comet.WriteGenesis(comet.GenesisOptions{
		ChainID: o.ChainID, Time: time.Now(), Validators: vals,
		AppState: map[string]any{member.Name: member.Genesis{Orgs: orgs, Validators: vals}},
	}, homes...)
	return out, err
}

func testnetPorts(base, i int) comet.Ports {
	return comet.Ports{P2P: base + 10*i, RPC: base + 10*i + 1}
}

func newReindexCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the read model of --home from the block store (the node must be stopped)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return Reindex(env.Ctx, env.Home, env.Stderr)
		},
	}
}

// Reindex rebuilds the read model of a stopped node from its block store,
// drawing a progress bar on w.
func Reindex(ctx context.Context, home string, w io.Writer) error {
	stores, err := comet.OpenStores(home)
	if err != nil {
		return err
	}
	defer stores.Close()
	db, err := sqlite.Open(dataPath(home, "read.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Reset(ctx); err != nil {
		return err
	}
	base, top := stores.Base(), stores.Height()
	if base > 1 {
		return gongxu.Errorf(gongxu.KindConflict, "the block store starts at height %d (pruned); the read model needs every block from 1", base)
	}
	const chunk = 200
	start := time.Now()
	for h := int64(1); h <= top; {
		var bs []gongxu.CommittedBlock
		for ; h <= top && len(bs) < chunk; h++ {
			b, err := stores.Block(h)
			if err != nil {
				return err
			}
			bs = append(bs, b)
		}
		if err := db.ProjectBlocks(ctx, bs); err != nil {
			return err
		}
		progress(w, h-1, top, start)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nread model rebuilt: %d blocks in %s\n", top, time.Since(start).Round(time.Millisecond))
	return nil
}

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
