package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

func made(id ItemID, lt int64) Item { return Item{ID: id, LeadTimeDays: lt, Make: true} }
func bought(id ItemID, lt int64) Item {
	return Item{ID: id, LeadTimeDays: lt, Supplier: "sup"}
}
func phantom(id ItemID) Item { return Item{ID: id, Make: true, Phantom: true} }
func bom(p, c ItemID, per gongxu.Qty) BOMLine {
	return BOMLine{Parent: p, Child: c, QtyPer: per}
}

// TestMRPNetting checks MRP against cases computed by hand (in the
// comments; dN is March N, 2026).
func TestMRPNetting(t *testing.T) {
	cases := []struct {
		name    string
		m       Master
		stock   map[ItemID]gongxu.Qty
		open    []OpenOrder
		demand  []Demand
		orders  string
		records string
	}{{
		// a: d10 gross 10, stock 3 → wo 7 start d8. b: d8 gross 14, O1
		// brings 5 the same day → net 9 → po 9 released d5.
		name:   "one level, stock, open order, lead times",
		m:      Master{Items: []Item{made("a", 2), bought("b", 3)}, BOM: []BOMLine{bom("a", "b", 2000)}},
		stock:  map[ItemID]gongxu.Qty{"a": u(3)},
		open:   []OpenOrder{{Ref: "O1", Item: "b", Qty: u(5), Due: day(8)}},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: u(10), Due: at(10, 15, 0)}},
		orders: `
			po sup b 9 rel d5 due d8 [d1]
			wo a 7 start d8 due d10 [d1] delivers [d1] inputs [O1,po:b@2026-03-08]`,
		records: `
			a llc0 oh 3: d10 g10 n7 p7 a0;
			b llc1 oh 0: d8 g14 s5 n9 p9 a0;`,
	}, {
		// c is used by a (level 1) and by b (level 2): low-level code 2,
		// netted once with both requirements, its stock of 10 used once.
		// a: wo 10 start d9; b: d9 gross 10 → wo 10 start d8; c: d8 20
		// (from b), d9 10 (from a); 10 on hand → po 10 d8, po 10 d9.
		// Netting c at each level would use its stock twice and buy 10.
		name: "shared component at different levels",
		m: Master{Items: []Item{made("a", 1), made("b", 1), bought("c", 0)},
			BOM: []BOMLine{bom("a", "b", 1000), bom("a", "c", 1000), bom("b", "c", 2000)}},
		stock:  map[ItemID]gongxu.Qty{"c": u(10)},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: u(10), Due: day(10)}},
		orders: `
			po sup c 10 rel d8 due d8 [d1]
			po sup c 10 rel d9 due d9 [d1]
			wo b 10 start d8 due d9 [d1] inputs [po:c@2026-03-08]
			wo a 10 start d9 due d10 [d1] delivers [d1] inputs [po:c@2026-03-09,wo:b@2026-03-09]`,
		records: `
			a llc0 oh 0: d10 g10 n10 p10 a0;
			b llc1 oh 0: d9 g10 n10 p10 a0;
			c llc2 oh 10: d8 g20 n10 p10 a0; d9 g10 n10 p10 a0;`,
	}, {
		// The same with no lead times: c's 10 + 20 fall on one day. Within
		// a day requirements draw first in first out, the smaller first
		// on a tie: a's 10 take the stock, b's 20 the planned order.
		name: "shared component at different levels, same day",
		m: Master{Items: []Item{made("a", 0), made("b", 0), bought("c", 0)},
			BOM: []BOMLine{bom("a", "b", 1000), bom("a", "c", 1000), bom("b", "c", 2000)}},
		stock:  map[ItemID]gongxu.Qty{"c": u(10)},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: u(10), Due: day(10)}},
		orders: `
			po sup c 20 rel d10 due d10 [d1]
			wo a 10 start d10 due d10 [d1] delivers [d1] inputs [wo:b@2026-03-10]
			wo b 10 start d10 due d10 [d1] inputs [po:c@2026-03-10]`,
	}, {
		// a needs 2 kits k (phantom); k holds a phantom l and x; l holds
		// 3 y. a: wo 5 → k d10 gross 10, 4 on hand → 6 through: l 6, x 6;
		// l: 2 on hand → 4 through: y 12. No order for k or l.
		name: "phantom inside phantom, phantom stock first",
		m: Master{Items: []Item{made("a", 0), phantom("k"), phantom("l"), bought("x", 1), bought("y", 2)},
			BOM: []BOMLine{bom("a", "k", 2000), bom("k", "l", 1000), bom("k", "x", 1000), bom("l", "y", 3000)}},
		stock:  map[ItemID]gongxu.Qty{"k": u(4), "l": u(2)},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: u(5), Due: day(10)}},
		orders: `
			po sup x 6 rel d9 due d10 [d1]
			po sup y 12 rel d8 due d10 [d1]
			wo a 5 start d10 due d10 [d1] delivers [d1] inputs [po:x@2026-03-10,po:y@2026-03-10]`,
		records: `
			a llc0 oh 0: d10 g5 n5 p5 a0;
			k llc1 oh 4: d10 g10 n6 p6 a0;
			l llc2 oh 2: d10 g6 n4 p4 a0;
			x llc2 oh 0: d10 g6 n6 p6 a0;
			y llc3 oh 0: d10 g12 n12 p12 a0;`,
	}, {
		// a: wo 10 start d9; b: d9 gross 20, 4 on hand → wo 16 start d8;
		// c: d8 gross 48, 5 on hand → po 43 released d6.
		name: "stock at an intermediate level",
		m: Master{Items: []Item{made("a", 1), made("b", 1), bought("c", 2)},
			BOM: []BOMLine{bom("a", "b", 2000), bom("b", "c", 3000)}},
		stock:  map[ItemID]gongxu.Qty{"b": u(4), "c": u(5)},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: u(10), Due: day(10)}},
		orders: `
			po sup c 43 rel d6 due d8 [d1]
			wo b 16 start d8 due d9 [d1] inputs [po:c@2026-03-08]
			wo a 10 start d9 due d10 [d1] delivers [d1] inputs [wo:b@2026-03-09]`,
	}, {
		// Minimum 10, multiples of 4: d5 net 7 → 10 → 12, 5 left for d6;
		// d9 net 21 → 24, 3 left. The d5 order serves both d5 and d6.
		name: "lot sizing",
		m:    Master{Items: []Item{{ID: "a", LotMin: u(10), LotMultiple: u(4), Supplier: "sup"}}},
		demand: []Demand{
			{Ref: "x", Item: "a", Qty: u(7), Due: day(5)},
			{Ref: "y", Item: "a", Qty: u(5), Due: day(6)},
			{Ref: "z", Item: "a", Qty: u(21), Due: day(9)},
		},
		orders: `
			po sup a 12 rel d5 due d5 [x,y]
			po sup a 24 rel d9 due d9 [z]`,
		records: `a llc0 oh 0: d5 g7 n7 p12 a5; d6 g5 a0; d9 g21 n21 p24 a3;`,
	}, {
		// 1.001 a: b = ceil(1.001 × 1.5) = 1.502, + 10 % scrap =
		// ceil(1.6522) = 1.653; c = ceil(1.001 × 0.333) = 0.334.
		name: "scrap and rounding up",
		m: Master{Items: []Item{made("a", 0), bought("b", 0), bought("c", 0)},
			BOM: []BOMLine{{Parent: "a", Child: "b", QtyPer: 1500, ScrapBP: 1000}, bom("a", "c", 333)}},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: 1001, Due: day(3)}},
		orders: `
			po sup b 1.653 rel d3 due d3 [d1]
			po sup c 0.334 rel d3 due d3 [d1]
			wo a 1.001 start d3 due d3 [d1] delivers [d1] inputs [po:b@2026-03-03,po:c@2026-03-03]`,
	}, {
		// Making 10 a (due d5) yields 5 x on d5; b needs 8 x on d10: 5
		// from the by-product, 3 bought. The by-product is never demand.
		name: "by-product as expected receipt",
		m: Master{Items: []Item{made("a", 1), made("b", 0), bought("r", 0), bought("x", 2)},
			BOM: []BOMLine{bom("a", "r", 1000), {Parent: "a", Child: "x", QtyPer: 500, ByProduct: true}, bom("b", "x", 1000)}},
		demand: []Demand{{Ref: "d1", Item: "a", Qty: u(10), Due: day(5)}, {Ref: "d2", Item: "b", Qty: u(8), Due: day(10)}},
		orders: `
			po sup r 10 rel d4 due d4 [d1]
			po sup x 3 rel d8 due d10 [d2]
			wo a 10 start d4 due d5 [d1] delivers [d1] inputs [po:r@2026-03-04]
			wo b 8 start d10 due d10 [d2] delivers [d2] inputs [po:x@2026-03-10,wo:a@2026-03-05]`,
		records: `
			a llc0 oh 0: d5 g10 n10 p10 a0;
			b llc0 oh 0: d10 g8 n8 p8 a0;
			r llc1 oh 0: d4 g10 n10 p10 a0;
			x llc1 oh 0: d5 g0 b5 a5; d10 g8 n3 p3 a0;`,
	}, {
		// O1 arrives d9: too late for d5 (a new order), in time for d12.
		name: "a late receipt does not cover an earlier need",
		m:    Master{Items: []Item{bought("a", 1)}},
		open: []OpenOrder{{Ref: "O1", Item: "a", Qty: u(10), Due: day(9)}},
		demand: []Demand{
			{Ref: "x", Item: "a", Qty: u(4), Due: day(5)},
			{Ref: "y", Item: "a", Qty: u(10), Due: day(12)},
		},
		orders:  `po sup a 4 rel d4 due d5 [x]`,
		records: `a llc0 oh 0: d5 g4 n4 p4 a0; d9 g0 s10 a10; d12 g10 a0;`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Plan(c.m, c.stock, c.open, c.demand)
			if err != nil {
				t.Fatal(err)
			}
			diff(t, "orders", summary(res), trim(c.orders))
			if c.records != "" {
				diff(t, "records", records(res), trim(c.records))
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	good := Master{Items: []Item{made("a", 0), made("b", 0), bought("c", 0)}, BOM: []BOMLine{bom("a", "b", 1000), bom("b", "c", 1000)}}
	dem := []Demand{{Ref: "d", Item: "a", Qty: u(1), Due: day(1)}}
	with := func(f func(*Master)) Master {
		m := Master{Items: append([]Item(nil), good.Items...), BOM: append([]BOMLine(nil), good.BOM...)}
		f(&m)
		return m
	}
	cases := []struct {
		name   string
		m      Master
		stock  map[ItemID]gongxu.Qty
		open   []OpenOrder
		demand []Demand
		kind   gongxu.Kind
		msg    string
	}{
		{"cycle", with(func(m *Master) {
			m.Items = append(m.Items, made("d", 0))
			m.BOM = append(m.BOM, bom("c", "a", 1000), bom("d", "a", 1000))
			m.Items[2] = made("c", 0)
		}), nil, nil, dem, gongxu.KindInvalid, "bill of materials has a cycle: a → b → c → a"},
		{"self cycle", with(func(m *Master) { m.BOM = append(m.BOM, bom("b", "b", 1000)) }), nil, nil, dem, gongxu.KindInvalid, "cycle: b → b"},
		{"zero qty per", with(func(m *Master) { m.BOM[0].QtyPer = 0 }), nil, nil, dem, gongxu.KindInvalid, "bom line a → b: quantity per unit must be positive, got 0"},
		{"negative qty per", with(func(m *Master) { m.BOM[1].QtyPer = -5 }), nil, nil, dem, gongxu.KindInvalid, "quantity per unit must be positive, got -5"},
		{"scrap", with(func(m *Master) { m.BOM[1].ScrapBP = 10001 }), nil, nil, dem, gongxu.KindInvalid, "scrap must be 0 to 10000"},
		{"unknown child", with(func(m *Master) { m.BOM = append(m.BOM, bom("a", "zz", 1)) }), nil, nil, dem, gongxu.KindNotFound, `unknown item "zz"`},
		{"bought parent", with(func(m *Master) { m.BOM = append(m.BOM, bom("c", "b", 1)) }), nil, nil, dem, gongxu.KindInvalid, `"c" is bought, so it has no bill of materials`},
		{"duplicate item", with(func(m *Master) { m.Items = append(m.Items, made("a", 1)) }), nil, nil, dem, gongxu.KindInvalid, `item "a" is listed twice`},
		{"no supplier", with(func(m *Master) { m.Items[2].Supplier = "" }), nil, nil, dem, gongxu.KindInvalid, `item "c" is bought but names no supplier`},
		{"phantom lead time", with(func(m *Master) { m.Items[1] = phantom("b"); m.Items[1].LeadTimeDays = 2 }), nil, nil, dem, gongxu.KindInvalid, `phantom "b" has no lead time`},
		{"negative lot", with(func(m *Master) { m.Items[0].LotMultiple = -1 }), nil, nil, dem, gongxu.KindInvalid, "lot multiple must not be negative"},
		{"zero demand", good, nil, nil, []Demand{{Ref: "d", Item: "a", Qty: 0, Due: day(1)}}, gongxu.KindInvalid, `demand "d" for "a": quantity must be positive, got 0`},
		{"negative demand", good, nil, nil, []Demand{{Ref: "d", Item: "a", Qty: -1, Due: day(1)}}, gongxu.KindInvalid, "quantity must be positive, got -1"},
		{"unknown demand item", good, nil, nil, []Demand{{Ref: "d", Item: "x", Qty: 1, Due: day(1)}}, gongxu.KindNotFound, `demand "d": unknown item "x"`},
		{"no demand ref", good, nil, nil, []Demand{{Item: "a", Qty: 1, Due: day(1)}}, gongxu.KindInvalid, "demand ref must be 1 to 256 bytes"},
		{"unknown stock item", good, map[ItemID]gongxu.Qty{"x": 1}, nil, dem, gongxu.KindNotFound, `stock: unknown item "x"`},
		{"negative stock", good, map[ItemID]gongxu.Qty{"c": -1}, nil, dem, gongxu.KindInvalid, `stock of "c" must not be negative`},
		// Several bad entries: the first by id, whatever the map's order.
		{"bad stock entries", good, map[ItemID]gongxu.Qty{"z": 1, "c": -1, "y": 1, "b": -2}, nil, dem, gongxu.KindInvalid, `stock of "b" must not be negative`},
		{"unknown stock items", good, map[ItemID]gongxu.Qty{"zz": 1, "c": 1, "x2": 1, "x1": 1}, nil, dem, gongxu.KindNotFound, `stock: unknown item "x1"`},
		{"zero open order", good, nil, []OpenOrder{{Ref: "o", Item: "c", Qty: 0, Due: day(1)}}, dem, gongxu.KindInvalid, `open order "o": quantity must be positive`},
		{"unknown open item", good, nil, []OpenOrder{{Ref: "o", Item: "x", Qty: 1, Due: day(1)}}, dem, gongxu.KindNotFound, `open order "o": unknown item "x"`},
		{"duplicate open ref", good, nil, []OpenOrder{{Ref: "o", Item: "c", Qty: 1}, {Ref: "o", Item: "c", Qty: 2}}, dem, gongxu.KindInvalid, `open order "o" is listed twice`},
		{"overflow", with(func(m *Master) { m.BOM[0].QtyPer = 1 << 40 }), nil, nil, []Demand{{Ref: "d", Item: "a", Qty: 1 << 40, Due: day(1)}}, gongxu.KindInvalid, `planning "a": quantity overflow`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Plan(c.m, c.stock, c.open, c.demand)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			if k := gongxu.ErrorKind(err); k != c.kind || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %s %q, want %s containing %q", k, err, c.kind, c.msg)
			}
			if res.Work != nil || res.Purchases != nil {
				t.Errorf("a failed plan returned orders")
			}
		})
	}
}

func TestBadSchedule(t *testing.T) {
	base := func() Master {
		cal := Calendar{Weekly: weekdays(8*60, 16*60)}
		return Master{
			Items:       []Item{made("a", 0)},
			Routings:    []Routing{{Item: "a", Ops: []Operation{{WorkCenter: "w", RunMsPerUnit: 1000}}}},
			WorkCenters: []WorkCenter{{ID: "w", Capacity: 1, Calendar: cal}},
		}
	}
	work := []PlannedWork{{ID: "wo:a", Item: "a", Qty: u(1), Start: day(1), Due: day(2)}}
	cases := []struct {
		name string
		f    func(*Master, *[]PlannedWork)
		kind gongxu.Kind
		msg  string
	}{
		{"empty calendar", func(m *Master, _ *[]PlannedWork) { m.WorkCenters[0].Calendar = Calendar{} }, gongxu.KindInvalid, `work center "w" has an empty calendar`},
		{"zero capacity", func(m *Master, _ *[]PlannedWork) { m.WorkCenters[0].Capacity = 0 }, gongxu.KindInvalid, `work center "w" has zero capacity`},
		{"bad shift", func(m *Master, _ *[]PlannedWork) { m.WorkCenters[0].Calendar.Weekly[0].EndMin = 0 }, gongxu.KindInvalid, "shift"},
		{"closed forever", func(m *Master, _ *[]PlannedWork) {
			m.WorkCenters[0].Calendar.Closed = []Interval{{Start: 0, End: maxTime}}
		}, gongxu.KindInvalid, `work center "w" has not enough working time within 3660 days`},
		{"unknown work center", func(m *Master, _ *[]PlannedWork) { m.Routings[0].Ops[0].WorkCenter = "v" }, gongxu.KindNotFound, `unknown work center "v"`},
		{"no routing", func(m *Master, _ *[]PlannedWork) { m.Routings = nil }, gongxu.KindInvalid, `work order "wo:a": item "a" has no routing`},
		{"unknown item", func(_ *Master, w *[]PlannedWork) { (*w)[0].Item = "x" }, gongxu.KindNotFound, `unknown item "x"`},
		{"zero quantity", func(_ *Master, w *[]PlannedWork) { (*w)[0].Qty = 0 }, gongxu.KindInvalid, "quantity must be positive"},
		{"duplicate order", func(_ *Master, w *[]PlannedWork) { *w = append(*w, (*w)[0]) }, gongxu.KindInvalid, "listed twice"},
		{"input cycle", func(_ *Master, w *[]PlannedWork) {
			*w = []PlannedWork{{ID: "x", Item: "a", Qty: 1, Inputs: []string{"y"}}, {ID: "y", Item: "a", Qty: 1, Inputs: []string{"x"}}}
		}, gongxu.KindInvalid, "cycle through their inputs: x, y"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, w := base(), append([]PlannedWork(nil), work...)
			c.f(&m, &w)
			_, err := Schedule(m, w, nil, day(0))
			if k := gongxu.ErrorKind(err); k != c.kind || err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %s %v, want %s containing %q", k, err, c.kind, c.msg)
			}
		})
	}
	tt, err := Schedule(base(), work, nil, day(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []struct {
		ev   Event
		kind gongxu.Kind
	}{
		{Event{Supply: "PO-9", Arrives: day(3)}, gongxu.KindNotFound},
		{Event{Work: "wo:b", SlipMs: 1}, gongxu.KindNotFound},
		{Event{Work: "wo:a", Op: 3, SlipMs: 1}, gongxu.KindInvalid},
		{Event{Work: "wo:a", SlipMs: 0}, gongxu.KindInvalid},
		{Event{}, gongxu.KindInvalid},
		{Event{Supply: "x", Work: "wo:a"}, gongxu.KindInvalid},
		{Event{Supply: "wo:a", Arrives: day(3)}, gongxu.KindInvalid},
	} {
		if _, _, err := Replan(base(), tt, ev.ev); gongxu.ErrorKind(err) != ev.kind {
			t.Errorf("replan %+v: got %v, want %s", ev.ev, err, ev.kind)
		}
	}
}

// TestDayString: the planned orders' dates are what time.DateOnly gives,
// over the years 1 to 9999 and around the leap days.
func TestDayString(t *testing.T) {
	check := func(d int64) {
		if got, want := dayString(d), time.UnixMilli(d*dayMs).UTC().Format(time.DateOnly); got != want {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
	}
	for d := int64(-800_000); d <= 3_000_000; d += 97 {
		check(d)
	}
	for d := int64(-1000); d <= 30_000; d++ {
		check(d)
	}
	check(-719_162)  // 0001-01-01
	check(2_932_896) // 9999-12-31
}
