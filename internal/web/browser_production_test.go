package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowserProduction loads the production pages in a real headless
// chromium: the factory console draws its Gantt chart with bars (the late
// work order's in red), a production order shows its re-plan history, and
// the supplier inbox accepts one purchase order (promising a later date for
// one line) and counter-proposes another through real clicks on its forms,
// each answer signed and committed on the World's chain. On a phone-sized
// screen no page scrolls sideways. Screenshots go to t.TempDir() and to
// $GONGXU_SCREENSHOTS.
func TestBrowserProduction(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)

	f := newSite(t)
	f.op.SetOrg(inproc.Blue) // this node is the supplier's
	plan, err := f.plans.Plan(t.Context(), inproc.Acme)
	if err != nil {
		t.Fatal(err)
	}
	late := map[string]bool{}
	for _, d := range plan.Dates {
		late[d.Work] = d.Late
	}
	bars, lateBars := 0, 0
	for _, op := range plan.Ops {
		if op.End > op.Start {
			bars++
			if late[op.Work] {
				lateBars++
			}
		}
	}
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1: the supplier inbox answers
	t.Cleanup(srv.Close)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		webtest.Do(t, ctx, what, actions...)
	}
	text := func(sel string) string { t.Helper(); return webtest.Text(t, ctx, sel) }
	eval := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
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

	// The factory console of Acme Textiles, read-only from the supplier's node.
	run("load factory", chromedp.Navigate(srv.URL+"/factory?org=acme-textiles"), chromedp.WaitVisible(chromedp.CSS("#gantt svg.gantt")))
	if n := eval(`document.querySelectorAll("#gantt svg.gantt g.gantt-bar rect").length`); int(n) != bars {
		t.Errorf("%v Gantt bars, want %d", n, bars)
	}
	if n := eval(`document.querySelectorAll("#gantt svg.gantt g.gantt-bar.late rect").length`); int(n) != lateBars || lateBars == 0 {
		t.Errorf("%v late bars, want %d", n, lateBars)
	}
	// Every bar is drawn: it has a size on the screen.
	if w := eval(`Math.min(...[...document.querySelectorAll("#gantt g.gantt-bar rect")].map(r => r.getBoundingClientRect().width))`); w <= 0 {
		t.Errorf("narrowest bar %v px", w)
	}
	if w := eval(`document.querySelector("#gantt svg.gantt").getBoundingClientRect().width`); w < 600 {
		t.Errorf("Gantt chart %v px wide", w)
	}
	if n := eval(`document.querySelectorAll("#gantt .gantt-today").length`); n != 1 {
		t.Errorf("%v today lines", n)
	}
	if got := text("#orders #order-3"); !strings.Contains(got, "a day late") || !strings.Contains(got, "late") {
		t.Errorf("order 3 row: %q", got)
	}
	if got := text("#factory .sub"); !strings.Contains(got, "viewed read-only") {
		t.Errorf("factory subtitle: %q", got)
	}
	webtest.Screenshot(t, ctx, "factory.png")

	// A production order and its history.
	run("open order 3", chromedp.Click(chromedp.CSS(`#order-3 a[href="/production-orders/3"]`)), chromedp.WaitVisible(chromedp.CSS("#porder #history")))
	if got := text("#history"); !strings.Contains(got, "linen fabric from Blue River Cotton promised for the 16th, a day late") {
		t.Errorf("history:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "production-order.png")

	// The supplier inbox: purchase orders 5 and 6 await an answer, once
	// signed in with an API token of the node.
	run("load supplier", chromedp.Navigate(srv.URL+"/supplier"), chromedp.WaitVisible(chromedp.CSS("#supplier-signin")))
	run("sign in", chromedp.Click(chromedp.CSS("#supplier-signin")), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#po-6")))
	if got := text("#supplier h2"); !strings.Contains(got, "Awaiting your answer 2") {
		t.Errorf("inbox heading %q", got)
	}
	webtest.Screenshot(t, ctx, "supplier.png")

	// Accept 6, promising line 2 a day later than asked.
	day0 := dayFloor(inproc.End)
	later := dayInput(day0 + 3*dayMs)
	run("accept 6",
		chromedp.Click(chromedp.CSS("#accept-6-dates")),
		chromedp.WaitVisible(chromedp.CSS("#promised-6-2")),
		chromedp.SetValue(chromedp.CSS("#promised-6-2"), later),
		chromedp.Click(chromedp.CSS("#accept-6-btn")),
		chromedp.WaitVisible(chromedp.CSS("#supplier-done")),
	)
	sends := f.sent()
	if len(sends) != 1 || sends[0].Type != "production/po_accept" || sends[0].Result.Code != 0 {
		t.Fatalf("sends %+v", sends)
	}
	if want := fmt.Sprintf(`{"po":6,"promised":[%d,%d]}`, day0+2*dayMs, day0+3*dayMs); string(sends[0].Body) != want {
		t.Errorf("accept body %s, want %s", sends[0].Body, want)
	}
	if got := text("#supplier-done"); !strings.Contains(got, "You accepted purchase order 6 from Acme Textiles.") {
		t.Errorf("result: %q", got)
	}
	webtest.Screenshot(t, ctx, "supplier-accepted.png")

	// Counter-propose 5: 1,500 buttons instead of 2,000, at ¥0.14.
	run("propose 5",
		chromedp.Click(chromedp.CSS("#propose-5-open")),
		chromedp.WaitVisible(chromedp.CSS("#qty-5-1")),
		chromedp.SetValue(chromedp.CSS("#qty-5-1"), "1,500"),
		chromedp.SetValue(chromedp.CSS("#price-5-1"), "0.14"),
		chromedp.SetValue(chromedp.CSS("#preason-5"), "1,500 in stock now"),
	)
	webtest.Screenshot(t, ctx, "supplier-propose.png")
	// The page after the acceptance shows its result: take it away, so that
	// the wait below is for the proposal's.
	eval(`document.querySelector("#supplier-done").remove(), 1`)
	run("send the proposal", chromedp.Click(chromedp.CSS("#propose-5-btn")), chromedp.WaitVisible(chromedp.CSS("#supplier-done")))
	sends = f.sent()
	if len(sends) != 2 || sends[1].Type != "production/po_propose" || sends[1].Result.Code != 0 {
		t.Fatalf("sends %+v", sends)
	}
	if want := fmt.Sprintf(`{"po":5,"lines":[{"item":"bone-buttons","qty":1500000,"date":%d,"unit_price":14}],"reason":"1,500 in stock now"}`, day0+4*dayMs); string(sends[1].Body) != want {
		t.Errorf("proposal body %s, want %s", sends[1].Body, want)
	}
	if got := text("#supplier-done"); !strings.Contains(got, "You proposed changes to purchase order 5") {
		t.Errorf("result: %q", got)
	}
	if got := text("#inbox-empty"); !strings.Contains(got, "No purchase order awaits your answer.") {
		t.Errorf("inbox after both answers: %q", got)
	}
	if got := text("#waiting"); !strings.Contains(got, "#5") || !strings.Contains(got, "#4") {
		t.Errorf("proposals awaiting the factory:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "supplier-proposed.png")

	// The purchase order page shows the proposal and the negotiation.
	run("open po 5", chromedp.Navigate(srv.URL+"/purchase-orders/5"), chromedp.WaitVisible(chromedp.CSS("#proposal")))
	if got := text("#proposal"); !strings.Contains(got, "1,500") || !strings.Contains(got, "¥0.14") {
		t.Errorf("proposal:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "purchase-order.png")

	// On a phone every page fits the screen's width; the chart scrolls in its card.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, wait, shot string }{
		{"/factory?org=acme-textiles", "#gantt svg.gantt", "factory-phone.png"},
		{"/production-orders/3", "#history", "production-order-phone.png"},
		{"/purchase-orders/4", "#proposal", "purchase-order-phone.png"},
	} {
		run("phone "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		fitsWidth(p.path)
		webtest.Screenshot(t, ctx, p.shot)
	}
	// Acme rejects the proposal: the order is sent again, to answer on a
	// phone.
	f.w.Send(inproc.Acme, "production/po_decide", inproc.M{"po": 5, "accept": false, "reason": "we need 2,000"})
	run("phone supplier", chromedp.Navigate(srv.URL+"/supplier"), chromedp.WaitVisible(chromedp.CSS("#po-5")),
		chromedp.Click(chromedp.CSS("#propose-5-open")), chromedp.WaitVisible(chromedp.CSS("#qty-5-1")))
	fitsWidth("/supplier")
	webtest.Screenshot(t, ctx, "supplier-phone.png")
}
