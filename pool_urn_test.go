package gongxu_test

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func TestGoodsURNs(t *testing.T) {
	tx := strings.Repeat("7A", 32)
	for in, want := range map[string]bool{
		gongxu.PledgeURN(tx, 4): true, gongxu.PledgeURN(strings.ToLower(tx), 0): true, gongxu.DirectPledgeURN(3, 12): true,
		gongxu.PledgeURN(tx[:62], 4): false, gongxu.PledgeURN(strings.Repeat("G", 64), 1): false, "urn:gongxu:pledge:" + tx: false,
		"urn:gongxu:pledge:" + tx + ":-1": false, "urn:gongxu:pool:3:pledge:012": false, "urn:gongxu:pool:0:pledge:1": false,
		gongxu.PoolURN(3): false, gongxu.ShipmentURN(3, "hub"): false, gongxu.OrgURN("hub"): false, "": false,
	} {
		if got := gongxu.IsPledgeURN(in); got != want {
			t.Errorf("IsPledgeURN(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]struct {
		pool uint64
		hub  gongxu.OrgID
		ok   bool
	}{
		gongxu.ShipmentURN(3, "hilltown-hub"): {3, "hilltown-hub", true},
		"urn:gongxu:pool:12:hub:a-b":          {12, "a-b", true},
		"urn:gongxu:pool:3":                   {},
		"urn:gongxu:pool:x:hub:hilltown":      {},
		"urn:gongxu:pool:0:hub:hilltown":      {},
		"urn:gongxu:pool:03:hub:hilltown":     {},
		"urn:gongxu:pool:3:hub:Not A Hub":     {},
		"urn:gongxu:pool:3:pledge:12":         {},
	} {
		pool, hub, ok := gongxu.ParseShipmentURN(in)
		if pool != want.pool || hub != want.hub || ok != want.ok {
			t.Errorf("ParseShipmentURN(%q) = %d, %q, %v", in, pool, hub, ok)
		}
	}
}

func TestTakeLots(t *testing.T) {
	free := []gongxu.LotQty{{Lot: "a/1", Qty: 3000}, {Lot: "a/2", Qty: 0}, {Lot: "a/3", Qty: -5}, {Lot: "a/4", Qty: 2000}}
	took, short := gongxu.TakeLots(free, 4500)
	if short != 0 || len(took) != 2 || took[0] != (gongxu.LotQty{Lot: "a/1", Qty: 3000}) || took[1] != (gongxu.LotQty{Lot: "a/4", Qty: 1500}) {
		t.Errorf("take 4500: %v, short %d", took, short)
	}
	if took, short := gongxu.TakeLots(free, 6000); short != 1000 || len(took) != 2 {
		t.Errorf("take 6000: %v, short %d", took, short)
	}
	if took, short := gongxu.TakeLots(nil, 0); short != 0 || took == nil || len(took) != 0 {
		t.Errorf("take 0: %v, short %d", took, short)
	}
}
