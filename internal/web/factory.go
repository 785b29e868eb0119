package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// How much the production pages list.
const (
	listOrders    = 50
	listPOs       = 100
	listRecentPOs = 20
	listLots      = 20
)

// orderRow is a production order as the console lists it.
type orderRow struct {
	gongxu.ProductionOrder
	Late   bool                 // the planned completion is after the due date
	Replan *gongxu.PlannedOrder // the plan now, when it differs from what the ledger holds
}

// newOrderRow marks an order late and attaches the plan's view of it.
func newOrderRow(o gongxu.ProductionOrder, plan map[uint64]gongxu.PlannedOrder) orderRow {
	row := orderRow{ProductionOrder: o, Late: orderLate(o)}
	if p, ok := plan[o.ID]; ok && (p.Completion != o.PlannedCompletion || p.Reason != "" && p.Reason != o.PlanReason) {
		row.Replan = &p
	}
	return row
}

// orderLate reports whether an unfinished order is planned to complete after
// its due date.
func orderLate(o gongxu.ProductionOrder) bool {
	return o.Status != gongxu.OrderCompleted && o.PlannedCompletion > 0 && o.PlannedCompletion > o.Due
}

// poRow is a purchase order as a list shows it.
type poRow struct {
	gongxu.PurchaseOrder
	Other   gongxu.OrgID // the other party: the supplier on a factory's list, the factory on a supplier's
	Name    string       // its name ("" when not a member)
	Total   string       // the lines' value, for people
	Needed  int64        // the earliest requested date
	Last    *gongxu.PONegotiation
	Waiting string // who acts next, for people; "" when nobody
}

func newPORow(po gongxu.PurchaseOrder, forSupplier bool, names map[gongxu.OrgID]string) poRow {
	row := poRow{PurchaseOrder: po, Other: po.Supplier, Total: linesTotal(po.Lines, po.Currency)}
	if forSupplier {
		row.Other = po.Factory
	}
	row.Name = names[row.Other]
	for i, l := range po.Lines {
		if i == 0 || l.Date < row.Needed {
			row.Needed = l.Date
		}
	}
	if n := len(po.Negotiation); n > 0 {
		row.Last = &po.Negotiation[n-1]
	}
	switch po.Status {
	case gongxu.POSent:
		row.Waiting = "the supplier"
	case gongxu.POChangesProposed:
		row.Waiting = "the factory"
	case gongxu.POAccepted:
		row.Waiting = "shipment"
	case gongxu.POShipped:
		row.Waiting = "receipt"
	}
	return row
}

// linesTotal is the value of lines for people, "—" when it overflows, ""
// when their prices are sealed (a unit price of 0 on the ledger).
func linesTotal(lines []gongxu.POLine, currency string) string {
	var total gongxu.Amount
	for _, l := range lines {
		if l.UnitPrice == 0 {
			return ""
		}
		a, ok := lineAmount(l.Qty, l.UnitPrice)
		if !ok {
			return "—"
		}
		if total, ok = addOK(total, a); !ok {
			return "—"
		}
	}
	return money(total, currency)
}

// lineValue is one line's value for people, "—" when it overflows.
func lineValue(q gongxu.Qty, unitPrice gongxu.Amount, currency string) string {
	a, ok := lineAmount(q, unitPrice)
	if !ok {
		return "—"
	}
	return money(a, currency)
}

func addOK(a, b gongxu.Amount) (gongxu.Amount, bool) {
	c, err := gongxu.Add(a, b)
	return c, err == nil
}

// workRow is a planned work order with its dates from the schedule.
type workRow struct {
	gongxu.PlannedWork
	Completion int64
	Late       bool
}

type factoryData struct {
	Org      gongxu.Org   // the factory shown (zero: none; Choices lists them)
	Own      bool         // it is this node's operator org
	OpenPool bool         // the console links to the new pool form
	Notice   string       // why no factory, or something to know about the one shown
	Choices  []gongxu.Org // factories to view
	Now      int64        // latest block time
	// DemandCards are the factory's products' forecasts against their open
	// pools (demand_card.go; nil without demand services).
	DemandCards []*demandCard

	Orders      []orderRow
	Negotiating []poRow // sent, or changes proposed
	OtherPOs    []poRow

	PlanNote  string // why there is no plan
	Planned   bool
	PlanAt    int64
	Gantt     template.HTML
	GanttURL  string
	Zooms     []zoomLink // the chart's zooms, the current one marked
	Zone      string     // the chart's time zone, "UTC+8"
	Purchases []gongxu.PlannedPurchase
	Work      []workRow
	Problems  []string
	Txs       []gongxu.PlanTx
	// LateSupply are the open purchase order lines past their promised
	// date, as the plan expects them.
	LateSupply []gongxu.LateSupply

	Stock []gongxu.Stock
	Lots  []gongxu.Lot // the newest lots the factory holds or made
}

// consoleOrg resolves the factory a console request is about: ?org=ID, else
// this node's operator org. When there is none to show, org is zero and
// notice says why.
func (s *server) consoleOrg(r *http.Request) (org gongxu.Org, own bool, notice string, err error) {
	ctx := r.Context()
	var opOrg gongxu.OrgID
	if op := s.operator(r); op != nil {
		if opOrg, err = op.Org(ctx); err != nil {
			return org, false, "", err
		}
	}
	if raw := r.URL.Query().Get("org"); raw != "" {
		id := gongxu.OrgID(raw)
		missing := notFound("No member organization has the id %q.", raw)
		if id.Validate() != nil {
			return org, false, "", missing
		}
		org, err = s.members.Org(ctx, id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return org, false, "", missing
		} else if err != nil {
			return org, false, "", err
		}
		if !isMaker(org) {
			notice = fmt.Sprintf("%s is neither a factory nor a supplier: it has no production of its own.", org.Name)
		}
		return org, id == opOrg, notice, nil
	}
	switch {
	case s.op == nil:
		return org, false, "This node has no operator key, so it has no factory of its own. Choose a factory to view its console.", nil
	case opOrg == "":
		return org, false, "This node's operator key belongs to no member organization yet. Choose a factory to view its console.", nil
	}
	org, err = s.members.Org(ctx, opOrg)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return gongxu.Org{}, false, s.langs.pick(r).T("This node's operator key belongs to %s, which is not a member organization (any more). Choose a factory to view its console.", opOrg), nil
	} else if err != nil {
		return org, false, "", err
	}
	if !isMaker(org) {
		return gongxu.Org{}, false, fmt.Sprintf("%s, this node's organization, is not a factory. Choose a factory to view its console.", org.Name), nil
	}
	return org, true, "", nil
}

// isMaker tells whether org makes what it sells: a factory, or a supplier
// (which keeps master data, plans, orders upstream and runs work orders on
// the ledger like a factory; production's rules).
func isMaker(org gongxu.Org) bool {
	return org.HasRole(gongxu.RoleFactory) || org.HasRole(gongxu.RoleSupplier)
}

// factories lists the member factories.
func (s *server) factories(ctx context.Context) ([]gongxu.Org, error) {
	orgs, err := s.members.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var out []gongxu.Org
	for _, o := range orgs {
		if o.HasRole(gongxu.RoleFactory) {
			out = append(out, o)
		}
	}
	return out, nil
}

// plan computes a factory's plan; note says why there is none. A failure
// of the planner does not fail the console: the rest of it still shows.
func (s *server) plan(ctx context.Context, org gongxu.OrgID) (pv gongxu.PlanView, note string) {
	if s.plans == nil {
		return pv, "This node does not plan: it has no planner to compute material needs and schedules."
	}
	pv, err := s.plans.Plan(ctx, org)
	msg := publicMessage(err)
	switch k := gongxu.ErrorKind(err); {
	case k == gongxu.KindOK:
		return pv, ""
	case (k == gongxu.KindNotFound || k == gongxu.KindInvalid) && msg != "":
		return pv, "The plan could not be made: " + msg
	case k == gongxu.KindUnavailable:
		return pv, "The planner is not ready yet: the node is starting. Reload in a moment."
	default:
		s.log.Error("web: plan failed", "factory", org, "err", err)
		return pv, "The plan could not be computed; the node's log has the details."
	}
}

// zoomLink is a link to the console's chart at a zoom.
type zoomLink struct {
	Name    string // a message key
	Href    string
	Current bool
}

// zoomOf reads the chart's zoom from ?zoom= (day when absent); an unknown
// one is a 400 page.
func zoomOf(r *http.Request) (string, error) {
	z := r.URL.Query().Get("zoom")
	if z == "" {
		return zoomDay, nil
	}
	if _, ok := zoomNames[z]; !ok || len(r.URL.Query()["zoom"]) > 1 {
		return "", &pageErr{kind: gongxu.KindInvalid, key: "unknown zoom %q", args: []any{z}}
	}
	return z, nil
}

func (s *server) factory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	zoom, err := zoomOf(r)
	if err != nil {
		return err
	}
	org, own, notice, err := s.consoleOrg(r)
	if err != nil {
		return err
	}
	d := factoryData{Org: org, Own: own, Notice: notice, OpenPool: own && s.pools != nil}
	if d.Now, err = s.latestBlock(ctx); err != nil {
		return err
	}
	if org.ID == "" {
		if d.Choices, err = s.factories(ctx); err != nil {
			return err
		}
		return s.render(w, r, "factory", view{Title: "Factory", Section: "factory", Content: d})
	}
	all, err := s.factories(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID != org.ID {
			d.Choices = append(d.Choices, o) // the other factories, to switch to
		}
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	pv, note := s.plan(ctx, org.ID)
	d.PlanNote = note
	planned := map[uint64]gongxu.PlannedOrder{}
	if note == "" {
		d.Planned, d.PlanAt = true, pv.At
		for _, o := range pv.Orders {
			planned[o.Order] = o
		}
		now := d.Now
		if now == 0 {
			now = pv.At
		}
		l := s.langs.pick(r)
		d.Gantt = ganttChartZoom(l, pv, now, zoom)
		d.GanttURL = "/factory/gantt.svg?org=" + url.QueryEscape(string(org.ID)) + "&zoom=" + zoom
		d.Zone = zoneLabel(l.in(msTime(now)))
		for _, z := range zooms {
			q := url.Values{"zoom": {z}}
			if r.URL.Query().Get("org") != "" {
				q.Set("org", string(org.ID))
			}
			d.Zooms = append(d.Zooms, zoomLink{Name: zoomNames[z], Href: "/factory?" + q.Encode() + "#gantt", Current: z == zoom})
		}
		d.Purchases, d.Problems, d.Txs, d.LateSupply = pv.Purchases, pv.Problems, pv.Txs, pv.LateSupply
		dates := map[string]gongxu.OrderDate{}
		for _, dt := range pv.Dates {
			dates[dt.Work] = dt
		}
		for _, w := range pv.Work {
			dt := dates[w.ID]
			d.Work = append(d.Work, workRow{PlannedWork: w, Completion: dt.Completion, Late: dt.Late})
		}
	}
	orders, err := s.prod.Orders(ctx, org.ID, listOrders)
	if err != nil {
		return err
	}
	for _, o := range orders {
		d.Orders = append(d.Orders, newOrderRow(o, planned))
	}
	pos, err := s.prod.POs(ctx, org.ID, listPOs)
	if err != nil {
		return err
	}
	for _, po := range pos {
		if po.Factory != org.ID {
			continue
		}
		row := newPORow(po, false, names)
		if po.Status == gongxu.POSent || po.Status == gongxu.POChangesProposed {
			d.Negotiating = append(d.Negotiating, row)
		} else {
			d.OtherPOs = append(d.OtherPOs, row)
		}
	}
	if d.Stock, err = s.prod.Stock(ctx, org.ID); err != nil {
		return err
	}
	if d.Lots, err = s.prod.Lots(ctx, org.ID, listLots); err != nil {
		return err
	}
	if d.DemandCards, err = s.demandCardsOf(r, org.ID); err != nil {
		return err
	}
	return s.render(w, r, "factory", view{Title: "Factory · " + org.Name, Section: "factory", Content: d})
}

// ganttSVG serves the Gantt chart of a factory's plan alone, as an SVG file.
func (s *server) ganttSVG(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	zoom, err := zoomOf(r)
	if err != nil {
		return err
	}
	org, _, _, err := s.consoleOrg(r)
	if err != nil {
		return err
	}
	if org.ID == "" {
		return notFound("No factory to chart: name one with ?org=ID.")
	}
	if s.plans == nil {
		return notFound("This node does not plan, so it has no schedule to chart.")
	}
	pv, err := s.plans.Plan(ctx, org.ID)
	if k, msg := gongxu.ErrorKind(err), publicMessage(err); (k == gongxu.KindNotFound || k == gongxu.KindInvalid) && msg != "" {
		return notFound("The plan of %s could not be made: %s", org.ID, msg)
	} else if err != nil {
		return err
	}
	now, err := s.latestBlock(ctx)
	if err != nil {
		return err
	}
	if now == 0 {
		now = pv.At
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n", ganttChartZoom(s.langs.pick(r), pv, now, zoom))
	}
	return nil
}

type porderData struct {
	O           gongxu.ProductionOrder
	FactoryName string
	Late        bool
	Work        []gongxu.WorkOrder
	Lots        []gongxu.LotQty // made by its completed work orders
	PoolTitle   string
	PoolStatus  gongxu.PoolStatus
	Act         *porderActs // the factory's forms (factory_actions_work.go)
	Stage       *poolStage  // where its pool stands now (nil: no pool)
	Completed   int64       // when it completed (0: not yet)
	// PoolLots are the lots of the order's pool (made by it or filled from
	// stock), as they stand: what is left and still allotted to the pool.
	PoolLots []gongxu.Lot
}

// maxPoolLots bounds the pool lots a production order page reads.
const maxPoolLots = 100

// parseID reads a page's numeric id; what names it in the not-found message.
func parseID(raw, what string) (uint64, error) {
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return 0, notFound("No %s has the number %q.", what, raw)
	}
	return id, nil
}

func (s *server) productionOrder(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	id, err := parseID(raw, "production order")
	if err != nil {
		return err
	}
	o, err := s.prod.Order(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return notFound("No production order has the number %q.", raw)
	} else if err != nil {
		return err
	}
	d := porderData{O: o, Late: orderLate(o)}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d.FactoryName = names[o.Factory]
	if d.Work, err = s.prod.WorkOrders(ctx, id); err != nil {
		return err
	}
	for _, wo := range d.Work {
		d.Lots = append(d.Lots, wo.OutputLots...)
	}
	if o.Pool != 0 && s.pools != nil {
		p, err := s.pools.Pool(ctx, o.Pool)
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return err
		}
		d.PoolTitle, d.PoolStatus = p.Title, p.Status
		if err == nil {
			shares, err := s.pools.HubShares(ctx, p.ID)
			if err != nil {
				return err
			}
			st := stageOf(s.langs.pick(r), p, shares, &o, nil, 0) // a pool with an order is closed
			d.Stage = &st
		}
	}
	d.Completed = orderRow{ProductionOrder: o}.CompletedAt()
	if o.Pool != 0 {
		seen := map[gongxu.LotID]bool{}
		for _, lq := range o.Lots {
			if seen[lq.Lot] || len(d.PoolLots) == maxPoolLots {
				continue
			}
			seen[lq.Lot] = true
			l, err := s.prod.Lot(ctx, lq.Lot)
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				continue // not projected yet
			} else if err != nil {
				return err
			}
			d.PoolLots = append(d.PoolLots, l)
		}
	}
	if d.Act, err = s.porderActions(r, o, d.Work); err != nil {
		return err
	}
	return s.render(w, r, "porder", view{Title: s.langs.pick(r).T("Production order %d", o.ID), Section: "factory", Content: d})
}

// publicMessage is the message of a service error written for people (an
// *gongxu.Error that wraps no other error), or "" for any other error, whose
// details belong in the log.
func publicMessage(err error) string {
	var e *gongxu.Error
	if errors.As(err, &e) && e.Err == nil {
		return e.Msg
	}
	return ""
}

// itemLabel is an item id without its factory's prefix, on that factory's
// own pages: "acme-textiles/linen-shirt" → "linen-shirt".
func itemLabel(item any, factory gongxu.OrgID) string {
	id := fmt.Sprint(item)
	if factory != "" {
		if rest, ok := strings.CutPrefix(id, string(factory)+"/"); ok && rest != "" {
			return rest
		}
	}
	return id
}
