package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/gongxu-network/gongxu"
)

// The helpers below are the template functions every page shares (see
// funcMap). They are plain functions so that they can be tested alone.

// humanLayout is how pages show a time to people: always UTC, to the minute.
const humanLayout = "2 Jan 2006 15:04 UTC"

// msTime converts a block time in unix milliseconds to a UTC time.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// msRFC3339 formats unix milliseconds as RFC 3339 in UTC, as a machine reads
// it (the datetime attribute of <time>).
func msRFC3339(ms int64) string { return msTime(ms).Format(time.RFC3339) }

// msHuman formats unix milliseconds for people: "2 Jan 2026 15:04 UTC".
func msHuman(ms int64) string { return msTime(ms).Format(humanLayout) }

// parseRFC3339 parses the RFC 3339 times of Status and TxRecord.
func parseRFC3339(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// rfcHuman reformats an RFC 3339 time for people; a string that does not
// parse is shown as it is.
func rfcHuman(s string) string {
	t, ok := parseRFC3339(s)
	if !ok {
		return s
	}
	return t.Format(humanLayout)
}

// rfcUTC normalizes an RFC 3339 time to UTC for a datetime attribute.
func rfcUTC(s string) string {
	t, ok := parseRFC3339(s)
	if !ok {
		return s
	}
	return t.Format(time.RFC3339)
}

// relative says how far t is from now, coarsely: "just now", "5 min ago",
// "in 3 days".
func relative(t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	if d < 0 {
		d = -d
	}
	var s string
	switch {
	case d < 5*time.Second:
		return "just now"
	case d < time.Minute:
		s = fmt.Sprintf("%d s", int64(d/time.Second))
	case d < time.Hour:
		s = fmt.Sprintf("%d min", int64(d/time.Minute))
	case d < 48*time.Hour:
		s = plural(int64(d/time.Hour), "hour")
	default:
		s = plural(int64(d/(24*time.Hour)), "day")
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

// shortKey shortens a long hex string (public key, hash) for display as its
// first 8 and last 4 characters: "a1b2c3d4…9f0e". Short strings stay whole.
// Pages put the whole value in a title attribute.
func shortKey(s string) string {
	const head, tail = 8, 4
	r := []rune(s)
	if len(r) <= head+tail+2 {
		return s
	}
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// votesNeeded is the number of yes votes that is more than 2/3 of electors.
func votesNeeded(electors int) int {
	if electors < 0 {
		electors = 0
	}
	return electors*2/3 + 1
}

// Paths of the pages, escaped, for links.
func orgPath(id gongxu.OrgID) string  { return "/orgs/" + url.PathEscape(string(id)) }
func txPath(hash string) string       { return "/txs/" + url.PathEscape(hash) }
func proposalPath(id uint64) string   { return "/proposals/" + strconv.FormatUint(id, 10) }
func percent(part, whole int64) int64 { return part * 100 / max(whole, 1) }
