package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// factorySite is the World with this node run by the factory Acme
// Textiles.
func factorySite(t testing.TB) *site {
	f := newSite(t)
	f.op.SetOrg(inproc.Acme)
	return f
}

// factoryPost posts form to target from remote, signed in with sess.
func factoryPost(t *testing.T, h http.Handler, target, remote string, sess *http.Cookie, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	var cs []*http.Cookie
	if sess != nil {
		cs = []*http.Cookie{sess}
	}
	return serve(t, h, request("POST", target, strings.NewReader(form.Encode()), remote, cs, header...))
}

// actOn signs in, loads the form's page and posts form (with the page's
// token) to target.
func actOn(t *testing.T, s http.Handler, pagePath, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	sess := signIn(t, s, localAddr)
	res, body := formGet(t, s, pagePath, localAddr, sess)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", pagePath, res.StatusCode, body)
	}
	form.Set("csrf", csrfOf(t, body))
	return factoryPost(t, s, target, localAddr, sess, form, "Sec-Fetch-Site", "same-origin")
}

// committed checks that the one message sent is of type typ with body
// want, that the ledger took it, and that the page shows its transaction.
func committed(t *testing.T, f *site, page, typ, want string) gongxu.TxResult {
	t.Helper()
	sends := f.sent()
	if len(sends) != 1 || sends[0].Type != typ {
		t.Fatalf("sends %+v, want one %s", sends, typ)
	}
	if want != "" && string(sends[0].Body) != want {
		t.Errorf("%s body %s\nwant %s", typ, sends[0].Body, want)
	}
	res := sends[0].Result
	if res.Code != 0 {
		t.Fatalf("the ledger refused %s: %+v", typ, res)
	}
	if rec := f.tx(t, res.Hash); rec.Code != 0 || rec.Type != typ {
		t.Errorf("committed tx %+v", rec)
	}
	contains(t, typ, page, `<div class="success" id="acted-done" role="status">`, `href="/txs/`+res.Hash+`"`, `<span class="badge ok">committed</span>`)
	return res
}

// An action of the factory's forms, as the tests drive them.
type factoryAction struct {
	name   string
	page   string // where its form is
	target string // where it posts
	form   url.Values
	typ    string
	owner  gongxu.OrgID // the org that may send it
}

// factoryActions are the factory's forms on the World, one good
// submission each.
func factoryActions(w *inproc.World) []factoryAction {
	order := orderPath(w.ShirtOrder)
	return []factoryAction{
		{"decide", "/purchase-orders/4", "/purchase-orders/4/decide", url.Values{"action": {"accept"}}, "production/po_decide", inproc.Acme},
		{"start", orderPath(w.PlannedOrder), orderPath(w.PlannedOrder) + "/work", url.Values{"action": {"start"}, "qty": {"10"}}, "production/wo_start", inproc.Acme},
		{"report", order, order + "/work", url.Values{"action": {"report"}, "wo": {fmt.Sprint(w.ShirtWO)}, "produced": {"30"}, "scrapped": {"0.5"}}, "production/wo_report", inproc.Acme},
		{"ship", orderPath(w.JacketOrder), orderPath(w.JacketOrder) + "/ship", url.Values{"hub": {inproc.Lakeside}}, "pool/ship", inproc.Acme},
		{"pool", "/pools/new", "/pools/new", url.Values{"product": {inproc.Acme + "/linen-shirt"}, "tiers": {"1:159.00,40:139.00"}, "min_batch": {"40"},
			"cap": {"120"}, "case_pack": {"1"}, "deadline": {"2026-02-05T18:00"}}, "pool/open", inproc.Acme},
	}
}

func TestFactoryDecidesProposal(t *testing.T) {
	f := factorySite(t)
	s, logs := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, "/purchase-orders/4", localAddr, sess)
	contains(t, "po page", body, `<form class="po-form po-decide" method="post" action="/purchase-orders/4/decide" id="decide">`,
		`id="decide-accept">Accept the proposal</button>`, `id="decide-reject">Reject the proposal</button>`)
	tok := csrfOf(t, body)
	form := url.Values{"csrf": {tok}, "action": {"accept"}, "reason": {" fine, the 31st works "}}
	res, body := factoryPost(t, s, "/purchase-orders/4/decide", localAddr, sess, form)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s\n%s", res.StatusCode, body, logs)
	}
	tx := committed(t, f, body, "production/po_decide", `{"po":4,"accept":true,"reason":"fine, the 31st works"}`)
	contains(t, "decided", body, "You accepted the supplier&#39;s proposal on purchase order 4")
	if po, err := f.w.Read().PO(context.Background(), 4); err != nil || po.Status != gongxu.POAccepted || po.Lines[0].UnitPrice != 2750 {
		t.Errorf("purchase order 4 on the ledger: %+v (%v)", po, err)
	}
	// The same form again: recorded once, and says what the first did.
	res, body = factoryPost(t, s, "/purchase-orders/4/decide", localAddr, sess, form)
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
		t.Errorf("replay: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "replay", body, "Already submitted", "It was recorded: transaction "+tx.Hash)
	// Decided: no form any more, and a new post is refused without sending.
	_, body = formGet(t, s, "/purchase-orders/4", localAddr, sess)
	lacks(t, "decided po", body, `id="decide"`)

	// Rejecting.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	res, body = actOn(t, s, "/purchase-orders/4", "/purchase-orders/4/decide", url.Values{"action": {"reject"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("reject: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "production/po_decide", `{"po":4,"accept":false}`)
}

func TestFactoryWorkOrders(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, orderPath(f.w.PlannedOrder), localAddr, sess)
	contains(t, "planned order", body, `id="wo-start"`, `name="lot-1"`, `<option value="acme-textiles/merino-jacket-0001">`)

	// Start, with an input lot.
	res, body := actOn(t, s, orderPath(f.w.PlannedOrder), orderPath(f.w.PlannedOrder)+"/work",
		url.Values{"action": {"start"}, "qty": {"12.5"}, "lot-1": {string(inproc.RecvThread)}, "lot-qty-1": {"100"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("start: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "production/wo_start",
		fmt.Sprintf(`{"order":%d,"qty":12500,"inputs":[{"lot":"%s","qty":100000}]}`, f.w.PlannedOrder, inproc.RecvThread))
	contains(t, "started", body, fmt.Sprintf("You started a work order of 12.5 units on production order %d.", f.w.PlannedOrder))

	// Report, then complete the shirts' work order.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	order := orderPath(f.w.ShirtOrder)
	_, body = formGet(t, s, order, localAddr, signIn(t, s, localAddr))
	contains(t, "shirt order", body, fmt.Sprintf(`id="wo-%d-report"`, f.w.ShirtWO), fmt.Sprintf(`id="wo-%d-complete"`, f.w.ShirtWO))
	res, body = actOn(t, s, order, order+"/work", url.Values{"action": {"report"}, "wo": {fmt.Sprint(f.w.ShirtWO)}, "produced": {"30"}, "scrapped": {"0.5"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("report: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "production/wo_report", fmt.Sprintf(`{"wo":%d,"produced":30000,"scrapped":500}`, f.w.ShirtWO))

	f = factorySite(t)
	s, _ = newTestServer(t, f)
	res, body = actOn(t, s, order, order+"/work", url.Values{"action": {"complete"}, "wo": {fmt.Sprint(f.w.ShirtWO)}, "produced": {"64"}, "scrapped": {"0.5"}, "code": {"shirts-01"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("complete: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "production/wo_complete", fmt.Sprintf(`{"wo":%d,"produced":64000,"scrapped":500,"outputs":[{"code":"shirts-01","qty":64000}]}`, f.w.ShirtWO))
	if lot, err := f.w.Read().Lot(context.Background(), "acme-textiles/shirts-01"); err != nil || lot.Qty != 64000 {
		t.Errorf("output lot: %+v (%v)", lot, err)
	}
}

func TestFactoryShipsToHub(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, orderPath(f.w.JacketOrder), localAddr, sess)
	contains(t, "jacket order", body, `id="ship-lakeside-corner"`)
	lacks(t, "jacket order", body, `id="ship-hilltown-hub"`) // shipped already
	res, body := actOn(t, s, orderPath(f.w.JacketOrder), orderPath(f.w.JacketOrder)+"/ship", url.Values{"hub": {inproc.Lakeside}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("ship: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "pool/ship", `{"pool":1,"hub":"lakeside-corner"}`)
	contains(t, "shipped", body, "You shipped")

	// A share shipped already: refused before sending.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	res, body = actOn(t, s, orderPath(f.w.JacketOrder), orderPath(f.w.JacketOrder)+"/ship", url.Values{"hub": {inproc.Hilltown}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
		t.Errorf("shipped twice: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "shipped twice", body, "was already shipped")
}

// awardableRFQ posts a request of Hilltown's with two revealed bids whose
// reveals have closed.
func awardableRFQ(t *testing.T, w *inproc.World) uint64 {
	now := w.Now()
	w.Send(inproc.Hilltown, "rfq/post", inproc.M{"title": "Aprons", "spec": "Canvas aprons.", "unit": "piece", "qty": 100,
		"target_date": now + 30*dayMs, "max_price": 5000, "currency": "CNY", "bid_deadline": now + 2*hourMs, "reveal_deadline": now + 4*hourMs})
	id := w.NewestRFQ()
	a := w.Bid(id, inproc.SealedBid{Bidder: inproc.Acme, Price: 4000, Qty: 60, LeadDays: 10})
	b := w.Bid(id, inproc.SealedBid{Bidder: inproc.Sunrise, Price: 4200, Qty: 100, LeadDays: 12})
	w.AdvanceTo(now + 3*hourMs)
	w.Reveal(id, a)
	w.Reveal(id, b)
	w.AdvanceTo(now + 5*hourMs)
	w.Block()
	return id
}

func TestFactoryAwardsRFQ(t *testing.T) {
	f := newSite(t) // Hilltown's node: the requester
	id := awardableRFQ(t, f.w)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, rfqPath(id), localAddr, sess)
	contains(t, "rfq page", body, `id="award-form"`, `name="qty-acme-textiles"`, `name="qty-sunrise-garments"`)
	res, body := actOn(t, s, rfqPath(id), rfqPath(id)+"/award", url.Values{"qty-acme-textiles": {"60"}, "qty-sunrise-garments": {"40"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("award: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "rfq/award", fmt.Sprintf(`{"rfq":%d,"awards":[{"bidder":"acme-textiles","qty":60},{"bidder":"sunrise-garments","qty":40}]}`, id))
	if q, err := f.w.Read().RFQ(context.Background(), id); err != nil || q.Status != gongxu.RFQAwarded || len(q.Awards) != 2 {
		t.Errorf("request on the ledger: %+v (%v)", q, err)
	}

	// Before the reveals close, the award waits, and says until when.
	f = newSite(t)
	s, _ = newTestServer(t, f)
	_, body = formGet(t, s, rfqPath(rfqOpen), localAddr, signIn(t, s, localAddr))
	contains(t, "open rfq", body, `id="award-wait"`, "The award opens when the reveals close")
	lacks(t, "open rfq", body, `id="award-form"`)
	// A factory is not the requester: it is told so.
	f.op.SetOrg(inproc.Acme)
	_, body = formGet(t, s, rfqPath(rfqOpen), localAddr, signIn(t, s, localAddr))
	contains(t, "factory on rfq", body, "Acme Textiles is not a hub.")
}

func TestPoolsNew(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	// The demand page's prefill.
	res, body := formGet(t, s, "/pools/new?product=acme-textiles%2Fmerino-jacket&min_batch=100&cap=300&tiers=100%3A89.00%2C300%3A79.00&deadline_days=10", localAddr, sess)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	contains(t, "prefilled", body, `<option value="acme-textiles/merino-jacket" selected>`, `name="tiers" required placeholder="100:89.00,300:79.00" value="100:89.00,300:79.00"`,
		`id="pool-min-batch" name="min_batch" required value="100"`, `id="pool-cap" name="cap" required value="300"`,
		`value="2026-02-01T08:00"`, "Deadline (UTC)")
	res, body = actOn(t, s, "/pools/new", "/pools/new", url.Values{"product": {"acme-textiles/merino-jacket"}, "variants": {"m-navy"},
		"tiers": {"100:89.00,300:79.00"}, "min_batch": {"100"}, "cap": {"300"}, "case_pack": {"1"}, "deadline": {"2026-02-01T08:00"}, "terms": {"Pick up at the hub."}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("open: status %d\n%s", res.StatusCode, body)
	}
	deadline := worldEnd.Add(10 * 24 * 3600 * 1e9).Truncate(60e9).UnixMilli()
	committed(t, f, body, "pool/open", fmt.Sprintf(`{"product":"acme-textiles/merino-jacket","tiers":[{"min_qty":1,"unit_price":8900},{"min_qty":300,"unit_price":7900}],"moq":100,"cap":300,"case_pack":1,"currency":"CNY","deadline":%d,"variants":["m-navy"],"terms":"Pick up at the hub."}`, deadline))

	// In the node's time zone: Shanghai's deadline is 8 hours earlier in UTC.
	f = factorySite(t)
	cfg := f.config()
	cfg.TimeZone = "Asia/Shanghai"
	sh, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	_, body = formGet(t, sh, "/pools/new?deadline_days=1", localAddr, signIn(t, sh, localAddr))
	contains(t, "shanghai", body, "Deadline (UTC&#43;8)", `value="2026-01-23T16:00"`)
	res, body = actOn(t, sh, "/pools/new", "/pools/new", url.Values{"product": {"acme-textiles/linen-shirt"}, "tiers": {"1:159"}, "min_batch": {"40"},
		"cap": {"120"}, "deadline": {"2026-01-23T16:00"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("shanghai: status %d\n%s", res.StatusCode, body)
	}
	var sent gongxu.PoolOpenBody
	if err := json.Unmarshal(f.sent()[0].Body, &sent); err != nil || sent.Deadline != worldEnd.Add(24*3600*1e9).Truncate(60e9).UnixMilli() {
		t.Errorf("deadline %d (%v)", sent.Deadline, err)
	}
}

// TestFactoryRefuses: each of the factory's forms sends nothing unless a
// signed-in person of this node's own machine acts as the org that may
// send it, with a token of that form's page used once; a second submission
// says what the first did.
func TestFactoryRefuses(t *testing.T) {
	type setup struct {
		factoryAction
		other gongxu.OrgID // an org that may not send it
		guard formGuard
		site  func(t *testing.T) *site
	}
	acme := func(t *testing.T) *site { return factorySite(t) }
	var cases []setup
	w := factorySite(t).w // the World's ids; every World has the same
	for _, a := range factoryActions(w) {
		g := porderGuard
		switch a.name {
		case "decide":
			g = poGuard
		case "pool":
			g = poolNewGuard
		}
		cases = append(cases, setup{a, inproc.Sunrise, g, acme})
	}
	cases = append(cases, setup{factoryAction{"award", "", "", url.Values{"qty-acme-textiles": {"60"}}, "rfq/award", inproc.Hilltown},
		inproc.Lakeside, awardGuard, func(t *testing.T) *site { return newSite(t) }})

	for _, c := range cases {
		f := c.site(t)
		if c.name == "award" {
			id := awardableRFQ(t, f.w)
			c.page, c.target = rfqPath(id), rfqPath(id)+"/award"
		}
		s, _ := newTestServer(t, f)
		sess := signIn(t, s, localAddr)
		issue := func() string {
			return s.sessions.issue(s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{sess})), c.guard.Form)
		}
		with := func(tok string) url.Values {
			v := url.Values{}
			for k, x := range c.form {
				v[k] = x
			}
			if tok != "" {
				v.Set("csrf", tok)
			}
			return v
		}
		post := func(what string, status int, remote string, cookie *http.Cookie, form url.Values, header ...string) string {
			t.Helper()
			res, body := factoryPost(t, s, c.target, remote, cookie, form, header...)
			if res.StatusCode != status {
				t.Errorf("%s %s: status %d, want %d\n%s", c.name, what, res.StatusCode, status, body)
			}
			if n := len(f.sent()); n != 0 {
				t.Fatalf("%s %s: %d sends", c.name, what, n)
			}
			return body
		}
		body := post("not signed in", http.StatusUnauthorized, localAddr, nil, with(issue()))
		contains(t, c.name+" not signed in", body, "Sign in first", "Nothing was recorded.")
		post("no token", http.StatusForbidden, localAddr, sess, with(""))
		post("wrong token", http.StatusForbidden, localAddr, sess, with(strings.Repeat("0", 64)))
		post("another form's token", http.StatusForbidden, localAddr, sess,
			with(s.sessions.issue(s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{sess})), supplierGuard.Form)))
		body = post("remote", http.StatusForbidden, "192.0.2.7:4000", sess, with(issue()))
		contains(t, c.name+" remote", body, "only answers on this node&#39;s own machine")
		post("cross-site", http.StatusForbidden, localAddr, sess, with(issue()), "Sec-Fetch-Site", "cross-site")
		dup := with(issue())
		for k := range c.form {
			dup.Add(k, c.form.Get(k))
			break
		}
		body = post("duplicate field", http.StatusBadRequest, localAddr, sess, dup)
		contains(t, c.name+" duplicate field", body, "more than once", "Nothing was sent.")

		// Another org: the page says why, and a post is refused.
		f.op.SetOrg(c.other)
		_, body = formGet(t, s, c.page, localAddr, sess)
		lacks(t, c.name+" other org page", body, `name="csrf"`)
		contains(t, c.name+" other org page", body, `class="notice act-problem"`)
		body = post("other org", http.StatusForbidden, localAddr, sess, with(issue()))
		contains(t, c.name+" other org", body, "Nothing was sent.")
		f.op.SetOrg(c.owner)

		// The owner: taken once; the same token again says what it did.
		_, body = formGet(t, s, c.page, localAddr, sess)
		form := with(csrfOf(t, body))
		res, body := factoryPost(t, s, c.target, localAddr, sess, form)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d\n%s", c.name, res.StatusCode, body)
		}
		tx := committed(t, f, body, c.typ, "")
		res, body = factoryPost(t, s, c.target, localAddr, sess, form)
		if res.StatusCode != http.StatusConflict || len(f.sent()) != 1 {
			t.Errorf("%s replay: status %d, %d sends", c.name, res.StatusCode, len(f.sent()))
		}
		contains(t, c.name+" replay", body, "Already submitted", "It was recorded: transaction "+tx.Hash)
	}
}
