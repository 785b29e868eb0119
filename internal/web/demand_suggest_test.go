package web

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// steps are n forecast weeks of mean m with intervals ±w (80 %) and ±2w
// (95 %).
func steps(n int, m, w float64) []gongxu.ForecastStep {
	out := make([]gongxu.ForecastStep, n)
	for i := range out {
		out[i] = gongxu.ForecastStep{Period: "2026-W1" + string(rune('0'+i%10)), Mean: m, Lo80: m - w, Hi80: m + w, Lo95: m - 2*w, Hi95: m + 2*w}
	}
	return out
}

func series(variant string, hub gongxu.OrgID, st []gongxu.ForecastStep) gongxu.ForecastSeries {
	return gongxu.ForecastSeries{Product: "acme-textiles/merino-jacket", Variant: variant, Hub: hub, Currency: "CNY", Steps: st, Method: "ets"}
}

func TestSuggestPoolFromHubs(t *testing.T) {
	in := suggestInput{Weeks: 2, Prices: []gongxu.Amount{12900, 9900, 8900, 7900}, Series: []gongxu.ForecastSeries{
		series("m-navy", "", steps(8, 30, 5)),
		series("m-navy", "hilltown-hub", steps(8, 20, 4)),
		series("m-navy", "lakeside-corner", steps(8, 10, 3)),
	}}
	got := suggestPool(in)
	if !got.OK {
		t.Fatalf("no suggestion: %+v", got)
	}
	// MOQ: Σ lo80 over hubs and 2 weeks = 2·16 + 2·7 = 46; cap: Σ hi95 =
	// 2·28 + 2·16 = 88; tiers at 1, the MOQ, the mean (60) and hi80 (74).
	if got.MOQ != 46 || got.Cap != 88 {
		t.Errorf("MOQ %d, cap %d; want 46, 88", got.MOQ, got.Cap)
	}
	want := []gongxu.Tier{{MinQty: 1, UnitPrice: 12900}, {MinQty: 46, UnitPrice: 9900}, {MinQty: 60, UnitPrice: 8900}, {MinQty: 74, UnitPrice: 7900}}
	if !slices.Equal(got.Tiers, want) {
		t.Errorf("tiers %v, want %v", got.Tiers, want)
	}
	if len(got.Parts) != 2 || got.Parts[0].Hub != "hilltown-hub" || got.Parts[0].Lo80 != 32 {
		t.Errorf("parts %+v", got.Parts)
	}
	if len(got.Notes) != 0 {
		t.Errorf("notes %v", got.Notes)
	}
}

// The unknown variant holds only pickups of hub leaves, never pledges: a
// withheld series of it does not withhold the suggestion (the demo's first
// run: one hub's pickups, the variants' history recorded by the hubs).
func TestSuggestPoolUnknownVariantWithheld(t *testing.T) {
	got := suggestPool(suggestInput{Weeks: 2, Series: []gongxu.ForecastSeries{
		series("m-navy", "", steps(8, 30, 5)),
		series(gongxu.DemandVariantUnknown, "", nil),
		series(gongxu.DemandVariantUnknown, "hilltown-hub", nil),
	}})
	if !got.OK || len(got.Parts) != 1 || got.Parts[0].Variant != "m-navy" {
		t.Fatalf("%+v", got)
	}
}

func TestSuggestPoolNoSuggestion(t *testing.T) {
	hidden := series("m-navy", "lakeside-corner", nil)
	hidden.Note = "not forecast: suppressed"
	hiddenTotal := series("m-navy", "", nil)
	for _, c := range []struct {
		name string
		in   suggestInput
		note string
	}{
		{"nothing", suggestInput{Weeks: 2}, noteNoForecast},
		{"total and a hub withheld", suggestInput{Weeks: 2, Series: []gongxu.ForecastSeries{hiddenTotal,
			series("m-navy", "hilltown-hub", steps(8, 20, 4)), hidden}}, noteHidden},
		{"a variant withheld", suggestInput{Weeks: 2, Series: []gongxu.ForecastSeries{series("l-navy", "", steps(8, 9, 1)),
			hiddenTotal}}, noteHidden},
		{"other currency", suggestInput{Weeks: 2, Currency: "EUR", Series: []gongxu.ForecastSeries{series("m-navy", "", steps(8, 9, 1))}}, noteNoCurrency},
		{"no demand", suggestInput{Weeks: 2, Series: []gongxu.ForecastSeries{series("m-navy", "", steps(8, 0, 0))}}, noteNoDemand},
		{"only the unknown variant, withheld", suggestInput{Weeks: 2, Series: []gongxu.ForecastSeries{
			series(gongxu.DemandVariantUnknown, "", nil)}}, noteNoCurrency},
	} {
		got := suggestPool(c.in)
		if got.OK || got.MOQ != 0 || got.Cap != 0 || len(got.Tiers) != 0 || !slices.Contains(got.Notes, c.note) {
			t.Errorf("%s: %+v, want no suggestion and the note %q", c.name, got, c.note)
		}
	}
}

func TestSuggestPoolFallbacks(t *testing.T) {
	// A hub withheld but the total shown: the total stands in.
	got := suggestPool(suggestInput{Weeks: 1, Series: []gongxu.ForecastSeries{
		series("m-navy", "", steps(8, 30, 5)), series("m-navy", "hilltown-hub", steps(8, 20, 4)), series("m-navy", "lakeside-corner", nil)}})
	if !got.OK || got.MOQ != 25 || got.Cap != 40 || !slices.Contains(got.Notes, noteFromTotal) || !slices.Contains(got.Notes, noteNoPrices) {
		t.Errorf("from the total: %+v", got)
	}
	for _, tr := range got.Tiers {
		if tr.UnitPrice != 0 {
			t.Errorf("unpriced tiers have a price: %v", got.Tiers)
		}
	}
	// Intermittent demand: the lower bound is 0, the MOQ 1; the cap a
	// multiple of the case pack; the forecast shorter than the pool.
	got = suggestPool(suggestInput{Weeks: 3, CasePack: 10, Prices: []gongxu.Amount{3000}, Series: []gongxu.ForecastSeries{
		series("", "", steps(2, 2, 3))}})
	if !got.OK || got.MOQ != 1 || got.Cap != 20 || !slices.Contains(got.Notes, noteMOQFloor) || !slices.Contains(got.Notes, noteShortHorizon) {
		t.Errorf("intermittent: %+v", got)
	}
	if !slices.Equal(got.Tiers, []gongxu.Tier{{MinQty: 1, UnitPrice: 3000}}) {
		t.Errorf("one price, one tier: %v", got.Tiers)
	}
	// Prices that do not fall are cut where they stop falling.
	got = suggestPool(suggestInput{Weeks: 2, Prices: []gongxu.Amount{5000, 6000, 4000}, Series: []gongxu.ForecastSeries{series("", "", steps(8, 30, 5))}})
	if !slices.Equal(got.Tiers, []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}}) {
		t.Errorf("bad prices: %v", got.Tiers)
	}
}

// Properties over random forecasts: integers never negative, 1 ≤ MOQ ≤
// cap, the cap a multiple of the case pack, tiers from 1 strictly
// ascending within the cap with strictly falling prices; a withheld series
// never yields a suggestion.
func TestSuggestPoolProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 7))
	for i := range 3000 {
		var ss []gongxu.ForecastSeries
		hidden := false
		for _, v := range []string{"m-navy", "l-navy"}[:1+rng.IntN(2)] {
			hubs := []gongxu.OrgID{"", "hilltown-hub", "lakeside-corner"}[:1+rng.IntN(3)]
			allHidden := true
			totalShown := false
			hubsShown := true
			for _, h := range hubs {
				n := 1 + rng.IntN(10)
				var st []gongxu.ForecastStep
				if rng.IntN(8) > 0 {
					st = make([]gongxu.ForecastStep, n)
					for j := range st {
						m := rng.NormFloat64() * 40
						a, b := rng.Float64()*30, rng.Float64()*30
						st[j] = gongxu.ForecastStep{Mean: m, Lo80: m - a, Hi80: m + a, Lo95: m - a - b, Hi95: m + a + b}
					}
					allHidden = false
				}
				if h == "" {
					totalShown = st != nil
				} else {
					hubsShown = hubsShown && st != nil
				}
				ss = append(ss, series(v, h, st))
			}
			// The total (always there, first) or every hub of it.
			usable := totalShown || len(hubs) > 1 && hubsShown
			_ = allHidden
			hidden = hidden || !usable
		}
		in := suggestInput{Weeks: 1 + rng.IntN(6), CasePack: gongxu.Units(1 + rng.IntN(12))}
		for p := gongxu.Amount(20000); len(in.Prices) < rng.IntN(6); p -= gongxu.Amount(1 + rng.IntN(3000)) {
			in.Prices = append(in.Prices, p)
		}
		in.Series = ss
		got := suggestPool(in)
		if hidden && got.OK {
			t.Fatalf("case %d: a suggestion from withheld demand: %+v\n%+v", i, got, ss)
		}
		if !got.OK {
			if len(got.Notes) == 0 || got.MOQ != 0 || got.Cap != 0 || got.Tiers != nil {
				t.Fatalf("case %d: no suggestion without a note, or with numbers: %+v", i, got)
			}
			continue
		}
		if got.MOQ < 1 || got.Cap < got.MOQ || got.Cap%in.CasePack != 0 {
			t.Fatalf("case %d: MOQ %d, cap %d, case pack %d", i, got.MOQ, got.Cap, in.CasePack)
		}
		if got.Lo80 < 0 || got.Mean < 0 || got.Hi80 < 0 || got.Hi95 < 0 {
			t.Fatalf("case %d: negative sums %+v", i, got)
		}
		if len(got.Tiers) == 0 || got.Tiers[0].MinQty != 1 {
			t.Fatalf("case %d: tiers %v", i, got.Tiers)
		}
		for j, tr := range got.Tiers {
			if tr.MinQty > got.Cap || tr.UnitPrice < 0 {
				t.Fatalf("case %d: tier %v beyond the cap %d or negative", i, tr, got.Cap)
			}
			if j > 0 && (tr.MinQty <= got.Tiers[j-1].MinQty || got.Priced && tr.UnitPrice >= got.Tiers[j-1].UnitPrice) {
				t.Fatalf("case %d: tiers not monotone: %v", i, got.Tiers)
			}
		}
		if got.Priced && len(got.Tiers) > len(in.Prices) {
			t.Fatalf("case %d: more tiers %v than prices %v", i, got.Tiers, in.Prices)
		}
	}
}

func TestSuggestNotesTranslated(t *testing.T) {
	for _, n := range suggestNotes {
		if _, ok := zhMessages[n]; !ok {
			t.Errorf("note %q has no Chinese", n)
		}
	}
}
