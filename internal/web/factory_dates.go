package web

import (
	"strings"
	"time"
)

// Date inputs in the node's time zone (Config.TimeZone): the purchase
// orders' dates are block times, shown and entered as the days of the
// node's zone, not of UTC.

// dayInputIn is the value of a date input for block time ms: its day in loc.
func dayInputIn(ms int64, loc *time.Location) string {
	return time.UnixMilli(ms).In(zoneOr(loc)).Format(dayLayout)
}

// parseDayIn reads a date input's value as a block time in unix ms: that
// day in loc, at the same local time of day as like, so that a date people
// leave as it was keeps its exact time.
func parseDayIn(s string, like int64, loc *time.Location) (int64, bool) {
	loc = zoneOr(loc)
	d, err := time.ParseInLocation(dayLayout, strings.TrimSpace(s), loc)
	if err != nil {
		return 0, false
	}
	lt := time.UnixMilli(like).In(loc)
	h, m, sec := lt.Clock()
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, sec, lt.Nanosecond(), loc).UnixMilli(), true
}

// checkDateIn is checkDate with the days of loc: dateOK, datePast (before
// the day of the block time now) or dateFar (more than maxAheadYears
// ahead); and today, as a date input writes it.
func checkDateIn(date, now int64, loc *time.Location) (problem int, today string) {
	if now <= 0 {
		return dateOK, ""
	}
	loc = zoneOr(loc)
	n := time.UnixMilli(now).In(loc)
	day := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	switch t := time.UnixMilli(date); {
	case t.Before(day):
		return datePast, day.Format(dayLayout)
	case t.After(day.AddDate(maxAheadYears, 0, 0)):
		return dateFar, day.Format(dayLayout)
	}
	return dateOK, day.Format(dayLayout)
}

// zoneOr is loc, or UTC when nil.
func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
