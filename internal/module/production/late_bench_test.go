package production

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// paramsOnly is a member module that only knows the parameters.
type paramsOnly struct{ p gongxu.Params }

func (paramsOnly) HasRole(store.Reader, gongxu.OrgID, gongxu.Role) (bool, error) { return true, nil }
func (o paramsOnly) Params(store.Reader) (gongxu.Params, error)                  { return o.p, nil }
func (paramsOnly) SealKey(store.Reader, gongxu.OrgID) (gongxu.SealKey, error)    { return "", nil }

// lateState is a state with pending accepted purchase orders of three lines
// each, promised ten days ahead, and due more whose first line is past its
// promised date plus the grace at now.
func lateState(tb testing.TB, pending, due int, now int64) *store.Cache {
	kv := store.NewCache(store.NewMemDB())
	ctx := &module.Context{KV: kv, Time: now}
	const day = 24 * 3600 * 1000
	for id := 1; id <= pending+due; id++ {
		promised := now + 10*day
		if id > pending {
			promised = now - 2*day
		}
		po := gongxu.PurchaseOrder{ID: uint64(id), Factory: "factory-a", Supplier: "supplier-s", Currency: "CNY", Status: gongxu.POAccepted,
			Promised: []int64{promised, promised + day, promised + 2*day}, Shipped: make([]gongxu.Qty, 3), Received: make([]gongxu.Qty, 3)}
		for i := range 3 {
			po.Lines = append(po.Lines, gongxu.POLine{Item: gongxu.ItemID(fmt.Sprint("item-", i)), Qty: 1000, Date: po.Promised[i], UnitPrice: 10})
		}
		if _, err := module.Save(kv, poKey(po.ID), po); err != nil {
			tb.Fatal(err)
		}
		if err := scheduleLate(ctx, &po); err != nil {
			tb.Fatal(err)
		}
	}
	return kv
}

// BenchmarkLateSweep is the cost of a block's lateness sweep with 10 orders
// falling due, as the orders waiting grow a hundredfold: it must stay flat
// (it reads the orders due, not the orders waiting).
func BenchmarkLateSweep(b *testing.B) {
	const now = 1767225600000
	m := &Module{members: paramsOnly{gongxu.DefaultParams()}}
	for _, pending := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("waiting=%d/due=10", pending), func(b *testing.B) {
			base := lateState(b, pending, 10, now)
			b.ResetTimer()
			for b.Loop() {
				ctx := &module.Context{KV: base.Branch(), Time: now}
				if err := m.recordLate(ctx); err != nil {
					b.Fatal(err)
				}
				if n := len(ctx.Events()); n != 20 { // 10 po_late and 10 production.po
					b.Fatalf("%d events", n)
				}
			}
		})
	}
}

// TestLateSweepReadsOnlyDue: with many orders waiting and none due, the
// sweep writes nothing and emits nothing; with some due, it records exactly
// their late lines.
func TestLateSweepReadsOnlyDue(t *testing.T) {
	const now = 1767225600000
	m := &Module{members: paramsOnly{gongxu.DefaultParams()}}
	base := lateState(t, 2000, 3, now)
	ctx := &module.Context{KV: base.Branch(), Time: now}
	if err := m.recordLate(ctx); err != nil {
		t.Fatal(err)
	}
	var late []string
	for _, ev := range ctx.Events() {
		if ev.Type == gongxu.EventPOLate {
			late = append(late, ev.Get("po")+"/"+ev.Get("line"))
		}
	}
	if fmt.Sprint(late) != "[2001/1 2002/1 2003/1]" {
		t.Fatalf("late lines %v", late)
	}
	// Each due order is indexed again at its next pending line.
	due, err := lateIndex.Due(ctx.KV, now+100*24*3600*1000)
	if err != nil || len(due) != 2003 {
		t.Fatalf("%d orders indexed, %v", len(due), err)
	}
	ctx = &module.Context{KV: base.Branch(), Time: now - 3*24*3600*1000}
	if err := m.recordLate(ctx); err != nil || len(ctx.Events()) != 0 {
		t.Fatalf("nothing was due: %v, %v", ctx.Events(), err)
	}
}

// countingKV counts the keys a sweep reads (gets and iterated entries).
type countingKV struct {
	store.KV
	reads int
}

func (c *countingKV) Get(key []byte) ([]byte, error) { c.reads++; return c.KV.Get(key) }
func (c *countingKV) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	return c.KV.Iterate(start, end, func(k, v []byte) bool { c.reads++; return fn(k, v) })
}

// TestLateSweepCostIsTheDue: the keys a sweep reads are the same with 100
// or 10,000 orders waiting, for the same orders due: its work does not
// grow with the orders on the ledger.
func TestLateSweepCostIsTheDue(t *testing.T) {
	const now = 1767225600000
	m := &Module{members: paramsOnly{gongxu.DefaultParams()}}
	var reads []int
	for _, waiting := range []int{100, 10_000} {
		kv := &countingKV{KV: lateState(t, waiting, 5, now).Branch()}
		if err := m.recordLate(&module.Context{KV: kv, Time: now}); err != nil {
			t.Fatal(err)
		}
		reads = append(reads, kv.reads)
	}
	if reads[0] != reads[1] || reads[0] == 0 {
		t.Fatalf("keys read with 100 and 10,000 orders waiting: %v", reads)
	}
	t.Logf("keys read for 5 orders due: %d", reads[0])
}

// TestLateCappedPerBlock: more orders due at one instant than a block reads
// are recorded late over the next blocks, each line once.
func TestLateCappedPerBlock(t *testing.T) {
	const now = 1767225600000
	m := &Module{members: paramsOnly{gongxu.DefaultParams()}}
	kv := lateState(t, 0, MaxLatePerBlock+3, now)
	// The blocks are at one time here, so that only the first lines are due.
	for i, want := range []int{MaxLatePerBlock, 3, 0} {
		ctx := &module.Context{KV: kv, Time: now}
		if err := m.recordLate(ctx); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range ctx.Events() {
			if ev.Type == gongxu.EventPOLate {
				n++
			}
		}
		if n != want {
			t.Fatalf("block %d recorded %d lines late, want %d", i, n, want)
		}
	}
}
