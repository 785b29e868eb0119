// Package demandforecast forecasts the demand a reader may see: it builds
// the weekly series of a product (or the sums over a factory's products,
// or the network's) from the thresholded demand report
// (gongxu.DemandService), in units or money, forecasts each with
// internal/forecast and reconciles them (structural WLS, with reconciled
// prediction intervals) along their tree when every series of it is
// visible: a product's total → its hubs; a factory's total → its hubs;
// the network's total → the factories' totals → their hubs.
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
	factory           gongxu.OrgID // of a factory's or the network's series
	level             string       // gongxu.ForecastLevel*, "" for a product's series
}

type groupKey struct{ variant, currency string }

// Forecast implements gongxu.ForecastService.
func (s *Service) Forecast(ctx context.Context, r gongxu.ForecastRequest) (gongxu.ForecastReport, error) {
	switch {
	case r.Product == "" && r.Factory == "" && !r.Network:
		return gongxu.ForecastReport{}, gongxu.Errorf(gongxu.KindInvalid, "a forecast needs a product (FACTORY/SKU), a factory or the network")
	case r.Product != "" && (r.Factory != "" || r.Network), r.Factory != "" && r.Network:
		return gongxu.ForecastReport{}, gongxu.Errorf(gongxu.KindInvalid, "a forecast is of one product, one factory or the network, not several")
	}
	if r.Product != "" {
		if err := r.Product.Validate(); err != nil {
			return gongxu.ForecastReport{}, err
		}
	}
	for _, o := range []gongxu.OrgID{r.Hub, r.Factory} {
		if o != "" {
			if err := o.Validate(); err != nil {
				return gongxu.ForecastReport{}, err
			}
		}
	}
	if r.Product == "" && r.Variant != "" {
		return gongxu.ForecastReport{}, gongxu.Errorf(gongxu.KindInvalid, "a variant needs a product")
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
		Reconciliation: forecast.WLSStructural.String(), Thresholds: rep.Thresholds, Reader: r.Reader, Series: []gongxu.ForecastSeries{},
		Factory: r.Factory, Network: r.Network, Money: r.Money}

	// The cells by series, and each group's first week; the last week is
	// the latest of the report. A series' week is missing when a cell of it
	// is suppressed (for an aggregate: any cell summed into it).
	cells := map[seriesKey]map[int64]cellv{}
	first := map[groupKey]int64{}
	last := int64(-1 << 62)
	var keys []seriesKey
	add := func(k seriesKey, wk int64, v cellv) {
		if cells[k] == nil {
			cells[k] = map[int64]cellv{}
			keys = append(keys, k)
		}
		c, seen := cells[k][wk]
		switch {
		case !seen:
			c = v
		case c.ok && v.ok:
			c.units += v.units
		default:
			c = cellv{}
		}
		cells[k][wk] = c
		g := groupKey{k.variant, k.currency}
		if f, ok := first[g]; !ok || wk < f {
			first[g] = wk
		}
		last = max(last, wk)
	}
	for _, c := range rep.Cells {
		wk, err := weekStart(c.Period)
		if err != nil {
			return gongxu.ForecastReport{}, gongxu.Wrap(err, "demand report")
		}
		v := cellv{}
		if x := c.Value(r.Measure); x != nil && !c.Suppressed {
			v = cellv{float64(x.Units), true}
			if r.Money {
				v.units = float64(x.Money)
			}
		}
		if r.Product != "" {
			add(seriesKey{variant: c.Variant, currency: c.Currency, hub: c.Hub}, wk, v)
			continue
		}
		f, _ := c.Product.Split()
		if r.Factory != "" && f != r.Factory {
			continue
		}
		if c.Hub == "" {
			add(seriesKey{currency: c.Currency, factory: f, level: gongxu.ForecastLevelFactory}, wk, v)
			if r.Network {
				add(seriesKey{currency: c.Currency, level: gongxu.ForecastLevelNetwork}, wk, v)
			}
		} else {
			add(seriesKey{currency: c.Currency, factory: f, hub: c.Hub, level: gongxu.ForecastLevelHub}, wk, v)
		}
	}
	slices.SortFunc(keys, cmpKeys)
	var series []gongxu.ForecastSeries
	results := map[seriesKey]*forecast.Result{}
	for _, k := range keys {
		fs := gongxu.ForecastSeries{Product: r.Product, Variant: k.variant, Hub: k.hub, Currency: k.currency, Level: k.level, Factory: k.factory,
			Steps: []gongxu.ForecastStep{}}
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
		if res := results[key(*fs)]; res != nil {
			for h := range res.Mean {
				fs.Steps = append(fs.Steps, gongxu.ForecastStep{Period: weekName(last + int64(h+1)*7), Mean: res.Mean[h],
					Lo80: res.Lo80[h], Hi80: res.Hi80[h], Lo95: res.Lo95[h], Hi95: res.Hi95[h]})
			}
		}
		if fs.Reconciled {
			out.Intervals = forecast.ReconciledIntervalMethod
		}
		out.Series = append(out.Series, *fs)
	}
	return out, nil
}

type cellv struct {
	units float64 // the value: units, or money with Money
	ok    bool    // shown
}

// reconcile makes each group's forecasts coherent by structural WLS on its
// tree, with reconciled intervals (forecast.ReconcileIntervals): a
// product's total → its hubs, per variant and currency; a factory's total
// → its hubs; the network's total → the factories' totals → their hubs,
// per currency. A tree is reconciled when every series of it was
// forecast; when one is not, each fully forecast subtree of a factory is.
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
		var trees [][]int
		if series[idx[0]].Level == "" {
			trees = [][]int{idx} // a product: total → hubs
		} else {
			trees = factoryTrees(series, idx, results)
		}
		for _, tr := range trees {
			if err := reconcileTree(series, tr, results); err != nil {
				return err
			}
		}
	}
	return nil
}

// factoryTrees is the network's tree of a currency (idx in series order:
// the network's total, then each factory's total followed by its hubs) when
// every series of it was forecast, else each factory's tree.
func factoryTrees(series []gongxu.ForecastSeries, idx []int, results map[seriesKey]*forecast.Result) [][]int {
	var facts [][]int
	for k, i := range idx {
		if series[i].Level == gongxu.ForecastLevelNetwork {
			continue
		}
		if k == 0 || series[i].Factory != series[idx[k-1]].Factory {
			facts = append(facts, nil)
		}
		facts[len(facts)-1] = append(facts[len(facts)-1], i)
	}
	if series[idx[0]].Level != gongxu.ForecastLevelNetwork {
		return facts
	}
	for _, i := range idx {
		if results[key(series[i])] == nil {
			series[idx[0]].Note = join(series[idx[0]].Note, "not reconciled: some series under this total are suppressed; each factory whose series all are is reconciled on its own")
			return facts
		}
	}
	return [][]int{idx}
}

// reconcileTree reconciles one tree: tr[0] is its root; a factory's series
// hang from it (or from the factory's total under a network root), and a
// hub's from its factory's total.
func reconcileTree(series []gongxu.ForecastSeries, tr []int, results map[seriesKey]*forecast.Result) error {
	root := &series[tr[0]]
	if len(tr) < 2 || root.Hub != "" {
		return nil // no total, or nothing under it
	}
	for _, i := range tr {
		if results[key(series[i])] == nil {
			if root.Level == "" {
				root.Note = join(root.Note, "not reconciled: some hub series of this total are suppressed")
			} else {
				root.Note = join(root.Note, "not reconciled: some series under this total are suppressed")
			}
			return nil
		}
	}
	parent := make([]int, len(tr))
	base := make([]forecast.Interval, len(tr))
	fact := -1
	for j, i := range tr {
		switch {
		case j == 0:
			parent[j] = -1
		case series[i].Level == gongxu.ForecastLevelFactory:
			parent[j], fact = 0, j
		case series[i].Level == gongxu.ForecastLevelHub && fact >= 0:
			parent[j] = fact
		default:
			parent[j] = 0
		}
		base[j] = results[key(series[i])].Interval
	}
	tree, err := forecast.NewTree(parent)
	if err != nil {
		return gongxu.Wrap(err, "forecast hierarchy")
	}
	var rec []forecast.Interval
	if len(tr) <= forecast.MaxIntervalSeries {
		if rec, err = tree.ReconcileIntervals(base, forecast.WLSStructural, nil); err != nil {
			return gongxu.Wrap(err, "reconciling forecasts")
		}
	} else {
		// Too many series for the reconciled variances: the means are
		// reconciled and each interval moves with its mean.
		means := make([][]float64, len(tr))
		for j := range base {
			means[j] = base[j].Mean
		}
		m, err := tree.Reconcile(means, forecast.WLSStructural, nil)
		if err != nil {
			return gongxu.Wrap(err, "reconciling forecasts")
		}
		rec = make([]forecast.Interval, len(tr))
		for j, b := range base {
			iv := forecast.Interval{Mean: m[j]}
			for _, p := range []struct{ from, to *[]float64 }{{&b.Lo80, &iv.Lo80}, {&b.Hi80, &iv.Hi80}, {&b.Lo95, &iv.Lo95}, {&b.Hi95, &iv.Hi95}} {
				*p.to = make([]float64, len(m[j]))
				for h := range m[j] {
					(*p.to)[h] = (*p.from)[h] + m[j][h] - b.Mean[h]
				}
			}
			rec[j] = iv
		}
		root.Note = join(root.Note, fmt.Sprintf("%d series: intervals moved with their reconciled means, not reconciled", len(tr)))
	}
	for j, i := range tr {
		res := results[key(series[i])]
		results[key(series[i])] = &forecast.Result{Method: res.Method, Note: res.Note, Interval: rec[j]}
		series[i].Reconciled = true
	}
	return nil
}

func key(fs gongxu.ForecastSeries) seriesKey {
	return seriesKey{fs.Variant, fs.Currency, fs.Hub, fs.Factory, fs.Level}
}

// cmpKeys orders series by variant, currency, factory ("" — the network's
// total — first) and hub ("" — the total — first).
func cmpKeys(a, b seriesKey) int {
	if c := strings.Compare(a.variant, b.variant); c != 0 {
		return c
	}
	if c := strings.Compare(a.currency, b.currency); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.factory), string(b.factory)); c != 0 {
		return c
	}
	return strings.Compare(string(a.hub), string(b.hub))
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
