package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/node"
)

// verifyNet is a one-node network in the test, as gongxu up makes it, with a
// block every commit timeout so that the header after a state comes soon.
type verifyNet struct {
	home, api, rpc string
	hash1          string // block 1's hash, as a member would hand it out
}

func startVerifyNet(t *testing.T) *verifyNet {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := t.TempDir()
	ports := freePorts(t)
	if err := node.InitLocal(home, node.InitOptions{API: freeAddr(t), Ports: ports}); err != nil {
		t.Fatal(err)
	}
	conf := comet.CometConfig(home, comet.HomeOptions{Moniker: "gongxu-up", Ports: ports})
	conf.Consensus.CreateEmptyBlocksInterval = 0
	cmtcfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), conf)
	cfg, err := node.LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(home, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	go n.Serve()
	t.Cleanup(func() { n.Close() })
	vn := &verifyNet{home: home, api: n.URL(), rpc: fmt.Sprintf("http://127.0.0.1:%d", ports.RPC)}
	c, err := rpchttp.New(vn.rpc, "/websocket")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	one := int64(1)
	for {
		h, err := c.Header(ctx, &one)
		if err == nil && h.Header != nil {
			vn.hash1 = strings.ToUpper(hex.EncodeToString(h.Header.Hash()))
			return vn
		}
		if ctx.Err() != nil {
			t.Fatalf("no block 1: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tx runs a tx command as the node's operator and returns its result.
func (vn *verifyNet) tx(t *testing.T, args ...string) gongxu.TxResult {
	t.Helper()
	code, stdout, stderr := run(t, append([]string{"--home", vn.home, "--node", vn.api, "tx"}, append(args, "--from", node.OperatorKey)...)...)
	var r gongxu.TxResult
	if err := json.Unmarshal([]byte(stdout), &r); code != 0 || err != nil || r.Code != 0 {
		t.Fatalf("tx %s: exit %d: %s\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return r
}

// valueFlipper is a CometBFT RPC proxy that flips one byte of the values the
// node answers to abci_query, when on.
type valueFlipper struct {
	upstream string
	mu       sync.Mutex
	on       bool
}

func (p *valueFlipper) set(on bool) { p.mu.Lock(); p.on = on; p.mu.Unlock() }

func (p *valueFlipper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	resp, err := http.Post(p.upstream+r.URL.Path, "application/json", bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	p.mu.Lock()
	on := p.on
	p.mu.Unlock()
	var env struct {
		Result struct {
			Response map[string]any `json:"response"`
		} `json:"result"`
	}
	if on && bytes.Contains(body, []byte(`"abci_query"`)) && json.Unmarshal(out, &env) == nil {
		if v, _ := base64.StdEncoding.DecodeString(fmt.Sprint(env.Result.Response["value"])); len(v) > 0 {
			v[len(v)/2] ^= 0x01
			var whole map[string]any
			json.Unmarshal(out, &whole)
			whole["result"].(map[string]any)["response"].(map[string]any)["value"] = base64.StdEncoding.EncodeToString(v)
			out, _ = json.Marshal(whole)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

// TestVerifyOnChain runs verify receipt and verify state against a real node:
// a hub's batch receipt verifies down to the block its transaction is in,
// and a wrong trusted hash, a lying RPC or a missing node each say so.
func TestVerifyOnChain(t *testing.T) {
	vn := startVerifyNet(t)
	t.Chdir(t.TempDir())
	vn.tx(t, "catalog", "publish", "--sku", "jacket", "--name", "Jacket", "--variants", "m-navy:M navy,l-navy:L navy")
	vn.tx(t, "settle", "deposit", "--amount", "10000000")
	vn.tx(t, "pool", "open", "--product", "jacket", "--tiers", "1:12900,100:9900", "--moq", "10", "--cap", "1000", "--deadline", "1h")
	os.WriteFile("p.csv", []byte("consumer,variant,qty\nWang Fang,m-navy,2\nLi Lei,l-navy,1\nZhao Ming,m-navy,3\n"), 0o600)
	code, stdout, stderr := run(t, "--home", vn.home, "--node", vn.api, "tx", "pool", "batch", "1", "p.csv", "--from", node.OperatorKey, "--receipts", "r")
	var br batchResult
	if err := json.Unmarshal([]byte(stdout), &br); code != 0 || err != nil || br.Code != 0 {
		t.Fatalf("batch: exit %d: %s\n%s", code, stdout, stderr)
	}
	receipt := filepath.Join("r", "0001.json")
	proxy := &valueFlipper{upstream: vn.rpc}
	lying := httptest.NewServer(proxy)
	defer lying.Close()
	dead, _ := deadURL()

	verifyReceipt := func(extra ...string) (int, verdict, string) {
		t.Helper()
		code, stdout, stderr := run(t, append([]string{"--node", vn.api, "verify", "receipt", receipt}, extra...)...)
		var v verdict
		if err := json.Unmarshal([]byte(stdout), &v); err != nil {
			t.Fatalf("stdout is no verdict: %v\n%s\n%s", err, stdout, stderr)
		}
		return code, v, stderr
	}
	allChecks := "proof,batch,pool,hub,root,leaves,query,trust,header,state_proof,state,block_header,block,tx"
	code, v, stderr := verifyReceipt("--rpc", vn.rpc)
	if code != 0 || !v.OK || strings.Join(v.Checks, ",") != allChecks || v.Height != br.Height || v.StateHeight < br.Height ||
		!strings.HasPrefix(v.Trust, "trusting height 1 from the node asked") || len(v.BlockHash) != 64 || len(v.AppHash) != 64 || v.RPC != vn.rpc {
		t.Errorf("receipt: exit %d, verdict %+v, stderr %s", code, v, stderr)
	}
	code, v, stderr = verifyReceipt("--rpc", vn.rpc, "--trust-height", "1", "--trust-hash", vn.hash1, "--witness", vn.rpc, "--sequential")
	if code != 0 || !v.OK || v.Trust != "trusting height 1 with hash "+vn.hash1 {
		t.Errorf("receipt, trusting block 1's hash: exit %d, verdict %+v, stderr %s", code, v, stderr)
	}
	code, stdout, _ = run(t, "--node", vn.api, "-o", "table", "verify", "receipt", receipt, "--rpc", vn.rpc)
	if code != 0 || !strings.Contains(stdout, "true") || !strings.Contains(stdout, allChecks) || !strings.Contains(stdout, "block_hash") {
		t.Errorf("table: exit %d\n%s", code, stdout)
	}
	wrongHash := "00" + vn.hash1[2:]
	code, v, stderr = verifyReceipt("--rpc", vn.rpc, "--trust-height", "1", "--trust-hash", wrongHash)
	if code != 1 || v.OK || v.Failed != "trust" || strings.Join(v.Checks, ",") != "proof,batch,pool,hub,root,leaves,query" ||
		!strings.Contains(stderr, "does not verify (trust)") {
		t.Errorf("receipt, wrong trusted hash: exit %d, verdict %+v, stderr %s", code, v, stderr)
	}
	proxy.set(true)
	code, v, _ = verifyReceipt("--rpc", lying.URL)
	proxy.set(false)
	if code != 1 || v.OK || v.Failed != "state_proof" {
		t.Errorf("receipt, a lying RPC: exit %d, verdict %+v", code, v)
	}
	if code, _, stderr := run(t, "--node", vn.api, "verify", "receipt", receipt, "--rpc", dead); code != 1 || !strings.Contains(stderr, "is unavailable") {
		t.Errorf("receipt, no RPC: exit %d: %s", code, stderr)
	}

	// verify state: the batch record itself, as a regulator would ask.
	verifyState := func(args ...string) (int, stateVerdict, string) {
		t.Helper()
		code, stdout, stderr := run(t, append([]string{"verify", "state"}, args...)...)
		var v stateVerdict
		if err := json.Unmarshal([]byte(stdout), &v); err != nil {
			t.Fatalf("stdout is no verdict: %v\n%s\n%s", err, stdout, stderr)
		}
		return code, v, stderr
	}
	key := "pool/batch/00000000000000000001/" + br.Hash
	code, sv, stderr := verifyState(key, "--rpc", vn.rpc, "--trust-height", "1", "--trust-hash", vn.hash1)
	var b gongxu.Batch
	if code != 0 || !sv.OK || sv.Present == nil || !*sv.Present || sv.Value == nil || json.Unmarshal([]byte(*sv.Value), &b) != nil ||
		b.Tx != br.Hash || b.Pool != 1 || b.Leaves != 3 || b.Hub != "operator" || sv.HeaderHeight != sv.Height+1 ||
		strings.Join(sv.Checks, ",") != "query,trust,header,state_proof" || sv.Trust != "trusting height 1 with hash "+vn.hash1 || sv.Key != key {
		t.Errorf("state: exit %d, verdict %+v, stderr %s", code, sv, stderr)
	}
	code, sv, _ = verifyState(hex.EncodeToString([]byte(key)), "--hex", "--rpc", vn.rpc)
	if code != 0 || !sv.OK || sv.Key != key || !strings.HasPrefix(sv.Trust, "trusting height 1 from the node asked") {
		t.Errorf("state by hex key: exit %d, verdict %+v", code, sv)
	}
	code, sv, _ = verifyState("pool/batch/00000000000000000001/NOSUCHTX", "--rpc", vn.rpc)
	if code != 0 || !sv.OK || sv.Present == nil || *sv.Present || sv.Value != nil {
		t.Errorf("absent key: exit %d, verdict %+v", code, sv)
	}
	code, sv, stderr = verifyState(key, "--rpc", vn.rpc, "--trust-height", "1", "--trust-hash", wrongHash)
	if code != 1 || sv.OK || sv.Failed != "trust" || !strings.Contains(stderr, "does not verify (trust)") {
		t.Errorf("state, wrong trusted hash: exit %d, verdict %+v, stderr %s", code, sv, stderr)
	}
	proxy.set(true)
	code, sv, stderr = verifyState(key, "--rpc", lying.URL, "--trust-height", "1", "--trust-hash", vn.hash1)
	proxy.set(false)
	if code != 1 || sv.OK || sv.Failed != "state_proof" || sv.Value != nil || strings.Join(sv.Checks, ",") != "query,trust,header" {
		t.Errorf("state, one byte flipped: exit %d, verdict %+v, stderr %s", code, sv, stderr)
	}
	code, stdout, _ = run(t, "-o", "table", "verify", "state", key, "--rpc", vn.rpc)
	if code != 0 || !strings.Contains(stdout, "present") || !strings.Contains(stdout, br.Hash) {
		t.Errorf("state table: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := run(t, "verify", "state", key, "--rpc", dead); code != 1 || !strings.Contains(stderr, "is unavailable") {
		t.Errorf("state, no RPC: exit %d: %s", code, stderr)
	}
}

func TestVerifyStateUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"verify", "state"}, "needs KEY"},
		{[]string{"verify", "state", "zz", "--hex"}, "is not hex"},
		{[]string{"verify", "state", "k", "--trust-hash", strings.Repeat("ab", 32)}, "needs --trust-height"},
		{[]string{"verify", "state", "k", "--trust-height", "1", "--trust-hash", "abc"}, "64 hex digits"},
		{[]string{"verify", "state", "k", "--trust-height", "-1"}, "must not be negative"},
		{[]string{"verify", "receipt", "none.json", "--trust-height", "1", "--trust-hash", "abc"}, "does not exist"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
		}
	}
	// A bad trust option is a usage error before any node is asked.
	t.Chdir(t.TempDir())
	os.WriteFile("r.json", []byte(`{}`), 0o600)
	dead, _ := deadURL()
	if code, _, stderr := run(t, "--node", dead, "verify", "receipt", "r.json", "--trust-height", "1", "--trust-hash", "abc"); code != 2 || !strings.Contains(stderr, "64 hex digits") {
		t.Errorf("receipt with a bad trust hash: exit %d: %s", code, stderr)
	}
}

func TestPoolBatchKey(t *testing.T) {
	if got := string(poolBatchKey(3, "3fa2")); got != "pool/batch/00000000000000000003/3FA2" {
		t.Errorf("poolBatchKey = %q", got)
	}
}
