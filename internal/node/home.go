package node

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// OperatorKey is the keyring name of the key that signs for this node's org.
const OperatorKey = "operator"

// HasGenesis reports whether home holds a network's genesis
// (HOME/config/genesis.json): a node that can start.
func HasGenesis(home string) bool {
	_, err := os.Stat(filepath.Join(home, "config", "genesis.json"))
	return err == nil
}

// InitOptions shape a new node home.
type InitOptions struct {
	Moniker string      // the node's name in CometBFT
	API     string      // address of the API and pages; "" for the default
	Ports   comet.Ports // CometBFT's p2p and RPC ports
	// Join, when Org is set, makes Init write the home's join file
	// (JoinFilePath) for a real network's founding or joining.
	Join JoinOptions
}

// JoinOptions are the public facts of the org a node home is for, written
// into its join file with the home's keys.
type JoinOptions struct {
	Org   gongxu.OrgID
	Name  string
	Roles []gongxu.Role
	// P2PAddr is HOST:PORT where other nodes reach this node (its
	// public address); the node listens on P2PListen at Ports.P2P.
	P2PAddr   string
	P2PListen string
	// Seeds are seed nodes to ask for peers, "id@host:port".
	Seeds []string
}

// Identity is what a new node home is known by.
type Identity struct {
	NodeID       string         // CometBFT's node id, for peers
	ValidatorKey gongxu.PubKey  // CometBFT's validator key
	OperatorKey  gongxu.PubKey  // the key that signs for the node's org
	SealKey      gongxu.SealKey // the key others seal the org's private terms to
}

// Init makes a node home for a multi-org network: the operator key (an
// existing one is kept), CometBFT's config and keys, and the node config.
// The network's genesis.json is copied into HOME/config afterwards.
func Init(home string, o InitOptions) (Identity, error) {
	kr, err := keyring.Open(filepath.Join(home, "keys"))
	if err != nil {
		return Identity{}, err
	}
	op, err := kr.Get(OperatorKey)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		op, err = kr.Add(OperatorKey)
	}
	if err != nil {
		return Identity{}, err
	}
	seal, err := kr.CurrentSealKey()
	if err != nil {
		return Identity{}, err
	}
	j := o.Join
	if j.Org != "" {
		// Check what can be checked before anything is written.
		probe := JoinFile{Version: JoinFileVersion, Org: j.Org, Name: j.Name, Roles: j.Roles, OperatorKeys: []gongxu.PubKey{op.PubKey},
			SealKey: seal.Public, NodeID: strings.Repeat("0", 40), ValidatorKey: gongxu.PubKey(strings.Repeat("0", 64)), P2PAddr: j.P2PAddr}
		if err := probe.Validate(); err != nil {
			return Identity{}, err
		}
	}
	id, err := comet.InitHome(home, comet.HomeOptions{Moniker: o.Moniker, Ports: o.Ports,
		P2PListenHost: j.P2PListen, ExternalAddress: j.P2PAddr, Seeds: j.Seeds})
	if err != nil {
		return Identity{}, err
	}
	if j.Org != "" {
		jf := JoinFile{Version: JoinFileVersion, Org: j.Org, Name: j.Name, Roles: j.Roles, OperatorKeys: []gongxu.PubKey{op.PubKey},
			SealKey: seal.Public, NodeID: id.NodeID, ValidatorKey: id.ValidatorKey, P2PAddr: j.P2PAddr}
		if err := jf.Validate(); err != nil {
			return Identity{}, err
		}
		if err := os.WriteFile(JoinFilePath(home), jf.Encode(), 0o644); err != nil {
			return Identity{}, gongxu.Wrap(err, "write join file")
		}
	}
	cfg := DefaultConfig()
	if o.API != "" {
		cfg.API = o.API
	}
	if err := SaveConfig(home, cfg); err != nil {
		return Identity{}, err
	}
	return Identity{NodeID: id.NodeID, ValidatorKey: id.ValidatorKey, OperatorKey: op.PubKey, SealKey: seal.Public}, nil
}

// InitLocal makes home a one-validator network of its own (gongxu up): Init
// (moniker "gongxu-up" unless o names one), and a genesis whose one org,
// "operator", holds the operator key, validates, makes and gathers demand.
func InitLocal(home string, o InitOptions) error {
	if o.Moniker == "" {
		o.Moniker = "gongxu-up"
	}
	id, err := Init(home, o)
	if err != nil {
		return err
	}
	org := gongxu.Org{ID: "operator", Name: "This node's organization", Roles: []gongxu.Role{gongxu.RoleValidator, gongxu.RoleFactory, gongxu.RoleHub}, Keys: []gongxu.PubKey{id.OperatorKey}, SealKey: id.SealKey}
	val := gongxu.Validator{PubKey: id.ValidatorKey, Power: 10, Org: org.ID}
	return comet.WriteGenesis(comet.GenesisOptions{
		ChainID: "gongxu-local", Time: time.Now(), Validators: []gongxu.Validator{val},
		AppState: map[string]any{member.Name: member.Genesis{Orgs: []gongxu.Org{org}, Validators: []gongxu.Validator{val}}},
	}, home)
}

// TestnetRoles are the roles of the testnet's orgs, in turn; every org also validates.
var TestnetRoles = []gongxu.Role{gongxu.RoleFactory, gongxu.RoleSupplier, gongxu.RoleHub, gongxu.RoleLogistics}

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

// Testnet writes the homes of an N-validator network on loopback: node i in
// Dir/nodeI, its CometBFT on BasePort+10i (p2p) and BasePort+10i+1 (RPC),
// its API on APIPort+i, one org each (TestnetRoles in turn).
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
		if HasGenesis(home) {
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
		seal, err := kr.NewSealKey()
		if err != nil {
			return nil, err
		}
		id, err := comet.InitHome(home, comet.HomeOptions{Moniker: fmt.Sprintf("node%d", i), Ports: testnetPorts(o.BasePort, i)})
		if err != nil {
			return nil, err
		}
		org := gongxu.Org{ID: gongxu.OrgID(fmt.Sprintf("org-%d", i)), Name: fmt.Sprintf("Org %d", i),
			Roles: []gongxu.Role{TestnetRoles[i%len(TestnetRoles)], gongxu.RoleValidator}, Keys: []gongxu.PubKey{op.PubKey}, SealKey: seal.Public}
		api := fmt.Sprintf("127.0.0.1:%d", o.APIPort+i)
		cfg := DefaultConfig()
		cfg.API = api
		if err := SaveConfig(home, cfg); err != nil {
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
