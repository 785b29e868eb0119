package modules

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

// ParseCacheBytes bounds the documents a node's parse cache holds (their
// captured bytes; their parsed events take some 4× that in memory): about
// 36 of the largest captures, or 20,000 one-event captures.
const ParseCacheBytes = 16 << 20

// parseCache keeps the parsed events of the EPCIS documents this node
// accepted lately, so that a capture is parsed and checked against GS1's
// schemas once per node, not again in every recheck of the mempool and in
// FinalizeBlock (issue 17: three quarters of a capture's cost is the same
// work done again).
//
// It is safe on the write side because a hit returns exactly what a parse
// would: the key is the document's SHA-256 and the byte limit, the value
// what Parse returned for them, which is a pure function of those bytes and
// the time checked against; the only check that depends on that time,
// epcis's future-time check, is run again on every hit against the time
// given (epcis.Times.Check gives ParseDocument's very error for a document
// ParseDocument accepted at another time). Only documents that parsed
// without error are kept, so every error is the parser's own. A hit hands
// out a deep copy, since the trace module rewrites what it is given.
//
// The cache is bounded by ParseCacheBytes of documents, least recently used
// out first; a document over a quarter of the bound is never kept.
type parseCache struct {
	mu      sync.Mutex
	max     int
	bytes   int
	entries map[parseKey]*parseEntry
	// An intrusive list, most recently used at head.
	head, tail *parseEntry
}

type parseKey struct {
	sum      [sha256.Size]byte
	maxBytes int
}

type parseEntry struct {
	key        parseKey
	size       int
	events     []gongxu.TraceEvent
	times      epcis.Times
	prev, next *parseEntry
}

func newParseCache(maxBytes int) *parseCache {
	return &parseCache{max: maxBytes, entries: map[parseKey]*parseEntry{}}
}

// get returns a copy of the events of a kept document, and its times.
func (c *parseCache) get(k parseKey) ([]gongxu.TraceEvent, epcis.Times, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[k]
	if e == nil {
		return nil, epcis.Times{}, false
	}
	c.unlink(e)
	c.pushFront(e)
	return cloneTraceEvents(e.events), e.times, true
}

// put keeps a copy of a document's events.
func (c *parseCache) put(k parseKey, size int, evs []gongxu.TraceEvent, times epcis.Times) {
	if size > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[k]; ok {
		return
	}
	e := &parseEntry{key: k, size: size, events: cloneTraceEvents(evs), times: times}
	c.entries[k] = e
	c.pushFront(e)
	c.bytes += size
	for c.bytes > c.max && c.tail != nil {
		old := c.tail
		c.unlink(old)
		delete(c.entries, old.key)
		c.bytes -= old.size
	}
}

func (c *parseCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *parseCache) unlink(e *parseEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		c.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		c.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (c *parseCache) pushFront(e *parseEntry) {
	e.next = c.head
	if c.head != nil {
		c.head.prev = e
	}
	c.head = e
	if c.tail == nil {
		c.tail = e
	}
}

// parse is EPCIS.Parse through the cache.
func (c *parseCache) parse(doc []byte, now int64, maxBytes int) ([]gongxu.TraceEvent, error) {
	if len(doc) > maxBytes || len(doc) > c.max/4 {
		return parseEvents(doc, now, maxBytes) // refused by size, or too big to keep
	}
	k := parseKey{sum: sha256.Sum256(doc), maxBytes: maxBytes}
	if evs, times, ok := c.get(k); ok {
		if err := times.Check(time.UnixMilli(now), 0); err != nil {
			return nil, err
		}
		return evs, nil
	}
	evs, times, err := parseEventsTimes(doc, now, maxBytes)
	if err != nil {
		return nil, err
	}
	c.put(k, len(doc), evs, times)
	return evs, nil
}

// cloneTraceEvents copies events down to every slice and pointer a caller
// may write through (the strings are immutable).
func cloneTraceEvents(in []gongxu.TraceEvent) []gongxu.TraceEvent {
	out := slices.Clone(in)
	for i := range out {
		e := &out[i]
		e.EPCs = slices.Clone(e.EPCs)
		e.Quantities = slices.Clone(e.Quantities)
		e.Inputs = slices.Clone(e.Inputs)
		e.InputQuantities = slices.Clone(e.InputQuantities)
		e.Outputs = slices.Clone(e.Outputs)
		e.OutputQuantities = slices.Clone(e.OutputQuantities)
		e.Children = slices.Clone(e.Children)
		e.ChildQuantities = slices.Clone(e.ChildQuantities)
		e.BizTransactions = slices.Clone(e.BizTransactions)
		e.Sources = slices.Clone(e.Sources)
		e.Destinations = slices.Clone(e.Destinations)
		e.Raw = slices.Clone(e.Raw)
		if d := e.ErrorDeclaration; d != nil {
			c := *d
			c.Corrective = slices.Clone(d.Corrective)
			e.ErrorDeclaration = &c
		}
	}
	return out
}
