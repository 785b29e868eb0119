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
