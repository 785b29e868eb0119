package demandforecast_test

import (
	"context"
	"math"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
)

// TestMPSSchedule: a factory's master production schedule is each of its
// products' forecast totals, week by week, in milli-units, at the policy's
// level; another factory's products, and products whose totals are
// withheld, have no line.
func TestMPSSchedule(t *testing.T) {
	const a, h1 = gongxu.OrgID("acme"), gongxu.OrgID("hill")
	jacket, scarf := gongxu.NewProductID(a, "jacket"), gongxu.NewProductID(a, "scarf")
	d := fixedDemand{concat(
		weeks(jacket, "", 10, 12, 9, 14, 11, 13, 12, 15, 10, 14, 13, 16),
		weeks(jacket, h1, 10, 12, 9, 14, 11, 13, 12, 15, 10, 14, 13, 16),
		weeks(scarf, "", 3, 2, 4, 3, 5, 3, 4, 2, 5, 4, 3, -1), // its last week withheld
		weeks(gongxu.NewProductID("blue", "mug"), "", 20, 22, 19, 25, 21, 24, 23, 26, 22, 27, 24, 28),
	)}
	fc := demandforecast.New(d)
	ctx := context.Background()
	want, err := fc.Forecast(ctx, gongxu.ForecastRequest{Product: jacket, Horizon: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []string{"mean", "hi95"} {
		m, err := demandforecast.NewMPS(fc, gongxu.MPSPolicy{Weeks: 3, Level: level})
		if err != nil {
			t.Fatal(err)
		}
		lines, err := m.MPS(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 3 {
			t.Fatalf("%s: %+v", level, lines)
		}
		for i, l := range lines {
			st := want.Series[0].Steps[i]
			v := st.Mean
			if level == "hi95" {
				v = st.Hi95
			}
			if l.Product != jacket || l.Week != st.Period || math.Abs(float64(l.Qty)-1000*v) > 0.5 || l.Due%86_400_000 != 0 {
				t.Errorf("%s line %d: %+v, want %s %g", level, i, l, st.Period, v)
			}
		}
	}
	for _, bad := range []gongxu.MPSPolicy{{Weeks: 53}, {Level: "p50"}, {Measure: "sold"}, {Products: []gongxu.ProductID{"nofactory"}}} {
		if _, err := demandforecast.NewMPS(fc, bad); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%+v: %v, want invalid", bad, err)
		}
	}
}
