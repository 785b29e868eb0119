package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// The recall pages of the hubs (GET /recalls, /recalls/{id} and their live
// fragments) and the recall banners of the home and pool pages: what a
// recall reaches, hub by hub. The parts they share with the provenance
// page are in trace.go.

// recallRow is a recall as the pages list it.
type recallRow struct {
	gongxu.Recall
	OrgName string
	Target  identView
	NamedAs string // how the recall named it, when not by its ledger lot id or its canonical identifier
	Mine    bool   // it reaches a pool of this node's hub
}

// recallsData is the content of the recall list and of its live fragment.
type recallsData struct {
	Rows []recallRow
	Hub  gongxu.Org // this node's org when it is a hub (zero: not a hub)
	Mine int        // recalls that reach the hub's pools
}

// reachedPool is a pool a recall reaches, as one hub's part of it: its
// quantity and pledge batches; once the factory shipped the hub its share,
// the recalled lots in the shipment, whether the hub confirmed the
// delivery, the pledges its consumers picked up with goods of those lots,
// and what is left of those lots at the hub (or on its way there).
type reachedPool struct {
	Pool       uint64
	Title      string
	Status     gongxu.PoolStatus
	Order      uint64
	Qty        gongxu.Units
	Batches    []gongxu.Batch
	Shipped    []gongxu.LotQty
	ShippedQty gongxu.Qty // milli-units
	Delivered  bool
	Pickups    []gongxu.Pickup
	Left       gongxu.Qty // milli-units of the shipped recalled lots not picked up
}

// hubReach is what a recall reaches of one hub: its pools and its pledge
// batches, whose pseudonymous leaves only the hub maps to its consumers;
// once goods were shipped to it, the pickups of them (the consumers to
// contact first) and what is left of them to hold.
type hubReach struct {
	Hub       gongxu.OrgID
	Name      string
	Mine      bool // this node's hub
	Qty       gongxu.Units
	Pools     []reachedPool
	Batches   int
	Pledges   int64
	Shipped   bool // recalled lots were shipped to it
	InTransit bool // some of them it has not confirmed receiving
	Pickups   int
	Left      gongxu.Qty // milli-units
}

// impactData is the live part of a recall page.
type impactData struct {
	ID        uint64
	Lots      int
	Pools     int
	Hubs      []hubReach
	Batches   int
	Pledges   int64
	Units     gongxu.Units
	Steps     []stepView // oldest first
	Graph     template.HTML
	Truncated bool
	HubName   string    // this node's hub, "" when it is not one
	MineHit   bool      // the recall reaches this node's hub
	Own       *hubReach // what it reaches of this node's hub (nil: nothing)
	Shipped   bool      // recalled lots were shipped to hubs
	Pickups   int       // pledges picked up with goods of the recalled lots
	Left      gongxu.Qty
	Carriers  []gongxu.Leg // the carriers' legs that moved reached lots
}

// recallData is the content of a recall page.
type recallData struct {
	R      recallRow
	Impact impactData
	Acks   []ackRow // the hubs that acknowledged it (nil: the node does not say)
	Ack    *ackForm // this node's hub's acknowledgement (nil: nothing to acknowledge)
}

// recallBanner is a recall that reaches pools, as a banner shows it.
type recallBanner struct {
	R     recallRow
	Pools []uint64
	Here  bool // on the page of the pool it reaches
}

// recallPath is the page of a recall.
func recallPath(id uint64) string { return "/recalls/" + strconv.FormatUint(id, 10) }

// hubOf is this node's operator org when it is a hub (zero otherwise). A
// failure to read it is logged and taken as no hub: the pages still show.
func (s *server) hubOf(r *http.Request) gongxu.Org {
	ctx := r.Context()
	op := s.operator(r)
	if op == nil {
		return gongxu.Org{}
	}
	id, err := op.Org(ctx)
	if err != nil || id == "" {
		if err != nil {
			s.log.Warn("web: operator org", "err", err)
		}
		return gongxu.Org{}
	}
	o, err := s.members.Org(ctx, id)
	if err != nil || !o.HasRole(gongxu.RoleHub) {
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			s.log.Warn("web: operator org", "org", id, "err", err)
		}
		return gongxu.Org{}
	}
	return o
}

// recallRow names a recall's org and target; mine marks those reaching the
// hub's pools.
func (s *server) recallRow(rc gongxu.Recall, names map[gongxu.OrgID]string, mine map[uint64]bool) recallRow {
	target := cmp.Or(rc.Identifier, rc.Target)
	if rc.Lot != "" {
		target = gongxu.LotURN(rc.Lot)
	}
	row := recallRow{Recall: rc, OrgName: names[rc.Org], Target: identOf(target, nil, names, nil), Mine: mine[rc.ID]}
	if rc.Target != string(rc.Lot) && rc.Target != rc.Identifier && rc.Target != target {
		row.NamedAs = rc.Target
	}
	return row
}

// recallsList reads the recall list: every recall, newest first, and for a
// hub those that reach its pools.
func (s *server) recallsList(r *http.Request) (recallsData, error) {
	ctx := r.Context()
	var d recallsData
	names, err := s.orgNames(ctx)
	if err != nil {
		return d, err
	}
	rs, err := s.trace.Recalls(ctx, "", listRecalls)
	if err != nil {
		return d, err
	}
	mine := map[uint64]bool{}
	if d.Hub = s.hubOf(r); d.Hub.ID != "" {
		ours, err := s.trace.Recalls(ctx, d.Hub.ID, listRecalls)
		if err != nil {
			return d, err
		}
		for _, rc := range ours {
			mine[rc.ID] = true
		}
		d.Mine = len(ours)
	}
	for _, rc := range rs {
		d.Rows = append(d.Rows, s.recallRow(rc, names, mine))
	}
	return d, nil
}

func (s *server) recallList(w http.ResponseWriter, r *http.Request) error {
	d, err := s.recallsList(r)
	if err != nil {
		return err
	}
	return s.render(w, r, "recalls", view{Title: "Recalls", Section: "trace", Content: d})
}

// recallsFragment is the recall table alone, for htmx.
func (s *server) recallsFragment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.recallsList(r)
	if err != nil {
		return err
	}
	return s.fragment(w, r, "recalltable", d)
}

// recallByID reads a recall and what it reaches, with a page's messages.
func (s *server) recallByID(ctx context.Context, raw string) (gongxu.RecallImpact, error) {
	id, err := parseID(raw, "recall")
	if err != nil {
		return gongxu.RecallImpact{}, err
	}
	im, err := s.trace.Recall(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return im, notFound("No recall has the number %q.", raw)
	}
	return im, err
}

// impact is the live part of a recall page: what the recall reaches, per
// hub, and its graph.
func (s *server) impact(ctx context.Context, l *locale, im gongxu.RecallImpact, names map[gongxu.OrgID]string, hub gongxu.Org) (impactData, error) {
	d := impactData{ID: im.Recall.ID, Pools: len(im.Trace.Pools), Truncated: im.Trace.Truncated, HubName: hub.Name, Carriers: im.Carriers}
	if hub.ID != "" {
		d.HubName = cmp.Or(hub.Name, string(hub.ID))
	}
	for _, n := range im.Trace.Nodes {
		if n.Lot != nil || gongxu.IsLotURN(n.ID) {
			d.Lots++
		}
	}
	titles := map[uint64]string{}
	if s.pools != nil {
		for _, p := range im.Trace.Pools {
			pool, err := s.pools.Pool(ctx, p.Pool)
			if err == nil {
				titles[p.Pool] = pool.Title
			} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
				return d, err
			}
		}
	}
	reach := map[gongxu.OrgID]*hubReach{}
	var order []gongxu.OrgID
	get := func(h gongxu.OrgID) *hubReach {
		if reach[h] == nil {
			reach[h] = &hubReach{Hub: h, Name: names[h], Mine: h == hub.ID && h != ""}
			order = append(order, h)
		}
		return reach[h]
	}
	for _, h := range im.Hubs { // the service's order, and its sums
		get(h.Hub).Qty = h.Qty
	}
	for _, p := range im.Trace.Pools {
		for _, h := range p.Hubs {
			hr := get(h.Hub)
			rp := reachedPool{Pool: p.Pool, Title: titles[p.Pool], Status: p.Status, Order: p.Order, Qty: h.Qty, Batches: h.Batches}
			if len(h.Shipped) > 0 {
				rp.Shipped, rp.Delivered, rp.Pickups = h.Shipped, h.Delivered, h.Pickups
				rp.ShippedQty = sumLots(h.Shipped)
				rp.Left = max(rp.ShippedQty-pickedOf(h.Shipped, h.Pickups), 0)
				hr.Shipped, hr.InTransit = true, hr.InTransit || !h.Delivered
				hr.Pickups += len(h.Pickups)
				hr.Left += rp.Left
			}
			hr.Pools = append(hr.Pools, rp)
			if !slices.ContainsFunc(im.Hubs, func(x gongxu.TraceHubShare) bool { return x.Hub == h.Hub }) {
				hr.Qty += h.Qty
			}
			for _, b := range h.Batches {
				hr.Batches++
				hr.Pledges += b.Leaves
			}
		}
	}
	for _, h := range order {
		hr := reach[h]
		d.Hubs = append(d.Hubs, *hr)
		d.Batches += hr.Batches
		d.Pledges += hr.Pledges
		d.Units += hr.Qty
		d.MineHit = d.MineHit || hr.Mine
		d.Shipped = d.Shipped || hr.Shipped
		d.Pickups += hr.Pickups
		d.Left += hr.Left
	}
	// This node's hub first.
	slices.SortStableFunc(d.Hubs, func(a, b hubReach) int { return -cmp.Compare(boolInt(a.Mine), boolInt(b.Mine)) })
	if len(d.Hubs) > 0 && d.Hubs[0].Mine {
		d.Own = &d.Hubs[0]
	}

	recalled := map[string]bool{im.Recall.Identifier: true}
	ix := newTraceIndex(im.Trace, names, recalled, l)
	steps := slices.Clone(im.Trace.Steps)
	slices.SortStableFunc(steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), ledgerOrder(a, b), cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Event, b.Event))
	})
	d.Steps = ix.steps(mergeSteps(steps))
	namePledges(d.Steps, im.Trace.Pools)
	d.Graph = TraceGraphSVG(traceGraph(im.Trace, ix, titles))
	return d, nil
}

// namePledges names the pledge of each pickup step from the pickups a
// forward trace reached, by the transaction that anchors both.
func namePledges(steps []stepView, pools []gongxu.TracePool) {
	byTx := map[string][]string{}
	for _, p := range pools {
		for _, h := range p.Hubs {
			for _, pk := range h.Pickups {
				byTx[pk.Tx] = append(byTx[pk.Tx], pk.Pledge)
			}
		}
	}
	for i := range steps {
		if v := &steps[i]; v.Flow == flowPickup && len(byTx[v.Anchor.Tx]) == 1 {
			v.Pledge = byTx[v.Anchor.Tx][0]
		}
	}
}

func (s *server) recall(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	im, err := s.recallByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	hub := s.hubOf(r)
	d := recallData{R: s.recallRow(im.Recall, names, nil)}
	if d.Impact, err = s.impact(ctx, s.langs.pick(r), im, names, hub); err != nil {
		return err
	}
	d.R.Mine = d.Impact.MineHit
	if d.Acks, err = s.recallAcks(ctx, im.Recall.ID, names); err != nil {
		return err
	}
	d.Ack = s.ackFormFor(r, hub, d.Impact, d.Acks)
	return s.render(w, r, "recall", view{Title: s.langs.pick(r).T("Recall %d", im.Recall.ID), Section: "trace", Content: d})
}

// recallFragment is the live part of a recall page alone, for htmx.
func (s *server) recallFragment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	im, err := s.recallByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d, err := s.impact(ctx, s.langs.pick(r), im, names, s.hubOf(r))
	if err != nil {
		return err
	}
	return s.fragment(w, r, "impact", d)
}

// homeRecalls are the banners of the home page: the newest recalls that
// reach pools (a hub's own pools, on a hub's node). A failure is logged:
// the network page still shows.
func (s *server) homeRecalls(r *http.Request, names map[gongxu.OrgID]string) []recallBanner {
	if s.trace == nil {
		return nil
	}
	ctx := r.Context()
	hub := s.hubOf(r)
	limit := bannerRecalls
	if hub.ID == "" {
		limit = 2 * bannerRecalls // the service does not filter: read a few more
	}
	rs, err := s.trace.Recalls(ctx, hub.ID, limit)
	if err != nil {
		s.log.Warn("web: recalls for the home page", "err", err)
		return nil
	}
	var out []recallBanner
	for _, rc := range rs {
		if len(out) == bannerRecalls {
			break
		}
		im, err := s.trace.Recall(ctx, rc.ID)
		if err != nil {
			s.log.Warn("web: recall for the home page", "recall", rc.ID, "err", err)
			continue
		}
		b := recallBanner{R: s.recallRow(rc, names, nil)}
		for _, p := range im.Trace.Pools {
			if hub.ID == "" || slices.ContainsFunc(p.Hubs, func(h gongxu.TraceHubShare) bool { return h.Hub == hub.ID }) {
				b.Pools = append(b.Pools, p.Pool)
			}
		}
		b.R.Mine = hub.ID != "" && len(b.Pools) > 0
		if len(b.Pools) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// poolRecalls are the recalls that reach a pool, found among the recalls
// that reach the pool's first hub (a pool without hubs has no pledges to
// warn about). A failure is logged: the pool page still shows.
func (s *server) poolRecalls(ctx context.Context, pool uint64, shares []gongxu.HubShare, names map[gongxu.OrgID]string) []recallBanner {
	if s.trace == nil || len(shares) == 0 {
		return nil
	}
	rs, err := s.trace.Recalls(ctx, shares[0].Hub, poolRecallScan)
	if err != nil {
		s.log.Warn("web: recalls for a pool", "pool", pool, "err", err)
		return nil
	}
	var out []recallBanner
	for _, rc := range rs {
		im, err := s.trace.Recall(ctx, rc.ID)
		if err != nil {
			s.log.Warn("web: recall for a pool", "pool", pool, "recall", rc.ID, "err", err)
			continue
		}
		if slices.ContainsFunc(im.Trace.Pools, func(p gongxu.TracePool) bool { return p.Pool == pool }) {
			out = append(out, recallBanner{R: s.recallRow(rc, names, nil), Pools: []uint64{pool}, Here: true})
		}
	}
	return out
}
