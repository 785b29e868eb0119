package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestHTTPLoadCounts checks that every slot of the schedule is sent once,
// the paths in turn, and that answers are sorted into OK, shed and failed.
func TestHTTPLoadCounts(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/busy":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/bad":
			w.WriteHeader(http.StatusInternalServerError)
		}
		_, _ = w.Write([]byte("x"))
	}))
	defer srv.Close()
	l := HTTPLoad{Base: srv.URL, Paths: []string{"/ok", "/ok", "/busy", "/bad"}, Rate: 400, Duration: 100 * time.Millisecond}
	r := l.Run(context.Background())
	if r.Sent+r.Dropped != 40 {
		t.Fatalf("sent %d + dropped %d, want 40 slots", r.Sent, r.Dropped)
	}
	if r.Dropped != 0 {
		t.Fatalf("dropped %d with room for %d in flight", r.Dropped, DefaultMaxInFlight)
	}
	if r.OK != 20 || r.Busy != 10 || r.Failed != 10 {
		t.Fatalf("ok %d busy %d failed %d, want 20 10 10", r.OK, r.Busy, r.Failed)
	}
	if seen["/ok"] != 20 || seen["/busy"] != 10 || seen["/bad"] != 10 {
		t.Fatalf("server saw %v", seen)
	}
	if r.Latency.N != 40 || r.OKLat.N != 20 || r.Status[200] != 20 || r.Status[503] != 10 || r.Status[500] != 10 {
		t.Fatalf("latency counts %d/%d, statuses %v", r.Latency.N, r.OKLat.N, r.Status)
	}
	if r.Latency.P50 <= 0 || r.Latency.Max < r.Latency.P99 || r.Latency.P99 < r.Latency.P50 {
		t.Fatalf("latencies out of order: %+v", r.Latency)
	}
}

// TestHTTPLoadDropsBeyondInFlight checks that a slot falling due while
// MaxInFlight requests wait is dropped and counted, never queued: the
// server holds every request until the context ends.
func TestHTTPLoadDropsBeyondInFlight(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	l := HTTPLoad{Base: srv.URL, Paths: []string{"/"}, Rate: 200, Duration: 50 * time.Millisecond, MaxInFlight: 2,
		Client: &http.Client{Transport: &http.Transport{}}}
	done := make(chan HTTPResult)
	go func() { done <- l.Run(ctx) }()
	// The two sent requests block in the server; every other slot finds
	// no room. The schedule ends on its own; then the waiting requests
	// are cancelled.
	var r HTTPResult
	select {
	case r = <-done:
		t.Fatal("Run returned while its requests were blocked")
	case <-time.After(2 * time.Second): // long past the 50 ms schedule, even on a busy machine
		cancel()
		r = <-done
	}
	if r.Sent != 2 || r.Dropped != 8 {
		t.Fatalf("sent %d dropped %d, want 2 and 8", r.Sent, r.Dropped)
	}
	if r.Status[0] != 2 || r.Failed != 2 || r.Latency.N != 0 {
		t.Fatalf("cancelled requests: statuses %v failed %d latency n %d", r.Status, r.Failed, r.Latency.N)
	}
}
