package demandforecast_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
)

// fixedDemand serves one report, whatever the filter (but its product).
type fixedDemand struct{ cells []gongxu.DemandCell }

func (d fixedDemand) Demand(_ context.Context, f gongxu.DemandFilter) (gongxu.DemandReport, error) {
	var out []gongxu.DemandCell
	for _, c := range d.cells {
		if f.Product == "" || c.Product == f.Product {
			out = append(out, c)
		}
	}
	return gongxu.DemandReport{Period: gongxu.DemandWeek, Cells: out}, nil
}

// weeks makes a product's weekly cells at a hub ("" the total) from units,
// money 25 a unit; a negative value is a suppressed cell.
func weeks(p gongxu.ProductID, hub gongxu.OrgID, units ...int64) []gongxu.DemandCell {
	var out []gongxu.DemandCell
	for i, u := range units {
		c := gongxu.DemandCell{Period: fmt.Sprintf("2026-W%02d", 10+i), Product: p, Variant: "std", Hub: hub, Currency: "CNY"}
		if u < 0 {
			c.Suppressed = true
		} else {
			c.Pledged = &gongxu.DemandValue{Units: gongxu.Units(u), Money: gongxu.Amount(25 * u)}
		}
		out = append(out, c)
	}
	return out
}

func concat(cs ...[]gongxu.DemandCell) []gongxu.DemandCell {
	var out []gongxu.DemandCell
	for _, c := range cs {
		out = append(out, c...)
	}
	return out
}

// TestForecastNetworkHierarchy: two factories' products at two hubs. The
// network's report sums them (network → factory → hub), forecasts each sum
// and reconciles the tree: hubs add up to their factory, factories to the
// network, with reconciled intervals; a factory's report holds its own
// tree only; money is forecast as money. A suppressed cell makes its week
// missing in every sum it is part of, never zero.
func TestForecastNetworkHierarchy(t *testing.T) {
	const a, b, h1, h2 = gongxu.OrgID("acme"), gongxu.OrgID("blue"), gongxu.OrgID("hill"), gongxu.OrgID("lake")
	pa1, pa2, pb := gongxu.NewProductID(a, "jacket"), gongxu.NewProductID(a, "scarf"), gongxu.NewProductID(b, "mug")
	d := fixedDemand{concat(
		weeks(pa1, "", 10, 12, 9, 14, 11, 13, 12, 15, 10, 14, 13, 16),
		weeks(pa1, h1, 4, 5, 4, 6, 5, 6, 5, 7, 4, 6, 6, 7),
		weeks(pa1, h2, 6, 7, 5, 8, 6, 7, 7, 8, 6, 8, 7, 9),
		weeks(pa2, "", 3, 2, 4, 3, 5, 3, 4, 2, 5, 4, 3, 4),
		weeks(pa2, h1, 3, 2, 4, 3, 5, 3, 4, 2, 5, 4, 3, 4),
		weeks(pb, "", 20, 22, 19, 25, 21, 24, 23, 26, 22, 27, 24, 28),
		weeks(pb, h1, 8, 9, 8, 10, 9, 10, 9, 11, 9, 11, 10, 12),
		weeks(pb, h2, 12, 13, 11, 15, 12, 14, 14, 15, 13, 16, 14, 16),
	)}
	s := demandforecast.New(d)
	ctx := context.Background()
	net, err := s.Forecast(ctx, gongxu.ForecastRequest{Network: true, Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	var levels []string
	mean := map[string][]float64{}
	for _, fs := range net.Series {
		levels = append(levels, fs.Level+":"+string(fs.Factory)+":"+string(fs.Hub))
		if fs.Product != "" || !fs.Reconciled || len(fs.Steps) != 3 {
			t.Fatalf("series %+v", fs)
		}
		for _, st := range fs.Steps {
			if !(st.Lo95 < st.Lo80 && st.Lo80 < st.Mean && st.Mean < st.Hi80 && st.Hi80 < st.Hi95) {
				t.Errorf("%s: intervals out of order: %+v", levels[len(levels)-1], st)
			}
			mean[levels[len(levels)-1]] = append(mean[levels[len(levels)-1]], st.Mean)
		}
	}
	want := "network::,factory:acme:,hub:acme:hill,hub:acme:lake,factory:blue:,hub:blue:hill,hub:blue:lake"
	if got := strings.Join(levels, ","); got != want {
		t.Fatalf("series\n%s\nwant\n%s", got, want)
	}
	if net.Intervals == "" || !net.Network {
		t.Errorf("report: %+v", net)
	}
	for i := 0; i < 3; i++ {
		close := func(what string, x, y float64) {
			if math.Abs(x-y) > 1e-6*math.Max(1, math.Abs(x)) {
				t.Errorf("step %d: %s %g ≠ %g", i+1, what, x, y)
			}
		}
		close("network = factories", mean["network::"][i], mean["factory:acme:"][i]+mean["factory:blue:"][i])
		close("acme = its hubs", mean["factory:acme:"][i], mean["hub:acme:hill"][i]+mean["hub:acme:lake"][i])
		close("blue = its hubs", mean["factory:blue:"][i], mean["hub:blue:hill"][i]+mean["hub:blue:lake"][i])
	}
	// The network's total is about the sum of everything's level (~45 a week).
	if m := mean["network::"][0]; m < 35 || m > 55 {
		t.Errorf("network forecast %g, want about 45", m)
	}

	// One factory: its tree only; in money, 25 a unit.
	acme, err := s.Forecast(ctx, gongxu.ForecastRequest{Factory: a, Horizon: 3, Money: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(acme.Series) != 3 || !acme.Money || acme.Series[0].Level != gongxu.ForecastLevelFactory {
		t.Fatalf("acme: %+v", acme.Series)
	}
	if m := acme.Series[0].Steps[0].Mean; math.Abs(m-25*mean["factory:acme:"][0]) > 0.2*m {
		t.Errorf("acme's money forecast %g, want about 25 × %g", m, mean["factory:acme:"][0])
	}

	// The last week of a product at a hub suppressed: the factory's series
	// at that hub is missing that week (not zero), so it is not forecast;
	// the network is then not reconciled as one tree, nor is that
	// factory's, the other factory's is.
	d.cells = concat(d.cells, nil)
	for i := range d.cells {
		if d.cells[i].Product == pa2 && d.cells[i].Hub == h1 && i%12 == 11 {
			d.cells[i].Suppressed, d.cells[i].Pledged = true, nil
		}
	}
	got, err := demandforecast.New(d).Forecast(ctx, gongxu.ForecastRequest{Network: true, Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range got.Series {
		switch {
		case fs.Factory == a && fs.Hub == h1:
			if fs.Suppressed != 1 || fs.Method != "" || len(fs.Steps) != 0 || fs.Reconciled {
				t.Errorf("acme at hill: %+v", fs)
			}
		case fs.Factory == a:
			if fs.Reconciled || fs.Weeks != 12 || len(fs.Steps) != 3 {
				t.Errorf("acme: %+v", fs)
			}
		case fs.Factory == b:
			if !fs.Reconciled || fs.Weeks != 12 {
				t.Errorf("blue: %+v", fs)
			}
		case fs.Level == gongxu.ForecastLevelNetwork:
			if fs.Reconciled || !strings.Contains(fs.Note, "not reconciled") {
				t.Errorf("network: %+v", fs)
			}
		}
	}

	for _, bad := range []gongxu.ForecastRequest{{}, {Product: pa1, Factory: a}, {Factory: a, Network: true}, {Factory: a, Variant: "std"}, {Factory: "Bad Org"}} {
		if _, err := s.Forecast(ctx, bad); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
}
