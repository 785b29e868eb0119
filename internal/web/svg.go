package web

import (
	"fmt"
	"html/template"
	"math"
	"math/bits"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// Geometry of ProgressBar, in SVG user units (CSS pixels at scale 1).
const (
	barWidth  = 240
	barHeight = 20
)

// ProgressBar renders a horizontal progress bar as inline SVG: a track filled
// in proportion value/max (clamped to 0..max; empty when max <= 0) with label
// written on it. The label is escaped. Colours are presentation attributes, so
// the SVG draws on its own and a style sheet may still restyle the classes
// bar, bar-track, bar-fill and bar-label.
func ProgressBar(value, max int64, label string) template.HTML {
	fill := barFill(value, max, barWidth)
	esc := template.HTMLEscapeString(label)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bar" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		barWidth, barHeight, barWidth, barHeight, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	fmt.Fprintf(&b, `<rect class="bar-track" x="0" y="0" width="%d" height="%d" rx="4" fill="#e1e5ea"/>`, barWidth, barHeight)
	if fill > 0 {
		fmt.Fprintf(&b, `<rect class="bar-fill" x="0" y="0" width="%d" height="%d" rx="4" fill="#8fb8f0"/>`, fill, barHeight)
	}
	fmt.Fprintf(&b, `<text class="bar-label" x="8" y="14" fill="#1f2933">%s</text>`, esc)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barFill is width*value/max, with value clamped to 0..max, computed in
// integers without overflow.
func barFill[T ~int64](value, max T, width int64) int64 {
	if max <= 0 || value <= 0 {
		return 0
	}
	if value >= max {
		return width
	}
	hi, lo := bits.Mul64(uint64(value), uint64(width))
	q, _ := bits.Div64(hi, lo, uint64(max)) // hi < max because value < max
	return int64(q)
}

// Geometry of TierLadder, in SVG user units.
const (
	ladderW    = 300 // width of the steps
	ladderH    = 92
	ladderBase = 70 // y of the steps' bottom
	ladderTall = 50 // height of the dearest step
	ladderLow  = 16 // height of the cheapest step (of several)
)

// TierLadder renders a pool's price tiers as inline SVG: one step per tier,
// of equal width, as tall as its price (the dearest tallest), with the price
// above and the tier's minimum quantity below. Tiers the total has reached
// are filled, the current one darkest, and a marker stands at the total: in
// its tier's step, as far along as the total is from that tier's minimum
// quantity to the next (to the cap in the last step).
func TierLadder(tiers []gongxu.Tier, total, cap gongxu.Units, currency string) template.HTML {
	return tierLadderIn(newLocale(langEN, time.UTC, nil), tiers, total, cap, currency)
}

// tierLadderIn is TierLadder with its description in l's language.
func tierLadderIn(l *locale, tiers []gongxu.Tier, total, cap gongxu.Units, currency string) template.HTML {
	n := int64(len(tiers))
	if n == 0 {
		return ""
	}
	cur, _ := gongxu.TierFor(tiers, total)
	reached := total >= tiers[0].MinQty
	hi, lo := tiers[0].UnitPrice, tiers[n-1].UnitPrice
	stepW := int64(ladderW) / n
	var desc []string
	for _, t := range tiers {
		desc = append(desc, l.T("%s from %s", money(t.UnitPrice, currency), num(t.MinQty)))
	}
	label := l.T("Price tiers: %s. %s pledged: tier %d of %d.", strings.Join(desc, l.T(", ")), num(total), cur+1, n)
	esc := template.HTMLEscapeString(label)

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		ladderW, ladderH, ladderW, ladderH, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	for i, t := range tiers {
		x := int64(i) * stepW
		h := int64(ladderTall)
		if hi > lo {
			h = ladderLow + barFill(t.UnitPrice-lo, hi-lo, ladderTall-ladderLow)
		}
		class, fill := "ladder-step", "#e1e5ea"
		switch {
		case reached && i == cur:
			class, fill = "ladder-step current", "#1d5fbf"
		case reached && i < cur:
			class, fill = "ladder-step reached", "#8fb8f0"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"/>`,
			class, x+1, ladderBase-h, stepW-2, h, fill)
		// Labels where there is room for them; on a crowded ladder only the current tier's.
		if stepW >= 44 || i == cur {
			anchor, tx := "middle", x+stepW/2
			if stepW < 44 && i == 0 {
				anchor, tx = "start", x+1
			} else if stepW < 44 && int64(i) == n-1 {
				anchor, tx = "end", x+stepW-1
			}
			weight := ""
			if reached && i == cur {
				weight = ` font-weight="700"`
			}
			fmt.Fprintf(&b, `<text class="ladder-price" x="%d" y="%d" text-anchor="%s" font-size="11"%s fill="#1f2933">%s</text>`,
				tx, ladderBase-h-4, anchor, weight, template.HTMLEscapeString(money(t.UnitPrice, currency)))
			fmt.Fprintf(&b, `<text class="ladder-qty" x="%d" y="%d" text-anchor="%s" font-size="10" fill="#616e7c">%s+</text>`,
				tx, ladderH-4, anchor, num(t.MinQty))
		}
	}
	// The marker at the total, inside the step it falls on: it never
	// crosses a price label.
	x := ladderPos(tiers, total, cap, stepW)
	top := int64(ladderBase - ladderTall)
	if i := min(max(x/stepW, 0), n-1); hi > lo {
		top = ladderBase - ladderLow - barFill(tiers[i].UnitPrice-lo, hi-lo, ladderTall-ladderLow)
	}
	fmt.Fprintf(&b, `<line class="ladder-mark" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c2410c" stroke-width="2"/>`, x, top, x, ladderBase+2)
	fmt.Fprintf(&b, `<path class="ladder-mark" d="M%d %d l-4 7 h8 z" fill="#c2410c"/>`, x, ladderBase+1)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ladderPos is the x of qty on a ladder of steps stepW wide: in its tier's
// step, as far along as qty is from the tier's minimum to the next tier's
// (to the cap in the last step).
func ladderPos(tiers []gongxu.Tier, qty, cap gongxu.Units, stepW int64) int64 {
	i, t := gongxu.TierFor(tiers, qty)
	if qty < t.MinQty {
		return 1
	}
	end := max(cap, t.MinQty+1)
	if i+1 < len(tiers) {
		end = tiers[i+1].MinQty
	}
	x := int64(i)*stepW + barFill(qty-t.MinQty, end-t.MinQty, stepW)
	return min(max(x, 1), int64(len(tiers))*stepW-1)
}

// ChartSpec is what ProgressChart draws.
type ChartSpec struct {
	Points   []ProgressPoint // a pool's total over time, oldest first
	MOQ, Cap gongxu.Units
	From, To int64 // the time axis, block time in unix ms: the pool's creation to its deadline
	Now      int64 // the latest block time: the line runs on to here (0: it ends at the last point)
	// Deadline is the pool's deadline when the axis ends before it (an
	// open pool early in a long run: the axis spans what happened, with
	// room ahead, so the line does not collapse at its left edge); 0 when
	// the axis reaches it.
	Deadline int64
	// Lang writes the chart's words and times (nil: English, UTC).
	Lang *locale
}

// Geometry of ProgressChart, in SVG user units.
const (
	chartW      = 560
	chartH      = 240
	chartLeft   = 52 // room for the quantity labels
	chartRight  = 84 // room for the MOQ and cap labels, also in the larger letters of a phone
	chartTop    = 16
	chartBottom = 40 // room for the time labels
	chartPlotW  = chartW - chartLeft - chartRight
	chartPlotH  = chartH - chartTop - chartBottom
	chartBase   = chartTop + chartPlotH // y of quantity 0
)

// ProgressChart renders a pool's total over time as an inline SVG step chart:
// the total holds until the next block that changed it, and runs on to the
// latest block. Dashed lines mark the MOQ and the cap; when the cap is more
// than four times the MOQ and the total it is only named, so that the line
// stays readable. The time axis is labelled in block time, UTC.
func ProgressChart(c ChartSpec) template.HTML {
	if c.To <= c.From {
		c.To = c.From + 1
	}
	l := c.Lang
	if l == nil {
		l = newLocale(langEN, time.UTC, nil)
	}
	var top gongxu.Units = 1
	for _, p := range c.Points {
		top = max(top, p.Total)
	}
	top = max(top, c.MOQ)
	yMax := c.Cap
	if c.Cap <= 0 || c.Cap/4 > top {
		yMax = gongxu.Units(niceCeil(int64(top + top/4)))
	}
	x := func(t int64) int64 { return chartLeft + barFill(t-c.From, c.To-c.From, chartPlotW) }
	y := func(v gongxu.Units) int64 { return chartBase - barFill(v, yMax, chartPlotH) }

	var last gongxu.Units
	if n := len(c.Points); n > 0 {
		last = c.Points[n-1].Total
	}
	label := l.T("Units pledged over time: %s now, MOQ %s, cap %s.", num(last), num(c.MOQ), num(c.Cap))
	esc := template.HTMLEscapeString(label)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		chartW, chartH, chartW, chartH, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	b.WriteString(`<g font-size="11" fill="#616e7c">`)
	// Axes and quantity labels.
	fmt.Fprintf(&b, `<path class="chart-axis" d="M%d %d V%d H%d" fill="none" stroke="#9aa5b1"/>`, chartLeft, chartTop, chartBase, chartLeft+chartPlotW)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">0</text>`, chartLeft-6, chartBase+4)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, chartLeft-6, chartTop+4, num(yMax))
	fmt.Fprintf(&b, `<line class="chart-grid" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e1e5ea"/>`, chartLeft, chartTop, chartLeft+chartPlotW, chartTop)
	// Time labels: the start, the middle and the end of the axis.
	layout := "2 Jan"
	if l.zh() {
		layout = "1月2日"
	}
	if c.To-c.From <= 36*3600*1000 {
		layout = "15:04"
	}
	mid := c.From + (c.To-c.From)/2
	for _, t := range []struct {
		ms     int64
		anchor string
	}{{c.From, "start"}, {mid, "middle"}, {c.To, "end"}} {
		fmt.Fprintf(&b, `<text class="chart-time" x="%d" y="%d" text-anchor="%s">%s</text>`, x(t.ms), chartBase+16, t.anchor, l.in(msTime(t.ms)).Format(layout))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="10">%s</text>`, chartLeft+chartPlotW/2, chartH-6,
		template.HTMLEscapeString(l.T("block time, %s", zoneLabel(l.in(msTime(c.From))))))

	// MOQ and cap lines, with labels in the right margin kept apart.
	yMOQ, yCap := y(c.MOQ), y(c.Cap)
	moqLabel, capLabel := yMOQ+4, yCap+4
	if c.Cap <= yMax && yMOQ-yCap < 12 {
		capLabel, moqLabel = yCap-2, yMOQ+10
	}
	if c.MOQ > 0 {
		fmt.Fprintf(&b, `<line class="chart-moq" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#c2410c" stroke-dasharray="5 4"/>`,
			chartLeft, yMOQ, chartLeft+chartPlotW, yMOQ)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#c2410c">%s</text>`, chartLeft+chartPlotW+4, moqLabel, template.HTMLEscapeString(l.T("MOQ %s", num(c.MOQ))))
	}
	if c.Cap > 0 && c.Cap <= yMax {
		fmt.Fprintf(&b, `<line class="chart-cap" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#616e7c" stroke-dasharray="2 3"/>`,
			chartLeft, yCap, chartLeft+chartPlotW, yCap)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text>`, chartLeft+chartPlotW+4, capLabel, template.HTMLEscapeString(l.T("cap %s", num(c.Cap))))
	} else if c.Cap > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s ↑</text>`, chartLeft+chartPlotW+4, chartTop+4, template.HTMLEscapeString(l.T("cap %s", num(c.Cap))))
	}
	if c.Deadline > c.To {
		fmt.Fprintf(&b, `<text class="chart-deadline" x="%d" y="%d" text-anchor="end" font-size="10">%s</text>`, chartLeft+chartPlotW, chartTop-4,
			template.HTMLEscapeString(l.T("deadline %s →", l.timeHuman(msTime(c.Deadline)))))
	}
	// The latest block.
	if c.Now > c.From && c.Now < c.To {
		xn := x(c.Now)
		fmt.Fprintf(&b, `<line class="chart-now" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9aa5b1" stroke-dasharray="1 3"/>`, xn, chartTop, xn, chartBase)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="10">%s</text>`, xn, chartTop-4, template.HTMLEscapeString(l.T("now")))
	}
	b.WriteString(`</g>`)

	if len(c.Points) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13" fill="#616e7c">%s</text>`, chartLeft+chartPlotW/2, chartTop+chartPlotH/2, template.HTMLEscapeString(l.T("No pledges yet")))
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	// The step line, and the area under it.
	end := max(c.Points[len(c.Points)-1].Time, min(c.Now, c.To))
	var d strings.Builder
	fmt.Fprintf(&d, "M%d %d", x(c.Points[0].Time), y(c.Points[0].Total))
	for _, p := range c.Points[1:] {
		fmt.Fprintf(&d, " H%d V%d", x(p.Time), y(p.Total))
	}
	fmt.Fprintf(&d, " H%d", x(end))
	line := d.String()
	fmt.Fprintf(&b, `<path class="chart-area" d="%s V%d H%d Z" fill="#8fb8f0" fill-opacity="0.35"/>`, line, chartBase, x(c.Points[0].Time))
	fmt.Fprintf(&b, `<path class="chart-line" d="%s" fill="none" stroke="#1d5fbf" stroke-width="2"/>`, line)
	fmt.Fprintf(&b, `<circle class="chart-dot" cx="%d" cy="%d" r="3.5" fill="#1d5fbf"/>`, x(end), y(last))
	fmt.Fprintf(&b, `<text class="chart-total" x="%d" y="%d" text-anchor="end" font-size="12" font-weight="700" fill="#1f2933">%s</text>`,
		max(x(end)-6, chartLeft+30), max(y(last)-8, chartTop+10), num(last))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds v ≥ 1 up to 1, 2 or 5 times a power of ten.
func niceCeil(v int64) int64 {
	if v < 1 {
		return 1
	}
	if v > math.MaxInt64/10 {
		return v
	}
	p := int64(1)
	for p <= v/10 {
		p *= 10
	}
	for _, m := range []int64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return v
}
