package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

type M = inproc.M

// carrierNet is a chain on which a carrier moves a supplier's fabric to a
// factory (leg 1) and the factory's jackets, made of it, to a hub (leg 2).
func carrierNet(t *testing.T) *inproc.Net {
	n := inproc.New(t, inproc.Genesis{
		Orgs: []gongxu.Org{
			{ID: "factory-a", Name: "Factory A", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
			{ID: "supplier-s", Name: "Supplier S", Roles: []gongxu.Role{gongxu.RoleSupplier}},
			{ID: "hub-h", Name: "Hub H", Roles: []gongxu.Role{gongxu.RoleHub}},
			{ID: "carrier-c", Name: "Carrier C", Roles: []gongxu.Role{gongxu.RoleLogistics}},
		},
		Validators: []gongxu.Validator{{PubKey: inproc.Key("factory-a/val"), Power: 10, Org: "factory-a"}},
	})
	n.Send("factory-a", "catalog/publish", M{"sku": "jacket", "name": "Jacket", "unit": "piece", "lead_time_days": 30})
	n.Send("supplier-s", "production/offer", M{"item": "fabric", "unit": "m", "lead_time_days": 10, "unit_price": 500, "currency": "CNY"})
	n.Send("factory-a", "production/po", M{"supplier": "supplier-s", "lines": []M{{"item": "fabric", "qty": 300000, "date": n.Now() + 10*inproc.Day}}})
	n.Send("supplier-s", "production/po_accept", M{"po": 1})
	n.Send("supplier-s", "production/ship", M{"po": 1, "lines": []M{{"line": 1, "lot": "supplier-s/fab-001", "qty": 300000}}})
	n.Send("supplier-s", "logistics/assign", M{"po": 1, "shipment": 1, "carrier": "carrier-c"})
	n.Send("carrier-c", "logistics/pickup", M{"leg": 1})
	n.Send("carrier-c", "logistics/deliver", M{"leg": 1, "received_by": "Chen"})
	n.Send("factory-a", "production/receive", M{"po": 1, "shipment": 1, "lines": []M{{"line": 1, "lot": "supplier-s/fab-001", "qty": 300000}}})
	n.Deposit("hub-h", 100000, "d1")
	pool := n.OpenPool("factory-a", M{"product": "factory-a/jacket", "tiers": []M{{"min_qty": 1, "unit_price": 100}}, "moq": 5,
		"cap": 100, "case_pack": 1, "currency": "CNY", "deadline": n.Now() + inproc.Day})
	n.SendBatch("hub-h", pool, inproc.Consumers("hub-h", pool, 1, []int64{6}, nil))
	n.Advance(inproc.Day)
	n.Block()
	wo := n.StartWO("factory-a", n.NewestOrder("factory-a"), 6000, gongxu.LotQty{Lot: "factory-a/supplier-s/fab-001", Qty: 12000})
	n.Send("factory-a", "production/wo_complete", M{"wo": wo, "produced": 6000, "outputs": []M{{"code": "j-1", "qty": 6000}}})
	n.Send("factory-a", "pool/ship", M{"pool": pool, "hub": "hub-h"})
	n.Send("factory-a", "logistics/assign", M{"pool": pool, "hub": "hub-h", "carrier": "carrier-c"})
	n.Send("carrier-c", "logistics/pickup", M{"leg": 2})
	return n
}

// TestLegs: the read model keeps each leg as its last step left it, lists
// legs by org (carrier, shipper, consignee), lot, pool, purchase order and
// status; the carrier's events appear in the trace walks with their place;
// a recall of the supplier's fabric lists the carrier's two legs.
func TestLegs(t *testing.T) {
	n := carrierNet(t)
	db := n.Read()
	ctx := context.Background()
	l1, err := db.Leg(ctx, 1)
	if err != nil || l1.Status != gongxu.LegDelivered || l1.Carrier != "carrier-c" || l1.Shipper != "supplier-s" || l1.Consignee != "factory-a" ||
		l1.ReceivedBy != "Chen" || l1.PODEvidence() == "" || l1.PickupEvent == "" {
		t.Fatalf("leg 1: %+v, %v", l1, err)
	}
	if _, err := db.Leg(ctx, 9); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("leg 9: %v", err)
	}
	ids := func(f gongxu.LegFilter) string {
		t.Helper()
		ls, err := db.Legs(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, l := range ls {
			s = append(s, string(rune('0'+l.ID)))
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		f    gongxu.LegFilter
		want string
	}{
		{gongxu.LegFilter{}, "2,1"},
		{gongxu.LegFilter{Org: "carrier-c"}, "2,1"},
		{gongxu.LegFilter{Org: "hub-h"}, "2"},
		{gongxu.LegFilter{Org: "supplier-s"}, "1"},
		{gongxu.LegFilter{Org: "factory-a"}, "2,1"},
		{gongxu.LegFilter{Org: "factory-b"}, ""},
		{gongxu.LegFilter{Status: gongxu.LegPickedUp}, "2"},
		{gongxu.LegFilter{Lot: "supplier-s/fab-001"}, "1"},
		{gongxu.LegFilter{Lot: "factory-a/j-1"}, "2"},
		{gongxu.LegFilter{Pool: 1}, "2"},
		{gongxu.LegFilter{PO: 1}, "1"},
	} {
		if got := ids(c.f); got != c.want {
			t.Errorf("legs %+v: %s, want %s", c.f, got, c.want)
		}
	}
	if _, err := db.Legs(ctx, gongxu.LegFilter{Status: "lost"}); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("unknown status: %v", err)
	}
	if _, err := db.Legs(ctx, gongxu.LegFilter{Org: "Carrier C"}); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("malformed org: %v", err)
	}

	// The walks show the carrier's part, where it happened.
	back, err := db.Back(ctx, "factory-a/j-1", 10)
	if err != nil {
		t.Fatal(err)
	}
	var saw []string
	for _, s := range back.Steps {
		if s.Flow == gongxu.FlowCarrierPickup || s.Flow == gongxu.FlowCarrierDelivery {
			saw = append(saw, s.Flow+"@"+string(s.Org)+"@"+s.Location)
		}
	}
	slices.Sort(saw)
	want := []string{
		"logistics/deliver@carrier-c@urn:gongxu:org:factory-a",
		"logistics/pickup@carrier-c@urn:gongxu:org:factory-a",
		"logistics/pickup@carrier-c@urn:gongxu:org:supplier-s",
	}
	if !slices.Equal(saw, want) {
		t.Errorf("the backward walk's carrier steps %v, want %v", saw, want)
	}

	fwd, err := db.Forward(ctx, "supplier-s/fab-001", 10)
	if err != nil {
		t.Fatal(err)
	}
	saw = nil
	for _, s := range fwd.Steps {
		if s.Flow == gongxu.FlowCarrierPickup || s.Flow == gongxu.FlowCarrierDelivery {
			saw = append(saw, s.Flow+"@"+s.Location)
		}
	}
	slices.Sort(saw)
	if want := []string{"logistics/deliver@urn:gongxu:org:factory-a", "logistics/pickup@urn:gongxu:org:factory-a", "logistics/pickup@urn:gongxu:org:supplier-s"}; !slices.Equal(saw, want) {
		t.Errorf("the forward walk's carrier steps %v, want %v", saw, want)
	}

	// A recall of the fabric lists the carriers that moved it and what was
	// made of it.
	rid := n.Recall("supplier-s", "supplier-s/fab-001", "the dye runs")
	im, err := db.Recall(ctx, rid)
	if err != nil {
		t.Fatal(err)
	}
	var legs []string
	for _, l := range im.Carriers {
		legs = append(legs, string(rune('0'+l.ID))+":"+string(l.Carrier)+":"+string(l.Status))
	}
	if got := strings.Join(legs, ","); got != "1:carrier-c:delivered,2:carrier-c:picked_up" {
		t.Errorf("the recall's carriers %s", got)
	}
	// The recalled jackets in transit are delivered; the leg follows.
	n.Send("carrier-c", "logistics/deliver", M{"leg": 2})
	if l, err := db.Leg(ctx, 2); err != nil || l.Status != gongxu.LegDelivered {
		t.Errorf("leg 2 after delivery: %+v, %v", l, err)
	}
}
