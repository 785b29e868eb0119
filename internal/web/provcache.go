package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	pages   map[string][]byte // whole pages for people not signed in, by key and address
	pageLen int               // bytes in pages

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
	maxProvPageLen = 64 << 20               // bytes of whole pages kept at one height
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
	return &provCache{entries: map[string]*provEntry{}, pages: map[string][]byte{}, slots: make(chan struct{}, slots), maxWait: 8 * slots, busyWait: provBusyWait}
}

// get returns the content of the page of key at height h, computing it
// with compute when no request has yet. compute runs with a context that
// the asking request's end does not cancel (others may wait for it).
// Errors: compute's (not kept), errProvBusy, the request context's.
func (c *provCache) get(ctx context.Context, h int64, key string, compute func(context.Context) (provData, int, error)) (provData, int, error) {
	c.mu.Lock()
	c.at(h)
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

// at empties the cache when the read model's height is not h. c.mu is held.
func (c *provCache) at(h int64) {
	if h != c.height {
		c.height, c.entries, c.pages, c.pageLen = h, map[string]*provEntry{}, map[string][]byte{}, 0
	}
}

// page is the whole page kept for key at height h, if any.
func (c *provCache) page(h int64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at(h)
	b, ok := c.pages[key]
	return b, ok
}

// putPage keeps a whole page for key at height h, room permitting.
func (c *provCache) putPage(h int64, key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h != c.height || c.pageLen+len(b) > maxProvPageLen {
		return
	}
	if _, ok := c.pages[key]; !ok {
		c.pages[key], c.pageLen = b, c.pageLen+len(b)
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

// provenancePage serves the provenance page of id through the cache:
// its content kept at the read model's height for the identifier, the
// page's language and public address (the QR code's content); for people
// not signed in, whose page differs by nothing else than its address (the
// language switch's links), the whole page too, so that a flood of scans
// of one lot's QR code costs neither a walk nor a rendering per request.
func (s *server) provenancePage(w http.ResponseWriter, r *http.Request, id string) error {
	h, err := s.txs.Height(r.Context())
	if err != nil {
		return err
	}
	key := s.langs.pick(r).Code + "\x00" + id + "\x00" + s.publicURL(r, provPath(id))
	anonymous := s.sessionOf(r) == nil
	pageKey := key + "\x00" + r.URL.RequestURI()
	if anonymous {
		if b, ok := s.prov.page(h, pageKey); ok {
			s.write(w, r, http.StatusOK, b)
			return nil
		}
	}
	d, status, err := s.prov.get(r.Context(), h, key, func(ctx context.Context) (provData, int, error) {
		return s.provenanceData(r.WithContext(ctx), id)
	})
	switch {
	case errors.Is(err, errProvBusy):
		w.Header().Set("Retry-After", "1")
		s.problem(w, r, http.StatusServiceUnavailable, "Not ready yet", "The node is starting or busy. Try again in a moment.")
		return nil
	case err != nil:
		return err
	case status != http.StatusOK:
		return s.traceProblem(w, r, status, d)
	}
	v := view{Title: d.Title, Section: "trace", Content: d}
	s.frame(r, &v)
	var buf bytes.Buffer
	if err := s.pages[v.Lang.Code]["provenance"].ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render provenance: %w", err)
	}
	if anonymous {
		s.prov.putPage(h, pageKey, buf.Bytes())
	}
	s.write(w, r, http.StatusOK, buf.Bytes())
	return nil
}
