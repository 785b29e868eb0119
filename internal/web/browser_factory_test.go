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

// TestBrowserFactory: on the factory's own node, signed in, the factory
// decides on a proposal and starts a work order from its pages in a real
// browser, and its pages with their forms fit a phone's screen.
func TestBrowserFactory(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)
	f := factorySite(t)
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1: the forms answer
	t.Cleanup(srv.Close)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		webtest.Do(t, ctx, what, actions...)
	}
	text := func(sel string) string { t.Helper(); return webtest.Text(t, ctx, sel) }
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

	run("sign in", chromedp.Navigate(srv.URL+"/signin?next=%2Fpurchase-orders%2F4"), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#decide")))
	run("accept", chromedp.Click(chromedp.CSS("#decide-accept")), chromedp.WaitVisible(chromedp.CSS("#acted-done")))
	if got := text("#acted-done"); !strings.Contains(got, "You accepted the supplier's proposal on purchase order 4") {
		t.Errorf("done: %q", got)
	}
	webtest.Screenshot(t, ctx, "factory-decided.png")

	order := orderPath(f.w.PlannedOrder)
	run("open order", chromedp.Navigate(srv.URL+order), chromedp.WaitVisible(chromedp.CSS("#wo-start")),
		chromedp.SendKeys(chromedp.CSS("#wo-start-qty"), "5"), chromedp.Click(chromedp.CSS("#wo-start-btn")),
		chromedp.WaitVisible(chromedp.CSS("#acted-done")))
	if got := text("#acted-done"); !strings.Contains(got, fmt.Sprintf("You started a work order of 5 units on production order %d.", f.w.PlannedOrder)) {
		t.Errorf("started: %q", got)
	}
	if n := len(f.sent()); n != 2 {
		t.Errorf("%d sends", n)
	}

	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, wait, shot string }{
		{order, "#factory-actions", "factory-order-phone.png"},
		{orderPath(f.w.ShirtOrder), fmt.Sprintf("#wo-%d", f.w.ShirtWO), "factory-work-phone.png"},
		{orderPath(f.w.JacketOrder), "#ship", "factory-ship-phone.png"},
		{"/pools/new?product=" + inproc.Acme + "%2Fmerino-jacket&tiers=100:89.00,300:79.00", "#pool-new", "pools-new-phone.png"},
		{"/factory?zoom=week", "#gantt svg.gantt", "factory-week-phone.png"},
	} {
		run("phone "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		fitsWidth(p.path)
		webtest.Screenshot(t, ctx, p.shot)
	}
}
