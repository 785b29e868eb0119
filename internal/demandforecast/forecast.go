// Package demandforecast forecasts the demand a reader may see: it builds
// the weekly series of a product from the thresholded demand report
// (gongxu.DemandService), forecasts each with internal/forecast and
// reconciles the hubs' forecasts to the product's total (network → hub,
// structural WLS) when every hub series of it is visible.
//
// It reads only what the reader is shown: a suppressed cell is missing, not
// zero. A series is forecast from its weeks after the last suppressed one,
// and only when one of them is shown; a week with no cell at all had no
// demand and counts as zero.
package demandforecast

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/forecast"
)

// Service implements gongxu.ForecastService over a demand service.
type Service struct {
	demand gongxu.DemandService
}

// New returns the forecast service over d.
func New(d gongxu.DemandService) *Service { return &Service{demand: d} }

// seasonWeeks is the season of weekly series, used once two full years of
// history are there.
const seasonWeeks = 52

type seriesKey struct {
	variant, currency string
	hub               gongxu.OrgID
}

type groupKey struct{ variant, currency string }

// Forecast implements gongxu.ForecastService.
func (s *Service) Forecast(ctx context.Context, r gongxu.ForecastRequest) (gongxu.ForecastReport, error) {
	if r.Product == "" {
		return gongxu.ForecastReport{}, gongxu.Errorf(gongxu.KindInvalid, "a forecast needs a product (FACTORY/SKU)")
	}
	if err := r.Product.Validate(); err != nil {
		return gongxu.ForecastReport{}, err
	}
	if r.Hub != "" {
		if err := r.Hub.Validate(); err != nil {
			return gongxu.ForecastReport{}, err
		}
	}
	if r.Measure == "" {
		r.Measure = gongxu.MeasurePledged
	}
	if !slices.Contains(gongxu.DemandMeasures, r.Measure) {
		return gongxu.ForecastReport{}, gongxu.Errorf(gongxu.KindInvalid, "measure must be pledged, captured, refunded or picked_up; got %q", r.Measure)
	}
	if r.Horizon == 0 {
		r.Horizon = gongxu.DefaultForecastHorizon
	}
	if r.Horizon < 1 || r.Horizon > gongxu.MaxForecastHorizon {
		return gongxu.ForecastReport{}, gongxu.Errorf(gongxu.KindInvalid, "horizon must be 1 to %d weeks; got %d", gongxu.MaxForecastHorizon, r.Horizon)
	}
	// Every hub is asked, whatever r.Hub: reconciliation needs the whole
	// group, and a cell is shown the same way in every query.
	rep, err := s.demand.Demand(ctx, gongxu.DemandFilter{Product: r.Product, Variant: r.Variant, Period: gongxu.DemandWeek,
		Measure: r.Measure, Reader: r.Reader})
	if err != nil {
		return gongxu.ForecastReport{}, err
	}
	out := gongxu.ForecastReport{Product: r.Product, Measure: r.Measure, Period: gongxu.DemandWeek, Horizon: r.Horizon,
		Reconciliation: forecast.WLSStructural.String(), Thresholds: rep.Thresholds, Reader: r.Reader, Series: []gongxu.ForecastSeries{}}

	// The cells by series, and each group's first week; the last week is
	// the product's latest.
	type cellv struct {
		units float64
		ok    bool // shown
	}
	cells := map[seriesKey]map[int64]cellv{}
	first := map[groupKey]int64{}
	last := int64(-1 << 62)
	var keys []seriesKey
	for _, c := range rep.Cells {
		wk, err := weekStart(c.Period)
		if err != nil {
			return gongxu.ForecastReport{}, gongxu.Wrap(err, "demand report")
		}
		k := seriesKey{c.Variant, c.Currency, c.Hub}
		if cells[k] == nil {
			cells[k] = map[int64]cellv{}
			keys = append(keys, k)
		}
		v := cellv{}
		if x := c.Value(r.Measure); x != nil && !c.Suppressed {
			v = cellv{float64(x.Units), true}
		}
		cells[k][wk] = v
		g := groupKey{c.Variant, c.Currency}
		if f, ok := first[g]; !ok || wk < f {
			first[g] = wk
		}
		last = max(last, wk)
	}
	slices.SortFunc(keys, func(a, b seriesKey) int {
		return cmpKeys(a, b)
	})
	var series []gongxu.ForecastSeries
	results := map[seriesKey]*forecast.Result{}
	for _, k := range keys {
		fs := gongxu.ForecastSeries{Product: r.Product, Variant: k.variant, Hub: k.hub, Currency: k.currency, Steps: []gongxu.ForecastStep{}}
		start := first[groupKey{k.variant, k.currency}]
		var y []float64
		from, shown := start, false
		for wk := start; wk <= last; wk += 7 {
			c, ok := cells[k][wk]
			switch {
			case !ok:
				y = append(y, 0) // no cell: no demand that week
			case c.ok:
				y, shown = append(y, c.units), true
			default:
				fs.Suppressed++
				y, from, shown = y[:0], wk+7, false // missing: keep only the weeks after it
			}
		}
		switch {
		case !shown && fs.Suppressed > 0:
			fs.Note = fmt.Sprintf("not forecast: no week after its last suppressed one is shown (%d of its weeks withheld under the privacy thresholds; suppressed cells are missing, never zero)", fs.Suppressed)
		case !shown:
			fs.Note = "not forecast: no history"
		default:
			fs.From, fs.To, fs.Weeks = weekName(from), weekName(last), len(y)
			season := 1
			if len(y) >= 2*seasonWeeks {
				season = seasonWeeks
			}
			res, err := forecast.Forecast(y, forecast.Options{Horizon: r.Horizon, Season: season})
			if err != nil {
				return gongxu.ForecastReport{}, gongxu.Wrap(err, "forecasting %s", r.Product)
			}
			fs.Method, fs.Note = res.Method, res.Note
			if fs.Suppressed > 0 {
				fs.Note = join(fs.Note, fmt.Sprintf("%d suppressed weeks are missing: forecast from the %d weeks after the last of them", fs.Suppressed, len(y)))
			}
			results[k] = &res
		}
		series = append(series, fs)
	}
	if err := reconcile(series, results); err != nil {
		return gongxu.ForecastReport{}, err
	}
	for i := range series {
		fs := &series[i]
		if r.Hub != "" && fs.Hub != r.Hub {
			continue
		}
		if res := results[seriesKey{fs.Variant, fs.Currency, fs.Hub}]; res != nil {
			for h := range res.Mean {
				fs.Steps = append(fs.Steps, gongxu.ForecastStep{Period: weekName(last + int64(h+1)*7), Mean: res.Mean[h],
					Lo80: res.Lo80[h], Hi80: res.Hi80[h], Lo95: res.Lo95[h], Hi95: res.Hi95[h]})
			}
		}
		out.Series = append(out.Series, *fs)
	}
	return out, nil
}

// reconcile makes each group's hub forecasts add up to its total's, by
// structural WLS on the two-level tree total → hubs, when the total and
// every hub series of the group were forecast; the intervals move with
// their means.
func reconcile(series []gongxu.ForecastSeries, results map[seriesKey]*forecast.Result) error {
	groups := map[groupKey][]int{}
	var order []groupKey
	for i, fs := range series {
		g := groupKey{fs.Variant, fs.Currency}
		if groups[g] == nil {
			order = append(order, g)
		}
		groups[g] = append(groups[g], i)
	}
	for _, g := range order {
		idx := groups[g]
		if series[idx[0]].Hub != "" || len(idx) < 2 {
			continue // no total, or no hub
		}
		visible := true
		for _, i := range idx {
			visible = visible && results[key(series[i])] != nil
		}
		if !visible {
			series[idx[0]].Note = join(series[idx[0]].Note, "not reconciled: some hub series of this total are suppressed")
			continue
		}
		parent := make([]int, len(idx))
		base := make([][]float64, len(idx))
		for j, i := range idx {
			parent[j] = 0
			base[j] = results[key(series[i])].Mean
		}
		parent[0] = -1
		tree, err := forecast.NewTree(parent)
		if err != nil {
			return gongxu.Wrap(err, "forecast hierarchy")
		}
		rec, err := tree.Reconcile(base, forecast.WLSStructural, nil)
		if err != nil {
			return gongxu.Wrap(err, "reconciling forecasts")
		}
		for j, i := range idx {
			res := results[key(series[i])]
			shifted := forecast.Result{Method: res.Method, Note: res.Note, Interval: forecast.Interval{
				Mean: rec[j], Lo80: make([]float64, len(rec[j])), Hi80: make([]float64, len(rec[j])),
				Lo95: make([]float64, len(rec[j])), Hi95: make([]float64, len(rec[j]))}}
			for h, m := range rec[j] {
				d := m - res.Mean[h]
				shifted.Lo80[h], shifted.Hi80[h] = res.Lo80[h]+d, res.Hi80[h]+d
				shifted.Lo95[h], shifted.Hi95[h] = res.Lo95[h]+d, res.Hi95[h]+d
			}
			results[key(series[i])] = &shifted
			series[i].Reconciled = true
		}
	}
	return nil
}

func key(fs gongxu.ForecastSeries) seriesKey { return seriesKey{fs.Variant, fs.Currency, fs.Hub} }

func cmpKeys(a, b seriesKey) int {
	if c := strings.Compare(a.variant, b.variant); c != 0 {
		return c
	}
	if c := strings.Compare(a.currency, b.currency); c != 0 {
		return c
	}
	return strings.Compare(string(a.hub), string(b.hub)) // "" (the total) first
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// weekStart is the Monday of ISO week "2026-W49", in days since the epoch.
func weekStart(name string) (int64, error) {
	y, w, ok := strings.Cut(name, "-W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || week < 1 || week > 53 {
		return 0, gongxu.Errorf(gongxu.KindInternal, "not an ISO week: %q", name)
	}
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(week-1)*7)
	return monday.Unix() / 86400, nil
}

// weekName is the ISO week of a day since the epoch.
func weekName(day int64) string {
	y, w := time.Unix(day*86400, 0).UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
