package web

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// TestBrowser loads the pages in a real headless chromium: the home page shows
// the network, htmx refreshes the height when a block comes, an org link
// leads to the org page, and on a phone-sized screen the page does not scroll
// sideways. Screenshots go to t.TempDir() and to $GONGXU_SCREENSHOTS.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
	ctx := webtest.Browser(t)

	f := newSite(t)
	h, err := New(f.config())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1
	t.Cleanup(srv.Close)

	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		webtest.Do(t, ctx, what, actions...)
	}
	text := func(sel string) string { t.Helper(); return webtest.Text(t, ctx, sel) }

	// The home page, as a person sees it.
	run("load home", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#orgs table")))
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title != "Network · gongxu" {
		t.Errorf("title %q, %v", title, err)
	}
	orgs := text("#orgs tbody")
	members, err := f.members.Orgs(t.Context())
	if err != nil || len(members) != 7 {
		t.Fatalf("%d orgs (%v)", len(members), err)
	}
	for _, o := range members {
		if !strings.Contains(orgs, o.Name) || !strings.Contains(orgs, string(o.ID)) {
			t.Errorf("orgs table lacks %s (%s):\n%s", o.Name, o.ID, orgs)
		}
	}
	if !strings.Contains(orgs, "factory") || !strings.Contains(orgs, "logistics") {
		t.Errorf("orgs table lacks role badges:\n%s", orgs)
	}
	height := f.w.Height()
	if got := text("#height"); got != strconv.FormatInt(height, 10) {
		t.Errorf("height %q, want %d", got, height)
	}
	if got := text("#validators tbody"); !strings.Contains(got, "Swift Logistics") || !strings.Contains(got, "50%") {
		t.Errorf("validators table:\n%s", got)
	}
	if got := text("#proposals"); !strings.Contains(got, "Admit Riverside Shop") {
		t.Errorf("proposals:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "home.png")

	// A block comes, with Swift's vote: htmx, polling every 2 s, shows the
	// new height and tx.
	f.w.Send(inproc.Swift, "member/vote", inproc.M{"proposal": f.w.AdmitRiverside, "yes": true})
	next := strconv.FormatInt(height+1, 10)
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](
		`document.querySelector("#height").textContent.trim() === `+jsString(next),
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second),
	)); err != nil {
		t.Fatalf("htmx did not refresh the height to %s (is htmx running?): %v; height is %q", next, err, text("#height"))
	}
	if got := text("#txs tbody tr:first-child"); !strings.Contains(got, "Swift Logistics") || !strings.Contains(got, next) {
		t.Errorf("newest tx row after refresh: %q", got)
	}

	// Follow an org link.
	run("click org link",
		chromedp.Click(chromedp.CSS(`#orgs a[href="/orgs/acme-textiles"]`)),
		chromedp.WaitVisible(chromedp.CSS("#org h1")),
	)
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || loc != srv.URL+"/orgs/acme-textiles" {
		t.Errorf("location %q, %v", loc, err)
	}
	if got := text("#org h1"); got != "Acme Textiles" {
		t.Errorf("org page heading %q", got)
	}
	if got := text("#keys"); !strings.Contains(got, string(key(inproc.Acme))) {
		t.Errorf("org keys:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "org.png")

	// A proposal and its votes.
	run("load proposal", chromedp.Navigate(srv.URL+"/proposals/3"), chromedp.WaitVisible(chromedp.CSS("#votes svg.bar")))
	if got := text("#votes"); !strings.Contains(got, "3 yes and 1 no of 7") || !strings.Contains(got, "Sunrise Garments") {
		t.Errorf("votes:\n%s", got)
	}
	webtest.Screenshot(t, ctx, "proposal.png")

	// The language switch: the same page in Chinese, remembered for the
	// next pages, and back to English.
	run("switch to Chinese", chromedp.Click(chromedp.CSS("#lang-switch")), chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] #votes`)))
	if got := text("#votes"); !strings.Contains(got, "个赞成") || !strings.Contains(got, "Sunrise Garments") {
		t.Errorf("votes in Chinese:\n%s", got)
	}
	run("home in Chinese", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] #orgs table`)))
	if got := text("main h1"); got != "网络" {
		t.Errorf("home heading in Chinese %q", got)
	}
	webtest.Screenshot(t, ctx, "home-zh.png")
	run("switch back to English", chromedp.Click(chromedp.CSS("#lang-switch")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #orgs table`)))
	if got := text("main h1"); got != "Network" {
		t.Errorf("home heading after switching back %q", got)
	}

	// On a phone the page fits the screen's width; wide tables scroll in their card.
	run("phone home",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#orgs table")),
	)
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](
		`[document.documentElement.clientWidth, document.documentElement.scrollWidth]`))
	if err != nil {
		t.Fatal(err)
	}
	if widths[0] != 390 || widths[1] > widths[0] {
		t.Errorf("on a 390 px screen: layout width %d, page width %d; want 390, at most 390", widths[0], widths[1])
	}
	webtest.Screenshot(t, ctx, "home-phone.png")

	// The friendly 404 page.
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(srv.URL+"/orgs/nobody"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 404 {
		t.Errorf("unknown org: status %d", resp.Status)
	}
	if got := text("#problem"); !strings.Contains(got, "No member organization has the id") {
		t.Errorf("404 page:\n%s", got)
	}
}
