package web

import (
	"math"
	"slices"

	"github.com/gongxu-network/gongxu"
)

// Suggesting the next pool of a product from its demand forecast.
//
// The rule, over the weeks the next pool gathers pledges (Weeks, the first
// steps of the forecast of pledged units):
//
//   - MOQ: the sum, over the product's hubs and variants and those weeks,
//     of each week's 80 % lower bound (rounded down, at least 1): the
//     batch that the hubs' consumers will very likely pledge. Summing
//     lower bounds is cautious: the lower bound of the sum is higher.
//   - Cap: the sum of the 95 % upper bounds (rounded up, a multiple of the
//     case pack, at least the MOQ): room for a good run of demand.
//   - Tiers: the first from 1 unit, then one at each of the forecast's
//     quantiles that lie between 1 and the cap: the 10 % quantile (the
//     MOQ), the mean and the 90 % quantile (the 80 % upper bound), as many
//     as the last pool had tiers, at the last pool's prices rank by rank
//     (the first price for the first tier, the next for the next …). With
//     no earlier pool the tiers have no prices and the form asks for them.
//
// The sums run over the hubs' forecasts when the total over hubs and every
// hub series of a variant are forecast (reconciled, they add up to the
// total's mean); else over the total's own forecast when it is; and when a
// variant's demand is withheld from the reader (suppressed cells are never
// read as zero) or was never forecast, there is no suggestion, and a note
// says why. Every number is an integer, none negative.

// suggestInput is what suggestPool reads.
type suggestInput struct {
	// Series are a product's forecast series of pledged units, as
	// gongxu.ForecastService returns them (every hub: ForecastRequest.Hub
	// empty).
	Series []gongxu.ForecastSeries
	// Currency is the currency of the series to read (a product's pools
	// may have used several); "": the first series'.
	Currency string
	// Weeks is how many weeks ahead the next pool gathers pledges (≥ 1).
	Weeks int
	// Prices are the unit prices of the last pool's tiers, dearest first
	// (minor units); empty when there was no earlier pool.
	Prices []gongxu.Amount
	// CasePack is the last pool's case pack (the cap is a multiple of it);
	// 0 or 1: any whole number.
	CasePack gongxu.Units
}

// suggestHub is one hub's part of a suggestion (a variant's total when its
// hubs are not all visible), summed over the weeks.
type suggestHub struct {
	Hub           gongxu.OrgID // "": the total over hubs of Variant
	Variant       string
	Lo80, Mean    float64
	Hi80, Hi95    float64
	FromTotal     bool // the variant's total over hubs stands in for its hubs
	Reconciled    bool
	ForecastWeeks int
}

// poolSuggestion is a suggested next pool, or why there is none.
type poolSuggestion struct {
	OK       bool
	Currency string
	Weeks    int
	MOQ, Cap gongxu.Units
	Tiers    []gongxu.Tier // MinQty strictly ascending from 1; UnitPrice 0 when there are no prices
	Priced   bool          // Tiers have the last pool's prices
	// The sums over hubs, variants and weeks the suggestion comes from.
	Lo80, Mean, Hi80, Hi95 float64
	Parts                  []suggestHub
	// Notes are message keys, each a sentence without arguments: why there
	// is no suggestion, or what to keep in mind about it.
	Notes []string
}

// Notes of suggestions.
const (
	noteNoForecast   = "There is no forecast of this product's pledges to suggest a pool from."
	noteHidden       = "Some of this product's demand is withheld from this reader under the privacy thresholds: a suggestion from the rest would be too small, so there is none. A hub sees its own demand by signing in on its node."
	noteNoCurrency   = "There is no forecast in the currency of the product's last pool."
	noteNoDemand     = "The forecast expects no pledges over the next pool's weeks."
	noteFromTotal    = "Some hubs' demand is withheld, so the suggestion reads the total over hubs instead of summing the hubs."
	noteNoPrices     = "There is no earlier pool of this product to take prices from: the form asks for them."
	noteMOQFloor     = "The 80%% lower bound is below one unit: the minimum batch is set to 1."
	noteShortHorizon = "The forecast does not reach as far as the next pool's deadline: the sums cover the weeks it does."
)

// suggestNotes are every note a suggestion may carry (each a message key).
var suggestNotes = []string{noteNoForecast, noteHidden, noteNoCurrency, noteNoDemand, noteFromTotal, noteNoPrices, noteMOQFloor, noteShortHorizon}

// suggestPool applies the rule above to in. It is a pure function of its
// input.
func suggestPool(in suggestInput) poolSuggestion {
	out := poolSuggestion{Weeks: max(in.Weeks, 1), Currency: in.Currency}
	if out.Currency == "" && len(in.Series) > 0 {
		out.Currency = in.Series[0].Currency
	}
	if len(in.Series) == 0 {
		out.Notes = append(out.Notes, noteNoForecast)
		return out
	}
	parts, fromTotal, note := pickSeries(in.Series, out.Currency)
	if note != "" {
		out.Notes = append(out.Notes, note)
		return out
	}
	short := false
	for _, fs := range parts {
		p := suggestHub{Hub: fs.Hub, Variant: fs.Variant, FromTotal: fromTotal && fs.Hub == "", Reconciled: fs.Reconciled}
		n := min(out.Weeks, len(fs.Steps))
		short = short || n < out.Weeks
		for _, st := range fs.Steps[:n] {
			p.Lo80 += nonNeg(st.Lo80)
			p.Mean += nonNeg(st.Mean)
			p.Hi80 += nonNeg(st.Hi80)
			p.Hi95 += nonNeg(st.Hi95)
		}
		p.ForecastWeeks = n
		out.Lo80, out.Mean, out.Hi80, out.Hi95 = out.Lo80+p.Lo80, out.Mean+p.Mean, out.Hi80+p.Hi80, out.Hi95+p.Hi95
		out.Parts = append(out.Parts, p)
	}
	if out.Hi95 < 1 && out.Mean < 1 {
		out.Notes = append(out.Notes, noteNoDemand)
		return out
	}
	if fromTotal {
		out.Notes = append(out.Notes, noteFromTotal)
	}
	if short {
		out.Notes = append(out.Notes, noteShortHorizon)
	}
	pack := max(in.CasePack, 1)
	moq := floorUnits(out.Lo80)
	if moq < 1 {
		moq = 1
		out.Notes = append(out.Notes, noteMOQFloor)
	}
	capU := max(ceilUnits(out.Hi95), moq)
	if r := capU % pack; r != 0 {
		capU += pack - r
	}
	out.MOQ, out.Cap = moq, capU

	// Tiers: 1, then the quantiles strictly between the previous tier and
	// the cap.
	prices := decreasing(in.Prices)
	out.Priced = len(prices) > 0
	want := len(prices)
	if want == 0 {
		want = 4 // the quantiles alone
	}
	tiers := []gongxu.Tier{{MinQty: 1}}
	for _, q := range []gongxu.Units{moq, roundUnits(out.Mean), floorUnits(out.Hi80)} {
		if len(tiers) >= want {
			break
		}
		if q > tiers[len(tiers)-1].MinQty && q <= capU {
			tiers = append(tiers, gongxu.Tier{MinQty: q})
		}
	}
	if out.Priced {
		for i := range tiers {
			tiers[i].UnitPrice = prices[i]
		}
	} else {
		out.Notes = append(out.Notes, noteNoPrices)
	}
	out.Tiers = tiers
	out.OK = true
	return out
}

// pickSeries chooses the forecast series of currency that together make a
// product's demand, by variant: every hub's when the total over hubs and
// all its hubs are forecast, else the total's when it is, else (a request
// for one hub, with no total) that hub's; fromTotal says a total stood in
// for hubs not all visible. note is why there is no choice: some variant's
// demand is withheld, or nothing is forecast in currency.
func pickSeries(series []gongxu.ForecastSeries, currency string) (parts []*gongxu.ForecastSeries, fromTotal bool, note string) {
	if len(series) == 0 {
		return nil, false, noteNoForecast
	}
	type group struct {
		total *gongxu.ForecastSeries
		hubs  []*gongxu.ForecastSeries
	}
	groups := map[string]*group{}
	var variants []string
	for i := range series {
		fs := &series[i]
		// Pledges never have the unknown variant: only pickups of a hub's
		// leaves do. A withheld series of it hides no pledges.
		if fs.Currency != currency || fs.Variant == gongxu.DemandVariantUnknown && len(fs.Steps) == 0 {
			continue
		}
		g := groups[fs.Variant]
		if g == nil {
			g = &group{}
			groups[fs.Variant] = g
			variants = append(variants, fs.Variant)
		}
		if fs.Hub == "" {
			g.total = fs
		} else {
			g.hubs = append(g.hubs, fs)
		}
	}
	if len(variants) == 0 {
		return nil, false, noteNoCurrency
	}
	slices.Sort(variants)
	for _, v := range variants {
		g := groups[v]
		hubsOK := g.total != nil && len(g.hubs) > 0
		for _, h := range g.hubs {
			hubsOK = hubsOK && len(h.Steps) > 0
		}
		switch {
		case hubsOK:
			parts = append(parts, g.hubs...)
		case g.total != nil && len(g.total.Steps) > 0:
			parts = append(parts, g.total)
			fromTotal = fromTotal || len(g.hubs) > 0
		case g.total == nil && len(g.hubs) == 1 && len(g.hubs[0].Steps) > 0:
			parts = append(parts, g.hubs[0])
		default:
			return nil, false, noteHidden
		}
	}
	return parts, fromTotal, ""
}

// decreasing is the prefix of prices that is positive and strictly
// decreasing, as a pool's tiers need it.
func decreasing(prices []gongxu.Amount) []gongxu.Amount {
	var out []gongxu.Amount
	for _, p := range prices {
		if p <= 0 || len(out) > 0 && p >= out[len(out)-1] {
			break
		}
		out = append(out, p)
	}
	return out
}

// maxSuggestUnits bounds the suggested quantities (a forecast gone wild
// must not overflow a pool's cap × price).
const maxSuggestUnits = 1 << 40

func nonNeg(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return v
}

func floorUnits(v float64) gongxu.Units { return clampUnits(math.Floor(v + 1e-9)) }
func ceilUnits(v float64) gongxu.Units  { return clampUnits(math.Ceil(v - 1e-9)) }
func roundUnits(v float64) gongxu.Units { return clampUnits(math.Round(v)) }

func clampUnits(v float64) gongxu.Units {
	switch {
	case math.IsNaN(v) || v <= 0:
		return 0
	case v >= maxSuggestUnits:
		return maxSuggestUnits
	}
	return gongxu.Units(v)
}
