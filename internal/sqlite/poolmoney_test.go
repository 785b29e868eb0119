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
		checkPoolMoney(t, p, m)
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

// checkPoolMoney checks that pool money m agrees with pool p's own
// accounts and that its lines add up.
func checkPoolMoney(t *testing.T, p gongxu.Pool, m gongxu.PoolMoney) {
	t.Helper()
	if m.Held != p.Escrowed || m.Pending != p.Captured || m.PaidOut != p.Released || m.Shared != p.Shared || m.GivenBack != p.Refunded {
		t.Errorf("pool %d (%s): money %+v, the pool holds %d, captured %d, released %d, shared %d, refunded %d",
			p.ID, p.Status, m, p.Escrowed, p.Captured, p.Released, p.Shared, p.Refunded)
	}
	if m.Escrowed != m.Refunded+m.Returned+m.Captured+m.Held || m.Captured != m.PaidOut+m.Shared+m.GivenBack+m.Pending {
		t.Errorf("pool %d: lines do not add up: %+v", p.ID, m)
	}
}

// TestPoolMoneySharesAndDeadlines: the money card adds up with the shares
// for enablers paid at a confirmation and at an automatic confirmation, and
// with the refunds of a pool whose production did not start in time.
func TestPoolMoneySharesAndDeadlines(t *testing.T) {
	const day = 24 * 3600 * 1000
	n := inproc.New(t, inproc.Genesis{Orgs: []gongxu.Org{
		{ID: "acme", Name: "Acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		{ID: "hill", Name: "Hill", Roles: []gongxu.Role{gongxu.RoleHub}},
		{ID: "lake", Name: "Lake", Roles: []gongxu.Role{gongxu.RoleHub}},
		{ID: "swift", Name: "Swift", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	}, Validators: []gongxu.Validator{{PubKey: inproc.Key("acme/val"), Power: 10, Org: "acme"}}})
	ctx := context.Background()
	db := n.Read()
	n.Send("acme", "catalog/publish", inproc.M{"sku": "jacket", "name": "Jacket", "unit": "piece", "lead_time_days": 30})
	n.Deposit("hill", 100_000, "bank")
	n.Deposit("lake", 100_000, "bank")
	deadline := n.Now() + day
	open := func(extra inproc.M) uint64 {
		body := inproc.M{"product": "acme/jacket", "tiers": []gongxu.Tier{{MinQty: 1, UnitPrice: 333}}, "moq": 5, "cap": 100, "case_pack": 1,
			"currency": "CNY", "deadline": deadline}
		for k, v := range extra {
			body[k] = v
		}
		return n.OpenPool("acme", body)
	}
	shared := open(inproc.M{"hub_bps": 1000, "enablers": []gongxu.EnablerShare{{Org: "swift", Role: "carrier", BPS: 250}}})
	late := open(inproc.M{"start_by": deadline + day})
	for _, id := range []uint64{shared, late} {
		n.SendBatch("hill", id, inproc.Consumers("hill", id, 3, []int64{2, 2, 3}, nil))
		n.SendBatch("lake", id, inproc.Consumers("lake", id, 1, []int64{3}, nil))
	}
	n.AdvanceTo(deadline)
	n.Block()
	n.Send("acme", "pool/start_production", inproc.M{"pool": shared})
	n.Send("hill", "pool/confirm_delivery", inproc.M{"pool": shared})
	// the late pool's start deadline (start_by plus 3 days' grace) passes
	n.Advance(5 * day)
	n.Block()
	for _, id := range []uint64{shared, late} {
		p, err := db.Pool(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		m, err := db.PoolMoney(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		checkPoolMoney(t, p, m)
		t.Logf("pool %d (%s): %+v", id, p.Status, m)
	}
	if m, _ := db.PoolMoney(ctx, shared); m.Shared != 233+58 || m.PaidOut != 2331-233-58 || m.Pending != 999 {
		t.Errorf("pool %d: %+v, want 291 to the shares of hill's 2331, 999 pending", shared, m)
	}
	if m, _ := db.PoolMoney(ctx, late); m.GivenBack != 3330 || m.Pending != 0 {
		t.Errorf("pool %d: %+v, want all 3330 given back", late, m)
	}
}
