package web

import (
	"context"
	"net/http"

	"github.com/gongxu-network/gongxu"
)

// The demand card: a product's forecast for the next weeks against its
// open pools, for other pages to show (the factory console, the hub page)
// through the partial template "demand-card" (demand_partials.html), whose
// data is a *demandCard that demandCardFor builds. Its numbers are sums
// over the product's variants and hubs, chosen as the pool suggestion
// chooses them (pickSeries): a product whose demand is partly withheld
// from the reader gets no numbers, only the note why.

// cardWeeks is how many weeks ahead the card shows.
const cardWeeks = 4

// demandCard is the data of the "demand-card" partial.
type demandCard struct {
	Product  gongxu.ProductID
	Name     string
	Unit     string
	Href     string // the product's demand page
	Currency string
	Weeks    []demandCardWeek // the next weeks; empty when there is no forecast (Note says why)
	Note     string           // in the page's language
	Pools    []demandCardPool // the product's open pools, newest first
}

// demandCardWeek is a week of the card: the forecast of pledged units, summed.
type demandCardWeek struct {
	Period, Monday   string
	Mean, Lo80, Hi80 string
}

// demandCardPool is an open pool against the forecast until its deadline.
type demandCardPool struct {
	ID         uint64
	Href       string
	Total      gongxu.Units
	MOQ, Cap   gongxu.Units
	WeeksLeft  int    // weeks from the latest block to the deadline, rounded up
	Expected   string // the total at the deadline the forecast expects; "" without a forecast
	Lo80, Hi80 string
	Verdict    string // in the page's language
	Class      string // ok, warn, muted: for the badge
}

// demandCardFor builds the card of product id for the page of r, read as
// the demand pages read (demandReader); nil when this node serves no
// demand or no forecasts, or has no pool pages. A product the node does
// not know is an error of kind gongxu.KindNotFound.
//
// The lead's pages show it with {{with .DemandCard}}{{template
// "demand-card" .}}{{end}}.
func (s *server) demandCardFor(r *http.Request, id gongxu.ProductID) (*demandCard, error) {
	if s.demand == nil || s.fcasts == nil || s.pools == nil {
		return nil, nil
	}
	p, err := s.pools.Product(r.Context(), id)
	if err != nil {
		return nil, err
	}
	reader, err := s.demandReader(r)
	if err != nil {
		return nil, err
	}
	return s.demandCard(r.Context(), s.langs.pick(r), reader, p)
}

// demandCardsOf builds the cards of factory's products that have a pool
// (open or closed), in the order of the factory's catalogue, for the
// factory console; nil when demandCardFor would give nil.
func (s *server) demandCardsOf(r *http.Request, factory gongxu.OrgID) ([]*demandCard, error) {
	if s.demand == nil || s.fcasts == nil || s.pools == nil {
		return nil, nil
	}
	ctx := r.Context()
	products, err := s.pools.Products(ctx, factory)
	if err != nil {
		return nil, err
	}
	reader, err := s.demandReader(r)
	if err != nil {
		return nil, err
	}
	var out []*demandCard
	for _, p := range products {
		c, err := s.demandCard(ctx, s.langs.pick(r), reader, p)
		if err != nil {
			return nil, err
		}
		if c != nil && (len(c.Pools) > 0 || len(c.Weeks) > 0) {
			out = append(out, c)
		}
	}
	return out, nil
}

// demandCard builds the card of product p as reader sees it, in l's
// language.
func (s *server) demandCard(ctx context.Context, l *locale, reader gongxu.OrgID, p gongxu.Product) (*demandCard, error) {
	if s.demand == nil || s.fcasts == nil {
		return nil, nil
	}
	c := &demandCard{Product: p.ID, Name: p.Name, Unit: p.Unit, Href: demandPath(p.ID)}
	pools, err := s.productPools(ctx, p)
	if err != nil {
		return nil, err
	}
	now := int64(0)
	if s.pools != nil {
		if now, err = s.latestBlock(ctx); err != nil {
			return nil, err
		}
	}
	horizon := gongxu.DefaultForecastHorizon
	var open []gongxu.Pool
	for _, pl := range pools {
		if pl.Status == gongxu.PoolOpen {
			open = append(open, pl)
			horizon = max(horizon, min(ceilWeeks(pl.Deadline-now), gongxu.MaxForecastHorizon))
		}
		if c.Currency == "" {
			c.Currency = pl.Currency // the newest pool's
		}
	}
	fc, err := s.fcasts.Forecast(ctx, gongxu.ForecastRequest{Product: p.ID, Measure: gongxu.MeasurePledged, Horizon: horizon, Reader: reader})
	if err != nil {
		return nil, err
	}
	if c.Currency == "" && len(fc.Series) > 0 {
		c.Currency = fc.Series[0].Currency
	}
	parts, _, note := pickSeries(fc.Series, c.Currency)
	// The weekly sums over the parts (sums of bounds: cautious intervals).
	var mean, lo, hi []float64
	var periods []string
	for _, fs := range parts {
		for i, st := range fs.Steps {
			if i == len(mean) {
				mean, lo, hi, periods = append(mean, 0), append(lo, 0), append(hi, 0), append(periods, st.Period)
			}
			mean[i] += nonNeg(st.Mean)
			lo[i] += nonNeg(st.Lo80)
			hi[i] += nonNeg(st.Hi80)
		}
	}
	if note == noteHidden {
		c.Note = l.T("Some of this product's demand is withheld from this reader under the privacy thresholds, so there is no forecast of it as a whole. A hub sees its own demand by signing in on its node.")
	} else if note != "" {
		c.Note = l.T(note)
	} else if len(mean) == 0 {
		c.Note = l.T(noteNoForecast)
	}
	for i := range min(cardWeeks, len(mean)) {
		c.Weeks = append(c.Weeks, demandCardWeek{Period: periods[i], Monday: l.mondayOf(periods[i]), Mean: fnum(mean[i]), Lo80: fnum(lo[i]), Hi80: fnum(hi[i])})
	}
	for _, pl := range open {
		cp := demandCardPool{ID: pl.ID, Href: poolPath(pl.ID), Total: pl.Total, MOQ: pl.MOQ, Cap: pl.Cap, WeeksLeft: ceilWeeks(pl.Deadline - now)}
		// The forecast weeks that start before the deadline.
		var m, a, b float64
		for i := range mean {
			if mon, ok := isoMonday(periods[i]); ok && mon.UnixMilli() < pl.Deadline {
				m, a, b = m+mean[i], a+lo[i], b+hi[i]
			}
		}
		t := float64(pl.Total)
		switch {
		case pl.Total >= pl.MOQ:
			cp.Verdict, cp.Class = l.T("MOQ reached"), "ok"
		case len(mean) == 0 || pl.Currency != c.Currency:
			cp.Verdict, cp.Class = l.T("%s to go to the MOQ", num(pl.MOQ-pl.Total)), "muted"
		case t+a >= float64(pl.MOQ):
			cp.Verdict, cp.Class = l.T("likely to reach its MOQ"), "ok"
		case t+b >= float64(pl.MOQ):
			cp.Verdict, cp.Class = l.T("may reach its MOQ"), "warn"
		default:
			cp.Verdict, cp.Class = l.T("unlikely to reach its MOQ"), "warn"
		}
		if len(mean) > 0 && pl.Currency == c.Currency {
			cp.Expected, cp.Lo80, cp.Hi80 = fnum(t+m), fnum(t+a), fnum(t+b)
		}
		c.Pools = append(c.Pools, cp)
	}
	return c, nil
}
