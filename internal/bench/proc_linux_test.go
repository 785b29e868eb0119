package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// procState is the state letter of a process (R, S, T, …) from /proc.
func procState(t *testing.T, p *Proc) byte {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		t.Fatalf("unexpected /proc stat %q", s)
	}
	return s[i+2]
}

// waitState waits (at most 5 s) until the process's state is T (stopped)
// or, with stopped false, is not.
func waitState(t *testing.T, p *Proc, stopped bool) {
	t.Helper()
	for range 500 {
		if (procState(t, p) == 'T') == stopped {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: state %c, want stopped=%v", p.Name, procState(t, p), stopped)
}

// A paused group uses no CPU until resumed, and a paused process still
// stops on SIGTERM (Stop continues it) instead of waiting out the grace
// period and being killed.
func TestProcsPauseResume(t *testing.T) {
	g := &Procs{}
	for i := range 2 {
		p, err := StartProc(fmt.Sprintf("spin%d", i), "/bin/sh", []string{"-c", "while :; do :; done"}, filepath.Join(t.TempDir(), "log"))
		if err != nil {
			t.Fatal(err)
		}
		g.Add(p)
	}
	defer g.StopAll(time.Second)
	if err := g.Pause(); err != nil {
		t.Fatal(err)
	}
	for _, p := range g.procs {
		waitState(t, p, true)
	}
	c0, err := g.CPU()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if c1, _ := g.CPU(); c1 != c0 {
		t.Fatalf("paused group used CPU: %v then %v", c0, c1)
	}
	if err := g.Resume(); err != nil {
		t.Fatal(err)
	}
	for _, p := range g.procs {
		waitState(t, p, false)
	}
	for c1 := c0; c1 == c0; c1, _ = g.CPU() { // the test's timeout bounds it
		time.Sleep(20 * time.Millisecond)
	}
	if err := g.Pause(); err != nil {
		t.Fatal(err)
	}
	for _, p := range g.procs {
		waitState(t, p, true)
	}
	procs := append([]*Proc(nil), g.procs...)
	if err := g.StopAll(time.Minute); err != nil {
		t.Fatalf("StopAll of paused processes: %v", err)
	}
	for _, p := range procs {
		if err := p.Err(); err == nil || !strings.Contains(err.Error(), "terminated") {
			t.Errorf("%s: exit %v, want terminated by SIGTERM", p.Name, err)
		}
	}
	// Pausing and resuming exited processes is not an error.
	g.Add(procs[0])
	if err := g.Pause(); err != nil {
		t.Fatal(err)
	}
	if err := g.Resume(); err != nil {
		t.Fatal(err)
	}
}
