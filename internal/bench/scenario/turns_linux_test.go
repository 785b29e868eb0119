package scenario

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/bench"
)

// stopped reports whether process pid is stopped (state T in /proc).
func stopped(t *testing.T, pid int) bool {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'T'
}

// waitStopped waits (at most 5 s) until every process of n is stopped, or
// with want false, none is.
func waitStopped(t *testing.T, n *network, pids map[string][]int, want bool) {
	t.Helper()
	for range 500 {
		ok := true
		for _, pid := range pids[n.name] {
			ok = ok && stopped(t, pid) == want
		}
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: processes not stopped=%v", n.name, want)
}

// The networks take turns: during a step only its network runs, the
// others are paused, and at the end every one runs again (to be stopped).
// With --idle running none is ever paused.
func TestTurnsPauseTheOtherNetworks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"result":{"sync_info":{"latest_block_height":"5"}}}`))
	}))
	defer srv.Close()
	pids := map[string][]int{}
	var nets []*network
	for _, name := range []string{"kvstore", "gongxu"} {
		n := newNetwork(Env{Log: io.Discard}, name, t.TempDir())
		n.rpcs, n.rpc = []string{srv.URL, srv.URL}, bench.NewRPC(1)
		defer n.rpc.Close()
		for i := range 2 {
			p, err := bench.StartProc(fmt.Sprintf("%s node%d", name, i), "/bin/sh", []string{"-c", "while :; do :; done"}, filepath.Join(n.dir, fmt.Sprint(i)))
			if err != nil {
				t.Fatal(err)
			}
			n.procs.Add(p)
			pids[name] = append(pids[name], p.Pid())
		}
		defer n.procs.StopAll(time.Second)
		nets = append(nets, n)
	}
	ctx := context.Background()

	tr := &turns{nets: nets, pause: true, log: io.Discard}
	for _, i := range []int{0, 1, 0, 1} {
		if err := tr.start(ctx, i); err != nil {
			t.Fatal(err)
		}
		waitStopped(t, nets[i], pids, false)
		waitStopped(t, nets[1-i], pids, true)
		tr.stop()
	}
	if s := tr.summary(); !strings.Contains(s, "paused (SIGSTOP)") {
		t.Fatalf("summary %q", s)
	}
	tr.end()
	for _, n := range nets {
		waitStopped(t, n, pids, false)
	}

	tr = &turns{nets: nets, pause: false, log: io.Discard}
	for _, i := range []int{0, 1} {
		if err := tr.start(ctx, i); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		for _, n := range nets {
			for _, pid := range pids[n.name] {
				if stopped(t, pid) {
					t.Fatalf("--idle running paused %s", n.name)
				}
			}
		}
		tr.stop()
	}
	if s := tr.summary(); !strings.Contains(s, "--idle running") {
		t.Fatalf("summary %q", s)
	}
}

func TestLedgerIdleOption(t *testing.T) {
	o := LedgerOptions{Common: Common{Validators: 4, Step: 10 * time.Second, Warmup: 2 * time.Second}, Signers: 8, Rates: []int{500}, App: "both"}
	for _, ok := range []string{"", IdleStopped, IdleRunning} {
		o.Idle = ok
		if err := o.Check(); err != nil {
			t.Fatalf("--idle %q: %v", ok, err)
		}
		if got := strings.Contains(o.command(), "--idle running"); got != (ok == IdleRunning) {
			t.Fatalf("--idle %q: command %q", ok, o.command())
		}
	}
	for _, bad := range []string{"Stopped", "paused", "running "} {
		o.Idle = bad
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--idle") {
			t.Fatalf("--idle %q: %v", bad, err)
		}
	}
}
