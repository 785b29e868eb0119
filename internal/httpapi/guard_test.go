package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/token"
)

// openPOSTs are the POST routes that do not make the node sign: each POST
// route is either here or in signingRoutes, so that a new one is a decision.
var openPOSTs = map[string]string{
	"POST /v1/txs": "takes transactions signed elsewhere; the chain checks their signatures",
}

func TestEveryPOSTIsDecided(t *testing.T) {
	for _, rt := range routes {
		k := rt.Method + " " + rt.Path
		if rt.Method != "GET" && !signingRoutes[k] && openPOSTs[k] == "" {
			t.Errorf("%s is neither a signing route (needs a token) nor a known open one", k)
		}
	}
	for k := range signingRoutes {
		if !registered(k) {
			t.Errorf("signing route %s is not a route", k)
		}
	}
	for k := range costlyRoutes {
		if !registered(k) {
			t.Errorf("costly route %s is not a route", k)
		}
	}
}

func registered(k string) bool {
	for _, rt := range routes {
		if rt.Method+" "+rt.Path == k {
			return true
		}
	}
	return false
}

// TestCaptureNeedsAToken: POST /epcis/capture makes the node sign, so
// without a valid bearer token it answers 401 and sends nothing.
func TestCaptureNeedsAToken(t *testing.T) {
	doc := gs1Example("Example_9.6.1-ObjectEvent.jsonld")(nil)
	secret := netEnv(t).secret // another node's token
	for _, c := range []struct {
		name    string
		header  []string
		invalid bool // the WWW-Authenticate error is invalid_token
		want    string
	}{
		{"none", nil, false, "no Authorization header"},
		{"wrong token", []string{"Authorization", "Bearer gx_not-a-token-of-this-node-000000000000000000"}, true, "not valid"},
		{"token of another node", []string{"Authorization", "Bearer " + secret}, true, "not valid"},
		{"basic", []string{"Authorization", "Basic dXNlcjpwYXNz"}, false, "not of the Bearer scheme"},
		{"empty bearer", []string{"Authorization", "Bearer "}, false, "no single token"},
		{"two tokens", nil, false, "no single token"},
		{"two headers", nil, false, "more than one"},
		{"token in the query", nil, false, "no Authorization header"},
	} {
		e := netEnv(t)
		op := e.op
		target := "/epcis/capture"
		switch c.name {
		case "token in the query":
			target += "?access_token=" + e.secret
		case "two tokens":
			c.header = []string{"Authorization", "Bearer " + e.secret + " " + e.secret}
		case "two headers":
			c.header = []string{"Authorization", "Bearer " + e.secret, "Authorization", "Bearer " + e.secret}
		}
		rec := e.doWith("POST", target, ldJSON, doc, c.header...)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d %s", c.name, rec.Code, rec.Body)
			continue
		}
		var body errorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Code != "unauthenticated" || !strings.Contains(body.Message, c.want) {
			t.Errorf("%s: body %s", c.name, rec.Body)
		}
		wa := rec.Header().Get("WWW-Authenticate")
		if !strings.HasPrefix(wa, "Bearer ") || strings.Contains(wa, "invalid_token") != c.invalid {
			t.Errorf("%s: WWW-Authenticate %q", c.name, wa)
		}
		if sent := op.Sent(); len(sent) != 0 {
			t.Errorf("%s: the node signed %d messages", c.name, len(sent))
		}
		if strings.Contains(rec.Body.String(), e.secret) {
			t.Errorf("%s: the answer repeats the token", c.name)
		}
		documented(t, "POST /epcis/capture", rec.Code, rec.Body.Bytes(), "WWW-Authenticate")
	}
	// With the token (the scheme's case does not matter), it signs once.
	e := netEnv(t)
	op := e.op
	if rec := e.doWith("POST", "/epcis/capture", ldJSON, doc, "Authorization", "bearer "+e.secret); rec.Code != captureStatus || len(op.Sent()) != 1 {
		t.Fatalf("with the token: %d %s, %d sent", rec.Code, rec.Body, len(op.Sent()))
	}
	if !strings.Contains(e.logs.String(), "token=tests") {
		t.Error("the log does not name the token that made the node sign")
	}
	// POST /v1/txs takes signed transactions and needs no token.
	if rec := e.doWith("POST", "/v1/txs", octet, e.tx("no token")); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"code":0`) {
		t.Errorf("POST /v1/txs without a token: %d %s", rec.Code, rec.Body)
	}
}

// TestTokensOfARunningServer: a real token store on a real server: a token
// added while it serves is accepted at once, and refused once removed.
func TestTokensOfARunningServer(t *testing.T) {
	path := token.Path(t.TempDir())
	e := netEnv(t)
	op := e.op
	e.cfg.Tokens = token.Open(path)
	srv := httptest.NewServer(New(e.cfg))
	defer srv.Close()
	doc := gs1Example("Example_9.6.1-ObjectEvent.jsonld")(e)
	capture := func(secret string) int {
		req, _ := http.NewRequest("POST", srv.URL+"/epcis/capture", strings.NewReader(string(doc)))
		req.Header.Set("Content-Type", ldJSON)
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if got := capture(""); got != 401 {
		t.Fatalf("no token: %d", got)
	}
	secret, err := token.Open(path).Add("ci") // gongxu token add ci, in another process
	if err != nil {
		t.Fatal(err)
	}
	if got := capture(secret); got != captureStatus {
		t.Fatalf("a token added while serving: %d", got)
	}
	if err := token.Open(path).Remove("ci"); err != nil {
		t.Fatal(err)
	}
	if got := capture(secret); got != 401 {
		t.Fatalf("a removed token: %d", got)
	}
	if n := len(op.Sent()); n != 1 {
		t.Errorf("%d captures signed, want 1", n)
	}
}

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestRateLimits: on a real server, a client over the rate of a costly read
// or a write gets 429 quota with Retry-After until its bucket refills (on
// the server's clock, which the test moves); cheap reads are not limited.
func TestRateLimits(t *testing.T) {
	clk := &clock{t: time.Unix(1_750_000_000, 0)}
	e := newEnv(t)
	e.cfg.Limits = Limits{Costly: Rate{PerSecond: 0.5, Burst: 2}, Writes: Rate{PerSecond: 1, Burst: 3}}
	e.cfg.Now = clk.now
	srv := httptest.NewServer(New(e.cfg))
	defer srv.Close()
	get := func(method, path string) (int, http.Header, errorBody) {
		t.Helper()
		var body io.Reader
		if method == "POST" {
			body = strings.NewReader("vote")
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Header.Set("Content-Type", octet)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var eb errorBody
		if res.StatusCode != 200 {
			json.NewDecoder(res.Body).Decode(&eb)
		}
		return res.StatusCode, res.Header, eb
	}
	plan := "/v1/plan/acme-textiles"
	for i := range 2 {
		if code, _, _ := get("GET", plan); code == 429 {
			t.Fatalf("request %d within the burst: 429", i+1)
		}
	}
	code, h, eb := get("GET", plan)
	if code != 429 || eb.Code != "quota" || h.Get("Retry-After") != "2" || !strings.Contains(eb.Message, "costly reads from 127.0.0.1") {
		t.Fatalf("over the rate: %d %v %+v", code, h.Get("Retry-After"), eb)
	}
	b, _ := json.Marshal(eb)
	documented(t, "GET /v1/plan/{factory}", code, b, "Retry-After")
	// The same bucket covers every costly read; cheap reads go on.
	if code, _, _ := get("GET", "/epcis/events"); code != 429 {
		t.Errorf("another costly read: %d", code)
	}
	for range 5 {
		if code, _, _ := get("GET", "/v1/status"); code != 200 {
			t.Fatalf("cheap read: %d", code)
		}
	}
	clk.add(2 * time.Second) // one token back
	if code, _, _ := get("GET", plan); code != 200 {
		t.Errorf("after the refill: %d", code)
	}
	if code, _, _ := get("GET", plan); code != 429 {
		t.Errorf("the refill gave more than one: %d", code)
	}

	// Writes have their own bucket.
	for i := range 3 {
		if code, _, eb := get("POST", "/v1/txs"); code != 200 {
			t.Fatalf("write %d: %d %+v", i+1, code, eb)
		}
	}
	if code, h, eb := get("POST", "/v1/txs"); code != 429 || h.Get("Retry-After") != "1" || eb.Code != "quota" {
		t.Errorf("write over the rate: %d %q %+v", code, h.Get("Retry-After"), eb)
	}
	if n := len(e.node.submitted()); n != 3 {
		t.Errorf("%d transactions submitted, want 3: a refused one reaches nothing", n)
	}
}

// TestRateLimitsPerClient: each client address has its own bucket, an IPv6
// site its /64, and beyond the clients tracked the rest share one.
func TestRateLimitsPerClient(t *testing.T) {
	clk := &clock{t: time.Unix(1_750_000_000, 0)}
	e := envOn(t, nil) // no trace service: the walks that pass answer 503
	e.cfg.Limits = Limits{Costly: Rate{PerSecond: 1, Burst: 1}, Clients: 3}
	e.cfg.Now = clk.now
	h := New(e.cfg)
	from := func(remote string) int {
		req := httptest.NewRequest("GET", "/v1/trace/back/"+string(inproc.JacketLot), nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, c := range []struct {
		remote string
		want   int
	}{
		{"192.0.2.1:1000", 503}, {"192.0.2.1:1001", 429}, // same IP, another port
		{"192.0.2.2:1000", 503},
		{"[2001:db8::1]:1000", 503}, {"[2001:db8::2]:1000", 429}, // same /64
		{"198.51.100.1:1", 503}, {"198.51.100.2:1", 429}, // beyond 3 clients: shared
	} {
		if got := from(c.remote); got != c.want {
			t.Errorf("%s: %d, want %d", c.remote, got, c.want)
		}
	}
}

// TestHealthDegraded: /healthz answers 503 with the reason while the
// node's health check fails, and 200 again once it passes.
func TestHealthDegraded(t *testing.T) {
	var mu sync.Mutex
	var reason error
	e := newEnv(t)
	e.cfg.Health = func(context.Context) error { mu.Lock(); defer mu.Unlock(); return reason }
	set := func(err error) { mu.Lock(); reason = err; mu.Unlock() }
	srv := httptest.NewServer(New(e.cfg))
	defer srv.Close()
	health := func() (int, string) {
		res, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := health(); code != 200 || body != "ok\n" {
		t.Fatalf("healthy: %d %q", code, body)
	}
	set(gongxu.Errorf(gongxu.KindUnavailable, "no block committed for 1m0s (one is expected every 1s)"))
	code, body := health()
	var eb errorBody
	if code != 503 || json.Unmarshal([]byte(body), &eb) != nil || eb.Code != "unavailable" || !strings.Contains(eb.Message, "no block committed") {
		t.Fatalf("stalled: %d %s", code, body)
	}
	set(nil)
	if code, _ := health(); code != 200 {
		t.Fatalf("recovered: %d", code)
	}
}

// documented checks that the OpenAPI document lists status for the route,
// with the headers named, and that body is valid against its schema.
func documented(t *testing.T, route string, status int, body []byte, headers ...string) {
	t.Helper()
	doc := loadDoc(t)
	o, ok := operations(t, doc)[route]
	if !ok {
		t.Fatalf("%s is not documented", route)
	}
	resps, _ := o.op["responses"].(map[string]any)
	r, ok := resps[strconv.Itoa(status)]
	if !ok {
		t.Errorf("%s: %d is not documented", route, status)
		return
	}
	rm := deref(t, doc, r)
	hs, _ := rm["headers"].(map[string]any)
	for _, h := range headers {
		if hs[h] == nil {
			t.Errorf("%s %d: header %s is not documented", route, status, h)
		}
	}
	content, _ := rm["content"].(map[string]any)
	mt, _ := content["application/json"].(map[string]any)
	for _, e := range validate(doc, mt["schema"], decodeJSON(t, body), "body") {
		t.Errorf("%s %d: %s", route, status, e)
	}
}

// TestDocumentedGuards: the document marks each signing route with the
// bearer scheme and its 401 (a route whose reader the token decides, with
// the token optional), and lists 429 for each rate-limited route.
func TestDocumentedGuards(t *testing.T) {
	doc := loadDoc(t)
	ops := operations(t, doc)
	if _, err := lookup(doc, "#/components/securitySchemes/bearerAuth"); err != nil {
		t.Fatal(err)
	}
	for _, rt := range routes {
		k := rt.Method + " " + rt.Path
		o := ops[rt.Method+" "+docPath(rt.Path)]
		resps, _ := o.op["responses"].(map[string]any)
		sec, _ := json.Marshal(o.op["security"])
		if signingRoutes[k] != (string(sec) == `[{"bearerAuth":[]}]`) || readerRoutes[k] != (string(sec) == `[{},{"bearerAuth":[]}]`) ||
			(signingRoutes[k] || readerRoutes[k]) != (resps["401"] != nil) {
			t.Errorf("%s: security %s, 401 documented %v; signing route %v", k, sec, resps["401"] != nil, signingRoutes[k])
		}
		limited := rt.Method == "POST" || costlyRoutes[k]
		if limited != (resps["429"] != nil) {
			t.Errorf("%s: 429 documented %v, rate limited %v", k, resps["429"] != nil, limited)
		}
	}
}
