package node

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu/internal/token"
)

// TestNodeBehindTLSProxy checks the README's "Run a real network" setup:
// the node's API on 127.0.0.1, a TLS reverse proxy in front that passes the
// Host header on (nginx: proxy_set_header Host $host), and http.hosts
// naming the public name. A person signs in from the public https origin;
// the same form from another site is refused, and so is a request whose
// Host the proxy did not pass on (the proxy's own address).
func TestNodeBehindTLSProxy(t *testing.T) {
	n, home := startTestNode(t, false, func(c *Config) { c.HTTP.Hosts = []string{"gongxu.example.com"} })
	secret, err := token.Open(token.Path(home)).Add("proxy")
	if err != nil {
		t.Fatal(err)
	}
	backend, err := url.Parse(n.URL())
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(backend)
		r.Out.Host = r.In.Host // pass the public name on
		r.SetXForwarded()
	}}
	proxy := httptest.NewTLSServer(rp)
	defer proxy.Close()
	c := proxy.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	signIn := func(host, origin string) *http.Response {
		t.Helper()
		form := url.Values{"token": {secret}, "next": {"/"}}
		req, _ := http.NewRequest("POST", proxy.URL+"/signin", strings.NewReader(form.Encode()))
		req.Host = host
		req.Header.Set("Origin", origin)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := signIn("gongxu.example.com", "https://gongxu.example.com"); res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 || !res.Cookies()[0].Secure {
		t.Fatalf("sign-in through the proxy: %d, cookies %v; want 303 and a Secure session cookie", res.StatusCode, res.Cookies())
	}
	if res := signIn("gongxu.example.com", "https://evil.example"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in from another site through the proxy: %d, want 403", res.StatusCode)
	}
	if res := signIn(strings.TrimPrefix(proxy.URL, "https://"), strings.Replace(proxy.URL, "127.0.0.1", "localhost", 1)); res.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-in under a name the node was not told: %d, want 403", res.StatusCode)
	}
	// The read API answers through the proxy under the public name.
	req, _ := http.NewRequest("GET", proxy.URL+"/v1/status", nil)
	req.Host = "gongxu.example.com"
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET /v1/status through the proxy: %d", res.StatusCode)
	}
}
