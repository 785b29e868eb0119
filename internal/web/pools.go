package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// How much the pools page lists.
const (
	listOpenPools   = 100
	listRecentPools = 60 // read to find the recently closed ones
	listClosedPools = 12
)

// poolCard is a pool as a card shows it: its progress at the latest block.
type poolCard struct {
	Pool        gongxu.Pool
	FactoryName string // "" when the factory is not (or no longer) a member
	Progress    gongxu.Progress
	Now         int64 // the latest block time, unix ms; 0 when unknown
}

func newPoolCard(p gongxu.Pool, names map[gongxu.OrgID]string, now int64) poolCard {
	return poolCard{Pool: p, FactoryName: names[p.Factory], Progress: gongxu.PoolProgress(p, now), Now: now}
}

// TierN is the 1-based number of the tier the total earns.
func (c poolCard) TierN() int { return c.Progress.Tier + 1 }

// Open reports whether the pool takes pledges.
func (c poolCard) Open() bool { return c.Pool.Status == gongxu.PoolOpen && !poolClosing(c.Pool, c.Now) }

// Price is the unit price to show: the final price of a closed pool, else
// the price the total earns now.
func (c poolCard) Price() gongxu.Amount {
	if c.Pool.Price > 0 {
		return c.Pool.Price
	}
	return c.Progress.UnitPrice
}

// TimeLeft is the time left until the deadline, from the latest block; ""
// for a closed pool or an unknown block time.
func (c poolCard) TimeLeft() string {
	if !c.Open() {
		return ""
	}
	return timeLeft(c.Pool.Deadline, c.Now)
}

// Bar is the progress bar: towards the MOQ, then towards the cap.
func (c poolCard) Bar() template.HTML {
	return poolBar(newLocale(langEN, time.UTC, nil), c.Pool, c.Progress)
}

// poolBar is the progress bar of a pool, labelled in l's language (the
// templates' poolBar).
func poolBar(l *locale, p gongxu.Pool, pr gongxu.Progress) template.HTML {
	if pr.ToMOQ > 0 {
		return ProgressBar(int64(p.Total), int64(p.MOQ), l.T("%s of %s to reach the MOQ", num(p.Total), num(p.MOQ)))
	}
	return ProgressBar(int64(p.Total), int64(p.Cap), l.T("MOQ reached · %s of %s cap", num(p.Total), num(p.Cap)))
}

// Ladder is the tier ladder with the total marked.
func (c poolCard) Ladder() template.HTML {
	return TierLadder(c.Pool.Tiers, c.Pool.Total, c.Pool.Cap, c.Pool.Currency)
}

// Closed is when the pool left the open status (0 when it has not).
func (c poolCard) Closed() int64 {
	for _, h := range slices.Backward(c.Pool.History) {
		if h.Status != gongxu.PoolOpen {
			return h.Time
		}
	}
	return 0
}

type poolsData struct {
	Open   []poolCard
	Closed []poolCard
	Now    int64
}

// orgNames maps member org ids to their names.
func (s *server) orgNames(ctx context.Context) (map[gongxu.OrgID]string, error) {
	orgs, err := s.members.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[gongxu.OrgID]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// latestBlock is the latest block time in unix ms (0 before the first
// block): pages count time left from it, never from a clock of their own.
func (s *server) latestBlock(ctx context.Context) (int64, error) {
	st, err := s.node.Status(ctx)
	if err != nil {
		return 0, err
	}
	return blockMs(st), nil
}

// poolsList reads the open pools, closing soonest first, then the recently
// closed ones, latest first.
func (s *server) poolsList(ctx context.Context) (poolsData, error) {
	now, err := s.latestBlock(ctx)
	if err != nil {
		return poolsData{}, err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return poolsData{}, err
	}
	open, err := s.pools.Pools(ctx, gongxu.PoolFilter{Status: gongxu.PoolOpen, Limit: listOpenPools})
	if err != nil {
		return poolsData{}, err
	}
	recent, err := s.pools.Pools(ctx, gongxu.PoolFilter{Limit: listRecentPools})
	if err != nil {
		return poolsData{}, err
	}
	d := poolsData{Now: now}
	for _, p := range open {
		d.Open = append(d.Open, newPoolCard(p, names, now))
	}
	slices.SortStableFunc(d.Open, func(a, b poolCard) int {
		return cmp.Or(cmp.Compare(a.Pool.Deadline, b.Pool.Deadline), cmp.Compare(a.Pool.ID, b.Pool.ID))
	})
	for _, p := range recent {
		if p.Status != gongxu.PoolOpen {
			d.Closed = append(d.Closed, newPoolCard(p, names, now))
		}
	}
	slices.SortStableFunc(d.Closed, func(a, b poolCard) int {
		return cmp.Or(cmp.Compare(b.Closed(), a.Closed()), cmp.Compare(b.Pool.ID, a.Pool.ID))
	})
	if len(d.Closed) > listClosedPools {
		d.Closed = d.Closed[:listClosedPools]
	}
	return d, nil
}

func (s *server) poolList(w http.ResponseWriter, r *http.Request) error {
	d, err := s.poolsList(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "pools", view{Title: "Pools", Section: "pools", Content: d})
}

// poolsFragment is the pool cards alone, for htmx.
func (s *server) poolsFragment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.poolsList(r.Context())
	if err != nil {
		return err
	}
	return s.fragment(w, r, "poolcards", d)
}

// tierRow is a row of a pool page's tier table.
type tierRow struct {
	gongxu.Tier
	N       int   // 1-based
	Reached bool  // the total has reached it
	Current bool  // the tier the total earns
	Beyond  bool  // above the cap: it can never be reached
	Off     int64 // percent off the first tier's price
}

// shareRow is a hub's share with its variants named, and what of it was
// shipped, in milli-units.
type shareRow struct {
	gongxu.HubShare
	HubName    string
	Variants   string     // "M / navy 12 · L / navy 4"
	ShippedQty gongxu.Qty // the sum of Shipped
	// Disputes: the last dispute over the share (nil: none), and whether
	// one may be opened now (the page of the form says who may).
	Dispute    *gongxu.Dispute
	Disputable bool
	Disputes   bool // the node serves dispute pages
	// Legs are the carriers' legs of the share: one for the share as a
	// whole, or one per shipment, by shipment (none on the ledger, or the
	// node serves no legs).
	Legs []gongxu.Leg
}

type poolData struct {
	poolCard
	Tiers     []tierRow
	Chart     template.HTML // "" when the node has no progress data
	Shares    []shareRow
	Batches   []gongxu.Batch
	Variants  []string // the pool's variants, named
	HubNames  []gongxu.Org
	AnyHub    bool
	HubLink   bool           // this node's operator may record walk-in pledges here
	Order     *orderRow      // the production order the pool became (nil: none, or no Production)
	Recalls   []recallBanner // recalls that reach the pool
	ShareSum  gongxu.Units
	BatchLeaf int64
	Stage     poolStage
	Tile      template.HTML     // the product's picture
	About     string            // the product's description ("" when none)
	ShareURL  string            // the pool page's public address, to pass on
	ShareQR   template.HTML     // its QR code ("" when it does not fit one)
	Money     *gongxu.PoolMoney // nil: the node adds up no pool money
	Enablers  []enablerRow      // the named orgs' shares of the terms
	Series    *seriesCard       // the pool's series (nil: it reopens on no schedule; pools_series.go)
}

// enablerRow is a named org's share of a pool's proceeds, with its name.
type enablerRow struct {
	gongxu.EnablerShare
	Name string
}

func parsePoolID(raw string) (uint64, error) {
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, notFound("No pool has the number %q.", raw)
	}
	return id, nil
}

// poolByID reads a pool, with a page's not-found message.
func (s *server) poolByID(ctx context.Context, raw string) (gongxu.Pool, error) {
	id, err := parsePoolID(raw)
	if err != nil {
		return gongxu.Pool{}, err
	}
	p, err := s.pools.Pool(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return p, notFound("No pool has the number %q.", raw)
	}
	return p, err
}

// variantNames maps a pool's variant ids to their names in the catalog; a
// pool awarded from a request for quote has ids only.
// It returns the product too (zero for none).
func (s *server) variantNames(ctx context.Context, p gongxu.Pool) (map[string]string, gongxu.Product, error) {
	names := map[string]string{}
	if p.Product == "" {
		return names, gongxu.Product{}, nil
	}
	prod, err := s.pools.Product(ctx, p.Product)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return names, gongxu.Product{}, nil
	} else if err != nil {
		return nil, gongxu.Product{}, err
	}
	for _, v := range prod.Variants {
		names[v.ID] = v.Name
	}
	return names, prod, nil
}

// variantLabel is "M / navy (m-navy)", or the id alone when it has no name.
func variantLabel(names map[string]string, id string) string {
	if n := names[id]; n != "" && n != id {
		return n + " (" + id + ")"
	}
	return id
}

func (s *server) pool(w http.ResponseWriter, r *http.Request) error {
	d, err := s.poolView(r)
	if err != nil {
		return err
	}
	// The series, with its stop form, on the page only (not in the
	// progress fragment, which would issue a form token every 5 s).
	if d.Series, err = s.seriesOf(r.Context(), d.Pool); err != nil {
		return err
	}
	if c := d.Series; c != nil && c.Goes {
		if c.Stop, err = s.offerAction(r, factoryGate, pageGuard(poolSeriesGuard, poolPath(d.Pool.ID)), d.Pool.Factory, "stop this pool's series", "to stop the series"); err != nil {
			return err
		}
	}
	return s.render(w, r, "pool", view{Title: d.Pool.Title, Section: "pools", Content: d})
}

// poolProgressFragment is the live part of a pool page alone, for htmx.
func (s *server) poolProgressFragment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.poolView(r)
	if err != nil {
		return err
	}
	return s.fragment(w, r, "poolprogress", d)
}

// poolView reads what a pool page shows of the pool {id}.
func (s *server) poolView(r *http.Request) (poolData, error) {
	ctx := r.Context()
	p, err := s.poolByID(ctx, r.PathValue("id"))
	if err != nil {
		return poolData{}, err
	}
	now, err := s.latestBlock(ctx)
	if err != nil {
		return poolData{}, err
	}
	orgs, err := s.members.Orgs(ctx)
	if err != nil {
		return poolData{}, err
	}
	names := make(map[gongxu.OrgID]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	shares, err := s.pools.HubShares(ctx, p.ID)
	if err != nil {
		return poolData{}, err
	}
	batches, err := s.pools.Batches(ctx, p.ID)
	if err != nil {
		return poolData{}, err
	}
	vnames, prod, err := s.variantNames(ctx, p)
	if err != nil {
		return poolData{}, err
	}
	d := poolData{poolCard: newPoolCard(p, names, now), Batches: batches, AnyHub: len(p.Hubs) == 0,
		HubLink: s.op != nil && p.Status == gongxu.PoolOpen}
	if s.prod != nil {
		o, err := s.prod.OrderForPool(ctx, p.ID)
		if err == nil {
			row := newOrderRow(o, nil)
			d.Order = &row
		} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return poolData{}, err
		}
	}
	for i, t := range p.Tiers {
		d.Tiers = append(d.Tiers, tierRow{Tier: t, N: i + 1, Reached: p.Total >= t.MinQty, Current: i == d.Progress.Tier && p.Total >= t.MinQty,
			Beyond: t.MinQty > p.Cap, Off: percent(int64(p.Tiers[0].UnitPrice-t.UnitPrice), int64(p.Tiers[0].UnitPrice))})
	}
	for _, v := range p.Variants {
		d.Variants = append(d.Variants, variantLabel(vnames, v))
	}
	for _, h := range p.Hubs {
		d.HubNames = append(d.HubNames, gongxu.Org{ID: h, Name: names[h]})
	}
	for _, e := range p.Enablers {
		d.Enablers = append(d.Enablers, enablerRow{EnablerShare: e, Name: names[e.Org]})
	}
	var disputes []gongxu.Dispute
	if s.disputes != nil {
		if disputes, err = s.disputes.Disputes(ctx, gongxu.DisputeFilter{Pool: p.ID, Limit: 1000}); err != nil {
			return poolData{}, err
		}
	}
	var legs []gongxu.Leg
	if s.legs != nil {
		if legs, err = s.legs.Legs(ctx, gongxu.LegFilter{Pool: p.ID, Limit: 1000}); err != nil {
			return poolData{}, err
		}
	}
	for _, sh := range shares {
		var vs []string
		for _, v := range sh.Variants {
			vs = append(vs, variantLabel(vnames, v.Variant)+" "+num(v.Qty))
		}
		row := shareRow{HubShare: sh, HubName: names[sh.Hub], Variants: strings.Join(vs, " · "), ShippedQty: sumLots(sh.Shipped), Disputes: s.disputes != nil}
		for i := range disputes { // newest first: the first is the last
			if disputes[i].Hub == sh.Hub {
				row.Dispute = &disputes[i]
				break
			}
		}
		row.Legs = shareLegs(legs, p.ID, sh.Hub)
		row.Disputable = row.Disputes && !sh.Delivered && sh.Qty > 0 && (p.Status == gongxu.PoolInProduction || p.Status == gongxu.PoolReady) &&
			(row.Dispute == nil || row.Dispute.Status == gongxu.DisputeResolved)
		d.Shares = append(d.Shares, row)
		d.ShareSum += sh.Qty
	}
	for _, b := range batches {
		d.BatchLeaf += b.Leaves
	}
	d.Recalls = s.poolRecalls(ctx, p.ID, shares, names)
	if s.money != nil {
		m, err := s.money(ctx, p.ID)
		if err != nil {
			return poolData{}, err
		}
		d.Money = &m
	}
	var order *gongxu.ProductionOrder
	if d.Order != nil {
		order = &d.Order.ProductionOrder
	}
	d.Stage = stageOf(s.langs.pick(r), p, shares, order, d.Money, d.Now)
	d.Tile, d.About = ProductTile(string(cmp.Or(p.Product, gongxu.ProductID(p.Title))), p.Title, 72), prod.Description
	if p.Status == gongxu.PoolOpen {
		d.ShareURL = s.publicURL(r, poolPath(p.ID))
		if q, err := EncodeQR([]byte(d.ShareURL)); err == nil {
			d.ShareQR = QRSVG(q, s.langs.pick(r).T("QR code of this pool: %s", d.ShareURL))
		}
	}
	if s.prog != nil {
		pts, err := s.prog(ctx, p.ID)
		if err != nil {
			return poolData{}, err
		}
		spec := ChartSpec{Points: pts, MOQ: p.MOQ, Cap: p.Cap, From: p.Created, To: p.Deadline, Now: now, Lang: s.langs.pick(r)}
		if closed := d.Closed(); closed > 0 {
			spec.Now = closed // the line ends where the pool closed
		}
		if n := len(pts); n > 0 {
			spec.From = min(spec.From, pts[0].Time)
			spec.To = max(spec.To, pts[n-1].Time)
		}
		if d.Open() {
			spec = zoomOpen(spec)
		}
		d.Chart = ProgressChart(spec)
	}
	return d, nil
}

// zoomOpen fits an open pool's chart to what happened so far when that is a
// small part of its run (a week-long pool an hour in): the axis ends at
// four times the time elapsed (an hour at least), and the chart says when
// the deadline is.
func zoomOpen(c ChartSpec) ChartSpec {
	const minSpan = 3600 * 1000
	elapsed := c.Now - c.From
	if c.Now <= 0 || elapsed <= 0 || c.Now >= c.To {
		return c
	}
	span := max(4*elapsed, minSpan)
	if 2*span > c.To-c.From { // not worth it: less than half the run
		return c
	}
	c.Deadline, c.To = c.To, c.From+span
	return c
}
