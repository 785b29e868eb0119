package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
)

// submitNode is a node whose CheckTx answers by the tx's first word: "ok"
// accepts, "bad" refuses (code of KindInvalid), "busy" sheds load, "gone"
// is a stopping node. It keeps the bytes it was handed.
type submitNode struct {
	gongxu.NodeService
	mu   sync.Mutex
	seen [][]byte
	wait []bool
}

func (n *submitNode) Submit(_ context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	n.mu.Lock()
	n.seen, n.wait = append(n.seen, bytes.Clone(tx)), append(n.wait, wait)
	n.mu.Unlock()
	h := gongxu.TxHash(tx)
	switch {
	case bytes.HasPrefix(tx, []byte("ok")):
		return gongxu.TxResult{Hash: h}, nil
	case bytes.HasPrefix(tx, []byte("bad")):
		return gongxu.TxResult{Hash: h, Code: uint32(gongxu.KindInvalid), Kind: "invalid", Message: "bad sequence"}, nil
	case bytes.HasPrefix(tx, []byte("busy")):
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindBusy, "busy: the mempool is full")
	default:
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the node is stopping")
	}
}

// TestSubmitTxThroughTheAPI drives RPC.SubmitTx against the real API
// handler: the node gets the raw bytes (every byte value, no base64) and
// does not wait for the commit; its answers map to CheckTx's code, a busy
// answer (shed, retry) or an error.
func TestSubmitTxThroughTheAPI(t *testing.T) {
	n := &submitNode{}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Node: n}))
	defer srv.Close()
	c := NewRPC(2)
	defer c.Close()
	ctx := context.Background()

	raw := []byte("ok")
	for b := range 256 {
		raw = append(raw, byte(b))
	}
	r, err := c.SubmitTx(ctx, srv.URL, raw)
	if err != nil || r.Code != 0 || r.Hash != gongxu.TxHash(raw) {
		t.Fatalf("ok: %+v, %v", r, err)
	}
	if len(n.seen) != 1 || !bytes.Equal(n.seen[0], raw) || n.wait[0] {
		t.Fatalf("the node got %d txs (wait %v), want the raw bytes once without waiting", len(n.seen), n.wait)
	}

	r, err = c.SubmitTx(ctx, srv.URL, []byte("bad tx"))
	if err != nil || r.Code != uint32(gongxu.KindInvalid) || r.Log != "bad sequence" {
		t.Fatalf("bad: %+v, %v", r, err)
	}

	_, err = c.SubmitTx(ctx, srv.URL, []byte("busy tx"))
	var ae *APIError
	if !isBusy(err) || !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable {
		t.Fatalf("busy: %v", err)
	}
	_, err = c.SubmitTx(ctx, srv.URL, []byte("gone"))
	if err == nil || isBusy(err) || !errors.As(err, &ae) || ae.Code != "unavailable" {
		t.Fatalf("stopping node: %v", err)
	}
	// An empty tx is the API's own refusal, not CheckTx's.
	if _, err = c.SubmitTx(ctx, srv.URL, nil); !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Code != "invalid" {
		t.Fatalf("empty tx: %v", err)
	}
}

// TestParseSubmitAnswerHostile: answers that are not the API's shapes are
// errors, never a silent code 0.
func TestParseSubmitAnswerHostile(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
	}{
		{200, ""},
		{200, "{}"},
		{200, `{"hash":"ab"}`},           // no code: not a result
		{200, `{"code":0}`},              // no hash
		{200, `{"hash":"ab","code":-1}`}, // not a uint32
		{200, `[1,2]`},
		{200, strings.Repeat("{", 10000)},
		{503, ""},
		{503, "<html>busy</html>"},
		{500, `{"code":"","message":"x"}`},
	} {
		r, err := parseSubmitAnswer(c.status, []byte(c.body))
		if err == nil {
			t.Errorf("%d %.40q: accepted as %+v", c.status, c.body, r)
		}
		if isBusy(err) {
			t.Errorf("%d %.40q: taken for busy", c.status, c.body)
		}
	}
	if _, err := parseSubmitAnswer(503, []byte(`{"code":"busy","message":"m"}`)); !isBusy(err) {
		t.Fatalf("busy answer: %v", err)
	}
}

// TestRunnerSubmitsThroughAPIs: with Load.APIs, the signers post to the
// API of their node (round robin, as with Nodes) and never call
// broadcast_tx_sync; a busy answer is shed and the same sequence goes again.
func TestRunnerSubmitsThroughAPIs(t *testing.T) {
	var mu sync.Mutex
	rpcMethods := map[string]int{}
	rpc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Method string `json:"method"`
		}
		_ = jsonDecode(r, &req)
		mu.Lock()
		rpcMethods[req.Method]++
		mu.Unlock()
		switch req.Method {
		case "status":
			_, _ = w.Write([]byte(`{"result":{"sync_info":{"latest_block_height":"1"}}}`))
		case "num_unconfirmed_txs":
			_, _ = w.Write([]byte(`{"result":{"n_txs":"0"}}`))
		default:
			_, _ = w.Write([]byte(`{"error":{"code":-1,"message":"not here"}}`))
		}
	}))
	defer rpc.Close()
	var busyOnce sync.Once
	posts := map[string][]string{} // by API, the txs posted
	api := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != "/v1/txs" || r.URL.Query().Get("wait") != "false" || r.Header.Get("Content-Type") != "application/octet-stream" {
				t.Errorf("%s: %s %s %s", name, r.Method, r.URL, r.Header.Get("Content-Type"))
			}
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(r.Body)
			tx := buf.String()
			shed := false
			busyOnce.Do(func() { shed = true })
			mu.Lock()
			posts[name] = append(posts[name], tx)
			mu.Unlock()
			if shed {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"code":"busy","message":"busy"}`))
				return
			}
			_, _ = w.Write([]byte(`{"hash":"` + gongxu.TxHash([]byte(tx)) + `","height":0,"code":0}`))
		}))
	}
	a0, a1 := api("a0"), api("a1")
	defer a0.Close()
	defer a1.Close()
	load := Load{App: "t", Nodes: []string{rpc.URL, rpc.URL}, APIs: []string{a0.URL, a1.URL}, Signers: 2,
		MakeTx: func(i int, seq uint64) []byte { return []byte{byte('0' + i), byte('0' + seq)} }}
	if _, err := Start(context.Background(), Load{App: "t", Nodes: load.Nodes, APIs: load.APIs[:1], Signers: 2, MakeTx: load.MakeTx},
		Plan{Step: time.Second}); err == nil {
		t.Fatal("one API for two nodes: started")
	}
	r, err := Start(context.Background(), load, Plan{Step: 200 * time.Millisecond, Drain: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Step(context.Background(), 100)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if rpcMethods["broadcast_tx_sync"] != 0 {
		t.Fatalf("broadcast_tx_sync called %d times", rpcMethods["broadcast_tx_sync"])
	}
	if res.Shed != 1 || res.Submitted+res.Shed != int64(len(posts["a0"])+len(posts["a1"])) || res.Submitted == 0 {
		t.Fatalf("submitted %d shed %d, posts %v", res.Submitted, res.Shed, posts)
	}
	for name, txs := range posts {
		want := byte('0') // signer 0 posts to a0
		if name == "a1" {
			want = '1'
		}
		for _, tx := range txs {
			if tx[0] != want {
				t.Fatalf("%s got signer %c's tx", name, tx[0])
			}
		}
	}
	// The shed tx went again with the same sequence: some tx was posted twice.
	seen, twice := map[string]bool{}, 0
	for _, txs := range posts {
		for _, tx := range txs {
			if seen[tx] {
				twice++
			}
			seen[tx] = true
		}
	}
	if twice != 1 {
		t.Fatalf("%d txs posted twice, want the shed one: %v", twice, posts)
	}
}

func jsonDecode(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }

// FuzzParseSubmitAnswer: any answer parses without a panic; an accepted one
// is a 200 with a hash, and only a non-200 answer is ever busy.
func FuzzParseSubmitAnswer(f *testing.F) {
	f.Add(200, []byte(`{"hash":"AB","height":0,"code":0}`))
	f.Add(200, []byte(`{"hash":"AB","code":4294967295,"kind":"invalid","message":"m"}`))
	f.Add(503, []byte(`{"code":"busy","message":"busy"}`))
	f.Add(400, []byte(`{"code":"invalid","message":"x"}`))
	f.Add(200, []byte(`{"hash":"AB","code":4294967296}`))
	f.Fuzz(func(t *testing.T, status int, raw []byte) {
		r, err := parseSubmitAnswer(status, raw)
		if err == nil && (status != http.StatusOK || r.Hash == "") {
			t.Fatalf("%d %q accepted as %+v", status, raw, r)
		}
		if isBusy(err) && status == http.StatusOK {
			t.Fatalf("200 %q taken for busy", raw)
		}
	})
}
