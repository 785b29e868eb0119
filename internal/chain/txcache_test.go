package chain_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/store"
)

// counting is a module whose messages count their decodes: route.New runs
// once per decode of a body. "counting/once" opts in to the transaction
// cache's kept messages (DecodedOnce), "counting/plain" does not.
type counting struct{ once, plain atomic.Int64 }

type onceMsg struct {
	Key string `json:"key"`
}

func (m *onceMsg) ValidateBasic() error {
	if m.Key == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "a key is needed")
	}
	return nil
}

func (*onceMsg) DecodedOnce() {}

type plainMsg struct {
	Key string `json:"key"`
}

func (*plainMsg) ValidateBasic() error { return nil }

func (c *counting) Name() string { return "counting" }

func (c *counting) Routes() []module.Route {
	write := func(ctx *module.Context, key string) error {
		if v, err := ctx.KV.Get([]byte("counting/" + key)); err != nil || v != nil {
			return gongxu.Errorf(gongxu.KindConflict, "key %s is taken", key) // a verdict that depends on state
		}
		return ctx.KV.Set([]byte("counting/"+key), []byte(fmt.Sprint(ctx.Height)))
	}
	return []module.Route{
		{Type: "counting/once", New: func() module.Msg { c.once.Add(1); return &onceMsg{} },
			Handle: func(ctx *module.Context, m module.Msg) error { return write(ctx, m.(*onceMsg).Key) }},
		{Type: "counting/plain", New: func() module.Msg { c.plain.Add(1); return &plainMsg{} },
			Handle: func(ctx *module.Context, m module.Msg) error { return write(ctx, "plain-"+m.(*plainMsg).Key) }},
	}
}

func (c *counting) InitGenesis(*module.Context, json.RawMessage) error { return nil }
func (c *counting) BeginBlock(*module.Context) error                   { return nil }
func (c *counting) EndBlock(*module.Context) error                     { return nil }

type countingNode struct {
	t     *testing.T
	app   *chain.App
	n     *counting
	h     int64
	clock int64
}

func newCountingNode(t *testing.T) *countingNode {
	st, err := store.Open(store.NewMemDB())
	if err != nil {
		t.Fatal(err)
	}
	m, c := member.New(), &counting{}
	app, err := chain.New(st, chain.Config{ChainID: chaintest.ChainID, Modules: []module.Module{m, c}, Auth: m, Params: m})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := app.InitChain(chain.Genesis{Time: chaintest.GenesisTime, AppState: chaintest.Genesis(orgs...)}); err != nil {
		t.Fatal(err)
	}
	n := &countingNode{t: t, app: app, n: c, clock: chaintest.GenesisTime}
	n.block()
	return n
}

func (n *countingNode) block(txs ...[]byte) *chain.BlockResult {
	n.t.Helper()
	n.clock += 1000
	res, err := n.app.FinalizeBlock(chain.Block{Height: n.h + 1, Time: n.clock, Txs: txs})
	if err != nil {
		n.t.Fatal(err)
	}
	if _, err := n.app.Commit(); err != nil {
		n.t.Fatal(err)
	}
	n.h++
	return res
}

func (n *countingNode) decodes() (once, plain int64) { return n.n.once.Load(), n.n.plain.Load() }

// TestTxCacheDecodesOnce: a message whose type opts in (DecodedOnce) is
// decoded once per node — by CheckTx, or by ProcessProposal on a node that
// did not see it, or by FinalizeBlock on one that saw neither — and then
// served from the cache by every recheck, PrepareProposal, ProcessProposal
// and FinalizeBlock; a type that does not opt in is decoded each time. Every
// node reaches the same verdicts and app hash, and a block's transactions
// leave the cache once executed.
func TestTxCacheDecodesOnce(t *testing.T) {
	seen, proposed, fresh := newCountingNode(t), newCountingNode(t), newCountingNode(t)
	var seq uint64
	sign := func(typ, key string) []byte {
		seq++
		return gongxu.SignTx(chaintest.ChainID, chaintest.Key("factory-a"), typ, []byte(`{"key":"`+key+`"}`), seq).Encode()
	}
	txs := [][]byte{sign("counting/once", "a"), sign("counting/once", "b"), sign("counting/plain", "c"), sign("counting/once", "d")}

	for i, raw := range txs {
		if r := seen.app.CheckTx(raw); r.Code != 0 {
			t.Fatalf("CheckTx %d: %s", i, r.Log)
		}
	}
	want := func(n *countingNode, what string, once, plain int64) {
		t.Helper()
		if o, p := n.decodes(); o != once || p != plain {
			t.Fatalf("%s: %d decodes of the opted-in messages (want %d), %d of the other (want %d)", what, o, once, p, plain)
		}
	}
	want(seen, "CheckTx", 3, 1)
	for _, n := range []*countingNode{seen, proposed, fresh} {
		n.block() // the txs wait in the mempool over a commit
	}
	for i, raw := range txs {
		if r := seen.app.Recheck(raw); r.Code != 0 {
			t.Fatalf("Recheck %d: %s", i, r.Log)
		}
	}
	want(seen, "Recheck", 3, 2)
	if out := seen.app.PrepareProposal(txs, 1<<20); len(out) != len(txs) {
		t.Fatalf("PrepareProposal kept %d of %d", len(out), len(txs))
	}
	want(seen, "PrepareProposal", 3, 3)
	for _, n := range []*countingNode{seen, proposed} {
		if err := n.app.ProcessProposal(txs); err != nil {
			t.Fatal(err)
		}
	}
	want(seen, "ProcessProposal", 3, 4)
	want(proposed, "ProcessProposal on a node that had not seen them", 3, 1)

	var results []*chain.BlockResult
	for _, n := range []*countingNode{seen, proposed, fresh} {
		results = append(results, n.block(txs...))
		if n.app.TxCacheLen() != 0 {
			t.Errorf("%d txs left in the cache after their block", n.app.TxCacheLen())
		}
	}
	want(seen, "FinalizeBlock", 3, 5)
	want(proposed, "FinalizeBlock after ProcessProposal", 3, 2)
	want(fresh, "FinalizeBlock alone", 3, 1)
	for i, res := range results {
		for j, r := range res.Txs {
			if r.Code != 0 {
				t.Errorf("node %d tx %d: %s", i, j, r.Log)
			}
		}
		if !bytes.Equal(res.AppHash, results[0].AppHash) {
			t.Errorf("node %d: app hash %x, node 0 %x", i, res.AppHash, results[0].AppHash)
		}
	}

	// The same bytes again (replayed): the cache no longer holds them, the
	// verdict is the sequence's, and the decode count is a fresh node's.
	if r := seen.app.CheckTx(txs[0]); gongxu.Kind(r.Code) != gongxu.KindSequence {
		t.Fatalf("a replayed tx: %s %q", gongxu.Kind(r.Code), r.Log)
	}
}

// TestTxCacheSameVerdicts: the cache changes no verdict — a body that fails
// ValidateBasic, a bad signature and a tx whose handler fails are judged in
// a block alike by a node whose CheckTx saw them and one that did not.
func TestTxCacheSameVerdicts(t *testing.T) {
	seen, fresh := newCountingNode(t), newCountingNode(t)
	key := chaintest.Key("factory-a")
	ok1 := gongxu.SignTx(chaintest.ChainID, key, "counting/once", []byte(`{"key":"k"}`), 1)
	dup := gongxu.SignTx(chaintest.ChainID, key, "counting/once", []byte(`{"key":"k"}`), 2) // the handler refuses: taken
	empty := gongxu.SignTx(chaintest.ChainID, key, "counting/once", []byte(`{"key":""}`), 3)
	badSig := gongxu.SignTx(chaintest.ChainID, key, "counting/once", []byte(`{"key":"z"}`), 3)
	badSig.Signature = append([]byte(nil), badSig.Signature...)
	badSig.Signature[0] ^= 1
	okRaw := ok1.Encode()
	txs := [][]byte{okRaw, dup.Encode(), empty.Encode(), badSig.Encode(), gongxu.SignTx(chaintest.ChainID, key, "counting/once", []byte(`{"key":"m"}`), 3).Encode()}
	for _, raw := range txs {
		seen.app.CheckTx(raw)
	}
	a, b := seen.block(txs...), fresh.block(txs...)
	wantKinds := []gongxu.Kind{gongxu.KindOK, gongxu.KindConflict, gongxu.KindInvalid, gongxu.KindBadSignature, gongxu.KindOK}
	for i := range txs {
		if a.Txs[i].Code != b.Txs[i].Code || a.Txs[i].Log != b.Txs[i].Log {
			t.Errorf("tx %d: %d %q after CheckTx, %d %q without", i, a.Txs[i].Code, a.Txs[i].Log, b.Txs[i].Code, b.Txs[i].Log)
		}
		if gongxu.Kind(a.Txs[i].Code) != wantKinds[i] {
			t.Errorf("tx %d: %s %q, want %s", i, gongxu.Kind(a.Txs[i].Code), a.Txs[i].Log, wantKinds[i])
		}
	}
	if !bytes.Equal(a.AppHash, b.AppHash) {
		t.Fatalf("app hash %x after CheckTx, %x without", a.AppHash, b.AppHash)
	}
}
