package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

const localAddr = "127.0.0.1:53124"

// hubGet loads the hub form from remote and returns the response, body and
// the CSRF cookie it set (if any).
func hubGet(t *testing.T, h http.Handler, target, remote string) (*http.Response, string, *http.Cookie) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	var c *http.Cookie
	for _, k := range res.Cookies() {
		if k.Name == csrfCookie {
			c = k
		}
	}
	return res, string(body), c
}

// hubPost posts the hub form.
func hubPost(t *testing.T, h http.Handler, remote string, cookie *http.Cookie, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/hub", strings.NewReader(form.Encode()))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	if err := checkHTML(string(body)); err != nil {
		t.Errorf("POST /hub: %v\n%s", err, body)
	}
	return res, string(body)
}

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="csrf" value="([0-9a-f]{64})"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in the form:\n%s", body)
	}
	return m[1]
}

func TestHubForm(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	res, body, cookie := hubGet(t, s, "/hub?pool=4", localAddr)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	if err := checkHTML(body); err != nil {
		t.Fatal(err)
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/hub" {
		t.Fatalf("CSRF cookie %+v", cookie)
	}
	if tok := csrfOf(t, body); tok != cookie.Value {
		t.Errorf("form token %s, cookie %s", tok, cookie.Value)
	}
	contains(t, "hub form", body, `<a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`, `<form class="card hub-form" method="post" action="/hub" id="hub-form">`,
		`<optgroup label="#3 Merino wool jacket · ¥129 per unit escrowed">`,
		`<option value="3/m-navy">#3 Merino wool jacket · M / navy (m-navy)</option>`, `<option value="3/l-navy">#3 Merino wool jacket · L / navy (l-navy)</option>`,
		`<optgroup label="#4 Bamboo socks, 5 pairs · ¥45 per unit escrowed · cases of 10">`,
		`<option value="4/" selected>#4 Bamboo socks, 5 pairs</option>`, // preselected by ?pool=4
		`<a href="/hub" aria-current="page">Hub</a>`)

	// A second load keeps the browser's token, so that two tabs both work.
	req := httptest.NewRequest("GET", "/hub", nil)
	req.RemoteAddr = localAddr
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: cookie.Value})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if got := csrfOf(t, rec.Body.String()); got != cookie.Value || len(rec.Result().Cookies()) != 0 {
		t.Errorf("second load: token %s, cookies %v", got, rec.Result().Cookies())
	}

	// Another machine gets an explanation, and no form.
	res, body, cookie = hubGet(t, s, "/hub", "192.0.2.7:4000")
	if res.StatusCode != http.StatusForbidden || cookie != nil {
		t.Errorf("remote GET: status %d, cookie %v", res.StatusCode, cookie)
	}
	contains(t, "remote hub page", body, "only answers on the node&#39;s own machine")
	lacks(t, "remote hub page", body, "<form", "csrf")
}

func TestHubExplains(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*fakes, *Config)
		want string
	}{
		{"no operator", func(_ *fakes, c *Config) { c.Operator = nil }, "This node has no operator key"},
		{"no org", func(f *fakes, _ *Config) { f.op.org = "" }, "belongs to no member organization yet"},
		{"not a member", func(f *fakes, _ *Config) { f.op.org = "gone-hub" }, "gone-hub, which is not a member organization"},
		{"not a hub", func(f *fakes, _ *Config) { f.op.org = "acme-textiles" }, "Acme Textiles is not a hub."},
	} {
		f := newFakes()
		cfg := f.config()
		c.set(f, &cfg)
		s, err := newServer(cfg, func() time.Time { return testNow })
		if err != nil {
			t.Fatal(err)
		}
		res, body, cookie := hubGet(t, s, "/hub", localAddr)
		if res.StatusCode != http.StatusOK || cookie != nil {
			t.Errorf("%s: status %d, cookie %v", c.name, res.StatusCode, cookie)
		}
		contains(t, c.name, body, c.want, `id="hub-problem"`)
		lacks(t, c.name, body, "<form")
		if c.name == "no operator" {
			lacks(t, c.name, body, `href="/hub"`) // not in the navigation
		}
		// A post changes nothing either.
		res, _ = hubPost(t, s, localAddr, &http.Cookie{Name: csrfCookie, Value: strings.Repeat("ab", 32)},
			url.Values{"csrf": {strings.Repeat("ab", 32)}, "item": {"3/m-navy"}, "qty": {"1"}})
		if res.StatusCode != http.StatusConflict || len(f.op.sends()) != 0 {
			t.Errorf("%s: POST status %d, %d sends", c.name, res.StatusCode, len(f.op.sends()))
		}
	}
}

// TestHubRecordsWalkIn posts a paid walk-in pledge: a deposit of qty × the
// first-tier price, then a one-leaf batch, then the receipt.
func TestHubRecordsWalkIn(t *testing.T) {
	f := newFakes()
	s, logs := newTestServer(t, f)
	_, body, cookie := hubGet(t, s, "/hub", localAddr)
	tok := csrfOf(t, body)
	res, body := hubPost(t, s, localAddr, cookie, url.Values{"csrf": {tok}, "item": {"3/m-navy"}, "qty": {"2"}, "paid": {"yes"}},
		"Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	sends := f.op.sends()
	if len(sends) != 2 || sends[0].Type != "settle/deposit" || sends[1].Type != "pool/batch" {
		t.Fatalf("sends %+v", sends)
	}
	var dep map[string]any
	if err := json.Unmarshal(sends[0].Body, &dep); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"currency": "CNY", "amount": float64(2 * 12900), "ref": "walk-in"}; !equalJSON(dep, want) {
		t.Errorf("deposit body %s", sends[0].Body)
	}
	var batch struct {
		Pool   uint64 `json:"pool"`
		Leaves []struct {
			ID      string `json:"id"`
			Variant string `json:"variant"`
			Qty     int64  `json:"qty"`
		} `json:"leaves"`
	}
	if err := json.Unmarshal(sends[1].Body, &batch); err != nil {
		t.Fatal(err)
	}
	if batch.Pool != 3 || len(batch.Leaves) != 1 || batch.Leaves[0].Variant != "m-navy" || batch.Leaves[0].Qty != 2 ||
		!regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(batch.Leaves[0].ID) {
		t.Fatalf("batch body %s", sends[1].Body)
	}
	leaf := batch.Leaves[0].ID
	batchTx := strings.Repeat("0", 59) + "F00D2"
	contains(t, "receipt", body, "<h1>Pledge recorded</h1>", `<p class="leaf-id mono" id="leaf-id">`+leaf+`</p>`,
		`<a href="/pools/3">#3 Merino wool jacket</a>`, "M / navy (m-navy)", `<dd id="receipt-qty">2</dd>`, "¥258",
		`href="/txs/`+batchTx+`">`+batchTx+`</a>`, "index 0",
		`<a id="receipt-link" href="/v1/batches/`+batchTx+`/receipts/0">`, "cash at the hub, deposit")

	// The token is spent: the same form posted again is refused, and nothing is sent.
	var rotated *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == csrfCookie {
			rotated = c
		}
	}
	if rotated == nil || rotated.Value == cookie.Value {
		t.Errorf("token not rotated after a submission: %v", rotated)
	}
	res, body = hubPost(t, s, localAddr, rotated, url.Values{"csrf": {tok}, "item": {"3/m-navy"}, "qty": {"2"}, "paid": {"yes"}})
	if res.StatusCode != http.StatusForbidden || len(f.op.sends()) != 2 {
		t.Errorf("replayed form: status %d, %d sends", res.StatusCode, len(f.op.sends()))
	}
	contains(t, "replay", body, "already submitted")
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestHubUnpaid(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	_, body, cookie := hubGet(t, s, "/hub", localAddr)
	res, body := hubPost(t, s, localAddr, cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {"4/"}, "qty": {"20"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	sends := f.op.sends()
	if len(sends) != 1 || sends[0].Type != "pool/batch" {
		t.Fatalf("sends %+v", sends)
	}
	m := regexp.MustCompile(`^\{"pool":4,"leaves":\[\{"id":"[0-9a-f]{32}","qty":20,"commit":"([0-9a-f]{64})"\}\]\}$`).FindSubmatch(sends[0].Body)
	if m == nil {
		t.Fatalf("batch body %s", sends[0].Body)
	}
	contains(t, "receipt", body, "not recorded here", "¥900")
	lacks(t, "receipt", body, "<dt>Variant</dt>")
	// The consumer's page shows the pickup secret the leaf commits to; the
	// batch never holds it.
	secret := regexp.MustCompile(`id="pickup-secret">([0-9a-f]{64})<`).FindStringSubmatch(body)
	if secret == nil {
		t.Fatalf("the receipt page shows no pickup secret:\n%s", body)
	}
	if c, err := gongxu.PickupCommit(secret[1]); err != nil || c != string(m[1]) || strings.Contains(string(sends[0].Body), secret[1]) {
		t.Errorf("the page's secret %s does not open the leaf's commitment %s (%v)", secret[1], m[1], err)
	}
}

// TestHubRefusesOtherMachines: the form acts with the operator key, so a POST
// from any address but loopback is refused before anything is read or sent.
func TestHubRefusesOtherMachines(t *testing.T) {
	f := newFakes()
	s, logs := newTestServer(t, f)
	_, body, cookie := hubGet(t, s, "/hub", localAddr)
	form := url.Values{"csrf": {csrfOf(t, body)}, "item": {"3/m-navy"}, "qty": {"1"}, "paid": {"yes"}}
	for _, remote := range []string{"192.0.2.7:4000", "10.0.0.2:80", "[2001:db8::1]:443", "[::ffff:192.0.2.7]:1"} {
		res, body := hubPost(t, s, remote, cookie, form)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", remote, res.StatusCode)
		}
		contains(t, remote, body, "<p class=\"code\">403</p>", "only answers on this node&#39;s own machine")
	}
	contains(t, "log", logs.String(), "posted from another machine")
	// Cross-site posts, forms without the token and forms with another token are refused too.
	for name, c := range map[string]struct {
		cookie *http.Cookie
		form   url.Values
		header []string
	}{
		"cross-site":  {cookie, form, []string{"Sec-Fetch-Site", "cross-site"}},
		"no cookie":   {nil, form, nil},
		"no field":    {cookie, url.Values{"item": {"3/m-navy"}, "qty": {"1"}}, nil},
		"other token": {cookie, url.Values{"csrf": {strings.Repeat("0", 64)}, "item": {"3/m-navy"}, "qty": {"1"}}, nil},
	} {
		res, _ := hubPost(t, s, localAddr, c.cookie, c.form, c.header...)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", name, res.StatusCode)
		}
	}
	if n := len(f.op.sends()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
	// IPv6 loopback is this machine.
	_, body, cookie = hubGet(t, s, "/hub", "[::1]:5000")
	res, _ := hubPost(t, s, "[::1]:5000", cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {"3/l-navy"}, "qty": {"1"}})
	if res.StatusCode != http.StatusOK || len(f.op.sends()) != 1 {
		t.Errorf("from ::1: status %d", res.StatusCode)
	}
}

func TestHubBadInput(t *testing.T) {
	for _, c := range []struct {
		item, qty string
		status    int
		want      string
	}{
		{"9/", "1", http.StatusUnprocessableEntity, "Choose a pool that is open for Hilltown Community Hub."},
		{"3/xl-red", "1", http.StatusUnprocessableEntity, "Choose a pool"},
		{"2/", "1", http.StatusUnprocessableEntity, "Choose a pool"}, // closed
		{"3/m-navy", "0", http.StatusUnprocessableEntity, "The quantity must be a whole number from 1, not &#34;0&#34;."},
		{"3/m-navy", "1.5", http.StatusUnprocessableEntity, "whole number"},
		{"3/m-navy", "99999999999999999999", http.StatusUnprocessableEntity, "whole number"},
		{"4/", "15", http.StatusUnprocessableEntity, "Pool 4 takes pledges in cases of 10"},
		{"3/m-navy", "9223372036854775807", http.StatusUnprocessableEntity, "too many"},
	} {
		f := newFakes()
		s, _ := newTestServer(t, f)
		_, body, cookie := hubGet(t, s, "/hub", localAddr)
		res, body := hubPost(t, s, localAddr, cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {c.item}, "qty": {c.qty}, "paid": {"yes"}})
		if res.StatusCode != c.status {
			t.Errorf("%s × %s: status %d", c.item, c.qty, res.StatusCode)
		}
		contains(t, c.item+" × "+c.qty, body, `id="hub-error"`, c.want, `<form`)
		if n := len(f.op.sends()); n != 0 {
			t.Errorf("%s × %s: %d sends", c.item, c.qty, n)
		}
		// The form is offered again with a fresh token and what was entered.
		contains(t, "form again", body, `value="`+attrEscape(c.qty)+`"`)
		csrfOf(t, body)
	}
}

func attrEscape(s string) string { return strings.ReplaceAll(s, `"`, "&#34;") }

func TestHubRejections(t *testing.T) {
	// The network refuses the batch after the deposit: the page says both.
	f := newFakes()
	f.op.reject = map[string]gongxu.TxResult{"pool/batch": {Code: 9, Kind: "conflict",
		Message: "pool 3 has room for 1 more units (cap 300, pledged 299); 2 asked"}}
	s, _ := newTestServer(t, f)
	_, body, cookie := hubGet(t, s, "/hub", localAddr)
	res, body := hubPost(t, s, localAddr, cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {"3/m-navy"}, "qty": {"2"}, "paid": {"yes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || len(f.op.sends()) != 2 {
		t.Fatalf("status %d, %d sends", res.StatusCode, len(f.op.sends()))
	}
	contains(t, "batch refused", body, "The network refused the pledge: conflict: pool 3 has room for 1 more units (cap 300, pledged 299); 2 asked.",
		"The cash deposit of ¥258 was recorded: it stays in Hilltown Community Hub&#39;s account.", "Deposit transaction:",
		`<option value="3/m-navy" selected>`, `id="paid" checked`)

	// The network refuses the deposit: no batch is sent.
	f = newFakes()
	f.op.reject = map[string]gongxu.TxResult{"settle/deposit": {Code: 3, Kind: "unauthorized", Message: "org hilltown-hub is not a hub"}}
	s, _ = newTestServer(t, f)
	_, body, cookie = hubGet(t, s, "/hub", localAddr)
	res, body = hubPost(t, s, localAddr, cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {"3/m-navy"}, "qty": {"2"}, "paid": {"yes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || len(f.op.sends()) != 1 {
		t.Fatalf("status %d, %d sends", res.StatusCode, len(f.op.sends()))
	}
	contains(t, "deposit refused", body, "The network refused the deposit of ¥258: unauthorized: org hilltown-hub is not a hub. Nothing was recorded.")

	// The node times out: the page says the pledge may still be committed.
	f = newFakes()
	f.op.fail = map[string]error{"pool/batch": gongxu.Errorf(gongxu.KindTimeout, "no commit in 30s")}
	s, _ = newTestServer(t, f)
	_, body, cookie = hubGet(t, s, "/hub", localAddr)
	res, body = hubPost(t, s, localAddr, cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {"3/m-navy"}, "qty": {"2"}})
	if res.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("timeout: status %d", res.StatusCode)
	}
	contains(t, "timeout", body, "it may still be. Look at the pool page before trying again.")

	// Any other failure is logged, not shown.
	f = newFakes()
	f.op.fail = map[string]error{"pool/batch": errors.New("keyring: /secret/path unreadable")}
	s, logs := newTestServer(t, f)
	_, body, cookie = hubGet(t, s, "/hub", localAddr)
	res, body = hubPost(t, s, localAddr, cookie, url.Values{"csrf": {csrfOf(t, body)}, "item": {"3/m-navy"}, "qty": {"2"}})
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("failure: status %d", res.StatusCode)
	}
	lacks(t, "failure", body, "/secret/path")
	contains(t, "log", logs.String(), "/secret/path")
}
