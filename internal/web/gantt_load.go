package web

import (
	"cmp"
	"slices"
	"time"

	"github.com/gongxu-network/gongxu"
)

// The Gantt chart's zoom (?zoom= on the factory console and its SVG): the
// periods of its axis and of its load rows.
const (
	zoomDay   = "day"
	zoomWeek  = "week"
	zoomMonth = "month"
)

// zooms are the zooms in the order the links offer them.
var zooms = []string{zoomDay, zoomWeek, zoomMonth}

// zoomNames name the periods of each zoom, for people.
var zoomNames = map[string]string{zoomDay: "Days", zoomWeek: "Weeks (from Monday)", zoomMonth: "Months"}

// maxPeriods bounds the periods of one axis.
const maxPeriods = 5000

// periodStart is the start of the period of zoom that holds t, in loc:
// its midnight, the Monday of its week or the first of its month.
func periodStart(t time.Time, zoom string, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	switch zoom {
	case zoomWeek:
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		back := (int(day.Weekday()) + 6) % 7 // days since Monday
		return time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	case zoomMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// nextPeriod is the start of the period after the one starting at t.
func nextPeriod(t time.Time, zoom string, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	switch zoom {
	case zoomWeek:
		return time.Date(y, m, d+7, 0, 0, 0, 0, loc)
	case zoomMonth:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}

// periodBounds are the starts of the periods of zoom in loc that cover
// [lo, hi) (unix ms), and the end of the last: at least one period.
func periodBounds(lo, hi int64, zoom string, loc *time.Location) []int64 {
	t := periodStart(time.UnixMilli(lo), zoom, loc)
	out := []int64{t.UnixMilli()}
	for len(out) < 2 || out[len(out)-1] < hi && len(out) <= maxPeriods {
		t = nextPeriod(t, zoom, loc)
		out = append(out, t.UnixMilli())
	}
	return out
}

// periodLabel names the period of zoom starting at t (in the node's zone).
func periodLabel(l *locale, t time.Time, zoom string) string {
	switch {
	case zoom == zoomMonth && l.zh():
		return t.Format("2006年1月")
	case zoom == zoomMonth:
		return t.Format("Jan 2006")
	case l.zh():
		return t.Format("1月2日")
	}
	return t.Format("2 Jan")
}

// textWidth is roughly how wide s is in the chart's 11-unit font: wide
// characters (CJK) count more.
func textWidth(s string) int64 {
	var w int64
	for _, r := range s {
		if r >= 0x2e80 {
			w += 11
		} else {
			w += ganttCharW
		}
	}
	return w
}

// tspan is the half-open interval [a, b) of unix ms.
type tspan struct{ a, b int64 }

// workingTime is the working time of calendar c within [p0, p1), as sorted,
// disjoint spans: its weekly shifts in its local time plus its extra
// intervals, minus its closed ones. An empty calendar (no shifts, no extra
// time) is always working.
func workingTime(c gongxu.Calendar, p0, p1 int64) []tspan {
	if len(c.Weekly) == 0 && len(c.Extra) == 0 {
		return []tspan{{p0, p1}}
	}
	off := c.UTCOffsetMin * 60_000
	var ws []tspan
	floorDiv := func(a, b int64) int64 {
		q := a / b
		if a%b != 0 && a < 0 {
			q--
		}
		return q
	}
	for d := floorDiv(p0+off, dayMillis) - 2; d <= floorDiv(p1+off, dayMillis)+1; d++ {
		weekday := ((4+d)%7 + 7) % 7 // 1970-01-01 was a Thursday; 0 is Sunday
		for _, s := range c.Weekly {
			if s.Weekday == weekday {
				ws = append(ws, tspan{d*dayMillis + s.StartMin*60_000 - off, d*dayMillis + s.EndMin*60_000 - off})
			}
		}
	}
	for _, iv := range c.Extra {
		ws = append(ws, tspan{iv.Start, iv.End})
	}
	ws = clipSpans(mergeSpans(ws), p0, p1)
	for _, iv := range c.Closed {
		var out []tspan
		for _, w := range ws {
			if iv.End <= w.a || iv.Start >= w.b {
				out = append(out, w)
				continue
			}
			if iv.Start > w.a {
				out = append(out, tspan{w.a, iv.Start})
			}
			if iv.End < w.b {
				out = append(out, tspan{iv.End, w.b})
			}
		}
		ws = out
	}
	return ws
}

// mergeSpans sorts spans and joins those that overlap or touch.
func mergeSpans(ss []tspan) []tspan {
	slices.SortFunc(ss, func(x, y tspan) int { return cmp.Compare(x.a, y.a) })
	var out []tspan
	for _, s := range ss {
		if s.b <= s.a {
			continue
		}
		if n := len(out); n > 0 && s.a <= out[n-1].b {
			out[n-1].b = max(out[n-1].b, s.b)
			continue
		}
		out = append(out, s)
	}
	return out
}

// clipSpans cuts sorted spans to [p0, p1).
func clipSpans(ss []tspan, p0, p1 int64) []tspan {
	var out []tspan
	for _, s := range ss {
		a, b := max(s.a, p0), min(s.b, p1)
		if a < b {
			out = append(out, tspan{a, b})
		}
	}
	return out
}

// loadIn is the load of work center wc in [p0, p1): busy, the working time
// its operations use (summed over its units), and avail, its capacity: its
// units times its calendar's working time there.
func loadIn(wc gongxu.WorkCenter, ops []gongxu.ScheduledOp, p0, p1 int64) (busy, avail int64) {
	ws := workingTime(wc.Calendar, p0, p1)
	var open int64
	for _, w := range ws {
		open += w.b - w.a
	}
	for _, op := range ops {
		if op.WorkCenter != wc.ID || op.End <= p0 || op.Start >= p1 {
			continue
		}
		for _, w := range ws {
			if a, b := max(w.a, op.Start), min(w.b, op.End); a < b {
				busy += b - a
			}
		}
	}
	return busy, max(wc.Capacity, 1) * open
}
