package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowserPledge opens the address a receipt's QR code holds in a real
// headless chromium: scan.js takes the code from after "#", drops it from
// the address and posts it, and the consumer sees their pledge; the pickup
// page, in a browser without a camera, offers the typed code only.
func TestBrowserPledge(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)
	f := newSite(t)
	s := newHubServer(t, f)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	b := f.w.Batches[1][inproc.Hilltown][0]

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/pledge#"+rcCode(b, 4)), chromedp.WaitVisible(chromedp.CSS("#pledge-status"))); err != nil {
		t.Fatalf("open the pledge: %v", err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || strings.Contains(loc, "GX1") {
		t.Errorf("the code stays in the address %q (%v)", loc, err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#pledge-pickup")))
	if err != nil || !strings.Contains(got, "Picked up:") {
		t.Errorf("pickup %q, %v", got, err)
	}
	webtest.Screenshot(t, ctx, "pledge.png")

	// Without a code after "#", the form waits for one.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/pledge?from=qr#nothing"), chromedp.WaitVisible(chromedp.CSS("#pledge-form"))); err != nil {
		t.Fatalf("the empty pledge page: %v", err)
	}
}
