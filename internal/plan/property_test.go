package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
	"pgregory.net/rapid"
)

// genScenario draws a small factory (with at least two working hours a
// week per work center, so that the work fits the ten-year horizon): items 0…n-1 where BOM lines only go
// from an item to a later one (so no cycles), bought, made and phantom
// items, scrap, lot sizes, by-products, stock, open orders, demand, work
// centers with random calendars and routings.
//
// Lines under a phantom have whole quantities per unit and no scrap, so the
// oracle below can compute what goes through a phantom exactly.
func genScenario(t *rapid.T) scenario {
	n := rapid.IntRange(1, 10).Draw(t, "items")
	var s scenario
	kinds := make([]int, n) // 0 bought, 1 made, 2 phantom
	for i := range n {
		k := rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("kind%d", i))
		if i == n-1 && k == 2 {
			k = 0 // a phantom needs a component after it
		}
		kinds[i] = k
		it := Item{ID: ItemID(fmt.Sprintf("i%d", i))}
		switch k {
		case 0:
			it.Supplier = gongxu.OrgID(fmt.Sprintf("s%d", rapid.IntRange(0, 2).Draw(t, "supplier")))
		case 1:
			it.Make = true
		case 2:
			it.Make, it.Phantom = true, true
		}
		if k != 2 {
			it.LeadTimeDays = rapid.Int64Range(0, 3).Draw(t, "lead")
			it.LotMin = gongxu.Qty(rapid.Int64Range(0, 3).Draw(t, "lotmin") * 5000)
			it.LotMultiple = gongxu.Qty(rapid.SampledFrom([]int64{0, 0, 1, 250, 4000}).Draw(t, "lotmul"))
		}
		s.m.Items = append(s.m.Items, it)
	}
	for i := range n {
		if kinds[i] == 0 || i == n-1 {
			continue
		}
		lines := rapid.IntRange(0, 3).Draw(t, "lines")
		if kinds[i] == 2 {
			lines = max(lines, 1)
		}
		for range lines {
			c := rapid.IntRange(i+1, n-1).Draw(t, "child")
			l := BOMLine{Parent: s.m.Items[i].ID, Child: s.m.Items[c].ID}
			if kinds[i] == 2 {
				l.QtyPer = gongxu.Qty(1000 * rapid.Int64Range(1, 3).Draw(t, "per"))
			} else {
				l.QtyPer = gongxu.Qty(rapid.Int64Range(1, 3000).Draw(t, "per"))
				l.ScrapBP = rapid.SampledFrom([]int64{0, 0, 150, 2500}).Draw(t, "scrap")
				l.ByProduct = kinds[c] != 2 && rapid.IntRange(0, 5).Draw(t, "byp") == 0
				if l.ByProduct {
					l.ScrapBP = 0
				}
			}
			s.m.BOM = append(s.m.BOM, l)
		}
	}
	s.stock = map[ItemID]gongxu.Qty{}
	for i := range n {
		if rapid.Bool().Draw(t, "hasstock") {
			s.stock[s.m.Items[i].ID] = gongxu.Qty(rapid.Int64Range(0, 20_000).Draw(t, "stock"))
		}
	}
	for k := range rapid.IntRange(0, 3).Draw(t, "opens") {
		i := rapid.IntRange(0, n-1).Draw(t, "openitem")
		if kinds[i] == 2 {
			continue
		}
		s.open = append(s.open, OpenOrder{Ref: fmt.Sprintf("O%d", k), Item: s.m.Items[i].ID,
			Qty: gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "openqty")), Due: day(rapid.Int64Range(0, 20).Draw(t, "opendue"))})
	}
	for k := range rapid.IntRange(1, 5).Draw(t, "demands") {
		i := rapid.IntRange(0, n-1).Draw(t, "demitem")
		s.demand = append(s.demand, Demand{Ref: fmt.Sprintf("D%d", k%4), Item: s.m.Items[i].ID,
			Qty: gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "demqty")),
			Due: day(rapid.Int64Range(5, 25).Draw(t, "demday")) + rapid.Int64Range(0, dayMs-1).Draw(t, "demms")})
	}
	// Work centers and routings.
	nwc := rapid.IntRange(1, 3).Draw(t, "wcs")
	for w := range nwc {
		var cal Calendar
		cal.UTCOffsetMin = rapid.SampledFrom([]int64{0, 0, 480, -300, 330}).Draw(t, "offset")
		for range rapid.IntRange(1, 4).Draw(t, "shifts") {
			start := 30 * rapid.Int64Range(0, 47).Draw(t, "shiftstart")
			cal.Weekly = append(cal.Weekly, Shift{Weekday: rapid.Int64Range(0, 6).Draw(t, "weekday"),
				StartMin: start, EndMin: start + 30*rapid.Int64Range(4, 24).Draw(t, "shiftlen")})
		}
		if rapid.Bool().Draw(t, "closed") {
			a := day(rapid.Int64Range(0, 20).Draw(t, "closedday")) + minuteMs*rapid.Int64Range(0, 1439).Draw(t, "closedmin")
			cal.Closed = append(cal.Closed, Interval{Start: a, End: a + minuteMs*rapid.Int64Range(1, 5000).Draw(t, "closedlen")})
		}
		if rapid.Bool().Draw(t, "extra") {
			a := day(rapid.Int64Range(0, 20).Draw(t, "extraday")) + minuteMs*rapid.Int64Range(0, 1439).Draw(t, "extramin")
			cal.Extra = append(cal.Extra, Interval{Start: a, End: a + minuteMs*rapid.Int64Range(1, 900).Draw(t, "extralen")})
		}
		s.m.WorkCenters = append(s.m.WorkCenters, WorkCenter{ID: fmt.Sprintf("w%d", w), Capacity: rapid.Int64Range(1, 3).Draw(t, "cap"), Calendar: cal})
	}
	for i := range n {
		if kinds[i] != 1 {
			continue
		}
		var ops []Operation
		for range rapid.IntRange(1, 3).Draw(t, "ops") {
			ops = append(ops, Operation{
				WorkCenter:   fmt.Sprintf("w%d", rapid.IntRange(0, nwc-1).Draw(t, "opwc")),
				SetupMs:      rapid.Int64Range(0, 120*minuteMs).Draw(t, "setup"),
				RunMsPerUnit: rapid.Int64Range(0, 5*minuteMs).Draw(t, "run"),
			})
		}
		s.m.Routings = append(s.m.Routings, Routing{Item: s.m.Items[i].ID, Ops: ops})
	}
	return s
}

type itemDay struct {
	item ItemID
	day  int64
}

// TestPlanProperties: supply covers demand in every bucket; every gross
// requirement is counted exactly once (an oracle re-explodes the planned
// orders); orders match the records; the result does not depend on the
// order of the input.
func TestPlanProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		res, err := Plan(s.m, s.stock, s.open, s.demand)
		if err != nil {
			t.Fatal(err)
		}
		items := map[ItemID]Item{}
		for _, it := range s.m.Items {
			items[it.ID] = it
		}
		refs := map[string]bool{}
		for _, d := range s.demand {
			refs[d.Ref] = true
		}

		// Supply covers demand: on-hand + receipts + planned ≥ gross, cumulated.
		planned := map[itemDay]gongxu.Qty{}
		gotGross, gotSched, gotByp := map[itemDay]gongxu.Qty{}, map[itemDay]gongxu.Qty{}, map[itemDay]gongxu.Qty{}
		for _, r := range res.Items {
			it := items[r.Item]
			avail := r.OnHand
			for _, b := range r.Buckets {
				before := avail + b.Scheduled
				net := max(0, b.Gross-before)
				if b.Net != net {
					t.Fatalf("%s %s: net %d, want gross %d − available %d", r.Item, ds(b.Day), b.Net, b.Gross, before)
				}
				want := net
				if net > 0 && !it.Phantom {
					q, _ := lotSize(int64(net), &it)
					want = gongxu.Qty(q)
				}
				if b.Planned != want {
					t.Fatalf("%s %s: planned %d for net %d, want %d", r.Item, ds(b.Day), b.Planned, net, want)
				}
				avail = before + b.Planned - b.Gross + b.ByProduct
				if avail < 0 || avail != b.Available {
					t.Fatalf("%s %s: available %d, recomputed %d: supply does not cover demand", r.Item, ds(b.Day), b.Available, avail)
				}
				k := itemDay{r.Item, b.Day}
				gotGross[k], gotSched[k], gotByp[k] = b.Gross, b.Scheduled, b.ByProduct
				if b.Planned > 0 && !it.Phantom {
					planned[k] = b.Planned
				}
			}
		}

		// Orders match the planned buckets, one for one.
		orders := map[itemDay]gongxu.Qty{}
		for _, p := range res.Purchases {
			it := items[p.Item]
			if it.Make || p.Supplier != it.Supplier || p.Release != p.Due-it.LeadTimeDays*dayMs {
				t.Fatalf("purchase %+v does not fit item %+v", p, it)
			}
			orders[itemDay{p.Item, p.Due}] += p.Qty
			checkPegs(t, p.ID, p.Pegging, refs)
		}
		for _, w := range res.Work {
			it := items[w.Item]
			if !it.Make || it.Phantom || w.Start != w.Due-it.LeadTimeDays*dayMs {
				t.Fatalf("work %+v does not fit item %+v", w, it)
			}
			orders[itemDay{w.Item, w.Due}] += w.Qty
			checkPegs(t, w.ID, w.Pegging, refs)
		}
		if fmt.Sprint(orders) != fmt.Sprint(planned) {
			t.Fatalf("orders %v, planned buckets %v", orders, planned)
		}

		// The oracle: every gross requirement, receipt and by-product,
		// from the demand, the open orders and the plan's own orders.
		wantGross, wantSched, wantByp := map[itemDay]gongxu.Qty{}, map[itemDay]gongxu.Qty{}, map[itemDay]gongxu.Qty{}
		for _, d := range s.demand {
			wantGross[itemDay{d.Item, floorDiv(d.Due, dayMs) * dayMs}] += d.Qty
		}
		for _, o := range s.open {
			wantSched[itemDay{o.Item, floorDiv(o.Due, dayMs) * dayMs}] += o.Qty
		}
		for _, w := range res.Work {
			for _, l := range s.m.BOM {
				if l.Parent != w.Item {
					continue
				}
				if l.ByProduct {
					q, _ := yield(int64(w.Qty), line{qtyPer: int64(l.QtyPer)})
					wantByp[itemDay{l.Child, w.Due}] += gongxu.Qty(q)
				} else {
					q, _ := need(int64(w.Qty), line{qtyPer: int64(l.QtyPer), scrap: l.ScrapBP})
					wantGross[itemDay{l.Child, w.Start}] += gongxu.Qty(q)
				}
			}
		}
		for _, r := range res.Items {
			if !items[r.Item].Phantom {
				continue
			}
			for _, b := range r.Buckets {
				for _, l := range s.m.BOM {
					if l.Parent == r.Item && b.Planned > 0 {
						wantGross[itemDay{l.Child, b.Day}] += b.Planned * l.QtyPer / 1000
					}
				}
			}
		}
		for _, m := range []map[itemDay]gongxu.Qty{wantGross, wantSched, wantByp, gotGross, gotSched, gotByp} {
			deleteZero(m)
		}
		if fmt.Sprint(gotGross) != fmt.Sprint(wantGross) {
			t.Fatalf("gross requirements\n got %v\nwant %v", gotGross, wantGross)
		}
		if fmt.Sprint(gotSched) != fmt.Sprint(wantSched) || fmt.Sprint(gotByp) != fmt.Sprint(wantByp) {
			t.Fatalf("receipts %v / %v, by-products %v / %v", gotSched, wantSched, gotByp, wantByp)
		}

		// Independent of input order.
		sh := shuffled(t, s)
		res2, err := Plan(sh.m, sh.stock, sh.open, sh.demand)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(t, res), mustJSON(t, res2); !bytes.Equal(a, b) {
			t.Fatalf("shuffled input, different plan:\n%s\n%s", a, b)
		}
	})
}

func deleteZero(m map[itemDay]gongxu.Qty) {
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
}

func checkPegs(t *rapid.T, id string, pegs []string, refs map[string]bool) {
	if len(pegs) == 0 || !slices.IsSorted(pegs) {
		t.Fatalf("%s: pegging %v is empty or unsorted", id, pegs)
	}
	for _, p := range pegs {
		if !refs[p] {
			t.Fatalf("%s: pegs unknown demand %q", id, p)
		}
	}
}

func mustJSON(t interface{ Fatal(...any) }, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shuffled is s with every list in another order.
func shuffled(t *rapid.T, s scenario) scenario {
	m := s.m
	m.Items = rapid.Permutation(m.Items).Draw(t, "items order")
	m.BOM = rapid.Permutation(m.BOM).Draw(t, "bom order")
	m.Routings = rapid.Permutation(m.Routings).Draw(t, "routings order")
	m.WorkCenters = rapid.Permutation(m.WorkCenters).Draw(t, "work centers order")
	return scenario{m: m, stock: s.stock,
		open:   rapid.Permutation(s.open).Draw(t, "open order"),
		demand: rapid.Permutation(s.demand).Draw(t, "demand order")}
}

// minutes is an oracle of a calendar's working time, minute by minute,
// written apart from the timeline: minute m (unix minutes) works when a
// weekly shift or an extra interval holds it and no closed interval does.
type minutes struct {
	lo  int64   // first minute
	cum []int64 // cum[k]: working minutes in [lo, lo+k)
	on  []bool
}

func newMinutes(c Calendar, lo, hi int64) *minutes {
	m := &minutes{lo: lo, cum: make([]int64, hi-lo+1), on: make([]bool, hi-lo)}
	in := func(x int64, ivs []Interval) bool {
		for _, iv := range ivs {
			if x*minuteMs >= iv.Start && x*minuteMs < iv.End {
				return true
			}
		}
		return false
	}
	for x := lo; x < hi; x++ {
		local := x + c.UTCOffsetMin
		d := floorDiv(local, 1440)
		wd, md := ((d+4)%7+7)%7, local-d*1440
		work := in(x, c.Extra)
		for _, s := range c.Weekly {
			if (wd == s.Weekday && md >= s.StartMin && md < s.EndMin) || ((s.Weekday+1)%7 == wd && md+1440 < s.EndMin) {
				work = true
			}
		}
		m.on[x-lo] = work && !in(x, c.Closed)
		m.cum[x-lo+1] = m.cum[x-lo]
		if m.on[x-lo] {
			m.cum[x-lo+1]++
		}
	}
	return m
}

// worked is the working ms in [a, b).
func (m *minutes) worked(a, b int64) int64 {
	fa, fb := floorDiv(a, minuteMs), floorDiv(b, minuteMs)
	if fa == fb {
		if m.on[fa-m.lo] {
			return b - a
		}
		return 0
	}
	w := (m.cum[fb-m.lo] - m.cum[fa+1-m.lo]) * minuteMs
	if m.on[fa-m.lo] {
		w += (fa+1)*minuteMs - a
	}
	if fb-m.lo < int64(len(m.on)) && m.on[fb-m.lo] {
		w += b - fb*minuteMs
	}
	return w
}

// TestScheduleProperties: no work center ever holds more operations at once
// than its capacity, no unit holds two; each operation gets exactly its
// duration of working time and starts at a working instant; operations of
// an order follow each other, after the materials; the timetable does not
// depend on the order of the input; a re-plan reports exactly the dates
// that moved.
func TestScheduleProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		res, err := Plan(s.m, s.stock, s.open, s.demand)
		if err != nil {
			t.Fatal(err)
		}
		from := day(rapid.Int64Range(0, 10).Draw(t, "from")) + rapid.Int64Range(0, dayMs-1).Draw(t, "fromms")
		arrivals := map[string]int64{}
		for _, w := range res.Work {
			for _, in := range w.Inputs {
				if !slices.ContainsFunc(res.Work, func(x PlannedWork) bool { return x.ID == in }) && rapid.IntRange(0, 3).Draw(t, "late") == 0 {
					arrivals[in] = w.Start + rapid.Int64Range(0, 5*dayMs).Draw(t, "lateby")
				}
			}
		}
		tt, err := Schedule(s.m, res.Work, arrivals, from)
		if err != nil {
			t.Fatal(err)
		}
		checkTimetable(t, s.m, res.Work, arrivals, from, tt)

		sh := shuffled(t, s)
		tt2, err := Schedule(sh.m, rapid.Permutation(res.Work).Draw(t, "work order"), arrivals, from)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(t, tt), mustJSON(t, tt2); !bytes.Equal(a, b) {
			t.Fatalf("shuffled input, different timetable:\n%s\n%s", a, b)
		}

		if len(res.Work) == 0 {
			return
		}
		w := rapid.SampledFrom(res.Work).Draw(t, "slipped")
		var ev Event
		supplies := slices.DeleteFunc(slices.Clone(w.Inputs), func(in string) bool {
			return slices.ContainsFunc(res.Work, func(x PlannedWork) bool { return x.ID == in })
		})
		if len(supplies) > 0 && rapid.Bool().Draw(t, "supply") {
			ev = Event{Supply: rapid.SampledFrom(supplies).Draw(t, "input"), Arrives: w.Start + rapid.Int64Range(0, 9*dayMs).Draw(t, "arrives")}
		} else {
			var ops int
			for _, r := range s.m.Routings {
				if r.Item == w.Item {
					ops = len(r.Ops)
				}
			}
			ev = Event{Work: w.ID, Op: rapid.IntRange(0, ops-1).Draw(t, "op"), SlipMs: rapid.Int64Range(1, dayMs).Draw(t, "slip")}
		}
		next, changes, err := Replan(s.m, tt, ev)
		if err != nil {
			t.Fatal(err)
		}
		checkTimetable(t, s.m, next.Input.Work, next.Input.Arrivals, from, next)
		moved := 0
		for k, o := range next.Orders {
			if o.Completion != tt.Orders[k].Completion {
				moved++
			}
		}
		for k, d := range next.Demands {
			if d.Completion != tt.Demands[k].Completion {
				moved++
			}
		}
		if moved != len(changes) {
			t.Fatalf("%d dates moved, %d changes reported: %+v", moved, len(changes), changes)
		}
	})
}

func checkTimetable(t *rapid.T, m Master, work []PlannedWork, arrivals map[string]int64, from int64, tt Timetable) {
	wcs := map[string]WorkCenter{}
	for _, wc := range m.WorkCenters {
		wcs[wc.ID] = wc
	}
	routing := map[ItemID][]Operation{}
	for _, r := range m.Routings {
		routing[r.Item] = r.Ops
	}
	extra := map[[2]any]int64{}
	for _, sl := range tt.Input.Slips {
		extra[[2]any{sl.Work, sl.Op}] += sl.ExtraMs
	}
	hi := from
	for _, op := range tt.Ops {
		hi = max(hi, op.End)
	}
	cal := map[string]*minutes{}
	for id, wc := range wcs {
		cal[id] = newMinutes(wc.Calendar, floorDiv(from, minuteMs)-1, floorDiv(hi, minuteMs)+2)
	}
	ops := map[string][]ScheduledOp{}
	byWC := map[string][]ScheduledOp{}
	for _, op := range tt.Ops {
		ops[op.Work] = append(ops[op.Work], op)
		byWC[op.WorkCenter] = append(byWC[op.WorkCenter], op)
	}
	// Capacity: a sweep over starts and ends; and no unit holds two.
	for id, list := range byWC {
		type ev struct{ at, d int64 }
		var evs []ev
		for _, op := range list {
			if op.Unit < 0 || op.Unit >= wcs[id].Capacity {
				t.Fatalf("%s: unit %d of %d", id, op.Unit, wcs[id].Capacity)
			}
			if op.End > op.Start {
				evs = append(evs, ev{op.Start, 1}, ev{op.End, -1})
			}
			for _, o := range list {
				if o != op && o.Unit == op.Unit && o.Start < op.End && op.Start < o.End && o.Start < o.End && op.Start < op.End {
					t.Fatalf("%s unit %d holds two operations: %+v and %+v", id, op.Unit, o, op)
				}
			}
		}
		slices.SortFunc(evs, func(a, b ev) int {
			if a.at != b.at {
				return int(a.at - b.at)
			}
			return int(a.d - b.d) // ends before starts at the same instant
		})
		load := int64(0)
		for _, e := range evs {
			if load += e.d; load > wcs[id].Capacity {
				t.Fatalf("%s overloaded: %d operations at %s, capacity %d", id, load, ds(e.at), wcs[id].Capacity)
			}
		}
	}
	done := map[string]int64{}
	for _, o := range tt.Orders {
		done[o.Work] = o.Completion
	}
	for _, o := range tt.Orders {
		var w PlannedWork
		for _, x := range work {
			if x.ID == o.Work {
				w = x
			}
		}
		ready := max(from, w.Start)
		for _, in := range w.Inputs {
			if c, ok := done[in]; ok {
				ready = max(ready, c)
			} else if a, ok := arrivals[in]; ok {
				ready = max(ready, a)
			}
		}
		if o.Ready != ready {
			t.Fatalf("%s ready %s, want %s (start %s, inputs %v, done %v, arrivals %v)", o.Work, ds(o.Ready), ds(ready), ds(w.Start), w.Inputs, done, arrivals)
		}
		list := ops[o.Work]
		r := routing[w.Item]
		if len(list) != len(r) {
			t.Fatalf("%s: %d operations scheduled, routing has %d", o.Work, len(list), len(r))
		}
		prev := ready
		for k, op := range list {
			run, _ := mulDiv(r[k].RunMsPerUnit, int64(w.Qty), 1000, true)
			dur := r[k].SetupMs + run + extra[[2]any{o.Work, k}]
			if op.Op != k || op.WorkCenter != r[k].WorkCenter || op.Start < prev {
				t.Fatalf("%s op %d: %+v starts before %s", o.Work, k, op, ds(prev))
			}
			mc := cal[op.WorkCenter]
			if got := mc.worked(op.Start, op.End); got != dur {
				t.Fatalf("%s op %d on %s: %d ms of working time in [%s, %s), want %d", o.Work, k, op.WorkCenter, got, ds(op.Start), ds(op.End), dur)
			}
			if dur > 0 && !mc.on[floorDiv(op.Start, minuteMs)-mc.lo] {
				t.Fatalf("%s op %d starts at %s, outside working time", o.Work, k, ds(op.Start))
			}
			prev = op.End
		}
		if o.Completion != prev {
			t.Fatalf("%s completion %s, last operation ends %s", o.Work, ds(o.Completion), ds(prev))
		}
	}
}
