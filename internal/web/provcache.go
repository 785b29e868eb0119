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
	pages   map[string]*pageEntry // whole pages for people not signed in, by key and address
	pageLen int                   // bytes in pages

	slots    chan struct{}
	waiting  int // requests waiting for a slot
	maxWait  int
	busyWait time.Duration
}

// pageEntry is one whole page, ready once done is closed.
type pageEntry struct {
	done chan struct{}
	b    []byte
	err  error
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
	return &provCache{entries: map[string]*provEntry{}, pages: map[string]*pageEntry{}, slots: make(chan struct{}, slots), maxWait: 8 * slots, busyWait: provBusyWait}
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
		c.height, c.entries, c.pages, c.pageLen = h, map[string]*provEntry{}, map[string]*pageEntry{}, 0
	}
}

// page returns the whole page kept for key at height h, rendering it with
// render when no request has yet; requests for a page being rendered wait
// for that rendering (at a new height a flood of one page renders it once,
// not once per request in flight). A failure is not kept, nor a page past
// maxProvPageLen bytes a height.
func (c *provCache) page(ctx context.Context, h int64, key string, render func() ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	c.at(h)
	e := c.pages[key]
	if e == nil {
		e = &pageEntry{done: make(chan struct{})}
		c.pages[key] = e
		c.mu.Unlock()
		e.b, e.err = render()
		c.mu.Lock()
		if c.pages[key] == e && (e.err != nil || c.pageLen+len(e.b) > maxProvPageLen) {
			delete(c.pages, key)
		} else if c.pages[key] == e {
			c.pageLen += len(e.b)
		}
		c.mu.Unlock()
		close(e.done)
	} else {
		c.mu.Unlock()
	}
	select {
	case <-e.done:
		return e.b, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
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
	status := http.StatusOK
	var d provData
	render := func() ([]byte, error) {
		d, status, err = s.prov.get(r.Context(), h, key, func(ctx context.Context) (provData, int, error) {
			return s.provenanceData(r.WithContext(ctx), id)
		})
		switch {
		case err != nil:
			return nil, err
		case status != http.StatusOK:
			return nil, errProvStatus
		}
		v := view{Title: d.Title, Section: "trace", Content: d}
		s.frame(r, &v)
		var buf bytes.Buffer
		if err := s.pages[v.Lang.Code]["provenance"].ExecuteTemplate(&buf, "layout", v); err != nil {
			return nil, fmt.Errorf("render provenance: %w", err)
		}
		return buf.Bytes(), nil
	}
	var b []byte
	if s.sessionOf(r) == nil {
		b, err = s.prov.page(r.Context(), h, key+"\x00"+r.URL.RequestURI(), render)
		if errors.Is(err, errProvStatus) { // rendered by another request: this one's content is kept
			b, err = render()
		}
	} else {
		b, err = render()
	}
	switch {
	case errors.Is(err, errProvBusy):
		w.Header().Set("Retry-After", "1")
		s.problem(w, r, http.StatusServiceUnavailable, "Not ready yet", "The node is starting or busy. Try again in a moment.")
		return nil
	case errors.Is(err, errProvStatus):
		return s.traceProblem(w, r, status, d)
	case err != nil:
		return err
	}
	s.write(w, r, http.StatusOK, b)
	return nil
}

// errProvStatus says a provenance page is a problem page (400, 404), which
// is rendered for each request and not kept whole.
var errProvStatus = errors.New("web: the provenance page is a problem page")
