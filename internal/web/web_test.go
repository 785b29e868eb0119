package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func newTestServer(t *testing.T, f *site) (*server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	cfg := f.config()
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return s, &logs
}

// do serves one request and returns the response and its body.
func do(t *testing.T, h http.Handler, method, target string, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// page fetches a page, checks its status and that it is well-formed HTML, and
// returns the body.
func page(t *testing.T, h http.Handler, target string, status int) string {
	t.Helper()
	res, body := do(t, h, "GET", target)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d\n%s", target, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	if err := checkHTML(body); err != nil {
		t.Errorf("GET %s: %v\n%s", target, err, body)
	}
	return body
}

func contains(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func lacks(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s has %q", what, w)
		}
	}
}

// voidElements have no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "source": true, "track": true, "wbr": true,
	// SVG elements written self-closing
	"rect": true,
}

// checkHTML checks that every element is closed in order, that ids are
// unique, and that a full page has one <h1> and a <title>. x/net/html's parser
// would repair any mistake, so this walks the tokens.
func checkHTML(doc string) error {
	z := html.NewTokenizer(strings.NewReader(doc))
	var stack []string
	ids := map[string]bool{}
	h1 := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return z.Err()
			}
			if len(stack) > 0 {
				return fmt.Errorf("unclosed elements %v", stack)
			}
			if strings.HasPrefix(doc, "<!doctype html>") {
				if h1 != 1 {
					return fmt.Errorf("%d <h1> elements, want 1", h1)
				}
				if !strings.Contains(doc, "<title>") {
					return errors.New("no <title>")
				}
			}
			return nil
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			for _, a := range tok.Attr {
				if a.Key == "id" {
					if ids[a.Val] {
						return fmt.Errorf("duplicate id %q", a.Val)
					}
					ids[a.Val] = true
				}
			}
			if tok.Data == "h1" {
				h1++
			}
			if tt == html.StartTagToken && !voidElements[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				return fmt.Errorf("</%s> does not close %v", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

func TestNewNeedsServices(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New with no services: no error")
	}
	h, err := New(newSite(t).config())
	if err != nil || h == nil {
		t.Fatalf("New: %v, %v", h, err)
	}
}

func TestHome(t *testing.T) {
	f := newSite(t)
	ctx := context.Background()
	s, _ := newTestServer(t, f)
	body := page(t, s, "/", http.StatusOK)

	st, err := f.node.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "status", body,
		`<dd id="chain-id">gongxu-test</dd>`,
		fmt.Sprintf(`<dd class="big" id="height">%d</dd>`, st.Height),
		`datetime="2026-01-22T08:00:41Z"`, "22 Jan 2026 08:00 UTC", "1 min ago",
		`title="`+st.AppHash+`"`, st.AppHash[:8]+"…"+st.AppHash[60:],
		`hx-get="/fragments/live" hx-trigger="every 2s"`,
	)
	orgs, _ := f.members.Orgs(ctx)
	if len(orgs) != 7 {
		t.Fatalf("%d orgs", len(orgs))
	}
	for _, o := range orgs {
		contains(t, "orgs", body, fmt.Sprintf(`<a href="/orgs/%s">%s</a>`, o.ID, o.Name), "<code>"+string(o.ID)+"</code>")
	}
	contains(t, "orgs", body,
		`<span class="badge role-factory">factory</span><span class="badge role-validator">validator</span>`,
		`<td class="num">2</td>`, // Acme's keys
	)
	contains(t, "validators", body,
		`<a href="/orgs/swift-logistics">Swift Logistics</a></td>
<td class="num">20</td>
<td class="num">50%</td>`,
		shortKey(string(key(inproc.Swift+"/val"))), "power 40",
	)
	txs, _ := f.txs.RecentTxs(ctx, 10)
	if len(txs) != 10 {
		t.Fatalf("%d recent txs", len(txs))
	}
	for _, tx := range txs {
		contains(t, "txs", body, `href="/txs/`+tx.Hash+`"`, shortKey(tx.Hash), `<code>`+tx.Type+`</code>`)
	}
	contains(t, "txs", body, `<span class="badge err">conflict</span><span class="errmsg">org hilltown-hub has already voted on proposal 3</span>`,
		`<span class="badge ok">ok</span>`)
	contains(t, "proposals", body,
		`<a href="/proposals/3">Admit Riverside Shop</a>`, "2 yes · 1 no · needs 5 of 7",
		`aria-label="2 of 5 yes votes needed"`, "29 Jan 2026 07:59 UTC", "in 6 days")
	lacks(t, "open proposals", between(t, body, "proposals"), "Raise the per-block quota") // passed, not open
	// Decided proposals stay reachable: listed with their status, linked.
	contains(t, "decided proposals", between(t, body, "decided"), `<a href="/proposals/2">Raise the per-block quota</a>`,
		`<span class="badge status-passed">passed</span>`)
	contains(t, "layout", body, `<a href="/" aria-current="page">Network</a>`, "<title>Network · gongxu</title>")
}

func TestHomeEmptyNetwork(t *testing.T) {
	f := newSite(t)
	f.node = inproc.Broken{} // a node reporting nothing yet
	f.members, f.txs = inproc.Broken{}, inproc.Broken{}
	s, _ := newTestServer(t, f)
	body := page(t, s, "/", http.StatusOK)
	contains(t, "empty home", body, "No member organizations yet.", "No validators.", "No open proposals.", "No transactions yet.")
}

func TestLiveFragment(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	h := f.w.Height()
	_, body := do(t, s, "GET", "/fragments/live")
	if err := checkHTML(body); err != nil {
		t.Fatalf("fragment: %v\n%s", err, body)
	}
	lacks(t, "fragment", body, "<html", "<nav")
	contains(t, "fragment", body, fmt.Sprintf(`id="height">%d<`, h))

	// A block with a vote comes.
	r := f.w.Send(inproc.Swift, "member/vote", inproc.M{"proposal": f.w.AdmitRiverside, "yes": true})
	res, body := do(t, s, "GET", "/fragments/live", "HX-Request", "true")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	contains(t, "fragment after a block", body, fmt.Sprintf(`id="height">%d<`, h+1), "/txs/"+r.Hash)
}

func TestOrgPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/orgs/acme-textiles", http.StatusOK)
	contains(t, "org page", body,
		"<h1>Acme Textiles</h1>", "Knitwear and jackets, Ningbo.", "orders@acme.example", "genesis",
		"<code>"+string(key(inproc.Acme))+"</code>", "<code>"+string(key(inproc.Acme+"/2"))+"</code>",
		shortKey(string(key(inproc.Acme+"/val"))), "<title>Acme Textiles · gongxu</title>")
	lacks(t, "org page", body, shortKey(string(key(inproc.Swift+"/val")))) // Swift's validator

	hub, _ := f.members.Org(context.Background(), inproc.Hilltown)
	body = page(t, s, "/orgs/hilltown-hub", http.StatusOK)
	contains(t, "hub page", body, fmt.Sprintf("height %d", hub.Since), "Hilltown Community Hub runs no validator.")
	if hub.Since == 0 {
		t.Error("Hilltown, admitted by a proposal, is a member since genesis")
	}
}

func TestTxPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	tx := f.tx(t, f.w.RiversideVote)
	body := page(t, s, "/txs/"+tx.Hash, http.StatusOK)
	contains(t, "tx page", body, tx.Hash, "<code>member/vote</code>", `<a href="/orgs/blue-river-cotton" title="blue-river-cotton">Blue River Cotton</a>`,
		"<h3>member.proposal</h3>", `<dt>status</dt><dd class="mono">open</dd>`, "Events <span class=\"count\">1</span>")

	body = page(t, s, "/txs/"+f.w.RepeatedVote, http.StatusOK)
	contains(t, "rejected tx page", body, `<span class="badge err">conflict</span>`, "This transaction emitted no events.")
}

func TestProposalPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/proposals/3", http.StatusOK)
	contains(t, "proposal page", body,
		"<h1>Admit Riverside Shop</h1>", `<span class="badge status-open">open</span>`,
		"2 yes and 1 no of 7 member organizations", "5 yes votes.",
		`<ul id="votes-yes"><li><a href="/orgs/acme-textiles" title="acme-textiles">Acme Textiles</a></li><li><a href="/orgs/blue-river-cotton" title="blue-river-cotton">Blue River Cotton</a></li></ul>`,
		`<ul id="votes-no"><li><a href="/orgs/hilltown-hub" title="hilltown-hub">Hilltown Community Hub</a></li></ul>`,
		`<li><a href="/orgs/swift-logistics">Swift Logistics</a></li>`, `<ul id="votes-pending">`,
		"Riverside Shop <code>riverside-shop</code>", "<svg class=\"bar\"")

	body = page(t, s, "/proposals/2", http.StatusOK)
	contains(t, "passed proposal", body, `status-passed`, "<code>max_txs_per_signer_block</code> = 4000")
	lacks(t, "passed proposal", body, "votes-pending")
}

func TestNotFound(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	for target, msg := range map[string]string{
		"/orgs/no-such-org":    `No member organization has the id &#34;no-such-org&#34;.`,
		"/orgs/Not_An_Id":      `No member organization has the id &#34;Not_An_Id&#34;.`,
		"/txs/ABCDEF":          `No committed transaction has the hash &#34;ABCDEF&#34;.`,
		"/proposals/999":       `No proposal has the number &#34;999&#34;.`,
		"/proposals/seven":     `No proposal has the number &#34;seven&#34;.`,
		"/no/such/page":        `There is no page at /no/such/page.`,
		"/static/nope.js":      `There is no file &#34;nope.js&#34; here.`,
		"/static/README.md":    `There is no file &#34;README.md&#34; here.`,
		"/static/":             `There is no file &#34;&#34; here.`,
		"/orgs/acme-textiles/": `There is no page at /orgs/acme-textiles/.`,
	} {
		body := page(t, s, target, http.StatusNotFound)
		contains(t, target, body, `<p class="code">404</p>`, "<h1>Not found</h1>", msg, `<a href="/">Back to the network</a>`)
	}
}

func TestEscaping(t *testing.T) {
	f := newSite(t)
	f.w.Send(inproc.Acme, "member/update_org", inproc.M{"name": `<script>alert("x")</script>`})
	s, _ := newTestServer(t, f)
	body := page(t, s, "/", http.StatusOK)
	lacks(t, "home", body, `<script>alert`)
	contains(t, "home", body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`)
}

func TestInternalErrorIsLoggedNotShown(t *testing.T) {
	f := newSite(t)
	for _, target := range []string{"/", "/orgs/acme-textiles", "/proposals/3"} {
		f.members = inproc.Broken{Err: errors.New("disk on fire at /var/secret/db")}
		s, logs := newTestServer(t, f)
		body := page(t, s, target, http.StatusInternalServerError)
		contains(t, target, body, `<p class="code">500</p>`, "Something went wrong")
		lacks(t, target, body, "disk on fire", "secret")
		contains(t, "log", logs.String(), "disk on fire at /var/secret/db", "path="+target)
	}
	f = newSite(t)
	f.txs = inproc.Broken{Err: gongxu.Wrap(errors.New("sqlite: database is locked"), "read tx")}
	s, _ := newTestServer(t, f)
	body := page(t, s, "/txs/"+f.w.RiversideVote, http.StatusInternalServerError)
	lacks(t, "tx 500", body, "sqlite")
}

func TestUnavailable(t *testing.T) {
	f := newSite(t)
	f.node = inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "node is starting")}
	s, _ := newTestServer(t, f)
	body := page(t, s, "/", http.StatusServiceUnavailable)
	contains(t, "503", body, "Not ready yet")
	res, _ := do(t, s, "GET", "/fragments/live")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("fragment: status %d", res.StatusCode)
	}
}

func TestMethodsAndHeaders(t *testing.T) {
	s, _ := newTestServer(t, newSite(t))
	res, body := do(t, s, "HEAD", "/")
	if res.StatusCode != http.StatusOK || body != "" {
		t.Errorf("HEAD /: %d, %d bytes", res.StatusCode, len(body))
	}
	res, _ = do(t, s, "POST", "/")
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d", res.StatusCode)
	}
	res, _ = do(t, s, "GET", "/")
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("page Cache-Control %q", cc)
	}
}

func TestStatic(t *testing.T) {
	s, _ := newTestServer(t, newSite(t))
	_, home := do(t, s, "GET", "/")
	for name, ctype := range map[string]string{"style.css": "text/css", "htmx.min.js": "javascript"} {
		// The page links the versioned URL.
		m := regexp.MustCompile(`"(/static/` + regexp.QuoteMeta(name) + `\?v=([0-9a-f]+))"`).FindStringSubmatch(home)
		if m == nil {
			t.Fatalf("home links no versioned %s", name)
		}
		url, version := m[1], m[2]
		res, body := do(t, s, "GET", url)
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Fatalf("GET %s: %d", url, res.StatusCode)
		}
		if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, ctype) {
			t.Errorf("%s: Content-Type %q", name, ct)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s versioned: Cache-Control %q", name, cc)
		}
		etag := res.Header.Get("ETag")
		if etag != `"`+version+`"` {
			t.Errorf("%s: ETag %q, version %q", name, etag, version)
		}
		res, _ = do(t, s, "GET", "/static/"+name)
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("%s unversioned: Cache-Control %q", name, cc)
		}
		res, _ = do(t, s, "GET", "/static/"+name, "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidation: status %d", name, res.StatusCode)
		}
	}
	// The vendored htmx is the version static/README.md names.
	_, js := do(t, s, "GET", "/static/htmx.min.js")
	contains(t, "htmx.min.js", js, `version:"2.0.4"`)
}
