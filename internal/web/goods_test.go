package web

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func TestGoodsLabels(t *testing.T) {
	const cbv = "https://ref.gs1.org/cbv/"
	names := map[gongxu.OrgID]string{"hilltown-hub": "Hilltown Community Hub"}
	ix := traceIndex{names: names}
	unit := gongxu.ShipmentURN(3, "hilltown-hub")
	lot := gongxu.LotURN("acme/jkt-1")
	for _, c := range []struct {
		st          gongxu.TraceStep
		full, short string
	}{
		{gongxu.TraceStep{Flow: "pool/ship", Type: "AggregationEvent", BizStep: cbv + "BizStep-packing", Org: "acme", From: []string{lot}, To: []string{unit}},
			"Packed for Hilltown Community Hub", "Packed for hub"},
		{gongxu.TraceStep{Flow: "pool/ship", Type: "ObjectEvent", BizStep: cbv + "BizStep-shipping", Org: "acme", From: []string{lot, unit}, To: []string{lot, unit}},
			"Shipped to Hilltown Community Hub", "Shipped to hub"},
		{gongxu.TraceStep{Flow: "pool/ship", Type: "ObjectEvent", BizStep: cbv + "BizStep-shipping", Org: "acme",
			From: []string{gongxu.ShipmentURN(4, "lakeside")}, To: []string{gongxu.ShipmentURN(4, "lakeside")}},
			"Shipped to lakeside", "Shipped to hub"},
		{gongxu.TraceStep{Flow: "pool/ship", Type: "ObjectEvent", BizStep: cbv + "BizStep-shipping", Org: "acme", From: []string{lot}, To: []string{lot}},
			"Shipped to the hub", "Shipped to hub"}, // the walk did not name the unit
		{gongxu.TraceStep{Flow: "pool/confirm_delivery", Type: "ObjectEvent", BizStep: cbv + "BizStep-receiving", Org: "hilltown-hub", From: []string{lot}, To: []string{lot}},
			"Received at Hilltown Community Hub", "Received at hub"},
		{gongxu.TraceStep{Flow: "pool/pickup", Type: "ObjectEvent", BizStep: cbv + "BizStep-retail_selling", Org: "hilltown-hub", From: []string{lot}, To: []string{lot}},
			"Picked up by a consumer", "Picked up"},
		{gongxu.TraceStep{Flow: "production/ship", Type: "ObjectEvent", BizStep: cbv + "BizStep-shipping", Org: "acme"}, "Shipping", "Shipping"},
		{gongxu.TraceStep{Type: "AggregationEvent", To: []string{unit}}, "Aggregation", "Aggregation"},
	} {
		if got := ix.label(c.st); got != c.full {
			t.Errorf("label of %s %s: %q, want %q", c.st.Flow, c.st.BizStep, got, c.full)
		}
		if got := ix.shortLabel(c.st); got != c.short {
			t.Errorf("short label of %s %s: %q, want %q", c.st.Flow, c.st.BizStep, got, c.short)
		}
	}

	for in, want := range map[string]string{
		gongxu.PledgeURN(strings.Repeat("7", 60)+"CAFE", 4): "77777777…CAFE:4",
		gongxu.DirectPledgeURN(3, 12):                       "#12 of pool 3",
		"urn:gongxu:pledge:abc":                             "abc",
		"urn:example:something-else:123":                    "urn:exam…:123",
	} {
		if got := pledgeLabel(in); got != want {
			t.Errorf("pledgeLabel(%q) = %q, want %q", in, got, want)
		}
	}
	ev := gongxu.TraceEvent{BizTransactions: []gongxu.TraceRef{{Type: cbv + "BTT-po", ID: gongxu.PoolURN(3)}, {Type: cbv + "BTT-po", ID: gongxu.DirectPledgeURN(3, 12)}}}
	if got := pledgeOf(ev); got != gongxu.DirectPledgeURN(3, 12) {
		t.Errorf("pledgeOf: %q", got)
	}

	v := identOf(unit, nil, names, nil)
	if v.Label != "Shipment of pool #3" || v.Sub != "to Hilltown Community Hub" || v.Href != "/p/urn:gongxu:pool:3:hub:hilltown-hub" {
		t.Errorf("identOf(%q) = %+v", unit, v)
	}
	if v := identOf(gongxu.PoolURN(3), nil, names, nil); v.Label != gongxu.PoolURN(3) || v.Sub != "" {
		t.Errorf("identOf(pool URN) = %+v", v)
	}

	// What pickups took of shipped lots: only of those lots.
	shipped := []gongxu.LotQty{{Lot: "acme/a", Qty: 3000}, {Lot: "acme/b", Qty: 2500}}
	pickups := []gongxu.Pickup{{Lots: []gongxu.LotQty{{Lot: "acme/a", Qty: 1000}, {Lot: "acme/c", Qty: 700}}}, {Lots: []gongxu.LotQty{{Lot: "acme/b", Qty: 500}}}}
	if got := sumLots(shipped); got != 5500 {
		t.Errorf("sumLots = %d", got)
	}
	if got := pickedOf(shipped, pickups); got != 1500 {
		t.Errorf("pickedOf = %d", got)
	}
}
