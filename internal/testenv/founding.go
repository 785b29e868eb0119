package testenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
)

// FoundedChainID is the chain id of the networks Found assembles.
const FoundedChainID = "gongxu-founded"

// Founder is an org that founds a network, or joins one, with gongxu init
// in a home of its own.
type Founder struct {
	Org   gongxu.OrgID
	Name  string
	Roles []gongxu.Role
}

// joinFile is the part of a join file the test environment reads.
type joinFile struct {
	Org          gongxu.OrgID    `json:"org"`
	OperatorKeys []gongxu.PubKey `json:"operator_keys"`
	NodeID       string          `json:"node_id"`
	ValidatorKey gongxu.PubKey   `json:"validator_key"`
	P2PAddr      string          `json:"p2p_addr"`
}

// Found founds a network as its founders do on machines of their own: each
// runs gongxu init in its own home (on free loopback ports), and they
// exchange only their join files (gongxu join-file, copied out of the
// homes). Every founder assembles the genesis with gongxu genesis from the
// files in an order of its own and checks it with --check; the hashes must
// agree. Each installs its own copy with init --genesis. No node runs yet.
func Found(t testing.TB, founders []Founder) *Network {
	t.Helper()
	n := &Network{t: t, bin: Binary(t), Dir: t.TempDir(), ChainID: FoundedChainID}
	t.Cleanup(n.cleanup)
	for _, f := range founders {
		n.initHome(f)
	}
	var joins []string
	for _, nd := range n.Nodes {
		joins = append(joins, nd.JoinFile)
	}
	genesisTime := time.Now().UTC().Truncate(time.Second).Format(time.RFC3339)
	var hash string
	for i, nd := range n.Nodes {
		order := append(append([]string(nil), joins[i:]...), joins[:i]...)
		mine := filepath.Join(n.Dir, "genesis-of-"+string(nd.Org)+".json")
		var out struct {
			SHA256 string `json:"sha256"`
		}
		n.gongxuJSON(&out, append([]string{"genesis", "--chain-id", FoundedChainID, "--genesis-time", genesisTime, "--out", mine}, order...)...)
		if i == 0 {
			hash = out.SHA256
		} else if out.SHA256 != hash {
			t.Fatalf("testenv: founder %s assembled a genesis with sha256 %s, founder %s one with %s", nd.Org, out.SHA256, n.Nodes[0].Org, hash)
		}
		n.Gongxu(append([]string{"genesis", "--check", mine}, joins...)...)
		n.Gongxu("init", "--home", nd.Home, "--genesis", mine)
	}
	return n
}

// GenesisHash is the SHA-256 of node i's genesis file, in hex.
func (n *Network) GenesisHash(i int) string {
	n.t.Helper()
	raw, err := os.ReadFile(filepath.Join(n.Nodes[i].Home, "config", "genesis.json"))
	if err != nil {
		n.t.Fatalf("testenv: %v", err)
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// Join makes the home of an org that joins the running network: gongxu init
// in a home of its own, then the network's genesis as a member hands it
// over (node 0's), installed with init --genesis. The node is added to the
// network (not started); its join file is Node.JoinFile.
func (n *Network) Join(f Founder) *Node {
	n.t.Helper()
	nd := n.initHome(f)
	n.Gongxu("init", "--home", nd.Home, "--genesis", filepath.Join(n.Nodes[0].Home, "config", "genesis.json"))
	return nd
}

// initHome runs gongxu init for f on free loopback ports and copies its
// join file out of the home, as its org would send it.
func (n *Network) initHome(f Founder) *Node {
	n.t.Helper()
	base := FreeBase(n.t, 0, 1) // p2p, rpc
	api := FreeBase(n.t, 0)
	home := filepath.Join(n.Dir, string(f.Org))
	var roles []string
	for _, r := range f.Roles {
		roles = append(roles, string(r))
	}
	n.Gongxu("init", "--home", home, "--org", string(f.Org), "--name", f.Name, "--roles", strings.Join(roles, ","),
		"--p2p-addr", "127.0.0.1:"+strconv.Itoa(base), "--p2p-listen", "127.0.0.1", "--rpc-port", strconv.Itoa(base+1),
		"--api", "127.0.0.1:"+strconv.Itoa(api))
	raw := n.Gongxu("join-file", "--home", home)
	path := filepath.Join(n.Dir, "join-"+string(f.Org)+".json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		n.t.Fatalf("testenv: %v", err)
	}
	var j joinFile
	if err := json.Unmarshal(raw, &j); err != nil || len(j.OperatorKeys) == 0 {
		n.t.Fatalf("testenv: join file of %s: %v\n%s", f.Org, err, raw)
	}
	apiURL := "http://127.0.0.1:" + strconv.Itoa(api)
	nd := &Node{Index: len(n.Nodes), Home: home, Org: j.Org, OperatorPub: j.OperatorKeys[0], ValidatorKey: j.ValidatorKey, JoinFile: path,
		API: apiURL, RPC: "http://127.0.0.1:" + strconv.Itoa(base+1), P2PPort: base, client: client.New(apiURL)}
	n.Nodes = append(n.Nodes, nd)
	return nd
}

// Gongxu runs the gongxu binary with args (as an operator would on its own
// machine) and returns its stdout; a failure fails the test with stderr.
func (n *Network) Gongxu(args ...string) []byte {
	n.t.Helper()
	out, err := n.TryGongxu(args...)
	if err != nil {
		n.t.Fatalf("testenv: %v", err)
	}
	return out
}

// TryGongxu runs the gongxu binary with args and returns its stdout, or an
// error with its stderr. Any goroutine may call it.
func (n *Network) TryGongxu(args ...string) ([]byte, error) {
	cmd := exec.Command(n.bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("gongxu %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return out, nil
}

func (n *Network) gongxuJSON(v any, args ...string) {
	n.t.Helper()
	out := n.Gongxu(args...)
	if err := json.Unmarshal(out, v); err != nil {
		n.t.Fatalf("testenv: gongxu %s printed %q: %v", strings.Join(args, " "), out, err)
	}
}
