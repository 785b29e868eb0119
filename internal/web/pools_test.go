package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestPoolsPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/pools", http.StatusOK)
	contains(t, "pools page", body,
		"<title>Pools · gongxu</title>", `<a href="/pools" aria-current="page">Pools</a>`,
		`<a href="/rfqs">Requests</a>`, `<a href="/hub">Hub</a>`,
		`hx-get="/fragments/pools" hx-trigger="every 5s"`,
		`<article class="card pool-card" id="pool-5">`, `<a href="/pools/5">Merino wool jacket</a>`,
		`<a href="/orgs/acme-textiles">Acme Textiles</a>`,
		`<strong class="price-now">¥99.00</strong>`, `<span class="more">12 more units for ¥89.00</span>`,
		`aria-label="MOQ reached · 88 of 300 cap"`, `<dd class="total">88</dd>`, `<dd class="pledges">31</dd>`,
		`<svg class="ladder"`, "Price tiers: ¥129.00 from 1, ¥99.00 from 50, ¥89.00 from 100, ¥79.00 from 200. 88 pledged: tier 2 of 4.",
		// Pool 6 is short of its MOQ, and its next tier is its MOQ.
		`aria-label="40 of 200 to reach the MOQ"`, `<dd class="to-moq">160 <span class="muted">of 200</span></dd>`,
		`<span class="more">160 more units for ¥39.00</span>`,
		// Time left counts from the latest block (08:00:41), not from the clock (a minute later).
		">2 days 5 h left <span class=\"countdown\" data-deadline=", ">5 h 0 min left <span class=\"countdown\"",
		"Recently closed", `id="pool-3"`, `<span class="badge status-settled">settled</span>`, "¥139.00</strong> <span class=\"muted\">per unit, final",
		`id="pool-2"`, `status-failed`, `id="pool-1"`, `status-ready`, `id="pool-4"`, `status-in_production`,
	)
	// Open pools first, closing soonest first; then closed ones, the latest
	// change first (shirts in production, shirts settled, jackets ready,
	// socks failed).
	order := []string{`id="pool-6"`, `id="pool-5"`, "Recently closed", `id="pool-4"`, `id="pool-3"`, `id="pool-1"`, `id="pool-2"`}
	last := -1
	for _, o := range order {
		i := strings.Index(body, o)
		if i < last {
			t.Errorf("%s is out of order", o)
		}
		last = i
	}
	lacks(t, "closed pools", body, "more for ¥79.00") // a closed pool's card offers no next tier
}

func TestPoolsFragment(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	_, body := do(t, s, "GET", "/fragments/pools")
	if err := checkHTML(body); err != nil {
		t.Fatalf("fragment: %v\n%s", err, body)
	}
	lacks(t, "fragment", body, "<html", "<nav")
	contains(t, "fragment", body, `<dd class="total">88</dd>`)

	// A batch of 13 units lands in pool 5.
	f.w.SendBatch(inproc.Lakeside, poolOpen, inproc.Consumers(inproc.Lakeside, poolOpen, 9, []int64{6, 7}, []string{"m-navy", "l-navy"}))
	_, body = do(t, s, "GET", "/fragments/pools", "HX-Request", "true")
	contains(t, "fragment after a batch", body, `<dd class="total">101</dd>`, `<strong class="price-now">¥89.00</strong>`, "99 more units for ¥79.00")
}

func TestPoolPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/pools/5", http.StatusOK)
	batches := f.w.Batches[poolOpen][inproc.Hilltown]
	contains(t, "pool page", body,
		"<h1>Merino wool jacket</h1>", "<title>Merino wool jacket · gongxu</title>", "<code>acme-textiles/merino-jacket</code>",
		`<span class="more" id="next-tier">12 more units for ¥89.00</span>`, ">2 days 5 h left<",
		// the tier table, the current tier highlighted
		`<tr class="current">
<td class="num">2</td>
<td class="num">50</td>
<td class="num">¥99.00</td>
<td class="num">23%</td>
<td><span class="badge ok">current</span></td>`,
		`<tr class="reached">`,
		// the chart
		`<svg class="chart"`, `class="chart-moq"`, `class="chart-cap"`, "MOQ 50", "cap 300",
		// hubs and their variants, named
		`<a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`, "L / navy (l-navy) 20 · M / navy (m-navy) 40",
		`<a href="/orgs/lakeside-corner">Lakeside Corner Shop</a>`, "M / navy (m-navy) 28", "Any member hub may gather pledges",
		// batches
		`href="/txs/`+batches[0].Tx+`"`, `href="/txs/`+batches[1].Tx+`"`, "Hub batches <span class=\"count\">3 · 31 pledges</span>", "¥5,805.00",
		// history, money and terms
		`<span class="badge status-open">open</span> <time datetime="2026-01-19T09:00:05Z">19 Jan 2026 09:00 UTC</time>`, "opened by Acme Textiles",
		"minimum batch reached: 60 units pledged",
		`<td class="num" id="escrowed">¥11,352.00</td>`, `<td class="num" id="held">¥11,352.00</td>`, `<td class="num" id="captured">¥0.00</td>`,
		`id="pool-stage">The minimum batch is reached: the pool goes ahead at its deadline`, "The final price is set when the pool closes.",
		"Made in Ningbo within 21 days of the close.\nFree exchange of sizes at the hub.",
		"M / navy (m-navy), L / navy (l-navy)", "(212 left)", "Locked from",
		`href="/hub?pool=5"`,
		// nothing shipped yet
		`<th>Shipped</th><th>Delivered</th><th>Picked up</th>`,
	)
	hubs := span(body, `<section class="card" id="hubs">`, "</section>")
	if n := strings.Count(hubs, `<td class="wrap-ok shipped"><span class="muted">not yet</span></td>
<td><span class="muted">not yet</span></td>
<td class="picked"><span class="muted">—</span></td>`); n != 2 {
		t.Errorf("pool 5: %d hubs not shipped, want 2\n%s", n, hubs)
	}

	body = page(t, s, "/pools/3", http.StatusOK)
	contains(t, "awarded pool", body, `<span class="badge status-settled">settled</span>`,
		"awarded from request for quote 1 with 64 units: minimum batch of 64 met, unit price ¥139.00 (tier 1)",
		"production started by Acme Textiles", "every hub confirmed its delivery",
		`<td class="num" id="paid-out">¥8,896.00</td>`, `<td class="num" id="pending">¥0.00</td>`, `awarded from <a href="/rfqs/1">request #1</a>`, `<span class="badge ok">delivered</span>`,
		"Final price: ¥139.00 per unit.", `id="pool-stage">Settled: ¥8,896.00 paid to the factory`, `<li class="done">Paid to the factory</li>`)
	moneyAddsUp(t, "pool 3", body)
	lacks(t, "awarded pool", body, "/hub?pool=3", "more for")

	// Pool 1: shipped to Hilltown from the jacket lot, delivered, partly
	// picked up; Lakeside's share shipped, not yet confirmed.
	body = page(t, s, "/pools/1", http.StatusOK)
	hubs = span(body, `<section class="card" id="hubs">`, "</section>")
	contains(t, "shipped share", hubs, `<td class="wrap-ok shipped">60 units <span class="muted">on <time datetime="2026-01-11T09:00:00Z">11 Jan 2026 09:00 UTC</time></span>`,
		`<a class="lot" href="/p/acme-textiles/merino-jacket-0001"><code>acme-textiles/merino-jacket-0001</code></a> <span class="muted">60</span>`,
		`<td><span class="badge ok">delivered</span></td>`, `<td class="picked">5 of 60 units <span class="muted">(2 pickups)</span></td>`)
	contains(t, "shipped share", hubs, `<td class="wrap-ok shipped">28 units <span class="muted">on <time datetime="2026-01-22T07:00:01Z">`,
		`<td><span class="muted">not yet</span><br><span class="rel confirm-by">confirmed automatically on`)
	if n := strings.Count(hubs, "not yet"); n != 1 {
		t.Errorf("pool 1: %d \"not yet\", want 1 (Lakeside's share shipped, not delivered)\n%s", n, hubs)
	}
	contains(t, "ready pool", body, `<span class="badge status-ready">ready</span>`, `<td class="num" id="captured">¥8,712.00</td>`, `<td class="num" id="pending">¥2,772.00</td>`, "Final price: ¥99.00 per unit.",
		// the status says what happened since it was made: shipped to both hubs, one confirmed
		`id="pool-stage">Shipped to 2 of 2 hubs; 1 confirmed delivery.`, `<li class="current" aria-current="step">Shipped to hubs</li>`, `<li class="done">Production</li>`, `id="completed-at"`)
	lacks(t, "ready pool", body, "wait for the hubs", `id="plan-reason"`, `id="planned-completion"`)
	moneyAddsUp(t, "pool 1", body)

	for _, target := range []string{"/pools/999", "/pools/abc", "/pools/0", "/pools/-1"} {
		body := page(t, s, target, http.StatusNotFound)
		contains(t, target, body, "No pool has the number")
	}
}

func TestPoolPageWithoutProgress(t *testing.T) {
	f := newSite(t)
	cfg := f.config()
	cfg.Progress = nil
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	body := page(t, s, "/pools/5", http.StatusOK)
	contains(t, "pool page", body, "This node keeps no progress history.")
	lacks(t, "pool page", body, `<svg class="chart"`)
}

func TestPoolPagesAreOptional(t *testing.T) {
	f := newSite(t)
	s, err := newServer(Config{Node: f.node, Members: f.members, Txs: f.txs}, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	body := page(t, s, "/", http.StatusOK)
	lacks(t, "nav", body, `href="/pools"`, `href="/rfqs"`, `href="/hub"`)
	for _, target := range []string{"/pools", "/pools/5", "/hub", "/rfqs", "/rfqs/2", "/fragments/pools"} {
		page(t, s, target, http.StatusNotFound)
	}
}

func TestPoolErrors(t *testing.T) {
	f := newSite(t)
	for _, target := range []string{"/pools", "/pools/5", "/fragments/pools"} {
		f.pools = inproc.Broken{Err: errors.New("read model: disk on fire")}
		s, logs := newTestServer(t, f)
		res, body := do(t, s, "GET", target)
		if res.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status %d", target, res.StatusCode)
		}
		lacks(t, target, body, "disk on fire")
		contains(t, "log", logs.String(), "disk on fire")
	}
	f = newSite(t)
	f.node = inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "starting")}
	s, _ := newTestServer(t, f)
	page(t, s, "/pools", http.StatusServiceUnavailable)
}

func TestRFQPages(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/rfqs", http.StatusOK)
	contains(t, "rfqs page", body, "<h1>Requests for quote</h1>", `<a href="/rfqs" aria-current="page">Requests</a>`,
		`<a href="/rfqs/2">School uniforms for Hilltown primary</a>`, "400 piece", "¥65.00",
		`<a href="/rfqs/1">Linen shirts</a>`, `<span class="badge status-awarded">awarded</span>`)
	if strings.Index(body, "/rfqs/2") > strings.Index(body, "/rfqs/1") {
		t.Error("open requests come first")
	}

	body = page(t, s, "/rfqs/2", http.StatusOK)
	contains(t, "open rfq", body, "<h1>School uniforms for Hilltown primary</h1>", "Bidding: factories send sealed bids until 24 Jan 2026 08:00 UTC (2 days 0 h left).",
		`<span class="badge sealed">sealed</span>`, "Navy cotton polo, sizes 110–150.", "Not awarded.")
	lacks(t, "open rfq", body, "eligible")

	body = page(t, s, "/rfqs/1", http.StatusOK)
	contains(t, "awarded rfq", body, "<td class=\"num\">¥139.00</td>\n<td class=\"num\">64 piece</td>\n<td class=\"num\">14 days</td>",
		`<span class="badge ok">eligible</span>`, `<span class="badge err">above max price</span>`, `<a href="/pools/3">pool #3</a>`)
	lacks(t, "awarded rfq", body, `class="badge sealed"`, `id="rfq-phase"`)

	for _, target := range []string{"/rfqs/99", "/rfqs/x", "/rfqs/0"} {
		page(t, s, target, http.StatusNotFound)
	}
}

// moneyAddsUp checks a pool page's money card: pledged − refunded −
// returned − held = captured = paid out + pending, read from the page.
func moneyAddsUp(t *testing.T, what, body string) {
	t.Helper()
	card := span(body, `<section class="card" id="money">`, "</section>")
	val := func(id string) int64 {
		m := regexp.MustCompile(`id="` + id + `">¥([0-9,]+)\.([0-9]{2})<`).FindStringSubmatch(card)
		if m == nil {
			return 0
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(m[1], ",", "")+m[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	esc, capd := val("escrowed"), val("captured")
	if esc == 0 || esc-val("refunded")-val("returned")-val("held") != capd || capd != val("paid-out")+val("shared")+val("given-back")+val("pending") {
		t.Errorf("%s: the money card does not add up\n%s", what, card)
	}
}
