package plan

import (
	"cmp"
	"slices"
	"sort"

	"github.com/gongxu-network/gongxu"
)

const (
	minuteMs = 60_000
	weekMs   = 7 * dayMs
)

// timeline is a work center's working time, materialized lazily from a
// start forward: disjoint, non-touching intervals in order, with the
// working time before each.
type timeline struct {
	wc     string
	cal    Calendar
	closed []Interval // sorted, merged
	ivs    []Interval
	cum    []int64 // cum[i]: working ms in ivs[:i]
	hi     int64   // materialized up to here (a local Sunday midnight)
	from   int64
	limit  int64 // give up past here
}

func newTimeline(wc string, c Calendar, from int64) *timeline {
	t := &timeline{wc: wc, cal: c, closed: merge(slices.Clone(c.Closed))}
	off := c.UTCOffsetMin * minuteMs
	localDay := floorDiv(from+off, dayMs)
	weekday := (localDay%7 + 7 + 4) % 7   // 1970-01-01 was a Thursday
	t.hi = (localDay-weekday)*dayMs - off // the local Sunday midnight at or before from
	t.from, t.limit = from, from+horizonDays*dayMs
	return t
}

// merge sorts intervals and merges those that overlap or touch.
func merge(ivs []Interval) []Interval {
	slices.SortFunc(ivs, func(a, b Interval) int { return cmp.Compare(a.Start, b.Start) })
	out := ivs[:0]
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, iv.End)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// extend materializes the next chunk of weeks; false past the limit.
func (t *timeline) extend() bool {
	if t.hi >= t.limit {
		return false
	}
	a, b := t.hi, t.hi+calendarChunkW*weekMs
	var chunk []Interval
	for w := a - weekMs; w < b; w += weekMs { // the week before: night shifts run into this chunk
		for _, s := range t.cal.Weekly {
			iv := Interval{Start: w + s.Weekday*dayMs + s.StartMin*minuteMs, End: w + s.Weekday*dayMs + s.EndMin*minuteMs}
			if iv.End > a && iv.Start < b {
				chunk = append(chunk, Interval{Start: max(iv.Start, a), End: min(iv.End, b)})
			}
		}
	}
	for _, iv := range t.cal.Extra {
		if iv.End > a && iv.Start < b {
			chunk = append(chunk, Interval{Start: max(iv.Start, a), End: min(iv.End, b)})
		}
	}
	chunk = merge(chunk)
	// Subtract the closed intervals.
	k := sort.Search(len(t.closed), func(k int) bool { return t.closed[k].End > a })
	for _, iv := range chunk {
		for ; k < len(t.closed) && t.closed[k].End <= iv.Start; k++ {
		}
		s := iv.Start
		for x := k; x < len(t.closed) && t.closed[x].Start < iv.End; x++ {
			if t.closed[x].Start > s {
				t.add(Interval{Start: s, End: t.closed[x].Start})
			}
			s = max(s, t.closed[x].End)
		}
		if s < iv.End {
			t.add(Interval{Start: s, End: iv.End})
		}
	}
	t.hi = b
	return true
}

func (t *timeline) add(iv Interval) {
	if n := len(t.ivs); n > 0 && t.ivs[n-1].End == iv.Start {
		t.ivs[n-1].End = iv.End
		return
	}
	var c int64
	if n := len(t.ivs); n > 0 {
		c = t.cum[n-1] + t.ivs[n-1].End - t.ivs[n-1].Start
	}
	t.ivs = append(t.ivs, iv)
	t.cum = append(t.cum, c)
}

// total is the working time in all materialized intervals.
func (t *timeline) total() int64 {
	n := len(t.ivs)
	if n == 0 {
		return 0
	}
	return t.cum[n-1] + t.ivs[n-1].End - t.ivs[n-1].Start
}

func (t *timeline) noTime() error {
	return gongxu.Errorf(gongxu.KindInvalid, "work center %q has not enough working time within %d days of the schedule's start %s", t.wc, horizonDays, dayString(floorDiv(t.from, dayMs)))
}

// find returns the index of the first interval ending after x,
// materializing as needed.
func (t *timeline) find(x int64) (int, error) {
	for {
		i := sort.Search(len(t.ivs), func(i int) bool { return t.ivs[i].End > x })
		if i < len(t.ivs) {
			return i, nil
		}
		if !t.extend() {
			return 0, t.noTime()
		}
	}
}

// align returns the first working instant at or after x.
func (t *timeline) align(x int64) (int64, error) {
	i, err := t.find(x)
	if err != nil {
		return 0, err
	}
	return max(x, t.ivs[i].Start), nil
}

// worked returns the working time before x.
func (t *timeline) worked(x int64) (int64, error) {
	i, err := t.find(x)
	if err != nil {
		return 0, err
	}
	if x <= t.ivs[i].Start {
		return t.cum[i], nil
	}
	return t.cum[i] + x - t.ivs[i].Start, nil
}

// after returns the instant at which dur ms of working time have passed
// since the working instant s.
func (t *timeline) after(s, dur int64) (int64, error) {
	if dur == 0 {
		return s, nil
	}
	w, err := t.worked(s)
	if err != nil {
		return 0, err
	}
	target := w + dur
	for t.total() < target {
		if !t.extend() {
			return 0, t.noTime()
		}
	}
	// The interval in which the target is reached: the last with cum < target.
	i := sort.Search(len(t.cum), func(i int) bool { return t.cum[i] >= target }) - 1
	return t.ivs[i].Start + target - t.cum[i], nil
}
