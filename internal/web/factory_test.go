package web

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// between returns the part of body from the element with id to the next
// section, to check what a section holds.
func between(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element with id %q", id)
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], "<section"); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

func TestFactoryConsole(t *testing.T) {
	f := newSite(t)
	f.op.SetOrg(inproc.Acme)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/factory", http.StatusOK)
	contains(t, "factory console", body,
		"<title>Factory · Acme Textiles · gongxu</title>", `<a href="/factory" aria-current="page">Factory</a>`, `<a href="/supplier">Supplier</a>`,
		"<h1>Acme Textiles</h1>", "this node&#39;s organization")
	lacks(t, "own console", body, "viewed read-only")

	orders := between(t, body, "orders")
	contains(t, "orders", orders,
		`<tr id="order-3" class="late">`, `<a href="/production-orders/3">#3</a>`, `<code title="acme-textiles/linen-shirt">linen-shirt</code>`,
		`<td class="num">30<span class="rel">30 made</span></td>`, "20 Jan 2026</time> <span class=\"badge err\">late</span>",
		"linen fabric from Blue River Cotton promised for the 16th, a day late", `<span class="badge status-in_progress">in progress</span>`,
		`<a href="/pools/4">pool #4</a>`,
		// Order 4: the plan now says later than published, and why.
		`<span class="rel replan">plan now: <time datetime="2026-02-16T09:00:00Z"`, "waits for merino-fabric from blue-river-cotton, due 2026-02-08",
		`<span class="badge status-completed">completed</span>`)
	lacks(t, "orders", orders, `<tr id="order-4" class="late">`, `<tr id="order-2" class="late">`, `<tr id="order-1" class="late">`) // a completed order is never late

	plan, err := f.plans.Plan(context.Background(), inproc.Acme)
	if err != nil || len(plan.Problems) != 1 {
		t.Fatalf("Acme's plan: problems %q (%v)", plan.Problems, err)
	}
	gantt := between(t, body, "gantt")
	contains(t, "gantt", gantt, `<div class="gantt-wrap"><svg class="gantt"`, `class="gantt-bar late"`, `class="gantt-today"`,
		`<a href="/factory/gantt.svg?org=acme-textiles&amp;zoom=day">`)
	contains(t, "problems", between(t, body, "plan-problems"), "acme-textiles/bamboo-socks has no item in the master data of acme-textiles")
	contains(t, "planned work", between(t, body, "planned-work"), `<code title="wo:acme-textiles/linen-shirt@2026-01-18">linen-shirt</code>`,
		`<tr class="late">`, "order-3")
	contains(t, "planned purchases", between(t, body, "planned-purchases"), `<a href="/orgs/blue-river-cotton" title="blue-river-cotton">Blue River Cotton</a>`,
		`<span class="badge err">overdue</span>`, "merino-fabric")

	neg := between(t, body, "negotiating")
	contains(t, "negotiating", neg, `id="po-row-7"`, `id="po-row-6"`, `id="po-row-5"`, `id="po-row-4"`,
		`<a href="/orgs/blue-river-cotton">Blue River Cotton</a>`, `<a href="/orgs/lakeside-dyeworks">Lakeside Dyeworks</a>`, "¥5,265.00", "awaits the supplier",
		`<span class="badge status-changes_proposed">changes proposed</span>`, "awaits the factory", "loom maintenance until the 31st")
	lacks(t, "negotiating", neg, `id="po-row-3"`, `id="po-row-2"`, `id="po-row-1"`)
	other := between(t, body, "purchase-orders")
	contains(t, "other POs", other, `id="po-row-3"`, `id="po-row-2"`, `id="po-row-1"`, "no silk before February", "awaits shipment",
		`<span class="badge status-received">received</span>`)
	contains(t, "stock", between(t, body, "stock"), "<code>cotton-thread</code></td><td class=\"num\">240</td>",
		"<code>linen-fabric</code></td><td class=\"num\">50</td>", "<code>merino-fabric</code></td><td class=\"num\">18</td>")
	contains(t, "plan txs", between(t, body, "plan-txs"), "<code>production/po</code> purchase order to blue-river-cotton",
		"<code>production/plan_date</code> order 3 completes")
	// Lots, linked to their provenance pages.
	contains(t, "lots", between(t, body, "lots"), `<a class="lot" href="/p/acme-textiles/scarf-001"><code>acme-textiles/scarf-001</code></a>`,
		"work order #2", `<code title="acme-textiles/wool-scarf">wool-scarf</code>`, `<span class="rel">50 reserved</span>`,
		`<a class="lot" href="/p/blue-river-cotton/lf-0101"><code>blue-river-cotton/lf-0101</code></a> <a class="muted" href="/purchase-orders/2">PO #2</a>`,
		// recalled, or made of recalled fabric: held, linked to the recall
		`<a class="badge err lot-hold" href="/recalls/1">held by recall #1</a>`, `<a class="badge err lot-hold" href="/recalls/2">held by recall #2</a>`)
}

func TestFactoryViews(t *testing.T) {
	// Another factory, from a hub's node: read-only.
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/factory?org=acme-textiles", http.StatusOK)
	contains(t, "other factory", body, "<h1>Acme Textiles</h1>", "viewed read-only", `class="gantt-bar`)
	lacks(t, "other factory", body, "<form")

	// Without ?org=, a hub's node offers the factories.
	body = page(t, s, "/factory", http.StatusOK)
	contains(t, "chooser", body, "<h1>Factory console</h1>", "Hilltown Community Hub, this node&#39;s organization, is not a factory.",
		`<a href="/factory?org=acme-textiles">Acme Textiles</a>`, `<a href="/factory?org=sunrise-garments">Sunrise Garments</a>`)
	lacks(t, "chooser", body, "Blue River Cotton")

	// A supplier makes what it sells: it plans (its inputs, from the orders
	// it accepted) and has a console like a factory; an org that is
	// neither is not planned; ids that name nobody are not found.
	body = page(t, s, "/factory?org=blue-river-cotton", http.StatusOK)
	contains(t, "supplier", body, "<h1>Blue River Cotton</h1>", "No work centers")
	lacks(t, "supplier", body, "no production of its own")
	body = page(t, s, "/factory?org=hilltown-hub", http.StatusOK)
	contains(t, "hub as factory", body, "Hilltown Community Hub is neither a factory nor a supplier: it has no production of its own.",
		"The plan could not be made: org hilltown-hub is not a factory (nor a supplier)")
	for _, q := range []string{"nobody", "Not_An_Id", "%20"} {
		body = page(t, s, "/factory?org="+q, http.StatusNotFound)
		contains(t, q, body, "No member organization has the id")
	}

	for _, c := range []struct {
		name string
		set  func(*site)
		want string
	}{
		{"no operator", func(f *site) { f.operator = nil }, "This node has no operator key"},
		{"no org", func(f *site) { f.op.SetOrg("") }, "belongs to no member organization yet"},
		{"not a member", func(f *site) { f.op.SetOrg("gone-factory") }, "gone-factory, which is not a member organization"},
	} {
		f := newSite(t)
		c.set(f)
		s, err := newServer(f.config(), func() time.Time { return testNow })
		if err != nil {
			t.Fatal(err)
		}
		body := page(t, s, "/factory", http.StatusOK)
		contains(t, c.name, body, c.want, `<a href="/factory?org=acme-textiles">`)
		if c.name == "no operator" {
			lacks(t, c.name, body, `href="/supplier"`)
		}
	}
}

func TestFactoryWithoutPlan(t *testing.T) {
	for _, c := range []struct {
		name   string
		plans  gongxu.PlanService
		want   string
		hidden string
	}{
		{"no planner", nil, "This node does not plan", ""},
		{"refused", inproc.Broken{Err: gongxu.Errorf(gongxu.KindInvalid, "bill of materials has a cycle: a → b")},
			"The plan could not be made: bill of materials has a cycle: a → b", ""},
		{"starting", inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "starting")}, "The planner is not ready yet", ""},
		{"broken", inproc.Broken{Err: errors.New("mrp: /var/secret exploded")}, "The plan could not be computed; the node&#39;s log has the details.", "/var/secret"},
		{"wrapped", inproc.Broken{Err: gongxu.Wrap(errors.New("sqlite: /var/secret locked"), "read master")},
			"The plan could not be computed", "/var/secret"},
	} {
		f := newSite(t)
		f.op.SetOrg(inproc.Acme)
		f.plans = c.plans
		cfg := f.config()
		var logs strings.Builder
		cfg.Logger = newTextLogger(&logs)
		s, err := newServer(cfg, func() time.Time { return testNow })
		if err != nil {
			t.Fatal(err)
		}
		body := page(t, s, "/factory", http.StatusOK)
		contains(t, c.name, body, c.want, `id="plan-note"`, `id="orders"`, `id="negotiating"`, `id="stock"`)
		lacks(t, c.name, body, "<svg class=\"gantt\"", `id="planned-work"`, `id="plan-txs"`)
		if c.hidden != "" {
			lacks(t, c.name, body, c.hidden)
			contains(t, c.name+" log", logs.String(), c.hidden)
		}
		res, _ := do(t, s, "GET", "/factory/gantt.svg")
		if want := map[string]int{"no planner": 404, "refused": 404, "starting": 503, "broken": 500, "wrapped": 500}[c.name]; res.StatusCode != want {
			t.Errorf("%s: gantt.svg status %d, want %d", c.name, res.StatusCode, want)
		}
	}
}

func TestGanttSVGFile(t *testing.T) {
	f := newSite(t)
	f.op.SetOrg(inproc.Acme)
	s, _ := newTestServer(t, f)
	plan, err := f.plans.Plan(context.Background(), inproc.Acme)
	if err != nil {
		t.Fatal(err)
	}
	bars := 0 // an operation of no duration is not drawn
	for _, op := range plan.Ops {
		if op.End > op.Start {
			bars++
		}
	}
	if bars < 6 {
		t.Fatalf("Acme's plan has %d operations to draw", bars)
	}
	for _, target := range []string{"/factory/gantt.svg", "/factory/gantt.svg?org=acme-textiles"} {
		res, body := do(t, s, "GET", target)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" {
			t.Fatalf("%s: status %d, %s", target, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<svg class="gantt" xmlns="http://www.w3.org/2000/svg"`) {
			t.Errorf("%s: starts %.120q", target, body)
		}
		d := xml.NewDecoder(strings.NewReader(body))
		for {
			if _, err := d.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: not well-formed: %v", target, err)
			}
		}
		if n := strings.Count(body, `<g class="gantt-bar`); n != bars {
			t.Errorf("%s: %d bars, want %d", target, n, bars)
		}
	}
	f.op.SetOrg(inproc.Hilltown)
	for target, want := range map[string]string{
		"/factory/gantt.svg":                  "No factory to chart",
		"/factory/gantt.svg?org=nobody":       "No member organization has the id",
		"/factory/gantt.svg?org=hilltown-hub": "The plan of hilltown-hub could not be made: org hilltown-hub is not a factory (nor a supplier)",
	} {
		body := page(t, s, target, http.StatusNotFound)
		contains(t, target, body, want)
	}
}

func TestProductionOrderPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/production-orders/3", http.StatusOK)
	contains(t, "order 3", body, "<title>Production order 3 · gongxu</title>", "<h1>Production order #3</h1>",
		`<span class="badge status-in_progress">in progress</span>`, `<a href="/orgs/acme-textiles">Acme Textiles</a>`,
		`<a href="/pools/4">pool #4 Linen shirt</a>`, `<a href="/factory?org=acme-textiles">factory console</a>`,
		`<dd id="produced">0</dd>`, "20 Jan 2026 12:00 UTC</time> <span class=\"badge err\">late</span>",
		`<dd id="plan-reason">linen fabric from Blue River Cotton promised for the 16th, a day late</dd>`,
		"from pool 4", "work order 3 started", "planned completion 20 Jan 2026 12:00 UTC: linen fabric from Blue River Cotton promised for the 16th",
		"<td>#3</td>", `<td class="num">20</td>`, `<td class="num">0.5</td>`,
		`<a class="lot" href="/p/acme-textiles/blue-river-cotton/lf-0101"><code>acme-textiles/blue-river-cotton/lf-0101</code></a> 50`,
		"No lots made yet.")
	// History oldest first.
	if strings.Index(body, "from pool 4") > strings.Index(body, "work order 3 started") {
		t.Error("history out of order")
	}
	lacks(t, "order 3", body, "order-ready")

	body = page(t, s, "/production-orders/2", http.StatusOK)
	contains(t, "order 2", body, `<span class="badge status-completed">completed</span>`, `<a class="lot" href="/p/acme-textiles/scarf-001"><code>acme-textiles/scarf-001</code></a></td><td class="num">30</td>`,
		"Output lots <span class=\"count\">1</span>", "work order 2 completed the quantity")
	lacks(t, "order 2", body, "badge err\">late", "from <a href=\"/pools/")

	for _, raw := range []string{"99", "0", "seven", "-1"} {
		body := page(t, s, "/production-orders/"+raw, http.StatusNotFound)
		contains(t, raw, body, "No production order has the number &#34;"+raw+"&#34;.")
	}
}

func TestPurchaseOrderPage(t *testing.T) {
	f := newSite(t)
	f.op.SetOrg(inproc.Blue)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/purchase-orders/4", http.StatusOK)
	contains(t, "po 4", body, "<h1>Purchase order #4</h1>", `<span class="badge status-changes_proposed">changes proposed</span>`,
		`<a href="/orgs/acme-textiles">Acme Textiles</a>`, `to <a href="/orgs/blue-river-cotton">Blue River Cotton</a>`, "¥2,800.00",
		`id="proposal"`, `<td class="num">100</td>`, `<td class="changed"><time datetime="2026-02-01T00:00:00Z"`,
		`<td class="num changed">¥27.50</td>`, `<td class="num">¥2,750.00</td>`,
		`<span class="badge action-propose">propose</span> by <a href="/orgs/blue-river-cotton" title="blue-river-cotton">Blue River Cotton</a>`,
		"“loom maintenance until the 31st”", "100 <code>linen-fabric</code> by <time", "Nothing shipped yet.")
	lacks(t, "po 4", body, `<td class="num changed">100</td>`, "Answer it in the supplier inbox")

	body = page(t, s, "/purchase-orders/2", http.StatusOK)
	contains(t, "po 2", body, `<span class="badge status-accepted">accepted</span>`,
		`<time datetime="2026-01-16T00:00:00Z" title="16 Jan 2026 00:00 UTC">16 Jan 2026</time> <span class="badge err">later</span>`,
		"<h3>Shipment 1 <span class=\"muted\">· <time", `<td><a class="lot" href="/p/blue-river-cotton/lf-0101"><code>blue-river-cotton/lf-0101</code></a></td>`)
	lacks(t, "po 2", body, `id="proposal"`)

	body = page(t, s, "/purchase-orders/3", http.StatusOK)
	contains(t, "po 3", body, `<p class="alert" id="po-reason">Rejected by the supplier: no silk before February</p>`)

	// The supplier's own machine gets a link to answer a sent order.
	req := httptest.NewRequest("GET", "/purchase-orders/6", nil)
	req.RemoteAddr = localAddr
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	contains(t, "po 6 locally", rec.Body.String(), `<a class="button" href="/supplier#po-6">Answer it in the supplier inbox</a>`)
	lacks(t, "po 6 from afar", page(t, s, "/purchase-orders/6", http.StatusOK), "Answer it")

	for _, raw := range []string{"99", "0", "x"} {
		body := page(t, s, "/purchase-orders/"+raw, http.StatusNotFound)
		contains(t, raw, body, "No purchase order has the number &#34;"+raw+"&#34;.")
	}
}

func TestPoolProduction(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/pools/4", http.StatusOK)
	prod := between(t, body, "production")
	contains(t, "pool 4", prod, `<a href="/production-orders/3">Production order #3</a> <span class="badge status-in_progress">in progress</span>`,
		"<dt>Quantity</dt><dd>64 units</dd>", `<span class="badge err">late</span>`,
		`<dd id="plan-reason">linen fabric from Blue River Cotton promised for the 16th, a day late</dd>`)
	lacks(t, "pool 4", prod, "Made:")
	lacks(t, "pool 5", page(t, s, "/pools/5", http.StatusOK), `id="production"`)

	// The work order completes the order; the pool is ready: finished lots
	// wait for the hubs.
	f.w.Send(inproc.Acme, "production/wo_complete", inproc.M{"wo": f.w.ShirtWO, "produced": 64_000, "scrapped": 500,
		"outputs": []inproc.M{{"code": "linen-shirt-0001", "qty": 64_000}}})
	body = page(t, s, "/pools/4", http.StatusOK)
	contains(t, "ready pool", body, `<span class="badge status-ready">ready</span>`, `id="pool-stage">Made: the goods wait to be shipped to the hubs.`,
		`<span class="badge status-completed">completed</span>`, "production order 3 completed")
	lacks(t, "ready pool", between(t, body, "production"), "badge err\">late")
	contains(t, "ready pool card", page(t, s, "/pools", http.StatusOK), `<span class="badge status-ready">ready</span>`)
	body = page(t, s, "/production-orders/3", http.StatusOK)
	contains(t, "ready order", body, `id="order-stage">Made: the goods wait to be shipped to the hubs.`, `id="completed-at"`)
	lacks(t, "ready order", body, `id="plan-reason"`, `id="planned-completion"`)

	// Without Production the pool page has no production section, and there
	// are no production pages.
	cfg := f.config()
	cfg.Production = nil
	s2, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	body = page(t, s2, "/pools/4", http.StatusOK)
	lacks(t, "no production", body, `id="production"`, `href="/factory"`, `href="/supplier"`)
	for _, p := range []string{"/factory", "/factory/gantt.svg", "/production-orders/3", "/purchase-orders/6", "/supplier"} {
		page(t, s2, p, http.StatusNotFound)
	}
}

func TestProductionErrors(t *testing.T) {
	f := newSite(t)
	for _, target := range []string{"/factory?org=acme-textiles", "/production-orders/3", "/purchase-orders/6", "/pools/4"} {
		f.prod = inproc.Broken{Err: errors.New("sqlite: /var/secret/read.db is locked")}
		s, logs := newTestServer(t, f)
		body := page(t, s, target, http.StatusInternalServerError)
		lacks(t, target, body, "/var/secret")
		contains(t, target+" log", logs.String(), "/var/secret/read.db")
	}
}

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
