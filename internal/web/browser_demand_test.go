package web

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowserDemand loads the demand pages in a real headless chromium, on
// a desktop and on a phone-sized screen: the page never scrolls sideways,
// the chart shrinks to the screen, and in the cells' table, which scrolls
// inside its card, the week stays in view. Screenshots go to t.TempDir()
// and to $GONGXU_SCREENSHOTS.
func TestBrowserDemand(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)
	f := newSite(t)
	for _, p := range []inproc.M{
		{"kind": gongxu.ProposalSetParam, "title": "Share all demand", "param": "demand_min_contributors", "value": 1},
		{"kind": gongxu.ProposalSetParam, "title": "No dominance rule", "param": "demand_dominance_pct", "value": 100},
	} {
		id := f.w.Propose(inproc.Swift, p)
		for _, v := range []string{inproc.Acme, inproc.Blue, inproc.Sunrise, inproc.Hilltown} {
			f.w.Vote(v, id, true)
		}
	}
	s, _ := demandServer(t, f, gongxu.DemandThresholds{MinContributors: 1, DominanceN: 1, DominancePct: 100})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		webtest.Do(t, ctx, what, actions...)
	}
	eval := func(js string) []float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	run("desktop", chromedp.Navigate(srv.URL+jacketDemand), chromedp.WaitVisible(chromedp.CSS("#series-0 svg.demand-chart")))
	webtest.Screenshot(t, ctx, "demand.png")

	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, wait, shot string }{
		{"/demand", "#products", "demand-index-phone.png"},
		{jacketDemand, "#cells table", "demand-phone.png"},
		{jacketDemand + "?hub=hilltown-hub&measure=picked_up", "#cells", "demand-hub-phone.png"},
	} {
		run("phone "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		if w := eval(`[document.documentElement.clientWidth, document.documentElement.scrollWidth]`); w[1] > w[0] {
			t.Errorf("%s: page %v px wide on a %v px screen", p.path, w[1], w[0])
		}
		webtest.Screenshot(t, ctx, p.shot)
	}
	run("phone product", chromedp.Navigate(srv.URL+jacketDemand), chromedp.WaitVisible(chromedp.CSS("#cells table")))
	if wh := eval(`(() => { const r = document.querySelector("#series-0 svg").getBoundingClientRect(); return [r.width, r.height]; })()`); wh[0] <= 0 || wh[0] > 390 || wh[1] <= 0 {
		t.Errorf("phone chart %v px", wh)
	}
	// Scroll the cells' table to its far right: the week column stays at
	// the container's left edge.
	got := eval(`(() => {
		const box = document.querySelector("#cells .table-scroll");
		box.scrollLeft = box.scrollWidth;
		const week = document.querySelector("#cells tbody tr td").getBoundingClientRect();
		return [box.scrollWidth - box.clientWidth, week.left - box.getBoundingClientRect().left, week.width];
	})()`)
	if got[0] <= 0 {
		t.Logf("the cells' table fits a phone without scrolling (%v)", got)
	} else if got[1] < -1 || got[1] > 1 || got[2] <= 0 {
		t.Errorf("scrolled %v px, the week column is %v px from the left edge (width %v): not sticky", got[0], got[1], got[2])
	}
	webtest.Screenshot(t, ctx, "demand-phone-scrolled.png")
}
