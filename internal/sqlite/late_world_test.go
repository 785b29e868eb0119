package sqlite_test

import (
	"context"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestLateLines: the read model keeps the purchase order lines the ledger
// recorded late, from the real chain's events: the World's order 2 (50 of
// 90 shipped, promised for the 16th) is recorded in the first block after
// promised + the grace, once; a later shipment completes it and says how
// late it came. Listed by supplier, and all; nothing for another org.
func TestLateLines(t *testing.T) {
	w := inproc.NewWorld(t)
	ctx := context.Background()
	db := w.Read()
	all, err := db.LateLines(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	po, err := db.PO(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	const day = 24 * 3600 * 1000
	grace := int64(gongxu.DefaultPOLateGraceMs)
	if len(all) != 1 {
		t.Fatalf("late lines %+v", all)
	}
	l := all[0]
	if l.PO != 2 || l.Line != 1 || l.Supplier != inproc.Blue || l.Factory != inproc.Acme || l.Item != "linen-fabric" ||
		l.Promised != po.Promised[0] || l.Ordered != 90_000 || l.ShippedWhenLate != 50_000 || l.Shipped != 0 || l.LastShipment != 0 ||
		l.Recorded <= l.Promised+grace || l.Recorded > l.Promised+grace+day || len(po.Late) != 1 || po.Late[0] != l.Recorded || l.Height == 0 {
		t.Fatalf("late line %+v, order %+v", l, po)
	}
	if mine, err := db.LateLines(ctx, inproc.Blue, 10); err != nil || len(mine) != 1 {
		t.Errorf("Blue's late lines %+v, %v", mine, err)
	}
	if none, err := db.LateLines(ctx, inproc.Acme, 10); err != nil || none == nil || len(none) != 0 {
		t.Errorf("Acme's late lines %+v, %v", none, err)
	}
	if _, err := db.LateLines(ctx, "Blue", 10); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("a malformed org: %v", err)
	}

	w.ShipPO(inproc.Blue, 2, inproc.LotLine{Line: 1, Lot: inproc.Blue + "/lf-0102", Qty: 40_000})
	all, err = db.LateLines(ctx, "", 0)
	if err != nil || len(all) != 1 {
		t.Fatalf("late lines after the shipment %+v, %v", all, err)
	}
	l = all[0]
	if l.Shipped != 90_000 || l.LastShipment != w.Now() || l.LateMs != w.Now()-l.Promised || l.ShipTx == "" || l.ShippedWhenLate != 50_000 {
		t.Fatalf("late line after the shipment %+v (now %d)", l, w.Now())
	}
}
