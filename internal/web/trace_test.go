package web

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// jacketPath is the provenance page of the World's jacket lot.
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

// backSpy is the trace service, with the identifier Back was last asked
// for kept.
type backSpy struct {
	gongxu.TraceService
	mu     sync.Mutex
	lastID string
}

func (s *backSpy) Back(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	s.mu.Lock()
	s.lastID = id
	s.mu.Unlock()
	return s.TraceService.Back(ctx, id, depth)
}

func (s *backSpy) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastID
}

// spyBack puts a backSpy over the site's trace service.
func spyBack(f *site) *backSpy {
	s := &backSpy{TraceService: f.trace}
	f.trace = s
	return s
}

// shortHash is how the timeline names an event's CBV 2.0 hash id.
func shortHash(id string) string {
	return "hash " + shortKey(strings.TrimSuffix(strings.TrimPrefix(id, "ni:///sha-256;"), "?ver=CBV2.0"))
}

// stepOf is the step of the jacket lot's backward walk of a flow (and
// type, when given).
func stepOf(t *testing.T, f *site, flow, typ string) gongxu.TraceStep {
	t.Helper()
	g, err := f.w.Read().Back(context.Background(), string(inproc.JacketLot), traceDepth)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range g.Steps {
		if st.Flow == flow && (typ == "" || st.Type == typ) {
			return st
		}
	}
	t.Fatalf("no %s %s step back from the jacket lot", flow, typ)
	return gongxu.TraceStep{}
}

// pickedURN is the pledge of the World's i-th pickup of the shipped
// jackets, and its label on the pages.
func pickedURN(f *site, i int) (urn, label string) {
	tx := f.w.Batches[poolShipped][inproc.Hilltown][0].Tx
	leaf := f.w.PickedLeaves[i]
	return gongxu.PledgeURN(tx, leaf), tx[:8] + "…" + tx[len(tx)-4:] + ":" + strconv.Itoa(leaf)
}

func TestProvenancePage(t *testing.T) {
	f := newSite(t)
	spy := spyBack(f)
	s, _ := newTestServer(t, f)
	body := page(t, s, jacketPath, http.StatusOK)
	contains(t, "provenance", body,
		"<title>Merino wool jacket · gongxu</title>", "<h1>Merino wool jacket</h1>",
		`Lot <a class="lot" href="/p/acme-textiles/merino-jacket-0001"><code>acme-textiles/merino-jacket-0001</code></a>`,
		`<dd id="prov-factory"><a href="/orgs/acme-textiles">Acme Textiles</a></dd>`, "9 Jan 2026 10:00 UTC",
		"12 steps by 3 organizations", `<span class="badge">✓ every step matches this node&#39;s ledger</span>`,
		`<a href="/recalls" aria-current="page">Trace</a>`)
	if spy.last() != "acme-textiles/merino-jacket-0001" {
		t.Errorf("Back was asked %q", spy.last())
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
	pledgeA, labelA := pickedURN(f, 0)
	_, labelB := pickedURN(f, 1)
	if want := "Shipped to the hub/in transit, Packed for Lakeside Corner Shop/in progress, " +
		"Picked up by a consumer (pledge " + labelB + ")/retail sold, Picked up by a consumer (pledge " + labelA + ")/retail sold, " +
		"Received at Hilltown Community Hub/in progress, Shipped to the hub/in transit, Packed for Hilltown Community Hub/in progress, " +
		"Storing/in progress, Inspecting/active, Commissioning/active, Receiving/in progress, " +
		"Shipping/in transit"; strings.Join(got, ", ") != want {
		t.Errorf("timeline steps\n%v\nwant\n%s", strings.Join(got, ", "), want)
	}
	if n := strings.Count(tl, "✓ verified"); n != 12 {
		t.Errorf("%d verified marks, want 12 (one receiving of two lots, met three times by the walk, is one step)", n)
	}
	pickup := span(tl, `id="step-4"`, "</li>")
	contains(t, "pickup", pickup, `<span class="pledge" title="`+pledgeA+`">`, `by <a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`,
		`<span class="muted">Of</span> <a class="ident" href="/p/acme-textiles/merino-jacket-0001"`, `href="/txs/`+f.w.PickupTxs[0]+`"`)
	contains(t, "received", span(tl, `id="step-5"`, "</li>"), `by <a href="/orgs/hilltown-hub">Hilltown Community Hub</a>`,
		`<span class="muted">Of</span> <a class="ident" href="/p/acme-textiles/merino-jacket-0001"`)
	ship := stepOf(t, f, gongxu.FlowShipToHub, "ObjectEvent")
	contains(t, "shipped", span(tl, `id="step-6"`, "</li>"), `by <a href="/orgs/acme-textiles">Acme Textiles</a>`,
		"at height "+itoa(ship.Anchor.Height)+", event 2 of 2")
	contains(t, "packed", span(tl, `id="step-7"`, "</li>"), "at height "+itoa(ship.Anchor.Height)+", event 1 of 2", "Aggregation event",
		`out:</span> <a class="ident" href="/p/urn:gongxu:pool:1:hub:hilltown-hub" title="urn:gongxu:pool:1:hub:hilltown-hub">Shipment of pool #1</a> <span class="muted">(to Hilltown Community Hub)</span>`)
	storing := span(tl, `id="step-8"`, "</li>")
	contains(t, "storing", storing, `by <a href="/orgs/acme-textiles">Acme Textiles</a>`,
		`<a class="ident" href="/p/https:%2F%2Fid.gs1.org%2F414%2F9506000000015" title="https://id.gs1.org/414/9506000000015">GLN 9506000000015</a>`,
		`href="/txs/`+f.w.CaptureTx+`"`, "event 3 of 3", "Object event", "uuid 5c2a9e7b…")
	made := stepOf(t, f, gongxu.FlowComplete, "")
	step8 := span(tl, `id="step-10"`, "</li>")
	contains(t, "commissioning", step8, `by <a href="/orgs/acme-textiles">Acme Textiles</a>`,
		`<a class="ident" href="/p/acme-textiles/blue-river-cotton/fab-0042" title="urn:gongxu:lot:acme-textiles/blue-river-cotton/fab-0042">fab-0042</a> <span class="muted">(Acme Textiles, from Blue River Cotton)</span>`,
		`<a class="ident" href="/p/acme-textiles/blue-river-cotton/thread-0007"`, `out:</span> <a class="ident" href="/p/acme-textiles/merino-jacket-0001"`,
		`href="/txs/`+made.Anchor.Tx+`"`, "Transformation event", shortHash(made.Event),
		"The event as the ledger stores it", `&#34;type&#34;: &#34;TransformationEvent&#34;`)
	shipped := stepOf(t, f, gongxu.FlowShip, "")
	receiving := span(tl, `id="step-11"`, "</li>")
	contains(t, "receiving", receiving, `In:</span> <a class="ident recalled" href="/p/blue-river-cotton/fab-0042"`, `<a class="ident" href="/p/blue-river-cotton/thread-0007"`,
		`out:</span> <a class="ident" href="/p/acme-textiles/blue-river-cotton/fab-0042"`)
	step12 := span(tl, `id="step-12"`, "</li>")
	contains(t, "step 10", step12, `by <a href="/orgs/blue-river-cotton">Blue River Cotton</a>`,
		`<span class="muted">Of</span> <a class="ident recalled" href="/p/blue-river-cotton/fab-0042"`, `<span class="badge err">recalled</span>`,
		`href="/txs/`+shipped.Anchor.Tx+`"`, "at height "+itoa(shipped.Anchor.Height)+" ·", shortHash(shipped.Event))
	lacks(t, "step 10", step12, "event 1 of 1")

	// The graph: seven lots and units in four columns, the start on the
	// right and the two hubs' shipments it was packed into right of it,
	// six edges (what was only observed is noted under its node), labelled.
	graph := span(body, `<svg class="trace-graph"`, "</svg>")
	if n := strings.Count(graph, `<path class="tg-edge`); n != 6 {
		t.Errorf("%d edges, want 6", n)
	}
	if n := strings.Count(graph, `<g class="tg-node`); n != 7 {
		t.Errorf("%d nodes, want 7", n)
	}
	contains(t, "graph", graph, `aria-label="Trace back from merino-jacket-0001: 7 lots and items, 14 steps."`,
		`<title>urn:gongxu:pool:1:hub:lakeside-corner</title>`,
		`<g class="tg-node start"><title>urn:gongxu:lot:acme-textiles/merino-jacket-0001</title><rect x="544"`,
		`<title>urn:gongxu:pool:1:hub:hilltown-hub</title><rect x="808"`, ">Shipment of pool #1</text>", ">to Hilltown Community …</text>",
		">Packed for hub</text>", ">Shipped to hub · 11 Jan 2026…</text>",
		`<g class="tg-node recalled"><title>urn:gongxu:lot:blue-river-cotton/fab-0042</title><rect x="16"`,
		`<a href="/p/blue-river-cotton/fab-0042">`, ">Commissioning</text>", ">9 Jan</text>", ">Receiving</text>",
		`class="tg-note"`, "Shipping · 5 Jan 2026", ">fab-0042 · recalled</text>", ">merino-fabric</text>")

	// The recall of the fabric, the QR code of the page, the command.
	contains(t, "recall", body, `<div class="alert" id="prov-recall-2" role="alert">`, "which went into this",
		"fails the colour-fastness test: &lt;b&gt;do not wash&lt;/b&gt; above 30 °C", `<a href="/recalls/2">Recall #2</a>`)
	lacks(t, "recall", body, "<b>do not wash</b>", "prov-recall-1")
	if got := qrOf(t, body); got != jacketDL { // the lot's GS1 Digital Link (publicurl.go)
		t.Errorf("QR code says %q", got)
	}
	contains(t, "check", body, `<pre class="command" id="verify-command">gongxu verify trace acme-textiles/merino-jacket-0001</pre>`,
		"the event is the one anchored in that transaction on this node&#39;s ledger")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestProvenanceIdentifiers: the page answers for every way of naming a
// thing, and its links and QR code name it so that the address works.
func TestProvenanceIdentifiers(t *testing.T) {
	f := newSite(t)
	spy := spyBack(f)
	s, _ := newTestServer(t, f)
	for target, want := range map[string]string{
		"/p/urn:gongxu:lot:acme-textiles/merino-jacket-0001":             "urn:gongxu:lot:acme-textiles/merino-jacket-0001",
		"/p?id=acme-textiles/merino-jacket-0001":                         "acme-textiles/merino-jacket-0001",
		"/p/?id=" + url.QueryEscape(inproc.JacketDL):                     inproc.JacketDL,
		"/p/" + url.PathEscape(inproc.JacketDL):                          inproc.JacketDL,
		"/p/https:/id.gs1.org/01/09506000134352/21/JKT-000123":           inproc.JacketDL, // what a server's path cleaning leaves
		"/p/%20acme-textiles/merino-jacket-0001%20":                      "acme-textiles/merino-jacket-0001",
		"/p/URN:GONGXU:LOT:acme-textiles/merino-jacket-0001?utm=scanner": "URN:GONGXU:LOT:acme-textiles/merino-jacket-0001",
	} {
		// A fresh cache: each request computes its page, so that the spy
		// sees what it asks Back (the cache answers a repeated id without
		// asking; TestProvenanceCached).
		s.prov = newProvCache(0)
		body := page(t, s, target, http.StatusOK)
		if spy.last() != want {
			t.Errorf("GET %s: Back was asked %q, want %q", target, spy.last(), want)
		}
		u := "http://example.com" + provPath(want)
		if want != inproc.JacketDL {
			u = jacketDL // the jacket lot, however named: its GS1 Digital Link
		}
		if qrOf(t, body) != u {
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
	body := page(t, s, "/p/"+url.PathEscape(inproc.JacketDL), http.StatusOK)
	contains(t, "serial", body, "<h1>Merino wool jacket</h1>", `Serial JKT-000123 <span class="muted">(GTIN 09506000134352)</span> · Lot <a class="lot"`,
		">Commissioning <span", "13 steps by 3 organizations", "gongxu verify trace https://id.gs1.org/01/09506000134352/21/JKT-000123<")

	// Whatever the id, the page's own address leads back to it.
	for _, id := range []string{"acme-textiles/merino-jacket-0001", inproc.JacketDL, "urn:epc:id:sgtin:9506000.134352.JKT-000123",
		"acme-textiles/a..b/c", "acme-textiles/../x", "https://example.com/01/1?x=a&y=#frag", "a/b%2Fc", "a//b", "weird?id#x"} {
		spy.lastID = ""
		s.prov = newProvCache(0)
		do(t, s, "GET", provPath(id))
		if spy.last() != id {
			t.Errorf("%q: its page %s asks Back for %q", id, provPath(id), spy.last())
		}
	}
}

func TestProvenanceBadAndUnknownIDs(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	for target, msg := range map[string]string{
		"/p/acme%20textiles/jacket":                "An identifier holds no spaces or control characters",
		"/p/acme-textiles/%00":                     "An identifier holds no spaces or control characters",
		"/p/" + strings.Repeat("a", 513):           "An identifier is at most 512 characters; this one has 513.",
		"/p/Not_A_Lot":                             "&#34;Not_A_Lot&#34; is not an identifier this node can read. &#34;Not_A_Lot&#34; is neither a ledger lot id",
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
	f.trace = inproc.Broken{Err: errors.New("sqlite: disk I/O error in /var/secret")}
	s, logs := newTestServer(t, f)
	body := page(t, s, jacketPath, http.StatusInternalServerError)
	lacks(t, "500", body, "secret")
	contains(t, "log", logs.String(), "disk I/O error")
}

// tampered is the node's trace proofs with the stored JSON of one event
// changed by change: a read model that no longer holds what the ledger
// anchored.
func tampered(proofs TraceProofFunc, id string, change func(gongxu.TraceEvent) gongxu.TraceEvent) TraceProofFunc {
	return func(ctx context.Context, eventID string) (gongxu.TraceEvent, []string, error) {
		ev, proof, err := proofs(ctx, eventID)
		if err == nil && eventID == id {
			ev = change(ev)
		}
		return ev, proof, err
	}
}

// flip changes one byte of an event's JSON.
func flip(at int, mask byte) func(gongxu.TraceEvent) gongxu.TraceEvent {
	return func(ev gongxu.TraceEvent) gongxu.TraceEvent {
		raw := slices.Clone(ev.Raw)
		raw[at] ^= mask
		ev.Raw = raw
		return ev
	}
}

// TestProvenanceTampered: one byte changed in an event's stored JSON makes
// its step "does not verify", and only that step.
func TestProvenanceTampered(t *testing.T) {
	f := newSite(t)
	recv := stepOf(t, f, gongxu.FlowReceive, "ObjectEvent")
	f.proofs = tampered(f.proofs, recv.Event, flip(40, 0x01))
	s, _ := newTestServer(t, f)
	body := page(t, s, jacketPath, http.StatusOK)
	step := span(body, `id="step-11"`, "</li>")
	contains(t, "tampered page", body, `<li class="step failed" id="step-11">`)
	contains(t, "tampered step", step, `<span class="badge err mark">✗ does not verify</span>`,
		`<p class="why">event `+recv.Event+`: its JSON hashes to`)
	lacks(t, "tampered step", step, "✓ verified")
	for _, id := range []string{`id="step-1"`, `id="step-10"`, `id="step-12"`} {
		contains(t, id, span(body, id, "</li>"), "✓ verified")
	}
	// The receipt is one event, one step.
	contains(t, "summary", body, `<span class="badge err">1 of 12 do not verify</span>`)
	lacks(t, "summary", body, "every step matches")
}

// TestVerifyEveryByte flips each byte of an event's JSON in turn: the step
// never verifies, whether the anchor names its leaf or only its root.
func TestVerifyEveryByte(t *testing.T) {
	f := newSite(t)
	ctx := context.Background()
	id := inproc.LabelEvent // the serial's labelling, in a batch of three
	ev, err := f.w.Read().Event(ctx, id)
	if err != nil || ev.Anchor.Count != 3 {
		t.Fatalf("event %s: %+v (%v)", id, ev.Anchor, err)
	}
	s, _ := newTestServer(t, f)
	st := stepView{TraceStep: gongxu.TraceStep{Event: id, Anchor: ev.Anchor}}
	s.verify(ctx, &st)
	if st.Mark != "verified" {
		t.Fatalf("untouched: %s (%s)", st.Mark, st.Why)
	}
	real := f.proofs
	for _, withLeaf := range []bool{true, false} {
		for i := range ev.Raw {
			change := flip(i, 0x20)
			if !withLeaf {
				change = func(e gongxu.TraceEvent) gongxu.TraceEvent { e = flip(i, 0x20)(e); e.Anchor.Leaf = ""; return e }
			}
			s.proofs = tampered(real, id, change)
			st := stepView{TraceStep: gongxu.TraceStep{Event: id, Anchor: ev.Anchor}}
			s.verify(ctx, &st)
			if st.Mark != "failed" || st.Why == "" {
				t.Fatalf("byte %d changed (leaf named: %v): mark %q, %q", i, withLeaf, st.Mark, st.Why)
			}
		}
	}
	// The anchor the trace names must be the event's own.
	s.proofs = real
	other := ev.Anchor
	other.Tx = f.w.RiversideVote
	st = stepView{TraceStep: gongxu.TraceStep{Event: id, Anchor: other}}
	s.verify(ctx, &st)
	if st.Mark != "failed" || !strings.Contains(st.Why, "not where the trace says") {
		t.Errorf("another anchor: %q %q", st.Mark, st.Why)
	}
}

func TestProvenanceWithoutProofs(t *testing.T) {
	f := newSite(t)
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
		f := newSite(t)
		f.proofs = func(context.Context, string) (gongxu.TraceEvent, []string, error) {
			return gongxu.TraceEvent{}, nil, err
		}
		s, logs := newTestServer(t, f)
		body := page(t, s, jacketPath, http.StatusOK)
		contains(t, "proof error", body, `<span class="badge mark">not checked</span>`, `<p class="why">`+why, "12 not checked")
		lacks(t, "proof error", body, "pebble")
		if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			contains(t, "log", logs.String(), "pebble: closed")
		}
	}
}

func TestTraceEscaping(t *testing.T) {
	f := newSite(t)
	f.w.Send(inproc.Acme, "member/update_org", inproc.M{"name": `<script>alert("acme")</script>`})
	f.w.Recall(inproc.Blue, string(inproc.FabricLot), `<img src=x onerror=alert(1)>`)
	s, _ := newTestServer(t, f)
	for _, target := range []string{jacketPath, "/recalls", "/recalls/3", "/fragments/recalls/3", "/", "/pools/1"} {
		_, body := do(t, s, "GET", target)
		lacks(t, target, body, `<script>alert`, `<img src=x`)
	}
	body := page(t, s, jacketPath, http.StatusOK)
	contains(t, "escaped", body, `&lt;script&gt;alert(&#34;acme&#34;)&lt;/script&gt;`, `&lt;img src=x onerror=alert(1)&gt;`)
}

func TestTraceDisabled(t *testing.T) {
	f := newSite(t)
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
	body = page(t, s, "/production-orders/2", http.StatusOK)
	contains(t, "order 2", body, "<td><code>acme-textiles/scarf-001</code></td>")
	lacks(t, "order 2", body, `href="/p/`)
	body = page(t, s, "/pools/1", http.StatusOK)
	contains(t, "pool 1", body, `<span class="lots"><code>acme-textiles/merino-jacket-0001</code> <span class="muted">60</span>`)
	lacks(t, "pool 1", body, `href="/p/`)
}

func TestRecallsPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	fabric, err := f.w.Read().Recall(context.Background(), recallFabric)
	if err != nil {
		t.Fatal(err)
	}
	body := page(t, s, "/recalls", http.StatusOK)
	contains(t, "recalls", body, "<h1>Recalls</h1>", `hx-get="/fragments/recalls" hx-trigger="every 5s"`,
		`<p class="alert" id="recalls-mine"><strong>1 of these recalls reaches pools of Hilltown Community Hub</strong>`,
		`<tr id="recall-2" class="mine">`, `<span class="rel reach">reaches your pools</span>`, `<tr id="recall-1">`,
		`<a href="/recalls/2">#2</a>`, `<a class="ident" href="/p/acme-textiles/scarf-001"`, "Care labels misprinted",
		`<a href="/orgs/blue-river-cotton">Blue River Cotton</a>`, `href="/txs/`+fabric.Recall.Tx+`"`)
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
	f.op.SetOrg(inproc.Acme)
	body = page(t, s, "/recalls", http.StatusOK)
	lacks(t, "factory's recalls", body, `class="mine"`, "recalls-mine", "reaches your pools")
	contains(t, "factory's recalls", body, `<tr id="recall-2">`)

	// No recalls at all.
	f.trace = inproc.Broken{}
	s, _ = newTestServer(t, f)
	body = page(t, s, "/recalls", http.StatusOK)
	contains(t, "no recalls", body, "No recalls on this ledger.")
}

func TestRecallPage(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	pledgeA, _ := pickedURN(f, 0)
	pledgeB, _ := pickedURN(f, 1)
	hillBatches := f.w.Batches[poolShipped][inproc.Hilltown]
	lakeBatch := f.w.Batches[poolShipped][inproc.Lakeside][0]
	body := page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "recall", body, "<title>Recall 2 · gongxu</title>", "<h1>Recall #2: fab-0042</h1>",
		`<div class="alert" id="recall-reason" role="alert"><p><strong>Reason:</strong> The dye of fab-0042 fails the colour-fastness test: &lt;b&gt;do not wash&lt;/b&gt;`,
		`<div id="impact" hx-get="/fragments/recalls/2" hx-trigger="every 5s">`,
		`<dd id="reach-lots">3</dd>`, `<dd id="reach-pools">1</dd>`, `<dd id="reach-hubs">2</dd>`, `<dd id="reach-batches">3</dd>`,
		`<dd id="reach-pledges">31</dd>`, `<dd id="reach-units">88</dd>`, `<dd id="reach-pickups">2</dd>`, `<dd id="reach-left">83</dd>`, // 55 at Hilltown, 28 on their way to Lakeside
		`<p class="alert" id="your-hub"><strong>This recall reaches pools of Hilltown Community Hub, this node&#39;s hub.</strong>`,
		`<p class="alert" id="your-pickups"><strong>2 pledges already picked up with goods of the recalled lots: contact their consumers first</strong>; their pledges are listed below. <strong>Hold the 55 units still at your hub.</strong></p>`)
	lacks(t, "recall", body, "Named as") // named by its ledger lot id

	// Hilltown was shipped the jackets: what it holds, and the pledges
	// picked up, to contact first, before its batches.
	hill := span(body, `<div class="hub-reach mine" id="hub-hilltown-hub">`, `id="hub-lakeside-corner"`)
	contains(t, "hilltown", hill, `<span class="badge role-hub">this node</span>`, "60 units · 2 batches · 25 pledges · 2 picked up · 55 units to hold",
		`<a href="/pools/1">Pool #1</a> Merino wool jacket <span class="badge status-ready">ready</span> <span class="muted">60 units · production order <a href="/production-orders/1">#1</a></span>`,
		`<dt>Shipped</dt><dd class="goods-shipped">60 units of the recalled lots: <a class="lot" href="/p/acme-textiles/merino-jacket-0001"><code>acme-textiles/merino-jacket-0001</code></a> <span class="muted">60</span></dd>`,
		`<dd class="goods-delivery"><span class="badge ok">delivered</span>`,
		`<dd class="goods-left"><strong>55 units still at the hub</strong>: hold them, do not hand them out.</dd>`,
		`<h4>Already picked up: contact these consumers <span class="count">2</span></h4>`,
		"The ledger names each by their pledge, never by the person: look the pledge up in the hub&#39;s own records",
		`<td class="wrap-ok pledge-cell"><code>`+pledgeA+`</code></td>
<td class="num">2</td>`, `<td class="wrap-ok pledge-cell"><code>`+pledgeB+`</code></td>
<td class="num">3</td>`, `<time datetime="2026-01-13T10:00:00Z">13 Jan 2026 10:00 UTC</time>`,
		`href="/txs/`+f.w.PickupTxs[0]+`"`, `href="/txs/`+f.w.PickupTxs[1]+`"`,
		`<h4>Pledge batches of the pool <span class="count">2</span></h4>`,
		`href="/txs/`+hillBatches[0].Tx+`"`, `<td class="num">20</td>`, `href="/txs/`+hillBatches[1].Tx+`"`, `<td class="num">5</td>`)
	if strings.Index(hill, pledgeA) > strings.Index(hill, pledgeB) || strings.Index(hill, pledgeB) > strings.Index(hill, `<table class="batches">`) {
		t.Error("Hilltown: the pickups are not in order, before the batches")
	}
	// Lakeside's share was shipped before the recall: on its way, to hold
	// on arrival, nothing picked up; its batches as before.
	lake := span(body, `<div class="hub-reach" id="hub-lakeside-corner">`, "</table>")
	contains(t, "lakeside", lake, `<a href="/orgs/lakeside-corner">Lakeside Corner Shop</a>`, "28 units · 1 batch · 6 pledges · 0 picked up · 28 units to hold",
		`<dd class="goods-delivery"><span class="muted">not confirmed yet: on its way to the hub</span></dd>`,
		`<dd class="goods-left"><strong>28 units on their way to the hub</strong>: hold them on arrival, do not hand them out.</dd>`,
		`href="/txs/`+lakeBatch.Tx+`"`)
	lacks(t, "lakeside", lake, `class="badge ok">delivered`)
	if strings.Index(body, "hub-hilltown-hub") > strings.Index(body, "hub-lakeside-corner") {
		t.Error("this node's hub is not first")
	}
	// The forward graph: the fabric on the left, then the lots made of it,
	// the serial, the two hubs' shipments, the pool, the two hubs.
	graph := span(body, `<svg class="trace-graph"`, "</svg>")
	contains(t, "graph", graph, `aria-label="Trace forward from fab-0042: 6 lots and items, 13 steps. It reaches 1 pool and 2 hubs."`,
		`<title>urn:gongxu:pool:1:hub:hilltown-hub</title>`, `<title>urn:gongxu:pool:1:hub:lakeside-corner</title>`, ">Shipment of pool #1</text>", ">Packed for hub</text>",
		`<g class="tg-node recalled"><title>urn:gongxu:lot:blue-river-cotton/fab-0042</title><rect x="16"`,
		">Serial JKT-000123</text>", `<a href="/pools/1"><g class="tg-node pool">`, ">Pool #1</text>", ">Merino wool jacket</text>",
		`<a href="/orgs/hilltown-hub"><g class="tg-node hub">`, ">Hilltown Community Hub</text>", ">Lakeside Corner Shop</text>",
		">made for</text>", ">60 units</text>", ">25 pledges</text>", ">28 units</text>", ">6 pledges</text>")
	if n := strings.Count(graph, `<path class="tg-edge`); n != 8 { // received, made, labelled, packed for the two hubs, for the pool, to two hubs
		t.Errorf("%d edges, want 8", n)
	}
	contains(t, "steps", body, `Steps downstream <span class="count">12</span>`) // one receiving of two lots: one step
	last := -1
	for _, h := range []string{"<h3>Shipping", "<h3>Receiving", "<h3>Commissioning", "<h3>Storing", "<h3>Packed for Hilltown Community Hub",
		"<h3>Shipped to the hub", "<h3>Received at Hilltown Community Hub", `<h3>Picked up by a consumer <span class="pledge" title="` + pledgeA,
		`<h3>Picked up by a consumer <span class="pledge" title="` + pledgeB, "<h3>Packed for Lakeside Corner Shop"} {
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
	f.op.SetOrg(inproc.Acme)
	body = page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "factory's recall", body, `<div class="hub-reach" id="hub-hilltown-hub">`, `<code>`+pledgeA+`</code>`, `<dd id="reach-pickups">2</dd>`)
	lacks(t, "factory's recall", body, "your-hub", "your-pickups")
	f.op.SetOrg(inproc.Hilltown)

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

// reshaped is the trace service with the recalls' impact changed by
// change: what a hub was shipped and picked up in a shape the World's
// story does not reach.
type reshaped struct {
	gongxu.TraceService
	change func(*gongxu.RecallImpact)
}

func (r reshaped) Recall(ctx context.Context, id uint64) (gongxu.RecallImpact, error) {
	im, err := r.TraceService.Recall(ctx, id)
	if err == nil {
		r.change(&im)
	}
	return im, err
}

// TestRecallShipments: what a recall page tells a hub of the recalled goods
// it was shipped: on their way, then what its consumers took of the
// recalled lots (not of the others) and what it still holds.
func TestRecallShipments(t *testing.T) {
	// Lakeside's share, shipped before the recall, is not yet confirmed:
	// on its way to Lakeside's node, nothing picked up.
	f := newSite(t)
	f.op.SetOrg(inproc.Lakeside)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "in transit", body, `<dd id="reach-pickups">2</dd>`, `<dd id="reach-left">83</dd>`,
		`<p class="alert" id="your-pickups">No consumer has picked up goods of the recalled lots yet. <strong>Hold the 28 units at your hub or on their way to it.</strong></p>`,
		`<dd class="goods-delivery"><span class="muted">not confirmed yet: on its way to the hub</span></dd>`,
		`<dd class="goods-left"><strong>28 units on their way to the hub</strong>: hold them on arrival, do not hand them out.</dd>`,
		`<p class="empty">None yet: no consumer has picked up goods of the recalled lots.</p>`, "0 picked up · 28 units to hold")
	lake := span(body, `<div class="hub-reach mine" id="hub-lakeside-corner">`, `<h4>Pledge batches`)
	contains(t, "lakeside", lake, `<h4>Already picked up: contact these consumers <span class="count">0</span></h4>`)
	lacks(t, "lakeside", lake, `class="pickups"`, `class="badge ok">delivered`)

	// Delivered with a lot the recall does not reach, a pickup of goods of
	// both: only what the consumer took of the recalled lot counts.
	f = newSite(t)
	other := gongxu.LotID("acme-textiles/merino-jacket-0002")
	reshape := func(h *gongxu.TraceHubShare) {
		if h.Hub == inproc.Hilltown {
			h.Shipped = []gongxu.LotQty{{Lot: inproc.JacketLot, Qty: 40000}}
			pk := h.Pickups[0]
			pk.Lots = []gongxu.LotQty{{Lot: inproc.JacketLot, Qty: 1500}, {Lot: other, Qty: 500}}
			h.Pickups = []gongxu.Pickup{pk}
		}
	}
	f.trace = reshaped{TraceService: f.trace, change: func(im *gongxu.RecallImpact) {
		for i := range im.Hubs {
			reshape(&im.Hubs[i])
		}
		for p := range im.Trace.Pools {
			for i := range im.Trace.Pools[p].Hubs {
				reshape(&im.Trace.Pools[p].Hubs[i])
			}
		}
	}}
	s, _ = newTestServer(t, f)
	body = page(t, s, "/recalls/2", http.StatusOK)
	contains(t, "partly recalled", body, `<dd id="reach-pickups">1</dd>`, `<dd id="reach-left">66.5</dd>`, // 38.5 at Hilltown, 28 on their way to Lakeside
		`<strong>1 pledge already picked up with goods of the recalled lots: contact its consumer first</strong>`, "Hold the 38.5 units still at your hub.",
		`<dd class="goods-shipped">40 units of the recalled lots:`, `<strong>38.5 units still at the hub</strong>`,
		`<a class="lot" href="/p/acme-textiles/merino-jacket-0002"><code>acme-textiles/merino-jacket-0002</code></a> <span class="muted">0.5</span>`)
}

func TestRecallBanners(t *testing.T) {
	f := newSite(t)
	var logs strings.Builder
	cfg := f.config()
	cfg.Logger = newTextLogger(&logs)
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	// The hub's node: the recall reaches its pool 1.
	body := page(t, s, "/", http.StatusOK)
	banner := span(body, `<div class="alert recall-banner" id="recall-banner-2" role="alert">`, "</div>")
	contains(t, "home banner", banner, "<strong>Recall #2:</strong>", `<a href="/pools/1">pool #1</a>, where this node&#39;s hub gathered pledges`,
		`<a href="/recalls/2">See what it reaches, per hub</a>`, "&lt;b&gt;do not wash&lt;/b&gt;")
	lacks(t, "home", body, "recall-banner-1") // reaches no pool
	body = page(t, s, "/pools/1", http.StatusOK)
	contains(t, "pool 1", span(body, `id="recall-banner-2"`, "</div>"), "It reaches this pool.", `<a href="/recalls/2">`)
	for _, id := range []string{"3", "5"} {
		lacks(t, "pool "+id, page(t, s, "/pools/"+id, http.StatusOK), "recall-banner")
	}

	// A factory's node shows the recalls that reach any pool.
	f.op.SetOrg(inproc.Acme)
	body = page(t, s, "/", http.StatusOK)
	contains(t, "factory home", body, `id="recall-banner-2"`, `<a href="/pools/1">pool #1</a>. <a href="/recalls/2">`)
	lacks(t, "factory home", body, "where this node")

	// The trace service failing leaves the pages without banners.
	f.trace = inproc.Broken{Err: errors.New("trace index unavailable")}
	cfg = f.config()
	cfg.Logger = newTextLogger(&logs)
	s, err = newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/", "/pools/1"} {
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
		v := identOf(in, nil, names, nil)
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

// TestProvenanceCached: a page asked again at the same read-model height
// is the same page without a new walk; another language walks again; a
// new block (here a recall of the jacket lot itself) shows at once.
func TestProvenanceCached(t *testing.T) {
	f := newSite(t)
	spy := spyBack(f)
	s, _ := newTestServer(t, f)
	first := page(t, s, jacketPath, http.StatusOK)
	spy.lastID = ""
	if again := page(t, s, jacketPath, http.StatusOK); again != first || spy.last() != "" {
		t.Fatalf("the same page at the same height: walked again %q, same page %v", spy.last(), again == first)
	}
	if _, zh := do(t, s, "GET", jacketPath, "Accept-Language", "zh-CN"); spy.last() == "" || zh == first {
		t.Fatalf("another language: walked %q, same page %v", spy.last(), zh == first)
	}
	lacks(t, "before the recall", first, "Jackets recalled for the cache")
	f.w.Recall(inproc.Acme, string(inproc.JacketLot), "Jackets recalled for the cache")
	spy.lastID = ""
	after := page(t, s, jacketPath, http.StatusOK)
	if spy.last() == "" {
		t.Fatal("a new block: the page was not walked again")
	}
	contains(t, "after the recall", after, "Jackets recalled for the cache")

	// The whole page is kept for people not signed in only: someone signed
	// in gets theirs, with the sign-out form, never the kept one.
	_, anon := serve(t, s, request("GET", jacketPath, nil, localAddr, nil))
	lacks(t, "not signed in", anon, `id="signout"`)
	c := signIn(t, s, localAddr)
	_, mine := serve(t, s, request("GET", jacketPath, nil, localAddr, []*http.Cookie{c}))
	contains(t, "signed in", mine, `id="signout"`, "Jackets recalled for the cache")
	if _, again := serve(t, s, request("GET", jacketPath, nil, localAddr, nil)); again != anon {
		t.Error("the page for people not signed in changed at the same height")
	}
}
