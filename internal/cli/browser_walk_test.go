package cli

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demo"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// walkClose is the demo's close for the walk: the T-shirt batches go first
// and land about 3 s of block time after the pools open; the T-shirt pool
// closes at two thirds of the close (12 s), the jacket pool, whose six
// batches follow, at 18 s.
const walkClose = "18s"

// TestBrowserWalk walks each role's flow in Chromium on a real node: gongxu
// up --demo in a temporary home, its story told, then one headless browser
// signs in with the demo's token and, choosing the org to act as in the
// header, goes through the real forms of the factory (its console, opening
// a pool on the demo's rain jacket, deciding on a supplier's proposal,
// starting a work order), the supplier (proposing changes to the purchase
// order the demo leaves it, then accepting it once the factory rejected
// them), the hub (a walk-in pledge on the factory's new pool, confirming the
// delivery the demo leaves unconfirmed, refusing goods not made yet and
// handing a demo consumer theirs on their receipt code) and, signed out in
// a browser context of its own, the consumer (their pledge pages, by
// receipt code). After each form it checks the page's answer and then the
// ledger through the node's JSON API. It walks first in Chinese at a
// phone's 390×844, then in English at 1280×900; on every page axe-core
// finds no serious or critical violation, and no table cell or form
// control sits past the right edge. With $GONGXU_SCREENSHOTS set it keeps
// a screenshot of each step, <role>-<step>-<lang>-<width>.png.
func TestBrowserWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node, tells the demo's story and drives a browser")
	}
	if _, err := exec.LookPath(webtest.ChromiumPath()); err != nil {
		webtest.Browser(t) // skips, or fails with GONGXU_REQUIRE_BROWSER=1, before the node starts
	}
	home := t.TempDir()
	api := freeAddr(t)
	ports := freePorts(t)
	logs := &syncBuffer{}
	out, stop := startUpLogged(t, logs, "--demo", "--demo-close", walkClose, "--home", home, "--api", api,
		"--p2p-port", fmt.Sprint(ports.P2P), "--rpc-port", fmt.Sprint(ports.RPC))
	defer stop()
	m := regexp.MustCompile(`(?m)^  export GONGXU_TOKEN=(gx_[A-Za-z0-9_-]{43})$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no demo token printed:\n%s", out.String())
	}
	w := &walker{t: t, base: "http://" + api, token: m[1], shots: os.Getenv("GONGXU_SCREENSHOTS") != ""}

	// The story's last step, then the read model's.
	last := "demo: the jacket pool shipped to its hubs; two of three confirmed delivery, two consumers picked up"
	deadline := time.Now().Add(150 * time.Second) // a guard, not a measurement
	for !strings.Contains(logs.String(), last) {
		if strings.Contains(logs.String(), "level=ERROR") || time.Now().After(deadline) {
			t.Fatalf("the demo's story did not reach its last step:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	w.eventually("the read model has the demo's pickups", func() (bool, string) {
		shares := w.shares(1)
		return shares["hilltown-hub"].Pickups == 2, fmt.Sprint(shares)
	})

	w.ctx = webtest.Browser(t)
	w.started = time.Now()

	// The demo leaves a pickup ready for consumers 2 to 8 of Hilltown's first
	// jacket batch; each walk hands one of them their goods. The phone walks
	// first: it meets the pages with the most on them (the demo's purchase
	// order and delivery waiting), where a column is likeliest off-screen.
	w.consumer = 2
	for i, v := range []struct {
		lang          string
		width, height int64
	}{{"zh-CN", 390, 844}, {"en", 1280, 900}} {
		w.lang, w.width, w.height = v.lang, v.width, v.height
		if i == 0 {
			w.setup(w.ctx, "/signin?next=%2Ffactory")
			w.signIn()
		} else {
			w.setup(w.ctx, "/factory")
		}
		w.factory()
		w.supplier()
		w.hub()
		w.consumerPage()
		w.consumer++
	}
}

// walker walks the roles' flows in one browser on one node.
type walker struct {
	t       *testing.T
	base    string // the node's web pages and API, http://host:port
	token   string
	ctx     context.Context // the signed-in tab
	shots   bool
	started time.Time // the browser's start, for the log of the steps

	lang          string // "en" or "zh-CN"
	width, height int64

	// What one role leaves the next.
	proposed bool   // the supplier proposed changes to a purchase order
	pool     uint64 // the pool the factory opened
	code     string // the receipt code of the hub's walk-in pledge on it
	consumer int    // the demo consumer whose goods the hub hands over
	pickup   string // their receipt code
}

// stepTimeout bounds one browser step, so that a form that does not answer
// fails the step instead of the session.
const stepTimeout = 30 * time.Second

func (w *walker) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	w.runIn(w.ctx, what, actions...)
}

func (w *walker) runIn(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		w.t.Fatalf("%s (%s, %d px): %v", what, w.lang, w.width, err)
	}
}

// setup gives the tab the walk's viewport and language, ending on path.
func (w *walker) setup(ctx context.Context, path string) {
	w.t.Helper()
	vp := chromedp.EmulateViewport(w.width, w.height)
	if w.width < 500 {
		vp = chromedp.EmulateViewport(w.width, w.height, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	w.runIn(ctx, "viewport and language", vp, chromedp.Navigate(w.base+"/lang?to="+w.lang+"&back="+url.QueryEscape(path)))
	if got := w.eval(ctx, "document.documentElement.lang"); got != w.lang {
		w.t.Fatalf("after /lang?to=%s the page's language is %q", w.lang, got)
	}
}

// open loads path, waits for sel and checks the page.
func (w *walker) open(ctx context.Context, role, step, path, sel string) {
	w.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.Run(sctx, chromedp.NavigateResponse(w.base+path))
	if err != nil {
		w.t.Fatalf("%s %s: open %s: %v", role, step, path, err)
	}
	if res.Status != http.StatusOK {
		w.t.Errorf("%s %s: GET %s: status %d", role, step, path, res.Status)
	}
	w.runIn(ctx, role+" "+step+": wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	w.check(ctx, role, step)
}

// submit clicks a form's button, waits for the page it answers with and
// for sel on it, and checks the answer's status.
func (w *walker) submit(ctx context.Context, button, sel string, status int) {
	w.t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	res, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		w.t.Fatalf("click %s (%s, %d px): %v", button, w.lang, w.width, err)
	}
	if res.Status != int64(status) {
		w.t.Errorf("click %s (%s, %d px): status %d, want %d; the page says:\n%s", button, w.lang, w.width, res.Status, status, w.text(ctx, "main"))
	}
	w.runIn(ctx, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// actAs chooses org in the header's chooser on path's page; the chooser
// brings the same page back.
func (w *walker) actAs(org gongxu.OrgID, path, sel string) {
	w.t.Helper()
	w.run("open "+path, chromedp.Navigate(w.base+path), chromedp.WaitVisible(chromedp.CSS("#act-as-org")))
	if w.eval(w.ctx, `document.querySelector("#act-as-org").value`) != string(org) {
		w.run("choose "+string(org), chromedp.SetValue(chromedp.CSS("#act-as-org"), string(org)))
		w.submit(w.ctx, `#act-as button[type="submit"]`, sel, http.StatusOK)
	} else {
		w.run("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	}
	if got := w.eval(w.ctx, `document.querySelector("#act-as-org").value`); got != string(org) {
		w.t.Fatalf("acting as %q, want %s", got, org)
	}
	if loc := w.eval(w.ctx, "location.pathname + location.search"); loc != path {
		w.t.Errorf("the chooser brought back %s, not %s", loc, path)
	}
}

// check checks the tab's page: its language, axe-core's serious and
// critical violations, cells and controls off the right edge and sideways
// scrolling; and keeps a screenshot when asked.
func (w *walker) check(ctx context.Context, role, step string) {
	w.t.Helper()
	what := fmt.Sprintf("%s %s (%s, %d px)", role, step, w.lang, w.width)
	w.t.Logf("%s %s", time.Since(w.started).Round(time.Millisecond), what)
	if got := w.eval(ctx, "document.documentElement.lang"); got != w.lang {
		w.t.Errorf("%s: the page's language is %q", what, got)
	}
	vs, err := webtest.Axe(ctx, "serious")
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
	for _, v := range vs {
		w.t.Errorf("%s: %s", what, v)
	}
	cells, scrolls, err := webtest.Offscreen(ctx)
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
	if scrolls {
		w.t.Errorf("%s: the page scrolls sideways", what)
	}
	if len(cells) > 0 {
		w.t.Errorf("%s: past the right edge:\n  %s", what, strings.Join(cells[:min(len(cells), 8)], "\n  "))
	}
	if w.shots {
		webtest.Screenshot(w.t, ctx, fmt.Sprintf("%s-%s-%s-%d.png", role, step, w.lang, w.width))
	}
}

func (w *walker) eval(ctx context.Context, js string) string {
	w.t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		w.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

func (w *walker) exists(ctx context.Context, sel string) bool {
	w.t.Helper()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", sel)))
	if err != nil {
		w.t.Fatalf("query %s: %v", sel, err)
	}
	return b
}

func (w *walker) text(ctx context.Context, sel string) string {
	w.t.Helper()
	return w.eval(ctx, fmt.Sprintf("(document.querySelector(%q) || {}).innerText || ''", sel))
}

// says checks that the page's element sel says want in English, and in
// Chinese says something in Chinese.
func (w *walker) says(ctx context.Context, sel, want string) {
	w.t.Helper()
	got := w.text(ctx, sel)
	switch {
	case w.lang == "en" && !strings.Contains(got, want):
		w.t.Errorf("%s says %q, want %q", sel, got, want)
	case w.lang != "en" && !regexp.MustCompile(`\p{Han}`).MatchString(got):
		w.t.Errorf("%s says %q, not in Chinese", sel, got)
	}
}

// getJSON reads one of the node's API documents.
func (w *walker) getJSON(path string, v any) {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+w.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		w.t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		w.t.Fatalf("GET %s: %v\n%s", path, err, b)
	}
}

// eventually waits for the read model to say what ok wants: it follows the
// chain a moment after a transaction commits.
func (w *walker) eventually(what string, ok func() (bool, string)) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second) // a guard, not a measurement
	for {
		good, got := ok()
		if good {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("%s (%s walk): the ledger says %s", what, w.lang, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// committed checks that the transaction the page names is on the ledger,
// accepted.
func (w *walker) committed(what, hash string) {
	w.t.Helper()
	if !regexp.MustCompile(`^[0-9A-F]{64}$`).MatchString(hash) {
		w.t.Fatalf("%s: the page names transaction %q", what, hash)
	}
	w.eventually(what+" is committed", func() (bool, string) {
		var tx struct {
			Code   int    `json:"code"`
			Height int64  `json:"height"`
			Type   string `json:"type"`
		}
		w.getJSON("/v1/txs/"+hash, &tx)
		return tx.Height > 0 && tx.Code == 0, fmt.Sprintf("%+v", tx)
	})
}

type walkShare struct {
	Hub       gongxu.OrgID `json:"hub"`
	Delivered bool         `json:"delivered"`
	Pickups   int          `json:"pickups"`
}

func (w *walker) shares(pool uint64) map[gongxu.OrgID]walkShare {
	w.t.Helper()
	var ss []walkShare
	w.getJSON(fmt.Sprintf("/v1/pools/%d/shares", pool), &ss)
	out := map[gongxu.OrgID]walkShare{}
	for _, s := range ss {
		out[s.Hub] = s
	}
	return out
}

type walkBatch struct {
	Hub    gongxu.OrgID `json:"hub"`
	Tx     string       `json:"tx"`
	Qty    int64        `json:"qty"`
	Height int64        `json:"height"`
}

// batches are a pool's hub batches on the ledger.
func (w *walker) batches(pool uint64) []walkBatch {
	w.t.Helper()
	var bs []walkBatch
	w.getJSON(fmt.Sprintf("/v1/pools/%d/batches", pool), &bs)
	return bs
}

// signIn signs in on the sign-in page with the demo's token.
func (w *walker) signIn() {
	w.t.Helper()
	w.run("the sign-in form", chromedp.WaitVisible(chromedp.CSS("#signin-form")))
	w.check(w.ctx, "session", "signin")
	w.run("the demo's token", chromedp.SendKeys(chromedp.CSS("#token"), w.token))
	w.submit(w.ctx, "#signin-button", "#factory", http.StatusOK)
	if !w.exists(w.ctx, "#signout") || !w.exists(w.ctx, "#act-as-org") {
		w.t.Fatal("signed in with the demo token, the page offers no sign-out or no org to act as")
	}
}

// factory: Acme Apparel's console, a pool opened on its rain jacket, and a
// work order started on a production order that takes one.
func (w *walker) factory() {
	w.t.Helper()
	const acme = "acme-apparel"
	w.actAs(acme, "/factory", "#factory")
	w.check(w.ctx, "factory", "console")

	type pool struct {
		ID      uint64 `json:"id"`
		Product string `json:"product"`
		Status  string `json:"status"`
	}
	var before []pool
	w.getJSON("/v1/pools?factory="+acme+"&limit=100", &before)
	w.open(w.ctx, "factory", "pool-form", "/pools/new?product="+url.QueryEscape(acme+"/rain-jacket"), "#pool-new")
	if got := w.eval(w.ctx, `document.querySelector("#pool-product").value`); got != acme+"/rain-jacket" {
		w.t.Errorf("the pool form offers product %q, want the demo's rain jacket", got)
	}
	w.run("fill the pool form",
		chromedp.SetValue(chromedp.CSS("#pool-tiers"), "1:129.00,40:109.00"),
		chromedp.SetValue(chromedp.CSS("#pool-min-batch"), "40"),
		chromedp.SetValue(chromedp.CSS("#pool-cap"), "400"),
		chromedp.SetValue(chromedp.CSS("#pool-terms"), "Walk test: pickup at your hub."))
	w.submit(w.ctx, "#pool-new-btn", "#acted", http.StatusOK)
	if !w.exists(w.ctx, "#acted-done") {
		w.t.Fatalf("opening a pool: %s", w.text(w.ctx, "main"))
	}
	w.says(w.ctx, "#acted-done", "You opened a pool of acme-apparel/rain-jacket")
	w.check(w.ctx, "factory", "pool-opened")
	w.committed("the pool's opening", w.eval(w.ctx, `document.querySelector("#acted-tx-link").title`))
	w.eventually("a new open rain-jacket pool", func() (bool, string) {
		var after []pool
		w.getJSON("/v1/pools?factory="+acme+"&limit=100", &after)
		for _, p := range after {
			if !slices.ContainsFunc(before, func(b pool) bool { return b.ID == p.ID }) && p.Product == acme+"/rain-jacket" && p.Status == "open" {
				w.pool = p.ID
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", after)
	})

	// A proposal of the supplier's waits for the factory's decision: it
	// rejects it, and the order goes back to the supplier as sent.
	type po struct {
		ID      uint64 `json:"id"`
		Factory string `json:"factory"`
		Status  string `json:"status"`
	}
	var pos []po
	w.getJSON("/v1/purchase-orders?limit=100", &pos)
	decided := false
	for _, p := range pos {
		if p.Factory != acme || p.Status != "changes_proposed" {
			continue
		}
		w.open(w.ctx, "factory", "proposal", fmt.Sprintf("/purchase-orders/%d", p.ID), "#decide")
		w.run("the factory's reason", chromedp.SetValue(chromedp.CSS("#decide-reason"), "We need the dates as ordered."))
		w.submit(w.ctx, "#decide-reject", "#acted", http.StatusOK)
		if !w.exists(w.ctx, "#acted-done") {
			w.t.Fatalf("rejecting the proposal on purchase order %d: %s", p.ID, w.text(w.ctx, "main"))
		}
		w.says(w.ctx, "#acted-done", fmt.Sprintf("You rejected the supplier's proposal on purchase order %d", p.ID))
		w.check(w.ctx, "factory", "proposal-rejected")
		w.committed("the decision", w.eval(w.ctx, `document.querySelector("#acted-tx-link").title`))
		w.eventually(fmt.Sprintf("purchase order %d sent again", p.ID), func() (bool, string) {
			var now po
			w.getJSON(fmt.Sprintf("/v1/purchase-orders/%d", p.ID), &now)
			return now.Status == "sent", now.Status
		})
		decided = true
	}
	if !decided {
		w.t.Logf("factory (%s): no proposal of a supplier's waits for Acme's decision (the supplier proposes in the first walk)", w.lang)
	}

	// A work order, on the first production order whose page offers one.
	type order struct {
		ID      uint64 `json:"id"`
		Factory string `json:"factory"`
		Status  string `json:"status"`
	}
	var orders []order
	w.getJSON("/v1/production-orders?limit=100", &orders)
	started := false
	for _, o := range orders {
		if o.Factory != acme || o.Status == "completed" || o.Status == "cancelled" {
			continue
		}
		w.open(w.ctx, "factory", "order", fmt.Sprintf("/production-orders/%d", o.ID), "#factory-actions")
		if !w.exists(w.ctx, "#wo-start") {
			continue
		}
		var wos []json.RawMessage
		w.getJSON(fmt.Sprintf("/v1/production-orders/%d/work-orders", o.ID), &wos)
		w.run("fill the work order", chromedp.SetValue(chromedp.CSS("#wo-start-qty"), "2"))
		w.submit(w.ctx, "#wo-start-btn", "#acted", http.StatusOK)
		if !w.exists(w.ctx, "#acted-done") {
			w.t.Fatalf("starting a work order on order %d: %s", o.ID, w.text(w.ctx, "main"))
		}
		w.says(w.ctx, "#acted-done", fmt.Sprintf("You started a work order of 2 units on production order %d.", o.ID))
		w.check(w.ctx, "factory", "work-started")
		w.committed("the work order's start", w.eval(w.ctx, `document.querySelector("#acted-tx-link").title`))
		w.eventually("one more work order", func() (bool, string) {
			var now []json.RawMessage
			w.getJSON(fmt.Sprintf("/v1/production-orders/%d/work-orders", o.ID), &now)
			return len(now) == len(wos)+1, fmt.Sprintf("%d work orders, %d before", len(now), len(wos))
		})
		started = true
		break
	}
	if !started {
		w.t.Logf("factory (%s): no production order of Acme's takes a work order now: nothing to start", w.lang)
	}
}

// supplier: Lakeside Fabrics' inbox: the first purchase order that waits
// for it gets changes proposed (a later date), the first time; after the
// factory rejected them, it is accepted.
func (w *walker) supplier() {
	w.t.Helper()
	w.actAs("lakeside-fabrics", "/supplier", "#supplier")
	w.check(w.ctx, "supplier", "inbox")
	card := w.eval(w.ctx, `(document.querySelector("#supplier .po-card") || {}).id || ""`)
	if card == "" {
		if !w.exists(w.ctx, "#inbox-empty") {
			w.t.Errorf("the supplier's inbox shows neither an order nor that none waits")
		}
		w.t.Logf("supplier (%s): no purchase order waits for Lakeside's answer", w.lang)
		return
	}
	id := strings.TrimPrefix(card, "po-")
	if !w.proposed {
		w.run("open the proposal form", chromedp.Click(chromedp.CSS("#propose-"+id+"-open")), chromedp.WaitVisible(chromedp.CSS("#propose-"+id+"-btn")))
		w.check(w.ctx, "supplier", "propose-form")
		later := w.eval(w.ctx, fmt.Sprintf(`(() => { const d = new Date(document.querySelector("#date-%s-1").value + "T00:00:00Z"); d.setUTCDate(d.getUTCDate() + 7); return d.toISOString().slice(0, 10); })()`, id))
		w.run("propose a later date", chromedp.SetValue(chromedp.CSS("#date-"+id+"-1"), later),
			chromedp.SetValue(chromedp.CSS("#preason-"+id), "The thread ships a week later."))
		w.submit(w.ctx, "#propose-"+id+"-btn", "#supplier", http.StatusOK)
		if !w.exists(w.ctx, "#supplier-done") {
			w.t.Fatalf("proposing changes to purchase order %s: %s", id, w.text(w.ctx, "main"))
		}
		w.says(w.ctx, "#supplier-done", "You proposed changes to purchase order "+id+" from Acme Apparel")
		w.check(w.ctx, "supplier", "proposed")
		w.eventually("purchase order "+id+" with changes proposed", func() (bool, string) {
			var po struct{ Status string }
			w.getJSON("/v1/purchase-orders/"+id, &po)
			return po.Status == "changes_proposed", po.Status
		})
		w.proposed = true
		return
	}
	w.submit(w.ctx, "#accept-"+id+"-btn", "#supplier", http.StatusOK)
	if !w.exists(w.ctx, "#supplier-done") {
		w.t.Fatalf("accepting purchase order %s: %s", id, w.text(w.ctx, "main"))
	}
	w.says(w.ctx, "#supplier-done", "You accepted purchase order "+id+" from Acme Apparel.")
	w.check(w.ctx, "supplier", "accepted")
	w.eventually("purchase order "+id+" accepted", func() (bool, string) {
		var po struct{ Status string }
		w.getJSON("/v1/purchase-orders/"+id, &po)
		return po.Status == "accepted", po.Status
	})
}

// hub: Hilltown records a walk-in pledge on the factory's new pool; Old
// Town confirms the delivery the demo left it; Hilltown refuses the new
// pledge's goods (not made yet) and hands a demo consumer theirs.
func (w *walker) hub() {
	w.t.Helper()
	const hilltown, oldtown = "hilltown-hub", "oldtown-hub"
	w.actAs(hilltown, "/hub", "#hub-form")
	w.check(w.ctx, "hub", "pledge-form")
	item := w.eval(w.ctx, fmt.Sprintf(`[...document.querySelectorAll("#item option")].map(o => o.value).find(v => v.startsWith("%d/")) || ""`, w.pool))
	if item == "" {
		w.t.Fatalf("the hub's form offers no item of pool %d", w.pool)
	}
	w.run("fill the pledge", chromedp.SetValue(chromedp.CSS("#item"), item), chromedp.SetValue(chromedp.CSS("#qty"), "2"),
		chromedp.Click(chromedp.CSS("#paid")))
	w.submit(w.ctx, "#record", "#receipt", http.StatusOK)
	w.check(w.ctx, "hub", "receipt")
	w.code = w.text(w.ctx, "#receipt-code")
	batch := w.text(w.ctx, "#batch-tx")
	if want := receiptCode(w.t, batch, 0, w.text(w.ctx, "#pickup-secret")); w.code != want {
		w.t.Errorf("the receipt's code %q, want %q", w.code, want)
	}
	w.committed("the pledge's batch", batch)
	w.eventually("the pledge in the pool's batches", func() (bool, string) {
		bs := w.batches(w.pool)
		return slices.ContainsFunc(bs, func(b walkBatch) bool { return b.Tx == batch && b.Hub == hilltown && b.Qty == 2 }), fmt.Sprintf("%+v", bs)
	})

	// Deliveries: the demo leaves Old Town's of the jacket pool unconfirmed.
	w.actAs(oldtown, "/hub/deliveries", "#deliveries")
	w.check(w.ctx, "hub", "deliveries")
	confirm := w.eval(w.ctx, `(document.querySelector("#delivery-list button[id^=confirm-]") || {}).id || ""`)
	if confirm == "" {
		if !w.exists(w.ctx, "#no-deliveries") {
			w.t.Errorf("the deliveries page shows neither a delivery nor that none waits")
		}
		w.t.Logf("hub (%s): no delivery waits for Old Town's confirmation: it confirmed the demo's jacket delivery earlier in this test", w.lang)
	} else {
		var pool uint64
		fmt.Sscanf(confirm, "confirm-%d", &pool)
		w.submit(w.ctx, "#"+confirm, "#hub-done", http.StatusOK)
		w.says(w.ctx, "#done-message", "Old Town Pickup Point confirmed it received its")
		w.check(w.ctx, "hub", "delivered")
		w.committed("the delivery's confirmation", w.text(w.ctx, "#done-tx"))
		w.eventually("Old Town's delivery confirmed", func() (bool, string) {
			s := w.shares(pool)[oldtown]
			return s.Delivered, fmt.Sprintf("%+v", s)
		})
	}

	// Pickup: the new pledge's goods are not made yet; a demo consumer's
	// jackets are at Hilltown.
	w.actAs(hilltown, "/hub/pickup", "#pickup-form")
	w.check(w.ctx, "hub", "pickup-form")
	w.run("the new pledge's code", chromedp.SetValue(chromedp.CSS("#receipt"), w.code))
	w.submit(w.ctx, "#hand-over", "#hub-error", http.StatusUnprocessableEntity)
	w.says(w.ctx, "#hub-error", "Do not hand the goods over.")
	w.check(w.ctx, "hub", "pickup-refused")
	if s := w.shares(w.pool)[hilltown]; s.Pickups != 0 {
		w.t.Errorf("a refused pickup is on the ledger: %+v", s)
	}

	bs := w.batches(1)
	first := slices.IndexFunc(bs, func(b walkBatch) bool { return b.Hub == hilltown })
	if first < 0 {
		w.t.Fatalf("Hilltown has no batch in the jacket pool: %+v", bs)
	}
	for i, b := range bs {
		if b.Hub == hilltown && b.Height < bs[first].Height {
			first = i
		}
	}
	w.pickup = receiptCode(w.t, bs[first].Tx, w.consumer, demo.PickupSecret(hilltown, 1, 0, w.consumer))
	before := w.shares(1)[hilltown].Pickups
	w.run("open the pickup form again", chromedp.Navigate(w.base+"/hub/pickup"), chromedp.WaitVisible(chromedp.CSS("#pickup-form")),
		chromedp.SetValue(chromedp.CSS("#receipt"), w.pickup))
	w.submit(w.ctx, "#hand-over", "#hub-done", http.StatusOK)
	w.says(w.ctx, "#done-message", "is recorded as picked up at Hilltown Community Hub")
	w.check(w.ctx, "hub", "handed-over")
	w.committed("the pickup", w.text(w.ctx, "#done-tx"))
	w.eventually("the pickup at Hilltown", func() (bool, string) {
		s := w.shares(1)[hilltown]
		return s.Pickups == before+1, fmt.Sprintf("%+v, %d before", s, before)
	})
}

// consumerPage: signed out, in a browser context of its own, the consumer
// opens their pledge page with the walk-in pledge's receipt code, and the
// demo consumer with theirs.
func (w *walker) consumerPage() {
	w.t.Helper()
	ctx, cancel := chromedp.NewContext(w.ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	// Its tab opens on this context itself: a tab opened by a step's
	// shorter-lived context would close with the step.
	if err := chromedp.Do(ctx); err != nil {
		w.t.Fatalf("a browser context of its own: %v", err)
	}
	w.setup(ctx, "/pledge")
	w.runIn(ctx, "the pledge form", chromedp.WaitVisible(chromedp.CSS("#pledge-form")))
	if w.exists(ctx, "#signout") {
		w.t.Fatal("the consumer's browser context is signed in")
	}
	w.check(ctx, "consumer", "pledge-form")

	w.runIn(ctx, "the walk-in pledge's code", chromedp.SetValue(chromedp.CSS("#code"), w.code))
	w.submit(ctx, "#open-receipt", "#pledge-status", http.StatusOK)
	w.says(ctx, "#pledge-pool-status", "open")
	w.says(ctx, "#pledge-pickup", "Not yet")
	if got := w.text(ctx, "#pledge-qty"); !strings.Contains(got, "2") {
		w.t.Errorf("the pledge page says quantity %q, want 2", got)
	}
	if !w.exists(ctx, "#proof-verified") {
		w.t.Errorf("the pledge's proof is not verified: %s", w.text(ctx, "#pledge-proof"))
	}
	w.check(ctx, "consumer", "pledge-open")

	w.runIn(ctx, "the demo consumer's code", chromedp.Navigate(w.base+"/pledge"), chromedp.WaitVisible(chromedp.CSS("#pledge-form")),
		chromedp.SetValue(chromedp.CSS("#code"), w.pickup))
	w.submit(ctx, "#open-receipt", "#pledge-status", http.StatusOK)
	w.says(ctx, "#pledge-pickup", "Picked up:")
	if !w.exists(ctx, "#pledge-pickup a") {
		w.t.Errorf("the picked-up pledge names no pickup transaction: %s", w.text(ctx, "#pledge-pickup"))
	}
	w.check(ctx, "consumer", "pledge-picked-up")
}

// receiptCode is a consumer's receipt code (internal/web/receiptcode.go):
// "GX1" + base64url(batch tx || leaf index, 2 bytes big-endian || pickup
// secret).
func receiptCode(t *testing.T, tx string, index int, secret string) string {
	t.Helper()
	h, err := hex.DecodeString(tx)
	s, err2 := hex.DecodeString(secret)
	if err != nil || err2 != nil || len(h) != 32 || len(s) != 32 {
		t.Fatalf("receipt of tx %q and secret %q", tx, secret)
	}
	b := binary.BigEndian.AppendUint16(h, uint16(index))
	return "GX1" + base64.RawURLEncoding.EncodeToString(append(b, s...))
}
