package web

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"time"
)

// provCache keeps the provenance pages' content (provData and its status)
// at the read model's latest height: a page reads the read model only, so
// it is the same for every request of one identifier, language and public
// address until the next block is projected. A flood of requests for one
// lot (a QR code on a popular product) then costs one walk and its proofs
// per block, not one per request.
//
// Requests for a page being computed wait for that one computation
// (single flight). Computations of different pages run at most slots at
// once; a request that finds them all taken waits at most busyWait, behind
// at most maxWaiting others, and is otherwise answered 503 with
// Retry-After (errProvBusy): the node sheds the load instead of queueing
// it without bound.
type provCache struct {
	mu      sync.Mutex
	height  int64
	entries map[string]*provEntry

	slots    chan struct{}
	waiting  int // requests waiting for a slot
	maxWait  int
	busyWait time.Duration
}

// provEntry is one page's content, ready once done is closed.
type provEntry struct {
	done   chan struct{}
	d      provData
	status int
	err    error
}

const (
	maxProvEntries = 1024                   // pages kept at one height; beyond, the cache starts again
	provBusyWait   = 500 * time.Millisecond // longest wait for a computation slot
)

// errProvBusy is the answer when every computation slot is taken.
var errProvBusy = errors.New("web: every provenance computation slot is taken")

// newProvCache returns a cache computing at most slots pages at once
// (at least 1; 0 means twice the CPUs).
func newProvCache(slots int) *provCache {
	if slots <= 0 {
		slots = 2 * runtime.NumCPU()
	}
	return &provCache{entries: map[string]*provEntry{}, slots: make(chan struct{}, slots), maxWait: 8 * slots, busyWait: provBusyWait}
}

// get returns the content of the page of key at height h, computing it
// with compute when no request has yet. compute runs with a context that
// the asking request's end does not cancel (others may wait for it).
// Errors: compute's (not kept), errProvBusy, the request context's.
func (c *provCache) get(ctx context.Context, h int64, key string, compute func(context.Context) (provData, int, error)) (provData, int, error) {
	c.mu.Lock()
	if h != c.height {
		c.height, c.entries = h, map[string]*provEntry{}
	}
	e := c.entries[key]
	if e == nil {
		if len(c.entries) >= maxProvEntries {
			c.entries = map[string]*provEntry{} // waiters keep their entries
		}
		e = &provEntry{done: make(chan struct{})}
		c.entries[key] = e
		c.mu.Unlock()
		c.fill(ctx, key, e, compute)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-e.done:
		return e.d, e.status, e.err
	case <-ctx.Done():
		return provData{}, 0, ctx.Err()
	}
}

// fill computes e in a slot, and forgets it when it failed.
func (c *provCache) fill(ctx context.Context, key string, e *provEntry, compute func(context.Context) (provData, int, error)) {
	defer close(e.done)
	if !c.acquire(ctx) {
		e.err = errProvBusy
		if ctx.Err() != nil {
			e.err = ctx.Err()
		}
	} else {
		defer func() { <-c.slots }()
		e.d, e.status, e.err = compute(context.WithoutCancel(ctx))
	}
	if e.err != nil {
		c.mu.Lock()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		c.mu.Unlock()
	}
}

// acquire takes a computation slot, waiting at most busyWait behind at
// most maxWait others; false when it could not.
func (c *provCache) acquire(ctx context.Context) bool {
	select {
	case c.slots <- struct{}{}:
		return true
	default:
	}
	c.mu.Lock()
	if c.waiting >= c.maxWait {
		c.mu.Unlock()
		return false
	}
	c.waiting++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.waiting--
		c.mu.Unlock()
	}()
	t := time.NewTimer(c.busyWait)
	defer t.Stop()
	select {
	case c.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// provenanceCached is the provenance page's content through the cache,
// keyed by the read model's height, the identifier, the page's language
// and its public address (the QR code's content).
func (s *server) provenanceCached(r *http.Request, id string) (provData, int, error) {
	h, err := s.txs.Height(r.Context())
	if err != nil {
		return provData{}, 0, err
	}
	key := s.langs.pick(r).Code + "\x00" + id + "\x00" + s.publicURL(r, provPath(id))
	return s.prov.get(r.Context(), h, key, func(ctx context.Context) (provData, int, error) {
		return s.provenanceData(r.WithContext(ctx), id)
	})
}
