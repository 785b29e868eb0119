package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
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

func poolPath(id uint64) string { return "/pools/" + strconv.FormatUint(id, 10) }
func rfqPath(id uint64) string  { return "/rfqs/" + strconv.FormatUint(id, 10) }

// num formats an integer with thousands separators: 12,345.
func num(n int64) string {
	if n < 0 {
		return "-" + digits(magnitude(n))
	}
	return digits(uint64(n))
}

// magnitude is |n|, without overflow for math.MinInt64.
func magnitude(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1
	}
	return uint64(n)
}

// digits writes u with thousands separators.
func digits(u uint64) string {
	s := strconv.FormatUint(u, 10)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// currencySymbols are the signs pages write before an amount; other
// currencies are written as their ISO 4217 code and a space.
var currencySymbols = map[string]string{"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}

// zeroDecimals are the currencies whose minor unit is the unit itself.
var zeroDecimals = map[string]bool{"JPY": true, "KRW": true, "VND": true, "ISK": true, "CLP": true}

// money formats an amount in minor units of currency for people: "¥1,299.50",
// "¥89" (whole amounts lose their ".00"), "JPY 1,200", "CHF 12.30".
func money(amount int64, currency string) string {
	sign := ""
	if amount < 0 {
		sign = "-"
	}
	prefix, ok := currencySymbols[currency]
	if !ok {
		prefix = currency + " "
	}
	m := magnitude(amount)
	if zeroDecimals[currency] {
		return sign + prefix + digits(m)
	}
	if m%100 == 0 {
		return sign + prefix + digits(m/100)
	}
	return fmt.Sprintf("%s%s%s.%02d", sign, prefix, digits(m/100), m%100)
}

// timeLeft says how long is left until deadline at block time now (both
// unix ms), for people: "3 days 4 h left", "5 h 12 min left", "deadline
// passed". It is "" when now is unknown (0): pages count time left from the
// latest block, never from a clock of their own.
func timeLeft(deadline, now int64) string {
	if now <= 0 {
		return ""
	}
	d := time.Duration(deadline-now) * time.Millisecond
	switch {
	case deadline <= now:
		return "deadline passed"
	case d < time.Minute:
		return "less than a minute left"
	case d < time.Hour:
		return fmt.Sprintf("%d min left", int64(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min left", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	default:
		return fmt.Sprintf("%s %d h left", plural(int64(d/(24*time.Hour)), "day"), int64(d%(24*time.Hour)/time.Hour))
	}
}

// blockMs is the latest block time of a status in unix ms, or 0 when the
// chain has none yet.
func blockMs(st gongxu.Status) int64 {
	t, ok := parseRFC3339(st.BlockTime)
	if !ok {
		return 0
	}
	return t.UnixMilli()
}
