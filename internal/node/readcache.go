package node

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/gongxu-network/gongxu"
)

// readCache keeps the answers of the API's public list routes at the read
// model's projected height: they read the read model only, so an answer is
// the same for every request of one address until the next block is
// projected, and a flood of the same list request costs one query and one
// JSON encoding per block instead of one per request. (bench read: a list
// request cost about 450 µs of CPU, mostly decoding the rows' JSON and
// encoding it again.)
//
// Only GET requests of cachedLists without an Authorization header are
// kept (routes such as /v1/demand answer according to the token), keyed by
// their path and query and by whether the node counts the caller as its own
// reader (ownReaders: the node's own org sees its purchase orders' sealed
// terms, others do not). Only 200 answers are kept, at most
// maxReadCacheBytes of them at one height; a new height starts afresh.
type readCache struct {
	next   http.Handler
	height func() int64 // the read model's projected height

	mu      sync.Mutex
	at      int64
	bytes   int
	entries map[string]*cachedAnswer
}

type cachedAnswer struct {
	header http.Header
	body   []byte
}

// maxReadCacheBytes bounds the bodies kept at one height.
const maxReadCacheBytes = 32 << 20

// cachedLists are the list routes whose answers readCache keeps.
var cachedLists = map[string]bool{
	"/v1/orgs": true, "/v1/pools": true, "/v1/production-orders": true, "/v1/purchase-orders": true,
	"/v1/products": true, "/v1/proposals": true, "/v1/lots": true, "/v1/offers": true, "/v1/rfqs": true,
	"/v1/disputes": true, "/v1/recalls": true, "/v1/validators": true, "/v1/trace/events": true, "/v1/txs": true,
}

func newReadCache(next http.Handler, height func() int64) *readCache {
	return &readCache{next: next, height: height, entries: map[string]*cachedAnswer{}}
}

func (c *readCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !cachedLists[r.URL.Path] || r.Header.Get("Authorization") != "" {
		c.next.ServeHTTP(w, r)
		return
	}
	key := r.URL.Path + "?" + r.URL.RawQuery
	if own(r.Context()) {
		key = "own\x00" + key
	}
	h := c.height()
	c.mu.Lock()
	if h != c.at {
		c.at, c.bytes, c.entries = h, 0, map[string]*cachedAnswer{}
	}
	a := c.entries[key]
	c.mu.Unlock()
	if a != nil {
		for k, v := range a.header {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(a.body)
		return
	}
	rec := &capture{ResponseWriter: w}
	c.next.ServeHTTP(rec, r)
	if rec.status != http.StatusOK || rec.failed {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at != h || c.bytes+rec.body.Len() > maxReadCacheBytes {
		return
	}
	c.bytes += rec.body.Len()
	c.entries[key] = &cachedAnswer{header: rec.Header().Clone(), body: rec.body.Bytes()}
}

// capture passes an answer through and keeps a copy of its body.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	failed bool
}

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	n, err := c.ResponseWriter.Write(b)
	if err != nil {
		c.failed = true
	}
	return n, err
}

// projectedTxs is the read model's transactions with its height read from
// the feeder's memory (set once each projection commits) instead of from
// the database: the provenance page asks it on every request.
type projectedTxs struct {
	gongxu.TxService
	h *heights
}

// Height is the read model's projected height.
func (p projectedTxs) Height(context.Context) (int64, error) { return p.h.get(), nil }
