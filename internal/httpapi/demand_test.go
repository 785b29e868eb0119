package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// demandOf is the demand service of a read model, default thresholds.
func demandOf(t testing.TB, db *sqlite.DB) gongxu.DemandService {
	t.Helper()
	d, err := sqlite.NewDemand(db, gongxu.DemandThresholds{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDemandReader: who reads decides the view. Anonymous callers and a
// token of a node whose operator is a factory get the thresholded cells;
// the node of a hub, asked with its token, shows that hub's own cells in
// full and nobody else's; a bad token is refused, never read anonymously.
func TestDemandReader(t *testing.T) {
	e := newEnv(t)
	target := "/v1/demand?product=acme-textiles/merino-jacket&period=month"
	read := func(auth bool) gongxu.DemandReport {
		t.Helper()
		rec := e.doWith("GET", target, "", nil)
		if auth {
			rec = e.do("GET", target, "", nil)
		}
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var r gongxu.DemandReport
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	anon := read(false)
	if anon.Reader != "" || len(anon.Cells) == 0 {
		t.Fatalf("anonymous: %+v", anon)
	}
	for _, c := range anon.Cells {
		if c.Hub != "" && !c.Suppressed {
			t.Fatalf("anonymous reader sees a hub's own batches: %+v", c) // one contributor: the hub
		}
	}
	if got := read(true); got.Reader != inproc.Acme || mustJSON(t, got.Cells) != mustJSON(t, anon.Cells) {
		t.Fatalf("the factory's node: reader %q, cells differ from the anonymous ones", got.Reader)
	}
	e.cfg.Operator = e.w.Operator(inproc.Hilltown)
	own := read(true)
	var mine int
	for i, c := range own.Cells {
		switch {
		case c.Hub == inproc.Hilltown:
			if !c.Own || c.Suppressed || c.Pledged == nil {
				t.Fatalf("Hilltown's own cell: %+v", c)
			}
			mine++
		case mustJSON(t, c) != mustJSON(t, anon.Cells[i]):
			t.Fatalf("Hilltown sees %+v, anonymous readers %+v", c, anon.Cells[i])
		}
	}
	if mine == 0 {
		t.Fatal("no Hilltown cell")
	}
	e.secret = "wrong"
	if rec := e.do("GET", target, "", nil); rec.Code != 401 {
		t.Fatalf("bad token: %d %s", rec.Code, rec.Body)
	}
}

// TestDemandCSV: Accept: text/csv and ?format=csv give the same text; a
// suppressed cell's values are empty, not 0.
func TestDemandCSV(t *testing.T) {
	e := newEnv(t)
	target := "/v1/demand?product=acme-textiles/wool-socks&period=week"
	a := e.doWith("GET", target, "", nil, "Accept", "text/csv")
	b := e.doWith("GET", target+"&format=csv", "", nil)
	if a.Code != 200 || a.Header().Get("Content-Type") != "text/csv; charset=utf-8" || a.Body.String() != b.Body.String() {
		t.Fatalf("Accept: %d %s\n%s\nformat: %s", a.Code, a.Header().Get("Content-Type"), a.Body, b.Body)
	}
	lines := strings.Split(strings.TrimSpace(a.Body.String()), "\n")
	if lines[0] != "period,product,variant,hub,currency,suppressed,contributors,consumers,pledged_units,pledged_money,captured_units,captured_money,refunded_units,refunded_money,picked_up_units,picked_up_money" {
		t.Fatalf("header: %s", lines[0])
	}
	var suppressed int
	for _, l := range lines[1:] {
		if strings.Contains(l, ",true,") {
			suppressed++
			if !strings.HasSuffix(l, ",true,,,,,,,,,,") {
				t.Fatalf("suppressed row with values: %s", l)
			}
		}
	}
	if suppressed == 0 {
		t.Fatalf("no suppressed row in\n%s", a.Body)
	}
	// JSON wins when both are acceptable; unknown parameters are refused.
	if c := e.doWith("GET", target, "", nil, "Accept", "text/csv, application/json"); c.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("Accept both: %s", c.Header().Get("Content-Type"))
	}
	if c := e.doWith("GET", "/v1/demand?hubs=x", "", nil); c.Code != 400 || !strings.Contains(c.Body.String(), "hubs") {
		t.Fatalf("unknown parameter: %d %s", c.Code, c.Body)
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
