package sqlite_test

import (
	"context"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestLegsPerShipment: a share shipped in two parts, a leg per shipment:
// the read model keeps each leg with its shipment number and only its
// shipment's lots, lists both under the pool, finds each by its own lot,
// and the pickup of the second names its own despatch advice.
func TestLegsPerShipment(t *testing.T) {
	n := inproc.New(t, inproc.Genesis{
		Orgs: []gongxu.Org{
			{ID: "factory-a", Name: "Factory A", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
			{ID: "hub-h", Name: "Hub H", Roles: []gongxu.Role{gongxu.RoleHub}},
			{ID: "carrier-c", Name: "Carrier C", Roles: []gongxu.Role{gongxu.RoleLogistics}},
		},
		Validators: []gongxu.Validator{{PubKey: inproc.Key("factory-a/val"), Power: 10, Org: "factory-a"}},
	})
	n.Send("factory-a", "catalog/publish", M{"sku": "jacket", "name": "Jacket", "unit": "piece", "lead_time_days": 30})
	n.Deposit("hub-h", 100000, "d1")
	pool := n.OpenPool("factory-a", M{"product": "factory-a/jacket", "tiers": []M{{"min_qty": 1, "unit_price": 100}}, "moq": 5,
		"cap": 100, "case_pack": 1, "currency": "CNY", "deadline": n.Now() + inproc.Day})
	n.SendBatch("hub-h", pool, inproc.Consumers("hub-h", pool, 1, []int64{6}, nil))
	n.Advance(inproc.Day)
	n.Block()
	wo := n.StartWO("factory-a", n.NewestOrder("factory-a"), 6000)
	n.Send("factory-a", "production/wo_complete", M{"wo": wo, "produced": 6000, "outputs": []M{{"code": "j-1", "qty": 2000}, {"code": "j-2", "qty": 4000}}})
	n.Send("factory-a", "pool/ship", M{"pool": pool, "hub": "hub-h", "lots": []M{{"lot": "factory-a/j-1", "qty": 2000}}})
	n.Send("factory-a", "pool/ship", M{"pool": pool, "hub": "hub-h", "lots": []M{{"lot": "factory-a/j-2", "qty": 4000}}})
	n.Send("factory-a", "logistics/assign", M{"pool": pool, "hub": "hub-h", "shipment": 1, "carrier": "carrier-c"})
	n.Send("factory-a", "logistics/assign", M{"pool": pool, "hub": "hub-h", "shipment": 2, "carrier": "carrier-c"})
	n.Send("carrier-c", "logistics/pickup", M{"leg": 2})

	db := n.Read()
	ctx := context.Background()
	ls, err := db.Legs(ctx, gongxu.LegFilter{Pool: pool})
	if err != nil || len(ls) != 2 {
		t.Fatalf("legs of pool %d: %+v, %v", pool, ls, err)
	}
	for i, want := range []struct {
		id       uint64
		shipment int
		lot      gongxu.LotID
		qty      gongxu.Qty
		status   gongxu.LegStatus
	}{{2, 2, "factory-a/j-2", 4000, gongxu.LegPickedUp}, {1, 1, "factory-a/j-1", 2000, gongxu.LegAssigned}} {
		l := ls[i]
		if l.ID != want.id || l.Shipment != want.shipment || l.Hub != "hub-h" || len(l.Lots) != 1 || l.Lots[0].Lot != want.lot ||
			l.Lots[0].Qty != want.qty || l.Status != want.status {
			t.Errorf("leg %d: %+v, want %+v", i, l, want)
		}
		byLot, err := db.Legs(ctx, gongxu.LegFilter{Lot: want.lot})
		if err != nil || len(byLot) != 1 || byLot[0].ID != want.id {
			t.Errorf("legs of lot %s: %+v, %v; want leg %d alone", want.lot, byLot, err, want.id)
		}
	}
	if u := ls[0].Unit; u != gongxu.ShareShipmentURN(pool, "hub-h", 2) || u != gongxu.ShipmentURN(pool, "hub-h")+":2" {
		t.Errorf("leg 2's unit %q", u)
	}
	back, err := db.Back(ctx, "factory-a/j-2", 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range back.Steps {
		if s.Flow == gongxu.FlowCarrierPickup {
			found = true
			if s.Org != "carrier-c" || s.Location != "urn:gongxu:org:factory-a" {
				t.Errorf("the pickup step %+v", s)
			}
		}
	}
	if !found {
		t.Errorf("no pickup in the backward walk of factory-a/j-2: %+v", back.Steps)
	}
}
