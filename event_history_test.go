package gongxu

import "testing"

func TestParseISOWeek(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64 // -1: refused
	}{
		{"2026-W01", 20451}, // Monday 2025-12-29
		{"2020-W53", 18624}, // 2020 has 53 weeks: Monday 2020-12-28
		{"2025-W53", -1},    // 2025 has 52
		{"2026-W54", -1},
		{"2026-W00", -1},
		{"2026-w01", -1},
		{"2026W01", -1},
		{"2026-W1", -1},
		{"20a6-W01", -1},
		{"1969-W10", -1},
	} {
		got, err := ParseISOWeek(c.in)
		if c.want < 0 {
			if err == nil {
				t.Errorf("%s: accepted as %d", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %d, %v; want %d", c.in, got, err, c.want)
		}
		if name, mon := ISOWeekOfDay(got + 3); name != c.in || mon != got {
			t.Errorf("ISOWeekOfDay(%d) = %s, %d", got+3, name, mon)
		}
	}
}
