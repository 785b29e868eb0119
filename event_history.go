package gongxu

import (
	"fmt"
	"time"
)

// EventHistory is a hub's past sales of a product, recorded once per week
// with pool/history (issue 13): hub, product, json (SalesHistory). The read
// model turns each week into demand facts of the hub on the week's Monday.
const EventHistory = "pool.history"

// SalesHistory is a hub's record of its own past weekly sales of a product
// (the body of pool/history, and the record of its event, with Hub set).
type SalesHistory struct {
	Hub      OrgID       `json:"hub,omitempty"` // the signer's org (set by the module, not sent)
	Product  ProductID   `json:"product"`
	Variant  string      `json:"variant,omitempty"`
	Currency string      `json:"currency"`
	Weeks    []SalesWeek `json:"weeks"`
}

// SalesWeek is one ISO week of a hub's past sales: units sold, their money
// (minor units of the history's currency) and how many consumers bought.
type SalesWeek struct {
	Week      string `json:"week"` // ISO week, "2026-W40"
	Units     Units  `json:"units"`
	Money     Amount `json:"money"`
	Consumers int64  `json:"consumers"`
}

// ParseISOWeek reads an ISO 8601 week written exactly as "YYYY-Www" (upper
// case W, two-digit week that the year has) and returns its Monday, in days
// since 1970-01-01 (UTC). Errors: KindInvalid.
func ParseISOWeek(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, Errorf(KindInvalid, "week %q is not an ISO week written as 2026-W05", s)
	}
	if len(s) != 8 || s[4] != '-' || s[5] != 'W' {
		return bad()
	}
	year, week := 0, 0
	for i, c := range []byte(s) {
		if i == 4 || i == 5 {
			continue
		}
		if c < '0' || c > '9' {
			return bad()
		}
		if i < 4 {
			year = year*10 + int(c-'0')
		} else {
			week = week*10 + int(c-'0')
		}
	}
	if year < 1970 || week < 1 || week > 53 {
		return bad()
	}
	// The Monday of week 1 is the Monday of the week holding 4 January.
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, time.UTC)
	monday1 := jan4.Unix()/86400 - int64((int(jan4.Weekday())+6)%7)
	day := monday1 + int64(week-1)*7
	if y, w := time.Unix(day*86400, 0).UTC().ISOWeek(); y != year || w != week {
		return 0, Errorf(KindInvalid, "week %q: %d has no week %d", s, year, week)
	}
	return day, nil
}

// ISOWeekOfDay names the ISO week that holds day (days since 1970-01-01,
// UTC) and returns its Monday.
func ISOWeekOfDay(day int64) (string, int64) {
	t := time.Unix(day*86400, 0).UTC()
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w), day - int64((int(t.Weekday())+6)%7)
}
