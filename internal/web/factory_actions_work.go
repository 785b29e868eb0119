package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The production order page acts for its factory: POST
// /production-orders/{id}/work starts a work order (gongxu.WOStartBody:
// a quantity, and up to maxInputs of the factory's lots to consume), reports
// on a started one (WOReportBody), completes it (WOCompleteBody, with an
// optional output lot code) or cancels it (WOCancelBody, with an optional
// reason: its reserved lots are released); POST /production-orders/{id}/ship ships a hub
// its share of the order's pool (PoolShipBody: the ledger takes the goods
// from the lots the order made, oldest first; the message names no lots).

// porderWhat finishes "Only X may …".
const porderWhat = "record work on this production order or ship its goods"

// lotChoice is a lot the factory may consume in a new work order.
type lotChoice struct {
	ID   gongxu.LotID
	Item gongxu.ItemID
	Free gongxu.Qty // not reserved by started work orders
}

// hubShareRow is a hub's share of the order's pool, as the ship form lists it.
type hubShareRow struct {
	gongxu.HubShare
	Name      string
	Shippable bool
}

// porderActs is what the production order page offers its factory.
type porderActs struct {
	actOffer
	Start    bool // the order takes new work orders
	Lots     []lotChoice
	Inputs   []int              // the input rows, 1-based
	Started  []gongxu.WorkOrder // to report on or complete
	Shares   []hubShareRow      // the pool's hub shares
	PoolShip bool               // the pool's goods may ship (in production or ready)
	Status   gongxu.PoolStatus  // the pool's
}

// listInputLots is how many of its lots the work order form offers.
const listInputLots = 100

// porderActions is what the production order page offers.
func (s *server) porderActions(r *http.Request, o gongxu.ProductionOrder, work []gongxu.WorkOrder) (*porderActs, error) {
	ctx := r.Context()
	offer, err := s.offerAction(r, makerGate, pageGuard(porderGuard, orderPath(o.ID)), o.Factory, porderWhat, "to record work and ship")
	if err != nil {
		return nil, err
	}
	a := &porderActs{actOffer: offer, Start: o.Status != gongxu.OrderCompleted}
	for i := range maxInputs {
		a.Inputs = append(a.Inputs, i+1)
	}
	for _, wo := range work {
		if wo.Status == gongxu.WOStarted {
			a.Started = append(a.Started, wo)
		}
	}
	if o.Pool != 0 && s.pools != nil {
		p, err := s.pools.Pool(ctx, o.Pool)
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return nil, err
		}
		a.Status = p.Status
		a.PoolShip = p.Status == gongxu.PoolInProduction || p.Status == gongxu.PoolReady
		shares, err := s.pools.HubShares(ctx, o.Pool)
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return nil, err
		}
		names, err := s.orgNames(ctx)
		if err != nil {
			return nil, err
		}
		for _, sh := range shares {
			if sh.Qty == 0 {
				continue
			}
			a.Shares = append(a.Shares, hubShareRow{HubShare: sh, Name: names[sh.Hub],
				Shippable: a.PoolShip && len(sh.Shipped) == 0 && !sh.Delivered})
		}
	}
	if !a.Ready() {
		return a, nil
	}
	lots, err := s.prod.Lots(ctx, o.Factory, listInputLots)
	if err != nil {
		return nil, err
	}
	for _, l := range lots {
		if l.Owner == o.Factory && l.Qty > l.Reserved && l.Hold == 0 { // a held (recalled) lot is never consumed
			a.Lots = append(a.Lots, lotChoice{ID: l.ID, Item: l.Item, Free: l.Qty - l.Reserved})
		}
	}
	slices.SortFunc(a.Lots, func(x, y lotChoice) int { return cmp.Compare(x.ID, y.ID) })
	return a, nil
}

// porderFor reads the production order a form names in its path.
func (s *server) porderFor(r *http.Request) (gongxu.ProductionOrder, error) {
	raw := r.PathValue("id")
	id, err := parseID(raw, "production order")
	if err != nil {
		return gongxu.ProductionOrder{}, err
	}
	o, err := s.prod.Order(r.Context(), id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return o, notFound("No production order has the number %q.", raw)
	}
	return o, err
}

func (s *server) workSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.porderFor(r)
	if err != nil {
		return err
	}
	g := pageGuard(porderGuard, orderPath(o.ID))
	sess, tok, err := s.admitAction(w, r, makerGate, g, o.Factory, porderWhat)
	if sess == nil || err != nil {
		return err
	}
	bad := func(format string, args ...any) error {
		s.badInput(w, r, g, format, args...)
		return nil
	}
	action := r.PostFormValue("action")
	if action == "start" {
		if o.Status == gongxu.OrderCompleted {
			return bad("Production order %d is completed: it takes no new work orders.", o.ID)
		}
		raw := r.PostFormValue("qty")
		q, ok := formQty(raw, false)
		if !ok {
			return bad("The quantity to start must be a positive number of units (up to 3 decimals, at most %d), not %q.", maxQtyUnits, raw)
		}
		body := gongxu.WOStartBody{Order: o.ID, Qty: q}
		seen := map[gongxu.LotID]bool{}
		for i := 1; i <= maxInputs; i++ {
			lot := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("lot-%d", i)))
			rawQty := r.PostFormValue(fmt.Sprintf("lot-qty-%d", i))
			if lot == "" {
				if strings.TrimSpace(rawQty) != "" {
					return bad("Input %d: choose the lot its quantity is of.", i)
				}
				continue
			}
			l, err := s.prod.Lot(ctx, gongxu.LotID(lot))
			if gongxu.ErrorKind(err) == gongxu.KindNotFound || gongxu.ErrorKind(err) == gongxu.KindInvalid || err == nil && l.Owner != o.Factory {
				return bad("Input %d: %q is not a lot of this factory.", i, lot)
			} else if err != nil {
				return err
			}
			if seen[l.ID] {
				return bad("Input %d: lot %s is chosen twice.", i, l.ID)
			}
			seen[l.ID] = true
			iq, ok := formQty(rawQty, false)
			if !ok {
				return bad("Input %d: the quantity of lot %s must be a positive number (up to 3 decimals), not %q.", i, l.ID, rawQty)
			}
			if iq > l.Qty-l.Reserved {
				return bad("Input %d: lot %s has %s free; %s asked.", i, l.ID, qtyString(l.Qty-l.Reserved), qtyString(iq))
			}
			body.Inputs = append(body.Inputs, gongxu.LotQty{Lot: l.ID, Qty: iq})
		}
		return s.sendAction(w, r, sess, tok, g, gongxu.TypeWOStart, body, "Start a work order",
			"You started a work order of %s units on production order %d.", qtyString(q), o.ID)
	}
	if action != "report" && action != "complete" && action != "cancel" {
		return bad("Choose to start, report on, complete or cancel a work order.")
	}
	rawWO := r.PostFormValue("wo")
	woID, err := strconv.ParseUint(rawWO, 10, 64)
	if err != nil || woID == 0 {
		return notFound("Production order %d has no work order %q.", o.ID, rawWO)
	}
	work, err := s.prod.WorkOrders(ctx, o.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(work, func(x gongxu.WorkOrder) bool { return x.ID == woID })
	if i < 0 {
		return notFound("Production order %d has no work order %q.", o.ID, rawWO)
	}
	wo := work[i]
	if wo.Status != gongxu.WOStarted {
		l := s.langs.pick(r)
		s.problemLink(w, r, http.StatusConflict, "Nothing to do",
			l.T("Work order %d is %s: only a started work order takes reports. Nothing was sent.", wo.ID, l.label(wo.Status)), g.Path, "Back")
		return nil
	}
	if action == "cancel" {
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		if len(reason) > maxReason {
			return bad("The reason is %d bytes long; the ledger takes at most %d.", len(reason), maxReason)
		}
		return s.sendAction(w, r, sess, tok, g, gongxu.TypeWOCancel, gongxu.WOCancelBody{WO: wo.ID, Reason: reason},
			"Cancel a work order", "You cancelled work order %d: the lots it reserved are released.", wo.ID)
	}
	rawP, rawS := r.PostFormValue("produced"), r.PostFormValue("scrapped")
	produced, ok := formQty(rawP, action == "report")
	if !ok {
		return bad("Produced must be a number of units (up to 3 decimals, at most %d; more than 0 to complete), not %q.", maxQtyUnits, rawP)
	}
	scrapped, ok := formQty(rawS, true)
	if !ok {
		return bad("Scrapped must be a number of units (up to 3 decimals, at most %d), not %q.", maxQtyUnits, rawS)
	}
	if produced < wo.Produced || scrapped < wo.Scrapped {
		return bad("Work order %d already reported %s produced and %s scrapped: the quantities so far never fall.", wo.ID, qtyString(wo.Produced), qtyString(wo.Scrapped))
	}
	if action == "report" {
		return s.sendAction(w, r, sess, tok, g, gongxu.TypeWOReport, gongxu.WOReportBody{WO: wo.ID, Produced: produced, Scrapped: scrapped},
			"Report on a work order", "You reported work order %d: %s produced, %s scrapped so far.", wo.ID, qtyString(produced), qtyString(scrapped))
	}
	body := gongxu.WOCompleteBody{WO: wo.ID, Produced: produced, Scrapped: scrapped}
	if code := strings.TrimSpace(r.PostFormValue("code")); code != "" {
		if gongxu.NewLotID(o.Factory, code).Validate() != nil {
			return bad("The lot code %q is not one: 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/'.", code)
		}
		body.Outputs = []gongxu.OutputLot{{Code: code, Qty: produced}}
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypeWOComplete, body, "Complete a work order",
		"You completed work order %d: %s produced, %s scrapped.", wo.ID, qtyString(produced), qtyString(scrapped))
}

func (s *server) shipSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.porderFor(r)
	if err != nil {
		return err
	}
	g := pageGuard(porderGuard, orderPath(o.ID))
	sess, tok, err := s.admitAction(w, r, makerGate, g, o.Factory, porderWhat)
	if sess == nil || err != nil {
		return err
	}
	l := s.langs.pick(r)
	if o.Pool == 0 || s.pools == nil {
		s.problemLink(w, r, http.StatusConflict, "Nothing to ship",
			l.T("Production order %d is of no pool: there are no hubs to ship to. Nothing was sent.", o.ID), g.Path, "Back")
		return nil
	}
	hub := gongxu.OrgID(strings.TrimSpace(r.PostFormValue("hub")))
	shares, err := s.pools.HubShares(ctx, o.Pool)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(shares, func(sh gongxu.HubShare) bool { return sh.Hub == hub && sh.Qty > 0 })
	if i < 0 {
		return notFound("Hub %q has no share in pool %d.", string(hub), o.Pool)
	}
	sh := shares[i]
	p, err := s.pools.Pool(ctx, o.Pool)
	if err != nil {
		return err
	}
	switch {
	case p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady:
		s.problemLink(w, r, http.StatusConflict, "Nothing to ship",
			l.T("Pool %d is %s: its goods ship once it is in production. Nothing was sent.", p.ID, l.label(p.Status)), g.Path, "Back")
		return nil
	case len(sh.Shipped) > 0 || sh.Delivered:
		s.problemLink(w, r, http.StatusConflict, "Already shipped",
			l.T("The share of %s in pool %d was already shipped. Nothing was sent.", string(hub), p.ID), g.Path, "Back")
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypePoolShip, gongxu.PoolShipBody{Pool: p.ID, Hub: hub}, "Ship a hub's share",
		"You shipped %s units of pool %d to %s.", num(sh.Qty), p.ID, string(hub))
}
