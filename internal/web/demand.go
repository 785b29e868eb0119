package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// The demand pages (issue 13): what consumers pledged, what pools captured,
// what was refunded and picked up, week by week, with the forecast, under
// the privacy thresholds.
//
// Who reads decides what is shown, as for GET /v1/demand: anonymous
// readers get the thresholded cells; a person signed in (with an API token
// of this node) reads as the org the session acts for (s.operator, actas.go)
// and sees that hub's own cells in full. Reader is never taken from the
// query. Such pages are private (Cache-Control: private, no-store).

// demandQuery are the query parameters of a product's demand page.
var demandQuery = []string{"measure", "hub", "variant"}

// demandCellRow is a row of a demand page's table: one cell.
type demandCellRow struct {
	Period     string // "2026-W02"
	Monday     string // the week's Monday, for people
	Hub        gongxu.OrgID
	HubName    string
	Variant    string
	Currency   string
	Suppressed bool
	Own        bool
	Units      gongxu.Units
	Money      gongxu.Amount
	HasValue   bool // the measure's value is there (shown cells only)
	Contribs   int64
	Consumers  int64
	ID         string // the row's id: cell-<period>-<hub or total>-<variant>
}

// demandSeriesView is one chart: a series (variant, currency, hub) with its
// forecast.
type demandSeriesView struct {
	Variant     string
	VariantName string
	Currency    string
	Hub         gongxu.OrgID
	Chart       template.HTML
	Weeks       int // weeks of history drawn
	Withheld    int // of them, suppressed
	Forecast    *gongxu.ForecastSeries
	Steps       []demandStepRow
	About       string // how it was forecast, or why not, in words
}

// demandStepRow is a forecast week as the page's table writes it.
type demandStepRow struct {
	Period             string
	Mean, Lo80, Hi80   string
	Lo95, Hi95, Monday string
}

// demandLink is an entry of a switch (measure, hub): a link, the current
// one marked.
type demandLink struct {
	Label   string
	Href    string
	Current bool
}

// demandData is the content of a product's demand page.
type demandData struct {
	Product     gongxu.Product
	Factory     gongxu.OrgID
	FactoryName string
	Rule        string // the thresholds in force, in words
	Why         string // why a cell is suppressed, in words
	Measure     gongxu.DemandMeasure
	MeasureName string
	Hub         gongxu.OrgID // "": every hub and the totals
	HubName     string
	Variant     string
	Measures    []demandLink
	Hubs        []demandLink
	Reader      gongxu.OrgID // whose own cells are in full; "" anonymous
	ReaderName  string
	SignIn      string // the sign-in link to see one's own cells, when the node takes sign-ins
	Thresholds  gongxu.DemandThresholds
	Charts      []demandSeriesView
	Rows        []demandCellRow
	Withheld    int  // suppressed rows
	NoForecast  bool // this node serves no forecasts
	Suggestion  *suggestView
	Card        *demandCard
}

// demandIndexRow is a product of the demand index.
type demandIndexRow struct {
	Product     gongxu.ProductID
	Name        string
	Factory     gongxu.OrgID
	FactoryName string
	Weeks       int    // weeks with a cell
	First, Last string // ISO weeks
	Shown       int    // cells shown to the reader
	Withheld    int    // cells suppressed
	Href        string
}

// demandIndexData is the content of the demand index.
type demandIndexData struct {
	Products   []demandIndexRow
	Reader     gongxu.OrgID
	ReaderName string
	SignIn     string
	Thresholds gongxu.DemandThresholds
	Rule       string
}

// demandPath is the address of a product's demand page (the product id
// holds a slash, which stays one).
func demandPath(p gongxu.ProductID) string {
	f, sku, _ := strings.Cut(string(p), "/")
	return "/demand/" + url.PathEscape(f) + "/" + url.PathEscape(sku)
}

// demandPathQ is demandPath with a query.
func demandPathQ(p gongxu.ProductID, measure gongxu.DemandMeasure, hub gongxu.OrgID, variant string) string {
	q := url.Values{}
	if measure != "" && measure != gongxu.MeasurePledged {
		q.Set("measure", string(measure))
	}
	if hub != "" {
		q.Set("hub", string(hub))
	}
	if variant != "" {
		q.Set("variant", variant)
	}
	if len(q) == 0 {
		return demandPath(p)
	}
	return demandPath(p) + "?" + q.Encode()
}

// measureWords are the measures in words (message keys).
var measureWords = map[gongxu.DemandMeasure]string{
	gongxu.MeasurePledged:  "pledged",
	gongxu.MeasureCaptured: "captured",
	gongxu.MeasureRefunded: "refunded",
	gongxu.MeasurePickedUp: "picked up",
}

// demandReader is the org whose own hub cells the request may see in full:
// the org the signed-in session acts for; "" for anyone not signed in.
func (s *server) demandReader(r *http.Request) (gongxu.OrgID, error) {
	if s.sessionOf(r) == nil {
		return "", nil
	}
	op := s.operator(r)
	if op == nil {
		return "", nil
	}
	return op.Org(r.Context())
}

// demandSignIn is the link to sign in to see one's own cells: "" when the
// reader is known, or the node takes no sign-ins or has no operator.
func (s *server) demandSignIn(r *http.Request, reader gongxu.OrgID) string {
	if reader != "" || s.sessions.tokens == nil || s.op == nil {
		return ""
	}
	return signInPath(localPath(r.URL.RequestURI()))
}

// privateIf marks the response private when it shows a reader's own cells.
func privateIf(w http.ResponseWriter, reader gongxu.OrgID) {
	if reader != "" {
		w.Header().Set("Cache-Control", "private, no-store")
	}
}

// demandIndex lists the products with demand: GET /demand.
func (s *server) demandIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if len(r.URL.Query()) > 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "the demand index takes no query")
	}
	reader, err := s.demandReader(r)
	if err != nil {
		return err
	}
	rep, err := s.demand.Demand(ctx, gongxu.DemandFilter{Period: gongxu.DemandWeek, Measure: gongxu.MeasurePledged, Reader: reader})
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d := demandIndexData{Reader: reader, ReaderName: cmp.Or(names[reader], string(reader)), SignIn: s.demandSignIn(r, reader), Thresholds: rep.Thresholds,
		Rule: thresholdRule(s.langs.pick(r), rep.Thresholds)}
	idx := map[gongxu.ProductID]int{}
	weeks := map[gongxu.ProductID]map[string]bool{}
	for _, c := range rep.Cells {
		if c.Product == "" {
			continue // a pool awarded from a request for quote: no product to page
		}
		i, ok := idx[c.Product]
		if !ok {
			i = len(d.Products)
			idx[c.Product] = i
			d.Products = append(d.Products, demandIndexRow{Product: c.Product, Name: string(c.Product), Href: demandPath(c.Product)})
			weeks[c.Product] = map[string]bool{}
		}
		row := &d.Products[i]
		weeks[c.Product][c.Period] = true
		row.First, row.Last = minWeek(row.First, c.Period), maxWeek(row.Last, c.Period)
		if c.Suppressed {
			row.Withheld++
		} else {
			row.Shown++
		}
	}
	for i := range d.Products {
		row := &d.Products[i]
		row.Weeks = len(weeks[row.Product])
		f, _, _ := strings.Cut(string(row.Product), "/")
		row.Factory = gongxu.OrgID(f)
		row.FactoryName = names[row.Factory]
		if s.pools != nil {
			if p, err := s.pools.Product(ctx, row.Product); err == nil && p.Name != "" {
				row.Name = p.Name
			} else if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
				return err
			}
		}
	}
	slices.SortFunc(d.Products, func(a, b demandIndexRow) int { return strings.Compare(string(a.Product), string(b.Product)) })
	privateIf(w, reader)
	return s.render(w, r, "demand_index", view{Title: "Demand", Content: d})
}

func minWeek(a, b string) string {
	if a == "" || b < a {
		return b
	}
	return a
}

func maxWeek(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// demandProduct is a product's demand page: GET /demand/{product...}.
func (s *server) demandProduct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	l := s.langs.pick(r)
	id := gongxu.ProductID(r.PathValue("product"))
	if err := id.Validate(); err != nil {
		return err
	}
	q := r.URL.Query()
	for k, vs := range q {
		if !slices.Contains(demandQuery, k) || len(vs) != 1 {
			return gongxu.Errorf(gongxu.KindInvalid, "query parameter %q", k)
		}
	}
	d := demandData{Measure: gongxu.MeasurePledged, Hub: gongxu.OrgID(q.Get("hub")), Variant: q.Get("variant"), NoForecast: s.fcasts == nil}
	if m := q.Get("measure"); m != "" {
		d.Measure = gongxu.DemandMeasure(m)
		if !slices.Contains(gongxu.DemandMeasures, d.Measure) {
			return gongxu.Errorf(gongxu.KindInvalid, "measure %q", m)
		}
	}
	if d.Hub != "" {
		if err := d.Hub.Validate(); err != nil {
			return err
		}
	}
	if d.Variant != "" {
		if err := gongxu.ValidateSlug("variant", d.Variant); err != nil && d.Variant != gongxu.DemandVariantUnknown {
			return err
		}
	}
	d.MeasureName = l.T(measureWords[d.Measure])
	d.Product = gongxu.Product{ID: id, Name: string(id)}
	if s.pools != nil {
		p, err := s.pools.Product(ctx, id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return notFound("There is no product %s.", string(id))
		} else if err != nil {
			return err
		}
		d.Product = p
	}
	reader, err := s.demandReader(r)
	if err != nil {
		return err
	}
	d.Reader, d.SignIn = reader, s.demandSignIn(r, reader)
	rep, err := s.demand.Demand(ctx, gongxu.DemandFilter{Product: id, Period: gongxu.DemandWeek, Measure: d.Measure, Reader: reader})
	if err != nil {
		return err
	}
	if s.pools == nil && len(rep.Cells) == 0 {
		return notFound("There is no demand for %s.", string(id))
	}
	d.Thresholds = rep.Thresholds
	d.Rule, d.Why = thresholdRule(l, rep.Thresholds), suppressedWhy(l, rep.Thresholds)
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	name := func(o gongxu.OrgID) string {
		if n := names[o]; n != "" {
			return n
		}
		return string(o)
	}
	f, _, _ := strings.Cut(string(id), "/")
	d.Factory = gongxu.OrgID(f)
	d.FactoryName = names[d.Factory]
	d.ReaderName = name(reader)
	if d.Hub != "" {
		d.HubName = name(d.Hub)
	}

	// The switches.
	for _, m := range gongxu.DemandMeasures {
		d.Measures = append(d.Measures, demandLink{Label: l.T(measureWords[m]), Href: demandPathQ(id, m, d.Hub, d.Variant), Current: m == d.Measure})
	}
	d.Hubs = append(d.Hubs, demandLink{Label: l.T("All hubs"), Href: demandPathQ(id, d.Measure, "", d.Variant), Current: d.Hub == ""})
	var hubs []gongxu.OrgID
	for _, c := range rep.Cells {
		if c.Hub != "" && !slices.Contains(hubs, c.Hub) {
			hubs = append(hubs, c.Hub)
		}
	}
	slices.Sort(hubs)
	for _, h := range hubs {
		d.Hubs = append(d.Hubs, demandLink{Label: name(h), Href: demandPathQ(id, d.Measure, h, d.Variant), Current: h == d.Hub})
	}
	variantName := func(v string) string {
		switch v {
		case "":
			return ""
		case gongxu.DemandVariantUnknown:
			return l.T("variant not recorded")
		}
		for _, pv := range d.Product.Variants {
			if pv.ID == v && pv.Name != "" {
				return pv.Name
			}
		}
		return v
	}

	// The table: the chosen hub's cells (or every cell), newest first.
	for _, c := range rep.Cells {
		if d.Hub != "" && c.Hub != d.Hub || d.Variant != "" && c.Variant != d.Variant {
			continue
		}
		row := demandCellRow{Period: c.Period, Monday: l.mondayOf(c.Period), Hub: c.Hub, Variant: variantName(c.Variant), Currency: c.Currency,
			Suppressed: c.Suppressed, Own: c.Own, ID: cellID(c)}
		if c.Hub != "" {
			row.HubName = name(c.Hub)
		}
		if v := c.Value(d.Measure); v != nil && !c.Suppressed {
			row.Units, row.Money, row.HasValue = v.Units, v.Money, true
			row.Contribs, row.Consumers = c.Contributors, c.Consumers
		}
		if c.Suppressed {
			d.Withheld++
		}
		d.Rows = append(d.Rows, row)
	}
	// Newest week first; within a week the report's order (the total over
	// hubs, then the hubs).
	slices.SortStableFunc(d.Rows, func(a, b demandCellRow) int { return strings.Compare(b.Period, a.Period) })

	// The forecast, and a chart per series of the chosen hub (or of the
	// totals over hubs).
	var fc gongxu.ForecastReport
	if s.fcasts != nil {
		fc, err = s.fcasts.Forecast(ctx, gongxu.ForecastRequest{Product: id, Hub: d.Hub, Variant: d.Variant, Measure: d.Measure, Reader: reader})
		if err != nil {
			return err
		}
	}
	d.Charts = demandCharts(l, rep, fc, d.Measure, d.Hub, d.Variant, variantName)

	// The suggestion of the next pool, and the card, on the product's page.
	if d.Hub == "" && s.fcasts != nil {
		card, err := s.demandCard(ctx, l, reader, d.Product)
		if err != nil {
			return err
		}
		d.Card = card
		sv, err := s.suggestion(ctx, l, reader, d.Product, d.Variant, variantName)
		if err != nil {
			return err
		}
		d.Suggestion = sv
	}
	privateIf(w, reader)
	return s.render(w, r, "demand", view{Title: l.T("Demand: %s", d.Product.Name), Content: d})
}

// cellID is a table row's id: unique per cell on a page.
func cellID(c gongxu.DemandCell) string {
	hub := string(c.Hub)
	if hub == "" {
		hub = "total"
	}
	v := c.Variant
	if v == gongxu.DemandVariantUnknown {
		v = "unknown"
	}
	return "cell-" + c.Period + "-" + hub + "-" + v + "-" + strings.ToLower(c.Currency)
}

// seriesKey names a series of a report.
type demandSeriesKey struct {
	variant, currency string
	hub               gongxu.OrgID
}

// demandCharts draws a chart per series of hub (the totals over hubs when
// hub is ""), of variant when it is set: its weekly history from the
// report, from the first week of its variant to the product's latest week,
// and its forecast.
func demandCharts(l *locale, rep gongxu.DemandReport, fc gongxu.ForecastReport, m gongxu.DemandMeasure, hub gongxu.OrgID, variant string,
	variantName func(string) string) []demandSeriesView {
	measure := l.T(measureWords[m])
	type group struct{ variant, currency string }
	first := map[group]string{}
	last := ""
	cells := map[demandSeriesKey]map[string]gongxu.DemandCell{}
	var keys []demandSeriesKey
	for _, c := range rep.Cells {
		g := group{c.Variant, c.Currency}
		first[g] = minWeek(first[g], c.Period)
		last = maxWeek(last, c.Period)
		if c.Hub != hub || variant != "" && c.Variant != variant {
			continue
		}
		k := demandSeriesKey{c.Variant, c.Currency, c.Hub}
		if cells[k] == nil {
			cells[k] = map[string]gongxu.DemandCell{}
			keys = append(keys, k)
		}
		cells[k][c.Period] = c
	}
	forecasts := map[demandSeriesKey]*gongxu.ForecastSeries{}
	for i := range fc.Series {
		fs := &fc.Series[i]
		k := demandSeriesKey{fs.Variant, fs.Currency, fs.Hub}
		forecasts[k] = fs
		if fs.Hub == hub && cells[k] == nil && (variant == "" || fs.Variant == variant) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b demandSeriesKey) int {
		return strings.Compare(a.variant+"\x00"+a.currency, b.variant+"\x00"+b.currency)
	})
	var out []demandSeriesView
	for _, k := range keys {
		v := demandSeriesView{Variant: k.variant, VariantName: variantName(k.variant), Currency: k.currency, Hub: k.hub, Forecast: forecasts[k]}
		var hist []demandWeek
		if start := first[group{k.variant, k.currency}]; start != "" {
			for _, wk := range weeksBetween(start, last) {
				c, ok := cells[k][wk]
				w := demandWeek{Period: wk, Empty: !ok}
				if ok && c.Suppressed {
					w.Suppressed = true
					v.Withheld++
				} else if ok {
					if x := c.Value(m); x != nil {
						w.Units = x.Units
					}
				}
				hist = append(hist, w)
			}
		}
		v.Weeks = len(hist)
		drawn := false
		for _, w := range hist {
			drawn = drawn || w.Suppressed || w.Units > 0
		}
		if v.Forecast != nil {
			for _, st := range v.Forecast.Steps {
				drawn = drawn || st.Hi95 > 0
			}
		}
		if !drawn {
			continue // nothing of this measure (say, pledges of the unknown variant)
		}
		var steps []gongxu.ForecastStep
		if v.Forecast != nil {
			steps = v.Forecast.Steps
			for _, st := range steps {
				v.Steps = append(v.Steps, demandStepRow{Period: st.Period, Monday: l.mondayOf(st.Period), Mean: fnum(st.Mean), Lo80: fnum(st.Lo80), Hi80: fnum(st.Hi80),
					Lo95: fnum(st.Lo95), Hi95: fnum(st.Hi95)})
			}
		}
		v.About = forecastAbout(l, v.Forecast, fc.Measure != "")
		v.Chart = demandChart(demandChartSpec{History: hist, Steps: steps, Measure: measure, Lang: l})
		out = append(out, v)
	}
	return out
}

// isoMonday is the Monday of an ISO week "2026-W02"; false for a name that
// is not one.
func isoMonday(name string) (time.Time, bool) {
	ys, ws, ok := strings.Cut(name, "-W")
	if !ok {
		return time.Time{}, false
	}
	y, err1 := strconv.Atoi(ys)
	wk, err2 := strconv.Atoi(ws)
	if err1 != nil || err2 != nil || wk < 1 || wk > 53 || y < 1 || y > 9999 {
		return time.Time{}, false
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	mon := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)).AddDate(0, 0, 7*(wk-1))
	if gy, gw := mon.ISOWeek(); gy != y || gw != wk {
		return time.Time{}, false // week 53 of a year with 52
	}
	return mon, true
}

// isoWeekName is the ISO week of t, as the demand cells name it.
func isoWeekName(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// weeksBetween are the ISO weeks from a to b, both included (none when
// either is not a week or b is before a), at most 10 years of them.
func weeksBetween(a, b string) []string {
	ta, ok1 := isoMonday(a)
	tb, ok2 := isoMonday(b)
	if !ok1 || !ok2 || tb.Before(ta) {
		return nil
	}
	var out []string
	for t := ta; !t.After(tb) && len(out) < 520; t = t.AddDate(0, 0, 7) {
		out = append(out, isoWeekName(t))
	}
	return out
}

// mondayOf writes the Monday of an ISO week for people ("5 Jan 2026"),
// "" when name is not a week. The weeks are of UTC days (block time), so
// the date is written as it is, not moved into the node's zone.
func (l *locale) mondayOf(name string) string {
	t, ok := isoMonday(name)
	if !ok {
		return ""
	}
	if l.zh() {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 Jan 2006")
}

// suggestView is a suggested pool as the product's page shows it.
type suggestView struct {
	poolSuggestion
	Days      int64  // the next pool's gathering time, in days
	FromPool  uint64 // the pool its prices and length come from; 0: none
	Href      string // the form to open it, filled in
	Notes     []string
	Explain   string
	TierLabel []string // the tiers for people
	Parts     []suggestPartView
}

// suggestPartView is a hub's (or a variant total's) part of a suggestion.
type suggestPartView struct {
	Name, Variant          string
	Lo80, Mean, Hi80, Hi95 string
}

// productPools are the pools of product p (any status), newest first;
// none when this node has no pool pages.
func (s *server) productPools(ctx context.Context, p gongxu.Product) ([]gongxu.Pool, error) {
	if s.pools == nil {
		return nil, nil
	}
	all, err := s.pools.Pools(ctx, gongxu.PoolFilter{Factory: p.Factory, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []gongxu.Pool
	for _, pl := range all {
		if pl.Product == p.ID {
			out = append(out, pl)
		}
	}
	slices.SortFunc(out, func(a, b gongxu.Pool) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

// suggestion builds the "Suggest a pool" section of product p for reader.
func (s *server) suggestion(ctx context.Context, l *locale, reader gongxu.OrgID, p gongxu.Product, variant string,
	variantName func(string) string) (*suggestView, error) {
	pools, err := s.productPools(ctx, p)
	if err != nil {
		return nil, err
	}
	sv := &suggestView{Days: defaultPoolDays}
	in := suggestInput{}
	if len(pools) > 0 {
		last := pools[0]
		sv.FromPool = last.ID
		if last.Created > 0 && last.Deadline > last.Created {
			sv.Days = min((last.Deadline-last.Created+dayMillis-1)/dayMillis, 7*gongxu.MaxForecastHorizon)
		}
		for _, t := range last.Tiers {
			in.Prices = append(in.Prices, t.UnitPrice)
		}
		in.Currency, in.CasePack = last.Currency, last.CasePack
	}
	in.Weeks = int((sv.Days + 6) / 7)
	fc, err := s.fcasts.Forecast(ctx, gongxu.ForecastRequest{Product: p.ID, Variant: variant, Measure: gongxu.MeasurePledged,
		Horizon: max(in.Weeks, gongxu.DefaultForecastHorizon), Reader: reader})
	if err != nil {
		return nil, err
	}
	in.Series = fc.Series
	sv.poolSuggestion = suggestPool(in)
	for _, n := range sv.poolSuggestion.Notes {
		sv.Notes = append(sv.Notes, l.T(n))
	}
	if !sv.OK {
		return sv, nil
	}
	cur := sv.Currency
	q := url.Values{"product": {string(p.ID)}, "min_batch": {strconv.FormatInt(int64(sv.MOQ), 10)}, "cap": {strconv.FormatInt(int64(sv.Cap), 10)},
		"deadline_days": {strconv.FormatInt(sv.Days, 10)}}
	var tiers []string
	for _, t := range sv.Tiers {
		if sv.Priced {
			tiers = append(tiers, fmt.Sprintf("%d:%s", t.MinQty, decimalString(int64(t.UnitPrice), moneyScale(cur))))
			sv.TierLabel = append(sv.TierLabel, l.T("%s from %s", money(t.UnitPrice, cur), num(t.MinQty)))
		} else {
			sv.TierLabel = append(sv.TierLabel, l.T("from %s", num(t.MinQty)))
		}
	}
	if sv.Priced {
		q.Set("tiers", strings.Join(tiers, ","))
	}
	sv.Href = "/pools/new?" + q.Encode()
	sv.Explain = l.T("Over the next %s, while the next pool gathers pledges (%s, as the last pool did), the hubs' consumers are forecast to pledge about %s units: at least %s with 80%% confidence, at most %s with 95%%. The minimum batch is that lower bound, the cap that upper bound, and the tiers step down at the forecast's quantiles.",
		l.count(int64(sv.Weeks), "week"), l.count(sv.Days, "day"), fnum(sv.Mean), fnum(sv.Lo80), fnum(sv.Hi95))
	if sv.FromPool == 0 {
		sv.Explain = l.T("Over the next %s, while the next pool gathers pledges (%s), the hubs' consumers are forecast to pledge about %s units: at least %s with 80%% confidence, at most %s with 95%%. The minimum batch is that lower bound, the cap that upper bound, and the tiers step down at the forecast's quantiles.",
			l.count(int64(sv.Weeks), "week"), l.count(sv.Days, "day"), fnum(sv.Mean), fnum(sv.Lo80), fnum(sv.Hi95))
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, pt := range sv.poolSuggestion.Parts {
		if pt.Hi95 <= 0 && pt.Mean <= 0 {
			continue // nothing forecast (say, pledges of the unknown variant)
		}
		n := names[pt.Hub]
		switch {
		case pt.Hub == "":
			n = l.T("all hubs")
		case n == "":
			n = string(pt.Hub)
		}
		sv.Parts = append(sv.Parts, suggestPartView{Name: n, Variant: variantName(pt.Variant), Lo80: fnum(pt.Lo80), Mean: fnum(pt.Mean), Hi80: fnum(pt.Hi80), Hi95: fnum(pt.Hi95)})
	}
	return sv, nil
}

// weekMillis is a week in milliseconds.
const weekMillis = 7 * dayMillis

// ceilWeeks is how many weeks ms spans, rounded up, at least 0.
func ceilWeeks(ms int64) int {
	if ms <= 0 {
		return 0
	}
	return int(min((ms+weekMillis-1)/weekMillis, math.MaxInt32))
}

// thresholdRule states the thresholds in force, in l's language.
func thresholdRule(l *locale, t gongxu.DemandThresholds) string {
	return l.T("Thresholds in force: a cell is shown when it has at least %s, its %d largest contributors hold at most %d%% of each measure, and showing it would not let anyone recover a suppressed cell by subtraction. A hub sees its own cells in full.",
		l.count(int64(t.MinContributors), "contributor"), t.DominanceN, t.DominancePct)
}

// suppressedWhy says why a cell may be suppressed. The report does not say
// which of the reasons holds for a cell (naming it would tell which cells
// are small), so all are named.
func suppressedWhy(l *locale, t gongxu.DemandThresholds) string {
	return l.T("withheld: fewer than %s, or its %d largest hold more than %d%%, or it would reveal a suppressed cell by subtraction",
		l.count(int64(t.MinContributors), "contributor"), t.DominanceN, t.DominancePct)
}

// forecastAbout says how a series was forecast, or why it was not.
func forecastAbout(l *locale, fs *gongxu.ForecastSeries, served bool) string {
	switch {
	case !served:
		return l.T("This node serves no forecasts.")
	case fs == nil:
		return l.T("No forecast of this series.")
	case fs.Method == "" && fs.Suppressed > 0:
		return l.T("Not forecast: no week after its last suppressed one is shown (%d weeks withheld). Suppressed weeks are never read as zero.", fs.Suppressed)
	case fs.Method == "":
		return l.T("Not forecast: no history yet.")
	}
	out := l.T("Forecast by the %s method from %d weeks of history (%s to %s).", fs.Method, fs.Weeks, fs.From, fs.To)
	if fs.Suppressed > 0 {
		out += " " + l.T("%d withheld weeks are left out: the forecast reads only the weeks after the last of them.", fs.Suppressed)
	}
	if fs.Reconciled {
		out += " " + l.T("Reconciled so that the hubs add up to the total.")
	}
	return out
}
