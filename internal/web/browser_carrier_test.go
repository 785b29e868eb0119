package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestCarrierAccessibilityAndPhone is TestAccessibilityAndPhone for the
// carrier page as its carrier sees it, signed in on Swift Logistics' node
// (the list's /carrier is a hub's node, which is no carrier): a leg in
// transit (the delivery form), a leg to pick up (the pickup form), then a
// delivered leg. At desktop width too, no cell or form control of the
// page sits past the screen's right edge (its legs' table once hid the
// forms behind a sideways scroll).
func TestCarrierAccessibilityAndPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)
	f := newSite(t)
	f.op = f.w.Operator(inproc.Swift)
	f.operator = f.op
	w := f.w
	w.ShipPO(inproc.Blue, poLinen, inproc.LotLine{Line: 1, Lot: inproc.Blue + "/lf-0102", Qty: 40_000})
	w.Send(inproc.Blue, gongxu.TypeLogisticsAssign, gongxu.LegAssignBody{PO: poLinen, Shipment: 2, Carrier: inproc.Swift})
	w.Send(inproc.Acme, gongxu.TypeLogisticsAssign, gongxu.LegAssignBody{Pool: poolShipped, Hub: inproc.Lakeside, Carrier: inproc.Swift})
	w.Send(inproc.Swift, gongxu.TypeLogisticsPickup, gongxu.LegRefBody{Leg: 1})
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1: the forms answer
	t.Cleanup(srv.Close)

	webtest.Do(t, ctx, "sign in", chromedp.Navigate(srv.URL+"/signin?next=%2Fcarrier"), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#deliver-1")), chromedp.WaitVisible(chromedp.CSS("#pickup-2")))
	checkPages(t, ctx, srv.URL, []struct{ name, path string }{{"carrier", "/carrier"}})
	onScreen(t, ctx, srv.URL, "/carrier")

	w.Send(inproc.Swift, gongxu.TypeLogisticsDeliver, gongxu.LegDeliverBody{Leg: 1, ReceivedBy: "Wang Fang", Note: "2 rolls"})
	webtest.Do(t, ctx, "delivered", chromedp.Navigate(srv.URL+"/carrier"), chromedp.WaitVisible(chromedp.CSS("#delivered-1")))
	checkPages(t, ctx, srv.URL, []struct{ name, path string }{{"carrier-delivered", "/carrier"}})
	onScreen(t, ctx, srv.URL, "/carrier")
}

// onScreen opens path at desktop width, in English and in Chinese: no
// cell or form control sits past the screen's right edge.
func onScreen(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	for _, lang := range []string{"en", "zh-CN"} {
		webtest.Do(t, ctx, "desktop "+lang, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/lang?to="+lang+"&back="+url.QueryEscape(path)),
			chromedp.WaitReady(chromedp.CSS("footer")))
		cells, scrolls, err := webtest.Offscreen(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if scrolls || len(cells) > 0 {
			t.Errorf("%s at 1280px in %s: scrolls %v, off-screen:\n  %s", path, lang, scrolls, strings.Join(cells[:min(len(cells), 8)], "\n  "))
		}
	}
}
