package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

// loadPlan is a plan on one work center of two units that always works (an
// empty calendar): on day0 one unit works 12 hours and the other all day;
// on day0+8 one unit works 6 hours. Its name is long.
func loadPlan(day0 int64) gongxu.PlanView {
	const wc = "finishing-and-quality-inspection-line"
	return gongxu.PlanView{Factory: "f", At: day0,
		WorkCenters: []gongxu.WorkCenter{{ID: wc, Capacity: 2}},
		Work:        []gongxu.PlannedWork{{ID: "w1", Item: "f/a-rather-long-item-name-for-a-short-bar"}, {ID: "w2", Item: "f/coat"}},
		Ops: []gongxu.ScheduledOp{
			{Work: "w1", Op: 1, WorkCenter: wc, Unit: 0, Start: day0, End: day0 + 12*3600_000},
			{Work: "w2", Op: 1, WorkCenter: wc, Unit: 1, Start: day0, End: day0 + dayMillis},
			{Work: "w2", Op: 2, WorkCenter: wc, Unit: 0, Start: day0 + 8*dayMillis, End: day0 + 8*dayMillis + 6*3600_000},
		}}
}

// loadCells are the load cells of a chart: start → percent.
func loadCells(t *testing.T, svg string) map[int64]int64 {
	t.Helper()
	out := map[int64]int64{}
	for _, m := range regexp.MustCompile(`<g class="gantt-load-cell[^"]*" data-wc="[^"]*" data-start="(\d+)" data-end="\d+" data-pct="(\d+)">`).FindAllStringSubmatch(svg, -1) {
		s, _ := strconv.ParseInt(m[1], 10, 64)
		p, _ := strconv.ParseInt(m[2], 10, 64)
		out[s] = p
	}
	return out
}

func TestGanttLoadAndZoom(t *testing.T) {
	day0 := dayFloor(ganttBlock) // Thursday 1 Jan 2026, UTC
	pv := loadPlan(day0)
	en := newLocale(langEN, time.UTC, nil)

	// By day: 75% on day0 ((12 + 24) h of 2 × 24 h), 12% on day0+8, no cell when idle.
	svg := string(ganttChartZoom(en, pv, ganttBlock, zoomDay))
	doc := parseGantt(t, svg)
	cells := loadCells(t, svg)
	if cells[day0] != 75 || cells[day0+8*dayMillis] != 12 || len(cells) != 2 {
		t.Errorf("daily load %v", cells)
	}
	contains(t, "day", svg, `data-zoom="day"`, "finishing-and-quality-inspection-line, 1 Jan: 75% of its capacity in use",
		`class="gantt-load-cell"`, ">75%<", "finishing-and-quality-inspection-line · load", "Days, time zone UTC")
	// Labels are never cut: the whole row label, the label column widened;
	// a bar too short for its label has none (its tooltip names the item).
	if !slices.Equal(doc.Rows, []string{"finishing-and-quality-inspection-line #1", "finishing-and-quality-inspection-line #2"}) {
		t.Errorf("rows %q", doc.Rows)
	}
	lacks(t, "day", svg, "…", ">a-rather-long-item-name-for-a-short-bar<")
	contains(t, "day", svg, ">coat<", "f/a-rather-long-item-name-for-a-short-bar · w1")
	if w := textWidth("finishing-and-quality-inspection-line · load") + 12; !strings.Contains(svg, `<line class="gantt-axis" x1="`+strconv.FormatInt(w, 10)+`"`) {
		t.Errorf("label column not %d wide", w)
	}

	// By week: ticks at Mondays (29 Dec 2025, 5 Jan, 12 Jan); 15% in the
	// first week ((12 + 24) h of 2 × 7 × 24 h), 1% in the second.
	svg = string(ganttChartZoom(en, pv, ganttBlock, zoomWeek))
	doc = parseGantt(t, svg)
	mon := day0 - 3*dayMillis
	for _, tk := range []int64{mon, mon + 7*dayMillis, mon + 14*dayMillis} {
		if _, ok := doc.Ticks[tk]; !ok || time.UnixMilli(tk).UTC().Weekday() != time.Monday {
			t.Errorf("week ticks %v lack Monday %d", doc.Ticks, tk)
		}
	}
	if len(doc.Ticks) != 3 {
		t.Errorf("%d week ticks", len(doc.Ticks))
	}
	if cells := loadCells(t, svg); cells[mon] != 10 || cells[mon+7*dayMillis] != 1 {
		t.Errorf("weekly load %v", cells)
	}
	contains(t, "week", svg, `data-zoom="week"`, "Weeks (from Monday), time zone UTC", ">29 Dec<")

	// By month: one month, January.
	svg = string(ganttChartZoom(en, pv, ganttBlock, zoomMonth))
	doc = parseGantt(t, svg)
	if len(doc.Ticks) != 2 || doc.Ticks[day0] == 0 {
		t.Errorf("month ticks %v", doc.Ticks)
	}
	contains(t, "month", svg, ">Jan 2026<", "Months, time zone UTC")

	// In the node's time zone: ticks at Shanghai's midnights (16:00 UTC),
	// labelled with its dates, and said so.
	sh := time.FixedZone("Asia/Shanghai", 8*3600)
	svg = string(ganttChartZoom(newLocale(langEN, sh, nil), pv, ganttBlock, zoomDay))
	doc = parseGantt(t, svg)
	for tk := range doc.Ticks {
		if (tk+8*3600_000)%dayMillis != 0 {
			t.Errorf("tick at %s, not a Shanghai midnight", time.UnixMilli(tk).UTC())
		}
	}
	contains(t, "shanghai", svg, "Days, time zone UTC+8", "1 Jan 2026 to 9 Jan 2026 (UTC+8)")
	zh := string(ganttChartZoom(newLocale(langZH, sh, nil), pv, ganttBlock, zoomWeek))
	contains(t, "zh", zh, "按周（自周一起），时区 UTC+8", "负荷", "已使用其产能的")
}

func TestGanttWorkingTime(t *testing.T) {
	// Monday 08:00 to 16:00 in UTC+8 is Monday 00:00 to 08:00 UTC; a
	// holiday closes the first Monday's last two hours; an extra Saturday
	// morning (UTC).
	mon := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMilli()
	c := gongxu.Calendar{UTCOffsetMin: 480, Weekly: []gongxu.Shift{{Weekday: 1, StartMin: 480, EndMin: 960}},
		Closed: []gongxu.Interval{{Start: mon + 6*3600_000, End: mon + 9*3600_000}},
		Extra:  []gongxu.Interval{{Start: mon + 5*dayMillis, End: mon + 5*dayMillis + 4*3600_000}}}
	got := workingTime(c, mon-dayMillis, mon+8*dayMillis)
	want := []tspan{{mon, mon + 6*3600_000}, {mon + 5*dayMillis, mon + 5*dayMillis + 4*3600_000}, {mon + 7*dayMillis, mon + 7*dayMillis + 8*3600_000}}
	if !slices.Equal(got, want) {
		t.Errorf("working time %v, want %v", got, want)
	}
	busy, avail := loadIn(gongxu.WorkCenter{ID: "w", Capacity: 3, Calendar: c},
		[]gongxu.ScheduledOp{{WorkCenter: "w", Start: mon - 3600_000, End: mon + 3*dayMillis}, {WorkCenter: "x", Start: mon, End: mon + dayMillis}}, mon, mon+dayMillis)
	if busy != 6*3600_000 || avail != 3*6*3600_000 {
		t.Errorf("load %d of %d", busy, avail)
	}
}

func TestFactoryGanttZoom(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/factory?org=acme-textiles&zoom=week", http.StatusOK)
	contains(t, "week", body, `data-zoom="week"`, `<a href="/factory?org=acme-textiles&amp;zoom=day#gantt">Days</a>`,
		`<strong aria-current="true">Weeks (from Monday)</strong>`, `<a href="/factory?org=acme-textiles&amp;zoom=month#gantt">Months</a>`,
		`href="/factory/gantt.svg?org=acme-textiles&amp;zoom=week"`, `class="gantt-load-cell`, "in the node&#39;s time zone (UTC)")
	res, svg := do(t, s, "GET", "/factory/gantt.svg?org=acme-textiles&zoom=month")
	if res.StatusCode != http.StatusOK || !strings.Contains(svg, `data-zoom="month"`) {
		t.Errorf("month svg: %d", res.StatusCode)
	}
	for _, target := range []string{"/factory?zoom=year", "/factory?org=acme-textiles&zoom=day&zoom=week", "/factory/gantt.svg?org=acme-textiles&zoom=%3Cb%3E"} {
		if res, _ := do(t, s, "GET", target); res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d", target, res.StatusCode)
		}
	}
	// The node's time zone: Shanghai.
	cfg := f.config()
	cfg.TimeZone = "Asia/Shanghai"
	sh, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	body = page(t, sh, "/factory?org=acme-textiles", http.StatusOK)
	contains(t, "shanghai", body, "Days, time zone UTC+8", "in the node&#39;s time zone (UTC&#43;8)")
}

// TestDatesInTheNodesZone: the purchase orders' date inputs are days of the
// node's time zone.
func TestDatesInTheNodesZone(t *testing.T) {
	sh := time.FixedZone("UTC+8", 8*3600)
	late := time.Date(2026, 1, 24, 20, 0, 0, 0, time.UTC).UnixMilli() // 25 Jan, 04:00 in Shanghai
	if got := dayInputIn(late, sh); got != "2026-01-25" {
		t.Errorf("day input %s", got)
	}
	if got := dayInputIn(late, nil); got != "2026-01-24" {
		t.Errorf("UTC day input %s", got)
	}
	// The same local time of day on the day entered.
	if got, ok := parseDayIn("2026-01-27", late, sh); !ok || got != late+2*dayMillis {
		t.Errorf("parsed %d, %v", got, ok)
	}
	if _, ok := parseDayIn("27 Jan", late, sh); ok {
		t.Error("a date of another format was taken")
	}
	// Today is Shanghai's: at 20:00 UTC on the 24th it is already the 25th.
	if p, today := checkDateIn(late-dayMillis/2, late, sh); p != datePast || today != "2026-01-25" {
		t.Errorf("check %d %s", p, today)
	}
	if p, _ := checkDateIn(late-dayMillis/2, late, time.UTC); p != dateOK {
		t.Errorf("UTC check %d", p)
	}
	if p, _ := checkDateIn(late+11*365*dayMillis, late, sh); p != dateFar {
		t.Errorf("far check %d", p)
	}
}
