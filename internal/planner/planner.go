package planner

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/plan"
)

const (
	dayMs  = 86_400_000
	hourMs = 3_600_000
	// ListLimit is how many of the newest production and purchase orders
	// a plan reads (the read model's largest page); a factory with more
	// gets a Problem saying the older ones were left out.
	ListLimit = 500
	// leadMs is how far past the latest block a requested date must be at
	// least: the block that takes a purchase order is a little later.
	leadMs = 2 * hourMs
)

// Planner is gongxu.PlanService over the ledger's read side.
type Planner struct {
	prod    gongxu.ProductionService
	now     func(context.Context) (int64, error)
	members gongxu.MemberService     // nil: any org is planned
	mps     gongxu.MPSSource         // nil: no demand planned on forecast
	rep     gongxu.ReputationService // nil: each item from its own supplier (PreferOnTime)
	late    gongxu.LatenessService   // nil: a late line is expected as late again as it is

	mu     sync.Mutex
	states map[gongxu.OrgID]*netState // each factory's last full plan, for net change
	nets   atomic.Int64               // plans made by net change (for the tests)
}

// netState is a factory's last full MRP run: the next plan with the same
// master data re-nets only the items whose orders, stock or open orders
// changed (plan.State.NetChange, the same result as a full run).
type netState struct {
	// The items and BOM lines the plan was made with, copied (the ledger's
	// slices may be reused): MRP reads nothing else of the master data
	// (routings and work centers are the scheduler's).
	items []gongxu.Item
	bom   []gongxu.BOMLine
	state *plan.State
}

// maxNetStates bounds the factories whose last plan is kept.
const maxNetStates = 64

// mrp is plan.Plan, by net change against the factory's last full plan when
// its master data is the same; a change that re-nets more than half of the
// items makes the new full plan the base.
func (p *Planner) mrp(factory gongxu.OrgID, m gongxu.Master, stock map[gongxu.ItemID]gongxu.Qty, open []plan.OpenOrder, demand []plan.Demand) (plan.Result, error) {
	p.mu.Lock()
	ns := p.states[factory]
	p.mu.Unlock()
	if ns != nil && slices.Equal(ns.items, m.Items) && slices.Equal(ns.bom, m.BOM) {
		ch, err := ns.state.NetChange(stock, open, demand)
		if err != nil {
			return plan.Result{}, err
		}
		if len(ch.Items)*2 <= len(ns.items) {
			p.nets.Add(1)
			return ch.Result(), nil
		}
	}
	st, res, err := plan.NewState(m, stock, open, demand)
	if err != nil {
		return plan.Result{}, err
	}
	p.mu.Lock()
	if p.states == nil {
		p.states = map[gongxu.OrgID]*netState{}
	}
	if _, ok := p.states[factory]; ok || len(p.states) < maxNetStates {
		p.states[factory] = &netState{items: slices.Clone(m.Items), bom: slices.Clone(m.BOM), state: st}
	}
	p.mu.Unlock()
	// NewState's result is the State's own: hand out copies.
	return plan.Result{Purchases: slices.Clone(res.Purchases), Work: slices.Clone(res.Work), Items: slices.Clone(res.Items)}, nil
}

var _ gongxu.PlanService = (*Planner)(nil)

// New returns a planner reading prod; now returns the time plans start from
// (the latest block time, unix ms).
func New(prod gongxu.ProductionService, now func(context.Context) (int64, error)) *Planner {
	return &Planner{prod: prod, now: now}
}

// RequireFactory makes Plan answer KindNotFound for an org that is not a
// member with the factory role, as members says; it returns p.
func (p *Planner) RequireFactory(members gongxu.MemberService) *Planner {
	p.members = members
	return p
}

// WithMPS makes the plan take the master production schedule the factory
// accepted (src) as demand: each week's forecast of a product, less the
// production orders of it due that week, due on the week's Monday, with the
// reference gongxu.MPSRefPrefix + "<product>@<week>" in the pegging of what
// it makes the plan buy and make. It returns p.
func (p *Planner) WithMPS(src gongxu.MPSSource) *Planner {
	p.mps = src
	return p
}

// run is one plan being computed.
type run struct {
	prod     gongxu.ProductionService
	factory  gongxu.OrgID
	at       int64 // now: nothing starts earlier
	earliest int64 // the earliest date a purchase order can ask for
	master   gongxu.Master
	items    map[gongxu.ItemID]gongxu.Item
	stock    map[gongxu.ItemID]gongxu.Qty
	orders   []gongxu.ProductionOrder // open, with remaining quantity, by id
	routed   map[gongxu.ItemID]bool   // items with a routing
	started  []plan.PlannedWork       // started work orders' remaining work, scheduled from now
	demand   []plan.Demand
	open     []plan.OpenOrder
	arrivals map[string]int64  // supply ref → when it arrives, for the schedule
	supplies map[string]string // supply ref → what it is, for the reasons
	notes    map[string]string // supply ref → who moved its date and why (a cascade's tier above)
	problems []string

	lateness gongxu.LatenessService
	observed map[gongxu.OrgID][2]int64 // supplier → median late ms, count
	late     []gongxu.LateSupply       // open lines past their promised date
	sales    map[string]saleLine       // sale demand ref → the line sold
	saleRefs []string                  // in the order loaded
}

func (r *run) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// Plan implements gongxu.PlanService.
func (p *Planner) Plan(ctx context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	if err := factory.Validate(); err != nil {
		return gongxu.PlanView{}, err
	}
	if p.members != nil {
		org, err := p.members.Org(ctx, factory)
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return gongxu.PlanView{}, err
		}
		if err != nil || !slices.Contains(org.Roles, gongxu.RoleFactory) && !slices.Contains(org.Roles, gongxu.RoleSupplier) {
			return gongxu.PlanView{}, gongxu.Errorf(gongxu.KindNotFound, "org %s is not a factory (nor a supplier)", factory)
		}
	}
	at, err := p.now(ctx)
	if err != nil {
		return gongxu.PlanView{}, err
	}
	if at < 0 || at > gongxu.MaxTimeMs-400*dayMs {
		return gongxu.PlanView{}, gongxu.Errorf(gongxu.KindInvalid, "plan start %d is out of range", at)
	}
	r := &run{
		prod: p.prod, factory: factory, at: at, earliest: floorDay(at+leadMs) + dayMs,
		arrivals: map[string]int64{}, supplies: map[string]string{}, notes: map[string]string{},
		lateness: p.late, observed: map[gongxu.OrgID][2]int64{}, sales: map[string]saleLine{},
	}
	if err := r.load(ctx); err != nil {
		return gongxu.PlanView{}, err
	}
	if p.mps != nil {
		if err := r.loadMPS(ctx, p.mps); err != nil {
			return gongxu.PlanView{}, err
		}
	}
	res, err := p.mrp(factory, r.master, r.stock, r.open, r.demand)
	if err != nil {
		return gongxu.PlanView{}, gongxu.Errorf(gongxu.KindInvalid, "the master data of %s cannot be planned: %s", factory, gongxu.ErrorMessage(err))
	}
	view := gongxu.PlanView{
		Factory: factory, At: at, Orders: []gongxu.PlannedOrder{}, Purchases: res.Purchases, Work: res.Work,
		Dates: []gongxu.OrderDate{}, Ops: []gongxu.ScheduledOp{}, WorkCenters: r.master.WorkCenters, Txs: []gongxu.PlanTx{},
	}
	if p.rep != nil {
		c := &supplierChoice{rep: p.rep, records: map[gongxu.OrgID]int64{}}
		if err := r.chooseSuppliers(ctx, c, res.Purchases); err != nil {
			return gongxu.PlanView{}, err
		}
	}
	pos, err := r.purchaseOrders(ctx, res.Purchases)
	if err != nil {
		return gongxu.PlanView{}, err
	}
	view.Txs = append(view.Txs, pos...)

	work, unrouted := r.routedWork(append(slices.Clone(res.Work), r.started...))
	tt, serr := plan.Schedule(r.master, work, r.arrivals, at)
	if serr != nil {
		r.problem("the work cannot be scheduled, so no completion dates are planned: %s", gongxu.ErrorMessage(serr))
	} else {
		view.Dates, view.Ops = tt.Orders, tt.Ops
	}
	ex := &explainer{r: r, work: work, purchases: res.Purchases, tt: tt}
	done := make(map[string]int64, len(tt.Demands))
	for _, d := range tt.Demands {
		if unrouted[d.Ref] == "" { // held back by an item without a routing: no date, even if part of its work is placed
			done[d.Ref] = d.Completion
		}
	}
	slips, err := r.slips(done, ex)
	if err != nil {
		return gongxu.PlanView{}, err
	}
	view.Txs = append(view.Txs, slips...)
	view.LateSupply = r.late
	for _, o := range r.orders {
		po := gongxu.PlannedOrder{Order: o.ID, Product: o.Product, Qty: o.Qty - o.Produced, Due: o.Due, Published: o.PlannedCompletion}
		it, ok := r.items[o.Product]
		ref := orderRef(o.ID)
		switch {
		case !ok:
			po.Reason = clip(fmt.Sprintf("not planned: %s has no item in the master data of %s", o.Product, r.factory))
		case unrouted[ref] != "":
			po.Reason = clip(fmt.Sprintf("no routing for item %s: not scheduled", unrouted[ref]))
		case serr != nil:
			po.Reason = clip("not scheduled: " + gongxu.ErrorMessage(serr))
		case done[ref] > 0:
			po.Completion = done[ref]
			po.Late = po.Completion > o.Due
			po.Reason = clip(ex.reason(ref, po.Completion))
		case !it.Make:
			po.Reason = clip(fmt.Sprintf("%s is bought, not made: the plan buys it and schedules no work for it", o.Product))
		default:
			po.Reason = "covered by stock and work already started: no new work is planned for it"
		}
		view.Orders = append(view.Orders, po)
	}
	for _, po := range view.Orders {
		if po.Completion <= 0 || po.Completion == po.Published {
			continue
		}
		tx, err := planDateTx(po)
		if err != nil {
			return gongxu.PlanView{}, err
		}
		view.Txs = append(view.Txs, tx)
	}
	view.Problems = r.problems
	if view.Problems == nil {
		view.Problems = []string{}
	}
	return view, nil
}

// load reads the factory's side of the ledger: master data, stock, open
// production orders (the demand), open purchase orders and started work
// orders (scheduled receipts).
func (r *run) load(ctx context.Context) error {
	var err error
	if r.master, err = r.prod.Master(ctx, r.factory); err != nil {
		return err
	}
	r.items = make(map[gongxu.ItemID]gongxu.Item, len(r.master.Items))
	for _, it := range r.master.Items {
		r.items[it.ID] = it
	}
	r.routed = make(map[gongxu.ItemID]bool, len(r.master.Routings))
	for _, rt := range r.master.Routings {
		r.routed[rt.Item] = true
	}
	stock, err := r.prod.Stock(ctx, r.factory)
	if err != nil {
		return err
	}
	r.stock = make(map[gongxu.ItemID]gongxu.Qty, len(stock))
	for _, s := range stock {
		if _, ok := r.items[s.Item]; ok && s.Qty > 0 {
			r.stock[s.Item] += s.Qty
		}
	}
	if err := r.loadOrders(ctx); err != nil {
		return err
	}
	if err := r.poolLots(ctx); err != nil {
		return err
	}
	return r.loadPOs(ctx)
}

// poolLots takes out of the stock what the ledger allots to pools: the
// lots a pool's production order made (up to its quantity) or was filled
// from on stock belong to that pool's hubs (their consumers paid for them),
// not to the factory's next orders, until they ship (Lot.Allotted; an
// overrun beyond the order's quantity is free stock).
func (r *run) poolLots(ctx context.Context) error {
	orders, err := r.prod.Orders(ctx, r.factory, ListLimit)
	if err != nil {
		return err
	}
	for _, o := range orders {
		if o.Pool == 0 || o.Factory != r.factory {
			continue
		}
		seen := map[gongxu.LotID]bool{}
		for _, made := range o.Lots {
			if seen[made.Lot] {
				continue
			}
			seen[made.Lot] = true
			lot, err := r.prod.Lot(ctx, made.Lot)
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				continue
			}
			if err != nil {
				return err
			}
			if q, ok := r.stock[lot.Item]; ok && lot.Owner == r.factory && lot.Pool == o.Pool {
				r.stock[lot.Item] = max(0, q-lot.Allotted)
			}
		}
	}
	return nil
}

func (r *run) loadOrders(ctx context.Context) error {
	orders, err := r.prod.Orders(ctx, r.factory, ListLimit)
	if err != nil {
		return err
	}
	if len(orders) >= ListLimit {
		r.problem("only the newest %d production orders were read; older open ones are left out of the plan", ListLimit)
	}
	slices.SortFunc(orders, func(a, b gongxu.ProductionOrder) int { return cmp.Compare(a.ID, b.ID) })
	for _, o := range orders {
		if o.Factory != r.factory || o.Status == gongxu.OrderCompleted || o.Qty-o.Produced-o.Stock <= 0 {
			continue
		}
		r.orders = append(r.orders, o)
		if _, ok := r.items[o.Product]; !ok {
			r.problem("production order %d is not planned: %s has no item in the master data of %s (publish its item, bill of materials and routing)",
				o.ID, o.Product, r.factory)
		} else {
			r.demand = append(r.demand, plan.Demand{Ref: orderRef(o.ID), Item: o.Product, Qty: o.Qty - o.Produced - o.Stock, Due: o.Due})
		}
		wos, err := r.prod.WorkOrders(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, w := range wos {
			if w.Status != gongxu.WOStarted {
				continue
			}
			// Its inputs are reserved for it: not on hand for the plan.
			for _, in := range w.Inputs {
				lot, err := r.prod.Lot(ctx, in.Lot)
				if gongxu.ErrorKind(err) == gongxu.KindNotFound {
					continue
				}
				if err != nil {
					return err
				}
				if q, ok := r.stock[lot.Item]; ok {
					r.stock[lot.Item] = max(0, q-in.Qty)
				}
			}
			it, ok := r.items[w.Item]
			if rem := w.Qty - w.Produced; ok && !it.Phantom && rem > 0 {
				ref := fmt.Sprintf("wo-%d", w.ID)
				r.open = append(r.open, plan.OpenOrder{Ref: ref, Item: w.Item, Qty: rem, Due: o.Due})
				r.supplies[ref] = fmt.Sprintf("work order %d (%s, started, %s to make)", w.ID, w.Item, qtyString(rem))
				// What it has still to make takes the work centers from now
				// (its inputs are reserved: ready): a work order behind its
				// plan moves its order's completion, and the reason says so.
				// An item without a routing is taken to arrive when due.
				if _, routed := r.routed[w.Item]; routed {
					r.started = append(r.started, plan.PlannedWork{ID: ref, Item: w.Item, Qty: rem, Start: r.at, Due: floorDay(o.Due),
						Pegging: []string{orderRef(o.ID)}, Delivers: []string{orderRef(o.ID)}})
				} else {
					r.arrivals[ref] = o.Due
				}
			}
		}
	}
	return nil
}

// routedWork returns the work that can be scheduled: all of it but the
// work orders of items without a routing and those that wait, through
// their inputs, on such a work order (they would wait for ever). For each
// demand such work delivers to it says which item without a routing holds
// it back, and for each such item it adds a problem. One item without a
// routing so leaves the rest of the plan with its completion dates.
func (r *run) routedWork(work []plan.PlannedWork) ([]plan.PlannedWork, map[string]gongxu.ItemID) {
	missing := map[string]gongxu.ItemID{} // work id → the item without a routing it needs
	for _, w := range work {
		if !r.routed[w.Item] {
			missing[w.ID] = w.Item
		}
	}
	// Inputs reach down the bill of materials: each pass marks at least one
	// more work order, so at most len(work) passes.
	for changed := len(missing) > 0; changed; {
		changed = false
		for _, w := range work {
			if _, ok := missing[w.ID]; ok {
				continue
			}
			for _, in := range w.Inputs {
				if it, ok := missing[in]; ok {
					missing[w.ID], changed = it, true
					break
				}
			}
		}
	}
	if len(missing) == 0 {
		return work, nil
	}
	routed := make([]plan.PlannedWork, 0, len(work)-len(missing))
	held := map[string]gongxu.ItemID{}
	byItem := map[gongxu.ItemID][]string{}
	for _, w := range work {
		it, ok := missing[w.ID]
		if !ok {
			routed = append(routed, w)
			continue
		}
		if w.Item == it {
			byItem[it] = append(byItem[it], w.ID)
		}
		for _, ref := range w.Delivers {
			if _, ok := held[ref]; !ok {
				held[ref] = it
			}
		}
	}
	for _, it := range slices.Sorted(maps.Keys(byItem)) {
		ids := byItem[it]
		if len(ids) > 3 { // a problem stays one readable line
			ids = append(ids[:3:3], fmt.Sprintf("and %d more", len(ids)-3))
		}
		r.problem("no routing for item %s: its work (%s) and what waits on it are not scheduled; publish a routing for it", it, strings.Join(ids, ", "))
	}
	return routed, held
}

// openPO says which purchase order statuses still bring goods.
func openPO(s gongxu.POStatus) bool {
	switch s {
	case gongxu.POSent, gongxu.POAccepted, gongxu.POChangesProposed, gongxu.POShipped:
		return true
	}
	return false
}

// loadPOs adds the lines of the factory's open purchase orders as
// scheduled receipts: what is not received yet, due at the promised date
// once accepted, else at the requested date. A line past its promised
// date and not shipped in full arrives when lateLine expects it (late.go).
//
// MRP nets a line at the earliest of the date the factory first asked for,
// its requested and its promised dates: a supplier promising late, or a
// proposal of later dates the factory accepted, makes the order late (the
// schedule takes the promised date), never a second purchase order for the
// same need. A line
// due no later than the earliest date a new purchase order could ask for
// is netted from the start of time: nothing ordered now would come sooner,
// so it covers needs already past due too, and those are not ordered again.
func (r *run) loadPOs(ctx context.Context) error {
	pos, err := r.prod.POs(ctx, r.factory, ListLimit)
	if err != nil {
		return err
	}
	if len(pos) >= ListLimit {
		r.problem("only the newest %d purchase orders were read; older open ones are left out of the plan", ListLimit)
	}
	slices.SortFunc(pos, func(a, b gongxu.PurchaseOrder) int { return cmp.Compare(a.ID, b.ID) })
	for _, po := range pos {
		if po.Supplier == r.factory && po.Factory != r.factory {
			r.sale(po)
			continue
		}
		if po.Factory != r.factory || !openPO(po.Status) {
			continue
		}
		promised := po.Status == gongxu.POAccepted || po.Status == gongxu.POShipped
		for i, l := range po.Lines {
			rem := l.Qty
			if i < len(po.Received) {
				rem -= po.Received[i]
			}
			it, ok := r.items[l.Item]
			if !ok || it.Phantom || rem <= 0 {
				continue
			}
			arrive := l.Date
			if promised && i < len(po.Promised) && po.Promised[i] > 0 {
				arrive = po.Promised[i]
			}
			due := min(l.Date, arrive, requested(po, i))
			if due <= r.earliest {
				due = 0
			}
			ref := fmt.Sprintf("po-%d-%d", po.ID, i+1)
			r.open = append(r.open, plan.OpenOrder{Ref: ref, Item: l.Item, Qty: rem, Due: due})
			r.supplies[ref] = fmt.Sprintf("purchase order %d line %d (%s from %s)", po.ID, i+1, l.Item, po.Supplier)
			if note := changedBy(po, i); promised && note != "" {
				r.notes[ref] = note
			}
			if promised && arrive < r.at && i < len(po.Shipped) && po.Shipped[i] < l.Qty {
				// Past its promised date, not shipped in full: not now.
				if arrive, err = r.lateLine(ctx, po, i, arrive, rem, ref); err != nil {
					return err
				}
			}
			r.arrivals[ref] = arrive
		}
	}
	return nil
}

// requested returns the date the factory first asked for line i of po: the
// line as sent, before any proposal replaced it (the line's own date when
// the history does not say).
func requested(po gongxu.PurchaseOrder, i int) int64 {
	for _, n := range po.Negotiation {
		if n.Action == "sent" && i < len(n.Lines) && n.Lines[i].Item == po.Lines[i].Item {
			return n.Lines[i].Date
		}
	}
	return po.Lines[i].Date
}

// sale adds what the org, as a supplier, promised on an accepted purchase
// order and has not shipped yet as demand, for the lines whose item is in
// its master data: a supplier that makes (or buys) what it sells plans its
// own inputs the same way, so demand cascades upstream.
func (r *run) sale(po gongxu.PurchaseOrder) {
	if po.Status != gongxu.POAccepted && po.Status != gongxu.POShipped {
		return
	}
	for i, l := range po.Lines {
		rem := l.Qty
		if i < len(po.Shipped) {
			rem -= po.Shipped[i]
		}
		if _, ok := r.items[l.Item]; !ok || rem <= 0 {
			continue
		}
		due := l.Date
		if i < len(po.Promised) && po.Promised[i] > 0 {
			due = po.Promised[i]
		}
		ref := fmt.Sprintf("sale-%d-%d", po.ID, i+1)
		r.demand = append(r.demand, plan.Demand{Ref: ref, Item: l.Item, Qty: rem, Due: due})
		r.sales[ref] = saleLine{po: po, line: i, promised: due}
		r.saleRefs = append(r.saleRefs, ref)
	}
}

// loadMPS adds the weeks of the factory's master production schedule as
// demand: a week's forecast less what production orders of the product due
// that week (Monday to Sunday, UTC) already ask (the forecast they
// consume). A week already over is left out; one under way is due now.
func (r *run) loadMPS(ctx context.Context, src gongxu.MPSSource) error {
	lines, err := src.MPS(ctx, r.factory)
	if err != nil {
		return err
	}
	for _, l := range lines {
		item := gongxu.ItemID(l.Product)
		if _, ok := r.items[item]; !ok {
			r.problem("the forecast of %s for %s is not planned: it has no item in the master data of %s", l.Product, l.Week, r.factory)
			continue
		}
		end := l.Due + 7*dayMs
		if end <= r.at || l.Qty <= 0 {
			continue
		}
		q := l.Qty
		for _, o := range r.orders {
			if o.Product == item && o.Due >= l.Due && o.Due < end {
				q -= o.Qty - o.Produced
			}
		}
		if q <= 0 {
			continue
		}
		r.demand = append(r.demand, plan.Demand{Ref: gongxu.MPSRefPrefix + string(l.Product) + "@" + l.Week, Item: item, Qty: q,
			Due: max(l.Due, r.at)})
	}
	return nil
}

func orderRef(id uint64) string { return fmt.Sprintf("order-%d", id) }

func floorDay(ms int64) int64 {
	d := ms / dayMs
	if ms%dayMs < 0 {
		d--
	}
	return d * dayMs
}

// stamp formats a time for people: "2026-03-20 09:20 UTC".
func stamp(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") }

// date formats the day of a time: "2026-03-20".
func date(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.DateOnly) }

// qtyString renders milli-units as units: 1500 → "1.5".
func qtyString(q gongxu.Qty) string {
	sign := ""
	if q < 0 {
		sign, q = "-", -q
	}
	s := fmt.Sprintf("%d.%03d", q/1000, q%1000)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	return sign + s
}

// maxReason is the longest reason the ledger takes (production.MaxReason).
const maxReason = 200

// clip shortens s to maxReason bytes on a rune boundary.
func clip(s string) string {
	if len(s) <= maxReason {
		return s
	}
	cut := maxReason - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
