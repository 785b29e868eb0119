package web

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/token"
)

// The tests' node answers as 127.0.0.1:8080, and knows one API token.
const (
	nodeHost  = "127.0.0.1:8080"
	testToken = "gx_web-tests-token-0000000000000000000000000000"
)

// fakeTokens is a Tokens that knows testToken until it is removed.
type fakeTokens struct {
	mu      sync.Mutex
	removed bool
}

func newFakeTokens() *fakeTokens { return &fakeTokens{} }

func (f *fakeTokens) Check(secret string) (string, string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if secret != testToken || f.removed {
		return "", "", false
	}
	return "t1", "tests", true
}

func (f *fakeTokens) Active(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return id == "t1" && !f.removed
}

// request is a request from remote to the node at nodeHost, with the
// cookies given (nil ones are left out) and header pairs.
func request(method, target string, body io.Reader, remote string, cookies []*http.Cookie, header ...string) *http.Request {
	req := httptest.NewRequest(method, target, body)
	req.Host = nodeHost
	req.RemoteAddr = remote
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		if c != nil {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// serve serves req and returns the response and its body, which must be
// well-formed HTML when it is HTML.
func serve(t *testing.T, h http.Handler, req *http.Request) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if err := checkHTML(string(body)); err != nil {
			t.Errorf("%s %s: %v\n%s", req.Method, req.URL, err, body)
		}
	}
	return res, string(body)
}

func cookieOf(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signIn signs in from remote with secret and returns the session cookie
// (nil when refused) and the response.
func signInWith(t *testing.T, h http.Handler, remote, secret, next string, header ...string) (*http.Cookie, *http.Response, string) {
	t.Helper()
	form := url.Values{"token": {secret}, "next": {next}}
	res, body := serve(t, h, request("POST", "/signin", strings.NewReader(form.Encode()), remote, nil, header...))
	return cookieOf(res, sessionCookie), res, body
}

// signIn signs in from remote with the tests' token.
func signIn(t *testing.T, h http.Handler, remote string) *http.Cookie {
	t.Helper()
	c, res, body := signInWith(t, h, remote, testToken, "/hub")
	if res.StatusCode != http.StatusSeeOther || c == nil {
		t.Fatalf("sign-in: status %d\n%s", res.StatusCode, body)
	}
	return c
}

func TestSignIn(t *testing.T) {
	f := newSite(t)
	s, logs := newTestServer(t, f)

	// The page: a form for the token, which goes back to where it came from.
	res, body := serve(t, s, request("GET", "/signin?next=%2Fhub%3Fpool%3D3", nil, localAddr, nil))
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, cache %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	contains(t, "sign-in page", body, `<form class="card signin-form" method="post" action="/signin" id="signin-form">`,
		`<input type="hidden" name="next" value="/hub?pool=3">`, `type="password"`, "gongxu token add NAME --home DIR",
		`<a class="session" href="/signin" id="signin-link" aria-current="page">Sign in</a>`)

	// A wrong token: 401, the form again, no cookie, a log line without the token.
	for _, bad := range []string{"", "gx_wrong", testToken + "x", strings.ToUpper(testToken)} {
		c, res, body := signInWith(t, s, localAddr, bad, "/hub")
		if res.StatusCode != http.StatusUnauthorized || c != nil {
			t.Errorf("token %q: status %d, cookie %v", bad, res.StatusCode, c)
		}
		contains(t, "wrong token", body, `id="signin-error"`, "not a valid API token of this node", `id="signin-form"`)
	}
	// An oversized or malformed form: 400, no session.
	for name, body := range map[string]string{"oversized": "token=" + strings.Repeat("x", maxSignIn), "malformed": "token=%zz"} {
		res, _ := serve(t, s, request("POST", "/signin", strings.NewReader(body), localAddr, nil))
		if res.StatusCode != http.StatusBadRequest || cookieOf(res, sessionCookie) != nil {
			t.Errorf("%s sign-in: status %d", name, res.StatusCode)
		}
	}
	contains(t, "log", logs.String(), "sign-in with a token that is not valid")
	if strings.Contains(logs.String(), "gx_wrong") {
		t.Error("the log holds a token tried")
	}

	// The right one: a session cookie, HttpOnly, SameSite=Strict, not Secure
	// over plain HTTP, and a redirect to next.
	c, res, _ := signInWith(t, s, localAddr, " "+testToken+"\n", "/hub?pool=3")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/hub?pool=3" {
		t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure || len(c.Value) != 64 || c.Value == testToken {
		t.Fatalf("session cookie %+v", c)
	}
	// Pages show who is signed in, and a sign-out form.
	_, body = serve(t, s, request("GET", "/", nil, localAddr, []*http.Cookie{c}))
	contains(t, "signed in", body, "Signed in as tests", `<form class="session" method="post" action="/signout" id="signout">`)
	_, body = serve(t, s, request("GET", "/signin", nil, localAddr, []*http.Cookie{c}))
	contains(t, "signin page signed in", body, `id="signed-in"`)

	// Over TLS the cookie is Secure.
	req := request("POST", "/signin", strings.NewReader(url.Values{"token": {testToken}}.Encode()), localAddr, nil)
	req.TLS = &tls.ConnectionState{HandshakeComplete: true}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if tc := cookieOf(rec.Result(), sessionCookie); tc == nil || !tc.Secure {
		t.Errorf("cookie over TLS: %+v", tc)
	}

	// next never leads to another site.
	for next, want := range map[string]string{"https://evil.example/": "/", "//evil.example/x": "/", "/\\evil.example": "/",
		"javascript:alert(1)": "/", "": "/", "/pools/3#x": "/pools/3", "/p?id=a%2Fb": "/p?id=a%2Fb"} {
		_, res, _ := signInWith(t, s, localAddr, testToken, next)
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next %q: Location %q, want %q", next, got, want)
		}
	}
}

// TestSignInRefusesOtherSites: a sign-in posted under another Host (DNS
// rebinding) or from another Origin is refused, also from loopback.
func TestSignInRefusesOtherSites(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	for name, header := range map[string][]string{
		"rebound host":   {"Host", "attacker.example"},
		"rebound port":   {"Host", "attacker.example:8080"},
		"origin":         {"Origin", "http://attacker.example"},
		"null origin":    {"Origin", "null"},
		"cross-site":     {"Sec-Fetch-Site", "cross-site"},
		"bad origin url": {"Origin", "http://[::1"},
	} {
		c, res, body := signInWith(t, s, localAddr, testToken, "/", header...)
		if res.StatusCode != http.StatusForbidden || c != nil {
			t.Errorf("%s: status %d, cookie %v", name, res.StatusCode, c)
		}
		contains(t, name, body, `<p class="code">403</p>`)
	}
	// The node's own names are fine, with any port of a loopback name.
	for _, host := range []string{"127.0.0.1:8080", "localhost:9000", "LOCALHOST", "[::1]:8080"} {
		if c, res, _ := signInWith(t, s, localAddr, testToken, "/", "Host", host, "Origin", "http://"+host); c == nil {
			t.Errorf("host %s: status %d", host, res.StatusCode)
		}
	}
}

// TestSignOut ends the session: its cookie is no good afterwards, even
// replayed; a sign-out needs the session's own form token.
func TestSignOut(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	c := signIn(t, s, localAddr)
	_, body := serve(t, s, request("GET", "/", nil, localAddr, []*http.Cookie{c}))
	m := regexp.MustCompile(`action="/signout" id="signout">.*name="signout" value="([0-9a-f]{64})"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sign-out form:\n%s", body)
	}
	// Without its token, or from another site: refused, still signed in.
	for name, bad := range map[string]struct {
		form   url.Values
		header []string
	}{
		"no token":   {url.Values{}, nil},
		"cross-site": {url.Values{"signout": {m[1]}}, []string{"Origin", "http://attacker.example"}},
	} {
		res, _ := serve(t, s, request("POST", "/signout", strings.NewReader(bad.form.Encode()), localAddr, []*http.Cookie{c}, bad.header...))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", name, res.StatusCode)
		}
	}
	if s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{c})) == nil {
		t.Fatal("a refused sign-out ended the session")
	}
	res, _ := serve(t, s, request("POST", "/signout", strings.NewReader(url.Values{"signout": {m[1]}}.Encode()), localAddr, []*http.Cookie{c}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", res.StatusCode)
	}
	if gone := cookieOf(res, sessionCookie); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("the cookie is not cleared: %+v", gone)
	}
	_, body = serve(t, s, request("GET", "/hub", nil, localAddr, []*http.Cookie{c}))
	contains(t, "after sign-out", body, `id="hub-signin"`)
	lacks(t, "after sign-out", body, `id="hub-form"`, "Signed in as")
}

// TestSessionEnds: a session ends when its token is removed and when it
// expires; a session cookie the node never gave is nobody's.
func TestSessionEnds(t *testing.T) {
	f := newSite(t)
	now := testNow
	var mu sync.Mutex
	cfg := f.config()
	s, err := newServer(cfg, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	if err != nil {
		t.Fatal(err)
	}
	signedIn := func(c *http.Cookie) bool {
		_, body := serve(t, s, request("GET", "/hub", nil, localAddr, []*http.Cookie{c}))
		return strings.Contains(body, `id="hub-form"`)
	}
	c := signIn(t, s, localAddr)
	if !signedIn(c) {
		t.Fatal("not signed in")
	}
	if signedIn(&http.Cookie{Name: sessionCookie, Value: strings.Repeat("ab", 32)}) {
		t.Error("a made-up session id is signed in")
	}
	mu.Lock()
	now = now.Add(sessionTTL - time.Second)
	mu.Unlock()
	if !signedIn(c) {
		t.Error("expired too early")
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if signedIn(c) {
		t.Error("an expired session is signed in")
	}
	c = signIn(t, s, localAddr)
	f.tokens.mu.Lock()
	f.tokens.removed = true
	f.tokens.mu.Unlock()
	if signedIn(c) {
		t.Error("a session of a removed token is signed in")
	}
	if c, _, _ := signInWith(t, s, localAddr, testToken, "/"); c != nil {
		t.Error("signed in with a removed token")
	}
}

// TestSessionsWithTheTokenStore: sign-in with the node's real token store;
// removing the token ends the session at once.
func TestSessionsWithTheTokenStore(t *testing.T) {
	path := token.Path(t.TempDir())
	secret, err := token.Open(path).Add("hub-desk")
	if err != nil {
		t.Fatal(err)
	}
	f := newSite(t)
	cfg := f.config()
	cfg.Tokens = token.Open(path)
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	c, res, body := signInWith(t, s, localAddr, secret, "/hub")
	if c == nil {
		t.Fatalf("sign-in: %d\n%s", res.StatusCode, body)
	}
	_, body = serve(t, s, request("GET", "/hub", nil, localAddr, []*http.Cookie{c}))
	contains(t, "signed in", body, "Signed in as hub-desk", `id="hub-form"`)
	if err := token.Open(path).Remove("hub-desk"); err != nil {
		t.Fatal(err)
	}
	_, body = serve(t, s, request("GET", "/hub", nil, localAddr, []*http.Cookie{c}))
	lacks(t, "token removed", body, `id="hub-form"`, "Signed in as")
}

// TestNoTokens: without Tokens nobody signs in and no form is offered.
func TestNoTokens(t *testing.T) {
	f := newSite(t)
	cfg := f.config()
	cfg.Tokens = nil
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	if c, res, _ := signInWith(t, s, localAddr, testToken, "/"); c != nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign-in: %d %v", res.StatusCode, c)
	}
	_, body := serve(t, s, request("GET", "/hub", nil, localAddr, nil))
	contains(t, "hub", body, "takes no sign-ins")
	lacks(t, "hub", body, `id="hub-form"`, `id="signin-link"`)
}

func TestHostMatcher(t *testing.T) {
	m := newHostMatcher([]string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "gongxu.example.com", "0.0.0.0:9090"})
	for host, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.0.0.1:8081": false, "127.0.0.1": false, "localhost:8080": true, "LocalHost:8080": true,
		"[::1]:8080": true, "gongxu.example.com": true, "gongxu.example.com:443": true, "gongxu.example.com.": true,
		"attacker.example": false, "attacker.example:8080": false, "127.0.0.1.attacker.example:8080": false, "": false,
		"192.0.2.5:9090": true, "[2001:db8::5]:9090": true, "192.0.2.5:8080": false, "rebind.example:9090": false,
	} {
		if got := m.allowed(host); got != want {
			t.Errorf("%q: %v, want %v", host, got, want)
		}
	}
	d := newHostMatcher(nil)
	for host, want := range map[string]bool{"127.0.0.1:1234": true, "localhost": true, "[::1]:80": true, "example.com": false} {
		if got := d.allowed(host); got != want {
			t.Errorf("default %q: %v, want %v", host, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{"/hub": "/hub", "/hub?pool=3": "/hub?pool=3", "hub": "/", "//x": "/", "/\\x": "/",
		"http://x/": "/", "/a\nb": "/", strings.Repeat("/a", 300): "/"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
