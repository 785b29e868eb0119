package bench

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer answers every connection by echoing its bytes back.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func TestDelayProxyDelaysAndKeepsOrder(t *testing.T) {
	const delay = 30 * time.Millisecond
	p, err := StartDelayProxy(echoServer(t), delay)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// One small message: the round trip crosses the proxy twice.
	t0 := time.Now()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if rtt := time.Since(t0); rtt < 2*delay {
		t.Fatalf("round trip %s, want at least %s", rtt, 2*delay)
	}
	if string(got) != "ping" {
		t.Fatalf("got %q", got)
	}

	// Many writes in a row, without waiting: every byte back, in order.
	var want bytes.Buffer
	for i := 0; i < 2000; i++ {
		b := make([]byte, 1+i%700)
		for k := range b {
			b[k] = byte(i*31 + k)
		}
		want.Write(b)
	}
	go func() { _, _ = c.Write(want.Bytes()) }()
	back := make([]byte, want.Len())
	if _, err := io.ReadFull(c, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, want.Bytes()) {
		t.Fatal("bytes changed or reordered through the proxy")
	}
}

// Bytes written one at a time while earlier ones are still queued come back
// whole and in order, after at least the round trip (no upper bound: wall
// clock is never asserted).
func TestDelayProxyPipelines(t *testing.T) {
	const delay = 40 * time.Millisecond
	p, err := StartDelayProxy(echoServer(t), delay)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const n = 20
	t0 := time.Now()
	go func() {
		for i := 0; i < n; i++ {
			_, _ = c.Write([]byte{byte(i)})
			time.Sleep(5 * time.Millisecond)
		}
	}()
	got := make([]byte, n)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	for i, b := range got {
		if b != byte(i) {
			t.Fatalf("byte %d is %d", i, b)
		}
	}
	if el := time.Since(t0); el < 2*delay {
		t.Fatalf("elapsed %s, want at least %s", el, 2*delay)
	}
}

func TestDelayProxyCloses(t *testing.T) {
	p, err := StartDelayProxy(echoServer(t), 5*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(b); err == nil {
		t.Fatal("the connection stayed open after Close")
	}
}

func TestWANAddrs(t *testing.T) {
	a, b := echoServer(t), echoServer(t)
	w, err := StartWAN([]string{a, b}, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Addr(0, 1) == w.Addr(1, 0) {
		t.Fatal("both directions share a proxy")
	}
	if w.proxies[1].Target != b || w.proxies[2].Target != a {
		t.Fatalf("targets %s, %s", w.proxies[1].Target, w.proxies[2].Target)
	}
}
