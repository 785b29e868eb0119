package cli

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/node"
)

// The commands that found and join a network of real machines: init (a
// home and its join file), join-file, genesis (assemble and check), and
// the member proposals made straight from a join file.

func newInitCmd(env *Env) *cobra.Command {
	var moniker, api, p2pAddr, p2pListen, genesisFile, org, name string
	var roles, seeds []string
	var p2p, rpc int
	c := &cobra.Command{
		Use:   "init --org ID --name NAME --roles ROLE,… --p2p-addr HOST:PORT",
		Short: "Create a node home for a real network: keys, config and the org's join file",
		Long: `init creates the node home of one org of a real network (--home): its operator
and seal keys, CometBFT's node and validator keys, and the configs. The keys
stay in the home. It writes the org's join file, HOME/config/join.json, with
public material only (org id, name, roles, operator and seal keys, node id,
validator key, p2p address) and prints its path: the founders give theirs to
gongxu genesis, a joining org gives it to a member, who proposes its admission
(gongxu tx member propose-join FILE).

--p2p-addr is where other members' nodes reach this node (a public name or
address and the p2p port, open to them in the firewall); the node listens on
--p2p-listen (default all interfaces) at that port, while its RPC and API stay
on 127.0.0.1.

--genesis FILE installs the network's genesis (from gongxu genesis, or from a
member for a joining org) as HOME/config/genesis.json; on a home made earlier,
init --genesis FILE only installs it.`,
		Example: `  gongxu init --home /var/lib/gongxu --org acme --name "Acme Textiles" --roles factory --p2p-addr acme.example.com:26656
  gongxu init --home /var/lib/gongxu --genesis genesis.json`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			var raw []byte
			if genesisFile != "" {
				var err error
				if raw, err = readGenesisFile(genesisFile); err != nil {
					return err
				}
				if _, err := comet.ParseGenesis(raw); err != nil { // before anything is written
					return err
				}
			}
			if !f.Changed("org") {
				if genesisFile == "" {
					return usagef("%s needs --org, --name, --roles and --p2p-addr (or --genesis FILE on a home made earlier)", cmd.CommandPath())
				}
				if _, err := node.ReadJoinFile(node.JoinFilePath(env.Home)); err != nil {
					return gongxu.Errorf(gongxu.ErrorKind(err), "%s is not a home made by gongxu init --org (%s)", env.Home, gongxu.ErrorMessage(err))
				}
				if err := node.InstallGenesis(env.Home, raw); err != nil {
					return err
				}
				return writeJSON(env.Stdout, map[string]any{"home": env.Home, "genesis": genesisPath(env.Home), "sha256": node.GenesisHash(raw)})
			}
			if err := requireFlags(cmd, "name", "roles", "p2p-addr"); err != nil {
				return err
			}
			if _, err := os.Stat(node.JoinFilePath(env.Home)); err == nil || node.HasGenesis(env.Home) {
				return gongxu.Errorf(gongxu.KindConflict, "%s already holds a node; pick another --home (for a home made by init --org, gongxu join-file --home %s prints its join file)", env.Home, env.Home)
			}
			if err := node.CheckP2PAddr(p2pAddr); err != nil {
				return asUsage(err)
			}
			if !f.Changed("p2p-port") {
				_, port, _ := net.SplitHostPort(p2pAddr)
				p2p, _ = strconv.Atoi(port)
			}
			if !f.Changed("moniker") {
				moniker = org
			}
			j := node.JoinOptions{Org: gongxu.OrgID(org), Name: name, P2PAddr: p2pAddr, P2PListen: p2pListen, Seeds: trimAll(seeds)}
			for _, r := range roles {
				j.Roles = append(j.Roles, gongxu.Role(strings.TrimSpace(r)))
			}
			id, err := node.Init(env.Home, node.InitOptions{Moniker: moniker, API: api, Ports: comet.Ports{P2P: p2p, RPC: rpc}, Join: j})
			if err != nil {
				return err
			}
			out := map[string]any{"home": env.Home, "join_file": node.JoinFilePath(env.Home), "org": org, "node_id": id.NodeID,
				"validator_key": id.ValidatorKey, "operator_key": id.OperatorKey, "seal_key": id.SealKey, "peer": id.NodeID + "@" + p2pAddr}
			if raw != nil {
				if err := node.InstallGenesis(env.Home, raw); err != nil {
					return err
				}
				out["genesis"], out["sha256"] = genesisPath(env.Home), node.GenesisHash(raw)
			}
			return writeJSON(env.Stdout, out)
		},
	}
	fl := c.Flags()
	fl.StringVar(&org, "org", "", "the org's `ID` (2 to 64 of a-z, 0-9 and '-', starting with a letter)")
	fl.StringVar(&name, "name", "", "the org's display `NAME`")
	fl.StringSliceVar(&roles, "roles", nil, "its roles: factory, supplier, hub, logistics, validator (a founder also validates)")
	fl.StringVar(&p2pAddr, "p2p-addr", "", "`HOST:PORT` where other nodes reach this node's p2p port")
	fl.StringVar(&p2pListen, "p2p-listen", "0.0.0.0", "`HOST` (interface) the p2p port listens on")
	fl.StringSliceVar(&seeds, "seeds", nil, "seed nodes to ask for peers, `ID@HOST:PORT`,…")
	fl.StringVar(&genesisFile, "genesis", "", "install the network's genesis `FILE` into the home")
	fl.StringVar(&moniker, "moniker", "", "node `NAME` in CometBFT (default: the org id)")
	fl.StringVar(&api, "api", "", "`ADDR` of the API and web pages (default 127.0.0.1:8080)")
	fl.IntVar(&p2p, "p2p-port", 0, "CometBFT p2p `PORT` to listen on (default: the port of --p2p-addr)")
	fl.IntVar(&rpc, "rpc-port", 26657, "CometBFT RPC `PORT` (on 127.0.0.1)")
	return c
}

func genesisPath(home string) string { return filepath.Join(home, "config", "genesis.json") }

// readGenesisFile reads a genesis file, bounded.
func readGenesisFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindNotFound, "genesis file: %v", err)
	}
	if st.Size() > 64<<20 {
		return nil, gongxu.Errorf(gongxu.KindTooLarge, "genesis file %s is %d bytes, the limit is 64 MiB", path, st.Size())
	}
	b, err := os.ReadFile(path)
	return b, gongxu.Wrap(err, "read genesis file")
}

func newJoinFileCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "join-file",
		Short: "Print the join file of the node in --home (public material only)",
		Args:  exactArgs(),
		RunE: func(*cobra.Command, []string) error {
			j, err := node.ReadJoinFile(node.JoinFilePath(env.Home))
			if err != nil {
				return err
			}
			_, err = env.Stdout.Write(j.Encode())
			return err
		},
	}
}

// readJoinFiles reads the join files at paths.
func readJoinFiles(paths []string) ([]node.JoinFile, error) {
	var out []node.JoinFile
	for _, p := range paths {
		j, err := node.ReadJoinFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, nil
}

func newGenesisCmd(env *Env) *cobra.Command {
	var out, check, genesisTime string
	c := &cobra.Command{
		Use:   "genesis --chain-id ID --genesis-time TIME --out FILE JOIN…",
		Short: "Assemble the founders' join files into one genesis, or check one (--check)",
		Long: `genesis assembles the founders' join files into the network's genesis: each
founder's org (which also validates), keys and seal key, its validator (power
10) and its node among the peers every node dials at start. The founders are
sorted by org id, so every founder who runs it on the same files with the same
--chain-id and --genesis-time gets the same bytes: compare the printed SHA-256.
The genesis time is the time of block 1; the nodes wait for it when it is in
the future, so founders can agree on a start.

--check FILE verifies a genesis instead: it must be byte for byte what the join
files make with its own chain id and genesis time.`,
		Example: `  gongxu genesis --chain-id gongxu-zj-1 --genesis-time 2027-01-15T08:00:00Z --out genesis.json acme.json blue.json hub-a.json swift.json
  gongxu genesis --check genesis.json acme.json blue.json hub-a.json swift.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("%s needs the founders' join files", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			joins, err := readJoinFiles(args)
			if err != nil {
				return err
			}
			orgs := make([]string, 0, len(joins))
			for _, j := range joins {
				orgs = append(orgs, string(j.Org))
			}
			if check != "" {
				if cmd.Flags().Changed("out") || cmd.Flags().Changed("genesis-time") {
					return usagef("--check takes the chain id and genesis time from the file: give neither --out nor --genesis-time")
				}
				raw, err := readGenesisFile(check)
				if err != nil {
					return err
				}
				if err := node.CheckGenesis(raw, joins); err != nil {
					return err
				}
				return writeJSON(env.Stdout, map[string]any{"genesis": check, "sha256": node.GenesisHash(raw), "ok": true})
			}
			if env.ChainID == "" || genesisTime == "" {
				return usagef("%s needs --chain-id and --genesis-time (every founder gives the same)", cmd.CommandPath())
			}
			t, err := time.Parse(time.RFC3339Nano, genesisTime)
			if err != nil {
				return usagef("--genesis-time must be an RFC 3339 time such as 2027-01-15T08:00:00Z, got %q", clip(genesisTime))
			}
			raw, err := node.AssembleGenesis(node.FoundingOptions{ChainID: env.ChainID, Time: t}, joins)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, raw, 0o644); err != nil {
				return gongxu.Wrap(err, "write genesis")
			}
			return writeJSON(env.Stdout, map[string]any{"genesis": out, "sha256": node.GenesisHash(raw), "chain_id": env.ChainID, "founders": orgs})
		},
	}
	c.Flags().StringVar(&out, "out", "genesis.json", "`FILE` to write the genesis to")
	c.Flags().StringVar(&check, "check", "", "verify the genesis `FILE` against the join files instead")
	c.Flags().StringVar(&genesisTime, "genesis-time", "", "the genesis `TIME`, RFC 3339 (every founder gives the same)")
	return c
}

// peerFlags are gongxu start's --peers and --seeds.
type peerFlags struct{ peers, seeds []string }

func addPeerFlags(c *cobra.Command) *peerFlags {
	p := &peerFlags{}
	c.Flags().StringSliceVar(&p.peers, "peers", nil, "more persistent peers, `ID@HOST:PORT`,… (beside the genesis' founders and the config's peers)")
	c.Flags().StringSliceVar(&p.seeds, "seeds", nil, "seed nodes to ask for peers, `ID@HOST:PORT`,…")
	return p
}

// apply adds the flags' peers and seeds to the node config.
func (p *peerFlags) apply(cfg *node.Config) error {
	if p == nil {
		return nil
	}
	for _, x := range append(trimAll(p.peers), trimAll(p.seeds)...) {
		if err := node.CheckPeer(x); err != nil {
			return asUsage(err)
		}
	}
	cfg.Peers = append(cfg.Peers, trimAll(p.peers)...)
	cfg.Seeds = append(cfg.Seeds, trimAll(p.seeds)...)
	return nil
}

// newProposeJoinCmd builds "tx member propose-join FILE": an admit_org
// proposal made from a join file.
func newProposeJoinCmd(env *Env, o *txOptions) *cobra.Command {
	var title string
	var prefixes []string
	c := &cobra.Command{
		Use:   "propose-join JOINFILE",
		Short: "Propose to admit the org of a join file (its id, name, roles, keys and seal key)",
		Long: `Propose to admit the org whose join file (written by its gongxu init) is
JOINFILE; your org votes yes. Once admitted, its node syncs from the
network's peers; propose-validator makes it a validator.`,
		Example: `  gongxu tx member propose-join silk.json --from operator`,
		Args:    exactArgs("JOINFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := node.ReadJoinFile(args[0])
			if err != nil {
				return err
			}
			org := j.MemberOrg()
			org.Prefixes = trimAll(prefixes)
			if title == "" {
				title = fmt.Sprintf("Admit %s (%s)", j.Name, j.Org)
			}
			return env.sendMsg(cmd, o, member.TypePropose, &member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: title, Org: &org})
		},
	}
	c.Flags().StringVar(&title, "title", "", "the proposal's `TITLE` (default: Admit NAME (ID))")
	c.Flags().StringSliceVar(&prefixes, "gs1-prefixes", nil, "the GS1 company prefixes the org holds (6 to 12 digits each)")
	return c
}

// newProposeValidatorCmd builds "tx member propose-validator FILE": an
// add_validator proposal for the node of a join file.
func newProposeValidatorCmd(env *Env, o *txOptions) *cobra.Command {
	var title string
	var power int64
	c := &cobra.Command{
		Use:     "propose-validator JOINFILE",
		Short:   "Propose the node of a member's join file as a consensus validator",
		Example: `  gongxu tx member propose-validator silk.json --power 10 --from operator`,
		Args:    exactArgs("JOINFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			j, err := node.ReadJoinFile(args[0])
			if err != nil {
				return err
			}
			if title == "" {
				title = fmt.Sprintf("Validator of %s (%s)", j.Name, j.Org)
			}
			return env.sendMsg(cmd, o, member.TypePropose, &member.MsgPropose{Kind: gongxu.ProposalAddValidator, Title: title,
				Target: j.Org, PubKey: j.ValidatorKey, Power: power})
		},
	}
	c.Flags().StringVar(&title, "title", "", "the proposal's `TITLE` (default: Validator of NAME (ID))")
	c.Flags().Int64Var(&power, "power", node.FounderPower, "its voting power `N`")
	return c
}
