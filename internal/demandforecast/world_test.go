package demandforecast_test

import (
	"context"
	"math"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

const jacket = gongxu.ProductID(inproc.Acme + "/merino-jacket")

func service(t *testing.T, db *sqlite.DB, th gongxu.DemandThresholds) *demandforecast.Service {
	t.Helper()
	d, err := sqlite.NewDemand(db, th)
	if err != nil {
		t.Fatal(err)
	}
	return demandforecast.New(d)
}

// TestForecastWorld forecasts the jackets of inproc's World (a real chain:
// two hubs' batches over three weeks) as three readers see them.
//
//   - Anonymous, default thresholds: every cell is suppressed (a hub's
//     batches have one contributor, the total two), so nothing is forecast,
//     and nothing from zeros.
//   - Hilltown's node: its own series is forecast, Lakeside's and the
//     total are not, and nothing is reconciled.
//   - Once governance lowers the network's thresholds to one contributor
//     and no dominance rule, and the node's are as low: every series is
//     forecast and the hubs' forecasts add up to the total's.
func TestForecastWorld(t *testing.T) {
	w := inproc.NewWorld(t)
	ctx := context.Background()
	s := service(t, w.Read(), gongxu.DemandThresholds{})

	anon, err := s.Forecast(ctx, gongxu.ForecastRequest{Product: jacket, Horizon: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(anon.Series) == 0 || anon.Measure != gongxu.MeasurePledged || anon.Horizon != 4 {
		t.Fatalf("anonymous: %+v", anon)
	}
	for _, fs := range anon.Series {
		if fs.Method != "" || len(fs.Steps) != 0 || fs.Suppressed == 0 || !strings.Contains(fs.Note, "suppressed") {
			t.Errorf("anonymous reader: a series forecast from suppressed cells: %+v", fs)
		}
	}

	own, err := s.Forecast(ctx, gongxu.ForecastRequest{Product: jacket, Horizon: 4, Reader: inproc.Hilltown})
	if err != nil {
		t.Fatal(err)
	}
	var mine int
	for _, fs := range own.Series {
		switch {
		case fs.Hub == inproc.Hilltown:
			if fs.Method == "" || len(fs.Steps) != 4 || fs.Reconciled || fs.Weeks == 0 {
				t.Errorf("Hilltown's own series: %+v", fs)
			}
			mine++
		case len(fs.Steps) != 0 || fs.Reconciled:
			t.Errorf("a series Hilltown may not see is forecast: %+v", fs)
		}
	}
	if mine == 0 {
		t.Fatalf("no Hilltown series in %+v", own.Series)
	}
	// Asking for one hub gives that hub's series only, the same.
	one, err := s.Forecast(ctx, gongxu.ForecastRequest{Product: jacket, Horizon: 4, Reader: inproc.Hilltown, Hub: inproc.Hilltown})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Series) != mine {
		t.Fatalf("hub filter: %d series, want %d", len(one.Series), mine)
	}

	// Governance lowers the thresholds.
	for _, p := range []inproc.M{
		{"kind": gongxu.ProposalSetParam, "title": "Share all demand", "param": "demand_min_contributors", "value": 1},
		{"kind": gongxu.ProposalSetParam, "title": "No dominance rule", "param": "demand_dominance_pct", "value": 100},
	} {
		id := w.Propose(inproc.Swift, p)
		for _, v := range []string{inproc.Acme, inproc.Blue, inproc.Sunrise, inproc.Hilltown} {
			w.Vote(v, id, true)
		}
	}
	open := service(t, w.Read(), gongxu.DemandThresholds{MinContributors: 1, DominanceN: 1, DominancePct: 100})
	all, err := open.Forecast(ctx, gongxu.ForecastRequest{Product: jacket, Horizon: 4})
	if err != nil {
		t.Fatal(err)
	}
	type gk struct{ variant, currency string }
	total := map[gk][]gongxu.ForecastStep{}
	sum := map[gk][]float64{}
	hubs := map[gk]int{}
	for _, fs := range all.Series {
		if fs.Method == "" || len(fs.Steps) != 4 || fs.Suppressed != 0 {
			t.Fatalf("visible series not forecast: %+v", fs)
		}
		for _, st := range fs.Steps {
			if !(st.Lo95 <= st.Lo80 && st.Lo80 <= st.Mean && st.Mean <= st.Hi80 && st.Hi80 <= st.Hi95) {
				t.Errorf("%s %s: intervals out of order: %+v", fs.Variant, fs.Hub, st)
			}
		}
		g := gk{fs.Variant, fs.Currency}
		if fs.Hub == "" {
			total[g] = fs.Steps
			continue
		}
		hubs[g]++
		if sum[g] == nil {
			sum[g] = make([]float64, 4)
		}
		for i, st := range fs.Steps {
			sum[g][i] += st.Mean
		}
	}
	var reconciled int
	for g, steps := range total {
		if hubs[g] < 2 {
			continue
		}
		reconciled++
		for i, st := range steps {
			if math.Abs(st.Mean-sum[g][i]) > 1e-6*math.Max(1, math.Abs(st.Mean)) {
				t.Errorf("%v step %d: total %g, hubs add up to %g", g, i+1, st.Mean, sum[g][i])
			}
		}
	}
	for _, fs := range all.Series {
		if hubs[gk{fs.Variant, fs.Currency}] >= 2 && !fs.Reconciled {
			t.Errorf("not reconciled: %+v", fs)
		}
	}
	if reconciled == 0 {
		t.Fatalf("no variant with two hubs in %+v", all.Series)
	}
}
