package web

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowserPools loads the pool pages in a real headless chromium: the
// pools page shows progress bars and what the next tier takes, htmx refreshes
// a pool's total when a batch lands, the pool page draws its chart, the hub
// records a walk-in pledge end to end on the World's chain, and on a
// phone-sized screen no page scrolls sideways. Screenshots go to t.TempDir()
// and to $GONGXU_SCREENSHOTS.
func TestBrowserPools(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)

	f := newSite(t)
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1: the hub form answers
	t.Cleanup(srv.Close)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		webtest.Do(t, ctx, what, actions...)
	}
	text := func(sel string) string { t.Helper(); return webtest.Text(t, ctx, sel) }
	// size is the rendered width and height of the first element matching sel.
	size := func(sel string) [2]float64 {
		t.Helper()
		wh, err := chromedp.Run(ctx, chromedp.Evaluate[[2]float64](
			`(() => { const r = document.querySelector(`+jsString(sel)+`).getBoundingClientRect(); return [r.width, r.height]; })()`))
		if err != nil {
			t.Fatalf("size of %s: %v", sel, err)
		}
		return wh
	}
	fitsWidth := func(what string) {
		t.Helper()
		w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.clientWidth, document.documentElement.scrollWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if w[1] > w[0] {
			t.Errorf("%s: page %d px wide on a %d px screen", what, w[1], w[0])
		}
	}

	// The pools page: cards with a progress bar, the next tier and the ladder.
	run("load pools", chromedp.Navigate(srv.URL+"/pools"), chromedp.WaitVisible(chromedp.CSS("#pool-5 svg.bar")))
	if got := text("#pool-5 .more"); got != "12 more units for ¥89.00" {
		t.Errorf("pool 5 next tier: %q", got)
	}
	if got := text("#pool-5 .left"); !strings.HasPrefix(got, "2 days 5 h left") && !strings.HasPrefix(got, "2 days 4 h left") {
		t.Errorf("pool 5 time left: %q", got)
	}
	if wh := size("#pool-5 svg.bar"); wh[0] < 100 || wh[1] < 10 {
		t.Errorf("progress bar %v px", wh)
	}
	if wh := size("#pool-5 svg.ladder"); wh[0] < 100 || wh[1] < 30 {
		t.Errorf("ladder %v px", wh)
	}
	webtest.Screenshot(t, ctx, "pools.png")

	// A batch of 13 units lands: htmx, polling every 5 s, shows the new total.
	f.w.SendBatch(inproc.Lakeside, poolOpen, inproc.Consumers(inproc.Lakeside, poolOpen, 9, []int64{6, 7}, []string{"m-navy", "l-navy"}))
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](
		`document.querySelector("#pool-5 .total").textContent.trim() === "101"`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second),
	)); err != nil {
		t.Fatalf("htmx did not refresh pool 5's total to 101: %v; it shows %q", err, text("#pool-5 .total"))
	}
	if got := text("#pool-5 .more"); got != "99 more units for ¥79.00" {
		t.Errorf("after the refresh, pool 5 next tier: %q", got)
	}

	// The pool page draws its progress chart.
	run("open pool 5", chromedp.Click(chromedp.CSS(`#pool-5 h3 a`)), chromedp.WaitVisible(chromedp.CSS("#chart svg.chart")))
	if wh := size("#chart svg.chart"); wh[0] < 300 || wh[1] < 100 {
		t.Errorf("chart %v px", wh)
	}
	if wh := size("#chart .chart-line"); wh[0] <= 0 || wh[1] <= 0 {
		t.Errorf("chart line %v px", wh)
	}
	if got := text("#tiers tr.current"); !strings.Contains(got, "¥89.00") {
		t.Errorf("current tier row: %q", got)
	}
	webtest.Screenshot(t, ctx, "pool.png")

	// The hub form acts with the node's key: a visitor is asked to sign in,
	// and comes back to the form once signed in with an API token.
	run("open hub page", chromedp.Click(chromedp.CSS(`a[href="/hub?pool=5"]`)), chromedp.WaitVisible(chromedp.CSS("#hub-signin")))
	webtest.Screenshot(t, ctx, "hub-signed-out.png")
	run("sign in", chromedp.Click(chromedp.CSS("#hub-signin")), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#token"), "not-a-token"), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#signin-error")))
	webtest.Screenshot(t, ctx, "signin.png")
	run("sign in again", chromedp.SetValue(chromedp.CSS("#token"), testToken), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#hub-form")))
	if got := text("#signout"); !strings.Contains(got, "Signed in as tests") {
		t.Errorf("header after sign-in: %q", got)
	}
	if js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`)); err != nil || js != "" {
		t.Errorf("scripts see cookies %q (%v): the session cookie must be HttpOnly", js, err)
	}

	// The hub records a walk-in pledge: 2 × M / navy, paid in cash.
	webtest.Screenshot(t, ctx, "hub.png")
	run("fill hub form",
		chromedp.SetValue(chromedp.CSS("#item"), "5/m-navy"),
		chromedp.SetValue(chromedp.CSS("#qty"), "2"),
		chromedp.Click(chromedp.CSS("#paid")),
		chromedp.Click(chromedp.CSS("#record")),
		chromedp.WaitVisible(chromedp.CSS("#leaf-id")),
	)
	sends := f.sent()
	if len(sends) != 2 || sends[0].Type != "settle/deposit" || sends[1].Type != "pool/batch" || sends[0].Result.Code != 0 || sends[1].Result.Code != 0 {
		t.Fatalf("sends %+v", sends)
	}
	if got := string(sends[0].Body); got != `{"currency":"CNY","amount":25800,"ref":"walk-in"}` {
		t.Errorf("deposit body %s", got)
	}
	m := regexp.MustCompile(`^\{"pool":5,"leaves":\[\{"id":"([0-9a-f]{32})","variant":"m-navy","qty":2,"commit":"[0-9a-f]{64}"\}\]\}$`).FindStringSubmatch(string(sends[1].Body))
	if m == nil {
		t.Fatalf("batch body %s", sends[1].Body)
	}
	if got := text("#leaf-id"); got != m[1] {
		t.Errorf("receipt shows id %q, the batch carries %q", got, m[1])
	}
	if href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#receipt-link"), "href")); err != nil ||
		!regexp.MustCompile(`^/v1/batches/[0-9A-F]{64}/receipts/0$`).MatchString(href.Value) {
		t.Errorf("receipt link %+v, %v", href, err)
	}
	webtest.Screenshot(t, ctx, "receipt.png")
	// Back (a resubmission of the same form is refused: the token was spent).
	if resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(srv.URL+"/pools/5")); err != nil || resp.Status != 200 {
		t.Fatalf("pool page after the pledge: %v", err)
	}
	if got := text("#progress .total"); got != "103" {
		t.Errorf("pool 5 total after the walk-in pledge: %q", got)
	}

	// A double click on "Record the pledge" records one pledge and one
	// deposit: the form's token is used once.
	run("open hub form again", chromedp.Navigate(srv.URL+"/hub?pool=5"), chromedp.WaitVisible(chromedp.CSS("#hub-form")),
		chromedp.SetValue(chromedp.CSS("#item"), "5/m-navy"), chromedp.SetValue(chromedp.CSS("#qty"), "1"), chromedp.Click(chromedp.CSS("#paid")))
	run("double click", chromedp.DoubleClick(chromedp.CSS("#record")), chromedp.WaitVisible(chromedp.CSS("#leaf-id, #problem")))
	if sends := f.sent(); len(sends) != 4 || sends[2].Type != "settle/deposit" || sends[3].Type != "pool/batch" {
		t.Errorf("after a double click: %d messages, want 2 more (one deposit, one batch)", len(sends))
	}
	webtest.Screenshot(t, ctx, "hub-double-click.png")

	// A request for quote and its bids.
	run("load rfq", chromedp.Navigate(srv.URL+"/rfqs/1"), chromedp.WaitVisible(chromedp.CSS("#bids table")))
	webtest.Screenshot(t, ctx, "rfq.png")

	// On a phone every page fits the screen's width.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, wait, shot string }{
		{"/pools", "#pool-5 svg.ladder", "pools-phone.png"},
		{"/pools/5", "#chart svg.chart", "pool-phone.png"},
		{"/hub?pool=5", "#hub-form", "hub-phone.png"},
		{"/rfqs/2", "#bids", "rfq-phone.png"},
	} {
		run("phone "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		fitsWidth(p.path)
		if p.path == "/pools/5" {
			if wh := size("#chart svg.chart"); wh[0] <= 0 || wh[1] <= 0 || wh[0] > 390 {
				t.Errorf("phone chart %v px", wh)
			}
		}
		webtest.Screenshot(t, ctx, p.shot)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
