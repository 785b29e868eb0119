package chain_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

var orgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "supplier-b", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
}

func update(desc string) member.MsgUpdateOrg { return member.MsgUpdateOrg{Description: desc} }

// TestBadInput: every kind of bad transaction is rejected with its code, by
// CheckTx and by block execution alike, and changes nothing at all: not the
// business state, not the signer's sequence, not the app hash.
func TestBadInput(t *testing.T) {
	h := chaintest.New(t, orgs...)
	chaintest.MustOK(t, h.Deliver(h.Sign("factory-a", member.TypeUpdateOrg, update("first"))))
	replay := h.Sign("factory-a", member.TypeUpdateOrg, update("second"))
	chaintest.MustOK(t, h.Deliver(replay))

	good := func() *gongxu.Tx {
		b, _ := json.Marshal(update("x"))
		return gongxu.SignTx(chaintest.ChainID, chaintest.Key("factory-a"), member.TypeUpdateOrg, b, h.NextSeq("factory-a"))
	}
	resign := func(tx *gongxu.Tx) []byte {
		return gongxu.SignTx(chaintest.ChainID, chaintest.Key("factory-a"), tx.Type, tx.Body, tx.Sequence).Encode()
	}
	cases := []struct {
		name string
		tx   func() []byte
		kind gongxu.Kind
		msg  string
	}{
		{"empty", func() []byte { return nil }, gongxu.KindInvalid, "empty"},
		{"garbage", func() []byte { return []byte("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01") }, gongxu.KindInvalid, "length"},
		{"unknown version", func() []byte { b := good().Encode(); b[0] = 2; return b }, gongxu.KindInvalid, "version"},
		{"truncated", func() []byte { b := good().Encode(); return b[:len(b)-10] }, gongxu.KindInvalid, ""},
		{"trailing bytes", func() []byte { return append(good().Encode(), 0) }, gongxu.KindInvalid, "after the sequence"},
		{"wrong chain id", func() []byte {
			tx := good()
			return gongxu.SignTx("another-chain", chaintest.Key("factory-a"), tx.Type, tx.Body, tx.Sequence).Encode()
		}, gongxu.KindBadSignature, "another chain"},
		{"bad signature", func() []byte { b := good().Encode(); b[len(b)-1] ^= 1; return b }, gongxu.KindBadSignature, "signature"},
		{"altered body", func() []byte {
			tx := good()
			tx.Body = bytes.Replace(tx.Body, []byte(`"x"`), []byte(`"y"`), 1)
			return tx.Encode()
		}, gongxu.KindBadSignature, "altered"},
		{"replayed", func() []byte { return replay }, gongxu.KindSequence, "already used"},
		{"skipped sequence", func() []byte { tx := good(); tx.Sequence += 100_000; return resign(tx) }, gongxu.KindSequence, "skips"},
		{"oversized", func() []byte {
			tx := good()
			tx.Body = []byte(`{"description":"` + strings.Repeat("a", 1<<20) + `"}`)
			return resign(tx)
		}, gongxu.KindTooLarge, "limit"},
		{"unknown type", func() []byte { tx := good(); tx.Type = "member/frobnicate"; return resign(tx) }, gongxu.KindUnknownType, "frobnicate"},
		{"unknown field", func() []byte { tx := good(); tx.Body = []byte(`{"description":"x","evil":1}`); return resign(tx) }, gongxu.KindInvalid, "unknown field"},
		{"trailing json", func() []byte { tx := good(); tx.Body = []byte(`{"description":"x"} {}`); return resign(tx) }, gongxu.KindInvalid, "data after the JSON value"},
		// One meaning per signed byte (issue 10, finding 3): what a signer's
		// tool shows must be what the chain does.
		{"duplicate key", func() []byte {
			tx := good()
			tx.Body = []byte(`{"description":"a","description":"b"}`)
			return resign(tx)
		}, gongxu.KindInvalid, "repeats a key"},
		{"case-variant key", func() []byte {
			tx := good()
			tx.Body = []byte(`{"description":"a","Description":"b"}`)
			return resign(tx)
		}, gongxu.KindInvalid, "repeats a key"},
		{"escaped duplicate key", func() []byte {
			tx := good()
			tx.Body = []byte(`{"description":"a","\u0064escription":"b"}`)
			return resign(tx)
		}, gongxu.KindInvalid, "repeats a key"},
		{"case-folded key", func() []byte {
			tx := good()
			tx.Body = []byte("{\"description\":\"a\",\"de\u017fcription\":\"b\"}")
			return resign(tx)
		}, gongxu.KindInvalid, "repeats a key"},
		{"lone case-variant key", func() []byte { tx := good(); tx.Body = []byte(`{"Description":"a"}`); return resign(tx) }, gongxu.KindInvalid, "unknown field"},
		{"whitespace padding", func() []byte {
			tx := good()
			tx.Body = []byte(`{"description":"a"` + strings.Repeat(" ", 1000) + `}`)
			return resign(tx)
		}, gongxu.KindInvalid, "compact"},
		{"invalid utf-8", func() []byte { tx := good(); tx.Body = []byte("{\"description\":\"\xff\"}"); return resign(tx) }, gongxu.KindInvalid, "UTF-8"},
		{"lone surrogate", func() []byte { tx := good(); tx.Body = []byte(`{"description":"\ud800"}`); return resign(tx) }, gongxu.KindInvalid, "surrogate"},
		{"not an object", func() []byte { tx := good(); tx.Body = []byte(`["description"]`); return resign(tx) }, gongxu.KindInvalid, "JSON object"},
		{"deep nesting", func() []byte {
			tx := good()
			tx.Body = []byte(`{"description":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`)
			return resign(tx)
		}, gongxu.KindTooLarge, "levels deep"},
		{"not json", func() []byte { tx := good(); tx.Body = []byte(`description=x`); return resign(tx) }, gongxu.KindInvalid, "body"},
		{"invalid message", func() []byte { tx := good(); tx.Body = []byte(`{}`); return resign(tx) }, gongxu.KindInvalid, "changes nothing"},
		{"unauthorized signer", func() []byte { return h.SignSeq("stranger", member.TypeUpdateOrg, update("x"), 1) }, gongxu.KindUnauthorized, "no member org"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := c.tx()
			if r := h.App.CheckTx(raw); gongxu.Kind(r.Code) != c.kind || !strings.Contains(r.Log, c.msg) {
				t.Errorf("CheckTx: got %s %q, want %s containing %q", gongxu.Kind(r.Code), r.Log, c.kind, c.msg)
			}
			before, root := h.Dump(), h.Root()
			r := h.Deliver(raw)
			if gongxu.Kind(r.Code) != c.kind || !strings.Contains(r.Log, c.msg) {
				t.Errorf("block: got %s %q, want %s containing %q", gongxu.Kind(r.Code), r.Log, c.kind, c.msg)
			}
			if len(r.Events) != 0 {
				t.Errorf("rejected tx emitted events: %v", r.Events)
			}
			if h.Root() != root {
				t.Errorf("app hash changed")
			}
			if !equalMaps(before, h.Dump()) {
				t.Errorf("state changed")
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestHandlerRejectionConsumesSequence: a tx that reaches its handler and is
// rejected there consumes its sequence (it can never be replayed) and leaves
// the business state unchanged.
func TestHandlerRejectionConsumesSequence(t *testing.T) {
	h := chaintest.New(t, orgs...)
	before, _ := h.Member.Org(h.State, "factory-a")
	r := h.Deliver(h.Sign("factory-a", member.TypeRemoveKey, member.MsgRemoveKey{Key: chaintest.PubKey("factory-a")}))
	if gongxu.Kind(r.Code) != gongxu.KindConflict {
		t.Fatalf("removing the last key: got %s %q", gongxu.Kind(r.Code), r.Log)
	}
	after, _ := h.Member.Org(h.State, "factory-a")
	if len(after.Keys) != len(before.Keys) {
		t.Fatalf("keys changed")
	}
	acc, _ := h.App.Account(chaintest.PubKey("factory-a"))
	if acc.Sequence != 2 {
		t.Fatalf("sequence after a judged tx = %d, want 2", acc.Sequence)
	}
}

// TestCheckTxSequencesInMempool: CheckTx accepts consecutive sequences of one
// signer before they are committed, rejects gaps and repeats, and starts over
// from the committed sequence after a commit.
func TestCheckTxSequencesInMempool(t *testing.T) {
	h := chaintest.New(t, orgs...)
	t1 := h.Sign("hub-c", member.TypeUpdateOrg, update("1"))
	t2 := h.Sign("hub-c", member.TypeUpdateOrg, update("2"))
	t3 := h.Sign("hub-c", member.TypeUpdateOrg, update("3"))
	for i, tx := range [][]byte{t1, t2} {
		if r := h.App.CheckTx(tx); r.Code != 0 {
			t.Fatalf("tx %d: %s", i+1, r.Log)
		}
	}
	if r := h.App.CheckTx(t2); gongxu.Kind(r.Code) != gongxu.KindSequence {
		t.Fatalf("repeat: got %s", gongxu.Kind(r.Code))
	}
	acc, _ := h.App.Account(chaintest.PubKey("hub-c"))
	if acc.Sequence != 3 {
		t.Fatalf("account sequence counting the mempool = %d, want 3", acc.Sequence)
	}
	if r := h.App.CheckTx(t3); r.Code != 0 {
		t.Fatal(r.Log)
	}
	h.Block(t1)
	// After the commit the mempool is rechecked: t2 and t3 stay, in any order;
	// t1, now committed, is a replay.
	for i, tx := range [][]byte{t3, t2} {
		if r := h.App.Recheck(tx); r.Code != 0 {
			t.Fatalf("recheck tx %d: %s", 3-i, r.Log)
		}
	}
	if r := h.App.Recheck(t1); gongxu.Kind(r.Code) != gongxu.KindSequence {
		t.Fatalf("recheck of a committed tx: %s", gongxu.Kind(r.Code))
	}
	// A tx this node never judged (not in its signature cache) gets the full check.
	forged := append([]byte(nil), h.SignSeq("hub-c", member.TypeUpdateOrg, update("x"), 4)...)
	forged[len(forged)-1] ^= 1
	if r := h.App.Recheck(forged); gongxu.Kind(r.Code) != gongxu.KindBadSignature {
		t.Fatalf("recheck of an unjudged forged tx: %s", gongxu.Kind(r.Code))
	}
}

// TestQuota: a signer gets at most max_txs_per_signer_block transactions in
// one block; PrepareProposal leaves the rest in the mempool.
func TestQuota(t *testing.T) {
	h := chaintest.Open(t, newDB())
	g := chaintest.Genesis(orgs...)
	var mg member.Genesis
	_ = json.Unmarshal(g[member.Name], &mg)
	p := gongxu.DefaultParams()
	p.MaxTxsPerSignerBlock = 2
	mg.Params = &p
	g[member.Name], _ = json.Marshal(mg)
	h.InitChain(g)
	h.Block()
	var txs [][]byte
	for i := 0; i < 3; i++ {
		txs = append(txs, h.Sign("hub-c", member.TypeUpdateOrg, update(string(rune('a'+i)))))
	}
	if got := h.App.PrepareProposal(txs, 1<<20); len(got) != 2 {
		t.Fatalf("PrepareProposal kept %d txs, want 2", len(got))
	}
	res := h.Block(txs...)
	if res.Txs[0].Code != 0 || res.Txs[1].Code != 0 || gongxu.Kind(res.Txs[2].Code) != gongxu.KindQuota {
		t.Fatalf("codes %d %d %d", res.Txs[0].Code, res.Txs[1].Code, res.Txs[2].Code)
	}
	// The third was not judged: it goes through in the next block.
	chaintest.MustOK(t, h.Deliver(txs[2]))
}

// TestBatchVerification: a block with many valid and a few forged signatures
// gets exactly the forged ones rejected, whether or not CheckTx saw them.
func TestBatchVerification(t *testing.T) {
	h := chaintest.New(t, orgs...)
	var txs [][]byte
	for i := 0; i < 300; i++ {
		signer := orgs[i%3].ID
		tx := h.Sign(signer, member.TypeUpdateOrg, update(strings.Repeat("z", i%7+1)))
		if i%50 == 7 {
			tx = append([]byte(nil), tx...)
			tx[len(tx)-3] ^= 0x40
			h.ResetSeq(signer)
		}
		if i%2 == 0 && i%50 != 7 {
			h.App.CheckTx(tx) // warm the signature cache for half of them
		}
		txs = append(txs, tx)
	}
	res := h.Block(txs...)
	bad := 0
	for i, r := range res.Txs {
		if i%50 == 7 {
			if gongxu.Kind(r.Code) != gongxu.KindBadSignature {
				t.Fatalf("tx %d: forged signature got %s", i, gongxu.Kind(r.Code))
			}
			bad++
		}
	}
	if bad != 6 {
		t.Fatalf("bad = %d", bad)
	}
}

// TestModuleWiring: duplicate modules or message types are refused.
func TestModuleWiring(t *testing.T) {
	m := member.New()
	st := newState(t)
	if _, err := chain.New(st, chain.Config{ChainID: "x", Modules: append(modulesOf(m), m), Auth: m}); err == nil {
		t.Fatal("duplicate module accepted")
	}
	if _, err := chain.New(st, chain.Config{Modules: modulesOf(m), Auth: m}); err == nil {
		t.Fatal("empty chain id accepted")
	}
}

// TestCheckTxBeforeFirstBlock: between InitChain and the first commit,
// CheckTx judges against the genesis state, so members can submit at once.
func TestCheckTxBeforeFirstBlock(t *testing.T) {
	h := chaintest.Open(t, newDB())
	h.InitChain(chaintest.Genesis(orgs...))
	tx := h.Sign("hub-c", member.TypeUpdateOrg, update("early"))
	if r := h.App.CheckTx(tx); r.Code != 0 {
		t.Fatalf("CheckTx before block 1: %s", r.Log)
	}
	if r := h.App.CheckTx(h.SignSeq("stranger", member.TypeUpdateOrg, update("x"), 1)); gongxu.Kind(r.Code) != gongxu.KindUnauthorized {
		t.Fatalf("stranger before block 1: %s", gongxu.Kind(r.Code))
	}
	chaintest.MustOK(t, h.Block(tx).Txs[0])
}

// TestOutOfOrderMempool: CometBFT's mempool may list one signer's
// transactions out of sequence order (it appends after CheckTx returns, from
// several peers at once). CheckTx takes sequences within a window in any
// order, refuses a second transaction with a pending sequence, and the
// proposal puts each signer's transactions back in order, stopping at a gap,
// signers taking turns; a block still rejects any gap.
func TestOutOfOrderMempool(t *testing.T) {
	h := chaintest.New(t, orgs...)
	t1 := h.Sign("hub-c", member.TypeUpdateOrg, update("1"))
	t2 := h.Sign("hub-c", member.TypeUpdateOrg, update("2"))
	t3 := h.Sign("hub-c", member.TypeUpdateOrg, update("3"))
	t5 := h.SignSeq("hub-c", member.TypeUpdateOrg, update("6"), 6) // a gap: 4 and 5 never arrive
	other := h.Sign("factory-a", member.TypeUpdateOrg, update("a"))
	for _, tx := range [][]byte{t3, other, t1, t5, t2} {
		if r := h.App.CheckTx(tx); r.Code != 0 {
			t.Fatalf("CheckTx: %s", r.Log)
		}
	}
	dup := h.SignSeq("hub-c", member.TypeUpdateOrg, update("another 3"), 3)
	if r := h.App.CheckTx(dup); gongxu.Kind(r.Code) != gongxu.KindSequence || !strings.Contains(r.Log, "already taken") {
		t.Fatalf("a second tx with a pending sequence: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	if acc, _ := h.App.Account(chaintest.PubKey("hub-c")); acc.Sequence != 4 {
		t.Fatalf("next free sequence = %d, want 4 (1, 2, 3 and 6 pending)", acc.Sequence)
	}
	got := h.App.PrepareProposal([][]byte{t3, other, t1, t5, t2}, 1<<20)
	want := [][]byte{t1, other, t2, t3} // signers take turns
	if len(got) != len(want) {
		t.Fatalf("proposal has %d txs, want %d", len(got), len(want))
	}
	for i := range want {
		if string(got[i]) != string(want[i]) {
			t.Fatalf("proposal tx %d out of order", i)
		}
	}
	res := h.Block(got...)
	for i, r := range res.Txs {
		if r.Code != 0 {
			t.Fatalf("tx %d: %s", i, r.Log)
		}
	}
	// The block itself still refuses a gap.
	if r := h.Deliver(t5); gongxu.Kind(r.Code) != gongxu.KindSequence {
		t.Fatalf("a gap in a block: %s", gongxu.Kind(r.Code))
	}
}

// TestProposalIsFair: signers take turns in a proposal, so one signer's
// volume — many transactions, or large ones — cannot push another's out of
// the block (issue 10, finding 4: a member's transaction waited 30 s behind
// 320 one-megabyte transactions).
func TestProposalIsFair(t *testing.T) {
	h := chaintest.New(t, orgs...)
	var flood [][]byte
	big := strings.Repeat("x", 400)
	for i := range 300 {
		flood = append(flood, h.Sign("factory-a", member.TypeUpdateOrg, update(fmt.Sprintf("%d %s", i, big))))
	}
	late := h.Sign("hub-c", member.TypeUpdateOrg, update("late but small"))
	mempool := append(append([][]byte{}, flood...), late)
	prop := h.App.PrepareProposal(mempool, int64(10*len(flood[0])))
	if len(prop) == 0 || !slices.ContainsFunc(prop, func(tx []byte) bool { return bytes.Equal(tx, late) }) {
		t.Fatalf("a proposal of %d txs left out the other signer's transaction", len(prop))
	}
}

// TestRecheckSeesTheBlock: the mempool checks' reads of the committed state
// (the signer's org, its sequence, the handler's reads; memoized per height,
// checkreads.go) are those of the state after the last commit, never of the
// one before: a key removed from its org by a block this node did not check
// makes the recheck of its waiting transaction, and any new one, fail; the
// org's other key, whose sequence the block moved, is judged by the new
// sequence.
func TestRecheckSeesTheBlock(t *testing.T) {
	h := chaintest.New(t, orgs...)
	chaintest.MustOK(t, h.Deliver(h.Sign("hub-c", member.TypeAddKey, member.MsgAddKey{Key: chaintest.PubKey("hub-c2")})))
	waiting := h.Sign("hub-c2", member.TypeUpdateOrg, update("from the second key"))
	if r := h.App.CheckTx(waiting); r.Code != 0 || r.Org != "hub-c" {
		t.Fatalf("check of the second key's tx: %s (org %q)", r.Log, r.Org)
	}
	mine := h.Sign("hub-c", member.TypeUpdateOrg, update("first"))
	if r := h.App.CheckTx(mine); r.Code != 0 {
		t.Fatal(r.Log)
	}
	// The block, as another node proposed it: the removal, and hub-c's tx.
	res := h.Block(h.SignSeq("hub-c", member.TypeRemoveKey, member.MsgRemoveKey{Key: chaintest.PubKey("hub-c2")}, 2))
	for _, r := range res.Txs {
		chaintest.MustOK(t, r)
	}
	if r := h.App.Recheck(waiting); gongxu.Kind(r.Code) != gongxu.KindUnauthorized {
		t.Fatalf("recheck of a removed key's tx: %s %s", gongxu.Kind(r.Code), r.Log)
	}
	if r := h.App.CheckTx(h.Sign("hub-c2", member.TypeUpdateOrg, update("again"))); gongxu.Kind(r.Code) != gongxu.KindUnauthorized {
		t.Fatalf("check of a removed key's new tx: %s %s", gongxu.Kind(r.Code), r.Log)
	}
	// mine (sequence 2) was taken by the removal: a replay now.
	if r := h.App.Recheck(mine); gongxu.Kind(r.Code) != gongxu.KindSequence {
		t.Fatalf("recheck of a tx whose sequence the block used: %s %s", gongxu.Kind(r.Code), r.Log)
	}
	if r := h.App.CheckTx(h.SignSeq("hub-c", member.TypeUpdateOrg, update("next"), 3)); r.Code != 0 {
		t.Fatal(r.Log)
	}
}
