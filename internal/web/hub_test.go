package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

const localAddr = "127.0.0.1:53124"

// hubGet loads the hub form from remote, signed in with session sess (nil:
// not signed in), and returns the response and body.
func hubGet(t *testing.T, h http.Handler, target, remote string, sess *http.Cookie) (*http.Response, string) {
	t.Helper()
	return serve(t, h, request("GET", target, nil, remote, []*http.Cookie{sess}))
}

// hubPost posts the hub form.
func hubPost(t *testing.T, h http.Handler, remote string, sess *http.Cookie, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	return serve(t, h, request("POST", "/hub", strings.NewReader(form.Encode()), remote, []*http.Cookie{sess}, header...))
}

// openHubForm signs in from localAddr and loads the hub form: the session and
// the form's token.
func openHubForm(t *testing.T, h http.Handler) (*http.Cookie, string) {
	t.Helper()
	sess := signIn(t, h, localAddr)
	_, body := hubGet(t, h, "/hub", localAddr, sess)
	return sess, csrfOf(t, body)
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
	f := newSite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	res, body := hubGet(t, s, "/hub?pool=6", localAddr, sess)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	if len(res.Cookies()) != 0 {
		t.Errorf("the form set cookies: %v", res.Cookies())
	}
	tok := csrfOf(t, body)
	contains(t, "hub form", body, `<a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`, `<form class="card hub-form" method="post" action="/hub" id="hub-form">`,
		`<optgroup label="#5 Merino wool jacket · ¥129.00 per unit escrowed">`,
		`<option value="5/m-navy">#5 Merino wool jacket · M / navy (m-navy)</option>`, `<option value="5/l-navy">#5 Merino wool jacket · L / navy (l-navy)</option>`,
		`<optgroup label="#6 Bamboo socks, 5 pairs · ¥45.00 per unit escrowed · cases of 10">`,
		`<option value="6/" selected>#6 Bamboo socks, 5 pairs</option>`, // preselected by ?pool=6
		`<a href="/hub" aria-current="page">Hub</a>`, "Signed in as tests")
	lacks(t, "hub form", body, `value="1/`, `value="2/`, `value="3/`, `value="4/`) // closed pools

	// Each rendering has its own token, so that two tabs both work.
	_, body = hubGet(t, s, "/hub", localAddr, sess)
	if got := csrfOf(t, body); got == tok {
		t.Errorf("second load: the same token %s", got)
	}

	// Not signed in: the page says so and links to the sign-in, with no form.
	res, body = hubGet(t, s, "/hub?pool=6", localAddr, nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("not signed in: status %d", res.StatusCode)
	}
	contains(t, "not signed in", body, `id="hub-problem"`, "sign in with an API token of this node to record walk-in pledges",
		`<a class="button" href="/signin?next=%2Fhub%3Fpool%3D6" id="hub-signin">Sign in</a>`)
	lacks(t, "not signed in", body, "<form class=\"card hub-form\"", `name="csrf"`)

	// Signed in, but asked for under another name (DNS rebinding): no form.
	_, body = serve(t, s, request("GET", "/hub", nil, localAddr, []*http.Cookie{sess}, "Host", "attacker.example"))
	contains(t, "rebound", body, "only answers under the node&#39;s own address")
	lacks(t, "rebound", body, "hub-form", `name="csrf"`)

	// Another machine gets an explanation, and no form.
	res, body = hubGet(t, s, "/hub", "192.0.2.7:4000", sess)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("remote GET: status %d", res.StatusCode)
	}
	contains(t, "remote hub page", body, "only answers on the node&#39;s own machine")
	lacks(t, "remote hub page", body, "hub-form", `name="csrf"`)
}

func TestHubExplains(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*site)
		want string
	}{
		{"no operator", func(f *site) { f.operator = nil }, "This node has no operator key"},
		{"no org", func(f *site) { f.op.SetOrg("") }, "belongs to no member organization yet"},
		{"not a member", func(f *site) { f.op.SetOrg("gone-hub") }, "gone-hub, which is not a member organization"},
		{"not a hub", func(f *site) { f.op.SetOrg(inproc.Acme) }, "Acme Textiles is not a hub."},
	} {
		f := newSite(t)
		c.set(f)
		s, err := newServer(f.config(), func() time.Time { return testNow })
		if err != nil {
			t.Fatal(err)
		}
		sess := signIn(t, s, localAddr)
		res, body := hubGet(t, s, "/hub", localAddr, sess)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", c.name, res.StatusCode)
		}
		contains(t, c.name, body, c.want, `id="hub-problem"`)
		lacks(t, c.name, body, "hub-form", `name="csrf"`)
		if c.name == "no operator" {
			lacks(t, c.name, body, `href="/hub"`) // not in the navigation
		}
		// A post changes nothing either, not even with a token of this form.
		h := f.w.Height()
		tok := s.sessions.issue(s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{sess})), hubGuard.Form)
		res, _ = hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"1"}})
		if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 || f.w.Height() != h {
			t.Errorf("%s: POST status %d, %d sends", c.name, res.StatusCode, len(f.sent()))
		}
	}
}

// TestHubRecordsWalkIn posts a paid walk-in pledge: a deposit of qty × the
// first-tier price, then a one-leaf batch, then the receipt.
func TestHubRecordsWalkIn(t *testing.T) {
	f := newSite(t)
	ctx := context.Background()
	s, logs := newTestServer(t, f)
	sess, tok := openHubForm(t, s)
	res, body := hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"2"}, "paid": {"yes"}},
		"Sec-Fetch-Site", "same-origin", "Origin", "http://"+nodeHost)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	sends := f.sent()
	if len(sends) != 2 || sends[0].Type != "settle/deposit" || sends[1].Type != "pool/batch" || sends[0].Result.Code != 0 || sends[1].Result.Code != 0 {
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
	if batch.Pool != 5 || len(batch.Leaves) != 1 || batch.Leaves[0].Variant != "m-navy" || batch.Leaves[0].Qty != 2 ||
		!regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(batch.Leaves[0].ID) {
		t.Fatalf("batch body %s", sends[1].Body)
	}
	leaf := batch.Leaves[0].ID
	batchTx := sends[1].Result.Hash
	contains(t, "receipt", body, "<h1>Pledge recorded</h1>", `<p class="leaf-id mono" id="leaf-id">`+leaf+`</p>`,
		`<a href="/pools/5">#5 Merino wool jacket</a>`, "M / navy (m-navy)", `<dd id="receipt-qty">2 units</dd>`, "¥258.00",
		`href="/txs/`+batchTx+`">`+batchTx+`</a>`, "index 0",
		`<a id="receipt-link" href="/v1/batches/`+batchTx+`/receipts/0">`, "cash at the hub, deposit")
	// On the ledger: the pool holds two more units, the hub's account the deposit.
	if p, err := f.w.Read().Pool(ctx, 5); err != nil || p.Total != 90 || p.Pledges != 32 {
		t.Errorf("pool 5 after the pledge: %d from %d pledges (%v)", p.Total, p.Pledges, err)
	}

	// The token is spent: the same form posted again (a double click, a
	// replay) records nothing and says so, with what the first did.
	res, body = hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"2"}, "paid": {"yes"}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 2 {
		t.Errorf("replayed form: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "replay", body, "Already submitted", "recorded only once", "It was recorded: the pledge is in transaction "+batchTx,
		`<a class="button" href="/hub" id="problem-link">Open the form again</a>`)
	// The receipt page carries a new token for the next pledge.
	next := csrfOf(t, hubBodyAfter(t, s, sess))
	if next == tok {
		t.Error("the token was given again")
	}
}

// hubBodyAfter loads the hub form again.
func hubBodyAfter(t *testing.T, s http.Handler, sess *http.Cookie) string {
	t.Helper()
	_, body := hubGet(t, s, "/hub", localAddr, sess)
	return body
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestHubUnpaid(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	sess, tok := openHubForm(t, s)
	res, body := hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"6/"}, "qty": {"20"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	sends := f.sent()
	if len(sends) != 1 || sends[0].Type != "pool/batch" || sends[0].Result.Code != 0 {
		t.Fatalf("sends %+v", sends)
	}
	m := regexp.MustCompile(`^\{"pool":6,"leaves":\[\{"id":"[0-9a-f]{32}","qty":20,"commit":"([0-9a-f]{64})"\}\]\}$`).FindSubmatch(sends[0].Body)
	if m == nil {
		t.Fatalf("batch body %s", sends[0].Body)
	}
	contains(t, "receipt", body, "not recorded here", "¥900.00")
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

// TestHubRefusesOtherMachines: the form acts with the operator key, so a
// POST from another machine, another site, a rebound DNS name, without a
// session or without a form token of this session is refused before
// anything is sent.
func TestHubRefusesOtherMachines(t *testing.T) {
	f := newSite(t)
	s, logs := newTestServer(t, f)
	sess, tok := openHubForm(t, s)
	form := url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"1"}, "paid": {"yes"}}
	for _, remote := range []string{"192.0.2.7:4000", "10.0.0.2:80", "[2001:db8::1]:443", "[::ffff:192.0.2.7]:1"} {
		res, body := hubPost(t, s, remote, sess, form)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", remote, res.StatusCode)
		}
		contains(t, remote, body, "<p class=\"code\">403</p>", "only answers on this node&#39;s own machine")
	}
	contains(t, "log", logs.String(), "posted from another machine")
	other := signIn(t, s, localAddr) // another browser, signed in too
	for name, c := range map[string]struct {
		sess   *http.Cookie
		form   url.Values
		header []string
		status int
	}{
		"cross-site":      {sess, form, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		"same-site":       {sess, form, []string{"Sec-Fetch-Site", "same-site"}, 403},
		"other origin":    {sess, form, []string{"Origin", "http://attacker.example"}, 403},
		"rebound host":    {sess, form, []string{"Host", "attacker.example"}, 403},
		"rebound host:80": {sess, form, []string{"Host", "attacker.example:8080", "Origin", "http://attacker.example:8080"}, 403},
		"not signed in":   {nil, form, nil, 401},
		"made-up session": {&http.Cookie{Name: sessionCookie, Value: strings.Repeat("ab", 32)}, form, nil, 401},
		"another session": {other, form, nil, 403},
		"no field":        {sess, url.Values{"item": {"5/m-navy"}, "qty": {"1"}}, nil, 403},
		"other token":     {sess, url.Values{"csrf": {strings.Repeat("0", 64)}, "item": {"5/m-navy"}, "qty": {"1"}}, nil, 403},
		"too large":       {sess, url.Values{"csrf": {tok}, "item": {strings.Repeat("x", maxForm)}}, nil, 400},
	} {
		res, body := hubPost(t, s, localAddr, c.sess, c.form, c.header...)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
		if c.status == 401 {
			contains(t, name, body, "Sign in first", `href="/signin?next=%2Fhub"`)
		}
	}
	if n := len(f.sent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
	// None of that spent the token: the form still works, once.
	if res, _ := hubPost(t, s, localAddr, sess, form, "Origin", "http://"+nodeHost); res.StatusCode != http.StatusOK || len(f.sent()) != 2 {
		t.Errorf("the form after the refusals: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	// IPv6 loopback is this machine.
	sess6 := signIn(t, s, "[::1]:5000")
	_, body := hubGet(t, s, "/hub", "[::1]:5000", sess6)
	res, _ := hubPost(t, s, "[::1]:5000", sess6, url.Values{"csrf": {csrfOf(t, body)}, "item": {"5/l-navy"}, "qty": {"1"}})
	if res.StatusCode != http.StatusOK || len(f.sent()) != 3 {
		t.Errorf("from ::1: status %d", res.StatusCode)
	}
}

// TestHubDoubleSubmit: two submissions of one form at once (a double
// click) record one pledge and one deposit; the other gets "already
// submitted".
func TestHubDoubleSubmit(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	sess, tok := openHubForm(t, s)
	form := url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"1"}, "paid": {"yes"}}
	const n = 8
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, request("POST", "/hub", strings.NewReader(form.Encode()), localAddr, []*http.Cookie{sess}))
			codes <- rec.Code
		}()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if got[http.StatusOK] != 1 || got[http.StatusConflict] != n-1 {
		t.Errorf("statuses %v: want one 200 and %d 409", got, n-1)
	}
	if sends := f.sent(); len(sends) != 2 || sends[0].Type != "settle/deposit" || sends[1].Type != "pool/batch" {
		t.Errorf("sent %d messages, want one deposit and one batch", len(sends))
	}
}

// TestHubOldTokenRefused: a token of an earlier rendering that was never
// used still works once; one the session dropped (too many renderings
// since) or of another form is refused.
func TestHubOldTokenRefused(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	sess, first := openHubForm(t, s)
	for range maxFormTokens {
		hubBodyAfter(t, s, sess)
	}
	res, body := hubPost(t, s, localAddr, sess, url.Values{"csrf": {first}, "item": {"5/m-navy"}, "qty": {"1"}})
	if res.StatusCode != http.StatusForbidden || len(f.sent()) != 0 {
		t.Errorf("dropped token: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "dropped", body, "expired or was not given to this session", "Open the hub page again")
}

func TestHubBadInput(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	h := f.w.Height()
	for _, c := range []struct {
		item, qty string
		status    int
		want      string
	}{
		{"9/", "1", http.StatusUnprocessableEntity, "Choose a pool that is open for Hilltown Community Hub."},
		{"5/xl-red", "1", http.StatusUnprocessableEntity, "Choose a pool"},
		{"3/", "1", http.StatusUnprocessableEntity, "Choose a pool"}, // closed
		{"5/m-navy", "0", http.StatusUnprocessableEntity, "The quantity must be a whole number from 1, not &#34;0&#34;."},
		{"5/m-navy", "1.5", http.StatusUnprocessableEntity, "whole number"},
		{"5/m-navy", "99999999999999999999", http.StatusUnprocessableEntity, "whole number"},
		{"6/", "15", http.StatusUnprocessableEntity, "Pool 6 takes pledges in cases of 10"},
		{"5/m-navy", "9223372036854775807", http.StatusUnprocessableEntity, "too many"},
	} {
		sess, tok := openHubForm(t, s)
		res, body := hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {c.item}, "qty": {c.qty}, "paid": {"yes"}})
		if res.StatusCode != c.status {
			t.Errorf("%s × %s: status %d", c.item, c.qty, res.StatusCode)
		}
		contains(t, c.item+" × "+c.qty, body, `id="hub-error"`, c.want, `<form`)
		if n := len(f.sent()); n != 0 || f.w.Height() != h {
			t.Errorf("%s × %s: %d sends", c.item, c.qty, n)
		}
		// The form is offered again with a fresh token and what was entered.
		contains(t, "form again", body, `value="`+attrEscape(c.qty)+`"`)
		if next := csrfOf(t, body); next == tok {
			t.Errorf("%s × %s: the spent token is offered again", c.item, c.qty)
		}
	}
}

func attrEscape(s string) string { return strings.ReplaceAll(s, `"`, "&#34;") }

func TestHubRejections(t *testing.T) {
	// The network refuses the batch after the deposit (it would take the
	// pool over its cap): the page says both.
	f := newSite(t)
	s, _ := newTestServer(t, f)
	sess, tok := openHubForm(t, s)
	res, body := hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"213"}, "paid": {"yes"}})
	sends := f.sent()
	if res.StatusCode != http.StatusUnprocessableEntity || len(sends) != 2 || sends[0].Result.Code != 0 || sends[1].Result.Code == 0 {
		t.Fatalf("status %d, sends %+v", res.StatusCode, sends)
	}
	contains(t, "batch refused", body, "The network refused the pledge: conflict: "+sends[1].Result.Message+".",
		"The cash deposit of ¥27,477.00 was recorded: it stays in Hilltown Community Hub&#39;s account.", "Deposit transaction:",
		`<option value="5/m-navy" selected>`, `id="paid" checked`)
	if !strings.Contains(sends[1].Result.Message, "212") {
		t.Errorf("the refusal %q does not say what room is left", sends[1].Result.Message)
	}

	// The network refuses the deposit: no batch is sent.
	f = newSite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Reject: map[string]gongxu.TxResult{"settle/deposit": {Code: 3, Kind: "unauthorized",
		Message: "org hilltown-hub is not a hub; only hubs record deposits"}}}
	s, _ = newTestServer(t, f)
	sess, tok = openHubForm(t, s)
	res, body = hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"2"}, "paid": {"yes"}})
	if res.StatusCode != http.StatusUnprocessableEntity || len(f.sent()) != 0 {
		t.Fatalf("status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "deposit refused", body, "The network refused the deposit of ¥258.00: unauthorized: org hilltown-hub is not a hub; only hubs record deposits. Nothing was recorded.")

	// The node times out: the page says the pledge may still be committed.
	f = newSite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Fail: map[string]bool{"pool/batch": true}, Err: gongxu.Errorf(gongxu.KindTimeout, "no commit in 30s")}
	s, _ = newTestServer(t, f)
	sess, tok = openHubForm(t, s)
	res, body = hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"2"}})
	if res.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("timeout: status %d", res.StatusCode)
	}
	contains(t, "timeout", body, "it may still be. Look at the pool page before trying again.")

	// Any other failure is logged, not shown.
	f = newSite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Fail: map[string]bool{"pool/batch": true}, Err: errors.New("keyring: /secret/path unreadable")}
	s, logs := newTestServer(t, f)
	sess, tok = openHubForm(t, s)
	res, body = hubPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "item": {"5/m-navy"}, "qty": {"2"}})
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("failure: status %d", res.StatusCode)
	}
	lacks(t, "failure", body, "/secret/path")
	contains(t, "log", logs.String(), "/secret/path")
}
