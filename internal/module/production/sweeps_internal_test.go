package production

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// sweepState holds waiting accepted orders with a change pending and a line
// to release ten days ahead, and due orders whose change deadline and
// release are a day behind now.
func sweepState(tb testing.TB, waiting, due int, now int64) *store.Cache {
	kv := store.NewCache(store.NewMemDB())
	ctx := &module.Context{KV: kv, Time: now - 20*dayMs}
	for id := 1; id <= waiting+due; id++ {
		at := now + 10*dayMs
		if id > waiting {
			at = now - dayMs
		}
		po := gongxu.PurchaseOrder{ID: uint64(id), Factory: "factory-a", Supplier: "supplier-s", Currency: "CNY", Status: gongxu.POAccepted,
			Lines:    []gongxu.POLine{{Item: "fabric", Qty: 1000, Date: at + dayMs, UnitPrice: 10, Release: at}},
			Promised: []int64{at + dayMs}, Shipped: []gongxu.Qty{0}, Received: []gongxu.Qty{0}}
		po.Change = &gongxu.POChange{ID: 1, By: "supplier-s", Lines: po.Lines, Deadline: at}
		po.Negotiation = []gongxu.PONegotiation{{By: "supplier-s", Action: "change"}}
		if _, err := module.Save(kv, poKey(po.ID), po); err != nil {
			tb.Fatal(err)
		}
		if err := changeIndex.Add(kv, at, po.ID); err != nil {
			tb.Fatal(err)
		}
		if err := scheduleReleases(ctx, &po); err != nil {
			tb.Fatal(err)
		}
	}
	return kv
}

const dayMs = 24 * 3600 * 1000

// TestChangeAndReleaseSweepsReadOnlyDue: the change-lapse and release
// sweeps read the same keys with 100 or 10,000 orders waiting for the
// same orders due, and each block takes at most its cap, the rest in the
// next blocks.
func TestChangeAndReleaseSweepsReadOnlyDue(t *testing.T) {
	const now = 1767225600000
	m := &Module{members: paramsOnly{gongxu.DefaultParams()}}
	for _, sweep := range []struct {
		name string
		run  func(*module.Context) error
		cap  int
	}{{"lapse", m.lapseChanges, MaxChangeLapsePerBlock}, {"release", m.releaseLines, MaxReleasePerBlock}} {
		var reads []int
		for _, waiting := range []int{100, 10_000} {
			kv := &countingKV{KV: sweepState(t, waiting, 5, now).Branch()}
			ctx := &module.Context{KV: kv, Time: now}
			if err := sweep.run(ctx); err != nil {
				t.Fatal(err)
			}
			if n := len(ctx.Events()); n != 5 { // one production.po per due order
				t.Fatalf("%s, %d waiting: %d events", sweep.name, waiting, n)
			}
			reads = append(reads, kv.reads)
		}
		if reads[0] != reads[1] {
			t.Errorf("%s: %d keys read with 100 orders waiting, %d with 10,000", sweep.name, reads[0], reads[1])
		}
		// More due than the cap: the cap this block, the rest the next.
		base := sweepState(t, 10, sweep.cap+7, now)
		for i, want := range []int{sweep.cap, 7, 0} {
			ctx := &module.Context{KV: base, Time: now + int64(i)*1000}
			if err := sweep.run(ctx); err != nil {
				t.Fatal(err)
			}
			if n := len(ctx.Events()); n != want {
				t.Fatalf("%s block %d: %d orders, want %d", sweep.name, i+1, n, want)
			}
		}
		for id := uint64(1); id <= uint64(10+sweep.cap+7); id++ {
			po, err := m.PO(base, id)
			if err != nil {
				t.Fatal(err)
			}
			waiting := id <= 10
			switch sweep.name {
			case "lapse":
				if (po.Change == nil) == waiting {
					t.Fatalf("order %d: change %+v", id, po.Change)
				}
			case "release":
				if (len(po.Released) == 1 && po.Released[0] != 0) == waiting {
					t.Fatalf("order %d: released %v", id, po.Released)
				}
			}
		}
	}
}

// BenchmarkChangeLapseSweep is a block's change-lapse sweep with 10
// changes due, as the changes waiting grow a hundredfold.
func BenchmarkChangeLapseSweep(b *testing.B) {
	const now = 1767225600000
	m := &Module{members: paramsOnly{gongxu.DefaultParams()}}
	for _, waiting := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("waiting=%d/due=10", waiting), func(b *testing.B) {
			base := sweepState(b, waiting, 10, now)
			b.ResetTimer()
			for b.Loop() {
				ctx := &module.Context{KV: base.Branch(), Time: now}
				if err := m.lapseChanges(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
