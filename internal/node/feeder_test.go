package node

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestHeightsBroadcast: every waiter for a height is woken by the rise that
// reaches it, none before; a lower height changes nothing; a waiter whose
// context ends gets its error.
func TestHeightsBroadcast(t *testing.T) {
	h := newHeights(5)
	ctx := context.Background()
	if err := h.wait(ctx, 5); err != nil {
		t.Fatalf("a height already reached: %v", err)
	}
	var wg sync.WaitGroup
	woke := make(chan int64, 8)
	for _, want := range []int64{6, 6, 8, 8} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.wait(ctx, want); err != nil {
				t.Error(err)
			}
			woke <- want
		}()
	}
	h.set(6)
	for range 2 {
		if got := <-woke; got != 6 {
			t.Fatalf("height 6 woke a waiter for %d", got)
		}
	}
	h.set(3) // lower: ignored
	if got := h.get(); got != 6 {
		t.Fatalf("height %d after a lower set, want 6", got)
	}
	select {
	case got := <-woke:
		t.Fatalf("a waiter for %d woke at height 6", got)
	case <-time.After(20 * time.Millisecond): // no proof of absence, only a chance to fail
	}
	h.set(9)
	wg.Wait()
	close(woke)
	for got := range woke {
		if got != 8 {
			t.Errorf("woke a waiter for %d", got)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.wait(cctx, 100); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait: %v", err)
	}
}
