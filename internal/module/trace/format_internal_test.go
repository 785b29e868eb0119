package trace

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestFormatMillis: the integer calendar writes what the time package
// writes, at the edges of days, months, leap years and eras, and anywhere.
func TestFormatMillis(t *testing.T) {
	check := func(ms int64) {
		t.Helper()
		if got, want := formatMillis(ms), time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z"); got != want {
			t.Fatalf("formatMillis(%d) = %s, want %s", ms, got, want)
		}
	}
	for _, s := range []string{"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00Z", "2100-03-01T00:00:00Z",
		"2026-01-01T00:00:00Z", "2024-12-31T23:59:59.999Z", "1600-02-29T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"} {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		check(tm.UnixMilli())
		check(tm.UnixMilli() - 1)
		check(tm.UnixMilli() + 1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		check(rng.Int64N(253402300800000) - 62135596800000) // years 1 to 9999
	}
}
