package web

import (
	"math"
	"testing"
	"time"
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
		amount   int64
		currency string
		want     string
	}{
		{8900, "CNY", "¥89"}, {129950, "CNY", "¥1,299.50"}, {5, "USD", "$0.05"}, {0, "EUR", "€0"},
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
