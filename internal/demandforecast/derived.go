package demandforecast

import (
	"context"
	"fmt"
	"math"
	"slices"

	gongxu "github.com/gongxu-network/gongxu"
)

// Derived serves suppliers' derived demand (gongxu.DerivedDemandService):
// the forecasts of each product's total over hubs, as an anonymous reader
// is shown them, exploded through its factory's bill of materials into the
// weekly demand for the bought items a supplier supplies.
type Derived struct {
	fc   *Service
	prod gongxu.ProductionService
}

// NewDerived returns the derived-demand service over the forecasts of fc
// and the master data and purchase orders of prod.
func NewDerived(fc *Service, prod gongxu.ProductionService) *Derived {
	return &Derived{fc: fc, prod: prod}
}

// derivedPOs is how many of the supplier's latest purchase orders say which
// items they supply to which factory.
const derivedPOs = 1000

// maxBOMDepth bounds the explosion (the ledger refuses cycles; this is a
// guard).
const maxBOMDepth = 64

// DerivedDemand implements gongxu.DerivedDemandService.
//
// Which items a supplier supplies to a factory: the items of the factory's
// purchase orders to them, the items they offer, and the items whose
// preferred supplier they are. Each such item that a product's bill of
// materials reaches (through made items, scrap included, by-products left
// out) gets the sum over those products of units per product × the
// product's forecast total. Only products' totals over hubs are read, as
// an anonymous reader sees them: a product whose total is not forecast
// (withheld under the thresholds) is listed with Forecast false and left
// out of the sums, never counted as zero.
func (d *Derived) DerivedDemand(ctx context.Context, r gongxu.DerivedDemandRequest) (gongxu.DerivedDemandReport, error) {
	if r.Supplier == "" {
		return gongxu.DerivedDemandReport{}, gongxu.Errorf(gongxu.KindInvalid, "derived demand needs a supplier")
	}
	if err := r.Supplier.Validate(); err != nil {
		return gongxu.DerivedDemandReport{}, err
	}
	if r.Measure == "" {
		r.Measure = gongxu.MeasurePledged
	}
	if !slices.Contains(gongxu.DemandMeasures, r.Measure) {
		return gongxu.DerivedDemandReport{}, gongxu.Errorf(gongxu.KindInvalid, "measure must be pledged, captured, refunded or picked_up; got %q", r.Measure)
	}
	if r.Horizon == 0 {
		r.Horizon = gongxu.DefaultForecastHorizon
	}
	if r.Horizon < 1 || r.Horizon > gongxu.MaxForecastHorizon {
		return gongxu.DerivedDemandReport{}, gongxu.Errorf(gongxu.KindInvalid, "horizon must be 1 to %d weeks; got %d", gongxu.MaxForecastHorizon, r.Horizon)
	}
	// The products with demand, by factory.
	rep, err := d.fc.demand.Demand(ctx, gongxu.DemandFilter{Period: gongxu.DemandWeek, Measure: r.Measure})
	if err != nil {
		return gongxu.DerivedDemandReport{}, err
	}
	out := gongxu.DerivedDemandReport{Supplier: r.Supplier, Measure: r.Measure, Horizon: r.Horizon, Thresholds: rep.Thresholds,
		Items: []gongxu.DerivedDemandItem{}}
	products := map[gongxu.OrgID][]gongxu.ProductID{}
	for _, c := range rep.Cells {
		f, _ := c.Product.Split()
		if f == "" || c.Product.Validate() != nil {
			continue
		}
		if !slices.Contains(products[f], c.Product) {
			products[f] = append(products[f], c.Product)
		}
	}
	// What the supplier supplies: by purchase order (per factory), by offer.
	pos, err := d.prod.POs(ctx, r.Supplier, derivedPOs)
	if err != nil {
		return gongxu.DerivedDemandReport{}, err
	}
	ordered := map[gongxu.OrgID]map[gongxu.ItemID]bool{}
	for _, po := range pos {
		if po.Supplier != r.Supplier {
			continue
		}
		if ordered[po.Factory] == nil {
			ordered[po.Factory] = map[gongxu.ItemID]bool{}
		}
		for _, l := range po.Lines {
			ordered[po.Factory][l.Item] = true
		}
	}
	offers, err := d.prod.Offers(ctx, r.Supplier)
	if err != nil {
		return gongxu.DerivedDemandReport{}, err
	}
	offered := map[gongxu.ItemID]bool{}
	for _, o := range offers {
		offered[o.Item] = true
	}

	forecasts := map[gongxu.ProductID]*productForecast{}
	factories := make([]gongxu.OrgID, 0, len(products))
	for f := range products {
		factories = append(factories, f)
	}
	slices.Sort(factories)
	for _, f := range factories {
		md, err := d.prod.Master(ctx, f)
		if err != nil {
			return gongxu.DerivedDemandReport{}, err
		}
		items := map[gongxu.ItemID]gongxu.Item{}
		for _, it := range md.Items {
			items[it.ID] = it
		}
		comps := map[gongxu.ItemID][]gongxu.BOMLine{}
		for _, l := range md.BOM {
			if !l.ByProduct {
				comps[l.Parent] = append(comps[l.Parent], l)
			}
		}
		supplies := func(it gongxu.ItemID) []string {
			var src []string
			if ordered[f][it] {
				src = append(src, "purchase_order")
			}
			if offered[it] {
				src = append(src, "offer")
			}
			if items[it].Supplier == r.Supplier {
				src = append(src, "preferred")
			}
			return src
		}
		type acc struct {
			item     gongxu.DerivedDemandItem
			products map[gongxu.ProductID]float64
			leadDays int64
		}
		found := map[gongxu.ItemID]*acc{}
		slices.Sort(products[f])
		for _, p := range products[f] {
			var walk func(parent gongxu.ItemID, mult float64, lead int64, depth int)
			walk = func(parent gongxu.ItemID, mult float64, lead int64, depth int) {
				if depth > maxBOMDepth {
					return
				}
				for _, l := range comps[parent] {
					q := mult * float64(l.QtyPer) / 1000 * float64(10000+l.ScrapBP) / 10000
					if len(comps[l.Child]) > 0 {
						walk(l.Child, q, lead+items[l.Child].LeadTimeDays, depth+1)
						continue
					}
					src := supplies(l.Child)
					if len(src) == 0 {
						continue
					}
					a := found[l.Child]
					if a == nil {
						a = &acc{item: gongxu.DerivedDemandItem{Factory: f, Item: l.Child, Unit: items[l.Child].Unit, Sources: src,
							Steps: []gongxu.DerivedDemandStep{}}, products: map[gongxu.ProductID]float64{}}
						found[l.Child] = a
					}
					a.products[p] += q
					a.leadDays = max(a.leadDays, lead)
				}
			}
			walk(gongxu.ItemID(p), 1, items[gongxu.ItemID(p)].LeadTimeDays, 0)
		}
		ids := make([]gongxu.ItemID, 0, len(found))
		for id := range found {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			a := found[id]
			it := &a.item
			it.LeadWeeks = int((a.leadDays + 6) / 7)
			type stepv struct{ mean, v float64 }
			steps := map[string]*stepv{}
			var withheld int
			ps := make([]gongxu.ProductID, 0, len(a.products))
			for p := range a.products {
				ps = append(ps, p)
			}
			slices.Sort(ps)
			for _, p := range ps {
				pf := forecasts[p]
				if pf == nil {
					if pf, err = d.productForecast(ctx, p, r); err != nil {
						return gongxu.DerivedDemandReport{}, err
					}
					forecasts[p] = pf
				}
				q := a.products[p]
				it.Products = append(it.Products, gongxu.DerivedDemandProduct{Product: p, QtyPer: q, Forecast: pf.ok})
				if !pf.ok {
					withheld++
					continue
				}
				for i, per := range pf.periods {
					s := steps[per]
					if s == nil {
						s = &stepv{}
						steps[per] = s
					}
					s.mean += q * pf.mean[i]
					s.v += q * q * pf.v[i]
				}
			}
			pers := make([]string, 0, len(steps))
			for per := range steps {
				pers = append(pers, per)
			}
			slices.Sort(pers)
			for _, per := range pers {
				s := steps[per]
				sd := math.Sqrt(s.v)
				wk, err := weekStart(per)
				if err != nil {
					return gongxu.DerivedDemandReport{}, err
				}
				it.Steps = append(it.Steps, gongxu.DerivedDemandStep{Period: per, NeededBy: weekName(wk - 7*int64(it.LeadWeeks)), Mean: s.mean,
					Lo80: math.Max(0, s.mean-z80*sd), Hi80: s.mean + z80*sd, Lo95: math.Max(0, s.mean-z95*sd), Hi95: s.mean + z95*sd})
			}
			if withheld > 0 {
				it.Note = fmt.Sprintf("%d of its %d products are not forecast (their totals are withheld under the privacy thresholds): their demand is left out, not counted as zero", withheld, len(ps))
			}
			out.Items = append(out.Items, *it)
		}
	}
	return out, nil
}

// Quantiles of the standard normal for the two-sided 80 % and 95 % intervals.
const (
	z80 = 1.2815515655446004
	z95 = 1.959963984540054
)

// productForecast is a product's forecast total over hubs: the sum over
// its variants and currencies, with the variance each interval implies.
type productForecast struct {
	ok      bool // every total series of the product was forecast
	periods []string
	mean, v []float64
}

func (d *Derived) productForecast(ctx context.Context, p gongxu.ProductID, r gongxu.DerivedDemandRequest) (*productForecast, error) {
	rep, err := d.fc.Forecast(ctx, gongxu.ForecastRequest{Product: p, Measure: r.Measure, Horizon: r.Horizon})
	if err != nil {
		return nil, err
	}
	pf := &productForecast{ok: true}
	for _, s := range rep.Series {
		if s.Hub != "" {
			continue
		}
		if len(s.Steps) == 0 {
			return &productForecast{}, nil
		}
		for i, st := range s.Steps {
			if i >= len(pf.periods) {
				pf.periods = append(pf.periods, st.Period)
				pf.mean = append(pf.mean, 0)
				pf.v = append(pf.v, 0)
			}
			if pf.periods[i] != st.Period {
				return nil, gongxu.Errorf(gongxu.KindInternal, "forecast of %s: series of different weeks (%s, %s)", p, pf.periods[i], st.Period)
			}
			pf.mean[i] += st.Mean
			sd := (st.Hi95 - st.Lo95) / (2 * z95)
			pf.v[i] += sd * sd
		}
	}
	if len(pf.periods) == 0 {
		return &productForecast{}, nil
	}
	return pf, nil
}
