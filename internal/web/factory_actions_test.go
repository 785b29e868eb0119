package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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
		// (the ship form is checked on the shirts, once made: TestFactoryShipsToHub)
		{"cancel", order, order + "/work", url.Values{"action": {"cancel"}, "wo": {fmt.Sprint(w.ShirtWO)}}, "production/wo_cancel", inproc.Acme},
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
	contains(t, "planned order", body, `id="wo-start"`, `name="lot-1"`, `<option value="`+string(inproc.RecvThread)+`">`, `<input type="text" list="lot-choices" id="lot-1" name="lot-1"`)
	// The jackets are made of recalled fabric: held, never offered as input.
	lacks(t, "planned order", body, `<option value="acme-textiles/merino-jacket-0001">`)

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
	// More scrap, with its reason.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	res, body = actOn(t, s, order, order+"/work", url.Values{"action": {"report"}, "wo": {fmt.Sprint(f.w.ShirtWO)}, "produced": {"30"}, "scrapped": {"1.5"}, "scrap_reason": {" torn "}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("report scrap: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "production/wo_report", fmt.Sprintf(`{"wo":%d,"produced":30000,"scrapped":1500,"scrap_reason":"torn"}`, f.w.ShirtWO))
	_, body = formGet(t, s, order, localAddr, signIn(t, s, localAddr))
	contains(t, "scrap on the page", body, fmt.Sprintf(`id="wo-%d-extra"`, f.w.ShirtWO), "torn")

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

	// Cancel the shirts' work order, with a reason; it leaves the form.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	_, body = formGet(t, s, order, localAddr, signIn(t, s, localAddr))
	contains(t, "shirt order", body, fmt.Sprintf(`id="wo-%d-cancel">Cancel work order</button>`, f.w.ShirtWO), `name="reason"`)
	res, body = actOn(t, s, order, order+"/work", url.Values{"action": {"cancel"}, "wo": {fmt.Sprint(f.w.ShirtWO)}, "reason": {" machine down "}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("cancel: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "production/wo_cancel", fmt.Sprintf(`{"wo":%d,"reason":"machine down"}`, f.w.ShirtWO))
	contains(t, "cancelled", body, fmt.Sprintf("You cancelled work order %d: the lots it reserved are released.", f.w.ShirtWO))
	if wos, err := f.w.Read().WorkOrders(context.Background(), f.w.ShirtOrder); err != nil || len(wos) == 0 || wos[len(wos)-1].Status != gongxu.WOCancelled {
		t.Errorf("work orders on the ledger: %+v (%v)", wos, err)
	}
	_, body = formGet(t, s, order, localAddr, signIn(t, s, localAddr))
	lacks(t, "cancelled order", body, fmt.Sprintf(`id="wo-%d-cancel"`, f.w.ShirtWO))
	// A too long reason is refused before anything is sent.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	res, body = actOn(t, s, order, order+"/work", url.Values{"action": {"cancel"}, "wo": {fmt.Sprint(f.w.ShirtWO)}, "reason": {strings.Repeat("x", 201)}})
	if res.StatusCode != http.StatusBadRequest || len(f.sent()) != 0 {
		t.Errorf("long reason: status %d, %d sends\n%s", res.StatusCode, len(f.sent()), body)
	}
}

// shirtsMade completes the shirt work order of the World, which makes
// the shirt pool's goods ready to ship to Hilltown.
func shirtsMade(t *testing.T, w *inproc.World) {
	t.Helper()
	w.Send(inproc.Acme, "production/wo_complete", inproc.M{"wo": w.ShirtWO, "produced": 64_000, "scrapped": 500,
		"outputs": []inproc.M{{"code": "linen-shirt-0001", "qty": 64_000}}})
}

func TestFactoryShipsToHub(t *testing.T) {
	// The jackets shipped to both hubs already: no form left to ship them.
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, orderPath(f.w.JacketOrder), localAddr, sess)
	lacks(t, "jacket order", body, `id="ship-lakeside-corner"`, `id="ship-hilltown-hub"`)

	// The shirts made, Acme ships Hilltown its share from the form.
	shirtsMade(t, f.w)
	order := orderPath(f.w.ShirtOrder)
	_, body = formGet(t, s, order, localAddr, sess)
	contains(t, "shirt order", body, `id="ship-hilltown-hub"`)
	res, body := actOn(t, s, order, order+"/ship", url.Values{"hub": {inproc.Hilltown}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("ship: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "pool/ship", fmt.Sprintf(`{"pool":%d,"hub":"hilltown-hub"}`, f.w.ShirtsInProduction))
	contains(t, "shipped", body, "You shipped")

	// The shirts' linen recalled, the lot made of it is held: the ledger
	// refuses to ship it, and the page says why.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	shirtsMade(t, f.w)
	f.w.Recall(inproc.Blue, string(inproc.LinenLot), "Linen shrinks")
	res, body = actOn(t, s, order, order+"/ship", url.Values{"hub": {inproc.Hilltown}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("ship held: status %d\n%s", res.StatusCode, body)
	}
	if sends := f.sent(); len(sends) != 1 || sends[0].Result.Code == 0 {
		t.Fatalf("ship held: sends %+v", sends)
	}
	contains(t, "held", body, "The network refused it: conflict: ", "more are held by recalls and never ship")

	// A share shipped already: refused before sending.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	res, body = actOn(t, s, orderPath(f.w.PlannedOrder), orderPath(f.w.JacketOrder)+"/ship", url.Values{"hub": {inproc.Hilltown}})
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
		t.Errorf("shipped twice: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "shipped twice", body, "was already shipped")

	// A part of a share, from a chosen lot: the share is not shipped yet,
	// the form stays; over what is left, or another factory's lot, is
	// refused before sending.
	f = factorySite(t)
	s, _ = newTestServer(t, f)
	sess = signIn(t, s, localAddr)
	shirtsMade(t, f.w)
	_, body = formGet(t, s, order, localAddr, sess)
	lot := inproc.Acme + "/linen-shirt-0001"
	contains(t, "ship form", body, `id="ship-qty-hilltown-hub"`, `<option value="`+lot+`">`)
	res, body = actOn(t, s, order, order+"/ship", url.Values{"hub": {inproc.Hilltown}, "qty": {"1"}, "lot": {lot}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("ship a part: status %d\n%s", res.StatusCode, body)
	}
	committed(t, f, body, "pool/ship", fmt.Sprintf(`{"pool":%d,"hub":"hilltown-hub","lots":[{"lot":"%s","qty":1000}],"qty":1000}`, f.w.ShirtsInProduction, lot))
	_, body = formGet(t, s, order, localAddr, sess)
	contains(t, "partly shipped", body, `id="shipped-part-hilltown-hub"`, `id="ship-hilltown-hub"`, `id="pool-lot-`+lot+`"`)
	for _, v := range []url.Values{{"hub": {inproc.Hilltown}, "qty": {"100000"}}, {"hub": {inproc.Hilltown}, "lot": {"sunrise-garments/nope"}}} {
		res, body = actOn(t, s, order, order+"/ship", v)
		if res.StatusCode != http.StatusBadRequest || len(f.sent()) != 1 {
			t.Errorf("ship %v: status %d, %d sends\n%s", v, res.StatusCode, len(f.sent()), body)
		}
	}
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
	contains(t, "prefilled", body, `<option value="acme-textiles/merino-jacket" selected>Merino`, `name="tiers" required placeholder="100:89.00,300:79.00" value="100:89.00,300:79.00"`,
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
		"cap": {"120"}, "deadline": {"2026-01-23T16:00"}, "hubs": {" hilltown-hub , lakeside-corner"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("shanghai: status %d\n%s", res.StatusCode, body)
	}
	var sent gongxu.PoolOpenBody
	if err := json.Unmarshal(f.sent()[0].Body, &sent); err != nil || sent.Deadline != worldEnd.Add(24*3600*1e9).Truncate(60e9).UnixMilli() {
		t.Errorf("deadline %d (%v)", sent.Deadline, err)
	}
	if len(sent.Hubs) != 2 || sent.Hubs[0] != inproc.Hilltown || sent.Hubs[1] != inproc.Lakeside || f.sent()[0].Result.Code != 0 {
		t.Errorf("hubs %v, result %+v", sent.Hubs, f.sent()[0].Result)
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

// TestFactoryBadInput: what people get wrong is a 400 page saying what,
// and nothing is sent; an unknown id is a 404 page.
func TestFactoryBadInput(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	w := f.w
	planned, shirts := orderPath(w.PlannedOrder), orderPath(w.ShirtOrder)
	wo := fmt.Sprint(w.ShirtWO)
	pool := func(kv ...string) url.Values {
		v := url.Values{"product": {inproc.Acme + "/linen-shirt"}, "tiers": {"1:159.00,40:139.00"}, "min_batch": {"40"}, "cap": {"120"},
			"case_pack": {"1"}, "deadline": {"2026-02-05T18:00"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	for _, c := range []struct {
		name, page, target string
		form               url.Values
		status             int
		want               string
	}{
		{"decide: no action", "/purchase-orders/4", "/purchase-orders/4/decide", url.Values{"action": {"maybe"}}, 400, "Choose to accept or reject the proposal."},
		{"decide: long reason", "/purchase-orders/4", "/purchase-orders/4/decide", url.Values{"action": {"reject"}, "reason": {strings.Repeat("x", 201)}}, 400, "The reason is 201 bytes long"},
		{"decide: not proposed", "/purchase-orders/4", "/purchase-orders/5/decide", url.Values{"action": {"accept"}}, 409, "there is no proposal to decide on"},
		{"decide: unknown po", "/purchase-orders/4", "/purchase-orders/99/decide", url.Values{"action": {"accept"}}, 404, "No purchase order has the number &#34;99&#34;."},
		{"decide: bad id", "/purchase-orders/4", "/purchase-orders/x/decide", url.Values{"action": {"accept"}}, 404, "No purchase order has the number"},
		{"start: huge qty", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"99999999999999999"}}, 400, "The quantity to start must be a positive number"},
		{"start: zero", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"0"}}, 400, "The quantity to start must be a positive number"},
		{"start: fine", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"1.0001"}}, 400, "not &#34;1.0001&#34;"},
		{"start: other's lot", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"1"}, "lot-1": {string(inproc.FabricLot)}, "lot-qty-1": {"1"}}, 400, "is not a lot of this factory"},
		{"start: unknown lot", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"1"}, "lot-1": {"acme-textiles/nope"}, "lot-qty-1": {"1"}}, 400, "is not a lot of this factory"},
		{"start: too much of a lot", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"1"}, "lot-1": {string(inproc.RecvThread)}, "lot-qty-1": {"999999"}}, 400, "free;"},
		{"start: lot twice", planned, planned + "/work", url.Values{"action": {"start"}, "qty": {"1"}, "lot-1": {string(inproc.RecvThread)}, "lot-qty-1": {"1"},
			"lot-2": {string(inproc.RecvThread)}, "lot-qty-2": {"1"}}, 400, "is chosen twice"},
		{"start: completed order", planned, orderPath(w.JacketOrder) + "/work", url.Values{"action": {"start"}, "qty": {"1"}}, 400, "is completed: it takes no new work orders"},
		{"start: unknown order", planned, "/production-orders/999/work", url.Values{"action": {"start"}, "qty": {"1"}}, 404, "No production order has the number"},
		{"work: no action", shirts, shirts + "/work", url.Values{"action": {"pause"}}, 400, "Choose to start, report on, complete or cancel a work order."},
		{"report: unknown wo", shirts, shirts + "/work", url.Values{"action": {"report"}, "wo": {"999"}, "produced": {"1"}}, 404, "has no work order &#34;999&#34;"},
		{"report: another order's wo", shirts, shirts + "/work", url.Values{"action": {"report"}, "wo": {fmt.Sprint(w.JacketWO)}, "produced": {"1"}}, 404, "has no work order"},
		{"report: falling", shirts, shirts + "/work", url.Values{"action": {"report"}, "wo": {wo}, "produced": {"10"}}, 400, "the quantities so far never fall"},
		{"report: negative", shirts, shirts + "/work", url.Values{"action": {"report"}, "wo": {wo}, "produced": {"-30"}}, 400, "Produced must be a number"},
		{"report: scrap reason, no more scrap", shirts, shirts + "/work", url.Values{"action": {"report"}, "wo": {wo}, "produced": {"30"}, "scrapped": {"0.5"}, "scrap_reason": {"torn"}}, 400, "A scrap reason goes with more scrap"},
		{"complete: by-product quantity", shirts, shirts + "/work", url.Values{"action": {"complete"}, "wo": {wo}, "produced": {"64"}, "scrapped": {"0.5"}, "bp_item": {"offcuts"}, "bp_code": {"off-1"}, "bp_qty": {"0"}}, 400, "The by-product quantity must be"},
		{"complete: by-product code", shirts, shirts + "/work", url.Values{"action": {"complete"}, "wo": {wo}, "produced": {"64"}, "scrapped": {"0.5"}, "bp_item": {"offcuts"}, "bp_code": {"BAD CODE"}, "bp_qty": {"1"}}, 400, "The by-product lot code"},
		{"ship: over the share", shirts, shirts + "/ship", url.Values{"hub": {inproc.Hilltown}, "qty": {"100000"}}, 400, "The quantity to ship must be"},
		{"report: huge", shirts, shirts + "/work", url.Values{"action": {"report"}, "wo": {wo}, "produced": {"30"}, "scrapped": {"1e9"}}, 400, "Scrapped must be a number"},
		{"complete: bad code", shirts, shirts + "/work", url.Values{"action": {"complete"}, "wo": {wo}, "produced": {"64"}, "scrapped": {"0.5"}, "code": {"Shirts 01"}}, 400, "is not one"},
		{"complete: nothing made", shirts, shirts + "/work", url.Values{"action": {"complete"}, "wo": {wo}, "produced": {""}}, 400, "Produced must be a number"},
		{"ship: unknown hub", planned, orderPath(w.JacketOrder) + "/ship", url.Values{"hub": {"nowhere"}}, 404, "has no share in pool 1"},
		{"ship: no pool", planned, planned + "/ship", url.Values{"hub": {inproc.Lakeside}}, 409, "is of no pool"},
		{"pool: other's product", "/pools/new", "/pools/new", pool("product", "sunrise-garments/tee"), 400, "Choose one of your products"},
		{"pool: unknown variant", "/pools/new", "/pools/new", pool("variants", "xl-pink"), 400, "has no variant &#34;xl-pink&#34;"},
		{"pool: variant twice", "/pools/new", "/pools/new", pool("product", inproc.Acme+"/merino-jacket", "variants", "m-navy,m-navy"), 400, "is listed twice"},
		{"pool: huge cap", "/pools/new", "/pools/new", pool("cap", "100000001"), 400, "The cap must be a whole number of units from 1 to 100,000,000"},
		{"pool: cap below batch", "/pools/new", "/pools/new", pool("cap", "30"), 400, "must be at least the minimum batch"},
		{"pool: zero batch", "/pools/new", "/pools/new", pool("min_batch", "0"), 400, "The minimum batch must be"},
		{"pool: case pack", "/pools/new", "/pools/new", pool("case_pack", "7"), 400, "must be a multiple of the case pack"},
		{"pool: absurd price", "/pools/new", "/pools/new", pool("tiers", "1:100000000.01"), 400, "is more than ¥100,000,000.00 per unit"},
		{"pool: bad price", "/pools/new", "/pools/new", pool("tiers", "1:1.001"), 400, "Tier 1: the unit price must be a positive amount"},
		{"pool: rising price", "/pools/new", "/pools/new", pool("tiers", "1:100,50:120"), 400, "Tier 2: its price must be below"},
		{"pool: falling qty", "/pools/new", "/pools/new", pool("tiers", "1:100,1:90"), 400, "Tier 2: its quantity must be above"},
		{"pool: no tiers", "/pools/new", "/pools/new", pool("tiers", ""), 400, "Give 1 to 16 price tiers"},
		{"pool: not a tier", "/pools/new", "/pools/new", pool("tiers", "lots"), 400, "is not quantity:price"},
		{"pool: first tier late", "/pools/new", "/pools/new", pool("tiers", "50:100"), 400, "The first tier starts at 50 units"},
		{"pool: past deadline", "/pools/new", "/pools/new", pool("deadline", "2026-01-01T00:00"), 400, "is not in the future"},
		{"pool: far deadline", "/pools/new", "/pools/new", pool("deadline", "2027-06-01T00:00"), 400, "is more than 365 days ahead"},
		{"pool: bad deadline", "/pools/new", "/pools/new", pool("deadline", "soon"), 400, "The deadline must be a date and time"},
		{"pool: not a hub", "/pools/new", "/pools/new", pool("hubs", "hilltown-hub, blue-river-cotton"), 400, "&#34;blue-river-cotton&#34; is not a member hub."},
		{"pool: hub twice", "/pools/new", "/pools/new", pool("hubs", "hilltown-hub,hilltown-hub"), 400, "is listed twice"},
		{"pool: long terms", "/pools/new", "/pools/new", pool("terms", strings.Repeat("x", 4001)), 400, "The terms are 4,001 bytes long"},
	} {
		res, body := actOn(t, s, c.page, c.target, c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.status)
		}
		contains(t, c.name, body, c.want)
		if c.status == 400 {
			contains(t, c.name, body, "Nothing was sent.", `id="problem-link">Back to the form</a>`)
		}
		if n := len(f.sent()); n != 0 {
			t.Fatalf("%s: %d sends", c.name, n)
		}
	}
}

// TestFactoryAwardBadInput: the award's quantities are checked against the
// bids and the request before anything is sent.
func TestFactoryAwardBadInput(t *testing.T) {
	f := newSite(t)
	id := awardableRFQ(t, f.w)
	s, _ := newTestServer(t, f)
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		want   string
	}{
		{"nothing", url.Values{"qty-acme-textiles": {""}}, 400, "Give a quantity to at least one bid."},
		{"over the bid", url.Values{"qty-acme-textiles": {"61"}}, 400, "acme-textiles bid for 60 piece"},
		{"over the request", url.Values{"qty-acme-textiles": {"60"}, "qty-sunrise-garments": {"41"}}, 400, "The awards total 101 piece; the request asks for 100."},
		{"not a number", url.Values{"qty-acme-textiles": {"sixty"}}, 400, "must be a whole number"},
		{"huge", url.Values{"qty-acme-textiles": {"99999999999999999999"}}, 400, "must be a whole number"},
		{"unknown bidder", url.Values{"qty-nobody": {"1"}}, 404, "No revealed, eligible bid of &#34;nobody&#34;"},
	} {
		res, body := actOn(t, s, rfqPath(id), rfqPath(id)+"/award", c.form)
		if res.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.status)
		}
		contains(t, c.name, body, c.want)
		if n := len(f.sent()); n != 0 {
			t.Fatalf("%s: %d sends", c.name, n)
		}
	}
	res, _ := actOn(t, s, rfqPath(id), "/rfqs/999/award", url.Values{"qty-acme-textiles": {"1"}})
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown request: status %d", res.StatusCode)
	}
}

// TestFactoryRefusal: the network's refusal is shown in words, with the
// transaction; nothing is claimed done.
func TestFactoryRefusal(t *testing.T) {
	f := factorySite(t)
	f.operator = inproc.BrokenOperator{Operator: f.op, Reject: map[string]gongxu.TxResult{"production/po_decide": {Hash: "AB12", Code: 9, Kind: "conflict",
		Message: "purchase order 4 is accepted; there is no proposal to decide on"}}}
	s, _ := newTestServer(t, f)
	res, body := actOn(t, s, "/purchase-orders/4", "/purchase-orders/4/decide", url.Values{"action": {"accept"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	contains(t, "refused", body, `<div class="alert" id="acted-error" role="alert"><p>The network refused it: conflict: purchase order 4 is accepted; there is no proposal to decide on.</p></div>`,
		`<span class="badge err">refused</span>`)
	lacks(t, "refused", body, "acted-done")
}

// TestFactoryPagesInBothLanguages: the factory's pages, with their forms
// (signed in), render in both languages without a message lacking Chinese.
func TestFactoryPagesInBothLanguages(t *testing.T) {
	f := factorySite(t)
	id := awardableRFQ(t, f.w)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	type pg struct {
		target string
		org    gongxu.OrgID
	}
	pages := []pg{{"/purchase-orders/4", inproc.Acme}, {orderPath(f.w.PlannedOrder), inproc.Acme}, {orderPath(f.w.ShirtOrder), inproc.Acme},
		{orderPath(f.w.JacketOrder), inproc.Acme}, {"/pools/new", inproc.Acme}, {"/pools/new?tiers=100:89.00,300:79.00&deadline_days=30", inproc.Acme},
		{"/factory", inproc.Acme}, {rfqPath(id), inproc.Hilltown}, {rfqPath(rfqOpen), inproc.Hilltown}, {rfqPath(id), inproc.Acme},
		{"/purchase-orders/4", inproc.Sunrise}, {"/pools/new", inproc.Hilltown}, {orderPath(f.w.ShirtOrder), inproc.Sunrise}}
	for _, lang := range []string{"en", "zh-CN"} {
		for _, p := range pages {
			f.op.SetOrg(p.org)
			for _, c := range []*http.Cookie{sess, nil} {
				res, body := serve(t, s, request("GET", p.target, nil, localAddr, []*http.Cookie{c}, "Accept-Language", lang))
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s as %s in %s: status %d", p.target, p.org, lang, res.StatusCode)
				}
				if err := checkHTML(body); err != nil {
					t.Errorf("%s in %s: %v", p.target, lang, err)
				}
			}
		}
	}
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
	f.op.SetOrg(inproc.Acme)
	_, body := serve(t, s, request("GET", "/factory", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "own console", body, `<a class="button" href="/pools/new" id="open-pool">Open a pool</a>`)
	_, body = serve(t, s, request("GET", "/pools/new", nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	contains(t, "zh pools/new", body, "<h1>开设拼单</h1>", "最小批量（件）", "截止时间（UTC）")
	_, body = serve(t, s, request("GET", "/purchase-orders/4", nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	contains(t, "zh po", body, "接受修改提议", "拒绝修改提议")
	f.op.SetOrg(inproc.Sunrise)
	_, body = serve(t, s, request("GET", "/purchase-orders/4", nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	contains(t, "zh po other org", body, "只有 Acme Textiles 可以决定供应商的修改提议；本节点在此代表 Sunrise Garments。")
}

// TestFactoryAnswersInChinese: the answer pages speak the page's language.
func TestFactoryAnswersInChinese(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	post := func(form url.Values) (*http.Response, string) {
		_, body := formGet(t, s, "/purchase-orders/4", localAddr, sess)
		form.Set("csrf", csrfOf(t, body))
		return factoryPost(t, s, "/purchase-orders/4/decide", localAddr, sess, form, "Accept-Language", "zh-CN")
	}
	res, body := post(url.Values{"action": {"maybe"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("bad input: status %d", res.StatusCode)
	}
	contains(t, "zh bad input", body, "请选择接受或拒绝修改提议。 未发送任何内容。", "返回表单", "<h1>请检查表单</h1>")
	res, body = post(url.Values{"action": {"reject"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	contains(t, "zh done", body, "您拒绝了供应商对采购订单 4 的修改提议", "<h1>决定修改提议</h1>", "已提交", "区块高度")
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering:\n%s", strings.Join(missing, "\n"))
	}
}

// TestFactoryActsAs: on a node holding several orgs' keys, a signed-in
// person who chose to act as the factory uses its forms, signed with its
// key; acting as another org, they are not offered.
func TestFactoryActsAs(t *testing.T) {
	f := newSite(t) // the operator is Hilltown's key
	f.operator = inproc.Operators{Operator: f.op, Keys: []gongxu.OrgID{inproc.Acme, inproc.Hilltown}}
	s, _ := newTestServer(t, f)
	c := signIn(t, s, localAddr)
	_, body := formGet(t, s, "/purchase-orders/4", localAddr, c)
	contains(t, "as Hilltown", body, "Hilltown Community Hub is neither a factory nor a supplier.")
	lacks(t, "as Hilltown", body, `id="decide"`)

	sess := s.sessions.get(request("GET", "/", nil, localAddr, []*http.Cookie{c}))
	res, _ := serve(t, s, request("POST", "/act-as", strings.NewReader(url.Values{"org": {inproc.Acme}, "signout": {sess.out}, "next": {"/purchase-orders/4"}}.Encode()),
		localAddr, []*http.Cookie{c}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("act as Acme: %d", res.StatusCode)
	}
	_, body = formGet(t, s, "/purchase-orders/4", localAddr, c)
	res, body = factoryPost(t, s, "/purchase-orders/4/decide", localAddr, c, url.Values{"csrf": {csrfOf(t, body)}, "action": {"reject"}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	m := regexp.MustCompile(`href="/txs/([0-9A-Fa-f]+)" id="acted-tx-link"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no transaction on the page:\n%s", body)
	}
	if rec := f.tx(t, m[1]); rec.Org != inproc.Acme || rec.Type != "production/po_decide" || rec.Code != 0 {
		t.Errorf("transaction %+v", rec)
	}
	if len(f.sent()) != 0 {
		t.Errorf("sent with the operator's (Hilltown's) key: %+v", f.sent())
	}
}

// TestFactoryReplayAfterRefusal: a token spent on a refused submission
// says so when submitted again.
func TestFactoryReplayAfterRefusal(t *testing.T) {
	f := factorySite(t)
	s, _ := newTestServer(t, f)
	sess := signIn(t, s, localAddr)
	_, body := formGet(t, s, "/purchase-orders/4", localAddr, sess)
	form := url.Values{"csrf": {csrfOf(t, body)}, "action": {"maybe"}}
	if res, _ := factoryPost(t, s, "/purchase-orders/4/decide", localAddr, sess, form); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", res.StatusCode)
	}
	res, body := factoryPost(t, s, "/purchase-orders/4/decide", localAddr, sess, form)
	if res.StatusCode != http.StatusConflict || len(f.sent()) != 0 {
		t.Fatalf("replay: status %d, %d sends", res.StatusCode, len(f.sent()))
	}
	contains(t, "replay", body, "Already submitted", "The first submission was refused and sent nothing")
}
