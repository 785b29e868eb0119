package testenv

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"testing"
)

// Ports handed out by FreeBase are drawn from [portLow, portHigh): below
// Linux's default ephemeral range (32768–60999), so they do not collide with
// the ports the kernel picks for outgoing connections and ":0" listeners.
const (
	portLow  = 20000
	portHigh = 32000
)

var (
	portsMu  sync.Mutex
	reserved = map[int]bool{} // ports handed out in this process, never twice
)

// FreePorts returns n distinct TCP ports of 127.0.0.1 that were free a moment
// ago (chosen by the kernel).
func FreePorts(t testing.TB, n int) []int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var out []int
	for len(out) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testenv: free port: %v", err)
		}
		ls = append(ls, l)
		p := l.Addr().(*net.TCPAddr).Port
		if reserved[p] {
			continue
		}
		reserved[p] = true
		out = append(out, p)
	}
	return out
}

// FreeBase returns a port base such that base+off is free on 127.0.0.1 for
// every offset: each is bind-checked, and none was handed out before in this
// process (a stopped node's ports stay its own). The base is random, so that
// test processes running side by side rarely try the same range.
func FreeBase(t testing.TB, offsets ...int) int {
	t.Helper()
	span := 0
	for _, o := range offsets {
		if o < 0 {
			t.Fatalf("testenv: negative port offset %d", o)
		}
		span = max(span, o)
	}
	if span >= portHigh-portLow {
		t.Fatalf("testenv: port offsets span %d ports, more than the %d available", span, portHigh-portLow)
	}
	portsMu.Lock()
	defer portsMu.Unlock()
	var last error
	for try := 0; try < 200; try++ {
		base := portLow + rand.IntN(portHigh-portLow-span)
		if err := checkPorts(base, offsets); err != nil {
			last = err
			continue
		}
		for _, o := range offsets {
			reserved[base+o] = true
		}
		return base
	}
	t.Fatalf("testenv: no free port range for offsets %v: %v", offsets, last)
	return 0
}

func checkPorts(base int, offsets []int) error {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for _, o := range offsets {
		p := base + o
		if reserved[p] {
			return fmt.Errorf("port %d already handed out", p)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return err
		}
		ls = append(ls, l)
	}
	return nil
}
