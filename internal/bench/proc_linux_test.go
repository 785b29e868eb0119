package bench

import (
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	// Fields 14 (utime) = 250 and 15 (stime) = 75 ticks; the name holds ") (".
	line := "4242 (go ) (x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 12 0 999 0 0\n"
	got, err := parseProcStat(line)
	if err != nil || got != 3250*time.Millisecond {
		t.Fatalf("parseProcStat = %v, %v; want 3.25s", got, err)
	}
	for _, bad := range []string{"", "4242 gongxu S 1", "4242 (gongxu) S 1 2 3", "4242 (g) S 1 2 3 4 5 6 7 8 9 10 x 0"} {
		if _, err := parseProcStat(bad); err == nil {
			t.Errorf("parseProcStat(%q) did not fail", bad)
		}
	}
}
