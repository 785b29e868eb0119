package sqlite_test

import (
	"context"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestPoolMoneyAddsUp checks every pool of inproc's World (pools that
// succeed and are delivered, fail, are awarded, stay open): the money
// added up from the ledger's movements agrees with the pool's own
// accounts, and its lines add up.
func TestPoolMoneyAddsUp(t *testing.T) {
	w := inproc.NewWorld(t)
	ctx := context.Background()
	db := w.Read()
	pools, err := db.Pools(ctx, gongxu.PoolFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[gongxu.PoolStatus]bool{}
	for _, p := range pools {
		m, err := db.PoolMoney(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen[p.Status] = true
		if m.Held != p.Escrowed || m.Pending != p.Captured || m.PaidOut != p.Released {
			t.Errorf("pool %d (%s): money %+v, the pool holds %d, captured %d, released %d", p.ID, p.Status, m, p.Escrowed, p.Captured, p.Released)
		}
		if m.Escrowed != m.Refunded+m.Returned+m.Captured+m.Held || m.Captured != m.PaidOut+m.Pending {
			t.Errorf("pool %d: lines do not add up: %+v", p.ID, m)
		}
		switch p.Status {
		case gongxu.PoolFailed:
			if m.Escrowed == 0 || m.Refunded != m.Escrowed || m.Captured != 0 {
				t.Errorf("failed pool %d: %+v, want everything refunded", p.ID, m)
			}
		case gongxu.PoolOpen:
			if m.Captured != 0 || m.Returned != 0 {
				t.Errorf("open pool %d: %+v", p.ID, m)
			}
		}
		if p.Status != gongxu.PoolOpen && p.Status != gongxu.PoolFailed && p.Status != gongxu.PoolCancelled && p.RFQ == 0 {
			if want, _ := gongxu.Cost(p.Total, p.Price); m.Captured != want {
				t.Errorf("pool %d: captured %d, want %d units × %d", p.ID, m.Captured, p.Total, p.Price)
			}
		}
	}
	for _, s := range []gongxu.PoolStatus{gongxu.PoolOpen, gongxu.PoolFailed} {
		if !seen[s] {
			t.Errorf("the World has no %s pool: the test checks less than it says", s)
		}
	}
	if _, err := db.PoolMoney(ctx, 999999); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("unknown pool: %v", err)
	}
}
