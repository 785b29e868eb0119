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
	"github.com/gongxu-network/gongxu/internal/token"
)

// TestQueryForecast runs gongxu query forecast against the World's read
// model behind the real API: anonymously every jacket series is suppressed
// and none is forecast (the table says why); with --token the node reads as
// Hilltown, whose own series are forecast: JSON is the service's report,
// CSV a step a row, the table a step a row with its intervals.
func TestQueryForecast(t *testing.T) {
	w := inproc.NewWorld(t)
	d, err := sqlite.NewDemand(w.Read(), gongxu.DemandThresholds{})
	if err != nil {
		t.Fatal(err)
	}
	fc := demandforecast.New(d)
	tokens := token.Open(token.Path(t.TempDir()))
	secret, err := tokens.Add("tests")
	if err != nil {
		t.Fatal(err)
	}
	url := serveNet(t, w, func(c *httpapi.Config) {
		c.Demand, c.Forecast, c.Tokens, c.Operator = d, fc, tokens, w.Operator(inproc.Hilltown)
	})
	home := t.TempDir()
	q := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--home", home, "--node", url, "query", "forecast"}, args...)...)
		if code != 0 {
			t.Fatalf("query forecast %v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	const jacket = inproc.Acme + "/merino-jacket"

	anon := q(jacket, "--horizon", "2", "-o", "table")
	if !strings.HasPrefix(anon, "VARIANT ") || !strings.Contains(anon, "not forecast") || strings.Contains(anon, "2026-W05") {
		t.Fatalf("anonymous table:\n%s", anon)
	}

	want, err := fc.Forecast(t.Context(), gongxu.ForecastRequest{Product: jacket, Hub: inproc.Hilltown, Variant: "m-navy", Horizon: 3, Reader: inproc.Hilltown})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{jacket, "--hub", inproc.Hilltown, "--variant", "m-navy", "--horizon", "3", "--token", secret}
	var got gongxu.ForecastReport
	if err := json.Unmarshal([]byte(q(args...)), &got); err != nil {
		t.Fatal(err)
	}
	if g, _ := json.Marshal(got); string(g) != string(mustMarshal(t, want)) {
		t.Fatalf("JSON:\n%s\nwant:\n%s", g, mustMarshal(t, want))
	}
	if len(got.Series) != 1 || len(got.Series[0].Steps) != 3 || got.Series[0].Method == "" {
		t.Fatalf("Hilltown's m-navy forecast: %+v", got)
	}

	csv := q(append(args, "-o", "csv")...)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != 4 || lines[0] != "product,variant,hub,currency,method,step,period,mean,lo80,hi80,lo95,hi95" ||
		!strings.HasPrefix(lines[1], jacket+",m-navy,"+inproc.Hilltown+",CNY,"+got.Series[0].Method+",1,2026-W05,") {
		t.Fatalf("CSV:\n%s", csv)
	}

	table := q(append(args, "-o", "table")...)
	if !strings.Contains(table, got.Series[0].Method) || !strings.Contains(table, "2026-W07") || !strings.Contains(table, " – ") {
		t.Fatalf("table:\n%s", table)
	}

	// A factory's hierarchy in money, as Hilltown: the factory's demand at
	// Hilltown is forecast, in CSV with its level and factory.
	fcsv := q("--factory", inproc.Acme, "--money", "--horizon", "2", "--token", secret, "-o", "csv")
	flines := strings.Split(strings.TrimSpace(fcsv), "\n")
	if len(flines) != 3 || !strings.HasSuffix(flines[0], ",level,factory") ||
		!strings.HasPrefix(flines[1], ",,"+inproc.Hilltown+",CNY,") || !strings.HasSuffix(flines[1], ",hub,"+inproc.Acme) {
		t.Fatalf("factory CSV:\n%s", fcsv)
	}

	// A product, a factory or the network is required, and only one.
	for _, bad := range [][]string{{}, {jacket, "--factory", inproc.Acme}, {"--factory", inproc.Acme, "--network"}} {
		if code, _, _ := run(t, append([]string{"--home", home, "--node", url, "query", "forecast"}, bad...)...); code == 0 {
			t.Fatalf("query forecast %v succeeded", bad)
		}
	}
}
