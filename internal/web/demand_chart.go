package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// demandWeek is one week of a demand chart's history.
type demandWeek struct {
	Period     string       // the ISO week, "2026-W02"
	Units      gongxu.Units // the measure's units (0 when Suppressed or Empty)
	Suppressed bool         // withheld from the reader: drawn as a gap, never as zero
	Empty      bool         // no cell: no demand that week
}

// demandChartSpec is what demandChart draws.
type demandChartSpec struct {
	History []demandWeek          // oldest first, one per week without gaps
	Steps   []gongxu.ForecastStep // the forecast, the weeks after the history
	Measure string                // the measure's words, for the description
	Lang    *locale               // nil: English, UTC
}

// Geometry of demandChart, in SVG user units.
const (
	dchartW      = 560
	dchartH      = 260
	dchartLeft   = 52
	dchartRight  = 12
	dchartTop    = 22 // room for the "history" and "forecast" words
	dchartBottom = 44 // room for the week labels and the caption
	dchartPlotW  = dchartW - dchartLeft - dchartRight
	dchartPlotH  = dchartH - dchartTop - dchartBottom
	dchartBase   = dchartTop + dchartPlotH
	// dchartMaxWeeks is the most weeks of history drawn: a longer series
	// shows its latest weeks (the table below has them all), so that each
	// week keeps at least a pixel and a half.
	dchartMaxWeeks = 312
	// dchartLabels is the most week labels on the axis.
	dchartLabels = 7
)

// demandChart renders a weekly demand series and its forecast as inline
// SVG: the history as columns (a withheld week as a grey dashed gap marked
// "suppressed", never a zero column), then, right of a divider, the
// forecast's mean as a dashed line inside its 95 % and 80 % prediction
// bands. The axis names ISO weeks, at most dchartLabels of them whatever the
// series' length. The SVG is well-formed XML and draws on its own
// (presentation attributes); classes let a style sheet restyle it.
func demandChart(c demandChartSpec) template.HTML {
	l := c.Lang
	if l == nil {
		l = newLocale(langEN, time.UTC, nil)
	}
	hist := c.History
	cut := 0
	if len(hist) > dchartMaxWeeks {
		cut = len(hist) - dchartMaxWeeks
		hist = hist[cut:]
	}
	n := len(hist) + len(c.Steps)
	var top float64 = 1
	shown, withheld := 0, 0
	for _, w := range hist {
		top = math.Max(top, float64(w.Units))
		if w.Suppressed {
			withheld++
		} else {
			shown++
		}
	}
	for _, s := range c.Steps {
		top = math.Max(top, finite(s.Hi95))
	}
	yMax := float64(niceCeil(int64(math.Ceil(top + top/10)))) // a little headroom
	slot := float64(dchartPlotW) / float64(max(n, 1))
	x := func(i int) float64 { return dchartLeft + slot*float64(i) }
	xm := func(i int) float64 { return x(i) + slot/2 }
	y := func(v float64) float64 {
		v = math.Min(math.Max(finite(v), 0), yMax)
		return dchartBase - v/yMax*dchartPlotH
	}

	label := l.T("Weekly %s units: %d weeks of history (%d withheld under the privacy thresholds), %d weeks of forecast with 80%% and 95%% intervals.",
		c.Measure, len(c.History), withheld, len(c.Steps))
	esc := template.HTMLEscapeString(label)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart demand-chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		dchartW, dchartH, dchartW, dchartH, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	b.WriteString(`<g font-size="12" fill="#616e7c">`)
	// Axes and quantity labels: 0, the middle and the top.
	fmt.Fprintf(&b, `<path class="chart-axis" d="M%d %d V%d H%d" fill="none" stroke="#9aa5b1"/>`, dchartLeft, dchartTop, dchartBase, dchartLeft+dchartPlotW)
	for _, v := range []float64{0, yMax / 2, yMax} {
		if v == yMax/2 && yMax < 4 {
			continue // no half units
		}
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end">%s</text>`, dchartLeft-6, f1(y(v)+4), fnum(v))
		if v > 0 {
			fmt.Fprintf(&b, `<line class="chart-grid" x1="%d" y1="%s" x2="%d" y2="%s" stroke="#e1e5ea"/>`, dchartLeft, f1(y(v)), dchartLeft+dchartPlotW, f1(y(v)))
		}
	}
	// Week labels, evenly thinned; the year where it starts or changes.
	every := max(1, (n+dchartLabels-1)/dchartLabels)
	lastYear := ""
	for i := 0; i < n; i += every {
		name := weekAt(hist, c.Steps, i)
		year, wk, ok := strings.Cut(name, "-")
		text := name
		if ok {
			text = wk
			if year != lastYear {
				text = name
			}
			lastYear = year
		}
		fmt.Fprintf(&b, `<text class="chart-time" x="%s" y="%d" text-anchor="middle">%s</text>`, f1(xm(i)), dchartBase+15, template.HTMLEscapeString(text))
	}
	caption := l.T("ISO weeks, Monday to Sunday, of block time (UTC days)")
	if cut > 0 {
		caption = l.T("The latest %d weeks; the table has every week.", dchartMaxWeeks) + " " + caption
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="11">%s</text>`, dchartLeft+dchartPlotW/2, dchartH-8, template.HTMLEscapeString(caption))
	b.WriteString(`</g>`)

	if n == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="13" fill="#616e7c">%s</text>`, dchartLeft+dchartPlotW/2, dchartTop+dchartPlotH/2,
			template.HTMLEscapeString(l.T("No demand yet")))
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}

	// History: columns, gaps for withheld weeks.
	gap := math.Min(slot*0.15, 3)
	b.WriteString(`<g class="demand-history">`)
	for i, w := range hist {
		x0, wd := x(i)+gap/2, math.Max(slot-gap, 0.5)
		switch {
		case w.Suppressed:
			fmt.Fprintf(&b, `<g class="demand-suppressed"><title>%s</title><rect x="%s" y="%d" width="%s" height="%d" fill="#f5f7fa" stroke="#9aa5b1" stroke-dasharray="2 2"/></g>`,
				template.HTMLEscapeString(l.T("%s: suppressed", w.Period)), f1(x0), dchartTop, f1(wd), dchartPlotH)
		case w.Units > 0:
			yv := y(float64(w.Units))
			fmt.Fprintf(&b, `<g class="demand-week"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" fill="#8fb8f0"/></g>`,
				template.HTMLEscapeString(l.T("%s: %s units", w.Period, num(w.Units))), f1(x0), f1(yv), f1(wd), f1(dchartBase-yv))
		}
	}
	b.WriteString(`</g>`)
	if withheld > 0 && slot >= 14 {
		// Name the gaps where there is room.
		for i, w := range hist {
			if w.Suppressed {
				fmt.Fprintf(&b, `<text class="demand-gap" x="%s" y="%d" text-anchor="middle" font-size="9" fill="#616e7c" transform="rotate(-90 %s %d)">%s</text>`,
					f1(xm(i)), dchartTop+dchartPlotH/2, f1(xm(i)), dchartTop+dchartPlotH/2, template.HTMLEscapeString(l.T("suppressed")))
			}
		}
	}

	// The divider between history and forecast.
	h := len(hist)
	if len(c.Steps) > 0 {
		xd := x(h)
		fmt.Fprintf(&b, `<line class="demand-divider" x1="%s" y1="%d" x2="%s" y2="%d" stroke="#52606d" stroke-dasharray="4 3"/>`, f1(xd), dchartTop-14, f1(xd), dchartBase)
		if h > 0 {
			fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="end" font-size="10" fill="#52606d">%s</text>`, f1(xd-4), dchartTop-6, template.HTMLEscapeString(l.T("history")))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="start" font-size="10" fill="#52606d">%s</text>`, f1(xd+4), dchartTop-6, template.HTMLEscapeString(l.T("forecast")))

		// Bands: 95 % then 80 %, then the mean.
		band := func(class, fill string, lo, hi func(gongxu.ForecastStep) float64) {
			var d strings.Builder
			for i, s := range c.Steps {
				cmd := "L"
				if i == 0 {
					cmd = "M"
				}
				fmt.Fprintf(&d, "%s%s %s ", cmd, f1(xm(h+i)), f1(y(hi(s))))
			}
			for i := len(c.Steps) - 1; i >= 0; i-- {
				fmt.Fprintf(&d, "L%s %s ", f1(xm(h+i)), f1(y(lo(c.Steps[i]))))
			}
			d.WriteString("Z")
			fmt.Fprintf(&b, `<path class="%s" d="%s" fill="%s" stroke="none"/>`, class, d.String(), fill)
		}
		band("demand-band95", "#fde2cf", func(s gongxu.ForecastStep) float64 { return s.Lo95 }, func(s gongxu.ForecastStep) float64 { return s.Hi95 })
		band("demand-band80", "#f9b98b", func(s gongxu.ForecastStep) float64 { return s.Lo80 }, func(s gongxu.ForecastStep) float64 { return s.Hi80 })
		var d strings.Builder
		for i, s := range c.Steps {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s ", cmd, f1(xm(h+i)), f1(y(s.Mean)))
		}
		fmt.Fprintf(&b, `<path class="demand-mean" d="%s" fill="none" stroke="#c2410c" stroke-width="2" stroke-dasharray="6 3"/>`, strings.TrimSpace(d.String()))
		for i, s := range c.Steps {
			fmt.Fprintf(&b, `<g class="demand-step"><title>%s</title><circle cx="%s" cy="%s" r="2.5" fill="#c2410c"/></g>`,
				template.HTMLEscapeString(l.T("%s: about %s units (80%%: %s to %s; 95%%: %s to %s)", s.Period, fnum(s.Mean), fnum(s.Lo80), fnum(s.Hi80), fnum(s.Lo95), fnum(s.Hi95))),
				f1(xm(h+i)), f1(y(s.Mean)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// weekAt is the name of slot i: a week of the history, then of the forecast.
func weekAt(hist []demandWeek, steps []gongxu.ForecastStep, i int) string {
	if i < len(hist) {
		return hist[i].Period
	}
	return steps[i-len(hist)].Period
}

// finite is v, or 0 for NaN and infinities.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// f1 writes a coordinate with one decimal.
func f1(v float64) string { return fmt.Sprintf("%.1f", v) }

// fnum writes a forecast quantity for people: rounded to a whole unit, never
// below zero (units cannot be negative; the lower bounds of a forecast can).
func fnum(v float64) string {
	return num(clampUnits(math.Round(finite(v))))
}
