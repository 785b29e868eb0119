package production_test

import (
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

func ofType(evs []gongxu.Event, typ string) []gongxu.Event {
	var out []gongxu.Event
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// TestLateEvents: the read side sees a late line once, in the block after
// its promised date plus the grace, with what was shipped so far; a later
// shipment on it says how late it came; a line shipped in full in time
// gives neither event.
func TestLateEvents(t *testing.T) {
	h := chaintest.New(t, chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory}},
		chaintest.OrgSpec{ID: "supplier-s", Roles: []gongxu.Role{gongxu.RoleSupplier}})
	const day = 24 * 3600 * 1000
	g := chaintest.GenesisTime
	ok := func(r chain.TxResult) chain.TxResult { t.Helper(); chaintest.MustOK(t, r); return r }
	ok(h.Deliver(h.Sign("supplier-s", "production/offer", map[string]any{"item": "fabric", "unit": "m", "lead_time_days": 1, "unit_price": 500, "currency": "CNY"})))
	ok(h.Deliver(h.Sign("supplier-s", "production/offer", map[string]any{"item": "zipper", "unit": "piece", "lead_time_days": 1, "unit_price": 20, "currency": "CNY"})))
	ok(h.Deliver(h.Sign("factory-a", "production/po", map[string]any{"supplier": "supplier-s", "lines": []map[string]any{
		{"item": "fabric", "qty": 200000, "date": g + 2*day}, {"item": "zipper", "qty": 5000, "date": g + 2*day}}})))
	ok(h.Deliver(h.Sign("supplier-s", "production/po_accept", map[string]any{"po": 1})))
	ok(h.Deliver(h.Sign("supplier-s", "production/ship", map[string]any{"po": 1, "lines": []map[string]any{
		{"line": 1, "lot": "supplier-s/fab-1", "qty": 50000}, {"line": 2, "lot": "supplier-s/zip-1", "qty": 5000}}})))

	var late []gongxu.Event
	h.Time = g + 3*day - 2000 // blocks at promised + grace - 1 s, at it, + 1 s, + 2 s, + 3 s
	for range 5 {
		res := h.Block()
		got := ofType(res.Events, gongxu.EventPOLate)
		if res.Time <= g+3*day && len(got) > 0 {
			t.Fatalf("block at %d (promised + grace %d): late already: %+v", res.Time, g+3*day, got)
		}
		late = append(late, got...)
	}
	if len(late) != 1 {
		t.Fatalf("po_late events %+v, want exactly one", late)
	}
	want := map[string]string{"po": "1", "line": "1", "factory": "factory-a", "supplier": "supplier-s", "item": "fabric",
		"promised": "1767398400000", "ordered": "200000", "shipped": "50000"}
	for k, v := range want {
		if late[0].Get(k) != v {
			t.Errorf("po_late %s = %q, want %q (%+v)", k, late[0].Get(k), v, late[0])
		}
	}

	h.Advance(2 * day)
	r := ok(h.Deliver(h.Sign("supplier-s", "production/ship", map[string]any{"po": 1, "lines": []map[string]any{
		{"line": 1, "lot": "supplier-s/fab-2", "qty": 100000}, {"line": 1, "lot": "supplier-s/fab-3", "qty": 50000}}})))
	sh := ofType(r.Events, gongxu.EventPOLateShipment)
	if len(sh) != 1 {
		t.Fatalf("po_late_shipment events %+v, want one for line 1", r.Events)
	}
	lateMs := h.Time - (g + 2*day)
	for k, v := range map[string]string{"po": "1", "line": "1", "shipped": "200000", "ordered": "200000", "late_ms": i64s(lateMs)} {
		if sh[0].Get(k) != v {
			t.Errorf("po_late_shipment %s = %q, want %q", k, sh[0].Get(k), v)
		}
	}
	if n := len(ofType(r.Events, gongxu.EventPOLate)); n != 0 {
		t.Errorf("a shipment recorded %d more po_late events", n)
	}
}

func i64s(n int64) string { return strconv.FormatInt(n, 10) }
