package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestQueryDerivedDemand runs gongxu query derived-demand against the
// World's read model behind the real API, with every demand cell shown
// (thresholds of one contributor): Blue's merino fabric is derived from
// the jackets' forecast, in JSON (the service's report), CSV and table.
func TestQueryDerivedDemand(t *testing.T) {
	w := inproc.NewWorld(t)
	open := gongxu.DemandThresholds{MinContributors: 1, DominanceN: 1, DominancePct: 100}
	for _, p := range []inproc.M{
		{"kind": gongxu.ProposalSetParam, "title": "Share all demand", "param": "demand_min_contributors", "value": 1},
		{"kind": gongxu.ProposalSetParam, "title": "No dominance rule", "param": "demand_dominance_pct", "value": 100},
	} {
		id := w.Propose(inproc.Swift, p)
		for _, v := range []string{inproc.Acme, inproc.Blue, inproc.Sunrise, inproc.Hilltown} {
			w.Vote(v, id, true)
		}
	}
	d, err := sqlite.NewDemand(w.Read(), open)
	if err != nil {
		t.Fatal(err)
	}
	derived := demandforecast.NewDerived(demandforecast.New(d), w.Read())
	url := serveNet(t, w, func(c *httpapi.Config) { c.Demand, c.Derived = d, derived })
	home := t.TempDir()
	q := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--home", home, "--node", url, "query", "derived-demand"}, args...)...)
		if code != 0 {
			t.Fatalf("query derived-demand %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	want, err := derived.DerivedDemand(t.Context(), gongxu.DerivedDemandRequest{Supplier: inproc.Blue, Horizon: 2})
	if err != nil {
		t.Fatal(err)
	}
	var got gongxu.DerivedDemandReport
	if err := json.Unmarshal([]byte(q(inproc.Blue, "--horizon", "2")), &got); err != nil {
		t.Fatal(err)
	}
	if g, _ := json.Marshal(got); string(g) != string(mustMarshal(t, want)) {
		t.Fatalf("JSON:\n%s\nwant:\n%s", g, mustMarshal(t, want))
	}
	csv := q(inproc.Blue, "--horizon", "2", "-o", "csv")
	if !strings.HasPrefix(csv, "factory,item,unit,lead_weeks,period,needed_by,mean,") || !strings.Contains(csv, "\n"+inproc.Acme+",merino-fabric,m,1,") {
		t.Fatalf("CSV:\n%s", csv)
	}
	table := q(inproc.Blue, "--horizon", "2", "-o", "table")
	if !strings.HasPrefix(table, "FACTORY ") || !strings.Contains(table, "merino-fabric") || !strings.Contains(table, " – ") {
		t.Fatalf("table:\n%s", table)
	}
	if code, _, _ := run(t, "--home", home, "--node", url, "query", "derived-demand"); code == 0 {
		t.Fatal("query derived-demand without a supplier succeeded")
	}
}
