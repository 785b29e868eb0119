package comet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/cometbft/cometbft/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/store"
)

// lightNode is a one-validator network running in the test.
type lightNode struct {
	node    *Node
	rpc     string
	chainID string
	key     ed25519.PrivateKey // the key of org "operator"
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startLightNode(t *testing.T) *lightNode {
	t.Helper()
	return startLightNodeWith(t, StartOptions{})
}

// startLightNodeWith starts the one-validator network with options o.
func startLightNodeWith(t *testing.T, o StartOptions) *lightNode {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := t.TempDir()
	ports := Ports{P2P: freePort(t), RPC: freePort(t)}
	ho := HomeOptions{Moniker: "light", Ports: ports}
	id, err := InitHome(home, ho)
	if err != nil {
		t.Fatal(err)
	}
	// A block every commit timeout, so waits for the next header are short.
	conf := CometConfig(home, ho)
	conf.Consensus.CreateEmptyBlocksInterval = 0
	cfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), conf)
	pub, priv, _ := ed25519.GenerateKey(nil)
	org := gongxu.Org{ID: "operator", Name: "Operator", Roles: []gongxu.Role{gongxu.RoleValidator, gongxu.RoleFactory, gongxu.RoleHub},
		Keys: []gongxu.PubKey{gongxu.PubKey(hex.EncodeToString(pub))}}
	val := gongxu.Validator{PubKey: id.ValidatorKey, Power: 10, Org: org.ID}
	const chainID = "gongxu-light"
	if err := WriteGenesis(GenesisOptions{ChainID: chainID, Time: time.Now(), Validators: []gongxu.Validator{val},
		AppState: map[string]any{member.Name: member.Genesis{Orgs: []gongxu.Org{org}, Validators: []gongxu.Validator{val}}}}, home); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.NewMemDB())
	if err != nil {
		t.Fatal(err)
	}
	c, err := newChain(st, chainID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(home, c, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Stop() })
	ln := &lightNode{node: n, rpc: fmt.Sprintf("http://127.0.0.1:%d", ports.RPC), chainID: chainID, key: priv}
	ln.waitHeight(t, 2)
	return ln
}

func newChain(st *store.State, chainID string) (*chain.App, error) {
	return chain.New(st, modules.New().ChainConfig(chainID))
}

func (ln *lightNode) waitHeight(t *testing.T, h int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for ln.node.node.BlockStore().Height() < h {
		if time.Now().After(deadline) {
			t.Fatalf("no block %d in a minute", h)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// send commits a description update of the operator org, and returns its result.
func (ln *lightNode) send(t *testing.T, ctx context.Context, desc string) gongxu.TxResult {
	t.Helper()
	acc, err := ln.node.Account(ctx, gongxu.PubKey(hex.EncodeToString(ln.key.Public().(ed25519.PublicKey))))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(member.MsgUpdateOrg{Description: desc})
	r, err := ln.node.Submit(ctx, gongxu.SignTx(ln.chainID, ln.key, member.TypeUpdateOrg, b, acc.Sequence).Encode(), true)
	if err != nil || r.Code != 0 {
		t.Fatalf("update org: %+v %v", r, err)
	}
	return r
}

// stateKeys returns two committed state keys with different values.
func (ln *lightNode) stateKeys(t *testing.T) (a, b []byte) {
	t.Helper()
	var keys, values [][]byte
	ln.node.Chain().State().Iterate(nil, nil, func(k, v []byte) bool {
		keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
		return true
	})
	for i := 1; i < len(keys); i++ {
		if len(values[0]) > 0 && len(values[i]) > 0 && !bytes.Equal(values[0], values[i]) {
			return keys[0], keys[i]
		}
	}
	t.Fatalf("no two state keys with different values among %q", keys)
	return nil, nil
}

// tamperProxy forwards JSON-RPC calls to a node and lets the test rewrite
// the result of a method on the way back.
type tamperProxy struct {
	upstream string
	mu       sync.Mutex
	tamper   map[string]func(result map[string]any)
}

func newTamperProxy(t *testing.T, upstream string) (*tamperProxy, string) {
	p := &tamperProxy{upstream: upstream, tamper: map[string]func(map[string]any){}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *tamperProxy) set(method string, fn func(result map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fn == nil {
		delete(p.tamper, method)
		return
	}
	p.tamper[method] = fn
}

func (p *tamperProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Method string `json:"method"`
	}
	_ = json.Unmarshal(body, &req)
	resp, err := http.Post(p.upstream+r.URL.Path, "application/json", bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	p.mu.Lock()
	fn := p.tamper[req.Method]
	p.mu.Unlock()
	if fn != nil {
		var env map[string]any
		if err := json.Unmarshal(out, &env); err == nil {
			if res, ok := env["result"].(map[string]any); ok {
				fn(res)
				out, _ = json.Marshal(env)
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

// path walks nested JSON objects.
func path(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func flipB64(s string) string {
	b, _ := base64.StdEncoding.DecodeString(s)
	b[len(b)/2] ^= 0x01
	return base64.StdEncoding.EncodeToString(b)
}

func flipHex(s string) string {
	b, _ := hex.DecodeString(s)
	b[0] ^= 0x01
	return strings.ToUpper(hex.EncodeToString(b))
}

func wantFailed(t *testing.T, what string, got string, err error, check string) {
	t.Helper()
	if err == nil || gongxu.ErrorKind(err) != gongxu.KindInvalid || got != check ||
		!strings.Contains(gongxu.ErrorMessage(err), "check "+check+" failed") {
		t.Errorf("%s: failed %q, error %v (kind %s); want check %s failed, kind invalid", what, got, err, gongxu.ErrorKind(err), check)
	}
}

func TestVerifyStateAgainstNode(t *testing.T) {
	ln := startLightNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	keyA, keyB := ln.stateKeys(t)
	valueA, _ := ln.node.Chain().State().Get(keyA)
	opts := LightOptions{RPC: ln.rpc}

	// An honest node: the value verifies, trusting its block 1.
	got, err := VerifyState(ctx, opts, keyA)
	if err != nil {
		t.Fatalf("honest value: %v", err)
	}
	if !got.Present || !bytes.Equal(got.Value, valueA) || got.HeaderHeight != got.Height+1 || got.Failed != "" ||
		strings.Join(got.Checks, ",") != "query,trust,header,state_proof" || !got.Trust.FromNode || got.Trust.Height != 1 ||
		len(got.AppHash) != 32 || len(got.HeaderHash) != 32 {
		t.Fatalf("honest value: %+v", got)
	}
	if !strings.HasPrefix(got.Trust.String(), "trusting height 1 from the node asked") {
		t.Errorf("trust says %q", got.Trust)
	}
	// The app hash is the one in the header after the proof's height.
	c, _ := rpchttp.New(ln.rpc, "/websocket")
	hh := got.HeaderHeight
	hdr, err := c.Header(ctx, &hh)
	if err != nil || !bytes.Equal(hdr.Header.AppHash, got.AppHash) || !bytes.Equal(hdr.Header.Hash(), got.HeaderHash) {
		t.Fatalf("header %d: %v %v", hh, hdr, err)
	}

	// Trust from outside: block 1's hash, as a member would hand it out.
	one := int64(1)
	h1, err := c.Header(ctx, &one)
	if err != nil {
		t.Fatal(err)
	}
	trusted := LightOptions{RPC: ln.rpc, TrustHeight: 1, TrustHash: h1.Header.Hash()}
	if got, err := VerifyState(ctx, trusted, keyA); err != nil || got.Trust.FromNode || !bytes.Equal(got.Value, valueA) {
		t.Fatalf("with a trusted hash: %+v %v", got, err)
	}
	seq := trusted
	seq.Sequential = true
	if got, err := VerifyState(ctx, seq, keyA); err != nil || !bytes.Equal(got.Value, valueA) {
		t.Fatalf("sequential: %+v %v", got, err)
	}
	// A wrong trusted hash fails the trust check.
	wrong := trusted
	wrong.TrustHash = bytes.Clone(trusted.TrustHash)
	wrong.TrustHash[31] ^= 0x01
	got, err = VerifyState(ctx, wrong, keyA)
	wantFailed(t, "wrong trusted hash", got.Failed, err, CheckTrust)
	// So does another chain id: it is in the header.
	other := trusted
	other.ChainID = "another-chain"
	got, err = VerifyState(ctx, other, keyA)
	wantFailed(t, "another chain id", got.Failed, err, CheckTrust)
	// And a trusted height the chain has not reached.
	ahead := trusted
	ahead.TrustHeight = 1_000_000
	got, err = VerifyState(ctx, ahead, keyA)
	wantFailed(t, "trust height ahead", got.Failed, err, CheckTrust)

	// A key that is not there proves absent.
	missing := []byte("member/org/nobody-at-all")
	got, err = VerifyState(ctx, opts, missing)
	if err != nil || got.Present || got.Value != nil || strings.Join(got.Checks, ",") != "query,trust,header,state_proof" {
		t.Fatalf("absent key: %+v %v", got, err)
	}

	// Values change and still verify, at later heights.
	ln.send(t, ctx, "first")
	orgKey := []byte("member/org/operator")
	if v, _ := ln.node.Chain().State().Get(orgKey); v == nil {
		t.Fatalf("no state at %q; the member module's layout changed", orgKey)
	}
	v := mustVerifier(t, trusted)
	got1, err := v.State(ctx, orgKey)
	if err != nil || !bytes.Contains(got1.Value, []byte(`"first"`)) {
		t.Fatalf("after an update: %+v %v", got1, err)
	}
	r := ln.send(t, ctx, "second")
	got2, err := v.State(ctx, orgKey)
	if err != nil || !bytes.Contains(got2.Value, []byte(`"second"`)) || got2.Height < r.Height {
		t.Fatalf("after a second update at %d: %+v %v", r.Height, got2, err)
	}

	// The transaction is in its block.
	tx, err := v.TxInBlock(ctx, r.Height, r.Hash)
	if err != nil || tx.Height != r.Height || gongxu.TxHash(tx.Tx) != r.Hash || tx.Total < 1 ||
		strings.Join(tx.Checks, ",") != "trust,header,block,tx" || len(tx.DataHash) != 32 {
		t.Fatalf("tx %s in block %d: %+v %v", r.Hash, r.Height, tx, err)
	}
	tx, err = v.TxInBlock(ctx, r.Height-1, r.Hash)
	wantFailed(t, "tx in another block", tx.Failed, err, CheckTx)
	if _, err := v.TxInBlock(ctx, r.Height, "nothex"); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("bad tx hash: %v", err)
	}

	// A lying node: every tampered answer fails a check.
	proxy, purl := newTamperProxy(t, ln.rpc)
	lying := LightOptions{RPC: purl, TrustHeight: 1, TrustHash: h1.Header.Hash()}
	if got, err := VerifyState(ctx, lying, keyA); err != nil || !bytes.Equal(got.Value, valueA) {
		t.Fatalf("through an honest proxy: %+v %v", got, err)
	}
	queryB, err := c.ABCIQuery(ctx, "/prove", keyB)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, check string
		key                 []byte
		tamper              func(map[string]any)
	}{
		{"another key's value", "abci_query", CheckStateProof, keyA, func(r map[string]any) {
			path(r, "response")["value"] = base64.StdEncoding.EncodeToString(queryB.Response.Value)
		}},
		{"one byte flipped", "abci_query", CheckStateProof, keyA, func(r map[string]any) {
			resp := path(r, "response")
			resp["value"] = flipB64(resp["value"].(string))
		}},
		{"another key's proof", "abci_query", CheckStateProof, keyA, func(r map[string]any) {
			path(r, "response")["info"] = queryB.Response.Info
		}},
		{"present said absent", "abci_query", CheckStateProof, keyA, func(r map[string]any) {
			path(r, "response")["value"] = ""
		}},
		{"absent said present", "abci_query", CheckStateProof, missing, func(r map[string]any) {
			path(r, "response")["value"] = base64.StdEncoding.EncodeToString([]byte(`{"id":"nobody-at-all"}`))
		}},
		{"answer for another key", "abci_query", CheckQuery, keyA, func(r map[string]any) {
			path(r, "response")["key"] = base64.StdEncoding.EncodeToString(keyB)
		}},
		{"a height not reached", "abci_query", CheckQuery, keyA, func(r map[string]any) {
			resp := path(r, "response")
			var p map[string]any
			json.Unmarshal([]byte(resp["info"].(string)), &p)
			p["height"] = 1_000_000
			b, _ := json.Marshal(p)
			resp["info"], resp["height"] = string(b), "1000000"
		}},
		{"no proof", "abci_query", CheckQuery, keyA, func(r map[string]any) {
			path(r, "response")["info"] = ""
		}},
		{"the header's app hash", "commit", CheckHeader, keyA, func(r map[string]any) {
			if hdr := path(r, "signed_header", "header"); hdr["height"] != "1" { // the trusted one stays
				hdr["app_hash"] = flipHex(hdr["app_hash"].(string))
			}
		}},
	} {
		proxy.set(tc.method, tc.tamper)
		got, err := VerifyState(ctx, lying, tc.key)
		proxy.set(tc.method, nil)
		wantFailed(t, tc.name, got.Failed, err, tc.check)
	}
	// A block whose transactions were swapped, or whose header is another.
	for _, tc := range []struct {
		name, check string
		tamper      func(map[string]any)
	}{
		{"a transaction changed", CheckTx, func(r map[string]any) {
			txs := path(r, "block", "data")["txs"].([]any)
			txs[0] = flipB64(txs[0].(string))
		}},
		{"another header", CheckBlock, func(r map[string]any) {
			hdr := path(r, "block", "header")
			hdr["app_hash"] = flipHex(hdr["app_hash"].(string))
		}},
	} {
		proxy.set("block", tc.tamper)
		got, err := VerifyTxInBlock(ctx, lying, r.Height, r.Hash)
		proxy.set("block", nil)
		wantFailed(t, tc.name, got.Failed, err, tc.check)
	}

	// Another node as witness: here the same node, reached directly.
	witnessed := lying
	witnessed.Witnesses = []string{strings.TrimPrefix(ln.rpc, "http://")}
	if got, err := VerifyState(ctx, witnessed, keyA); err != nil || !bytes.Equal(got.Value, valueA) {
		t.Fatalf("with a witness: %+v %v", got, err)
	}

	// A node out of reach is unavailable, not a failed check.
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + ln2.Addr().String()
	ln2.Close()
	witnessed.Witnesses = []string{dead}
	got, err = VerifyState(ctx, witnessed, keyA)
	if gongxu.ErrorKind(err) != gongxu.KindUnavailable || got.Failed != "" || !strings.Contains(gongxu.ErrorMessage(err), "witness "+dead+" is unavailable") {
		t.Errorf("dead witness: %+v %v", got, err)
	}
	got, err = VerifyState(ctx, LightOptions{RPC: dead}, keyA)
	if gongxu.ErrorKind(err) != gongxu.KindUnavailable || got.Failed != "" || !strings.Contains(gongxu.ErrorMessage(err), "is unavailable") {
		t.Errorf("dead node: %+v %v", got, err)
	}
	got, err = VerifyState(ctx, LightOptions{RPC: dead, TrustHeight: 1, TrustHash: h1.Header.Hash(), ChainID: ln.chainID}, keyA)
	if gongxu.ErrorKind(err) != gongxu.KindUnavailable || got.Failed != "" {
		t.Errorf("dead node with trust options: %+v %v", got, err)
	}
}

func mustVerifier(t *testing.T, o LightOptions) *Verifier {
	t.Helper()
	v, err := NewVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNewVerifierOptions(t *testing.T) {
	for _, o := range []LightOptions{
		{TrustHeight: -1},
		{TrustHash: []byte{1, 2, 3}},
		{TrustingPeriod: -time.Hour},
		{RPC: "http://[::1"},
	} {
		if _, err := NewVerifier(o); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%+v: %v", o, err)
		}
	}
	v, err := NewVerifier(LightOptions{RPC: "127.0.0.1:1"})
	if err != nil || v.opts.RPC != "http://127.0.0.1:1" || v.opts.TrustHeight != 1 || v.opts.WaitHeader != DefaultWaitHeader {
		t.Fatalf("defaults: %+v %v", v.opts, err)
	}
	if _, err := v.State(context.Background(), nil); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("empty key: %v", err)
	}
	if s := (Trust{Height: 7, Hash: []byte{0xab}}).String(); s != "trusting height 7 with hash AB" {
		t.Errorf("trust string %q", s)
	}
}

// testState commits key=value pairs (nil deletes nothing: it is skipped) and
// returns the state.
func testState(t *testing.T, kv map[string][]byte) *store.State {
	t.Helper()
	st, err := store.Open(store.NewMemDB())
	if err != nil {
		t.Fatal(err)
	}
	c := st.Begin()
	for k, v := range kv {
		if err := c.Set([]byte(k), v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(c, 1); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCheckStateProof(t *testing.T) {
	st := testState(t, map[string][]byte{"a": []byte("alpha"), "b": []byte("beta"), "empty": {}})
	root := st.Root()
	prove := func(key string) ([]byte, *store.Proof) {
		v, p, err := st.GetWithProof([]byte(key))
		if err != nil {
			t.Fatal(err)
		}
		return v, p
	}
	va, pa := prove("a")
	vb, pb := prove("b")
	_, pe := prove("empty")
	_, pn := prove("none")
	flipped := bytes.Clone(va)
	flipped[0] ^= 1
	for _, c := range []struct {
		name    string
		key     string
		value   []byte
		p       *store.Proof
		root    []byte
		present bool
		ok      bool
	}{
		{"honest", "a", va, pa, root, true, true},
		{"another value", "a", vb, pa, root, false, false},
		{"one byte flipped", "a", flipped, pa, root, false, false},
		{"another key's proof", "a", va, pb, root, false, false},
		{"another root", "a", va, pa, make([]byte, 32), false, false},
		{"absent", "none", nil, pn, root, false, true},
		{"absent, empty on the wire", "none", []byte{}, pn, root, false, true},
		{"absent said present", "none", []byte("x"), pn, root, false, false},
		{"present said absent", "a", nil, pa, root, false, false},
		{"an empty value", "empty", []byte{}, pe, root, true, true},
		{"an empty value, nil on the wire", "empty", nil, pe, root, true, true},
	} {
		present, err := checkStateProof(c.root, []byte(c.key), c.value, c.p)
		if (err == nil) != c.ok || (err == nil && present != c.present) {
			t.Errorf("%s: present %v, %v", c.name, present, err)
		}
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%s: kind %s", c.name, gongxu.ErrorKind(err))
		}
	}
}

func TestParseProve(t *testing.T) {
	st := testState(t, map[string][]byte{"a": []byte("alpha")})
	_, p, _ := st.GetWithProof([]byte("a"))
	pj, _ := json.Marshal(p)
	v, got, err := parseProve([]byte("a"), 0, "", []byte("a"), []byte("alpha"), string(pj))
	if err != nil || string(v) != "alpha" || got.Height != 1 || !bytes.Equal(got.Root, st.Root()) {
		t.Fatalf("%q %+v %v", v, got, err)
	}
	for _, c := range []struct {
		name string
		code uint32
		rkey string
		info string
		kind gongxu.Kind
	}{
		{"refused", uint32(gongxu.KindNotFound), "a", string(pj), gongxu.KindInvalid},
		{"not ready", uint32(gongxu.KindUnavailable), "a", string(pj), gongxu.KindUnavailable},
		{"another key", 0, "b", string(pj), gongxu.KindInvalid},
		{"no proof", 0, "a", "", gongxu.KindInvalid},
		{"not a proof", 0, "a", `{"hello":1}`, gongxu.KindInvalid},
		{"negative height", 0, "a", `{"height":-1}`, gongxu.KindInvalid},
	} {
		if _, _, err := parseProve([]byte("a"), c.code, "log", []byte(c.rkey), nil, c.info); gongxu.ErrorKind(err) != c.kind {
			t.Errorf("%s: %v, want kind %s", c.name, err, c.kind)
		}
	}
}

func TestCheckTxInBlock(t *testing.T) {
	txs := types.Txs{types.Tx("one"), types.Tx("two"), types.Tx("three")}
	vals := bytes.Repeat([]byte{7}, 32)
	b := types.MakeBlock(5, txs, &types.Commit{Height: 4}, nil)
	b.ChainID, b.ValidatorsHash = "c", vals
	h := b.Header // the verified header, as the light client would return it
	idx, p, check, err := checkTxInBlock(&h, b, types.Tx("two").Hash())
	if err != nil || idx != 1 || check != CheckTx || !bytes.Equal(p.RootHash, h.DataHash) || p.Proof.Total != 3 {
		t.Fatalf("%d %+v %s %v", idx, p, check, err)
	}
	if _, _, check, err := checkTxInBlock(&h, b, types.Tx("four").Hash()); check != CheckTx || gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("absent tx: %s %v", check, err)
	}
	// The block's transactions changed under the same header.
	swapped := types.MakeBlock(5, types.Txs{types.Tx("one"), types.Tx("TWO"), types.Tx("three")}, &types.Commit{Height: 4}, nil)
	swapped.Header = h
	if _, _, check, err := checkTxInBlock(&h, swapped, types.Tx("TWO").Hash()); check != CheckTx || gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("swapped tx: %s %v", check, err)
	}
	// Another block altogether.
	other := types.MakeBlock(5, txs, &types.Commit{Height: 4}, nil)
	other.ChainID, other.ValidatorsHash = "another", vals
	if _, _, check, err := checkTxInBlock(&h, other, types.Tx("two").Hash()); check != CheckBlock || gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("another block: %s %v", check, err)
	}
	if _, _, check, err := checkTxInBlock(&h, nil, nil); check != CheckBlock || err == nil {
		t.Errorf("no block: %s %v", check, err)
	}
	// A header without validators has no hash: nothing matches it.
	var empty types.Header
	if _, _, check, err := checkTxInBlock(&empty, types.MakeBlock(5, txs, &types.Commit{Height: 4}, nil), types.Tx("two").Hash()); check != CheckBlock || err == nil {
		t.Errorf("header without a hash: %s %v", check, err)
	}
}

func TestUnreachable(t *testing.T) {
	if unreachable(fmt.Errorf("boom")) || !unreachable(fmt.Errorf("post failed: %w", &netErr{})) || !unreachable(context.DeadlineExceeded) {
		t.Error("unreachable misclassifies")
	}
}

type netErr struct{}

func (*netErr) Error() string   { return "connection refused" }
func (*netErr) Timeout() bool   { return false }
func (*netErr) Temporary() bool { return false }
