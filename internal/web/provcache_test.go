package web

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// TestProvCacheOneComputationPerHeight checks that requests for one page
// at one height share one computation, also while it runs, that another
// key or a new height computes again, and that a failure is not kept.
func TestProvCacheOneComputationPerHeight(t *testing.T) {
	c := newProvCache(2)
	ctx := context.Background()
	var calls atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	slow := func(context.Context) (provData, int, error) {
		if calls.Add(1) == 1 {
			close(started)
			<-release
		}
		return provData{Title: "jacket"}, http.StatusOK, nil
	}
	var wg sync.WaitGroup
	results := make([]provData, 5)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], _, _ = c.get(ctx, 7, "en\x00/p/a", slow)
	}()
	<-started
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, status, err := c.get(ctx, 7, "en\x00/p/a", slow)
			if err != nil || status != http.StatusOK {
				t.Errorf("waiter: %d %v", status, err)
			}
			results[i] = d
		}()
	}
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d computations for one page at one height, want 1", n)
	}
	for i, d := range results {
		if d.Title != "jacket" {
			t.Fatalf("request %d got %+v", i, d)
		}
	}
	if _, _, err := c.get(ctx, 7, "zh\x00/p/a", slow); err != nil || calls.Load() != 2 {
		t.Fatalf("another language: %v, %d computations", err, calls.Load())
	}
	if _, _, err := c.get(ctx, 8, "en\x00/p/a", slow); err != nil || calls.Load() != 3 {
		t.Fatalf("a new height: %v, %d computations", err, calls.Load())
	}
	if _, _, err := c.get(ctx, 8, "en\x00/p/a", slow); err != nil || calls.Load() != 3 {
		t.Fatalf("the same page again: %v, %d computations", err, calls.Load())
	}
	boom := errors.New("read model gone")
	failing := func(context.Context) (provData, int, error) { calls.Add(1); return provData{}, 0, boom }
	if _, _, err := c.get(ctx, 8, "en\x00/p/b", failing); !errors.Is(err, boom) {
		t.Fatalf("failure: %v", err)
	}
	if _, _, err := c.get(ctx, 8, "en\x00/p/b", slow); err != nil || calls.Load() != 5 {
		t.Fatalf("after a failure: %v, %d computations (a failure must not be kept)", err, calls.Load())
	}
}

// TestProvCacheBusy checks that a page that finds every computation slot
// taken, and no room to wait, is answered errProvBusy and not kept, and
// that it computes once a slot is free.
func TestProvCacheBusy(t *testing.T) {
	c := newProvCache(1)
	c.maxWait = 0 // no waiting: the answer is at once
	ctx := context.Background()
	release := make(chan struct{})
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		_, _, err := c.get(ctx, 1, "a", func(context.Context) (provData, int, error) {
			close(started)
			<-release
			return provData{}, http.StatusOK, nil
		})
		done <- err
	}()
	<-started
	computed := false
	other := func(context.Context) (provData, int, error) { computed = true; return provData{}, http.StatusOK, nil }
	if _, _, err := c.get(ctx, 1, "b", other); !errors.Is(err, errProvBusy) || computed {
		t.Fatalf("with the one slot taken: %v, computed %v; want errProvBusy", err, computed)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.get(ctx, 1, "b", other); err != nil || !computed {
		t.Fatalf("with the slot free again: %v, computed %v", err, computed)
	}
}

// TestProvCachePageOnce checks that concurrent requests for one whole page
// render it once, that a failed rendering is not kept, and that a new
// height renders again.
func TestProvCachePageOnce(t *testing.T) {
	c := newProvCache(1)
	ctx := context.Background()
	var renders atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	slow := func() ([]byte, error) {
		if renders.Add(1) == 1 {
			close(started)
			<-release
		}
		return []byte("<html>"), nil
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := c.page(ctx, 3, "k", slow)
			if err != nil || string(b) != "<html>" {
				t.Errorf("request %d: %q %v", i, b, err)
			}
		}()
		if i == 0 {
			<-started
		}
	}
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Fatalf("%d renderings of one page, want 1", n)
	}
	boom := errors.New("template")
	if _, err := c.page(ctx, 3, "bad", func() ([]byte, error) { renders.Add(1); return nil, boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if b, err := c.page(ctx, 3, "bad", slow); err != nil || string(b) != "<html>" || renders.Load() != 3 {
		t.Fatalf("after a failure: %q %v, %d renderings", b, err, renders.Load())
	}
	if _, err := c.page(ctx, 4, "k", slow); err != nil || renders.Load() != 4 {
		t.Fatalf("a new height: %v, %d renderings", err, renders.Load())
	}
}
