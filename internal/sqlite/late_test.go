package sqlite

import (
	"context"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func lateEv(typ string, po uint64, line int, supplier gongxu.OrgID, promised int64, kv ...string) gongxu.Event {
	return gongxu.NewEvent(typ, append([]string{"po", strconv.FormatUint(po, 10), "line", strconv.Itoa(line), "factory", "acme",
		"supplier", string(supplier), "item", "yarn", "promised", strconv.FormatInt(promised, 10), "ordered", "2000"}, kv...)...)
}

// TestLateProjection: a late line and a later shipment on it are kept; a
// lateness event that does not match the order the read model holds, of
// an unknown order or line, recorded twice, or a late shipment on a line
// not recorded late, or with a late_ms that is not the shipment's lateness,
// is refused and leaves nothing behind.
func TestLateProjection(t *testing.T) {
	ctx := context.Background()
	sc := newProdScenario()
	next := int64(len(sc.blocks)) + 1
	late := block(next, nil, lateEv(gongxu.EventPOLate, 1, 1, "silk", at(9), "shipped", "500"))
	ship := block(next+1, []gongxu.TxRecord{tx("production/ship", "silk", key(2),
		lateEv(gongxu.EventPOLateShipment, 1, 1, "silk", at(9), "late_ms", strconv.FormatInt(at(next+1)-at(9), 10), "shipped", "2000"))})
	db := openTemp(t)
	projectAll(t, db, append(sc.blocks, late, ship))
	ls, err := db.LateLines(ctx, "silk", 0)
	if err != nil || len(ls) != 1 || ls[0].Recorded != at(next) || ls[0].ShippedWhenLate != 500 || ls[0].Shipped != 2000 ||
		ls[0].LateMs != at(next+1)-at(9) || ls[0].ShipTx != txHash(next+1, 0) || ls[0].Height != next {
		t.Fatalf("late lines %+v, %v", ls, err)
	}

	// A late shipment on a line never recorded late is refused.
	notLate := openTemp(t)
	projectAll(t, notLate, sc.blocks)
	wantKind(t, notLate.Project(ctx, block(next, []gongxu.TxRecord{tx("production/ship", "silk", key(2),
		lateEv(gongxu.EventPOLateShipment, 1, 1, "silk", at(9), "late_ms", strconv.FormatInt(at(next)-at(9), 10), "shipped", "2000"))})),
		gongxu.KindInvalid, "which is not recorded late")

	base := openTemp(t)
	projectAll(t, base, append(sc.blocks, late))
	before := dump(t, base)
	for name, c := range map[string]struct {
		b   gongxu.CommittedBlock
		msg string
	}{
		"twice":         {block(next+1, nil, lateEv(gongxu.EventPOLate, 1, 1, "silk", at(9), "shipped", "500")), "recorded late twice"},
		"unknown order": {block(next+1, nil, lateEv(gongxu.EventPOLate, 9, 1, "silk", at(9), "shipped", "0")), "does not hold"},
		"no such line":  {block(next+1, nil, lateEv(gongxu.EventPOLate, 1, 2, "silk", at(9), "shipped", "0")), "does not match the order"},
		"line 0":        {block(next+1, nil, lateEv(gongxu.EventPOLate, 1, 0, "silk", at(9), "shipped", "0")), "line attr"},
		"supplier":      {block(next+1, nil, lateEv(gongxu.EventPOLate, 3, 1, "silk", at(9), "shipped", "0")), "does not match the order"},
		"promised":      {block(next+1, nil, lateEv(gongxu.EventPOLate, 1, 1, "silk", at(8), "shipped", "0")), "does not match the order"},
		"shipped":       {block(next+1, nil, lateEv(gongxu.EventPOLate, 1, 1, "silk", at(9), "shipped", "-1")), "shipped attr"},
		"not late": {block(next+1, []gongxu.TxRecord{tx("production/ship", "silk", key(2),
			lateEv(gongxu.EventPOLateShipment, 3, 1, "wool", 0, "late_ms", "0", "shipped", "1"))}), "does not match"},
		"late_ms": {block(next+1, []gongxu.TxRecord{tx("production/ship", "silk", key(2),
			lateEv(gongxu.EventPOLateShipment, 1, 1, "silk", at(9), "late_ms", "5", "shipped", "2000"))}), "late_ms attr"},
	} {
		wantKind(t, base.Project(ctx, c.b), gongxu.KindInvalid, c.msg)
		if after := dump(t, base); after != before {
			t.Fatalf("%s: a failed projection left rows behind", name)
		}
	}
}
