package chain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/store"
)

// evil is a module whose handlers and hooks fail in every way a buggy
// module could: a plain error, an internal error, a panic, each after
// writing; its hooks fail when told to.
type evil struct {
	hookFails atomic.Int32 // 1: BeginBlock panics after writing, 2: EndBlock returns an error after writing
}

type evilMsg struct {
	Key string `json:"key"`
	W   int64  `json:"weight,omitempty"`
}

func (m *evilMsg) ValidateBasic() error {
	if m.Key == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "a key is needed")
	}
	if m.Key == "validate-panic" {
		panic("ValidateBasic panics")
	}
	return nil
}

func (m *evilMsg) Weight() int64 { return m.W }

func (e *evil) Name() string { return "evil" }

func (e *evil) Routes() []module.Route {
	write := func(ctx *module.Context, m module.Msg) error {
		return ctx.KV.Set([]byte("evil/"+m.(*evilMsg).Key), []byte("x"))
	}
	return []module.Route{
		{Type: "evil/ok", New: func() module.Msg { return &evilMsg{} }, Handle: write},
		{Type: "evil/open", New: func() module.Msg { return &evilMsg{} }, Handle: write, Open: true},
		{Type: "evil/error", New: func() module.Msg { return &evilMsg{} }, Handle: func(ctx *module.Context, m module.Msg) error {
			_ = write(ctx, m)
			return errors.New("epcis: 0 raw events for 1 parsed") // a broken invariant, not an *gongxu.Error
		}},
		{Type: "evil/internal", New: func() module.Msg { return &evilMsg{} }, Handle: func(ctx *module.Context, m module.Msg) error {
			_ = write(ctx, m)
			return gongxu.Errorf(gongxu.KindInternal, "inconsistent state")
		}},
		{Type: "evil/panic", New: func() module.Msg { return &evilMsg{} }, Handle: func(ctx *module.Context, m module.Msg) error {
			_ = write(ctx, m)
			var p *gongxu.Pool
			_ = p.ID // nil dereference
			return nil
		}},
		{Type: "evil/refuse", New: func() module.Msg { return &evilMsg{} }, Handle: func(ctx *module.Context, m module.Msg) error {
			v, err := ctx.KV.Get([]byte("evil/paid"))
			if err != nil {
				return err
			}
			if v == nil {
				return gongxu.Errorf(gongxu.KindConflict, "nothing paid yet")
			}
			return write(ctx, m)
		}},
	}
}

func (e *evil) InitGenesis(*module.Context, json.RawMessage) error { return nil }

func (e *evil) BeginBlock(ctx *module.Context) error {
	if e.hookFails.Load() == 1 {
		_ = ctx.KV.Set([]byte("evil/begin"), []byte("x"))
		panic(fmt.Sprintf("begin block %d", ctx.Height))
	}
	return nil
}

func (e *evil) EndBlock(ctx *module.Context) error {
	if e.hookFails.Load() == 2 {
		_ = ctx.KV.Set([]byte("evil/end"), []byte("x"))
		return errors.New("end block broke")
	}
	return nil
}

// failingDB fails every read once fail is set, as a broken disk would.
type failingDB struct {
	store.DB
	fail atomic.Bool
}

func (f *failingDB) Get(k []byte) ([]byte, error) {
	if f.fail.Load() {
		return nil, errors.New("input/output error")
	}
	return f.DB.Get(k)
}

type evilChain struct {
	t     *testing.T
	app   *chain.App
	st    *store.State
	db    *failingDB
	evil  *evil
	h     int64
	seq   map[string]uint64
	clock int64
}

func newEvilChain(t *testing.T) *evilChain {
	db := &failingDB{DB: store.NewMemDB()}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	m, e := member.New(), &evil{}
	app, err := chain.New(st, chain.Config{ChainID: chaintest.ChainID, Modules: []module.Module{m, e}, Auth: m, Params: m})
	if err != nil {
		t.Fatal(err)
	}
	g := chaintest.Genesis(orgs...)
	if _, _, err := app.InitChain(chain.Genesis{Time: chaintest.GenesisTime, AppState: g}); err != nil {
		t.Fatal(err)
	}
	c := &evilChain{t: t, app: app, st: st, db: db, evil: e, seq: map[string]uint64{}, clock: chaintest.GenesisTime}
	c.block()
	return c
}

func (c *evilChain) sign(key, typ, body string) []byte {
	c.seq[key]++
	return gongxu.SignTx(chaintest.ChainID, chaintest.Key(key), typ, []byte(body), c.seq[key]).Encode()
}

func (c *evilChain) finalize(txs ...[]byte) (*chain.BlockResult, error) {
	c.clock += 1000
	return c.app.FinalizeBlock(chain.Block{Height: c.h + 1, Time: c.clock, Txs: txs})
}

func (c *evilChain) block(txs ...[]byte) *chain.BlockResult {
	c.t.Helper()
	res, err := c.finalize(txs...)
	if err != nil {
		c.t.Fatalf("block %d: %v", c.h+1, err)
	}
	if _, err := c.app.Commit(); err != nil {
		c.t.Fatal(err)
	}
	c.h++
	return res
}

func (c *evilChain) has(key string) bool {
	v, err := c.st.Get([]byte("evil/" + key))
	if err != nil {
		c.t.Fatal(err)
	}
	return v != nil
}

// TestHandlerFailuresDoNotStopTheChain: whatever a handler returns or
// panics with, its transaction fails with code internal, its writes are
// discarded, it is counted, and the block goes on: the transactions around
// it commit (issue 10, finding 1: a handler's internal error used to fail
// the block, for good).
func TestHandlerFailuresDoNotStopTheChain(t *testing.T) {
	c := newEvilChain(t)
	res := c.block(
		c.sign("factory-a", "evil/ok", `{"key":"before"}`),
		c.sign("factory-a", "evil/error", `{"key":"error"}`),
		c.sign("factory-a", "evil/internal", `{"key":"internal"}`),
		c.sign("factory-a", "evil/panic", `{"key":"panic"}`),
		c.sign("factory-a", "evil/ok", `{"key":"after"}`),
	)
	want := []gongxu.Kind{gongxu.KindOK, gongxu.KindInternal, gongxu.KindInternal, gongxu.KindInternal, gongxu.KindOK}
	for i, r := range res.Txs {
		if gongxu.Kind(r.Code) != want[i] {
			t.Errorf("tx %d (%s): %s %q, want %s", i, r.Type, gongxu.Kind(r.Code), r.Log, want[i])
		}
		if want[i] == gongxu.KindInternal && (len(r.Events) != 0 || !strings.Contains(r.Log, "not of the transaction's signer")) {
			t.Errorf("tx %d: events %v, log %q", i, r.Events, r.Log)
		}
	}
	if strings.Contains(res.Txs[3].Log, "goroutine") {
		t.Errorf("a stack trace went on the ledger: %q", res.Txs[3].Log)
	}
	for _, k := range []string{"before", "after"} {
		if !c.has(k) {
			t.Errorf("%s was not written", k)
		}
	}
	for _, k := range []string{"error", "internal", "panic"} {
		if c.has(k) {
			t.Errorf("the failed tx's write %s was kept", k)
		}
	}
	if s := c.app.Stats(); s.TxInternal != 3 || s.TxPanics != 1 {
		t.Errorf("stats %+v, want 3 internal failures, 1 panic", s)
	}
	// The failed transactions used their sequences: they cannot be replayed.
	if acc, _ := c.app.Account(chaintest.PubKey("factory-a")); acc.Sequence != 6 {
		t.Errorf("next sequence %d, want 6", acc.Sequence)
	}
	// CheckTx reaches the same verdict, and keeps nothing.
	if r := c.app.CheckTx(c.sign("factory-a", "evil/panic", `{"key":"panic2"}`)); gongxu.Kind(r.Code) != gongxu.KindInternal {
		t.Errorf("CheckTx of a panicking handler: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	// A panic in ValidateBasic is the message's fault, by every node.
	if r := c.app.CheckTx(c.sign("factory-a", "evil/ok", `{"key":"validate-panic"}`)); gongxu.Kind(r.Code) != gongxu.KindInvalid {
		t.Errorf("CheckTx of a panicking ValidateBasic: %s %q", gongxu.Kind(r.Code), r.Log)
	}
}

// TestHookFailuresDoNotStopTheChain: a block hook that panics or fails has
// its writes discarded, and the block and its transactions go on.
func TestHookFailuresDoNotStopTheChain(t *testing.T) {
	c := newEvilChain(t)
	for mode, key := range map[int32]string{1: "begin", 2: "end"} {
		c.evil.hookFails.Store(mode)
		res := c.block(c.sign("factory-a", "evil/ok", `{"key":"tx-`+key+`"}`))
		c.evil.hookFails.Store(0)
		if res.Txs[0].Code != 0 || !c.has("tx-"+key) {
			t.Errorf("%s hook failure: tx %q", key, res.Txs[0].Log)
		}
		if c.has(key) {
			t.Errorf("the failed %s hook's write was kept", key)
		}
	}
	if s := c.app.Stats(); s.HookFailures != 2 {
		t.Errorf("stats %+v, want 2 hook failures", s)
	}
}

// TestStorageFailureStopsTheNode: a failed read of the node's own storage
// is not the transaction's fault and may differ between nodes: the block
// fails on this node instead of committing a state the others would not.
func TestStorageFailureStopsTheNode(t *testing.T) {
	c := newEvilChain(t)
	tx := c.sign("factory-a", "evil/refuse", `{"key":"x"}`)
	c.db.fail.Store(true)
	_, err := c.finalize(tx)
	c.db.fail.Store(false)
	if err == nil || !strings.Contains(err.Error(), "input/output error") {
		t.Fatalf("a block over failing storage: %v", err)
	}
}

// TestCheckTxJudgesAgainstState: CheckTx runs the handler against the
// committed state plus what it accepted since, so what would fail in the
// block takes no block space, and what depends on an accepted tx passes.
func TestCheckTxJudgesAgainstState(t *testing.T) {
	c := newEvilChain(t)
	if r := c.app.CheckTx(c.sign("factory-a", "evil/refuse", `{"key":"r1"}`)); gongxu.Kind(r.Code) != gongxu.KindConflict {
		t.Fatalf("CheckTx before the payment: %s %q, want conflict", gongxu.Kind(r.Code), r.Log)
	}
	c.seq["factory-a"]-- // refused: its sequence is free again
	payment := c.sign("supplier-b", "evil/ok", `{"key":"paid"}`)
	if r := c.app.CheckTx(payment); r.Code != 0 {
		t.Fatalf("the payment: %q", r.Log)
	}
	dependent := c.sign("factory-a", "evil/refuse", `{"key":"r1"}`)
	if r := c.app.CheckTx(dependent); r.Code != 0 {
		t.Fatalf("CheckTx after an accepted payment: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	if c.has("paid") {
		t.Fatal("CheckTx wrote the committed state")
	}
	// After a commit that holds neither, the mempool rechecks both in its
	// order: the payment goes into the new check state first, so the
	// dependent transaction stays, and new ones that depend on it pass.
	c.block()
	if r := c.app.Recheck(payment); r.Code != 0 {
		t.Fatalf("recheck of the payment: %q", r.Log)
	}
	if r := c.app.Recheck(dependent); r.Code != 0 {
		t.Fatalf("recheck of the dependent tx: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	if r := c.app.CheckTx(c.sign("factory-a", "evil/refuse", `{"key":"r2"}`)); r.Code != 0 {
		t.Fatalf("CheckTx after the recheck: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	// Once the payment leaves the mempool unexecuted, the state has no
	// payment: a recheck of the dependent one alone refuses it.
	c.block()
	if r := c.app.Recheck(dependent); gongxu.Kind(r.Code) != gongxu.KindConflict {
		t.Fatalf("recheck without the payment: %s %q", gongxu.Kind(r.Code), r.Log)
	}
}

// TestBlockBudget: keys of no member org share a per-block budget, and a
// block's work is bounded by weight; PrepareProposal keeps within both,
// ProcessProposal refuses a proposal over them, and FinalizeBlock rejects
// what a block holds beyond them (quota, nothing changed, sequence unused).
func TestBlockBudget(t *testing.T) {
	c := newEvilChain(t)
	p := gongxu.DefaultParams()
	n := int(p.OpenTxsPerBlock()) + 5
	var txs [][]byte
	for i := range n {
		txs = append(txs, c.sign(fmt.Sprintf("fresh-%d", i), "evil/open", fmt.Sprintf(`{"key":"open-%d"}`, i)))
	}
	member := c.sign("factory-a", "evil/ok", `{"key":"member"}`)
	all := append(append([][]byte{}, txs...), member)
	prop := c.app.PrepareProposal(all, 4<<20)
	if len(prop) != int(p.OpenTxsPerBlock())+1 {
		t.Fatalf("proposal of %d txs, want %d open + the member's", len(prop), p.OpenTxsPerBlock())
	}
	if err := c.app.ProcessProposal(prop); err != nil {
		t.Fatalf("own proposal refused: %v", err)
	}
	if err := c.app.ProcessProposal(all); gongxu.ErrorKind(err) != gongxu.KindQuota {
		t.Fatalf("a proposal over the open budget: %v", err)
	}
	res := c.block(all...)
	for i, r := range res.Txs {
		over := i >= int(p.OpenTxsPerBlock()) && i < n
		if over != (gongxu.Kind(r.Code) == gongxu.KindQuota) || !over && r.Code != 0 {
			t.Fatalf("tx %d: %s %q", i, gongxu.Kind(r.Code), r.Log)
		}
	}
	if c.has(fmt.Sprintf("open-%d", n-1)) || !c.has("member") {
		t.Fatal("the budget was not applied")
	}
	if acc, _ := c.app.Account(chaintest.PubKey(fmt.Sprintf("fresh-%d", n-1))); acc.Sequence != 1 {
		t.Fatalf("a tx over the budget used its sequence: next %d", acc.Sequence)
	}

	// Weight: a tx heavier than a whole block is refused at CheckTx; heavy
	// txs fill the block's work budget and the rest wait.
	heavy := fmt.Sprintf(`{"key":"h","weight":%d}`, p.BlockWeight()+1)
	if r := c.app.CheckTx(c.sign("factory-a", "evil/ok", heavy)); gongxu.Kind(r.Code) != gongxu.KindTooLarge {
		t.Fatalf("CheckTx of a tx over the block budget: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	c.seq["factory-a"]--
	half := p.BlockWeight()/2 + 1
	a := c.sign("factory-a", "evil/ok", fmt.Sprintf(`{"key":"w1","weight":%d}`, half))
	b := c.sign("factory-a", "evil/ok", fmt.Sprintf(`{"key":"w2","weight":%d}`, half))
	if prop := c.app.PrepareProposal([][]byte{a, b}, 4<<20); len(prop) != 1 {
		t.Fatalf("proposal of %d heavy txs, want 1", len(prop))
	}
	if err := c.app.ProcessProposal([][]byte{a, b}); gongxu.ErrorKind(err) != gongxu.KindQuota {
		t.Fatalf("a proposal over the work budget: %v", err)
	}
	res = c.block(a, b)
	if res.Txs[0].Code != 0 || gongxu.Kind(res.Txs[1].Code) != gongxu.KindQuota {
		t.Fatalf("heavy txs: %q, %q", res.Txs[0].Log, res.Txs[1].Log)
	}
}

// TestProcessProposalRefusesForgeries: a proposal carrying a transaction
// that does not decode, or whose signature does not verify, is refused.
func TestProcessProposalRefusesForgeries(t *testing.T) {
	c := newEvilChain(t)
	good := c.sign("factory-a", "evil/ok", `{"key":"a"}`)
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1
	if err := c.app.ProcessProposal([][]byte{good}); err != nil {
		t.Fatal(err)
	}
	for name, txs := range map[string][][]byte{
		"bad signature": {bad},
		"garbage":       {{1, 2, 3}},
		"bad body":      {c.sign("factory-a", "evil/ok", `{"key":"a","key":"b"}`)},
	} {
		if err := c.app.ProcessProposal(txs); err == nil {
			t.Errorf("%s: proposal accepted", name)
		}
	}
}

// TestCheckTxWhileBlocksRun: the mempool judges transactions — running their
// handlers, EPCIS captures included — on its own goroutine while blocks
// execute and commit (run it with -race).
func TestCheckTxWhileBlocksRun(t *testing.T) {
	h := chaintest.New(t, orgs...)
	doc := `{"document":{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2025-12-31T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}}`
	done := make(chan struct{})
	var checked atomic.Int64
	go func() {
		defer close(done)
		for i := range 200 {
			key := chaintest.Key("supplier-b")
			raw := gongxu.SignTx(chaintest.ChainID, key, "trace/capture", []byte(fmt.Sprintf(doc, i)), uint64(1000+i)).Encode()
			h.App.CheckTx(raw)
			upd := gongxu.SignTx(chaintest.ChainID, key, member.TypeUpdateOrg, []byte(fmt.Sprintf(`{"description":"%d"}`, i)), uint64(2000+i)).Encode()
			h.App.CheckTx(upd)
			h.App.Recheck(upd)
			checked.Add(1)
		}
	}()
	for i := 0; checked.Load() < 200; i++ {
		chaintest.MustOK(t, h.Deliver(h.Sign("factory-a", member.TypeUpdateOrg, update(fmt.Sprintf("block %d", i)))))
	}
	<-done
}
