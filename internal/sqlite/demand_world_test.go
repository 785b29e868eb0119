package sqlite_test

import (
	"context"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestDemandWorld checks the demand facts of inproc's World (a real chain:
// hub batches, pools that succeed, fail, are awarded or stay open, pickups)
// against the ledger's own records of every pool: its hubs' per-variant
// shares, its status, final price and pickups.
func TestDemandWorld(t *testing.T) {
	w := inproc.NewWorld(t)
	ctx := context.Background()
	db := w.Read()
	sums, err := db.DemandSums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type hv struct {
		pool    uint64
		hub     gongxu.OrgID
		variant string
	}
	got := map[hv]sqlite.DemandSum{}
	picked := map[hv]gongxu.Units{} // by pool and hub
	for _, s := range sums {
		got[hv{s.Pool, s.Hub, s.Variant}] = s
		picked[hv{s.Pool, s.Hub, ""}] += s.PickedUp
	}
	pools, err := db.Pools(ctx, gongxu.PoolFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	checked := map[gongxu.PoolStatus]int{}
	for _, p := range pools {
		shares, err := db.HubShares(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var total gongxu.Units
		for _, sh := range shares {
			for _, v := range sh.Variants {
				s := got[hv{p.ID, sh.Hub, v.Variant}]
				total += s.Pledged
				first := p.Tiers[0].UnitPrice
				if s.Pledged-s.Refunded+closedRefund(p, s) != v.Qty || s.PledgedM != gongxu.Amount(s.Pledged)*first {
					t.Errorf("pool %d hub %s variant %q: facts %+v, share holds %d", p.ID, sh.Hub, v.Variant, s, v.Qty)
				}
				switch p.Status {
				case gongxu.PoolOpen:
					if s.Captured != 0 || s.Refunded != 0 {
						t.Errorf("open pool %d: %+v", p.ID, s)
					}
				case gongxu.PoolFailed:
					if s.Captured != 0 || s.Refunded != v.Qty || s.RefundedM != gongxu.Amount(v.Qty)*first {
						t.Errorf("failed pool %d: %+v, want %d refunded", p.ID, s, v.Qty)
					}
				default:
					if s.Captured != v.Qty || s.CapturedM != gongxu.Amount(v.Qty)*p.Price {
						t.Errorf("pool %d (%s): %+v, want %d captured at %d", p.ID, p.Status, s, v.Qty, p.Price)
					}
				}
			}
			if picked[hv{p.ID, sh.Hub, ""}] != sh.PickedUp {
				t.Errorf("pool %d hub %s: %d picked up in the facts, share says %d", p.ID, sh.Hub, picked[hv{p.ID, sh.Hub, ""}], sh.PickedUp)
			}
		}
		if total != p.Total {
			t.Errorf("pool %d: %d units pledged in the facts, pool total %d", p.ID, total, p.Total)
		}
		checked[p.Status]++
	}
	if checked[gongxu.PoolFailed] == 0 || checked[gongxu.PoolOpen] == 0 || len(checked) < 4 {
		t.Fatalf("the World's pools by status: %v", checked)
	}
	if picked[hv{w.JacketsShipped, inproc.Hilltown, ""}] == 0 {
		t.Fatal("no pickup in the facts")
	}

	// The service over the same read model: Hilltown's own jacket cells in
	// full, Lakeside's (one contributor: the hub) suppressed for Hilltown.
	d, err := sqlite.NewDemand(db, gongxu.DemandThresholds{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := d.Demand(ctx, gongxu.DemandFilter{Product: inproc.Acme + "/merino-jacket", Period: gongxu.DemandMonth, Reader: inproc.Hilltown})
	if err != nil {
		t.Fatal(err)
	}
	var own, hidden int
	for _, c := range rep.Cells {
		switch {
		case c.Hub == inproc.Hilltown && (!c.Own || c.Pledged == nil):
			t.Errorf("Hilltown's own cell: %+v", c)
		case c.Hub == inproc.Hilltown:
			own++
		case c.Hub == inproc.Lakeside && !c.Suppressed:
			t.Errorf("Lakeside's cell shown to Hilltown: %+v", c)
		case c.Hub == inproc.Lakeside:
			hidden++
		}
	}
	if own == 0 || hidden == 0 {
		t.Fatalf("own %d, hidden %d cells in %+v", own, hidden, rep.Cells)
	}
}

// closedRefund is the part of a hub variant's refunds made when its pool
// failed (the share keeps those units).
func closedRefund(p gongxu.Pool, s sqlite.DemandSum) gongxu.Units {
	if p.Status == gongxu.PoolFailed {
		return s.Refunded
	}
	return 0
}
