package web

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// Geometry of GanttChart, in SVG user units (CSS pixels at scale 1).
const (
	ganttW      = 960
	ganttLeft   = 150 // the row labels
	ganttRight  = 16
	ganttTop    = 44 // the day labels and the today label
	ganttRowH   = 26
	ganttBarH   = 18
	ganttBottom = 34 // the legend
	ganttPlotW  = ganttW - ganttLeft - ganttRight
	ganttMinBar = 2 // the narrowest bar drawn, room permitting
	ganttCharW  = 7 // a character of the 11-unit labels, at most, roughly
	// maxUnitRows is the most rows a work center gets: one with more
	// units shows only the units that carry operations.
	maxUnitRows = 12
	dayMillis   = int64(24 * 3600 * 1000)
)

// ganttRow is one row of the chart: one unit of a work center.
type ganttRow struct {
	WC    string
	Unit  int64
	Label string
	First bool // the first row of its work center
}

// ganttBar is one operation as drawn.
type ganttBar struct {
	Op     gongxu.ScheduledOp
	Item   string // the item its work order makes (the work order's id when unknown)
	Label  string // the item without the factory's prefix
	Late   bool
	X0, X1 int64
}

// GanttChart renders the schedule of a factory's plan as inline SVG: one row
// per unit of each work center (of a work center with more than maxUnitRows
// units, only the units that carry operations), one bar per scheduled
// operation from its start to its end, labelled with the item its work order
// makes (where the bar has room; its tooltip always names it), a time axis
// with a tick at each UTC midnight (every few days on a long plan), and a
// line at now, the latest block time (0: none). Operations of late work
// orders (their completion after their due date) are drawn in red with the
// class "late". Bars on one row never overlap: each ends at the latest
// where the next one begins. Operations of no duration hold no unit and are
// not drawn. The SVG is well-formed XML, so it is served alone as well.
func GanttChart(pv gongxu.PlanView, now int64) template.HTML {
	return ganttChartIn(newLocale(langEN, time.UTC, nil), pv, now)
}

// ganttChartIn is GanttChart with its words in l's language; its axis stays
// in UTC days, and says so.
func ganttChartIn(l *locale, pv gongxu.PlanView, now int64) template.HTML {
	items := map[string]gongxu.ItemID{}
	late := map[string]bool{}
	for _, w := range pv.Work {
		items[w.ID] = w.Item
	}
	for _, d := range pv.Dates {
		if d.Item != "" {
			items[d.Work] = d.Item
		}
		late[d.Work] = late[d.Work] || d.Late
	}
	var ops []gongxu.ScheduledOp
	for _, op := range pv.Ops {
		if op.End > op.Start {
			ops = append(ops, op)
		}
	}
	rows, trimmed := ganttRows(pv.WorkCenters, ops)

	// The time axis: whole UTC days around the operations and now.
	var from, to int64
	if len(ops) == 0 {
		from = dayFloor(max(now, pv.At))
		to = from + 7*dayMillis
	} else {
		from, to = ops[0].Start, ops[0].End
		for _, op := range ops {
			from, to = min(from, op.Start), max(to, op.End)
		}
		if now > 0 {
			from, to = min(from, now), max(to, now)
		}
		from, to = dayFloor(from), dayFloor(to-1)+dayMillis
	}
	to = max(to, from+dayMillis)
	days := (to - from) / dayMillis
	x := func(t int64) int64 { return ganttLeft + barFill(t-from, to-from, ganttPlotW) }

	lateShown := map[string]bool{}
	for _, op := range ops {
		if late[op.Work] {
			lateShown[op.Work] = true
		}
	}
	nLate := len(lateShown)
	h := int64(ganttTop + max(len(rows), 1)*ganttRowH + ganttBottom)
	bottom := int64(ganttTop + max(len(rows), 1)*ganttRowH)
	dayLayout := "2 Jan 2006"
	if l.zh() {
		dayLayout = "2006年1月2日"
	}
	label := l.T("Schedule of %d operations on %d work centers, %s to %s UTC; %s.",
		len(ops), len(pv.WorkCenters), msTime(from).Format(dayLayout), msTime(to-1).Format(dayLayout), l.count(int64(nLate), "late work order"))
	esc := template.HTMLEscapeString(label)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		ganttW, h, ganttW, h, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	b.WriteString(`<g font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="11" fill="#616e7c">`)

	// Rows: a light band on every other one, a line above each work center.
	for i, r := range rows {
		y := int64(ganttTop + i*ganttRowH)
		if i%2 == 1 {
			fmt.Fprintf(&b, `<rect class="gantt-band" x="%d" y="%d" width="%d" height="%d" fill="#f7f8fa"/>`, ganttLeft, y, ganttPlotW, ganttRowH)
		}
		if r.First && i > 0 {
			fmt.Fprintf(&b, `<line class="gantt-sep" x1="0" y1="%d" x2="%d" y2="%d" stroke="#cbd2d9"/>`, y, ganttW-ganttRight, y)
		}
		strong := ""
		if r.First {
			strong = ` fill="#1f2933" font-weight="600"`
		}
		fmt.Fprintf(&b, `<text class="gantt-unit" x="%d" y="%d"%s>%s<title>%s</title></text>`, 6, y+ganttRowH/2+4, strong,
			template.HTMLEscapeString(fitText(r.Label, (ganttLeft-12)/ganttCharW)), template.HTMLEscapeString(r.Label))
	}
	if len(rows) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text>`, ganttLeft+ganttPlotW/2, ganttTop+ganttRowH/2+5, template.HTMLEscapeString(l.T("No work centers")))
	} else if len(ops) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text>`, ganttLeft+ganttPlotW/2, ganttTop+ganttRowH/2+5, template.HTMLEscapeString(l.T("Nothing scheduled")))
	}

	// Day ticks, and labels where there is room for them.
	tickStep, labelStep := axisSteps(days)
	for d := int64(0); d <= days; d += tickStep {
		t := from + d*dayMillis
		xt := x(t)
		fmt.Fprintf(&b, `<line class="gantt-tick" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e1e5ea" data-time="%d"/>`, xt, ganttTop-6, xt, bottom, t)
		if d%labelStep != 0 || d == days {
			continue
		}
		lx, anchor := xt+3, "start"
		if labelStep == 1 {
			lx, anchor = x(t+dayMillis/2), "middle"
		}
		fmt.Fprintf(&b, `<text class="gantt-day" x="%d" y="%d" text-anchor="%s">%s</text>`, lx, ganttTop-10, anchor, msTime(t).Format("2 Jan"))
	}
	fmt.Fprintf(&b, `<line class="gantt-axis" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9aa5b1"/>`, ganttLeft, ganttTop, ganttLeft+ganttPlotW, ganttTop)
	b.WriteString(`</g>`)

	// The bars, row by row.
	byRow := map[[2]string][]ganttBar{}
	for _, op := range ops {
		item := string(items[op.Work])
		if item == "" {
			item = op.Work
		}
		k := [2]string{op.WorkCenter, fmt.Sprint(op.Unit)}
		byRow[k] = append(byRow[k], ganttBar{Op: op, Item: item, Label: itemLabel(item, pv.Factory), Late: late[op.Work]})
	}
	b.WriteString(`<g font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="11">`)
	for i, r := range rows {
		bars := byRow[[2]string{r.WC, fmt.Sprint(r.Unit)}]
		placeBars(bars, x)
		y := int64(ganttTop + i*ganttRowH + (ganttRowH-ganttBarH)/2)
		for _, br := range bars {
			op := br.Op
			fill, stroke, ink, class, note := "#8fb8f0", "#1d5fbf", "#1f2933", "gantt-bar", ""
			if br.Late {
				fill, stroke, ink, class, note = "#f8c9c3", "#b42318", "#7a1b12", "gantt-bar late", " · "+l.T("late")
			}
			tip := l.T("%s · %s, operation %d on %s · %s – %s", br.Item, op.Work, op.Op, r.Label,
				l.msHuman(op.Start), l.msHuman(op.End)) + note
			fmt.Fprintf(&b, `<g class="%s" data-work="%s" data-op="%d" data-row="%d" data-start="%d" data-end="%d">`,
				class, template.HTMLEscapeString(op.Work), op.Op, i, op.Start, op.End)
			fmt.Fprintf(&b, `<title>%s</title>`, template.HTMLEscapeString(tip))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="%s" stroke="%s" stroke-width="1"/>`,
				br.X0, y, br.X1-br.X0, ganttBarH, fill, stroke)
			if w := br.X1 - br.X0; w >= 3*ganttCharW+8 {
				if t := fitText(br.Label, int((w-8)/ganttCharW)); t != "" {
					fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, br.X0+4, y+ganttBarH/2+4, ink, template.HTMLEscapeString(t))
				}
			}
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</g>`)

	// Now, the latest block.
	if now >= from && now <= to && now > 0 {
		xn := x(now)
		fmt.Fprintf(&b, `<line class="gantt-today" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c2410c" stroke-width="2" stroke-dasharray="4 3" data-time="%d"/>`,
			xn, ganttTop-4, xn, bottom, now)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="10" font-weight="700" fill="#c2410c">%s</text>`,
			min(max(xn, ganttLeft+16), ganttW-ganttRight-16), ganttTop-28, template.HTMLEscapeString(l.T("today")))
	}

	// The legend.
	ly := bottom + 20
	b.WriteString(`<g class="gantt-legend" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="11" fill="#616e7c">`)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="10" rx="2" fill="#8fb8f0" stroke="#1d5fbf"/><text x="%d" y="%d">%s</text>`, ganttLeft, ly-9, ganttLeft+20, ly, template.HTMLEscapeString(l.T("operation (item)")))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="10" rx="2" fill="#f8c9c3" stroke="#b42318"/><text x="%d" y="%d">%s</text>`, ganttLeft+140, ly-9, ganttLeft+160, ly, template.HTMLEscapeString(l.T("late work order")))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c2410c" stroke-width="2" stroke-dasharray="4 3"/><text x="%d" y="%d">%s</text>`,
		ganttLeft+272, ly-10, ganttLeft+272, ly+2, ganttLeft+280, ly, template.HTMLEscapeString(l.T("today (latest block)")))
	text := l.T("UTC days")
	if trimmed {
		text = l.T("UTC days · work centers of more than %d units: busy units only", maxUnitRows)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, ganttW-ganttRight, ly, template.HTMLEscapeString(text))
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// ganttRows lists the rows: each work center in the plan's order (then any
// that only operations name, by id), one row per unit; of a work center with
// more than maxUnitRows units only the busy ones (trimmed reports that).
func ganttRows(wcs []gongxu.WorkCenter, ops []gongxu.ScheduledOp) (rows []ganttRow, trimmed bool) {
	capacity := map[string]int64{}
	var order []string
	for _, wc := range wcs {
		if _, dup := capacity[wc.ID]; !dup {
			order = append(order, wc.ID)
		}
		capacity[wc.ID] = max(wc.Capacity, 1)
	}
	used := map[string][]int64{}
	var extra []string
	for _, op := range ops {
		if _, ok := capacity[op.WorkCenter]; !ok {
			capacity[op.WorkCenter] = 0
			extra = append(extra, op.WorkCenter)
		}
		if !slices.Contains(used[op.WorkCenter], op.Unit) {
			used[op.WorkCenter] = append(used[op.WorkCenter], op.Unit)
		}
	}
	slices.Sort(extra)
	for _, id := range append(order, extra...) {
		units := used[id]
		slices.Sort(units)
		c := capacity[id]
		if c <= maxUnitRows {
			n := c
			if k := len(units); k > 0 {
				n = max(n, units[k-1]+1)
			}
			units = units[:0:0]
			for u := range max(n, 1) {
				units = append(units, u)
			}
		} else {
			trimmed = true
			if len(units) == 0 {
				units = []int64{0}
			}
		}
		for i, u := range units {
			label := id
			if c > 1 || len(units) > 1 {
				label = fmt.Sprintf("%s #%d", id, u+1)
			}
			rows = append(rows, ganttRow{WC: id, Unit: u, Label: label, First: i == 0})
		}
	}
	return rows, trimmed
}

// placeBars sorts one row's bars by time and places them: from x(start) to
// x(end), at least ganttMinBar wide where there is room, but never into the
// next bar, so that bars on one row never overlap (even when the operations
// do, which a sound schedule never has).
func placeBars(bars []ganttBar, x func(int64) int64) {
	slices.SortFunc(bars, func(a, b ganttBar) int {
		return cmp.Or(cmp.Compare(a.Op.Start, b.Op.Start), cmp.Compare(a.Op.End, b.Op.End), cmp.Compare(a.Op.Work, b.Op.Work))
	})
	prev := int64(0)
	for i := range bars {
		limit := int64(ganttLeft + ganttPlotW)
		if i+1 < len(bars) {
			limit = x(bars[i+1].Op.Start)
		}
		x0 := max(x(bars[i].Op.Start), prev)
		x1 := min(max(x(bars[i].Op.End), x0+ganttMinBar), max(limit, x0))
		bars[i].X0, bars[i].X1 = x0, x1
		prev = x1
	}
}

// axisSteps chooses the days between ticks and between labels for an axis
// of days days: ticks at least 8 units apart, labels at least 56.
func axisSteps(days int64) (tick, label int64) {
	steps := []int64{1, 2, 7, 14, 28, 56, 112, 224, 448, 896, 1792, 3584}
	pick := func(minPx, from int64) int64 {
		for _, s := range steps {
			if s >= from && s%from == 0 && ganttPlotW*s >= minPx*days {
				return s
			}
		}
		return (days + from - 1) / from * from // one label, a multiple of the ticks
	}
	tick = pick(8, 1)
	label = pick(56, tick)
	return tick, label
}

// dayFloor is the start of the UTC day of ms.
func dayFloor(ms int64) int64 {
	d := ms % dayMillis
	if d < 0 {
		d += dayMillis
	}
	return ms - d
}

// fitText shortens s to n characters, with an ellipsis when cut; "" when
// not even three fit.
func fitText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 3 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
