package web

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// ganttBarXY is a bar of a Gantt chart as drawn.
type ganttBarXY struct {
	Row        int
	Start, End int64 // the operation's times
	X, W       int64 // its rect
	Late       bool
	Work       string
}

// ganttDoc is a Gantt chart decoded as XML (so it must be well-formed).
type ganttDoc struct {
	Bars  []ganttBarXY
	Ticks map[int64]int64 // time → x of the day ticks
	Today int64           // x of the today line (-1: none)
	Text  string          // all text, titles included
	Rows  []string        // the row labels
}

func parseGantt(t *testing.T, svg string) ganttDoc {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	doc := ganttDoc{Ticks: map[int64]int64{}, Today: -1}
	attrs := func(se xml.StartElement) map[string]string {
		m := map[string]string{}
		for _, a := range se.Attr {
			m[a.Name.Local] = a.Value
		}
		return m
	}
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("not an integer: %q", s)
		}
		return n
	}
	var bar *ganttBarXY
	var text strings.Builder
	inUnit, depth := false, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			a := attrs(tok)
			switch {
			case tok.Name.Local == "g" && strings.HasPrefix(a["class"], "gantt-bar"):
				bar = &ganttBarXY{Row: int(num(a["data-row"])), Start: num(a["data-start"]), End: num(a["data-end"]),
					Late: a["class"] == "gantt-bar late", Work: a["data-work"]}
			case tok.Name.Local == "rect" && bar != nil:
				bar.X, bar.W = num(a["x"]), num(a["width"])
			case tok.Name.Local == "line" && a["class"] == "gantt-tick":
				doc.Ticks[num(a["data-time"])] = num(a["x1"])
			case tok.Name.Local == "line" && a["class"] == "gantt-today":
				doc.Today = num(a["x1"])
			case tok.Name.Local == "text" && a["class"] == "gantt-unit":
				inUnit = true
			}
		case xml.CharData:
			text.Write(tok)
			if inUnit && depth > 0 {
				doc.Rows = append(doc.Rows, string(tok))
				inUnit = false
			}
		case xml.EndElement:
			depth--
			if tok.Name.Local == "g" && bar != nil {
				doc.Bars = append(doc.Bars, *bar)
				bar = nil
			}
		}
	}
	doc.Text = text.String()
	return doc
}

// checkGanttGeometry checks that bars never overlap on a row and that each
// bar stands where its times are on the axis of day ticks.
func checkGanttGeometry(t *testing.T, doc ganttDoc, exact bool) {
	t.Helper()
	if len(doc.Ticks) < 2 {
		t.Fatalf("%d day ticks", len(doc.Ticks))
	}
	times := slices.Sorted(func(yield func(int64) bool) {
		for k := range doc.Ticks {
			if !yield(k) {
				return
			}
		}
	})
	t0, t1 := times[0], times[len(times)-1]
	x0, x1 := doc.Ticks[t0], doc.Ticks[t1]
	at := func(ms int64) float64 { return float64(x0) + float64(ms-t0)*float64(x1-x0)/float64(t1-t0) }
	for i := 1; i < len(times); i++ {
		if times[i]-times[i-1] != times[1]-times[0] || times[i]%dayMillis != 0 {
			t.Errorf("ticks not at evenly spaced midnights: %v", times)
		}
	}
	rows := map[int][]ganttBarXY{}
	for _, b := range doc.Bars {
		rows[b.Row] = append(rows[b.Row], b)
		if b.W < 0 || b.X < ganttLeft || b.X+b.W > ganttLeft+ganttPlotW {
			t.Errorf("bar %+v outside the plot", b)
		}
		if exact {
			if d := float64(b.X) - at(b.Start); d < -1 || d > 1 {
				t.Errorf("bar of %s starts at x %d, its start time is at %.1f", b.Work, b.X, at(b.Start))
			}
			if d := float64(b.X+b.W) - at(b.End); d < -1 || d > ganttMinBar+1 {
				t.Errorf("bar of %s ends at x %d, its end time is at %.1f", b.Work, b.X+b.W, at(b.End))
			}
		}
	}
	for row, bars := range rows {
		slices.SortFunc(bars, func(a, b ganttBarXY) int { return int(a.X - b.X) })
		for i := 1; i < len(bars); i++ {
			if bars[i-1].X+bars[i-1].W > bars[i].X {
				t.Errorf("row %d: bars overlap: %+v and %+v", row, bars[i-1], bars[i])
			}
		}
	}
}

func TestGanttChart(t *testing.T) {
	pv := samplePlan(ganttBlock)
	day0 := dayFloor(ganttBlock)
	svg := string(GanttChart(pv, ganttBlock))
	doc := parseGantt(t, svg)

	if len(doc.Bars) != 6 { // the operation of no duration is not drawn
		t.Fatalf("%d bars, want 6", len(doc.Bars))
	}
	checkGanttGeometry(t, doc, true)
	// Rows: every unit of each work center, in the plan's order; a single
	// unit is named without a number.
	if want := []string{"cutting #1", "cutting #2", "sewing #1", "sewing #2", "sewing #3", "pressing"}; !slices.Equal(doc.Rows, want) {
		t.Errorf("rows %q, want %q", doc.Rows, want)
	}
	late := 0
	for _, b := range doc.Bars {
		if b.Late {
			late++
			if !strings.Contains(b.Work, "linen-shirt") {
				t.Errorf("bar of %s marked late", b.Work)
			}
		}
	}
	if late != 2 {
		t.Errorf("%d late bars, want 2 (the shirts' sewing and pressing)", late)
	}
	// The axis runs over whole days, from the block's day to the end of the
	// last operation's, with a tick each midnight.
	if x, ok := doc.Ticks[day0]; !ok || x != ganttLeft {
		t.Errorf("first tick %v at %d", ok, x)
	}
	if x, ok := doc.Ticks[day0+9*dayMillis]; !ok || x != ganttLeft+ganttPlotW {
		t.Errorf("last tick %v at %d", ok, x)
	}
	if len(doc.Ticks) != 10 {
		t.Errorf("%d ticks, want 10", len(doc.Ticks))
	}
	// The jacket's cutting starts at a midnight: on the tick. It lasts two days.
	for _, b := range doc.Bars {
		if b.Row == 1 {
			if b.X != doc.Ticks[day0+dayMillis] || b.X+b.W != doc.Ticks[day0+3*dayMillis] {
				t.Errorf("jacket cutting at %d..%d, ticks at %d and %d", b.X, b.X+b.W, doc.Ticks[day0+dayMillis], doc.Ticks[day0+3*dayMillis])
			}
		}
	}
	// Today's line at the latest block.
	want := float64(ganttLeft) + float64(ganttBlock-day0)*ganttPlotW/float64(9*dayMillis)
	if d := float64(doc.Today) - want; doc.Today < 0 || d < -1 || d > 1 {
		t.Errorf("today at %d, want %.1f", doc.Today, want)
	}
	// Labels: the items without the factory's prefix where they fit; the
	// tooltips name the work order, operation, unit and times.
	for _, s := range []string{">linen-panel<", ">merino-jacket<", ">linen-shirt<", "today", "late work order",
		"acme-textiles/linen-shirt · wo:acme-textiles/linen-shirt@d5, operation 2 on pressing · ", " · late</title>",
		"Schedule of 6 operations on 3 work centers", "1 late work order."} {
		if !strings.Contains(svg, s) {
			t.Errorf("chart lacks %q", s)
		}
	}
}

func TestGanttNeverOverlaps(t *testing.T) {
	// Random schedules on a few units, with tiny operations, touching ones
	// and (which no sound plan has) overlapping ones: the bars stay apart.
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		pv := gongxu.PlanView{Factory: "f", WorkCenters: []gongxu.WorkCenter{{ID: "wc", Capacity: 3}}}
		start := int64(1_767_225_600_000) + rng.Int64N(dayMillis)
		sound := n%2 == 0
		at := make([]int64, 3)
		for u := range at {
			at[u] = start
		}
		for i := range 1 + rng.IntN(30) {
			u := rng.Int64N(3)
			d := []int64{1, 1000, 60_000, 3_600_000, dayMillis, 3 * dayMillis}[rng.IntN(6)]
			s := at[u] + []int64{0, 0, 1, 600_000}[rng.IntN(4)]
			if !sound && rng.IntN(3) == 0 {
				s -= rng.Int64N(2 * 3_600_000)
			}
			pv.Ops = append(pv.Ops, gongxu.ScheduledOp{Work: fmt.Sprintf("wo:%d", i), Op: 1, WorkCenter: "wc", Unit: u, Start: s, End: s + d})
			at[u] = max(at[u], s+d)
		}
		doc := parseGantt(t, string(GanttChart(pv, start)))
		if len(doc.Bars) != len(pv.Ops) {
			t.Fatalf("schedule %d: %d bars for %d operations", n, len(doc.Bars), len(pv.Ops))
		}
		checkGanttGeometry(t, doc, false)
		if t.Failed() {
			t.Fatalf("schedule %d: %+v", n, pv.Ops)
		}
	}
}

func TestGanttEdges(t *testing.T) {
	// No work centers, no operations: a chart that says so.
	doc := parseGantt(t, string(GanttChart(gongxu.PlanView{}, ganttBlock)))
	if !strings.Contains(doc.Text, "No work centers") || len(doc.Bars) != 0 {
		t.Errorf("empty plan: %q", doc.Text)
	}
	wcs := []gongxu.WorkCenter{{ID: "line", Capacity: 1}, {ID: "robots", Capacity: 400}}
	doc = parseGantt(t, string(GanttChart(gongxu.PlanView{WorkCenters: wcs}, ganttBlock)))
	if !strings.Contains(doc.Text, "Nothing scheduled") || !slices.Equal(doc.Rows, []string{"line", "robots #1"}) {
		t.Errorf("idle plan: rows %q, text %q", doc.Rows, doc.Text)
	}
	if len(doc.Ticks) != 8 || doc.Today < 0 {
		t.Errorf("idle plan: %d ticks (want a week), today at %d", len(doc.Ticks), doc.Today)
	}

	// A large work center shows only its busy units; an operation on a work
	// center the plan does not list still gets its row; names are escaped.
	day := dayFloor(ganttBlock)
	pv := gongxu.PlanView{Factory: "f", WorkCenters: wcs,
		Work: []gongxu.PlannedWork{{ID: "w1", Item: `f/<b>&"x"`}},
		Ops: []gongxu.ScheduledOp{
			{Work: "w1", Op: 1, WorkCenter: "robots", Unit: 40, Start: day, End: day + dayMillis},
			{Work: "w1", Op: 2, WorkCenter: "robots", Unit: 5, Start: day + dayMillis, End: day + 2*dayMillis},
			{Work: "w2", Op: 1, WorkCenter: "oven", Unit: 0, Start: day, End: day + 3*dayMillis},
		}}
	svg := string(GanttChart(pv, 0))
	doc = parseGantt(t, svg)
	if want := []string{"line", "robots #6", "robots #41", "oven"}; !slices.Equal(doc.Rows, want) {
		t.Errorf("rows %q, want %q", doc.Rows, want)
	}
	if !strings.Contains(doc.Text, "busy units only") || !strings.Contains(doc.Text, `<b>&"x"`) || strings.Contains(svg, "<b>") {
		t.Errorf("text %q", doc.Text)
	}
	if doc.Today != -1 {
		t.Errorf("a today line without a block time")
	}
	checkGanttGeometry(t, doc, true)

	// A long plan: ticks every few days, labels far enough apart.
	pv = gongxu.PlanView{WorkCenters: wcs[:1], Ops: []gongxu.ScheduledOp{{Work: "w", Op: 1, WorkCenter: "line", Start: day, End: day + 400*dayMillis}}}
	doc = parseGantt(t, string(GanttChart(pv, day)))
	checkGanttGeometry(t, doc, true)
	if len(doc.Ticks) > ganttPlotW/8+1 {
		t.Errorf("%d ticks on %d units", len(doc.Ticks), ganttPlotW)
	}
	for _, days := range []int64{1, 7, 30, 90, 400, 5000, 100_000} {
		tick, label := axisSteps(days)
		if ganttPlotW*tick < 8*days && tick < days || ganttPlotW*label < 56*days && label < days || label%tick != 0 {
			t.Errorf("%d days: ticks every %d, labels every %d", days, tick, label)
		}
	}
}

func TestFitText(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{{"linen-shirt", 20, "linen-shirt"}, {"linen-shirt", 11, "linen-shirt"}, {"linen-shirt", 6, "linen…"}, {"linen-shirt", 2, ""}, {"棉布衬衫", 3, "棉布…"}} {
		if got := fitText(c.s, c.n); got != c.want {
			t.Errorf("fitText(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

// TestGanttOfARealPlan draws the plan the planner makes of the World's
// factory: every operation of some duration is a bar, on its work center's
// rows, between the axis's days, none overlapping another on its row.
func TestGanttOfARealPlan(t *testing.T) {
	f := newSite(t)
	pv, err := f.plans.Plan(context.Background(), inproc.Acme)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseGantt(t, string(GanttChart(pv, inproc.End)))
	bars := 0
	for _, op := range pv.Ops {
		if op.End > op.Start {
			bars++
		}
	}
	if len(doc.Bars) != bars || bars == 0 {
		t.Fatalf("%d bars, want %d", len(doc.Bars), bars)
	}
	checkGanttGeometry(t, doc, true)
	if want := []string{"cutting #1", "cutting #2", "pressing", "sewing #1", "sewing #2", "sewing #3"}; !slices.Equal(doc.Rows, want) {
		t.Errorf("rows %q, want %q", doc.Rows, want)
	}
}

// ganttBlock is the latest block of the sample plan: 2026-01-01T08:00:41Z.
const ganttBlock = int64(1_767_254_441_000)

// samplePlan is a plan as the planner makes one, written out to draw from
// (GanttChart draws any plan; this one has what its geometry tests need):
// linen panels cut for the shirts, the shirts sewn and pressed (late: due
// on day 5, done on day 5 at noon), the jackets cut, sewn and pressed on
// the other units, one operation of no duration, around a latest block at
// block (unix ms).
func samplePlan(block int64) gongxu.PlanView {
	const hourMs, dayMs = int64(3600 * 1000), int64(24 * 3600 * 1000)
	day0 := dayFloor(block) // the latest block's day, 00:00 UTC
	const acme, blue = gongxu.OrgID("acme-textiles"), gongxu.OrgID("blue-river-cotton")
	shirt, jacket := gongxu.ItemID("acme-textiles/linen-shirt"), gongxu.ItemID("acme-textiles/merino-jacket")
	panel := gongxu.ItemID("acme-textiles/linen-panel")
	wPanel, wShirt, wJacket := "wo:acme-textiles/linen-panel@d1", "wo:acme-textiles/linen-shirt@d5", "wo:acme-textiles/merino-jacket@d20"
	calendar := gongxu.Calendar{Weekly: []gongxu.Shift{{Weekday: 1, StartMin: 480, EndMin: 1020}}}
	return gongxu.PlanView{
		Factory: acme, At: block,
		Orders: []gongxu.PlannedOrder{
			{Order: 7, Product: shirt, Qty: 64000, Due: day0 + 5*dayMs, Completion: day0 + 5*dayMs + 12*hourMs, Published: day0 + 5*dayMs + 12*hourMs, Late: true,
				Reason: "linen fabric from Blue River Cotton promised for the 3rd, a day late"},
			{Order: 6, Product: jacket, Qty: 120000, Due: day0 + 20*dayMs, Completion: day0 + 8*dayMs + 16*hourMs, Published: day0 + 9*dayMs,
				Reason: "the cutting table's second unit is free a day earlier"},
		},
		Purchases: []gongxu.PlannedPurchase{
			{ID: "po:silk-lining@d6", Supplier: blue, Item: "silk-lining", Qty: 20000, Release: block - dayMs, Due: day0 + 6*dayMs, Pegging: []string{"order:6"}},
			{ID: "po:indigo-dye@d9", Supplier: "lakeside-dyeworks", Item: "indigo-dye", Qty: 8000, Release: day0 + 2*dayMs, Due: day0 + 9*dayMs, Pegging: []string{"order:6"}},
		},
		Work: []gongxu.PlannedWork{
			{ID: wPanel, Item: panel, Qty: 64000, Start: day0, Due: day0 + dayMs, Pegging: []string{"order:7"}},
			{ID: wShirt, Item: shirt, Qty: 64000, Start: day0 + dayMs, Due: day0 + 5*dayMs, Pegging: []string{"order:7"}, Delivers: []string{"order:7"}},
			{ID: wJacket, Item: jacket, Qty: 120000, Start: day0 + dayMs, Due: day0 + 20*dayMs, Pegging: []string{"order:6"}, Delivers: []string{"order:6"}},
		},
		Dates: []gongxu.OrderDate{
			{Work: wPanel, Item: panel, Ready: day0, Completion: day0 + dayMs + 4*hourMs, Due: day0 + dayMs, Late: false},
			{Work: wShirt, Item: shirt, Ready: day0 + 2*dayMs, Completion: day0 + 5*dayMs + 12*hourMs, Due: day0 + 5*dayMs, Late: true},
			{Work: wJacket, Item: jacket, Ready: day0 + dayMs, Completion: day0 + 8*dayMs + 16*hourMs, Due: day0 + 20*dayMs},
		},
		Ops: []gongxu.ScheduledOp{
			{Work: wPanel, Op: 1, WorkCenter: "cutting", Unit: 0, Start: day0 + 2*hourMs, End: day0 + dayMs + 4*hourMs},
			{Work: wShirt, Op: 1, WorkCenter: "sewing", Unit: 0, Start: day0 + 2*dayMs + 8*hourMs, End: day0 + 5*dayMs + 2*hourMs},
			{Work: wShirt, Op: 2, WorkCenter: "pressing", Unit: 0, Start: day0 + 5*dayMs + 2*hourMs, End: day0 + 5*dayMs + 12*hourMs},
			{Work: wJacket, Op: 1, WorkCenter: "cutting", Unit: 1, Start: day0 + dayMs, End: day0 + 3*dayMs},
			{Work: wJacket, Op: 2, WorkCenter: "sewing", Unit: 1, Start: day0 + 3*dayMs, End: day0 + 8*dayMs},
			{Work: wJacket, Op: 3, WorkCenter: "pressing", Unit: 0, Start: day0 + 8*dayMs, End: day0 + 8*dayMs + 16*hourMs},
			{Work: wJacket, Op: 4, WorkCenter: "pressing", Unit: 0, Start: day0 + 8*dayMs + 16*hourMs, End: day0 + 8*dayMs + 16*hourMs}, // no duration
		},
		WorkCenters: []gongxu.WorkCenter{
			{ID: "cutting", Capacity: 2, Calendar: calendar},
			{ID: "sewing", Capacity: 3, Calendar: calendar},
			{ID: "pressing", Capacity: 1, Calendar: calendar},
		},
		Txs:      []gongxu.PlanTx{{Type: "production/po", Summary: "purchase order to blue-river-cotton: 20 silk-lining by the 6th", Body: []byte(`{}`)}},
		Problems: []string{"item acme-textiles/bamboo-socks has no routing: its orders are not scheduled"},
	}
}
