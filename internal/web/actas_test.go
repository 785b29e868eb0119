package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// A node holding several orgs' keys (the demo's) lets a signed-in person
// choose which org the forms act for; nobody else can choose, and only an
// org whose key the node holds.
func TestActAs(t *testing.T) {
	f := newSite(t)
	f.operator = inproc.Operators{Operator: f.op, Keys: []gongxu.OrgID{inproc.Acme, inproc.Hilltown}}
	s, _ := newTestServer(t, f)

	// Not signed in: no chooser, and the form sends to sign-in.
	body := page(t, s, "/factory", http.StatusOK)
	lacks(t, "signed out", body, `id="act-as"`)
	post := func(c *http.Cookie, v url.Values) *http.Response {
		var cs []*http.Cookie
		if c != nil {
			cs = []*http.Cookie{c}
		}
		res, _ := serve(t, s, request("POST", "/act-as", strings.NewReader(v.Encode()), localAddr, cs))
		return res
	}
	if res := post(nil, url.Values{"org": {inproc.Acme}, "next": {"/factory"}}); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
	}

	c := signIn(t, s, localAddr)
	_, body = serve(t, s, request("GET", "/factory", nil, localAddr, []*http.Cookie{c}))
	contains(t, "chooser", body, `id="act-as"`, `<option value="hilltown-hub" selected>`, `<option value="acme-textiles">`)
	sess := s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{c}))

	// A wrong session token, an org whose key the node lacks: refused, nothing changes.
	if res := post(c, url.Values{"org": {inproc.Acme}, "signout": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong token: %d", res.StatusCode)
	}
	if res := post(c, url.Values{"org": {inproc.Lakeside}, "signout": {sess.out}}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no key: %d", res.StatusCode)
	}
	if res := post(c, url.Values{"org": {inproc.Acme}, "signout": {sess.out}, "next": {"https://evil.example/"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("act as Acme: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = serve(t, s, request("GET", "/factory", nil, localAddr, []*http.Cookie{c}))
	contains(t, "acting as Acme", body, `<option value="acme-textiles" selected>`)
	if org, _ := s.operator(request("GET", "/", nil, localAddr, []*http.Cookie{c})).Org(t.Context()); org != inproc.Acme {
		t.Fatalf("forms act for %q, want %q", org, inproc.Acme)
	}
	// Another browser, not signed in, still acts for the operator's org.
	if org, _ := s.operator(request("GET", "/", nil, localAddr, nil)).Org(t.Context()); org != inproc.Hilltown {
		t.Fatalf("signed out: forms act for %q", org)
	}
}
