package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// The golden example: a jacket, computed by hand.
//
// Day dN is March N, 2026 (d17 is a Tuesday, d22 a Sunday). Lengths are in metres, the rest in pieces.
//
//	jacket (made, lead time 2 d)          stock 20
//	├─ shell 1.5 m                        bought, mill-a, 5 d, lot ≥ 100 m in 10 m steps, stock 60 m
//	├─ lining 1.2 m + 5 % scrap           bought, mill-a, 5 d
//	├─ zipper 1                           bought, zip-co, 3 d, lots of 100, open order PO-1: 200 on d20
//	├─ thread 20 m                        bought, thread-co, 2 d, lot ≥ 5000 m, stock 1000 m
//	├─ sleeve 2                           made, 1 d, lots of 10, stock 25
//	│  ├─ shell 0.5 m
//	│  ├─ lining 0.3 m
//	│  └─ thread 10 m
//	└─ collar-kit 1                       phantom, stock 5
//	   ├─ interfacing 0.1 m               bought, mill-a, 5 d
//	   ├─ thread 5 m
//	   └─ label-set 1                     phantom inside the phantom, stock 10
//	      ├─ label 1                      bought, label-co, 4 d
//	      └─ care-tag 1                   bought, label-co, 4 d
//
// Low-level codes: jacket 0; sleeve, collar-kit, zipper 1; shell, lining,
// thread, interfacing, label-set 2 (shell, lining and thread appear at
// levels 1 and 2: they are netted once, at 2); label, care-tag 3.
//
// Demand: "pool 7" 100 jackets due d20 10:00, "pool 8" 50 due d25.
//
// jacket: d20 gross 100, stock 20 → net 80 → wo 80 start d18.
// d25 gross 50 → wo 50 start d23. Each delivers to its pool.
// Dependent requirements on d18 (wo 80): shell 120, lining 80×1.2×1.05 =
// 100.8, zipper 80, thread 1600, sleeve 160, collar-kit 80; on d23 (wo 50):
// shell 75, lining 63, zipper 50, thread 1000, sleeve 100, collar-kit 50.
//
// sleeve: d18 gross 160, stock 25 → net 135 → lot 140 (start d17), 5 left;
// d23 gross 100, 5 available → net 95 → lot 100 (start d22). First in
// first out, the 5 left of the d18 lot go to the d23 jacket order, so the
// d18 sleeve order pegs both pools and the d25 jacket order takes both
// sleeve orders as inputs. Dependent: d17 (140): shell 70, lining 42,
// thread 1400; d22 (100): shell 50, lining 30, thread 1000.
//
// collar-kit (phantom): d18 gross 80, its own stock 5 first → 75 exploded
// through on d18: interfacing 7.5, thread 375, label-set 75; d23: 50 → 5,
// 250, 50. No order of its own.
//
// zipper: d18 gross 80 → net 80 → lot 100, due d18, release d15; 20 left.
// PO-1 (200) arrives on d20, too late for d18, so it does not prevent the
// planned order; on d23 the 50 come from the 20 left and 30 of PO-1.
//
// label-set (phantom in phantom): d18 gross 75, stock 10 → 65 through to
// label and care-tag on d18; d23 50 → 50.
//
// shell: d17 70, d18 120, d22 50, d23 75; stock 60.
// d17: 60 < 70 → net 10 → lot max(10, 100) = 100, avail 90.
// d18: 90 < 120 → net 30 → lot 100, avail 70. d22: 20 left.
// d23: 20 < 75 → net 55 → lot 100, avail 45. Releases 5 days earlier.
//
// lining: no stock, no lot rules: 42 d17, 100.8 d18, 30 d22, 63 d23.
//
// thread: d17 1400, d18 1600 + 375 = 1975, d22 1000, d23 1000 + 250 = 1250;
// stock 1000. d17: net 400 → lot 5000 (avail 4600), which covers the rest
// (2625, 1625, 375 left).
//
// interfacing: 7.5 d18, 5 d23. label, care-tag: 65 d18, 50 d23.
func jacketMaster() Master {
	const mm = 1000 // a metre in milli-units
	return Master{
		Items: []Item{
			{ID: "jacket", Unit: "piece", LeadTimeDays: 2, Make: true},
			{ID: "sleeve", Unit: "piece", LeadTimeDays: 1, LotMultiple: u(10), Make: true},
			{ID: "collar-kit", Unit: "piece", Make: true, Phantom: true},
			{ID: "label-set", Unit: "piece", Make: true, Phantom: true},
			{ID: "shell", Unit: "m", LeadTimeDays: 5, LotMin: 100 * mm, LotMultiple: 10 * mm, Supplier: "mill-a"},
			{ID: "lining", Unit: "m", LeadTimeDays: 5, Supplier: "mill-a"},
			{ID: "interfacing", Unit: "m", LeadTimeDays: 5, Supplier: "mill-a"},
			{ID: "zipper", Unit: "piece", LeadTimeDays: 3, LotMultiple: u(100), Supplier: "zip-co"},
			{ID: "thread", Unit: "m", LeadTimeDays: 2, LotMin: 5000 * mm, Supplier: "thread-co"},
			{ID: "label", Unit: "piece", LeadTimeDays: 4, Supplier: "label-co"},
			{ID: "care-tag", Unit: "piece", LeadTimeDays: 4, Supplier: "label-co"},
		},
		BOM: []BOMLine{
			{Parent: "jacket", Child: "shell", QtyPer: 1500},
			{Parent: "jacket", Child: "lining", QtyPer: 1200, ScrapBP: 500},
			{Parent: "jacket", Child: "zipper", QtyPer: 1000},
			{Parent: "jacket", Child: "thread", QtyPer: 20_000},
			{Parent: "jacket", Child: "sleeve", QtyPer: 2000},
			{Parent: "jacket", Child: "collar-kit", QtyPer: 1000},
			{Parent: "sleeve", Child: "shell", QtyPer: 500},
			{Parent: "sleeve", Child: "lining", QtyPer: 300},
			{Parent: "sleeve", Child: "thread", QtyPer: 10_000},
			{Parent: "collar-kit", Child: "interfacing", QtyPer: 100},
			{Parent: "collar-kit", Child: "thread", QtyPer: 5000},
			{Parent: "collar-kit", Child: "label-set", QtyPer: 1000},
			{Parent: "label-set", Child: "label", QtyPer: 1000},
			{Parent: "label-set", Child: "care-tag", QtyPer: 1000},
		},
		// Cutting: one table, Monday to Friday 08:00-16:00. Sewing: two
		// lines, Monday to Friday 08:00-12:00 and 13:00-17:00.
		Routings: []Routing{
			{Item: "sleeve", Ops: []Operation{
				{WorkCenter: "cutting", SetupMs: 30 * minuteMs, RunMsPerUnit: 1 * minuteMs},
				{WorkCenter: "sewing", RunMsPerUnit: 3 * minuteMs},
			}},
			{Item: "jacket", Ops: []Operation{
				{WorkCenter: "cutting", SetupMs: 30 * minuteMs, RunMsPerUnit: 2 * minuteMs},
				{WorkCenter: "sewing", RunMsPerUnit: 10 * minuteMs},
			}},
		},
		WorkCenters: []WorkCenter{
			{ID: "cutting", Capacity: 1, Calendar: Calendar{Weekly: weekdays(8*60, 16*60)}},
			{ID: "sewing", Capacity: 2, Calendar: Calendar{Weekly: append(weekdays(8*60, 12*60), weekdays(13*60, 17*60)...)}},
		},
	}
}

// weekdays is a shift from start to end minutes, Monday to Friday.
func weekdays(start, end int64) []Shift {
	var s []Shift
	for d := int64(1); d <= 5; d++ {
		s = append(s, Shift{Weekday: d, StartMin: start, EndMin: end})
	}
	return s
}

func jacketInputs() (map[ItemID]gongxu.Qty, []OpenOrder, []Demand) {
	stock := map[ItemID]gongxu.Qty{"jacket": u(20), "sleeve": u(25), "collar-kit": u(5), "label-set": u(10), "shell": u(60), "thread": u(1000)}
	open := []OpenOrder{{Ref: "PO-1", Item: "zipper", Qty: u(200), Due: at(20, 9, 0)}}
	demand := []Demand{
		{Ref: "pool 7", Item: "jacket", Qty: u(100), Due: at(20, 10, 0)},
		{Ref: "pool 8", Item: "jacket", Qty: u(50), Due: day(25)},
	}
	return stock, open, demand
}

func TestJacketGolden(t *testing.T) {
	stock, open, demand := jacketInputs()
	res, err := Plan(jacketMaster(), stock, open, demand)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "orders", summary(res), trim(`
		po label-co care-tag 65 rel d14 due d18 [pool 7]
		po label-co care-tag 50 rel d19 due d23 [pool 8]
		po label-co label 65 rel d14 due d18 [pool 7]
		po label-co label 50 rel d19 due d23 [pool 8]
		po mill-a interfacing 7.5 rel d13 due d18 [pool 7]
		po mill-a interfacing 5 rel d18 due d23 [pool 8]
		po mill-a lining 42 rel d12 due d17 [pool 7,pool 8]
		po mill-a lining 100.8 rel d13 due d18 [pool 7]
		po mill-a lining 30 rel d17 due d22 [pool 8]
		po mill-a lining 63 rel d18 due d23 [pool 8]
		po mill-a shell 100 rel d12 due d17 [pool 7,pool 8]
		po mill-a shell 100 rel d13 due d18 [pool 7,pool 8]
		po mill-a shell 100 rel d18 due d23 [pool 8]
		po thread-co thread 5000 rel d15 due d17 [pool 7,pool 8]
		po zip-co zipper 100 rel d15 due d18 [pool 7,pool 8]
		wo sleeve 140 start d17 due d18 [pool 7,pool 8] inputs [po:lining@2026-03-17,po:shell@2026-03-17,po:thread@2026-03-17]
		wo jacket 80 start d18 due d20 [pool 7] delivers [pool 7] inputs [po:care-tag@2026-03-18,po:interfacing@2026-03-18,po:label@2026-03-18,po:lining@2026-03-18,po:shell@2026-03-17,po:shell@2026-03-18,po:thread@2026-03-17,po:zipper@2026-03-18,wo:sleeve@2026-03-18]
		wo sleeve 100 start d22 due d23 [pool 8] inputs [po:lining@2026-03-22,po:shell@2026-03-18,po:thread@2026-03-17]
		wo jacket 50 start d23 due d25 [pool 8] delivers [pool 8] inputs [PO-1,po:care-tag@2026-03-23,po:interfacing@2026-03-23,po:label@2026-03-23,po:lining@2026-03-23,po:shell@2026-03-18,po:shell@2026-03-23,po:thread@2026-03-17,po:zipper@2026-03-18,wo:sleeve@2026-03-18,wo:sleeve@2026-03-23]
	`))
	diff(t, "records", records(res), trim(`
		care-tag llc3 oh 0: d18 g65 n65 p65 a0; d23 g50 n50 p50 a0;
		collar-kit llc1 oh 5: d18 g80 n75 p75 a0; d23 g50 n50 p50 a0;
		interfacing llc2 oh 0: d18 g7.5 n7.5 p7.5 a0; d23 g5 n5 p5 a0;
		jacket llc0 oh 20: d20 g100 n80 p80 a0; d25 g50 n50 p50 a0;
		label llc3 oh 0: d18 g65 n65 p65 a0; d23 g50 n50 p50 a0;
		label-set llc2 oh 10: d18 g75 n65 p65 a0; d23 g50 n50 p50 a0;
		lining llc2 oh 0: d17 g42 n42 p42 a0; d18 g100.8 n100.8 p100.8 a0; d22 g30 n30 p30 a0; d23 g63 n63 p63 a0;
		shell llc2 oh 60: d17 g70 n10 p100 a90; d18 g120 n30 p100 a70; d22 g50 a20; d23 g75 n55 p100 a45;
		sleeve llc1 oh 25: d18 g160 n135 p140 a5; d23 g100 n95 p100 a5;
		thread llc2 oh 1000: d17 g1400 n400 p5000 a4600; d18 g1975 a2625; d22 g1000 a1625; d23 g1250 a375;
		zipper llc1 oh 0: d18 g80 n80 p100 a20; d20 g0 s200 a220; d23 g50 a170;
	`))
}

// timetable renders a timetable's operations and dates.
func timetable(tt Timetable) string {
	var b strings.Builder
	for _, op := range tt.Ops {
		fmt.Fprintf(&b, "%s op%d %s/%d %s - %s\n", op.Work, op.Op, op.WorkCenter, op.Unit, ds(op.Start), ds(op.End))
	}
	for _, o := range tt.Orders {
		fmt.Fprintf(&b, "%s ready %s done %s late %v\n", o.Work, ds(o.Ready), ds(o.Completion), o.Late)
	}
	for _, d := range tt.Demands {
		fmt.Fprintf(&b, "%s done %s\n", d.Ref, ds(d.Completion))
	}
	return b.String()
}

func changes(cs []DateChange) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s %s → %s: %s\n", c.Kind, c.ID, ds(c.Old), ds(c.New), c.Reason)
	}
	return b.String()
}

// The jacket's work scheduled from Monday d16 by hand. Cutting has one
// table (Mon-Fri 08-16), sewing two lines (Mon-Fri 08-12, 13-17). Priority
// is (due, id), but a jacket order waits for the sleeve orders among its
// inputs.
//
//	wo:sleeve@03-18 (140, start Tue d17): cut 30 + 140 min = 170 → d17 08:00-10:50;
//	  sew 420 min on line 0: 10:50-12:00 (70), 13:00-17:00 (240), d18 08:00-09:50 (110).
//	  Due d18 00:00: late.
//	wo:jacket@03-20 (80): ready when the sleeves are, d18 09:50. Cut 30 + 160 = 190
//	  → d18 09:50-13:00; sew 800 min on line 0 (both free, lowest first):
//	  d18 13:00-17:00 (240), d19 (480), d20 08:00-09:20 (80). Pool 7 done d20 09:20.
//	wo:sleeve@03-23 (100, start Sun d22): cut Mon d23 08:00-10:10 (130);
//	  sew 300 min: 10:10-12:00 (110), 13:00-16:10 (190). Due d23 00:00: late.
//	wo:jacket@03-25 (50): ready d23 16:10; cutting closes at 16:00, so cut
//	  d24 08:00-10:10 (130); sew 500 min: 10:10-12:00 (110), 13:00-17:00
//	  (240), d25 08:00-10:30 (150). Pool 8 done d25 10:30.
//
// Every work order is late against its Due, the start of the day MRP
// needs it: a lead time of calendar days does not know the shifts. Pool 7,
// due d20 10:00, is done at 09:20 all the same.
func TestJacketSchedule(t *testing.T) {
	m := jacketMaster()
	stock, open, demand := jacketInputs()
	res, err := Plan(m, stock, open, demand)
	if err != nil {
		t.Fatal(err)
	}
	tt, err := Schedule(m, res.Work, nil, day(16))
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "timetable", timetable(tt), trim(`
		wo:jacket@2026-03-20 op0 cutting/0 d18 09:50 - d18 13:00
		wo:jacket@2026-03-20 op1 sewing/0 d18 13:00 - d20 09:20
		wo:jacket@2026-03-25 op0 cutting/0 d24 08:00 - d24 10:10
		wo:jacket@2026-03-25 op1 sewing/0 d24 10:10 - d25 10:30
		wo:sleeve@2026-03-18 op0 cutting/0 d17 08:00 - d17 10:50
		wo:sleeve@2026-03-18 op1 sewing/0 d17 10:50 - d18 09:50
		wo:sleeve@2026-03-23 op0 cutting/0 d23 08:00 - d23 10:10
		wo:sleeve@2026-03-23 op1 sewing/0 d23 10:10 - d23 16:10
		wo:jacket@2026-03-20 ready d18 09:50 done d20 09:20 late true
		wo:jacket@2026-03-25 ready d23 16:10 done d25 10:30 late true
		wo:sleeve@2026-03-18 ready d17 done d18 09:50 late true
		wo:sleeve@2026-03-23 ready d22 done d23 16:10 late true
		pool 7 done d20 09:20
		pool 8 done d25 10:30
	`))

	// PO-1's zippers are confirmed for Thursday d26 12:00: the d25 jacket
	// order cuts d26 12:00-14:10 and sews 500 min: 14:10-17:00 (170),
	// d27 08:00-12:00 (240), 13:00-14:30 (90).
	late, cs, err := Replan(m, tt, Event{Supply: "PO-1", Arrives: at(26, 12, 0)})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "late PO-1", changes(cs), trim(`
		demand pool 8 d25 10:30 → d27 14:30: PO-1 now arrives 2026-03-26 12:00 UTC
		work wo:jacket@2026-03-25 d25 10:30 → d27 14:30: PO-1 now arrives 2026-03-26 12:00 UTC
	`))
	if late.Input.Arrivals["PO-1"] != at(26, 12, 0) || tt.Input.Arrivals != nil {
		t.Errorf("arrivals: new %v, old %v", late.Input.Arrivals, tt.Input.Arrivals)
	}

	// Instead, sewing the d18 sleeves takes two hours more: they are done
	// d18 11:50, the d20 jackets cut 11:50-15:00 and sew 800 min from
	// 15:00: 15:00-17:00 (120), d19 (480), d20 08:00-11:20 (200).
	_, cs, err = Replan(m, tt, Event{Work: "wo:sleeve@2026-03-18", Op: 1, SlipMs: 2 * 3_600_000, Reason: "line 1 needle breakage"})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "slip", changes(cs), trim(`
		demand pool 7 d20 09:20 → d20 11:20: line 1 needle breakage
		work wo:jacket@2026-03-20 d20 09:20 → d20 11:20: line 1 needle breakage
		work wo:sleeve@2026-03-18 d18 09:50 → d18 11:50: line 1 needle breakage
	`))
}
