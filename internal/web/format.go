package web

import (
	"fmt"
	"net/url"
	"reflect"
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

// bpsPercent writes basis points as a percentage: 1000 → "10%", 250 →
// "2.5%", 5 → "0.05%".
func bpsPercent(bps int64) string {
	s := strconv.FormatInt(bps/100, 10)
	if f := bps % 100; f != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%02d", f), "0")
	}
	return s + "%"
}

func poolPath(id uint64) string { return "/pools/" + strconv.FormatUint(id, 10) }
func rfqPath(id uint64) string  { return "/rfqs/" + strconv.FormatUint(id, 10) }

// num formats an integer (a count, gongxu.Units …) with thousands
// separators: 12,345.
func num[T ~int64](n T) string {
	if n < 0 {
		return "-" + digits(magnitude(int64(n)))
	}
	return digits(uint64(n))
}

// numArg is num for templates: any integer (see integer).
func numArg(v any) (string, error) {
	n, err := integer(v)
	return num(n), err
}

// moneyArg is money for templates: an amount of any integer type.
func moneyArg(amount any, currency string) (string, error) {
	n, err := integer(amount)
	return money(gongxu.Amount(n), currency), err
}

// integer reads an integer a template passes to num or money: an int, an
// int64 or one of the vocabulary's integer types (gongxu.Units,
// gongxu.Amount, gongxu.Qty).
func integer(v any) (int64, error) {
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int(), nil
	}
	return 0, fmt.Errorf("want an integer, got %T", v)
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

// money formats an amount in minor units of currency for people, from the
// integer alone (no float on the way): "¥1,299.50", "¥89.00", "JPY 1,200",
// "CHF 12.30". Both languages write it the same way.
func money(amount gongxu.Amount, currency string) string {
	sign := ""
	if amount < 0 {
		sign = "-"
	}
	prefix, ok := currencySymbols[currency]
	if !ok {
		prefix = currency + " "
	}
	m := magnitude(int64(amount))
	if zeroDecimals[currency] {
		return sign + prefix + digits(m)
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

// Paths of the production pages, for links.
func orderPath(id uint64) string { return "/production-orders/" + strconv.FormatUint(id, 10) }
func poPath(id uint64) string    { return "/purchase-orders/" + strconv.FormatUint(id, 10) }

// factoryPath is the factory console of org ("": this node's own).
func factoryPath(org gongxu.OrgID) string {
	if org == "" {
		return "/factory"
	}
	return "/factory?org=" + url.QueryEscape(string(org))
}

// qtyString formats a quantity in milli-units for people: "1,250",
// "12.5", "0.125" (no trailing zeros after the point).
func qtyString(q gongxu.Qty) string {
	s := decimalString(int64(q), 3)
	whole, frac, ok := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	u, _ := strconv.ParseUint(whole, 10, 64)
	if ok {
		return sign + digits(u) + "." + frac
	}
	return sign + digits(u)
}

// decimalString writes n/10^scale as a plain decimal without separators and
// without trailing zeros after the point: (12500, 3) → "12.5", for the value
// of a form's input.
func decimalString(n int64, scale int) string {
	sign := ""
	if n < 0 {
		sign = "-"
	}
	m := magnitude(n)
	p := uint64(1)
	for range scale {
		p *= 10
	}
	s := sign + strconv.FormatUint(m/p, 10)
	if f := m % p; f != 0 {
		frac := strconv.FormatUint(f+p, 10)[1:] // zero-padded to scale digits
		s += "." + strings.TrimRight(frac, "0")
	}
	return s
}

// parseDecimal reads a non-negative decimal that people typed ("1,250",
// "12.5", " 0.12 ") as an integer of 10^-scale units: ("12.5", 3) → 12500.
// It refuses signs, more than scale digits after the point, and overflow.
func parseDecimal(s string, scale int) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > scale || strings.Trim(whole+frac, "0123456789") != "" {
		return 0, false
	}
	frac += strings.Repeat("0", scale-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64) // not empty: "." alone was refused
	if err != nil {
		return 0, false
	}
	return n, true
}

// moneyScale is the number of decimals of currency's minor unit.
func moneyScale(currency string) int {
	if zeroDecimals[currency] {
		return 0
	}
	return 2
}

// msDay is the UTC day of a block time for people: "5 Jan 2026".
func msDay(ms int64) string { return msTime(ms).Format("2 Jan 2006") }

// dayLayout is the value of a date input.
const dayLayout = "2006-01-02"

// dayInput is the UTC day of a block time, as a date input's value.
func dayInput(ms int64) string { return msTime(ms).Format(dayLayout) }

// parseDay reads a date input's value as a block time in unix ms: that day,
// at the same time of day (UTC) as like, so that a date people leave as it was
// keeps its exact time.
func parseDay(s string, like int64) (int64, bool) {
	t, err := time.Parse(dayLayout, strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	const day = 24 * 3600 * 1000
	return t.UnixMilli() + ((like%day)+day)%day, true
}

// lineAmount is a line's value in minor units: qty (milli-units) times the
// unit price per 1000 milli, rounded down; false when either is negative or
// the value overflows.
func lineAmount(q gongxu.Qty, unitPrice gongxu.Amount) (gongxu.Amount, bool) {
	a, err := gongxu.CostMilli(q, unitPrice)
	return a, err == nil
}
