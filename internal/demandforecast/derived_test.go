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

// TestDerivedDemandWorld derives Blue Mills' demand from inproc's World:
// Acme's jackets take 1.5 m of merino fabric and 20 m of cotton thread
// each, its shirts 1.2 m of linen, 10 m of thread and 8 buttons; Blue
// offers them all and Acme has ordered fabric and thread from it.
//
//   - Under the default thresholds every product total is withheld from an
//     anonymous reader: the items are listed with their products and
//     sources, and no week is derived (nothing read as zero).
//   - With the thresholds lowered, the merino fabric's weekly demand is
//     1.5 × the jackets' forecast total and the thread's 20 × the jackets'
//     plus 10 × the shirts'; Dyeworks gets nothing for Acme (no BOM uses
//     its dye).
func TestDerivedDemandWorld(t *testing.T) {
	w := inproc.NewWorld(t)
	ctx := context.Background()
	derived := func(th gongxu.DemandThresholds) (*demandforecast.Derived, *demandforecast.Service) {
		d, err := sqlite.NewDemand(w.Read(), th)
		if err != nil {
			t.Fatal(err)
		}
		fc := demandforecast.New(d)
		return demandforecast.NewDerived(fc, w.Read()), fc
	}
	closed, _ := derived(gongxu.DemandThresholds{})
	rep, err := closed.DerivedDemand(ctx, gongxu.DerivedDemandRequest{Supplier: inproc.Blue, Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	byItem := map[gongxu.ItemID]gongxu.DerivedDemandItem{}
	for _, it := range rep.Items {
		byItem[it.Item] = it
		if len(it.Steps) != 0 || it.Factory != inproc.Acme || !strings.Contains(it.Note, "not forecast") {
			t.Errorf("anonymous, closed thresholds: %+v", it)
		}
	}
	fab, ok := byItem["merino-fabric"]
	if !ok || fab.Unit != "m" || len(fab.Products) != 1 || fab.Products[0].QtyPer != 1.5 || fab.Products[0].Forecast ||
		!strings.Contains(strings.Join(fab.Sources, ","), "offer") || !strings.Contains(strings.Join(fab.Sources, ","), "preferred") {
		t.Fatalf("merino fabric: %+v", fab)
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
	open, fc := derived(gongxu.DemandThresholds{MinContributors: 1, DominanceN: 1, DominancePct: 100})
	rep, err = open.DerivedDemand(ctx, gongxu.DerivedDemandRequest{Supplier: inproc.Blue, Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	total := func(p gongxu.ProductID) map[string]float64 {
		r, err := fc.Forecast(ctx, gongxu.ForecastRequest{Product: p, Horizon: 3})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, s := range r.Series {
			if s.Hub == "" {
				for _, st := range s.Steps {
					out[st.Period] += st.Mean
				}
			}
		}
		return out
	}
	jackets, shirts := total(inproc.Acme+"/merino-jacket"), total(inproc.Acme+"/linen-shirt")
	var checked int
	for _, it := range rep.Items {
		for _, st := range it.Steps {
			var want float64
			switch it.Item {
			case "merino-fabric":
				want = 1.5 * jackets[st.Period]
			case "cotton-thread":
				want = 20*jackets[st.Period] + 10*shirts[st.Period]
			default:
				continue
			}
			checked++
			if math.Abs(st.Mean-want) > 1e-9*math.Max(1, want) {
				t.Errorf("%s %s: %g, want %g", it.Item, st.Period, st.Mean, want)
			}
			if !(st.Lo95 <= st.Lo80 && st.Lo80 <= st.Mean && st.Mean <= st.Hi80 && st.Hi80 <= st.Hi95) || st.Lo95 < 0 {
				t.Errorf("%s %s: intervals %+v", it.Item, st.Period, st)
			}
			if it.LeadWeeks != 1 || st.NeededBy >= st.Period { // the jacket's and shirt's 2 making days
				t.Errorf("%s: lead %d weeks, needed by %s for %s", it.Item, it.LeadWeeks, st.NeededBy, st.Period)
			}
		}
	}
	if checked < 3 {
		t.Fatalf("merino fabric or thread not derived: %+v", rep.Items)
	}

	dye, err := open.DerivedDemand(ctx, gongxu.DerivedDemandRequest{Supplier: inproc.Dyeworks, Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(dye.Items) != 0 {
		t.Errorf("Dyeworks: %+v", dye.Items)
	}
	for _, bad := range []gongxu.DerivedDemandRequest{{}, {Supplier: "Not An Org"}, {Supplier: inproc.Blue, Horizon: 53}, {Supplier: inproc.Blue, Measure: "sold"}} {
		if _, err := open.DerivedDemand(ctx, bad); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
}
