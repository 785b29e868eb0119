package production

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// TestHoldBound: a recall's hold walks what was received or made from the
// recalled lot, breadth first, and stops at MaxHoldLots visits, saying so;
// a lot already held is not walked again.
func TestHoldBound(t *testing.T) {
	ctx := &module.Context{KV: store.NewCache(store.NewMemDB()), Height: 1, Time: 1}
	mk := func(id gongxu.LotID) {
		t.Helper()
		if err := saveLot(ctx, &gongxu.Lot{ID: id, Item: "fabric", Owner: id.Owner(), Qty: 1000}, 1000); err != nil {
			t.Fatal(err)
		}
	}
	// root → a, b; a → 300 lots received from it; b → c.
	root := gongxu.LotID("s/root")
	mk(root)
	for _, x := range []gongxu.LotID{"f/s/a", "f/s/b", "g/f/s/b"} {
		mk(x)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(addDerivedLot(ctx.KV, root, "f/s/a"))
	must(addDerivedLot(ctx.KV, root, "f/s/b"))
	must(addDerivedLot(ctx.KV, "f/s/b", "g/f/s/b"))
	for i := range 300 {
		id := gongxu.LotID(fmt.Sprintf("h/f/s/a-%03d", i))
		mk(id)
		must(addDerivedLot(ctx.KV, "f/s/a", id))
	}
	held, truncated, err := Lots{}.Hold(ctx, root, 7)
	if err != nil || !truncated || held != MaxHoldLots {
		t.Fatalf("held %d truncated %v err %v; want %d, true", held, truncated, err, MaxHoldLots)
	}
	for _, id := range []gongxu.LotID{root, "f/s/a", "f/s/b", "h/f/s/a-000", "h/f/s/a-252"} {
		l, err := Lots{}.Lot(ctx.KV, id)
		if err != nil || l.Hold != 7 {
			t.Errorf("lot %s: hold %d (%v), want 7", id, l.Hold, err)
		}
	}
	// Breadth first: b's lot comes after a's 300, past the bound.
	for _, id := range []gongxu.LotID{"h/f/s/a-253", "h/f/s/a-299", "g/f/s/b"} {
		if l, _ := (Lots{}).Lot(ctx.KV, id); l.Hold != 0 {
			t.Errorf("a lot past the bound is held: %+v", l)
		}
	}
	// A second recall of the held root changes nothing it held; a recall of
	// a lot past the bound holds it.
	held, truncated, err = Lots{}.Hold(ctx, root, 8)
	if err != nil || truncated || held != 0 {
		t.Fatalf("second recall: held %d truncated %v err %v", held, truncated, err)
	}
	held, _, err = Lots{}.Hold(ctx, "h/f/s/a-299", 9)
	if l, _ := (Lots{}).Lot(ctx.KV, "h/f/s/a-299"); err != nil || held != 1 || l.Hold != 9 {
		t.Fatalf("recall past the bound: held %d, %+v, %v", held, l, err)
	}
}
