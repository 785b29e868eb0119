package rfq

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// countingSettle records the bonds moved, without accounts.
type countingSettle struct{ moves *int }

func (c countingSettle) Transfer(*module.Context, gongxu.AccountID, gongxu.AccountID, string, gongxu.Amount, gongxu.MoveReason, string) error {
	*c.moves++
	return nil
}

// forfeitState holds open RFQs with a bond and three sealed bids each:
// waiting ones whose reveal deadline is ahead, due ones at now.
func forfeitState(tb testing.TB, waiting, due int, now int64) *store.Cache {
	kv := store.NewCache(store.NewMemDB())
	ctx := &module.Context{KV: kv, Time: now}
	for id := 1; id <= waiting+due; id++ {
		reveal := now + 24*3600*1000
		if id > waiting {
			reveal = now
		}
		r := gongxu.RFQ{ID: uint64(id), Requester: "hub-a", Title: "Bags", Unit: "piece", Qty: 100, MaxPrice: 100, Currency: "CNY",
			Bond: 50, BidDeadline: reveal - 1000, RevealDeadline: reveal, TargetDate: reveal + 1000, Status: gongxu.RFQOpen, Bids: 3}
		if _, err := module.Save(kv, rfqKey(r.ID), r); err != nil {
			tb.Fatal(err)
		}
		if err := reveals.Add(kv, r.RevealDeadline, r.ID); err != nil {
			tb.Fatal(err)
		}
		for _, b := range []gongxu.OrgID{"factory-b", "factory-c", "factory-d"} {
			if err := saveBid(ctx, gongxu.Bid{RFQ: r.ID, Bidder: b, Commitment: "00", Bond: 50}, ""); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return kv
}

// BenchmarkForfeitSweep is the cost of a block's bid bond sweep with 10
// RFQs reaching their reveal deadline (30 sealed bids forfeiting), as the
// RFQs waiting grow a hundredfold: it must stay flat.
func BenchmarkForfeitSweep(b *testing.B) {
	const now = 1767225600000
	for _, waiting := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("waiting=%d/due=10", waiting), func(b *testing.B) {
			base := forfeitState(b, waiting, 10, now)
			moves := 0
			m := &Module{settle: countingSettle{&moves}}
			b.ResetTimer()
			for b.Loop() {
				moves = 0
				if err := m.forfeitDue(&module.Context{KV: base.Branch(), Time: now}); err != nil {
					b.Fatal(err)
				}
				if moves != 30 {
					b.Fatalf("%d bonds forfeited", moves)
				}
			}
		})
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

// TestForfeitSweepCostIsTheDue: the keys the forfeit sweep reads are the
// same with 100 or 10,000 RFQs waiting (with their bids), for the same
// RFQs due: its work does not grow with the RFQs on the ledger.
func TestForfeitSweepCostIsTheDue(t *testing.T) {
	const now = 1767225600000
	var reads []int
	for _, waiting := range []int{100, 10_000} {
		moves := 0
		m := &Module{settle: countingSettle{&moves}}
		kv := &countingKV{KV: forfeitState(t, waiting, 5, now).Branch()}
		if err := m.forfeitDue(&module.Context{KV: kv, Time: now}); err != nil {
			t.Fatal(err)
		}
		if moves != 15 {
			t.Fatalf("%d bonds forfeited, want 15", moves)
		}
		reads = append(reads, kv.reads)
	}
	if reads[0] != reads[1] || reads[0] == 0 {
		t.Fatalf("keys read with 100 and 10,000 RFQs waiting: %v", reads)
	}
	t.Logf("keys read for 5 RFQs due: %d", reads[0])
}

// TestForfeitsCappedPerBlock: more RFQs due at one instant than a block
// settles are settled over the next blocks, each once.
func TestForfeitsCappedPerBlock(t *testing.T) {
	const now = 1767225600000
	kv := forfeitState(t, 0, MaxForfeitsPerBlock+3, now)
	moves := 0
	m := &Module{settle: countingSettle{&moves}}
	for i, want := range []int{3 * MaxForfeitsPerBlock, 3 * 3, 0} {
		moves = 0
		if err := m.forfeitDue(&module.Context{KV: kv, Time: now + int64(i)*1000}); err != nil {
			t.Fatal(err)
		}
		if moves != want {
			t.Fatalf("block %d forfeited %d bonds, want %d", i, moves, want)
		}
	}
}
