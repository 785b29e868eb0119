package web

import (
	"bytes"
	"image"
	"image/png"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowserTrace loads the traceability pages in a real headless
// chromium: the provenance page of the jacket lot shows its timeline with
// every step verified, the graph with its edges drawn, and a QR code that
// decodes to the page's own address, both as served (the SVG's modules)
// and as drawn on the screen (a screenshot of it, sampled module by
// module); a click on a lot of the graph opens that lot's page; the steps of
// the hub's shipment read in words, a pickup by its pledge. The recall
// page, on the hub's node, shows the hub first: the recalled lots shipped
// to it, the pledges its consumers already picked up and the units to
// hold, then its pledge batches; htmx brings in a new batch and a new
// pickup within seconds. On a phone-sized screen no page
// scrolls sideways and the QR code still decodes. Screenshots go to
// t.TempDir() and to $GONGXU_SCREENSHOTS.
func TestBrowserTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)

	f := newSite(t)
	_, labelB := pickedURN(f, 1)
	pledgeA, _ := pickedURN(f, 0)
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
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
	// qrDecodes checks the page's QR code: its SVG as served, and its
	// pixels as drawn.
	qrDecodes := func(what, want string) {
		t.Helper()
		svg, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("#qr svg")))
		if err != nil {
			t.Fatal(err)
		}
		size, dark, err := parseQRSVG(svg)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got, _, err := qrDecode(size, dark); err != nil || string(got) != want {
			t.Errorf("%s: the QR code's SVG decodes to %q, %v; want %q", what, got, err, want)
		}
		shot, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#qr svg")))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatal(err)
		}
		size, dark = sampleQR(img, size)
		if got, _, err := qrDecode(size, dark); err != nil || string(got) != want {
			t.Errorf("%s: the QR code on the screen (%v px) decodes to %q, %v; want %q", what, img.Bounds().Size(), got, err, want)
		}
	}

	// The provenance page of the jacket, as a consumer who scanned it sees it.
	run("load provenance", chromedp.Navigate(srv.URL+jacketPath), chromedp.WaitVisible(chromedp.CSS("#timeline li.step")))
	if got := text("#provenance h1"); got != "Merino wool jacket" {
		t.Errorf("heading %q", got)
	}
	if n := eval(`document.querySelectorAll("#timeline li.step.verified").length`); n != 12 {
		t.Errorf("%v verified steps, want 12 (the receiving of two lots is one step)", n)
	}
	if got := text("#step-1 .step-head"); !strings.Contains(got, "Shipped to the hub · in transit") || !strings.Contains(got, "✓ verified") {
		t.Errorf("newest step (the shipment to Lakeside): %q", got)
	}
	if got := text("#step-3 .step-head"); !strings.Contains(got, "Picked up by a consumer (pledge "+labelB+") · retail sold") || !strings.Contains(got, "✓ verified") {
		t.Errorf("newest pickup: %q", got)
	}
	for id, want := range map[string]string{"#step-2 h3": "Packed for Lakeside Corner Shop", "#step-5 h3": "Received at Hilltown Community Hub",
		"#step-6 h3": "Shipped to the hub", "#step-7 h3": "Packed for Hilltown Community Hub", "#step-10 h3": "Commissioning"} {
		if got := text(id); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if got := text("#step-12"); !strings.Contains(got, "Shipping") || !strings.Contains(got, "Blue River Cotton") || !strings.Contains(got, "recalled") {
		t.Errorf("oldest step: %q", got)
	}
	if got := text("#prov-recall-2"); !strings.Contains(got, "fails the colour-fastness test: <b>do not wash</b>") {
		t.Errorf("recall alert: %q", got)
	}
	// The graph: six curves with a length, seven boxes on the screen, the
	// start right of the fabric, the hubs' shipments right of the start.
	if n := eval(`[...document.querySelectorAll("svg.trace-graph path.tg-edge")].filter(p => p.getTotalLength() > 50).length`); n != 6 {
		t.Errorf("%v edges drawn, want 6", n)
	}
	if n := eval(`[...document.querySelectorAll("svg.trace-graph g.tg-node rect")].filter(r => r.getBoundingClientRect().width > 100).length`); n != 7 {
		t.Errorf("%v nodes drawn, want 7", n)
	}
	if eval(`document.querySelector("svg.trace-graph g.tg-node.start rect").getBoundingClientRect().x`) <=
		eval(`document.querySelector("svg.trace-graph g.tg-node.recalled rect").getBoundingClientRect().x`) {
		t.Error("the start is not right of the fabric")
	}
	if eval(`document.querySelector('svg.trace-graph a[href="/p/urn:gongxu:pool:1:hub:hilltown-hub"] rect').getBoundingClientRect().x`) <=
		eval(`document.querySelector("svg.trace-graph g.tg-node.start rect").getBoundingClientRect().x`) {
		t.Error("the hub's shipment is not right of the start")
	}
	qrDecodes("desktop", srv.URL+jacketDLPath) // the lot's GS1 Digital Link
	webtest.Screenshot(t, ctx, "provenance.png")

	// The event JSON opens; the graph's fabric leads to the fabric's page.
	run("open the event", chromedp.Click(chromedp.CSS("#step-10 details.raw summary")), chromedp.WaitVisible(chromedp.CSS("#step-10 details.raw pre")))
	if got := text("#step-10 details.raw pre"); !strings.Contains(got, `"type": "TransformationEvent"`) {
		t.Errorf("event JSON: %q", got)
	}
	run("click the fabric", chromedp.Click(chromedp.CSS(`svg.trace-graph a[href="/p/blue-river-cotton/fab-0042"] rect`)),
		chromedp.WaitVisible(chromedp.CSS("#provenance #timeline")))
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != srv.URL+"/p/blue-river-cotton/fab-0042" {
		t.Errorf("after the click: %q, %v", loc, err)
	}
	if got := text("#provenance h1"); got != "fab-0042" {
		t.Errorf("the fabric's page: %q", got)
	}
	if got := text("#timeline"); !strings.Contains(got, "Blue River Cotton") || !strings.Contains(got, "Shipping") {
		t.Errorf("the fabric's timeline: %q", got)
	}
	webtest.Screenshot(t, ctx, "provenance-fabric.png")

	// The recall, on the hub's node: the hub's batches first.
	run("load recall", chromedp.Navigate(srv.URL+"/recalls/2"), chromedp.WaitVisible(chromedp.CSS("#hub-reach")))
	if got := text("#your-hub"); !strings.Contains(got, "This recall reaches pools of Hilltown Community Hub") {
		t.Errorf("hub notice: %q", got)
	}
	if got := text("#hub-reach .hub-reach:first-of-type h3"); !strings.Contains(got, "Hilltown Community Hub") || !strings.Contains(got, "this node") ||
		!strings.Contains(got, "2 picked up · 55 units to hold") {
		t.Errorf("first hub: %q", got)
	}
	if got := text("#your-pickups"); !strings.Contains(got, "2 pledges already picked up with goods of the recalled lots: contact their consumers first") ||
		!strings.Contains(got, "Hold the 55 units still at your hub.") {
		t.Errorf("hub's pickups notice: %q", got)
	}
	if got := text("#hub-hilltown-hub .goods-left"); !strings.Contains(got, "55 units still at the hub") {
		t.Errorf("Hilltown holds: %q", got)
	}
	// The pickups, each pledge written whole on the screen, before the batches.
	if n := eval(`document.querySelectorAll("#hub-hilltown-hub table.pickups tbody tr").length`); n != 2 {
		t.Errorf("%v pickup rows, want 2", n)
	}
	if got := text("#hub-hilltown-hub table.pickups tbody tr:first-child"); !strings.Contains(got, pledgeA) || !strings.Contains(got, "acme-textiles/merino-jacket-0001") {
		t.Errorf("first pickup: %q", got)
	}
	if eval(`(() => { const c = document.querySelector("#hub-hilltown-hub td.pledge-cell code").getBoundingClientRect(); return c.width > 0 && c.height > 0 ? 1 : 0 })()`) != 1 {
		t.Error("the pledge is not on the screen")
	}
	if eval(`document.querySelector("#hub-hilltown-hub table.pickups").getBoundingClientRect().y`) >=
		eval(`document.querySelector("#hub-hilltown-hub table.batches").getBoundingClientRect().y`) {
		t.Error("the pickups are not above the batches")
	}
	// Lakeside's share, shipped before the recall, is on its way.
	if got := text("#hub-lakeside-corner .goods-left"); !strings.Contains(got, "28 units on their way to the hub") {
		t.Errorf("Lakeside, shipped: %q", got)
	}
	if n := eval(`document.querySelectorAll("#hub-reach table.batches tbody tr").length`); n != 3 {
		t.Errorf("%v batch rows, want 3", n)
	}
	if n := eval(`[...document.querySelectorAll("#graph svg.trace-graph path.tg-edge")].filter(p => p.getTotalLength() > 50).length`); n != 8 {
		t.Errorf("%v forward edges drawn, want 8", n)
	}
	webtest.Screenshot(t, ctx, "recall.png")

	// A new pickup at Hilltown: the first consumer of its first batch.
	f.w.Pickup(f.w.Batches[poolShipped][inproc.Hilltown][0], 0)
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](
		`document.querySelector("#reach-pickups").textContent.trim() === "3"`,
		chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second),
	)); err != nil {
		t.Fatalf("htmx did not bring in the new pickup: %v; pickups %q", err, text("#reach-pickups"))
	}
	if got := text("#your-pickups"); !strings.Contains(got, "3 pledges already picked up") || !strings.Contains(got, "Hold the 53 units") {
		t.Errorf("after the new pickup: %q", got)
	}
	webtest.Screenshot(t, ctx, "recall-pickups.png")

	// The recall list, and the home page's banner.
	run("load recalls", chromedp.Navigate(srv.URL+"/recalls"), chromedp.WaitVisible(chromedp.CSS("#recall-table")))
	if got := text("#recall-2"); !strings.Contains(got, "reaches your pools") {
		t.Errorf("recall 2 row: %q", got)
	}
	webtest.Screenshot(t, ctx, "recalls.png")
	run("load home", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#recall-banner-2")))
	webtest.Screenshot(t, ctx, "home-recall.png")

	// On a phone.
	run("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	run("phone provenance", chromedp.Navigate(srv.URL+jacketPath), chromedp.WaitVisible(chromedp.CSS("#timeline li.step")))
	fitsWidth(jacketPath)
	qrDecodes("phone", srv.URL+jacketDLPath)
	webtest.Screenshot(t, ctx, "provenance-phone.png")
	for _, p := range []struct{ path, wait, shot string }{
		{"/recalls/2", "#hub-reach", "recall-phone.png"},
		{"/recalls", "#recall-table", "recalls-phone.png"},
		{"/pools/1", "#recall-banner-2", "pool-recall-phone.png"},
		{"/pools/1", "#hubs td.shipped", "pool-shipped-phone.png"},
		{"/p/nothing/here", "#trace-problem", "provenance-unknown-phone.png"},
	} {
		run("phone "+p.path, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
		fitsWidth(p.path)
		webtest.Screenshot(t, ctx, p.shot)
	}
}

// sampleQR reads a symbol of size modules from a picture of its SVG (the
// quiet zone included): the colour at the middle of each module.
func sampleQR(img image.Image, size int) (int, func(x, y int) bool) {
	b := img.Bounds()
	side := float64(size + 2*qrQuiet)
	dark := make([]bool, size*size)
	for y := range size {
		for x := range size {
			px := b.Min.X + int((float64(x+qrQuiet)+0.5)*float64(b.Dx())/side)
			py := b.Min.Y + int((float64(y+qrQuiet)+0.5)*float64(b.Dy())/side)
			r, g, bl, _ := img.At(px, py).RGBA()
			dark[y*size+x] = (r+g+bl)/3 < 0x8000
		}
	}
	return size, func(x, y int) bool { return dark[y*size+x] }
}
