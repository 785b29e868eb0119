package web

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

// jacketPath is the provenance page of the fake trace's jacket lot.
const jacketPath = "/p/acme-textiles/merino-jacket-0001"

// qrOf decodes the QR code of a page.
func qrOf(t *testing.T, body string) string {
	t.Helper()
	svg := regexp.MustCompile(`(?s)<svg class="qr".*?</svg>`).FindString(body)
	if svg == "" {
		t.Fatal("the page has no QR code")
	}
	size, dark, err := parseQRSVG(svg)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := qrDecode(size, dark)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	return string(got)
}

// span returns the part of body from the first from to the next to.
func span(body, from, to string) string {
	i := strings.Index(body, from)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[len(from):], to); j >= 0 {
		return rest[:len(from)+j]
	}
	return rest
}

func TestProvenancePage(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	body := page(t, s, jacketPath, http.StatusOK)
	contains(t, "provenance", body,
		"<title>Merino wool jacket · gongxu</title>", "<h1>Merino wool jacket</h1>",
		`Lot <a class="lot" href="/p/acme-textiles/merino-jacket-0001"><code>acme-textiles/merino-jacket-0001</code></a>`,
		`<dd id="prov-factory"><a href="/orgs/acme-textiles">Acme Textiles</a></dd>`, "30 Dec 2025 08:00 UTC",
		"8 steps by 3 organizations", `<span class="badge ok">✓ every step verified</span>`,
		`<a href="/recalls" aria-current="page">Trace</a>`)
	if f.trace.lastID != "acme-textiles/merino-jacket-0001" {
		t.Errorf("Back was asked %q", f.trace.lastID)
	}

	// The timeline, newest first: each step's label (a pool's goods in
	// words, the pledge a pickup handed over), disposition, org, place,
	// lots in and out, anchor and mark.
	tl := span(body, `<section class="card" id="timeline">`, "</section>")
	steps := regexp.MustCompile(`<h3>([A-Za-z ]+)(?: <span class="pledge" title="[^"]+">(\([^)]+\))</span>)? <span class="disp">· ([a-z ]+)</span></h3>`).FindAllStringSubmatch(tl, -1)
	var got []string
	for _, m := range steps {
		got = append(got, strings.TrimSpace(m[1]+" "+m[2])+"/"+m[3])
	}
	if want := "Picked up by a consumer (pledge #12 of pool 3)/retail sold, Picked up by a consumer (pledge 77777777…CAFE:4)/retail sold, " +
		"Received at Hilltown Community Hub/in progress, Shipped to Hilltown Community Hub/in transit, Packed for Hilltown Community Hub/in progress, " +
		"Commissioning/active, Receiving/in progress, Shipping/in transit"; strings.Join(got, ", ") != want {
		t.Errorf("timeline steps %v", got)
	}
	if n := strings.Count(tl, "✓ verified"); n != 8 {
		t.Errorf("%d verified marks, want 8", n)
	}
	pickup := span(tl, `id="step-2"`, "</li>")
	contains(t, "pickup", pickup, `<span class="pledge" title="`+pledgeA+`">`, `by <a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`,
		`<span class="muted">Of</span> <a class="ident" href="/p/acme-textiles/merino-jacket-0001"`, `href="/txs/`+hash("C")+`"`)
	contains(t, "received", span(tl, `id="step-3"`, "</li>"), `by <a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`,
		`<a class="ident" href="/p/urn:gongxu:pool:3:hub:hilltown-hub" title="urn:gongxu:pool:3:hub:hilltown-hub">Shipment of pool #3</a> <span class="muted">(to Hilltown Community Hub)</span>`)
	contains(t, "shipped", span(tl, `id="step-4"`, "</li>"), `by <a href="/orgs/acme-textiles">Acme Textiles</a>`, "at height 48, event 2 of 2")
	contains(t, "packed", span(tl, `id="step-5"`, "</li>"), "at height 48, event 1 of 2", "Aggregation event",
		`out:</span> <a class="ident" href="/p/urn:gongxu:pool:3:hub:hilltown-hub"`)
	step1 := span(tl, `id="step-6"`, "</li>")
	contains(t, "step 6", step1, `by <a href="/orgs/acme-textiles">Acme Textiles</a>`,
		`<a class="ident" href="/p/https:%2F%2Fid.gs1.org%2F414%2F9506000000015" title="https://id.gs1.org/414/9506000000015">GLN 9506000000015</a>`,
		`<a class="ident" href="/p/acme-textiles/blue-river-cotton/fab-0042" title="urn:gongxu:lot:acme-textiles/blue-river-cotton/fab-0042">fab-0042</a> <span class="muted">(Acme Textiles, from Blue River Cotton)</span>`,
		`<a class="ident" href="/p/acme-textiles/thread-0007"`, `out:</span> <a class="ident" href="/p/acme-textiles/merino-jacket-0001"`,
		`href="/txs/`+hash("9")+`"`, "at height 46, event 2 of 3", "Transformation event", "uuid 7d3c5a2e…",
		"The event as the ledger stores it", `&#34;type&#34;: &#34;TransformationEvent&#34;`)
	step3 := span(tl, `id="step-8"`, "</li>")
	contains(t, "step 8", step3, `by <a href="/orgs/blue-river-cotton">Blue River Cotton</a>`, "GLN 9520123456788",
		`<span class="muted">Of</span> <a class="ident recalled" href="/p/blue-river-cotton/fab-0042"`, `<span class="badge err">recalled</span>`,
		`href="/txs/`+hash("5")+`"`, "at height 44 ·", "hash "+shortKey(strings.TrimSuffix(strings.TrimPrefix(eventID("ship"), "ni:///sha-256;"), "?ver=CBV2.0")))
	lacks(t, "step 8", step3, "event 1 of 1")

	// The graph: four lots in three columns, the start on the right and
	// the hub's shipment it was packed into right of it, four edges (the
	// shipments, the delivery and the pickups are noted under their
	// nodes), labelled.
	graph := span(body, `<svg class="trace-graph"`, "</svg>")
	if n := strings.Count(graph, `<path class="tg-edge`); n != 4 {
		t.Errorf("%d edges, want 4", n)
	}
	if n := strings.Count(graph, `<g class="tg-node`); n != 5 {
		t.Errorf("%d nodes, want 5", n)
	}
	contains(t, "graph", graph, `aria-label="Trace back from merino-jacket-0001: 5 lots and items, 8 steps."`,
		`<g class="tg-node start"><title>urn:gongxu:lot:acme-textiles/merino-jacket-0001</title><rect x="544"`,
		`<title>urn:gongxu:pool:3:hub:hilltown-hub</title><rect x="808"`, ">Shipment of pool #3</text>", ">to Hilltown Community …</text>",
		">Packed for hub</text>", ">Shipped to hub · 31 Dec 2025</text>",
		`<g class="tg-node recalled"><title>urn:gongxu:lot:blue-river-cotton/fab-0042</title><rect x="16"`,
		`<a href="/p/blue-river-cotton/fab-0042">`, ">Commissioning</text>", ">30 Dec</text>", ">Receiving</text>",
		`class="tg-note"`, "Shipping · 23 Dec 2025", ">fab-0042 · recalled</text>", ">merino-fabric</text>")

	// The recall of the fabric, the QR code of the page, the command.
	contains(t, "recall", body, `<div class="alert" id="prov-recall-2" role="alert">`, "which went into this",
		"fails the colour-fastness test: &lt;b&gt;do not wash&lt;/b&gt; above 30 °C", `<a href="/recalls/2">Recall #2</a>`)
	lacks(t, "recall", body, "<b>do not wash</b>", "prov-recall-1")
	if got := qrOf(t, body); got != "http://example.com"+jacketPath {
		t.Errorf("QR code says %q", got)
	}
	contains(t, "check", body, `<pre class="command" id="verify-command">gongxu verify trace acme-textiles/merino-jacket-0001</pre>`,
		"the event is the one anchored in that transaction on this node's ledger")
}

// TestProvenanceIdentifiers: the page answers for every way of naming a
// thing, and its links and QR code name it so that the address works.
func TestProvenanceIdentifiers(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	for target, want := range map[string]string{
		"/p/urn:gongxu:lot:acme-textiles/merino-jacket-0001":             "urn:gongxu:lot:acme-textiles/merino-jacket-0001",
		"/p?id=acme-textiles/merino-jacket-0001":                         "acme-textiles/merino-jacket-0001",
		"/p/?id=" + url.QueryEscape(jacketDL):                            jacketDL,
		"/p/" + url.PathEscape(jacketDL):                                 jacketDL,
		"/p/https:/id.gs1.org/01/09506000134352/21/JKT-000123":           jacketDL, // what a server's path cleaning leaves
		"/p/%20acme-textiles/merino-jacket-0001%20":                      "acme-textiles/merino-jacket-0001",
		"/p/URN:GONGXU:LOT:acme-textiles/merino-jacket-0001?utm=scanner": "URN:GONGXU:LOT:acme-textiles/merino-jacket-0001",
	} {
		body := page(t, s, target, http.StatusOK)
		if f.trace.lastID != want {
			t.Errorf("GET %s: Back was asked %q, want %q", target, f.trace.lastID, want)
		}
		if u := "http://example.com" + provPath(want); qrOf(t, body) != u {
			t.Errorf("GET %s: QR code says %q, want %q", target, qrOf(t, body), u)
		}
	}
	// An address too long for a QR code: the page shows without one.
	req := httptest.NewRequest("GET", jacketPath, nil)
	req.Host = strings.Repeat("long-host-name.", 14) + "example"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `class="qr"`) || !strings.Contains(rec.Body.String(), "<h1>Merino wool jacket</h1>") {
		t.Errorf("long address: status %d, QR code %v", rec.Code, strings.Contains(rec.Body.String(), `class="qr"`))
	}

	// A serial: the jacket it is, labelled from the jacket lot.
	body := page(t, s, "/p/"+url.PathEscape(jacketDL), http.StatusOK)
	contains(t, "serial", body, "<h1>Merino wool jacket</h1>", `Serial JKT-000123 <span class="muted">(GTIN 09506000134352)</span> · Lot <a class="lot"`,
		">Packing <span", "9 steps by 3 organizations", "gongxu verify trace https://id.gs1.org/01/09506000134352/21/JKT-000123<")

	// Whatever the id, the page's own address leads back to it.
	for _, id := range []string{"acme-textiles/merino-jacket-0001", jacketDL, "urn:epc:id:sgtin:9506000.134352.JKT-000123",
		"acme-textiles/a..b/c", "acme-textiles/../x", "https://example.com/01/1?x=a&y=#frag", "a/b%2Fc", "a//b", "weird?id#x"} {
		f.trace.lastID = ""
		do(t, s, "GET", provPath(id))
		if f.trace.lastID != id {
			t.Errorf("%q: its page %s asks Back for %q", id, provPath(id), f.trace.lastID)
		}
	}
}

func TestProvenanceBadAndUnknownIDs(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	for target, msg := range map[string]string{
		"/p/acme%20textiles/jacket":                "An identifier holds no spaces or control characters",
		"/p/acme-textiles/%00":                     "An identifier holds no spaces or control characters",
		"/p/" + strings.Repeat("a", 513):           "An identifier is at most 512 characters; this one has 513.",
		"/p/Not_A_Lot":                             "&#34;Not_A_Lot&#34; is not an identifier this node can read. &#34;Not_A_Lot&#34; is neither a lot id",
		"/p/urn:gongxu:lot:acme-textiles":          "&#34;urn:gongxu:lot:acme-textiles&#34; is not an identifier this node can read. lot URN",
		"/p/?id=%3Cscript%3Ealert(1)%3C/script%3E": "&#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34; is not an identifier",
	} {
		body := page(t, s, target, http.StatusBadRequest)
		contains(t, target, body, `<p class="alert" id="trace-problem">`+msg, "<title>Bad request · gongxu</title>",
			`<form class="lookup" method="get" action="/p">`)
		lacks(t, target, body, "<script>alert")
	}
	for target, msg := range map[string]string{
		"/p/acme-textiles/no-such-lot":                                      "Nothing on this ledger is known as &#34;acme-textiles/no-such-lot&#34;.",
		"/p/urn:gongxu:lot:blue-river-cotton/fab-9999":                      "Nothing on this ledger is known as &#34;urn:gongxu:lot:blue-river-cotton/fab-9999&#34;.",
		"/p/" + url.PathEscape("https://id.gs1.org/01/09506000134352/21/X"): "Nothing on this ledger is known as &#34;https://id.gs1.org/01/09506000134352/21/X&#34;.",
	} {
		body := page(t, s, target, http.StatusNotFound)
		contains(t, target, body, `id="trace-problem">`+msg, "<title>Not found · gongxu</title>")
	}
	// No identifier: the form alone.
	for _, target := range []string{"/p", "/p/", "/p?id=", "/p/?id=%20"} {
		body := page(t, s, target, http.StatusOK)
		contains(t, target, body, "<h1>Trace a lot or an item</h1>", `<input id="trace-id" name="id"`)
		lacks(t, target, body, "trace-problem")
	}
	// The service failing is a 500 page, its details in the log only.
	f.trace.err = errors.New("sqlite: disk I/O error in /var/secret")
	s, logs := newTestServer(t, f)
	body := page(t, s, jacketPath, http.StatusInternalServerError)
	lacks(t, "500", body, "secret")
	contains(t, "log", logs.String(), "disk I/O error")
}

// TestProvenanceTampered: one byte changed in an event's stored JSON makes
// its step "does not verify", and only that step.
func TestProvenanceTampered(t *testing.T) {
	f := newFakes()
	f.trace.tamper(eventID("receive"), 40)
	s, _ := newTestServer(t, f)
	body := page(t, s, jacketPath, http.StatusOK)
	step2 := span(body, `id="step-7"`, "</li>")
	contains(t, "tampered page", body, `<li class="step failed" id="step-7">`)
	contains(t, "tampered step", step2, `<span class="badge err mark">✗ does not verify</span>`,
		`<p class="why">event `+eventID("receive")+`: its JSON hashes to`)
	lacks(t, "tampered step", step2, "✓ verified")
	for _, id := range []string{`id="step-1"`, `id="step-6"`, `id="step-8"`} {
		contains(t, id, span(body, id, "</li>"), "✓ verified")
	}
	contains(t, "summary", body, `<span class="badge err">1 of 8 do not verify</span>`)
	lacks(t, "summary", body, "every step verified")
}

// TestVerifyEveryByte flips each byte of an event's JSON in turn: the step
// never verifies, whether the anchor names its leaf or only its root.
func TestVerifyEveryByte(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	ctx := context.Background()
	id := "urn:uuid:7d3c5a2e-1b8f-4c61-9a0e-2f4b6d8c1e35" // the work order, in a batch of three
	ev := f.trace.events[id]
	st := stepView{TraceStep: gongxu.TraceStep{Event: id, Anchor: ev.Anchor}}
	s.verify(ctx, &st)
	if st.Mark != "verified" {
		t.Fatalf("untouched: %s (%s)", st.Mark, st.Why)
	}
	for _, withLeaf := range []bool{true, false} {
		for i := range ev.Raw {
			raw := []byte(string(ev.Raw))
			raw[i] ^= 0x20
			e := ev
			e.Raw = raw
			if !withLeaf {
				e.Anchor.Leaf = ""
			}
			f.trace.mu.Lock()
			f.trace.events[id] = e
			f.trace.mu.Unlock()
			st := stepView{TraceStep: gongxu.TraceStep{Event: id, Anchor: ev.Anchor}}
			s.verify(ctx, &st)
			if st.Mark != "failed" || st.Why == "" {
				t.Fatalf("byte %d changed (leaf named: %v): mark %q, %q", i, withLeaf, st.Mark, st.Why)
			}
		}
	}
	// The anchor the trace names must be the event's own.
	f.trace.reset(fakeBlockMs)
	other := ev.Anchor
	other.Tx = hash("1")
	st = stepView{TraceStep: gongxu.TraceStep{Event: id, Anchor: other}}
	s.verify(ctx, &st)
	if st.Mark != "failed" || !strings.Contains(st.Why, "not where the trace says") {
		t.Errorf("another anchor: %q %q", st.Mark, st.Why)
	}
}

func TestProvenanceWithoutProofs(t *testing.T) {
	f := newFakes()
	cfg := f.config()
	cfg.TraceProof = nil
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	body := page(t, s, jacketPath, http.StatusOK)
	contains(t, "no proofs", body, "this node does not check steps against the ledger", "does not check them against their anchors",
		`<li class="step" id="step-1">`, "<h3>Picked up by a consumer <span")
	// A pickup names its pledge only as read from the event it checked.
	lacks(t, "no proofs", body, "verified</span>", "badge mark", "does not verify", `class="pledge"`)

	// A proof the node cannot find or read: not checked, and said why.
	for err, why := range map[error]string{
		gongxu.Errorf(gongxu.KindNotFound, "no batch"): "This node has no proof of this event.",
		errors.New("pebble: closed"):                   "The check could not be made now; the node&#39;s log has the details.",
	} {
		f := newFakes()
		f.trace.proofErr = err
		s, logs := newTestServer(t, f)
		body := page(t, s, jacketPath, http.StatusOK)
		contains(t, "proof error", body, `<span class="badge mark">not checked</span>`, `<p class="why">`+why, "8 not checked")
		lacks(t, "proof error", body, "pebble")
		if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			contains(t, "log", logs.String(), "pebble: closed")
		}
	}
}

func TestTraceEscaping(t *testing.T) {
	f := newFakes()
	f.members.orgs[0].Name = `<script>alert("acme")</script>`
	f.trace.mu.Lock()
	f.trace.recalls[0].Reason = `<img src=x onerror=alert(1)>`
	f.trace.mu.Unlock()
	s, _ := newTestServer(t, f)
	for _, target := range []string{jacketPath, "/recalls", "/recalls/2", "/fragments/recalls/2", "/", "/pools/3"} {
		_, body := do(t, s, "GET", target)
		lacks(t, target, body, `<script>alert`, `<img src=x`)
	}
	body := page(t, s, jacketPath, http.StatusOK)
	contains(t, "escaped", body, `&lt;script&gt;alert(&#34;acme&#34;)&lt;/script&gt;`, `&lt;img src=x onerror=alert(1)&gt;`)
}

func TestTraceDisabled(t *testing.T) {
	f := newFakes()
	cfg := f.config()
	cfg.Trace, cfg.TraceProof = nil, nil
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{jacketPath, "/p", "/recalls", "/recalls/2", "/fragments/recalls", "/fragments/recalls/2"} {
		page(t, s, target, http.StatusNotFound)
	}
	body := page(t, s, "/", http.StatusOK)
	lacks(t, "home", body, `href="/recalls"`, "recall-banner")
	body = page(t, s, "/production-orders/5", http.StatusOK)
	contains(t, "order 5", body, "<td><code>acme-textiles/scarf-001</code></td>")
	lacks(t, "order 5", body, `href="/p/`)
	body = page(t, s, "/pools/2", http.StatusOK)
	contains(t, "pool 2", body, `<span class="lots"><code>acme-textiles/linen-shirt-0001</code> <span class="muted">40</span>`)
	lacks(t, "pool 2", body, `href="/p/`)
}

func TestRecallsPage(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	body := page(t, s, "/recalls", http.StatusOK)
	contains(t, "recalls", body, "<h1>Recalls</h1>", `hx-get="/fragments/recalls" hx-trigger="every 5s"`,
		`<p class="alert" id="recalls-mine"><strong>1 of these recalls reaches pools of Hilltown Community Hub</strong>`,
		`<tr id="recall-2" class="mine">`, `<span class="rel reach">reaches your pools</span>`, `<tr id="recall-1">`,
		`<a href="/recalls/2">#2</a>`, `<a class="ident" href="/p/acme-textiles/scarf-001"`, "Care labels misprinted",
		`<a href="/orgs/blue-river-cotton">Blue River Cotton</a>`, `href="/txs/`+hash("e")+`"`)
	if strings.Index(body, `id="recall-2"`) > strings.Index(body, `id="recall-1"`) {
		t.Error("recalls not newest first")
	}
	res, frag := do(t, s, "GET", "/fragments/recalls", "HX-Request", "true")
	if res.StatusCode != http.StatusOK || checkHTML(frag) != nil {
		t.Fatalf("fragment: %d %v", res.StatusCode, checkHTML(frag))
	}
	lacks(t, "fragment", frag, "<html", "<nav", "<h1")
	contains(t, "fragment", frag, `<tr id="recall-2" class="mine">`)

	// On a factory's node nothing is marked.
	f.op.org = "acme-textiles"
	body = page(t, s, "/recalls", http.StatusOK)
	lacks(t, "factory's recalls", body, `class="mine"`, "recalls-mine", "reaches your pools")
	contains(t, "factory's recalls", body, `<tr id="recall-2">`)

	// No recalls at all.
	f.trace.recalls = nil
	body = page(t, s, "/recalls", http.StatusOK)
	contains(t, "no recalls", body, "No recalls on this ledger.")
}

func TestRecallPage(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	body := page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "recall", body, "<title>Recall 2 · gongxu</title>", "<h1>Recall #2: fab-0042</h1>",
		`<div class="alert" id="recall-reason" role="alert"><p><strong>Reason:</strong> The dye of fab-0042 fails the colour-fastness test: &lt;b&gt;do not wash&lt;/b&gt;`,
		`<div id="impact" hx-get="/fragments/recalls/2" hx-trigger="every 5s">`,
		`<dd id="reach-lots">3</dd>`, `<dd id="reach-pools">1</dd>`, `<dd id="reach-hubs">2</dd>`, `<dd id="reach-batches">3</dd>`,
		`<dd id="reach-pledges">31</dd>`, `<dd id="reach-units">88</dd>`, `<dd id="reach-pickups">2</dd>`, `<dd id="reach-left">57</dd>`,
		`<p class="alert" id="your-hub"><strong>This recall reaches pools of Hilltown Community Hub, this node's hub.</strong>`,
		`<p class="alert" id="your-pickups"><strong>2 pledges already picked up with goods of the recalled lots: contact their consumers first</strong>; their pledges are listed below. <strong>Hold the 57 units still at your hub.</strong></p>`)
	lacks(t, "recall", body, "Named as") // named by its ledger lot id

	// Hilltown was shipped the jackets: what it holds, and the pledges
	// picked up, to contact first, before its batches.
	hill := span(body, `<div class="hub-reach mine" id="hub-hilltown-hub">`, `id="hub-lakeside-corner"`)
	contains(t, "hilltown", hill, `<span class="badge role-hub">this node</span>`, "60 units · 2 batches · 25 pledges · 2 picked up · 57 units to hold",
		`<a href="/pools/3">Pool #3</a> Merino wool jacket <span class="badge status-in_production">in production</span> <span class="muted">60 units · production order <a href="/production-orders/9">#9</a></span>`,
		`<dt>Shipped</dt><dd class="goods-shipped">60 units of the recalled lots: <a class="lot" href="/p/acme-textiles/merino-jacket-0001"><code>acme-textiles/merino-jacket-0001</code></a> <span class="muted">60</span></dd>`,
		`<dd class="goods-delivery"><span class="badge ok">delivered</span>`,
		`<dd class="goods-left"><strong>57 units still at the hub</strong>: hold them, do not hand them out.</dd>`,
		`<h4>Already picked up: contact these consumers <span class="count">2</span></h4>`,
		"The ledger names each by their pledge, never by the person: look the pledge up in the hub's own records",
		`<td class="wrap-ok pledge-cell"><code>`+pledgeA+`</code></td>
<td class="num">2</td>`, `<td class="wrap-ok pledge-cell"><code>urn:gongxu:pool:3:pledge:12</code></td>
<td class="num">1</td>`, `<time datetime="2026-01-01T03:00:41Z">1 Jan 2026 03:00 UTC</time>`, `href="/txs/`+hash("C")+`"`, `href="/txs/`+hash("D")+`"`,
		`<h4>Pledge batches of the pool <span class="count">2</span></h4>`,
		`href="/txs/`+hash("7")+`"`, `title="`+hash("a")+`">`+shortKey(hash("a")), `<td class="num">20</td>`,
		`href="/txs/`+hash("8")+`"`, `<td class="num">5</td>`)
	if strings.Index(hill, pledgeA) > strings.Index(hill, pledgeB) || strings.Index(hill, pledgeB) > strings.Index(hill, `<table class="batches">`) {
		t.Error("Hilltown: the pickups are not in order, before the batches")
	}
	// Lakeside's share is not shipped: its quantity and batches, as before.
	lake := span(body, `<div class="hub-reach" id="hub-lakeside-corner">`, "</table>")
	contains(t, "lakeside", lake, `<a href="/orgs/lakeside-corner">lakeside-corner</a>`, "28 units · 1 batch · 6 pledges</span>", `href="/txs/`+hash("c")+`"`)
	lacks(t, "lakeside", lake, "hub-goods", "picked up", "to hold", "<h4>")
	if strings.Index(body, "hub-hilltown-hub") > strings.Index(body, "hub-lakeside-corner") {
		t.Error("this node's hub is not first")
	}
	// The forward graph: the fabric on the left, then the lots made of it,
	// the serial, the pool, the two hubs.
	graph := span(body, `<svg class="trace-graph"`, "</svg>")
	contains(t, "graph", graph, `aria-label="Trace forward from fab-0042: 5 lots and items, 9 steps. It reaches 1 pool and 2 hubs."`,
		`<title>urn:gongxu:pool:3:hub:hilltown-hub</title>`, ">Shipment of pool #3</text>", ">Packed for hub</text>",
		`<g class="tg-node recalled"><title>urn:gongxu:lot:blue-river-cotton/fab-0042</title><rect x="16"`,
		`<a href="/pools/3"><g class="tg-node pool">`, ">Pool #3</text>", ">Merino wool jacket</text>",
		`<a href="/orgs/hilltown-hub"><g class="tg-node hub">`, ">Hilltown Community Hub</text>", ">lakeside-corner</text>",
		">made for</text>", ">60 units</text>", ">25 pledges</text>", ">28 units</text>", ">6 pledges</text>")
	if n := strings.Count(graph, `<path class="tg-edge`); n != 7 { // received, made, labelled, packed for the hub, for the pool, to two hubs
		t.Errorf("%d edges, want 7", n)
	}
	contains(t, "steps", body, `Steps downstream <span class="count">9</span>`)
	last := -1
	for _, h := range []string{"<h3>Shipping", "<h3>Packing", "<h3>Packed for Hilltown Community Hub", "<h3>Shipped to Hilltown Community Hub",
		"<h3>Received at Hilltown Community Hub", `<h3>Picked up by a consumer <span class="pledge" title="` + pledgeA, `<h3>Picked up by a consumer <span class="pledge" title="` + pledgeB} {
		i := strings.Index(body, h)
		if i <= last {
			t.Errorf("downstream steps not oldest first: %s at %d", h, i)
		}
		last = i
	}

	res, frag := do(t, s, "GET", "/fragments/recalls/2")
	if res.StatusCode != http.StatusOK || checkHTML(frag) != nil {
		t.Fatalf("fragment: %d %v", res.StatusCode, checkHTML(frag))
	}
	lacks(t, "fragment", frag, "<html", "recall-reason")
	contains(t, "fragment", frag, `<dd id="reach-batches">3</dd>`)

	// On a factory's node: the hubs' pickups, no hub's own notice.
	f.op.org = "acme-textiles"
	body = page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "factory's recall", body, `<div class="hub-reach" id="hub-hilltown-hub">`, `<code>`+pledgeA+`</code>`, `<dd id="reach-pickups">2</dd>`)
	lacks(t, "factory's recall", body, "your-hub", "your-pickups")
	f.op.org = "hilltown-hub"

	// A recall that reaches no pool.
	body = page(t, s, "/recalls/1", http.StatusOK)
	contains(t, "recall 1", body, "No hub: the recall reaches no pool with pledges.", `<dd id="reach-pools">0</dd>`,
		`<p class="success" id="your-hub">This recall reaches no pool of Hilltown Community Hub`)
	for target, msg := range map[string]string{
		"/recalls/99":           `No recall has the number &#34;99&#34;.`,
		"/recalls/two":          `No recall has the number &#34;two&#34;.`,
		"/recalls/0":            `No recall has the number &#34;0&#34;.`,
		"/fragments/recalls/99": `No recall has the number &#34;99&#34;.`,
	} {
		contains(t, target, page(t, s, target, http.StatusNotFound), msg)
	}
}

// TestRecallShipments: what a recall page tells a hub of the recalled goods
// it was shipped: on their way, then what its consumers took of the
// recalled lots (not of the others) and what it still holds.
func TestRecallShipments(t *testing.T) {
	f := newFakes()
	s, _ := newTestServer(t, f)
	set := func(h gongxu.TraceHubShare) {
		f.trace.mu.Lock()
		defer f.trace.mu.Unlock()
		f.trace.pools[0].Hubs[0] = h
	}
	hill := f.trace.pools[0].Hubs[0]

	// Shipped, not yet confirmed: on its way, nothing picked up.
	h := hill
	h.Delivered, h.Pickups = false, nil
	set(h)
	body := page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "in transit", body, `<dd id="reach-pickups">0</dd>`, `<dd id="reach-left">60</dd>`,
		`<p class="alert" id="your-pickups">No consumer has picked up goods of the recalled lots yet. <strong>Hold the 60 units at your hub or on their way to it.</strong></p>`,
		`<dd class="goods-delivery"><span class="muted">not confirmed yet: on its way to the hub</span></dd>`,
		`<dd class="goods-left"><strong>60 units on their way to the hub</strong>: hold them on arrival, do not hand them out.</dd>`,
		`<h4>Already picked up: contact these consumers <span class="count">0</span></h4>`,
		`<p class="empty">None yet: no consumer has picked up goods of the recalled lots.</p>`, "0 picked up · 60 units to hold")
	lacks(t, "in transit", body, `class="pickups"`, `class="badge ok">delivered`)

	// Delivered with a lot the recall does not reach: only what the
	// consumer took of the recalled lot counts.
	h = hill
	other := gongxu.LotID("acme-textiles/merino-jacket-0002")
	h.Shipped = []gongxu.LotQty{{Lot: jacketLot, Qty: 40000}}
	h.Pickups = []gongxu.Pickup{{Pool: 3, Hub: "hilltown-hub", Pledge: pledgeA, Qty: 2, Lots: []gongxu.LotQty{{Lot: jacketLot, Qty: 1500}, {Lot: other, Qty: 500}},
		Time: fakeBlockMs - hourMs, Height: 50, Tx: hash("C")}}
	set(h)
	body = page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "partly recalled", body, `<dd id="reach-pickups">1</dd>`, `<dd id="reach-left">38.5</dd>`,
		`<strong>1 pledge already picked up with goods of the recalled lots: contact its consumer first</strong>`, "Hold the 38.5 units still at your hub.",
		`<dd class="goods-shipped">40 units of the recalled lots:`, `<strong>38.5 units still at the hub</strong>`,
		`<a class="lot" href="/p/acme-textiles/merino-jacket-0002"><code>acme-textiles/merino-jacket-0002</code></a> <span class="muted">0.5</span>`)
}

func TestRecallBanners(t *testing.T) {
	f := newFakes()
	s, logs := newTestServer(t, f)
	// The hub's node: the recall reaches its pool 3.
	body := page(t, s, "/", http.StatusOK)
	banner := span(body, `<div class="alert recall-banner" id="recall-banner-2" role="alert">`, "</div>")
	contains(t, "home banner", banner, "<strong>Recall #2:</strong>", `<a href="/pools/3">pool #3</a>, where this node's hub gathered pledges`,
		`<a href="/recalls/2">See what it reaches, per hub</a>`, "&lt;b&gt;do not wash&lt;/b&gt;")
	lacks(t, "home", body, "recall-banner-1") // reaches no pool
	body = page(t, s, "/pools/3", http.StatusOK)
	contains(t, "pool 3", span(body, `id="recall-banner-2"`, "</div>"), "It reaches this pool.", `<a href="/recalls/2">`)
	for _, id := range []string{"2", "4"} {
		lacks(t, "pool "+id, page(t, s, "/pools/"+id, http.StatusOK), "recall-banner")
	}

	// A factory's node shows the recalls that reach any pool.
	f.op.org = "acme-textiles"
	body = page(t, s, "/", http.StatusOK)
	contains(t, "factory home", body, `id="recall-banner-2"`, `<a href="/pools/3">pool #3</a>. <a href="/recalls/2">`)
	lacks(t, "factory home", body, "where this node")

	// The trace service failing leaves the pages without banners.
	f.trace.err = errors.New("trace index unavailable")
	for _, target := range []string{"/", "/pools/3"} {
		body := page(t, s, target, http.StatusOK)
		lacks(t, target, body, "recall-banner")
	}
	contains(t, "log", logs.String(), "trace index unavailable")
}

func TestTraceLabels(t *testing.T) {
	for in, want := range map[string]string{
		"https://ref.gs1.org/cbv/BizStep-receiving":     "Receiving",
		"https://ref.gs1.org/cbv/BizStep-void_shipping": "Void shipping",
		"urn:epcglobal:cbv:bizstep:shipping":            "Shipping",
		"URN:EPCGLOBAL:CBV:BIZSTEP:packing":             "Packing",
		"commissioning":                                 "Commissioning",
		"https://example.com/steps/dyeing":              "https://example.com/steps/dyeing",
		"":                                              "",
	} {
		if got := bizStepLabel(in); got != want {
			t.Errorf("bizStepLabel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"https://ref.gs1.org/cbv/Disp-in_progress": "in progress",
		"urn:epcglobal:cbv:disp:active":            "active",
	} {
		if got := dispositionLabel(in); got != want {
			t.Errorf("dispositionLabel(%q) = %q, want %q", in, got, want)
		}
	}
	if got := stepLabel(gongxu.TraceStep{Type: "AggregationEvent"}); got != "Aggregation" {
		t.Errorf("step without a business step: %q", got)
	}
	names := map[gongxu.OrgID]string{"acme": "Acme", "blue": "Blue River"}
	for in, want := range map[string][2]string{
		"urn:gongxu:lot:acme/jkt-1":                       {"jkt-1", "Acme"},
		"urn:gongxu:lot:acme/blue/fab-1":                  {"fab-1", "Acme, from Blue River"},
		"urn:gongxu:lot:acme/batch/2026/7":                {"7", "Acme, from batch"},
		"urn:gongxu:org:blue":                             {"Blue River", "member organization"},
		"https://id.gs1.org/01/09506000134352/21/A%2FB":   {"Serial A/B", "GTIN 09506000134352"},
		"https://id.gs1.org/01/09506000134352/10/L1":      {"Lot L1", "GTIN 09506000134352"},
		"https://id.gs1.org/01/09506000134352":            {"GTIN 09506000134352", ""},
		"https://id.gs1.org/00/095060001343528341":        {"SSCC 095060001343528341", "logistic unit"},
		"https://id.gs1.org/414/9520123456788/254/dock-2": {"GLN 9520123456788", "extension dock-2"},
		"urn:epc:id:sgtin:9506000.134352.1":               {"urn:epc:id:sgtin:9506000.134352.1", ""},
	} {
		v := identOf(in, nil, names)
		if v.Label != want[0] || v.Sub != want[1] {
			t.Errorf("identOf(%q) = %q, %q; want %q, %q", in, v.Label, v.Sub, want[0], want[1])
		}
	}
	for in, want := range map[string]string{
		"acme/jkt-1":                "acme/jkt-1",
		"urn:gongxu:lot:acme/x":     "urn:gongxu:lot:acme/x",
		"it's a lot":                `'it'\''s a lot'`,
		"https://x.example/1?a=b&c": `'https://x.example/1?a=b&c'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
	for raw, want := range map[string][2]string{
		"  acme/x ":               {"acme/x", ""},
		"https:/id.gs1.org/01/1":  {"https://id.gs1.org/01/1", ""},
		"http:/example.com/a":     {"http://example.com/a", ""},
		"https://id.gs1.org/01/1": {"https://id.gs1.org/01/1", ""},
		"a\tb":                    {"a\tb", "An identifier holds no spaces or control characters: write it as printed under the code, or scan the code."},
		"\xff":                    {"\xff", "An identifier holds no spaces or control characters: write it as printed under the code, or scan the code."},
		"":                        {"", ""},
	} {
		id, problem := cleanTraceID(raw)
		if id != want[0] || problem != want[1] {
			t.Errorf("cleanTraceID(%q) = %q, %q", raw, id, problem)
		}
	}
}

func TestAbsURL(t *testing.T) {
	r := httptest.NewRequest("GET", "http://node.example:8080/p/x", nil)
	if got := absURL(r, "/p/x"); got != "http://node.example:8080/p/x" {
		t.Errorf("plain: %s", got)
	}
	r.Header.Set("X-Forwarded-Proto", "https")
	if got := absURL(r, "/p/x"); got != "https://node.example:8080/p/x" {
		t.Errorf("behind a proxy: %s", got)
	}
	r = httptest.NewRequest("GET", "/p/x", nil)
	r.TLS = &tls.ConnectionState{}
	r.Host = "evil.example/path?"
	if got := absURL(r, "/p/x"); got != "https://localhost/p/x" {
		t.Errorf("odd host: %s", got)
	}
}

func TestTraceGraphSVG(t *testing.T) {
	empty := string(TraceGraphSVG(graphSpec{Label: "nothing"}))
	if err := checkHTML(empty); err != nil || !strings.Contains(empty, "Nothing to draw") {
		t.Errorf("empty graph: %v\n%s", err, empty)
	}
	// A diamond over three columns, and an edge within a column.
	g := graphSpec{Label: `a <b> & "c"`, Nodes: []graphNode{
		{Key: "z", Lines: []string{"z"}, Col: 2, Class: "start", Href: "/p/z?a=1&b=2"},
		{Key: "b", Lines: []string{"b", "item", "org"}, Col: 1, Notes: []string{"Shipping · 1 Jan", "Receiving", "Packing"}},
		{Key: "c", Lines: []string{"c"}, Col: 1},
		{Key: "a", Lines: []string{"a very long lot code that does not fit in its box"}, Col: 0, Class: "recalled"},
	}, Edges: []graphEdge{
		{From: "a", To: "b", Label: "Receiving\n1 Jan"}, {From: "a", To: "c"}, {From: "b", To: "z", Label: "Commissioning"},
		{From: "c", To: "z"}, {From: "b", To: "c", Label: "Moving"}, {From: "a", To: "missing"},
	}}
	svg := string(TraceGraphSVG(g))
	if err := checkHTML(svg); err != nil {
		t.Fatal(err)
	}
	contains(t, "graph", svg, `aria-label="a &lt;b&gt; &amp; &#34;c&#34;"`, `<a href="/p/z?a=1&amp;b=2">`,
		">a very long lot code t…</text>", ">Receiving</text>", ">1 Jan</text>", "Receiving, +1 more", `fill="#fdecea"`)
	if n := strings.Count(svg, `<path class="tg-edge`); n != 5 {
		t.Errorf("%d edges, want 5 (the one to a missing node left out)", n)
	}
	x := func(key string) string {
		m := regexp.MustCompile(`<title>` + key + `</title><rect x="(\d+)"`).FindStringSubmatch(svg)
		if m == nil {
			t.Fatalf("no node %s", key)
		}
		return m[1]
	}
	if x("a") != "16" || x("b") != "280" || x("c") != "280" || x("z") != "544" {
		t.Errorf("columns: a %s, b %s, c %s, z %s", x("a"), x("b"), x("c"), x("z"))
	}
}
