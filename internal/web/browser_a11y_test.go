package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// a11yPages are the pages the accessibility and phone check visits: every
// kind of page, with the World's data in it.
var a11yPages = []struct{ name, path string }{
	{"home", "/"},
	{"pools", "/pools"},
	{"pool-open", "/pools/5"},
	{"pool-delivered", "/pools/1"},
	{"pool-failed", "/pools/2"},
	{"rfqs", "/rfqs"},
	{"rfq", "/rfqs/1"},
	{"org", "/orgs/acme-textiles"},
	{"proposal", "/proposals/1"},
	{"factory", "/factory?org=acme-textiles"},
	{"production-order", "/production-orders/1"},
	{"purchase-order", "/purchase-orders/4"},
	{"supplier", "/supplier"},
	{"hub", "/hub"},
	{"provenance", "/p/acme-textiles/merino-jacket-0001"},
	{"trace-lookup", "/p"},
	{"recalls", "/recalls"},
	{"recall", "/recalls/2"},
	{"signin", "/signin"},
	{"pool-new", "/pools/new"},
	{"hub-deliveries", "/hub/deliveries"},
	{"hub-pickup", "/hub/pickup"},
	{"carrier", "/carrier"},
	{"pledge", "/pledge"},
	{"demand-index", "/demand"},
	{"demand", "/demand/acme-textiles/merino-jacket"},
	{"not-found", "/pools/999"},
}

// TestAccessibilityAndPhone opens every kind of page in Chromium, in English
// and in Chinese, at desktop and at phone width: axe-core reports no
// serious or critical violation, the page never scrolls sideways on a
// phone, and no table cell or form control sits past the screen's right
// edge (tables become cards on a phone). With $GONGXU_SCREENSHOTS set, it
// keeps a screenshot of each (docs/screenshots).
func TestAccessibilityAndPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	f := newSite(t)
	d, err := sqlite.NewDemand(f.w.Read(), gongxu.DemandThresholds{MinContributors: 1, DominanceN: 2, DominancePct: 100})
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.config()
	cfg.Demand, cfg.Forecast = d, demandforecast.New(d)
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	// A browser session per a11yChunk pages: a session is bounded by
	// webtest.Timeout, and the whole list (4 loads a page) outgrew it on a
	// loaded machine.
	for i := 0; i < len(a11yPages); i += a11yChunk {
		pages := a11yPages[i:min(i+a11yChunk, len(a11yPages))]
		t.Run(pages[0].name, func(t *testing.T) { checkPages(t, webtest.Browser(t), srv.URL, pages) })
	}
}

// a11yChunk is how many pages of a11yPages one browser session checks.
const a11yChunk = 7

// TestReputationAccessibilityAndPhone is TestAccessibilityAndPhone for the
// reputation pages, in a browser session of their own (a session is bounded
// by webtest.Timeout): an org's page with its figures and a figure's facts.
func TestReputationAccessibilityAndPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)
	h, err := New(newSite(t).config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	checkPages(t, ctx, srv.URL, []struct{ name, path string }{
		{"org-supplier", "/orgs/blue-river-cotton"},
		{"reputation", "/orgs/blue-river-cotton/reputation/on_time"},
		{"reputation-pools", "/orgs/acme-textiles/reputation/on_time"},
	})
}

// checkPages opens pages in the browser of ctx, in English and in Chinese,
// at desktop and at phone width: axe-core reports no serious or critical
// violation, the page never scrolls sideways on a phone, and no table cell
// or form control sits past the screen's right edge. With
// $GONGXU_SCREENSHOTS set, it keeps a screenshot of each.
func checkPages(t *testing.T, ctx context.Context, base string, pages []struct{ name, path string }) {
	t.Helper()
	shots := os.Getenv("GONGXU_SCREENSHOTS") != ""

	for _, lang := range []string{"en", "zh-CN"} {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"/lang?to="+lang+"&back=%2F")); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int64{1280, 390} {
			height := int64(900)
			if width < 500 {
				height = 844
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				what := fmt.Sprintf("%s %s at %dpx", lang, p.path, width)
				if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				if got, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.lang")); err != nil || got != lang {
					t.Errorf("%s: lang %q (%v)", what, got, err)
				}
				vs, err := webtest.Axe(ctx, "serious")
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				for _, v := range vs {
					t.Errorf("%s: %s", what, v)
				}
				if width < 500 {
					cells, scrolls, err := webtest.Offscreen(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if scrolls {
						t.Errorf("%s: the page scrolls sideways", what)
					}
					if len(cells) > 0 {
						t.Errorf("%s: off-screen:\n  %s", what, strings.Join(cells[:min(len(cells), 8)], "\n  "))
					}
				}
				if shots {
					webtest.Screenshot(t, ctx, fmt.Sprintf("%s-%s-%d.png", p.name, lang, width))
				}
			}
		}
	}
}
