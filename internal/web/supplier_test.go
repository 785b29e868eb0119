package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// supplierSite is the World with this node run by the supplier Blue River
// Cotton, which has purchase orders 5 and 6 to answer.
func supplierSite(t testing.TB) *site {
	f := newSite(t)
	f.op.SetOrg(inproc.Blue)
	return f
}

// formGet loads a guarded form's page from remote, signed in with sess
// (nil: not signed in).
func formGet(t *testing.T, h http.Handler, target, remote string, sess *http.Cookie) (*http.Response, string) {
	t.Helper()
	return serve(t, h, request("GET", target, nil, remote, []*http.Cookie{sess}))
}

// supplierPost posts an answer to /supplier.
func supplierPost(t *testing.T, h http.Handler, remote string, sess *http.Cookie, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	return serve(t, h, request("POST", "/supplier", strings.NewReader(form.Encode()), remote, []*http.Cookie{sess}, header...))
}

// answer signs in, loads the inbox and posts form (with the page's token) to it.
func answer(t *testing.T, s http.Handler, form url.Values) (*http.Response, string) {
	t.Helper()
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, "/supplier", localAddr, sess)
	form.Set("csrf", csrfOf(t, body))
	return supplierPost(t, s, localAddr, sess, form, "Sec-Fetch-Site", "same-origin")
}

var day0 = dayFloor(inproc.End) // 2026-01-22T00:00:00Z

func TestSupplierInbox(t *testing.T) {
	f := supplierSite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	res, body := formGet(t, s, "/supplier", localAddr, sess)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	tok := csrfOf(t, body)
	if strings.Count(body, `name="csrf" value="`+tok+`"`) != 6 {
		t.Errorf("the page's forms do not share its token %s", tok)
	}
	contains(t, "inbox", body, "<title>Supplier inbox · gongxu</title>", `<a href="/supplier" aria-current="page">Supplier</a>`,
		`For <a href="/orgs/blue-river-cotton">Blue River Cotton</a>`, "Awaiting your answer <span class=\"count\">2</span>",
		`<article class="card po-card" id="po-6">`, `<a href="/purchase-orders/6">Purchase order #6</a>`, `<a href="/orgs/acme-textiles">Acme Textiles</a>`,
		"2 lines · <strong class=\"po-total\">¥5,265.00</strong>", "1 line · <strong class=\"po-total\">¥240.00</strong>",
		"<td><code>linen-fabric</code></td>\n<td class=\"num\">180</td>", `<td class="num">¥4.50</td>`, `<td class="num">¥225.00</td>`,
		`<form class="po-form po-accept" method="post" action="/supplier" id="accept-6">`, `<input type="hidden" name="action" value="accept">`,
		`<input type="date" id="promised-6-2" name="promised-2" value="2026-01-24">`,
		`<input type="text" inputmode="decimal" id="qty-6-1" name="qty-1" value="180" required`,
		`<input type="text" inputmode="decimal" id="price-6-2" name="price-2" value="4.5" required`,
		`<input type="date" id="date-5-1" name="date-1" value="2026-01-26" required`,
		`<input type="text" id="reason-5" name="reason" maxlength="200" required value="">`,
		`<button type="submit" id="accept-5-btn">Accept</button>`, `id="propose-5-btn"`, `id="reject-5-btn"`)
	// Oldest first; another supplier's order is not here; proposals and answered orders are listed apart.
	if strings.Index(body, `id="po-5"`) > strings.Index(body, `id="po-6"`) {
		t.Error("inbox not oldest first")
	}
	lacks(t, "inbox", body, `id="po-7"`, "indigo-dye", "<details class=\"po-action\" open") // nothing open
	contains(t, "waiting", between(t, body, "waiting"), `id="po-row-4"`, "awaits the factory")
	contains(t, "recent", between(t, body, "recent"), `id="po-row-2"`, `id="po-row-3"`)

	// A second load has a token of its own.
	_, again := formGet(t, s, "/supplier", localAddr, sess)
	if got := csrfOf(t, again); got == tok {
		t.Errorf("second load: the same token %s", got)
	}

	// Not signed in: an explanation and a link to sign in, no forms.
	res, body = formGet(t, s, "/supplier", localAddr, nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("not signed in: status %d", res.StatusCode)
	}
	contains(t, "not signed in", body, "sign in with an API token of this node to answer purchase orders",
		`<a class="button" href="/signin?next=%2Fsupplier" id="supplier-signin">Sign in</a>`)
	lacks(t, "not signed in", body, `name="csrf"`, "linen-fabric")

	// Another machine gets an explanation, and no form.
	res, body = formGet(t, s, "/supplier", "192.0.2.7:4000", sess)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("remote GET: status %d", res.StatusCode)
	}
	contains(t, "remote inbox", body, "only answers on the node&#39;s own machine")
	lacks(t, "remote inbox", body, "po-form", `name="csrf"`, "linen-fabric")

	// Nothing to answer: Blue answers both on the ledger.
	f.w.Send(inproc.Blue, "production/po_accept", inproc.M{"po": 5})
	f.w.Send(inproc.Blue, "production/po_reject", inproc.M{"po": 6, "reason": "no linen this month"})
	_, body = formGet(t, s, "/supplier", localAddr, sess)
	contains(t, "empty inbox", body, "No purchase order awaits your answer.", "Awaiting your answer <span class=\"count\">0</span>")
}

func TestSupplierExplains(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(*site)
		want string
	}{
		{"no operator", func(f *site) { f.operator = nil }, "This node has no operator key"},
		{"no org", func(f *site) { f.op.SetOrg("") }, "belongs to no member organization yet"},
		{"not a member", func(f *site) { f.op.SetOrg("gone-supplier") }, "gone-supplier, which is not a member organization"},
		{"not a supplier", func(f *site) { f.op.SetOrg(inproc.Acme) }, "Acme Textiles is not a supplier."},
	} {
		f := supplierSite(t)
		c.set(f)
		s, err := newServer(f.config(), func() time.Time { return testNow })
		if err != nil {
			t.Fatal(err)
		}
		sess := signIn(t, s, localAddr)
		res, body := formGet(t, s, "/supplier", localAddr, sess)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", c.name, res.StatusCode)
		}
		contains(t, c.name, body, c.want, `id="supplier-problem"`)
		lacks(t, c.name, body, "po-form", `name="csrf"`)
		if c.name == "no operator" {
			lacks(t, c.name, body, `href="/supplier"`) // not in the navigation
		}
		// A post changes nothing either, not even with a token of this form.
		tok := s.sessions.issue(s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{sess})), supplierGuard.Form)
		res, _ = supplierPost(t, s, localAddr, sess, url.Values{"csrf": {tok}, "po": {"6"}, "action": {"accept"}})
		if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
			t.Errorf("%s: POST status %d, %d sends", c.name, res.StatusCode, len(f.sent()))
		}
	}
}

func TestSupplierAccepts(t *testing.T) {
	// With a later promised date for line 2: the dates go with the message.
	f := supplierSite(t)
	s, logs := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, "/supplier", localAddr, sess)
	tok := csrfOf(t, body)
	form := url.Values{"csrf": {tok}, "po": {"6"}, "action": {"accept"}, "promised-1": {"2026-01-24"}, "promised-2": {"2026-01-25"}}
	res, body := supplierPost(t, s, localAddr, sess, form, "Sec-Fetch-Site", "same-origin")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	sends := f.sent()
	if len(sends) != 1 || sends[0].Type != "production/po_accept" {
		t.Fatalf("sends %+v", sends)
	}
	if want := fmt.Sprintf(`{"po":6,"promised":[%d,%d]}`, day0+2*dayMs, day0+3*dayMs); string(sends[0].Body) != want {
		t.Errorf("body %s, want %s", sends[0].Body, want)
	}
	tx := sends[0].Result.Hash
	if sends[0].Result.Code != 0 {
		t.Fatalf("the ledger refused the answer: %+v", sends[0].Result)
	}
	if po, err := f.w.Read().PO(context.Background(), 6); err != nil || po.Status != gongxu.POAccepted || len(po.Promised) != 2 || po.Promised[1] != day0+3*dayMs {
		t.Errorf("purchase order 6 on the ledger: %+v (%v)", po, err)
	}
	contains(t, "accepted", body, `<div class="success" id="supplier-done" role="status">`, "You accepted purchase order 6 from Acme Textiles.",
		`<a class="mono" href="/txs/`+tx+`"`, `<a href="/purchase-orders/6">purchase order #6</a>`)
	lacks(t, "accepted", body, `id="po-6"`) // answered: not offered again, even before the read model shows it
	contains(t, "log", logs.String(), "purchase order answered", "po=6", "answer=accept")

	// The token is spent: the page after has a new one, and the same form
	// posted again records nothing.
	if next := csrfOf(t, body); next == tok {
		t.Fatal("the spent token is offered again")
	}
	res, body = supplierPost(t, s, localAddr, sess, form)
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
		t.Errorf("replay: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "replay", body, "Already submitted", "It was recorded: the answer to purchase order 6 is transaction "+tx,
		`href="/supplier" id="problem-link"`)

	// The requested dates as they are (or left empty): no promised dates in the message.
	for _, dates := range []url.Values{{"promised-1": {"2026-01-24"}, "promised-2": {"2026-01-24"}}, {}} {
		f := supplierSite(t)
		s, _ := newTestServer(t, f)
		form := url.Values{"po": {"6"}, "action": {"accept"}}
		for k, v := range dates {
			form[k] = v
		}
		if res, body := answer(t, s, form); res.StatusCode != http.StatusOK {
			t.Fatalf("status %d\n%s", res.StatusCode, body)
		}
		if sends := f.sent(); len(sends) != 1 || string(sends[0].Body) != `{"po":6}` {
			t.Errorf("sends %+v", sends)
		}
	}
}

func TestSupplierRejects(t *testing.T) {
	f := supplierSite(t)
	s, _ := newTestServer(t, f)
	res, body := answer(t, s, url.Values{"po": {"5"}, "action": {"reject"}, "reason": {"  no horn buttons until March  "}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	if sends := f.sent(); len(sends) != 1 || sends[0].Type != "production/po_reject" ||
		string(sends[0].Body) != `{"po":5,"reason":"no horn buttons until March"}` {
		t.Errorf("sends %+v", sends)
	}
	contains(t, "rejected", body, "You rejected purchase order 5 from Acme Textiles; the factory sees your reason.")
}

func TestSupplierProposes(t *testing.T) {
	f := supplierSite(t)
	s, _ := newTestServer(t, f)
	res, body := answer(t, s, url.Values{"po": {"6"}, "action": {"propose"},
		"qty-1": {"150.5"}, "date-1": {"2026-01-27"}, "price-1": {"29.90"},
		"qty-2": {"50"}, "date-2": {"2026-01-24"}, "price-2": {"4.5"}, "reason": {"half the linen now, the rest on the 6th"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	sends := f.sent()
	if len(sends) != 1 || sends[0].Type != "production/po_propose" {
		t.Fatalf("sends %+v", sends)
	}
	want := fmt.Sprintf(`{"po":6,"lines":[{"item":"linen-fabric","qty":150500,"date":%d,"unit_price":2990},{"item":"cotton-thread","qty":50000,"date":%d,"unit_price":450}],"reason":"half the linen now, the rest on the 6th"}`,
		day0+5*dayMs, day0+2*dayMs)
	if string(sends[0].Body) != want {
		t.Errorf("body %s\nwant %s", sends[0].Body, want)
	}
	contains(t, "proposed", body, "You proposed changes to purchase order 6 from Acme Textiles; the factory decides on them.")
}

func TestSupplierBadInput(t *testing.T) {
	lines12 := url.Values{"qty-1": {"180"}, "date-1": {"2026-01-24"}, "price-1": {"28"}, "qty-2": {"50"}, "date-2": {"2026-01-24"}, "price-2": {"4.50"}}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, x := range v {
			out[k] = x
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   string
		open   string // the form that stays open
	}{
		{"bad date", url.Values{"po": {"6"}, "action": {"accept"}, "promised-2": {"3 Jan"}}, 422, "Line 2: the promised date must be a date (YYYY-MM-DD), not &#34;3 Jan&#34;.", "accept"},
		{"no reason", url.Values{"po": {"5"}, "action": {"reject"}, "reason": {"   "}}, 422, "A rejection needs a reason: the factory reads it.", "reject"},
		{"long reason", url.Values{"po": {"5"}, "action": {"reject"}, "reason": {strings.Repeat("x", 201)}}, 422, "The reason is 201 bytes long; the ledger takes at most 200.", "reject"},
		{"unchanged", with(lines12, "po", "6", "action", "propose"), 422, "The proposal changes nothing", "propose"},
		{"zero qty", with(lines12, "po", "6", "action", "propose", "qty-1", "0"), 422, "Line 1: the quantity must be a positive number (up to 3 decimals), not &#34;0&#34;.", "propose"},
		{"negative qty", with(lines12, "po", "6", "action", "propose", "qty-2", "-5"), 422, "Line 2: the quantity must be a positive number", "propose"},
		{"fine qty", with(lines12, "po", "6", "action", "propose", "qty-1", "1.2345"), 422, "Line 1: the quantity must be", "propose"},
		{"huge qty", with(lines12, "po", "6", "action", "propose", "qty-1", "99999999999999999"), 422, "Line 1: the quantity must be", "propose"},
		{"bad price", with(lines12, "po", "6", "action", "propose", "price-2", "4.505"), 422, "Line 2: the unit price must be a positive amount of CNY (up to 2 decimals), not &#34;4.505&#34;.", "propose"},
		{"free", with(lines12, "po", "6", "action", "propose", "price-1", "0"), 422, "Line 1: the unit price must be", "propose"},
		{"bad line date", with(lines12, "po", "6", "action", "propose", "date-1", ""), 422, "Line 1: the date must be a date (YYYY-MM-DD), not &#34;&#34;.", "propose"},
		{"absurd price", with(lines12, "po", "6", "action", "propose", "price-1", "999999999999999"), 422,
			"Line 1: the unit price ¥999,999,999,999,999.00 is more than ¥100,000,000.00 per unit: check the amount.", "propose"},
		{"past date", with(lines12, "po", "6", "action", "propose", "date-1", "2020-01-01"), 422, "Line 1: the date 2020-01-01 is in the past (today is ", "propose"},
		{"decades ahead", with(lines12, "po", "6", "action", "propose", "date-2", "2070-01-01"), 422, "Line 2: the date 2070-01-01 is more than 10 years ahead.", "propose"},
		{"past promise", url.Values{"po": {"6"}, "action": {"accept"}, "promised-1": {"2020-01-01"}}, 422, "Line 1: the promised date 2020-01-01 is in the past", "accept"},
		{"no action", url.Values{"po": {"6"}, "action": {"ship"}}, 422, "Choose to accept, reject or propose changes.", ""},
		{"proposal pending", url.Values{"po": {"4"}, "action": {"accept"}}, 409, "Purchase order 4 is changes proposed: only a sent order awaits your answer.", ""},
		{"answered", url.Values{"po": {"2"}, "action": {"accept"}}, 409, "Purchase order 2 is accepted: only a sent order awaits your answer.", ""},
		{"another supplier's", url.Values{"po": {"7"}, "action": {"accept"}}, 409, "Purchase order 7 is addressed to lakeside-dyeworks, not to Blue River Cotton.", ""},
		{"unknown", url.Values{"po": {"99"}, "action": {"accept"}}, 409, "No purchase order has the number 99.", ""},
		{"no number", url.Values{"po": {"twelve"}, "action": {"accept"}}, 409, "No purchase order has the number &#34;twelve&#34;.", ""},
	} {
		f := supplierSite(t)
		s, _ := newTestServer(t, f)
		res, body := answer(t, s, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.status)
		}
		contains(t, c.name, body, c.want, `<form`)
		if n := len(f.sent()); n != 0 {
			t.Errorf("%s: %d sends", c.name, n)
		}
		csrfOf(t, body) // a fresh token to try again
		if c.status == 422 && c.name != "no action" {
			po := c.form.Get("po")
			contains(t, c.name, body, `<div class="alert" id="po-`+po+`-error" role="alert">`)
			if c.open != "" && strings.Count(body, `<details class="po-action" open>`) != 1 {
				t.Errorf("%s: %d forms open", c.name, strings.Count(body, `<details class="po-action" open>`))
			}
		}
		if c.status == 409 {
			contains(t, c.name, body, `<div class="alert" id="supplier-error" role="alert">`)
		}
	}
	// What was entered is offered again.
	f := supplierSite(t)
	s, _ := newTestServer(t, f)
	_, body := answer(t, s, with(lines12, "po", "6", "action", "propose", "qty-1", "lots", "price-2", "5", "reason", "<b>soon</b>"))
	contains(t, "entered again", body, `id="qty-6-1" name="qty-1" value="lots"`, `id="price-6-2" name="price-2" value="5"`,
		`value="&lt;b&gt;soon&lt;/b&gt;"`, `id="qty-5-1" name="qty-1" value="2000"`)
}

// TestSupplierRefusesOtherMachines: the inbox acts with the operator key,
// so a POST from another machine, another site, a rebound name, without a
// session or without the inbox's own token is refused before anything is
// sent.
func TestSupplierRefusesOtherMachines(t *testing.T) {
	f := supplierSite(t)
	s, logs := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, "/supplier", localAddr, sess)
	form := url.Values{"csrf": {csrfOf(t, body)}, "po": {"6"}, "action": {"accept"}}
	for _, remote := range []string{"192.0.2.7:4000", "10.0.0.2:80", "[2001:db8::1]:443", "[::ffff:192.0.2.7]:1"} {
		res, body := supplierPost(t, s, remote, sess, form)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status %d", remote, res.StatusCode)
		}
		contains(t, remote, body, "<p class=\"code\">403</p>", "The supplier inbox only answers on this node&#39;s own machine.")
	}
	contains(t, "log", logs.String(), "posted from another machine", "form=/supplier")
	// The hub form's token is not the inbox's.
	f.op.SetOrg(inproc.Hilltown)
	_, hubBody := hubGet(t, s, "/hub", localAddr, sess)
	f.op.SetOrg(inproc.Blue)
	for name, c := range map[string]struct {
		sess   *http.Cookie
		form   url.Values
		header []string
		status int
	}{
		"cross-site":    {sess, form, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		"same-site":     {sess, form, []string{"Sec-Fetch-Site", "same-site"}, 403},
		"other origin":  {sess, form, []string{"Origin", "https://attacker.example"}, 403},
		"rebound host":  {sess, form, []string{"Host", "attacker.example"}, 403},
		"not signed in": {nil, form, nil, 401},
		"no field":      {sess, url.Values{"po": {"6"}, "action": {"accept"}}, nil, 403},
		"other token":   {sess, url.Values{"csrf": {strings.Repeat("0", 64)}, "po": {"6"}, "action": {"accept"}}, nil, 403},
		"hub token":     {sess, url.Values{"csrf": {csrfOf(t, hubBody)}, "po": {"6"}, "action": {"accept"}}, nil, 403},
	} {
		res, _ := supplierPost(t, s, localAddr, c.sess, c.form, c.header...)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, c.status)
		}
	}
	if n := len(f.sent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestSupplierRejections(t *testing.T) {
	// The network refuses the answer: the page says why, plainly, at the order.
	f := supplierSite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Reject: map[string]gongxu.TxResult{"production/po_accept": {Code: 9, Kind: "conflict",
		Message: "purchase order 6 is accepted; it cannot be accepted now"}}}
	s, _ := newTestServer(t, f)
	res, body := answer(t, s, url.Values{"po": {"6"}, "action": {"accept"}, "promised-2": {"2026-01-30"}})
	if res.StatusCode != http.StatusUnprocessableEntity || len(f.sent()) != 0 {
		t.Fatalf("status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "refused", body, `<div class="alert" id="po-6-error" role="alert"><p>The network refused your answer to purchase order 6: conflict: purchase order 6 is accepted; it cannot be accepted now.</p></div>`,
		`id="promised-6-2" name="promised-2" value="2026-01-30"`, `<details class="po-action" open>`)
	lacks(t, "refused", body, "supplier-done")

	// The node times out: the answer may still be committed.
	f = supplierSite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Fail: map[string]bool{"production/po_reject": true}, Err: gongxu.Errorf(gongxu.KindTimeout, "no commit in 30s")}
	s, _ = newTestServer(t, f)
	res, body = answer(t, s, url.Values{"po": {"5"}, "action": {"reject"}, "reason": {"no"}})
	if res.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("timeout: status %d", res.StatusCode)
	}
	contains(t, "timeout", body, "it may still be. Look at purchase order 5 before answering again.")

	// Any other failure is logged, not shown.
	f = supplierSite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Fail: map[string]bool{"production/po_reject": true}, Err: errors.New("keyring: /secret/path unreadable")}
	s, logs := newTestServer(t, f)
	res, body = answer(t, s, url.Values{"po": {"5"}, "action": {"reject"}, "reason": {"no"}})
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("failure: status %d", res.StatusCode)
	}
	lacks(t, "failure", body, "/secret/path")
	contains(t, "failure", body, "The node could not submit the transaction")
	contains(t, "log", logs.String(), "/secret/path")
}
