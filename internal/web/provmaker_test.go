package web

import (
	"net/http"
	"strings"
	"testing"
)

// A lot a factory received from its supplier was made by the supplier: the
// page says so, and who received it when; the recall of what went into it
// comes before any check mark.
func TestProvenanceReceivedLot(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/p/acme-textiles/blue-river-cotton/fab-0042", http.StatusOK)
	contains(t, "received lot", body,
		`<dd id="prov-factory"><a href="/orgs/blue-river-cotton">Blue River Cotton</a></dd>`,
		`<dd id="prov-holder"><a href="/orgs/acme-textiles">Acme Textiles</a> · <time`)
	lacks(t, "received lot", body, `<dd id="prov-factory"><a href="/orgs/acme-textiles">`)
	if a, b := strings.Index(body, `id="prov-recall-`), strings.Index(body, `id="prov-checked"`); a < 0 || b < 0 || a > b {
		t.Errorf("the recall (at %d) should come before the check mark (at %d)", a, b)
	}
	// The supplier's own lot: received by nobody; recalled, so no green mark.
	body = page(t, s, "/p/blue-river-cotton/fab-0042", http.StatusOK)
	lacks(t, "supplier's lot", body, `id="prov-holder"`, `class="badge ok">✓ every step`)
}

// In Chinese, the trace graph speaks Chinese too: its labels, dates and
// its description.
func TestTraceGraphInChinese(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	_, body := do(t, s, "GET", "/recalls/2", "Accept-Language", "zh-CN")
	graph := span(body, `<svg class="trace-graph"`, "</svg>")
	contains(t, "graph in Chinese", graph, "从 fab-0042 向后追踪", "拼单 #1 的货件", ">生产给</text>", "已召回")
	lacks(t, "graph in Chinese", graph, "Shipment of pool", ">made for<", "· recalled", " Jan<")
}
