package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
	"github.com/gongxu-network/gongxu/internal/token"
)

// TestQueryDemandSeries runs gongxu query demand against the World's read model
// behind the real API: JSON is the service's report, CSV is the API's CSV
// text, a table marks suppressed cells, and --token reads as the node's
// operator org (Hilltown: its own cells in full).
func TestQueryDemandSeries(t *testing.T) {
	w := inproc.NewWorld(t)
	d, err := sqlite.NewDemand(w.Read(), gongxu.DemandThresholds{})
	if err != nil {
		t.Fatal(err)
	}
	tokens := token.Open(token.Path(t.TempDir()))
	secret, err := tokens.Add("tests")
	if err != nil {
		t.Fatal(err)
	}
	url := serveNet(t, w, func(c *httpapi.Config) {
		c.Demand, c.Tokens, c.Operator = d, tokens, w.Operator(inproc.Hilltown)
	})
	home := t.TempDir()
	q := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--home", home, "--node", url, "query", "demand"}, args...)...)
		if code != 0 {
			t.Fatalf("query demand %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	filter := gongxu.DemandFilter{Product: inproc.Acme + "/wool-socks", Period: gongxu.DemandWeek}
	want, err := d.Demand(t.Context(), filter)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--product", string(filter.Product), "--period", "week"}

	var got gongxu.DemandReport
	if err := json.Unmarshal([]byte(q(args...)), &got); err != nil {
		t.Fatal(err)
	}
	if g, _ := json.Marshal(got); string(g) != string(mustMarshal(t, want)) {
		t.Fatalf("JSON:\n%s\nwant:\n%s", g, mustMarshal(t, want))
	}

	var csv strings.Builder
	if err := gongxu.WriteDemandCSV(&csv, want, ""); err != nil {
		t.Fatal(err)
	}
	if out := q(append(args, "-o", "csv")...); out != csv.String() {
		t.Fatalf("CSV:\n%s\nwant:\n%s", out, csv.String())
	}
	const wantCSV = `period,product,variant,hub,currency,suppressed,contributors,consumers,pledged_units,pledged_money,captured_units,captured_money,refunded_units,refunded_money,picked_up_units,picked_up_money
2026-W01,acme-textiles/wool-socks,,,CNY,true,,,,,,,,,,
2026-W01,acme-textiles/wool-socks,,hilltown-hub,CNY,true,,,,,,,,,,
2026-W02,acme-textiles/wool-socks,,,CNY,true,,,,,,,,,,
2026-W02,acme-textiles/wool-socks,,hilltown-hub,CNY,true,,,,,,,,,,
`
	if csv.String() != wantCSV {
		t.Fatalf("CSV text:\n%s\nwant:\n%s", csv.String(), wantCSV)
	}

	table := q(append(args, "-o", "table", "--measure", "pledged")...)
	if !strings.HasPrefix(table, "PERIOD ") || !strings.Contains(table, "suppressed") || strings.Contains(table, " 120 ") {
		t.Fatalf("table:\n%s", table)
	}

	// With the node's token, Hilltown's own socks: 30 pledges of 4 pairs at
	// 3000 (week 1), refunded when the pool failed (week 2).
	own := q(append(args, "-o", "csv", "--token", secret, "--hub", inproc.Hilltown)...)
	const wantOwn = `period,product,variant,hub,currency,suppressed,contributors,consumers,pledged_units,pledged_money,captured_units,captured_money,refunded_units,refunded_money,picked_up_units,picked_up_money
2026-W01,acme-textiles/wool-socks,,hilltown-hub,CNY,false,1,30,120,360000,0,0,0,0,0,0
2026-W02,acme-textiles/wool-socks,,hilltown-hub,CNY,false,1,0,0,0,0,0,120,360000,0,0
`
	if own != wantOwn {
		t.Fatalf("own cells:\n%s\nwant:\n%s", own, wantOwn)
	}
	if code, _, errOut := run(t, "--node", url, "query", "demand", "--period", "year"); code == 0 || !strings.Contains(errOut, "day, week, month") {
		t.Fatalf("bad period: exit %d: %s", code, errOut)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
