package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Each client (by IP address) may open pledgeRate pledges a second, in
// bursts of pledgeBurst: a lookup reads a batch from the block store and
// hashes its leaves, and a flood of them from one address must not take the
// node's cores (the lookups at once are bounded as well: maxPledgeLookups).
const (
	pledgeRate    = 2
	pledgeBurst   = 10
	maxRateClient = 4096 // addresses remembered; more forget the oldest state
)

// rateLimiter is a token bucket per client address.
type rateLimiter struct {
	now   func() time.Time
	rate  float64
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(now func() time.Time, rate, burst float64) *rateLimiter {
	return &rateLimiter{now: now, rate: rate, burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token of r's client; false when it has none left.
func (l *rateLimiter) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[host]
	if b == nil {
		if len(l.buckets) >= maxRateClient {
			clear(l.buckets) // forgetting lets a client in sooner, never later
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[host] = b
	}
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.tokens = min(l.burst, b.tokens+d*l.rate)
	}
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
