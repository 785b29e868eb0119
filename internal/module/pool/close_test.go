package pool_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// closeBacklog starts a chain whose pools 1 to 6 fall due at one instant,
// with 3, 2, 1, 0, 5 and 1 payer accounts (pool 2's second payer a direct
// pledge, pool 6 the first of a series), and moves the clock past their
// deadline: the next block is the first to close them.
func closeBacklog(t *testing.T) *chaintest.Harness {
	o := defaultOpen()
	h := setup(t, 6, 1_000_000, o)
	o.Product = "factory-a/tee"
	series := o
	series.Repeat = &gongxu.PoolRepeat{EveryMs: 7 * day, Times: 2}
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, o),
		h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, series))
	batch := func(p uint64, hub int) []byte {
		return h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: p, Leaves: leaves(6, int(p)*100+hub)})
	}
	mustBlock(t, h, batch(1, 0), batch(1, 1), batch(1, 2), batch(2, 3),
		h.Sign(hubName(4), pool.TypePledge, pool.MsgPledge{Pool: 2, Hub: gongxu.OrgID(hubName(4)), Variant: "s", Qty: 5}),
		batch(3, 5), batch(5, 0), batch(5, 1), batch(5, 2), batch(5, 3), batch(5, 4), batch(6, 5))
	h.Advance(10 * day)
	return h
}

func statuses(t *testing.T, h *chaintest.Harness, n uint64) string {
	t.Helper()
	var s []string
	for id := uint64(1); id <= n; id++ {
		p, err := h.Mods.Pool.Pool(h.State, id)
		if err != nil {
			s = append(s, "-")
			continue
		}
		s = append(s, string(p.Status))
	}
	return strings.Join(s, " ")
}

// TestCloseBoundedPerBlock: with more payers due at one instant than a
// block's budget (lowered here to 4 payer accounts), the first block closes
// the pools that fit, in (deadline, id) order, and the next blocks the
// rest, the first pool of a block always (pool 5's 5 payers close alone);
// a series' successor opens only after its predecessor's close. Meanwhile
// every message to a pool due but not closed yet is refused (KindExpired)
// and changes nothing: the block with them leaves the state of the same
// block without them.
func TestCloseBoundedPerBlock(t *testing.T) {
	t.Cleanup(pool.SetCloseBudget(pool.MaxClosesPerBlock, 4, pool.MaxPayersPerPool))
	h, twin := closeBacklog(t), closeBacklog(t)
	refused := []struct {
		signer, typ string
		body        any
	}{
		{hubName(0), pool.TypePledge, pool.MsgPledge{Pool: 2, Hub: gongxu.OrgID(hubName(0)), Variant: "s", Qty: 1}},
		{hubName(5), pool.TypeBatch, pool.MsgBatch{Pool: 3, Leaves: leaves(3, 999)}},
		{hubName(3), pool.TypeHubReduce, pool.MsgHubReduce{Pool: 2, Variant: "s", Qty: 1}},
		{hubName(4), pool.TypeReduce, pool.MsgReduce{Pool: 2, Pledge: 1, Qty: 0}},
		{"factory-a", pool.TypeCancel, pool.MsgCancel{Pool: 4}},
		{hubName(1), pool.TypePledge, pool.MsgPledge{Pool: 6, Hub: gongxu.OrgID(hubName(1)), Variant: "m", Qty: 2}},
	}
	var txs [][]byte
	for _, r := range refused {
		txs = append(txs, h.Sign(r.signer, r.typ, r.body))
	}
	res := h.Block(txs...)
	twin.Block()
	for i, r := range res.Txs {
		if gongxu.Kind(r.Code) != gongxu.KindExpired || !strings.Contains(r.Log, "is closing") {
			t.Errorf("%s to a pool due but not closed: %s %q, want expired, closing", refused[i].typ, gongxu.Kind(r.Code), r.Log)
		}
	}
	if diff := dataDiff(h, twin); len(diff) > 0 {
		t.Fatalf("the refused messages changed %v", diff)
	}
	if got, want := statuses(t, h, 7), "succeeded open open open open open -"; got != want {
		t.Fatalf("after the first block: %s, want %s", got, want)
	}
	for _, want := range []string{
		"succeeded succeeded succeeded failed open open -",              // 2 + 1 + 0 payers; pool 5's 5 would go over
		"succeeded succeeded succeeded failed succeeded open -",         // alone, over the budget: a block closes one pool at least
		"succeeded succeeded succeeded failed succeeded succeeded open", // then pool 6 reopens as pool 7
		"succeeded succeeded succeeded failed succeeded succeeded open",
	} {
		mustBlock(t, h)
		if got := statuses(t, h, 7); got != want {
			t.Fatalf("block %d: %s, want %s", h.Height, got, want)
		}
	}
	p7, err := h.Mods.Pool.Pool(h.State, 7)
	if err != nil {
		t.Fatal(err)
	}
	if p7.Series == nil || p7.Series.Prev != 6 || p7.Deadline != T0+17*day {
		t.Fatalf("pool 7 after pool 6 on its schedule: series %+v, deadline %d", p7.Series, p7.Deadline)
	}
}

// TestCloseCountBoundedPerBlock: pools with no payers still count, one each,
// against the pools a block closes.
func TestCloseCountBoundedPerBlock(t *testing.T) {
	t.Cleanup(pool.SetCloseBudget(2, pool.MaxClosePayersPerBlock, pool.MaxPayersPerPool))
	o := defaultOpen()
	h := setup(t, 1, 1_000_000, o)
	o.Product = "factory-a/tee"
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, o))
	h.Advance(10 * day)
	for _, want := range []string{"failed failed open open open", "failed failed failed failed open", "failed failed failed failed failed"} {
		mustBlock(t, h)
		if got := statuses(t, h, 5); got != want {
			t.Fatalf("block %d: %s, want %s", h.Height, got, want)
		}
	}
}

// TestPayersPerPool: a pool takes at most its limit of payer accounts
// (pool.MaxPayersPerPool, lowered here to 3): a new payer over it is
// refused (KindQuota) and changes nothing, while the payers it has may
// pledge more; a payer whose pledges are all withdrawn frees its place.
func TestPayersPerPool(t *testing.T) {
	t.Cleanup(pool.SetCloseBudget(pool.MaxClosesPerBlock, pool.MaxClosePayersPerBlock, 3))
	o := defaultOpen()
	o.LockMs = day
	h := setup(t, 5, 1_000_000, o)
	batch := func(hub, salt int) []byte {
		return h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: leaves(3, salt)})
	}
	mustBlock(t, h, batch(0, 1), batch(1, 2), batch(2, 3))
	before := h.Dump()
	res := h.Block(batch(3, 4), h.Sign(hubName(4), pool.TypePledge, pool.MsgPledge{Pool: 1, Hub: gongxu.OrgID(hubName(0)), Variant: "s", Qty: 1}))
	for _, r := range res.Txs {
		if gongxu.Kind(r.Code) != gongxu.KindQuota || !strings.Contains(r.Log, "payer accounts, the most one pool takes") {
			t.Errorf("a fourth payer: %s %q, want quota", gongxu.Kind(r.Code), r.Log)
		}
	}
	for k, v := range h.Dump() {
		if !strings.HasPrefix(k, "chain/seq/") && before[k] != v {
			t.Fatalf("a refused payer changed %s", k)
		}
	}
	mustBlock(t, h, batch(0, 5)) // a payer it has pledges more
	// hub 2 takes back its batch: 1+2+3 units of s, m, l.
	mustBlock(t, h, h.Sign(hubName(2), pool.TypeHubReduce, pool.MsgHubReduce{Pool: 1, Variant: "s", Qty: 1}),
		h.Sign(hubName(2), pool.TypeHubReduce, pool.MsgHubReduce{Pool: 1, Variant: "m", Qty: 2}),
		h.Sign(hubName(2), pool.TypeHubReduce, pool.MsgHubReduce{Pool: 1, Variant: "l", Qty: 3}))
	mustBlock(t, h, batch(3, 6))
	h.Advance(10 * day)
	mustBlock(t, h)
	p, err := h.Mods.Pool.Pool(h.State, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != gongxu.PoolSucceeded || p.Total != 24 {
		t.Fatalf("pool 1 is %s with %d units, want succeeded with 24", p.Status, p.Total)
	}
}

// dataDiff lists the keys whose committed values differ between two
// chains, but for the signers' sequences.
func dataDiff(a, b *chaintest.Harness) []string {
	da, db := a.Dump(), b.Dump()
	var diff []string
	for k, v := range da {
		if !strings.HasPrefix(k, "chain/seq/") && db[k] != v {
			diff = append(diff, k)
		}
	}
	for k := range db {
		if _, ok := da[k]; !ok && !strings.HasPrefix(k, "chain/seq/") {
			diff = append(diff, k)
		}
	}
	slices.Sort(diff)
	return diff
}

// TestCapClosesShareTheBudget: transactions that reach a pool's cap close
// it at once, and their payers count against the block's budget (lowered
// here to 4 payer accounts): a second cap close that would go over it is
// refused (KindQuota), changes nothing, and goes through in the next block.
func TestCapClosesShareTheBudget(t *testing.T) {
	t.Cleanup(pool.SetCloseBudget(pool.MaxClosesPerBlock, 4, 4))
	o := defaultOpen()
	o.Cap = 18
	h := setup(t, 4, 1_000_000, o)
	o.Product, o.Cap = "factory-a/tee", 12
	batch := func(p uint64, hub, salt int) []byte { // 6 units
		return h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: p, Leaves: leaves(3, salt)})
	}
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, o))
	mustBlock(t, h, batch(1, 0, 1), batch(1, 1, 2), batch(2, 0, 3))
	before := h.Dump()
	res := h.Block(batch(1, 2, 4), batch(2, 3, 5))
	chaintest.MustOK(t, res.Txs[0])
	if r := res.Txs[1]; gongxu.Kind(r.Code) != gongxu.KindQuota || !strings.Contains(r.Log, "this block's closes already settle 3 of the 4 a block may") {
		t.Fatalf("a second cap close over the block's budget: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	for k, v := range h.Dump() { // pool 2's records, its batch, hub-003's money
		if (strings.Contains(k, "/00000000000000000002") || strings.Contains(k, res.Txs[1].Hash) || strings.Contains(k, hubName(3))) && before[k] != v {
			t.Fatalf("the refused cap close changed %s", k)
		}
	}
	if got := statuses(t, h, 2); got != "succeeded open" {
		t.Fatalf("after the block: %s", got)
	}
	mustBlock(t, h, batch(2, 3, 5))
	if got := statuses(t, h, 2); got != "succeeded succeeded" {
		t.Fatalf("the next block: %s", got)
	}
}

// TestFailoversBoundedByPayers: succeeded pools failing over at one instant
// refund their payers within the block's budget (lowered here to 4 payer
// accounts), in (start due, id) order, the first pool of a block always;
// meanwhile a pool past its start due, not failed over yet, does not go into
// production.
func TestFailoversBoundedByPayers(t *testing.T) {
	t.Cleanup(pool.SetCloseBudget(pool.MaxClosesPerBlock, 4, pool.MaxPayersPerPool))
	o := defaultOpen()
	o.StartBy = o.Deadline + day
	h := setup(t, 3, 1_000_000, o)
	o.Product = "factory-a/tee"
	mustBlock(t, h, h.Sign("factory-a", pool.TypeOpen, o), h.Sign("factory-a", pool.TypeOpen, o))
	batch := func(p uint64, hub int) []byte {
		return h.Sign(hubName(hub), pool.TypeBatch, pool.MsgBatch{Pool: p, Leaves: leaves(6, int(p)*100+hub)})
	}
	mustBlock(t, h, batch(1, 0), batch(1, 1), batch(1, 2), batch(2, 0), batch(2, 1), batch(3, 2))
	h.Advance(10 * day)
	mustBlock(t, h) // the closes: 3 + 2 payers over the budget of 4, two blocks
	mustBlock(t, h)
	if got := statuses(t, h, 3); got != "succeeded succeeded succeeded" {
		t.Fatalf("after the closes: %s", got)
	}
	p1, _ := h.Mods.Pool.Pool(h.State, 1)
	h.Time = p1.StartDue - 1000 // the next block is at the start due of all three
	res := h.Block(h.Sign("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: 2}))
	if r := res.Txs[0]; gongxu.Kind(r.Code) != gongxu.KindConflict || !strings.Contains(r.Log, "was not in production by") {
		t.Fatalf("production of a pool past its start due: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	for _, want := range []string{"failed succeeded succeeded", "failed failed failed"} {
		if got := statuses(t, h, 3); got != want {
			t.Fatalf("block %d: %s, want %s", h.Height, got, want)
		}
		mustBlock(t, h)
	}
}
