package demandforecast

import (
	"context"
	"math"
	"slices"

	gongxu "github.com/gongxu-network/gongxu"
)

// MPS is a factory's master production schedule on forecast
// (gongxu.MPSSource): each accepted product's forecast total over hubs, as
// an anonymous reader is shown it, week by week, at the policy's level.
type MPS struct {
	fc     *Service
	policy gongxu.MPSPolicy
}

// NewMPS returns the schedule of the policy over the forecasts of fc.
// Errors: KindInvalid for a bad policy.
func NewMPS(fc *Service, policy gongxu.MPSPolicy) (*MPS, error) {
	if policy.Weeks == 0 {
		policy.Weeks = gongxu.DefaultForecastHorizon
	}
	if policy.Measure == "" {
		policy.Measure = gongxu.MeasurePledged
	}
	if policy.Level == "" {
		policy.Level = "mean"
	}
	switch {
	case policy.Weeks < 1 || policy.Weeks > gongxu.MaxForecastHorizon:
		return nil, gongxu.Errorf(gongxu.KindInvalid, "master production schedule: weeks must be 1 to %d, got %d", gongxu.MaxForecastHorizon, policy.Weeks)
	case !slices.Contains(gongxu.DemandMeasures, policy.Measure):
		return nil, gongxu.Errorf(gongxu.KindInvalid, "master production schedule: unknown measure %q", policy.Measure)
	case !slices.Contains([]string{"mean", "hi80", "hi95"}, policy.Level):
		return nil, gongxu.Errorf(gongxu.KindInvalid, "master production schedule: level must be mean, hi80 or hi95, got %q", policy.Level)
	}
	for _, p := range policy.Products {
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	return &MPS{fc: fc, policy: policy}, nil
}

// MPS implements gongxu.MPSSource. A product whose total is not forecast
// (withheld, or no history) has no line; a week's quantity is its forecast
// summed over variants and currencies, at the policy's level, rounded to
// milli-units, never below zero.
func (m *MPS) MPS(ctx context.Context, factory gongxu.OrgID) ([]gongxu.MPSLine, error) {
	if err := factory.Validate(); err != nil {
		return nil, err
	}
	products := slices.Clone(m.policy.Products)
	if len(products) == 0 {
		rep, err := m.fc.demand.Demand(ctx, gongxu.DemandFilter{Period: gongxu.DemandWeek, Measure: m.policy.Measure})
		if err != nil {
			return nil, err
		}
		for _, c := range rep.Cells {
			if f, _ := c.Product.Split(); f == factory && !slices.Contains(products, c.Product) {
				products = append(products, c.Product)
			}
		}
	}
	slices.Sort(products)
	out := []gongxu.MPSLine{}
	for _, p := range products {
		if f, _ := p.Split(); f != factory {
			continue
		}
		rep, err := m.fc.Forecast(ctx, gongxu.ForecastRequest{Product: p, Measure: m.policy.Measure, Horizon: m.policy.Weeks})
		if err != nil {
			return nil, err
		}
		var weeks []string
		qty := map[string]float64{}
		whole := true
		for _, s := range rep.Series {
			if s.Hub != "" {
				continue
			}
			if len(s.Steps) == 0 {
				whole = false
			}
			for _, st := range s.Steps {
				if _, ok := qty[st.Period]; !ok {
					weeks = append(weeks, st.Period)
				}
				switch m.policy.Level {
				case "hi80":
					qty[st.Period] += st.Hi80
				case "hi95":
					qty[st.Period] += st.Hi95
				default:
					qty[st.Period] += st.Mean
				}
			}
		}
		if !whole {
			continue // a variant's total is withheld: the sum would be short
		}
		slices.Sort(weeks)
		for _, w := range weeks {
			q := gongxu.Qty(math.Round(math.Max(0, qty[w]) * 1000))
			if q <= 0 {
				continue
			}
			day, err := weekStart(w)
			if err != nil {
				return nil, err
			}
			out = append(out, gongxu.MPSLine{Product: p, Week: w, Due: day * 86_400_000, Qty: q})
		}
	}
	return out, nil
}
