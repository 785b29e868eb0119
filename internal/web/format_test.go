package web

import (
	"math"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

func TestShortKey(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"abc":              "abc",
		"0123456789abcd":   "0123456789abcd", // 14: shortening would not save anything
		"0123456789abcdef": "01234567…cdef",
		"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08": "9F86D081…0A08",
	} {
		if got := shortKey(in); got != want {
			t.Errorf("shortKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimes(t *testing.T) {
	const ms = 1_767_257_141_000 // 2026-01-01T08:45:41Z
	if got := msRFC3339(ms); got != "2026-01-01T08:45:41Z" {
		t.Errorf("msRFC3339 = %q", got)
	}
	if got := msHuman(ms); got != "1 Jan 2026 08:45 UTC" {
		t.Errorf("msHuman = %q", got)
	}
	if got := rfcHuman("2026-01-01T16:45:41.123+08:00"); got != "1 Jan 2026 08:45 UTC" {
		t.Errorf("rfcHuman = %q", got)
	}
	if got := rfcUTC("2026-01-01T16:45:41.123+08:00"); got != "2026-01-01T08:45:41Z" {
		t.Errorf("rfcUTC = %q", got)
	}
	if got := rfcHuman("not a time"); got != "not a time" {
		t.Errorf("rfcHuman(bad) = %q", got)
	}

	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0:                    "just now",
		-3 * time.Second:     "just now",
		-42 * time.Second:    "42 s ago",
		-5 * time.Minute:     "5 min ago",
		90 * time.Minute:     "in 1 hour",
		-47 * time.Hour:      "47 hours ago",
		6*24*time.Hour + 1:   "in 6 days",
		-24 * 30 * time.Hour: "30 days ago",
	} {
		if got := relative(now.Add(d), now); got != want {
			t.Errorf("relative(now%+v) = %q, want %q", d, got, want)
		}
	}
}

func TestVotesNeeded(t *testing.T) {
	// More than two thirds: yes*3 > electors*2.
	for electors := 0; electors <= 100; electors++ {
		n := votesNeeded(electors)
		if n*3 <= electors*2 || (n-1)*3 > electors*2 {
			t.Errorf("votesNeeded(%d) = %d", electors, n)
		}
	}
	for electors, want := range map[int]int{1: 1, 3: 3, 4: 3, 6: 5, 7: 5, 100: 67} {
		if got := votesNeeded(electors); got != want {
			t.Errorf("votesNeeded(%d) = %d, want %d", electors, got, want)
		}
	}
}

func TestPaths(t *testing.T) {
	if got := orgPath("acme"); got != "/orgs/acme" {
		t.Error(got)
	}
	if got := txPath("AB/CD"); got != "/txs/AB%2FCD" {
		t.Error(got)
	}
	if got := proposalPath(12); got != "/proposals/12" {
		t.Error(got)
	}
}

func TestMoneyAndNum(t *testing.T) {
	for _, c := range []struct {
		amount   gongxu.Amount
		currency string
		want     string
	}{
		{8900, "CNY", "¥89.00"}, {129950, "CNY", "¥1,299.50"}, {5, "USD", "$0.05"}, {0, "EUR", "€0.00"},
		{1200, "JPY", "JPY 1,200"}, {1230, "CHF", "CHF 12.30"}, {-250, "CNY", "-¥2.50"},
		{math.MinInt64, "CNY", "-¥92,233,720,368,547,758.08"},
	} {
		if got := money(c.amount, c.currency); got != c.want {
			t.Errorf("money(%d, %s) = %q, want %q", c.amount, c.currency, got, c.want)
		}
	}
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", math.MaxInt64: "9,223,372,036,854,775,807"} {
		if got := num(in); got != want {
			t.Errorf("num(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestTimeLeft(t *testing.T) {
	const now = int64(1_767_254_441_000)
	const h = int64(3600 * 1000)
	for d, want := range map[int64]string{
		-1: "deadline passed", 0: "deadline passed", 30_000: "less than a minute left", 5 * 60_000: "5 min left",
		5*h + 12*60_000: "5 h 12 min left", 24 * h: "1 day 0 h left", 53*h + 59*60_000: "2 days 5 h left",
	} {
		if got := timeLeft(now+d, now); got != want {
			t.Errorf("timeLeft(now%+d ms) = %q, want %q", d, got, want)
		}
	}
	if got := timeLeft(now, 0); got != "" {
		t.Errorf("unknown block time: %q", got)
	}
}

func TestQuantities(t *testing.T) {
	for q, want := range map[gongxu.Qty]string{0: "0", 1000: "1", 1500: "1.5", 125: "0.125", 12_345_678: "12,345.678", 2_000_000: "2,000", -2500: "-2.5",
		math.MaxInt64: "9,223,372,036,854,775.807", math.MinInt64: "-9,223,372,036,854,775.808"} {
		if got := qtyString(q); got != want {
			t.Errorf("qtyString(%d) = %q, want %q", q, got, want)
		}
	}
	for _, c := range []struct {
		n     int64
		scale int
		want  string
	}{{12500, 3, "12.5"}, {450, 2, "4.5"}, {2800, 2, "28"}, {7, 0, "7"}, {5, 3, "0.005"}, {-120, 2, "-1.2"}} {
		if got := decimalString(c.n, c.scale); got != c.want {
			t.Errorf("decimalString(%d, %d) = %q, want %q", c.n, c.scale, got, c.want)
		}
	}
	for _, c := range []struct {
		in    string
		scale int
		want  int64
		ok    bool
	}{
		{"12.5", 3, 12500, true}, {"1,500", 3, 1_500_000, true}, {" 0.125 ", 3, 125, true}, {"4.50", 2, 450, true}, {".5", 2, 50, true},
		{"7.", 2, 700, true}, {"0", 2, 0, true}, {"12", 0, 12, true},
		{"", 2, 0, false}, {".", 2, 0, false}, {"1.234", 2, 0, false}, {"-1", 2, 0, false}, {"+1", 2, 0, false}, {"1e3", 2, 0, false},
		{"1.2.3", 3, 0, false}, {"9223372036854775.808", 3, 0, false}, {"abc", 2, 0, false}, {"1 000", 2, 0, false},
	} {
		got, ok := parseDecimal(c.in, c.scale)
		if got != c.want || ok != c.ok {
			t.Errorf("parseDecimal(%q, %d) = %d, %v; want %d, %v", c.in, c.scale, got, ok, c.want, c.ok)
		}
	}
	if moneyScale("CNY") != 2 || moneyScale("JPY") != 0 {
		t.Error("moneyScale")
	}
	for _, c := range []struct {
		q     gongxu.Qty
		price gongxu.Amount
		want  gongxu.Amount
		ok    bool
	}{{180000, 2800, 504000, true}, {50000, 450, 22500, true}, {1500, 3, 4, true}, {0, 99, 0, true}, {-1, 5, 0, false},
		{math.MaxInt64, 1000, math.MaxInt64, true}, {math.MaxInt64, 1001, 0, false}, {math.MaxInt64, math.MaxInt64, 0, false}} {
		got, ok := lineAmount(c.q, c.price)
		if got != c.want || ok != c.ok {
			t.Errorf("lineAmount(%d, %d) = %d, %v; want %d, %v", c.q, c.price, got, ok, c.want, c.ok)
		}
	}
	if got := linesTotal([]gongxu.POLine{{Qty: math.MaxInt64, UnitPrice: 1000}, {Qty: 1000, UnitPrice: 1}}, "CNY"); got != "—" {
		t.Errorf("overflowing total %q", got)
	}
}

func TestDays(t *testing.T) {
	const noon = int64(1_767_268_800_000) // 2026-01-01T12:00:00Z
	if got := dayInput(noon); got != "2026-01-01" {
		t.Errorf("dayInput %q", got)
	}
	if got := msDay(noon); got != "1 Jan 2026" {
		t.Errorf("msDay %q", got)
	}
	for _, c := range []struct {
		in   string
		like int64
		want int64
		ok   bool
	}{
		{"2026-01-01", noon, noon, true},                                      // unchanged: the same instant
		{"2026-01-03", noon, noon + 2*dayMs, true},                            // another day, the same time of day
		{" 2026-01-03 ", 1_767_225_600_000, noon - 12*hourMs + 2*dayMs, true}, // midnight stays midnight
		{"2026-02-30", noon, 0, false}, {"03/01/2026", noon, 0, false}, {"", noon, 0, false},
	} {
		got, ok := parseDay(c.in, c.like)
		if got != c.want || ok != c.ok {
			t.Errorf("parseDay(%q, %d) = %d, %v; want %d, %v", c.in, c.like, got, ok, c.want, c.ok)
		}
	}
	if dayFloor(-1) != -dayMs || dayFloor(noon) != noon-12*hourMs {
		t.Error("dayFloor")
	}
	if itemLabel(gongxu.ItemID("acme/linen"), "acme") != "linen" || itemLabel("other/linen", "acme") != "other/linen" ||
		itemLabel("acme/", "acme") != "acme/" || itemLabel("linen", "") != "linen" {
		t.Error("itemLabel")
	}
}

func TestBPSPercent(t *testing.T) {
	for bps, want := range map[int64]string{0: "0%", 1000: "10%", 250: "2.5%", 150: "1.5%", 5: "0.05%", 3000: "30%", 10000: "100%", 1234: "12.34%"} {
		if got := bpsPercent(bps); got != want {
			t.Errorf("bpsPercent(%d) = %q, want %q", bps, got, want)
		}
	}
}
