package testenv

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

// ChainID is the chain id of the networks NewNetwork writes.
const ChainID = "gongxu-testenv"

// OperatorKeyName is the keyring name of the key that signs for a testnet
// node's org (HOME/keys/operator.json).
const OperatorKeyName = "operator"

// Bounds of the waits inside Start and Stop. They are generous: a slow CI
// machine with two cores runs four nodes and the test.
const (
	StartTimeout = 2 * time.Minute // from exec to an answering API (a restart replays blocks)
	StopTimeout  = time.Minute     // from SIGTERM to exit
)

// pollEvery is how often the Wait methods ask a node.
const pollEvery = 100 * time.Millisecond

// Network is a gongxu network written by `gongxu testnet` into a temporary
// directory, whose nodes run as separate `gongxu start` processes. Its methods
// are meant for the test goroutine, except those that return an error, which
// any goroutine may call.
type Network struct {
	t       testing.TB
	bin     string
	Dir     string // the testnet directory: node0 … nodeN-1
	ChainID string
	Nodes   []*Node
}

// Node is one node of a Network.
type Node struct {
	Index       int
	Home        string
	Org         gongxu.OrgID
	OperatorPub gongxu.PubKey
	API         string // base URL of the HTTP API, http://127.0.0.1:PORT
	RPC         string // base URL of CometBFT's RPC
	P2PPort     int
	// ValidatorKey and JoinFile: a node made by Found or Join, its
	// CometBFT validator key and the join file its org handed out.
	ValidatorKey gongxu.PubKey
	JoinFile     string
	// StartArgs are more arguments of the node's gongxu start (e.g. state
	// sync's flags); set before Start.
	StartArgs []string

	client *client.Client

	mu     sync.Mutex
	proc   *process // nil when not running
	starts int
	key    ed25519.PrivateKey
}

// process is one run of a node's process.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// testnetNode is what `gongxu testnet` prints per node.
type testnetNode struct {
	Home        string        `json:"home"`
	Org         gongxu.OrgID  `json:"org"`
	OperatorKey gongxu.PubKey `json:"operator_key"`
	API         string        `json:"api"`
	RPC         string        `json:"rpc"`
}

// NewNetwork writes an n-validator network (one org and validator per node,
// org-0 … org-N-1) into a temporary directory on free loopback ports. No node
// runs yet: see Start and StartAll. Every node process is killed when the
// test ends, and the nodes' logs are dumped when it failed.
func NewNetwork(t testing.TB, n int) *Network {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	var cometOff, apiOff []int
	for i := range n {
		cometOff = append(cometOff, 10*i, 10*i+1) // p2p, rpc: see gongxu testnet --base-port
		apiOff = append(apiOff, i)
	}
	base := FreeBase(t, cometOff...)
	apiBase := FreeBase(t, apiOff...)
	cmd := exec.Command(bin, "testnet", "--validators", strconv.Itoa(n), "--dir", dir,
		"--base-port", strconv.Itoa(base), "--api-port", strconv.Itoa(apiBase), "--chain-id", ChainID)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("testenv: %s: %v\n%s", cmd, err, stderr.Bytes())
	}
	var homes []testnetNode
	if err := json.Unmarshal(out, &homes); err != nil || len(homes) != n {
		t.Fatalf("testenv: gongxu testnet printed %d nodes (%v), want %d:\n%s", len(homes), err, n, out)
	}
	net := &Network{t: t, bin: bin, Dir: dir, ChainID: ChainID}
	for i, h := range homes {
		net.Nodes = append(net.Nodes, &Node{
			Index: i, Home: h.Home, Org: h.Org, OperatorPub: h.OperatorKey, API: h.API, RPC: h.RPC,
			P2PPort: base + 10*i, client: client.New(h.API),
		})
	}
	t.Cleanup(net.cleanup)
	return net
}

// StartSingle writes and starts a one-node network and waits until it has
// committed a block and its read model has caught up.
func StartSingle(t testing.TB) *Network {
	t.Helper()
	net := NewNetwork(t, 1)
	net.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := net.WaitHeight(ctx, 0, 1); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := net.WaitReadModel(ctx, 0, 1); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return net
}

func (n *Network) cleanup() {
	for i := range n.Nodes {
		n.kill(i)
	}
	if n.t.Failed() {
		n.DumpLogs()
	}
}

// ProcessLog is the file in a node's home that collects its process's stdout
// and stderr, run after run.
func (nd *Node) ProcessLog() string { return filepath.Join(nd.Home, "process.log") }

// NodeLog is CometBFT's log of the node.
func (nd *Node) NodeLog() string { return filepath.Join(nd.Home, "data", "node.log") }

// spawn starts node i's process without waiting for it to serve.
func (n *Network) spawn(i int) error {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.proc != nil && !nd.proc.exited() {
		return fmt.Errorf("node %d is already running", i)
	}
	out, err := os.OpenFile(nd.ProcessLog(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	nd.starts++
	fmt.Fprintf(out, "=== testenv: start #%d at %s\n", nd.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(n.bin, append([]string{"start", "--home", nd.Home}, nd.StartArgs...)...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		out.Close()
		return err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		fmt.Fprintf(out, "=== testenv: exit of start #%d at %s: %v\n", nd.starts, time.Now().Format(time.RFC3339Nano), exitStatus(p.err))
		out.Close()
		close(p.done)
	}()
	nd.proc = p
	return nil
}

func exitStatus(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// proc returns node i's current process, nil if it never started.
func (n *Network) proc(i int) *process {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.proc
}

// Running reports whether node i's process is running.
func (n *Network) Running(i int) bool {
	p := n.proc(i)
	return p != nil && !p.exited()
}

// Start starts node i's process and waits until its API answers.
func (n *Network) Start(i int) {
	n.t.Helper()
	if err := n.spawn(i); err != nil {
		n.t.Fatalf("testenv: start node %d: %v", i, err)
	}
	n.waitReady(i)
}

// StartAll starts every node's process (or the given nodes' only), then
// waits until every API answers.
func (n *Network) StartAll(nodes ...int) {
	n.t.Helper()
	if len(nodes) == 0 {
		for i := range n.Nodes {
			nodes = append(nodes, i)
		}
	}
	for _, i := range nodes {
		if err := n.spawn(i); err != nil {
			n.t.Fatalf("testenv: start node %d: %v", i, err)
		}
	}
	for _, i := range nodes {
		n.waitReady(i)
	}
}

func (n *Network) waitReady(i int) {
	n.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := n.WaitReady(ctx, i); err != nil {
		n.t.Fatalf("testenv: %v", err)
	}
}

// WaitReady waits until node i's API reports its status.
func (n *Network) WaitReady(ctx context.Context, i int) error {
	var last error
	return n.poll(ctx, i, func(ctx context.Context) (bool, error) {
		_, err := n.Nodes[i].client.Status(ctx)
		last = err
		return err == nil, nil
	}, func() string { return fmt.Sprintf("node %d's API does not answer: %v", i, last) })
}

// Kill sends SIGKILL to node i's process and waits for it to exit. It does
// nothing when the node is not running.
func (n *Network) Kill(i int) {
	n.t.Helper()
	if err := n.kill(i); err != nil {
		n.t.Fatalf("testenv: kill node %d: %v", i, err)
	}
}

func (n *Network) kill(i int) error {
	p := n.proc(i)
	if p == nil || p.exited() {
		return nil
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(StopTimeout):
		return fmt.Errorf("process %d did not exit after SIGKILL", p.cmd.Process.Pid)
	}
}

// Stop sends SIGTERM to node i's process and waits for it to exit. A node
// that does not exit in time is killed, and a node that exits with an error
// fails the test. It does nothing when the node is not running.
func (n *Network) Stop(i int) {
	n.t.Helper()
	p := n.proc(i)
	if p == nil || p.exited() {
		return
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		n.t.Fatalf("testenv: stop node %d: %v", i, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			n.t.Errorf("testenv: node %d exited with %v after SIGTERM, want a clean exit (see %s)", i, p.err, n.Nodes[i].ProcessLog())
		}
	case <-time.After(StopTimeout):
		n.t.Errorf("testenv: node %d did not exit within %s of SIGTERM; killing it", i, StopTimeout)
		n.Kill(i)
	}
}

// Restart stops node i (if it runs) and starts it again.
func (n *Network) Restart(i int) {
	n.t.Helper()
	n.Stop(i)
	n.Start(i)
}

// Binary is the gongxu binary the network's nodes run.
func (n *Network) Binary() string { return n.bin }

// Client returns a client of node i's HTTP API.
func (n *Network) Client(i int) *client.Client { return n.Nodes[i].client }

// Status returns node i's status, within a short bound.
func (n *Network) Status(i int) (gongxu.Status, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return n.Nodes[i].client.Status(ctx)
}

// Height returns the last height node i's chain has committed.
func (n *Network) Height(i int) (int64, error) {
	st, err := n.Status(i)
	return st.Height, err
}

// WaitHeight waits until node i has committed height h.
func (n *Network) WaitHeight(ctx context.Context, i int, h int64) error {
	var got int64
	var last error
	return n.poll(ctx, i, func(ctx context.Context) (bool, error) {
		st, err := n.Nodes[i].client.Status(ctx)
		last = err
		if err == nil {
			got = st.Height
		}
		return err == nil && got >= h, nil
	}, func() string {
		return fmt.Sprintf("node %d is at height %d, want ≥ %d (last error: %v)", i, got, h, last)
	})
}

// WaitReadModel waits until node i's read model has projected height h.
func (n *Network) WaitReadModel(ctx context.Context, i int, h int64) error {
	var got int64
	var last error
	return n.poll(ctx, i, func(ctx context.Context) (bool, error) {
		st, err := n.Nodes[i].client.Status(ctx)
		last = err
		if err == nil {
			got = st.ReadModelHeight
		}
		return err == nil && got >= h, nil
	}, func() string {
		return fmt.Sprintf("node %d's read model is at height %d, want ≥ %d (last error: %v)", i, got, h, last)
	})
}

// poll calls check until it reports done, ctx ends, or node i's process exits.
func (n *Network) poll(ctx context.Context, i int, check func(context.Context) (bool, error), state func() string) error {
	for {
		p := n.proc(i)
		if p == nil {
			return fmt.Errorf("node %d was never started", i)
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		ok, err := check(cctx)
		cancel()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("node %d's process exited (%v): %s; see %s", i, exitStatus(p.err), state(), n.Nodes[i].ProcessLog())
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", state(), ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// OperatorKey returns the private key of node i's org, from the node home's
// keyring.
func (n *Network) OperatorKey(i int) ed25519.PrivateKey {
	n.t.Helper()
	k, err := n.operatorKey(i)
	if err != nil {
		n.t.Fatalf("testenv: %v", err)
	}
	return k
}

func (n *Network) operatorKey(i int) (ed25519.PrivateKey, error) {
	nd := n.Nodes[i]
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.key == nil {
		kr, err := keyring.Open(filepath.Join(nd.Home, "keys"))
		if err != nil {
			return nil, fmt.Errorf("keyring of node %d: %w", i, err)
		}
		k, err := kr.Get(OperatorKeyName)
		if err != nil {
			return nil, fmt.Errorf("operator key of node %d: %w", i, err)
		}
		nd.key = k.Private
	}
	return nd.key, nil
}

// Sign returns the wire bytes of a typ transaction with body, signed by node
// i's operator key with sequence seq for the network's chain.
func (n *Network) Sign(i int, typ string, body []byte, seq uint64) []byte {
	n.t.Helper()
	return gongxu.SignTx(n.ChainID, n.OperatorKey(i), typ, body, seq).Encode()
}

// Send signs msg (encoded as JSON) as a typ transaction of signer's operator
// key, with the next sequence that node via knows of, submits it to node via
// and waits for its commit. A rejected transaction is a TxResult with a
// non-zero code, not an error.
func (n *Network) Send(ctx context.Context, via, signer int, typ string, msg any) (gongxu.TxResult, error) {
	body, err := json.Marshal(msg)
	if err != nil {
		return gongxu.TxResult{}, err
	}
	key, err := n.operatorKey(signer)
	if err != nil {
		return gongxu.TxResult{}, err
	}
	c := n.Nodes[via].client
	acc, err := c.Account(ctx, n.Nodes[signer].OperatorPub)
	if err != nil {
		return gongxu.TxResult{}, fmt.Errorf("account of org %s on node %d: %w", n.Nodes[signer].Org, via, err)
	}
	raw := gongxu.SignTx(n.ChainID, key, typ, body, acc.Sequence).Encode()
	return c.Submit(ctx, raw, true)
}
