package web

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowserProduction loads the production pages in a real headless
// chromium: the factory console draws its Gantt chart with bars (the late
// work order's in red), a production order shows its re-plan history, and
// the supplier inbox accepts one purchase order (promising a later date for
// one line) and counter-proposes another through real clicks on its forms,
// with the fake operator checking what would be signed. On a phone-sized
// screen no page scrolls sideways. Screenshots go to t.TempDir() and to
// $GONGXU_SCREENSHOTS.
func TestBrowserProduction(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)

	f := newFakes()
	f.freshen(time.Now())
	f.op.org = "blue-river-cotton" // this node is the supplier's
	// A committed answer changes the order, as the read model would.
	f.op.onSend = func(typ string, body json.RawMessage) {
		var m struct {
			PO       uint64          `json:"po"`
			Promised []int64         `json:"promised"`
			Lines    []gongxu.POLine `json:"lines"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("%s body %s: %v", typ, body, err)
			return
		}
		f.prod.updatePO(m.PO, func(po *gongxu.PurchaseOrder) {
			switch typ {
			case gongxu.TypePOAccept:
				po.Status, po.Promised = gongxu.POAccepted, m.Promised
				po.Negotiation = append(po.Negotiation, gongxu.PONegotiation{By: "blue-river-cotton", Action: "accept", Time: time.Now().UnixMilli(), Height: 60})
			case gongxu.TypePOPropose:
				po.Status, po.Proposal = gongxu.POChangesProposed, m.Lines
				po.Negotiation = append(po.Negotiation, gongxu.PONegotiation{By: "blue-river-cotton", Action: "propose", Lines: m.Lines, Time: time.Now().UnixMilli(), Height: 61})
			}
		})
	}
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1: the supplier inbox answers
	t.Cleanup(srv.Close)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
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
	if n := eval(`document.querySelectorAll("#gantt svg.gantt g.gantt-bar rect").length`); n != 6 {
		t.Errorf("%v Gantt bars, want 6", n)
	}
	if n := eval(`document.querySelectorAll("#gantt svg.gantt g.gantt-bar.late rect").length`); n != 2 {
		t.Errorf("%v late bars, want 2 (the shirts' sewing and pressing)", n)
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
	if got := text("#orders #order-7"); !strings.Contains(got, "a day late") || !strings.Contains(got, "late") {
		t.Errorf("order 7 row: %q", got)
	}
	if got := text("#factory .sub"); !strings.Contains(got, "viewed read-only") {
		t.Errorf("factory subtitle: %q", got)
	}
	webtest.Screenshot(t, ctx, "factory.png")

	// A production order and its history.
	run("open order 7", chromedp.Click(chromedp.CSS(`#order-7 a[href="/production-orders/7"]`)), chromedp.WaitVisible(chromedp.CSS("#porder #history")))
	if got := text("#history"); !strings.Contains(got, "re-planned: the linen fabric comes a day late") {
		t.Errorf("history:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "production-order.png")

	// The supplier inbox: purchase orders 11 and 12 await an answer, once
	// signed in with an API token of the node.
	run("load supplier", chromedp.Navigate(srv.URL+"/supplier"), chromedp.WaitVisible(chromedp.CSS("#supplier-signin")))
	run("sign in", chromedp.Click(chromedp.CSS("#supplier-signin")), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#token"), testToken), chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#po-12")))
	if got := text("#supplier h2"); !strings.Contains(got, "Awaiting your answer 2") {
		t.Errorf("inbox heading %q", got)
	}
	webtest.Screenshot(t, ctx, "supplier.png")

	// Accept 12, promising line 2 a day later than asked.
	day0 := dayFloor(time.Now().UTC().Add(-time.Second).UnixMilli())
	later := dayInput(day0 + 3*dayMs)
	run("accept 12",
		chromedp.Click(chromedp.CSS("#accept-12-dates")),
		chromedp.WaitVisible(chromedp.CSS("#promised-12-2")),
		chromedp.SetValue(chromedp.CSS("#promised-12-2"), later),
		chromedp.Click(chromedp.CSS("#accept-12-btn")),
		chromedp.WaitVisible(chromedp.CSS("#supplier-done")),
	)
	sends := f.op.sends()
	if len(sends) != 1 || sends[0].Type != "production/po_accept" {
		t.Fatalf("sends %+v", sends)
	}
	if want := fmt.Sprintf(`{"po":12,"promised":[%d,%d]}`, day0+2*dayMs, day0+3*dayMs); string(sends[0].Body) != want {
		t.Errorf("accept body %s, want %s", sends[0].Body, want)
	}
	if got := text("#supplier-done"); !strings.Contains(got, "You accepted purchase order 12 from Acme Textiles.") {
		t.Errorf("result: %q", got)
	}
	webtest.Screenshot(t, ctx, "supplier-accepted.png")

	// Counter-propose 11: 1,500 buttons instead of 2,000, at ¥0.14.
	run("propose 11",
		chromedp.Click(chromedp.CSS("#propose-11-open")),
		chromedp.WaitVisible(chromedp.CSS("#qty-11-1")),
		chromedp.SetValue(chromedp.CSS("#qty-11-1"), "1,500"),
		chromedp.SetValue(chromedp.CSS("#price-11-1"), "0.14"),
		chromedp.SetValue(chromedp.CSS("#preason-11"), "1,500 in stock now"),
	)
	webtest.Screenshot(t, ctx, "supplier-propose.png")
	// The page after the acceptance shows its result: take it away, so that
	// the wait below is for the proposal's.
	eval(`document.querySelector("#supplier-done").remove(), 1`)
	run("send the proposal", chromedp.Click(chromedp.CSS("#propose-11-btn")), chromedp.WaitVisible(chromedp.CSS("#supplier-done")))
	sends = f.op.sends()
	if len(sends) != 2 || sends[1].Type != "production/po_propose" {
		t.Fatalf("sends %+v", sends)
	}
	if want := fmt.Sprintf(`{"po":11,"lines":[{"item":"bone-buttons","qty":1500000,"date":%d,"unit_price":14}],"reason":"1,500 in stock now"}`, day0+4*dayMs); string(sends[1].Body) != want {
		t.Errorf("proposal body %s, want %s", sends[1].Body, want)
	}
	if got := text("#supplier-done"); !strings.Contains(got, "You proposed changes to purchase order 11") {
		t.Errorf("result: %q", got)
	}
	if got := text("#inbox-empty"); !strings.Contains(got, "No purchase order awaits your answer.") {
		t.Errorf("inbox after both answers: %q", got)
	}
	if got := text("#waiting"); !strings.Contains(got, "#11") || !strings.Contains(got, "#10") {
		t.Errorf("proposals awaiting the factory:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "supplier-proposed.png")

	// The purchase order page shows the proposal and the negotiation.
	run("open po 11", chromedp.Navigate(srv.URL+"/purchase-orders/11"), chromedp.WaitVisible(chromedp.CSS("#proposal")))
	if got := text("#proposal"); !strings.Contains(got, "1,500") || !strings.Contains(got, "¥0.14") {
		t.Errorf("proposal:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "purchase-order.png")

	// On a phone every page fits the screen's width; the chart scrolls in its card.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, wait, shot string }{
		{"/factory?org=acme-textiles", "#gantt svg.gantt", "factory-phone.png"},
		{"/production-orders/7", "#history", "production-order-phone.png"},
		{"/purchase-orders/10", "#proposal", "purchase-order-phone.png"},
	} {
		run("phone "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		fitsWidth(p.path)
		webtest.Screenshot(t, ctx, p.shot)
	}
	// A fresh order to answer, to see the inbox's forms on a phone.
	f.prod.updatePO(11, func(po *gongxu.PurchaseOrder) { po.Status, po.Proposal = gongxu.POSent, nil })
	run("phone supplier", chromedp.Navigate(srv.URL+"/supplier"), chromedp.WaitVisible(chromedp.CSS("#po-11")),
		chromedp.Click(chromedp.CSS("#propose-11-open")), chromedp.WaitVisible(chromedp.CSS("#qty-11-1")))
	fitsWidth("/supplier")
	webtest.Screenshot(t, ctx, "supplier-phone.png")
}
