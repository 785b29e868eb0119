package httpapi

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// Tokens checks API tokens. The node's token store (internal/token) is one.
type Tokens interface {
	// Check returns the id and name of the token whose secret this is; ok
	// is false when it is none.
	Check(secret string) (id, name string, ok bool)
}

// signingRoutes are the routes that make the node sign with its keys: each
// needs Authorization: Bearer TOKEN. POST /v1/txs takes transactions signed
// elsewhere and needs none.
var signingRoutes = map[string]bool{
	"POST /epcis/capture": true,
}

// readerRoutes are the reads whose answer depends on who asks: without
// Authorization the caller is anonymous, with this node's API token the
// node's operator org, and with a token that is not valid 401 (GET
// /v1/demand: a hub's own cells in full).
var readerRoutes = map[string]bool{
	"GET /v1/demand":   true,
	"GET /v1/forecast": true,
}

// Rate is a token bucket: PerSecond requests a second on average, Burst at
// once. A zero PerSecond means no limit.
type Rate struct {
	PerSecond float64 `json:"per_second"`
	Burst     int     `json:"burst"`
}

// Limits are the per-client rate limits of the API. A client is its remote
// IP address (an IPv6 address by its /64). The zero Limits limit nothing.
type Limits struct {
	// Costly limits the reads that cost the node real work: a factory's
	// plan, trace walks, EPCIS event queries (costlyRoutes).
	Costly Rate `json:"costly"`
	// Writes limits every POST.
	Writes Rate `json:"writes"`
	// Clients bounds how many clients are tracked at once; beyond it, new
	// clients share one bucket. Zero means DefaultClients.
	Clients int `json:"clients,omitempty"`
}

// DefaultClients is the number of clients tracked when Limits.Clients is 0.
const DefaultClients = 10000

// costlyRoutes are the reads limited by Limits.Costly.
var costlyRoutes = map[string]bool{
	"GET /v1/plan/{factory}":                true,
	"GET /v1/demand":                        true,
	"GET /v1/orgs/{id}/reputation":          true,
	"GET /v1/orgs/{id}/reputation/{figure}": true,
	"GET /v1/forecast":                      true,
	"GET /v1/demand/derived":                true,
	"GET /v1/trace/back/{id...}":            true,
	"GET /v1/trace/forward/{id...}":         true,
	"GET /v1/trace/events":                  true,
	"GET /v1/recalls/{id}":                  true,
	"GET /epcis/events":                     true,
	"GET /epcis/events/{eventID}":           true,
}

// guard wraps the handler of route rt with what the route needs: the rate
// limit of its class, then the bearer token of a signing route.
func (s *server) guard(rt route, h http.Handler) http.Handler {
	key := rt.Method + " " + rt.Path
	if signingRoutes[key] {
		h = s.authenticate(h)
	}
	switch {
	case rt.Method == http.MethodPost && s.writes != nil:
		h = s.limit(s.writes, "writes", h)
	case costlyRoutes[key] && s.costly != nil:
		h = s.limit(s.costly, "costly reads", h)
	}
	return h
}

// authenticate lets through requests with a valid bearer token, and answers
// the others 401 unauthenticated with WWW-Authenticate: Bearer.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, problem := bearer(r)
		if problem == "" {
			if s.tokens == nil {
				problem = "this node has no API tokens to check; create one with: gongxu token add NAME --home DIR"
			} else if _, name, ok := s.tokens.Check(secret); ok {
				s.log.Info("http: request signed by the node", "token", name, "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
				next.ServeHTTP(w, r)
				return
			} else {
				problem = "the API token is not valid (unknown, removed or mistyped)"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="gongxu", error="invalid_token"`)
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gongxu"`)
		}
		s.log.Warn("http: unauthenticated request to a signing route", "method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
		s.writeError(w, r, gongxu.Errorf(gongxu.KindUnauthenticated,
			"%s %s makes this node sign with its keys and needs Authorization: Bearer TOKEN: %s", r.Method, r.URL.Path, problem))
	})
}

// bearer reads the token of the one Authorization header; problem says why
// there is none.
func bearer(r *http.Request) (secret, problem string) {
	vs := r.Header.Values("Authorization")
	switch {
	case len(vs) == 0:
		return "", "no Authorization header (create a token with: gongxu token add NAME --home DIR)"
	case len(vs) > 1:
		return "", "more than one Authorization header"
	}
	scheme, tok, _ := strings.Cut(vs[0], " ")
	tok = strings.TrimLeft(tok, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", "the Authorization header is not of the Bearer scheme"
	}
	if tok == "" || strings.ContainsAny(tok, " \t") {
		return "", "the Authorization header holds no single token"
	}
	return tok, ""
}

// limit answers 429 quota, with Retry-After, to a client over the rate.
func (s *server) limit(l *limiter, what string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientKey(r.RemoteAddr)
		ok, retry := l.allow(client)
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := int(math.Ceil(retry.Seconds()))
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.log.Debug("http: rate limited", "client", client, "class", what, "path", r.URL.Path)
		s.writeError(w, r, gongxu.Errorf(gongxu.KindQuota,
			"too many %s from %s: at most %g a second (%d at once); retry in %d s", what, client, l.rate.PerSecond, l.burst(), secs))
	})
}

// clientKey is the rate limits' name of a remote address: its IP, an IPv6
// address by its /64 (one site's addresses).
func clientKey(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// limiter is one token bucket per client.
type limiter struct {
	rate    Rate
	clients int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time // the last sweep: at most one a second
}

type bucket struct {
	tokens float64
	last   time.Time
}

// overflow is the bucket that clients share once limiter.clients are tracked.
const overflow = "(others)"

func newLimiter(r Rate, clients int, now func() time.Time) *limiter {
	if r.PerSecond <= 0 {
		return nil
	}
	if clients <= 0 {
		clients = DefaultClients
	}
	return &limiter{rate: r, clients: clients, now: now, buckets: map[string]*bucket{}}
}

func (l *limiter) burst() int { return max(l.rate.Burst, 1) }

// allow takes a token of client's bucket; when there is none, it says how
// long until there is.
func (l *limiter) allow(client string) (bool, time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= l.clients && now.Sub(l.swept) >= time.Second {
			l.sweep(now)
		}
		if len(l.buckets) >= l.clients {
			client = overflow
		}
		if b, ok = l.buckets[client]; !ok {
			b = &bucket{tokens: float64(l.burst()), last: now}
			l.buckets[client] = b
		}
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate.PerSecond * float64(time.Second))
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if el := now.Sub(b.last); el > 0 {
		b.tokens = math.Min(float64(l.burst()), b.tokens+el.Seconds()*l.rate.PerSecond)
		b.last = now
	}
}

// sweep forgets the clients whose buckets are full again: they are as new.
func (l *limiter) sweep(now time.Time) {
	l.swept = now
	for k, b := range l.buckets {
		if l.refill(b, now); b.tokens >= float64(l.burst()) {
			delete(l.buckets, k)
		}
	}
}

// String is the rate for people, for logs.
func (r Rate) String() string {
	if r.PerSecond <= 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%g/s, burst %d", r.PerSecond, max(r.Burst, 1))
}
