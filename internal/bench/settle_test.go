package bench

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeChain is a CometBFT JSON-RPC node over a toy application: a tx
// "s<signer>-n<seq>" succeeds unless it is in fail, and each success adds 1
// to its signer's count, which abci_query "/count" (data: the signer's
// index) answers from the committed state with its height. Each abci_info
// call first cuts the mempool into a block.
type fakeChain struct {
	mu      sync.Mutex
	fail    map[string]bool
	extra   map[int]uint64 // successes added to a signer's count out of nowhere
	mempool [][]byte
	blocks  [][][]byte
	codes   [][]uint32
	count   map[int]uint64
	calls   map[string]int
	heights map[int64]bool // heights whose results were read
	// lag: "/count" answers from the state before the last block, as a
	// node whose query lands before its commit would
	lag     bool
	history []map[int]uint64 // the counts after each block
}

func newFakeChain(fail ...string) *fakeChain {
	c := &fakeChain{fail: map[string]bool{}, extra: map[int]uint64{}, count: map[int]uint64{}, calls: map[string]int{}, heights: map[int64]bool{}}
	for _, f := range fail {
		c.fail[f] = true
	}
	return c
}

func (c *fakeChain) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Method string            `json:"method"`
		Params map[string]string `json:"params"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[req.Method]++
	h := int64(len(c.blocks))
	reply := func(v any) { _ = json.NewEncoder(w).Encode(map[string]any{"result": v}) }
	height := func() (int64, bool) {
		n, err := strconv.ParseInt(req.Params["height"], 10, 64)
		return n, err == nil && n >= 1 && n <= h
	}
	switch req.Method {
	case "status":
		reply(map[string]any{"sync_info": map[string]string{"latest_block_height": strconv.FormatInt(h, 10)}})
	case "abci_info":
		if len(c.mempool) > 0 {
			codes := make([]uint32, len(c.mempool))
			for i, tx := range c.mempool {
				var s int
				var seq uint64
				if _, err := fmt.Sscanf(string(tx), "s%d-n%d", &s, &seq); err != nil || c.fail[string(tx)] {
					codes[i] = 7
					continue
				}
				c.count[s]++
			}
			snap := map[int]uint64{}
			for k, v := range c.count {
				snap[k] = v
			}
			c.history = append(c.history, snap)
			c.blocks, c.codes, c.mempool = append(c.blocks, c.mempool), append(c.codes, codes), nil
			h++
		}
		reply(map[string]any{"response": map[string]string{"last_block_height": strconv.FormatInt(h, 10)}})
	case "broadcast_tx_sync":
		tx, _ := base64.StdEncoding.DecodeString(req.Params["tx"])
		c.mempool = append(c.mempool, tx)
		reply(map[string]any{"code": 0})
	case "num_unconfirmed_txs":
		reply(map[string]string{"n_txs": strconv.Itoa(len(c.mempool))})
	case "block":
		n, ok := height()
		if !ok {
			_, _ = w.Write([]byte(`{"error":{"code":-32603,"message":"no block"}}`))
			return
		}
		txs := []string{}
		for _, tx := range c.blocks[n-1] {
			txs = append(txs, base64.StdEncoding.EncodeToString(tx))
		}
		reply(map[string]any{"block": map[string]any{"data": map[string]any{"txs": txs}}})
	case "block_results":
		n, ok := height()
		if !ok {
			_, _ = w.Write([]byte(`{"error":{"code":-32603,"message":"no results"}}`))
			return
		}
		c.heights[n] = true
		res := []map[string]any{}
		for _, code := range c.codes[n-1] {
			res = append(res, map[string]any{"code": code, "log": "failed"})
		}
		reply(map[string]any{"txs_results": res})
	case "abci_query":
		data, _ := hex.DecodeString(req.Params["data"])
		i, err := strconv.Atoi(string(data))
		if req.Params["path"] != "/count" || err != nil {
			reply(map[string]any{"response": map[string]any{"code": 1, "log": "unknown"}})
			return
		}
		n := c.count[i]
		if c.lag && h >= 1 {
			h--
			n = 0
			if h >= 1 {
				n = c.history[h-1][i]
			}
		}
		v := binary.BigEndian.AppendUint64(nil, n+c.extra[i])
		reply(map[string]any{"response": map[string]any{"value": v, "height": strconv.FormatInt(h, 10)}})
	default:
		_, _ = w.Write([]byte(`{"error":{"code":-32601,"message":"not here"}}`))
	}
}

// fakeSucceeded is Settle.Succeeded for fakeChain.
func fakeSucceeded(ctx context.Context, rpc *RPC, node string, i int) (uint64, int64, error) {
	v, h, err := rpc.ABCIQueryAt(ctx, node, "/count", []byte(strconv.Itoa(i)))
	if err != nil {
		return 0, 0, err
	}
	if len(v) != 8 {
		return 0, 0, fmt.Errorf("count of %d bytes", len(v))
	}
	return binary.BigEndian.Uint64(v), h, nil
}

func fakeTx(i int, seq uint64) []byte { return fmt.Appendf(nil, "s%d-n%d", i, seq) }

// runFake runs one step of 3 signers at 40 tx/s against c.
func runFake(t *testing.T, c *fakeChain, settle *Settle) (StepResult, *Runner) {
	t.Helper()
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	// The nodes' CPU: 0 at the step's start, 1 s at its end; the settling
	// after that would be charged 1 s more if it came before the read.
	var cpuCalls int
	cpu := func() (time.Duration, error) {
		cpuCalls++
		return time.Duration(cpuCalls-1) * time.Second, nil
	}
	load := Load{App: "fake", Nodes: []string{srv.URL}, Signers: 3, MakeTx: fakeTx, Settle: settle, CPU: cpu}
	r, err := Start(context.Background(), load, Plan{Step: 500 * time.Millisecond, Drain: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Step(context.Background(), 40)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.Submitted < 10 || res.Uncommitted != 0 && !c.lag {
		t.Fatalf("submitted %d, uncommitted %d: the fake did not take the load", res.Submitted, res.Uncommitted)
	}
	// Node CPU per tx: over the txs counted committed in the end.
	if want := 1e6 / float64(res.Committed); cpuCalls != 2 || res.CPUPerTxUs != want {
		t.Fatalf("CPU read %d times, %.1f µs/tx, want %.1f (1 s over %d committed)", cpuCalls, res.CPUPerTxUs, want, res.Committed)
	}
	if want := float64(res.Committed) / (0.5 + res.DrainSecs); res.ThroughTPS != want || want == 0 {
		t.Fatalf("committed through the drain %.1f tx/s, want %.1f (%d over 0.5 s + %.2f s)", res.ThroughTPS, want, res.Committed, res.DrainSecs)
	}
	return res, r
}

// successes is the fake's count of successful txs over all signers.
func (c *fakeChain) successes() (n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range c.count {
		n += int64(v)
	}
	return n
}

// ours sums the runner's per-block count of the load's committed txs, which
// committed/s is computed from.
func ours(r *Runner) (n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.blocks {
		n += int64(b.Ours)
	}
	return n
}

// TestSettleFindsTheFailedTx: a tx that fails in its block is not counted
// committed, in the step's total, its latencies or the blocks' counts
// behind committed/s; the block results are read only then, and only of
// the heights the failing signer's txs were in.
func TestSettleFindsTheFailedTx(t *testing.T) {
	c := newFakeChain("s1-n2")
	res, r := runFake(t, c, &Settle{Succeeded: fakeSucceeded, Source: "fake counts"})
	if res.Rejected != 1 || res.Mismatch != 0 {
		t.Fatalf("rejected %d, mismatch %d, want 1 and 0 (errors %v)", res.Rejected, res.Mismatch, r.Result().Errors)
	}
	if got, want := res.Committed, c.successes(); got != want || res.Committed+res.Rejected != res.Submitted {
		t.Fatalf("committed %d, the chain's successes %d; submitted %d", got, want, res.Submitted)
	}
	if n := ours(r); n != res.Committed {
		t.Fatalf("the blocks count %d of the load's txs committed, the step %d", n, res.Committed)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls["block_results"] == 0 || len(c.heights) > c.calls["block"] {
		t.Fatalf("block_results read %d times (%d heights) for %d blocks", c.calls["block_results"], len(c.heights), c.calls["block"])
	}
	for h := range c.heights {
		found := false
		for _, tx := range c.blocks[h-1] {
			found = found || string(tx[:3]) == "s1-"
		}
		if !found {
			t.Fatalf("results of height %d read: no tx of the failing signer in it", h)
		}
	}
	if r.Result().Counted == "" {
		t.Fatal("the result does not say what counted")
	}
}

// TestSettleWithoutFailuresReadsNoResults: when the counts match the
// blocks, no block's results are read and every included tx is committed.
func TestSettleWithoutFailuresReadsNoResults(t *testing.T) {
	c := newFakeChain()
	res, r := runFake(t, c, &Settle{Succeeded: fakeSucceeded})
	if res.Rejected != 0 || res.Mismatch != 0 || res.Committed != res.Submitted || res.Committed != c.successes() || ours(r) != res.Committed {
		t.Fatalf("%+v, chain %d, blocks %d", res, c.successes(), ours(r))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls["block_results"] != 0 || c.calls["status"] != 0 {
		t.Fatalf("block_results read %d times, status %d: the poller must follow abci_info and /block only", c.calls["block_results"], c.calls["status"])
	}
	if c.calls["abci_query"] != 3 {
		t.Fatalf("%d count queries, want one per signer", c.calls["abci_query"])
	}
}

// TestSettleCountsAtTheCheckedHeight: the txs seen in blocks after the
// height a signer's count was read at are not checked, so not committed
// (uncommitted, as a tx seen after the drain would be).
func TestSettleCountsAtTheCheckedHeight(t *testing.T) {
	c := newFakeChain()
	c.lag = true
	res, r := runFake(t, c, &Settle{Succeeded: fakeSucceeded})
	c.mu.Lock()
	last := int64(len(c.blocks[len(c.blocks)-1]))
	var before uint64
	for _, v := range c.history[len(c.history)-2] {
		before += v
	}
	c.mu.Unlock()
	if res.Mismatch != 0 || res.Committed != int64(before) || res.Uncommitted != last || ours(r) != res.Committed {
		t.Fatalf("%+v: want %d committed (the counts' height), %d uncommitted (the last block)", res, before, last)
	}
}

// TestSettleMismatch: a chain that counts more successes than the blocks
// showed, or a check that cannot read a tx back, is reported, never
// silently taken.
func TestSettleMismatch(t *testing.T) {
	c := newFakeChain()
	c.extra[2] = 2
	res, r := runFake(t, c, &Settle{Succeeded: fakeSucceeded})
	if res.Mismatch != 2 || len(r.Result().Errors) == 0 {
		t.Fatalf("mismatch %d, errors %v; want 2", res.Mismatch, r.Result().Errors)
	}

	// Every included tx succeeds (Succeeded nil); the read-back fails for
	// signer 0.
	var mu sync.Mutex
	asked := map[int]uint64{}
	stored := func(_ context.Context, _ *RPC, _ string, i int, seq uint64) error {
		mu.Lock()
		defer mu.Unlock()
		asked[i] = seq
		if i == 0 {
			return fmt.Errorf("not there")
		}
		return nil
	}
	c = newFakeChain("s1-n1") // a failure the application says cannot happen is counted as committed
	res, _ = runFake(t, c, &Settle{Stored: stored})
	if res.Mismatch != 1 || res.Committed != res.Submitted || res.Rejected != 0 {
		t.Fatalf("%+v", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 3 {
		t.Fatalf("read back %v, want each signer's last tx", asked)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, seq := range asked {
		last := uint64(0)
		for _, b := range c.blocks {
			for _, tx := range b {
				var s int
				var n uint64
				if _, err := fmt.Sscanf(string(tx), "s%d-n%d", &s, &n); err == nil && s == i {
					last = max(last, n)
				}
			}
		}
		if seq != last {
			t.Fatalf("signer %d: read back tx %d, its last included is %d", i, seq, last)
		}
	}
}

// TestJSONInt: CometBFT writes int64 as strings; absent is 0, junk is an
// error.
func TestJSONInt(t *testing.T) {
	for in, want := range map[string]int64{`"12"`: 12, `12`: 12, `""`: 0, `null`: 0, `"-3"`: -3} {
		var n jsonInt
		if err := json.Unmarshal([]byte(in), &n); err != nil || int64(n) != want {
			t.Errorf("%s: %d, %v", in, n, err)
		}
	}
	for _, in := range []string{`"x"`, `"1e3"`, `{}`, `"99999999999999999999"`} {
		var n jsonInt
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("%s: accepted as %d", in, n)
		}
	}
}

// FuzzJSONInt: any input parses without a panic; an accepted one is the
// decimal it was written as (or 0 for nothing).
func FuzzJSONInt(f *testing.F) {
	for _, s := range []string{`"12"`, `12`, `""`, `null`, `"-3"`, `"x"`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n jsonInt
		if err := n.UnmarshalJSON(b); err != nil {
			return
		}
		s := string(b)
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			s = s[1 : len(s)-1]
		}
		if s == "" || s == "null" {
			if n != 0 {
				t.Fatalf("%q: %d", b, n)
			}
			return
		}
		// A decimal, possibly negative, with nothing else: leading zeros
		// aside, it is what FormatInt writes.
		want := strconv.FormatInt(int64(n), 10)
		digits, neg := strings.CutPrefix(s, "-")
		if d := strings.TrimLeft(digits, "0"); d == "" && want != "0" || d != "" && (neg && "-"+d != want || !neg && d != want) {
			t.Fatalf("%q: %d", b, n)
		}
	})
}
