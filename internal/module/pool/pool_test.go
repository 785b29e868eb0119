package pool_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/store"
)

// T0 is the harness's genesis time; deadlines are relative to it.
const T0 = chaintest.GenesisTime

const day = 24 * 3600 * 1000

func hubOrgs(n int) []chaintest.OrgSpec {
	orgs := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	for i := range n {
		orgs = append(orgs, chaintest.OrgSpec{ID: hubName(i), Roles: []gongxu.Role{gongxu.RoleHub}})
	}
	return orgs
}

func hubName(i int) string { return fmt.Sprintf("hub-%03d", i) }

// setup starts a chain with a factory, n hubs (each with deposit CNY), a
// product with variants s, m, l and an open pool 1 on it.
func setup(t testing.TB, n int, deposit gongxu.Amount, open pool.MsgOpen) *chaintest.Harness {
	t.Helper()
	h := chaintest.New(t, hubOrgs(n)...)
	txs := [][]byte{h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "T-shirt", Unit: "piece",
		Variants: []gongxu.Variant{{ID: "s", Name: "S"}, {ID: "m", Name: "M"}, {ID: "l", Name: "L"}}})}
	for i := range n {
		txs = append(txs, h.Sign(hubName(i), settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: deposit}))
	}
	mustBlock(t, h, txs...)
	open.Product = "factory-a/tee"
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, open))
	return h
}

func defaultOpen() pool.MsgOpen {
	return pool.MsgOpen{Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1000}, {MinQty: 100, UnitPrice: 900}, {MinQty: 10_000, UnitPrice: 800}},
		MOQ: 10, Cap: 100_000_000, CasePack: 1, Currency: "CNY", Deadline: T0 + 10*day}
}

// mustBlock executes a block and fails on any rejected tx or a broken money
// invariant.
func mustBlock(t testing.TB, h *chaintest.Harness, txs ...[]byte) *chain.BlockResult {
	t.Helper()
	res := h.Block(txs...)
	for _, r := range res.Txs {
		chaintest.MustOK(t, r)
	}
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatalf("height %d: %v", h.Height, err)
	}
	return res
}

func leaves(n, salt int) []pool.Leaf {
	out := make([]pool.Leaf, n)
	for i := range out {
		out[i] = committed(pool.Leaf{ID: fmt.Sprintf("%08x%08x", salt, i), Variant: []string{"s", "m", "l"}[i%3], Qty: gongxu.Units(1 + i%3)})
	}
	return out
}

func events(evs []gongxu.Event, typ string) []gongxu.Event {
	var out []gongxu.Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// TestBatchReceiptsMatchLedger: the receipts a hub computes off the ledger
// verify against the root the ledger stored for the batch transaction.
func TestBatchReceiptsMatchLedger(t *testing.T) {
	h := setup(t, 2, 10_000_000, defaultOpen())
	ls := leaves(777, 1)
	res := mustBlock(t, h, h.Sign(hubName(1), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: ls}))
	tx := res.Txs[0]
	b, err := h.Mods.Pool.Batch(h.State, 1, tx.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if b.Leaves != 777 || b.Hub != gongxu.OrgID(hubName(1)) || b.Tx != tx.Hash || b.Height != h.Height {
		t.Fatalf("batch record %+v", b)
	}
	var qty gongxu.Units
	for _, l := range ls {
		qty += l.Qty
	}
	if b.Qty != qty || b.Escrow != gongxu.Amount(qty)*1000 {
		t.Fatalf("batch qty %d escrow %d, want %d %d", b.Qty, b.Escrow, qty, qty*1000)
	}
	for i, r := range pool.Receipts(tx.Hash, 1, gongxu.OrgID(hubName(1)), ls) {
		if r.Root != b.Root || int64(r.Leaves) != b.Leaves {
			t.Fatalf("receipt %d root %s, ledger %s", i, r.Root, b.Root)
		}
		if err := pool.VerifyReceipt(r); err != nil {
			t.Fatalf("receipt %d: %v", i, err)
		}
		// A receipt for another hub's batch, or the wrong pool, fails.
		r.Hub = gongxu.OrgID(hubName(0))
		if pool.VerifyReceipt(r) == nil {
			t.Fatal("receipt verifies for another hub")
		}
	}
	if _, err := h.Mods.Pool.Batch(h.State, 1, strings.ToLower(tx.Hash)); err != nil {
		t.Fatalf("batch by lower-case hash: %v", err)
	}
	if _, err := h.Mods.Pool.Batch(h.State, 1, "00"); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("unknown batch: %v", err)
	}
	if _, err := h.Mods.Pool.Batch(h.State, 2, tx.Hash); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("unknown batch: %v", err)
	}

	// The events carry snapshots the read model can project.
	if evs := events(tx.Events, "pool.batch"); len(evs) != 1 || evs[0].Get("tx") != tx.Hash || evs[0].Get("hub") != hubName(1) {
		t.Fatalf("pool.batch events %+v", evs)
	}
	var p gongxu.Pool
	pe := events(tx.Events, "pool.pool")
	if len(pe) != 1 || json.Unmarshal([]byte(pe[0].Get("json")), &p) != nil || p.Total != qty || p.Pledges != 777 || pe[0].Get("status") != "open" {
		t.Fatalf("pool.pool events %+v", pe)
	}
	var s gongxu.HubShare
	se := events(tx.Events, "pool.share")
	if len(se) != 1 || json.Unmarshal([]byte(se[0].Get("json")), &s) != nil || s.Qty != qty || len(s.Variants) != 3 {
		t.Fatalf("pool.share events %+v", se)
	}
	if mv := events(tx.Events, "settle.move"); len(mv) != 1 || mv[0].Get("reason") != "escrow" || mv[0].Get("to") != "escrow:1" {
		t.Fatalf("settle.move events %+v", mv)
	}
	d, err := h.Mods.Pool.Demand(h.State, 1)
	if err != nil || len(d) != 3 || d[0].Variant != "l" || d[0].Qty+d[1].Qty+d[2].Qty != qty {
		t.Fatalf("demand %+v %v", d, err)
	}
	shares, err := h.Mods.Pool.HubShares(h.State, 1)
	if err != nil || len(shares) != 1 {
		t.Fatalf("shares %+v %v", shares, err)
	}
}

// TestDeadlineOrder: pools falling due in the same block close in (deadline,
// id) order, and the closing events say so.
func TestDeadlineOrder(t *testing.T) {
	o := defaultOpen()
	o.Deadline = T0 + 3*day
	h := setup(t, 1, 1_000_000, o)
	o.Product = "factory-a/tee"
	o2, o3 := o, o
	o2.Deadline = T0 + 2*day
	o3.Deadline = T0 + 2*day
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, o2), h.Sign("factory-a", pool.TypeOpen, o3))
	mustBlock(t, h, h.Sign(hubName(0), pool.TypeBatch, pool.MsgBatch{Pool: 3, Leaves: leaves(30, 3)}))
	h.Advance(5 * day)
	res := mustBlock(t, h)
	var order []string
	for _, e := range events(res.Events, "pool.pool") {
		order = append(order, e.Get("pool")+":"+e.Get("status"))
	}
	if got := strings.Join(order, " "); got != "2:failed 3:succeeded 1:failed" {
		t.Fatalf("closing order %s", got)
	}
}

// TestOpenAwarded: the rfq module's entry point opens a pool and closes it
// at once as succeeded, with the hub's money captured; it then runs through
// production and delivery like any pool.
func TestOpenAwarded(t *testing.T) {
	h := chaintest.New(t, append(hubOrgs(2), chaintest.OrgSpec{ID: "supplier-s", Roles: []gongxu.Role{gongxu.RoleSupplier}})...)
	mustBlock(t, h, h.Sign(hubName(0), settle.TypeDeposit, settle.MsgDeposit{Currency: "EUR", Amount: 50_000}))
	good := pool.Award{Factory: "factory-a", Hub: gongxu.OrgID(hubName(0)), Title: "200 oak chairs", Qty: 200, UnitPrice: 240,
		Currency: "EUR", Deadline: T0 + 30*day, RFQ: 9}

	try := func(a pool.Award) (uint64, *store.Cache, *module.Context, error) {
		c := h.State.Begin()
		ctx := &module.Context{KV: c, ChainID: chaintest.ChainID, Height: h.Height + 1, Time: h.Time + 1000}
		id, err := h.Mods.Pool.OpenAwarded(ctx, a)
		return id, c, ctx, err
	}
	for name, c := range map[string]struct {
		mod  func(*pool.Award)
		kind gongxu.Kind
	}{
		"no funds":     {func(a *pool.Award) { a.Qty = 300 }, gongxu.KindConflict},
		"not factory":  {func(a *pool.Award) { a.Factory = "supplier-s" }, gongxu.KindUnauthorized},
		"not hub":      {func(a *pool.Award) { a.Hub = "factory-a" }, gongxu.KindUnauthorized},
		"zero qty":     {func(a *pool.Award) { a.Qty = 0 }, gongxu.KindInvalid},
		"bad price":    {func(a *pool.Award) { a.UnitPrice = -1 }, gongxu.KindInvalid},
		"overflow":     {func(a *pool.Award) { a.Qty, a.UnitPrice = 1<<62, 4 }, gongxu.KindInvalid},
		"currency":     {func(a *pool.Award) { a.Currency = "eur" }, gongxu.KindInvalid},
		"no title":     {func(a *pool.Award) { a.Title = "" }, gongxu.KindInvalid},
		"no rfq":       {func(a *pool.Award) { a.RFQ = 0 }, gongxu.KindInvalid},
		"bad hub name": {func(a *pool.Award) { a.Hub = "X" }, gongxu.KindInvalid},
	} {
		a := good
		c.mod(&a)
		if _, _, _, err := try(a); gongxu.ErrorKind(err) != c.kind {
			t.Errorf("%s: %v, want %s", name, err, c.kind)
		}
	}

	id, cache, ctx, err := try(good)
	if err != nil || id != 1 {
		t.Fatalf("OpenAwarded = %d, %v", id, err)
	}
	p, err := h.Mods.Pool.Pool(cache, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != gongxu.PoolSucceeded || p.Title != "200 oak chairs" || p.RFQ != 9 || p.Product != "" || p.Price != 240 ||
		p.Total != 200 || p.Captured != 48_000 || p.Escrowed != 0 || len(p.History) != 1 ||
		!strings.HasPrefix(p.History[0].Reason, "awarded from request for quote 9") {
		t.Fatalf("awarded pool %+v", p)
	}
	for acct, want := range map[gongxu.AccountID]gongxu.Amount{"org:" + gongxu.AccountID(hubName(0)): 2_000, "captured:1": 48_000, "escrow:1": 0} {
		if got, _ := h.Mods.Settle.Balance(cache, acct, "EUR"); got != want {
			t.Errorf("%s holds %d, want %d", acct, got, want)
		}
	}
	if err := h.Mods.Settle.CheckInvariant(cache); err != nil {
		t.Fatal(err)
	}
	if evs := events(ctx.Events(), "pool.pool"); len(evs) != 1 || evs[0].Get("status") != "succeeded" {
		t.Fatalf("events %+v", ctx.Events())
	}

	// Commit the award as the rfq module's transaction would, then deliver.
	if _, err := h.State.Commit(cache, h.Height+1); err != nil {
		t.Fatal(err)
	}
	h.Height++
	h.Time += 1000
	mustBlock(t, h, h.Sign("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: 1}))
	if r := h.Deliver(h.Sign(hubName(1), pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1})); gongxu.Kind(r.Code) != gongxu.KindUnauthorized {
		t.Fatalf("a hub without a share confirmed: %+v", r)
	}
	h.ResetSeq(hubName(1))
	mustBlock(t, h, h.Sign(hubName(0), pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1}))
	p, _ = h.Mods.Pool.Pool(h.State, 1)
	if p.Status != gongxu.PoolSettled || p.Released != 48_000 {
		t.Fatalf("pool after delivery %+v", p)
	}
	if got, _ := h.Mods.Settle.Balance(h.State, "org:factory-a", "EUR"); got != 48_000 {
		t.Fatalf("factory holds %d", got)
	}
}
