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
	ganttBottom = 50 // the legend, on two lines
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
// makes (where the whole label fits in the bar; its tooltip always names
// it), below each work center's units a row of its load (the share of its
// finite capacity, its units × its calendar's working time, that the
// operations use in each day, week or month), a time axis with a tick at each
// midnight (every few days on a long plan), and a line at now, the latest
// block time (0: none). Row labels are never cut: the label column is as
// wide as the longest. Operations of late work orders (their completion
// after their due date) are drawn in red with the class "late". Bars on one
// row never overlap: each ends at the latest where the next one begins.
// Operations of no duration hold no unit and are not drawn. The SVG is
// well-formed XML, so it is served alone as well. GanttChart draws UTC days;
// the pages draw the node's time zone (ganttChartZoom).
func GanttChart(pv gongxu.PlanView, now int64) template.HTML {
	return ganttChartIn(newLocale(langEN, time.UTC, nil), pv, now)
}

// ganttChartIn is GanttChart with its words in l's language and its axis in
// l's time zone, by day.
func ganttChartIn(l *locale, pv gongxu.PlanView, now int64) template.HTML {
	return ganttChartZoom(l, pv, now, zoomDay)
}

// ganttChartZoom is ganttChartIn at a zoom: zoomDay, zoomWeek or
// zoomMonth, the periods of the axis and of the load rows.
func ganttChartZoom(l *locale, pv gongxu.PlanView, now int64, zoom string) template.HTML {
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
	loc := l.zone
	if loc == nil {
		loc = time.UTC
	}

	// The time axis: whole periods (local days, weeks or months) around the
	// operations and now.
	var lo, hi int64
	if len(ops) == 0 {
		lo = periodStart(time.UnixMilli(max(now, pv.At)), zoomDay, loc).UnixMilli()
		hi = lo + 7*dayMillis
	} else {
		lo, hi = ops[0].Start, ops[0].End
		for _, op := range ops {
			lo, hi = min(lo, op.Start), max(hi, op.End)
		}
		if now > 0 {
			lo, hi = min(lo, now), max(hi, now)
		}
	}
	bounds := periodBounds(lo, hi, zoom, loc)
	from, to := bounds[0], bounds[len(bounds)-1]

	// The label column: as wide as the longest row label.
	left := int64(ganttLeft)
	loadLabel := l.T("load")
	for _, r := range rows {
		left = max(left, textWidth(r.Label)+12, textWidth(r.WC+" · "+loadLabel)+12)
	}
	width := left + ganttPlotW + ganttRight
	x := func(t int64) int64 { return left + barFill(t-from, to-from, ganttPlotW) }

	// The layout: each work center's unit rows, then its load row.
	type line struct {
		unit int // index in rows; -1 for a load row
		wc   string
	}
	var lines []line
	for i, r := range rows {
		lines = append(lines, line{unit: i, wc: r.WC})
		if i+1 == len(rows) || rows[i+1].WC != r.WC {
			lines = append(lines, line{unit: -1, wc: r.WC})
		}
	}
	yOfUnit := map[int]int64{}
	for j, ln := range lines {
		if ln.unit >= 0 {
			yOfUnit[ln.unit] = int64(ganttTop + j*ganttRowH)
		}
	}

	lateShown := map[string]bool{}
	for _, op := range ops {
		if late[op.Work] {
			lateShown[op.Work] = true
		}
	}
	nLate := len(lateShown)
	bottom := int64(ganttTop + max(len(lines), 1)*ganttRowH)
	h := bottom + ganttBottom
	zone := zoneLabel(time.UnixMilli(from).In(loc))
	label := l.T("Schedule of %d operations on %d work centers, %s to %s (%s); %s.",
		len(ops), len(pv.WorkCenters), l.dayHuman(time.UnixMilli(from)), l.dayHuman(time.UnixMilli(to-1)), zone, l.count(int64(nLate), "late work order"))
	esc := template.HTMLEscapeString(label)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s" data-zoom="%s">`,
		width, h, width, h, esc, zoom)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	b.WriteString(`<g font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="11" fill="#616e7c">`)

	// Rows: a light band on every other one, a line above each work center.
	for j, ln := range lines {
		y := int64(ganttTop + j*ganttRowH)
		if ln.unit < 0 {
			fmt.Fprintf(&b, `<rect class="gantt-load-band" x="%d" y="%d" width="%d" height="%d" fill="#fdf6e3"/>`, left, y, ganttPlotW, ganttRowH)
			fmt.Fprintf(&b, `<text class="gantt-load-label" x="%d" y="%d" font-style="italic">%s</text>`, 6, y+ganttRowH/2+4,
				template.HTMLEscapeString(ln.wc+" · "+loadLabel))
			continue
		}
		r := rows[ln.unit]
		if ln.unit%2 == 1 {
			fmt.Fprintf(&b, `<rect class="gantt-band" x="%d" y="%d" width="%d" height="%d" fill="#f7f8fa"/>`, left, y, ganttPlotW, ganttRowH)
		}
		if r.First && j > 0 {
			fmt.Fprintf(&b, `<line class="gantt-sep" x1="0" y1="%d" x2="%d" y2="%d" stroke="#cbd2d9"/>`, y, width-ganttRight, y)
		}
		strong := ""
		if r.First {
			strong = ` fill="#1f2933" font-weight="600"`
		}
		fmt.Fprintf(&b, `<text class="gantt-unit" x="%d" y="%d"%s>%s</text>`, 6, y+ganttRowH/2+4, strong, template.HTMLEscapeString(r.Label))
	}
	if len(rows) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text>`, left+ganttPlotW/2, ganttTop+ganttRowH/2+5, template.HTMLEscapeString(l.T("No work centers")))
	} else if len(ops) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13">%s</text>`, left+ganttPlotW/2, ganttTop+ganttRowH/2+5, template.HTMLEscapeString(l.T("Nothing scheduled")))
	}

	// Period ticks, and labels where there is room for them.
	n := int64(len(bounds) - 1)
	tickStep, labelStep := axisSteps(n)
	for k := int64(0); k <= n; k += tickStep {
		t := bounds[k]
		xt := x(t)
		fmt.Fprintf(&b, `<line class="gantt-tick" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e1e5ea" data-time="%d"/>`, xt, ganttTop-6, xt, bottom, t)
		if k%labelStep != 0 || k == n {
			continue
		}
		lx, anchor := xt+3, "start"
		if labelStep == 1 {
			lx, anchor = (xt+x(bounds[k+1]))/2, "middle"
		}
		fmt.Fprintf(&b, `<text class="gantt-day" x="%d" y="%d" text-anchor="%s">%s</text>`, lx, ganttTop-10, anchor,
			template.HTMLEscapeString(periodLabel(l, time.UnixMilli(t).In(loc), zoom)))
	}
	fmt.Fprintf(&b, `<line class="gantt-axis" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9aa5b1"/>`, left, ganttTop, left+ganttPlotW, ganttTop)
	b.WriteString(`</g>`)

	// The load rows: per work center and period, the share of its capacity
	// the operations use.
	wcs := map[string]gongxu.WorkCenter{}
	for _, wc := range pv.WorkCenters {
		if _, dup := wcs[wc.ID]; !dup {
			wcs[wc.ID] = wc
		}
	}
	b.WriteString(`<g class="gantt-load" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="10">`)
	for j, ln := range lines {
		if ln.unit >= 0 {
			continue
		}
		wc, ok := wcs[ln.wc]
		if !ok {
			wc = gongxu.WorkCenter{ID: ln.wc, Capacity: 1}
		}
		y := int64(ganttTop + j*ganttRowH)
		for k := int64(0); k < n; k++ {
			p0, p1 := bounds[k], bounds[k+1]
			busy, avail := loadIn(wc, ops, p0, p1)
			x0, x1 := x(p0), x(p1)
			period := periodLabel(l, time.UnixMilli(p0).In(loc), zoom)
			if busy == 0 {
				continue // idle, or closed: the operations use only working time
			}
			pct := busy * 100 / avail
			if busy > 0 && pct == 0 {
				pct = 1
			}
			fill := "#8fb8f0"
			class := "gantt-load-cell"
			switch {
			case pct > 100:
				fill, class = "#e0584a", "gantt-load-cell over"
			case pct >= 85:
				fill, class = "#f0b54a", "gantt-load-cell high"
			}
			bh := min(pct, 100) * (ganttRowH - 6) / 100
			tip := l.T("%s, %s: %d%% of its capacity in use", ln.wc, period, pct)
			fmt.Fprintf(&b, `<g class="%s" data-wc="%s" data-start="%d" data-end="%d" data-pct="%d"><title>%s</title>`,
				class, template.HTMLEscapeString(ln.wc), p0, p1, pct, template.HTMLEscapeString(tip))
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`, x0+1, y+ganttRowH-3-bh, max(x1-x0-2, 1), bh, fill)
			if txt := fmt.Sprintf("%d%%", pct); textWidth(txt)+4 <= x1-x0 {
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#1f2933">%s</text>`, (x0+x1)/2, y+ganttRowH/2+4, txt)
			}
			b.WriteString(`</g>`)
		}
	}
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
		placeBars(bars, x, left)
		y := yOfUnit[i] + (ganttRowH-ganttBarH)/2
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
			// The whole label, or none (the tooltip names the item): never a cut one.
			if w := br.X1 - br.X0; textWidth(br.Label)+8 <= w {
				fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, br.X0+4, y+ganttBarH/2+4, ink, template.HTMLEscapeString(br.Label))
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
			min(max(xn, left+16), width-ganttRight-16), ganttTop-28, template.HTMLEscapeString(l.T("today")))
	}

	// The legend.
	ly := bottom + 20
	b.WriteString(`<g class="gantt-legend" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="11" fill="#616e7c">`)
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="10" rx="2" fill="#8fb8f0" stroke="#1d5fbf"/><text x="%d" y="%d">%s</text>`, left, ly-9, left+20, ly, template.HTMLEscapeString(l.T("operation (item)")))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="10" rx="2" fill="#f8c9c3" stroke="#b42318"/><text x="%d" y="%d">%s</text>`, left+140, ly-9, left+160, ly, template.HTMLEscapeString(l.T("late work order")))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c2410c" stroke-width="2" stroke-dasharray="4 3"/><text x="%d" y="%d">%s</text>`,
		left+272, ly-10, left+272, ly+2, left+280, ly, template.HTMLEscapeString(l.T("today (latest block)")))
	text := l.T("%s, time zone %s", l.T(zoomNames[zoom]), zone)
	if trimmed {
		text += " · " + l.T("work centers of more than %d units: busy units only", maxUnitRows)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, width-ganttRight, ly+16, template.HTMLEscapeString(text))
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
func placeBars(bars []ganttBar, x func(int64) int64, left int64) {
	slices.SortFunc(bars, func(a, b ganttBar) int {
		return cmp.Or(cmp.Compare(a.Op.Start, b.Op.Start), cmp.Compare(a.Op.End, b.Op.End), cmp.Compare(a.Op.Work, b.Op.Work))
	})
	prev := int64(0)
	for i := range bars {
		limit := left + ganttPlotW
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
