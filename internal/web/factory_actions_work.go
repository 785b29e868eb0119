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
// reason: its reserved lots are released), with a scrap reason and a
// by-product lot; POST /production-orders/{id}/ship ships a hub its share
// of the order's pool, whole or a part of it (PoolShipBody: a quantity,
// optional, and a lot, optional; without one the ledger takes the pool's
// allotted lots, then free stock first to expire, first in).

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
	ShipLots []lotChoice        // lots of the product free for the order's pool
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
				Shippable: a.PoolShip && !sh.ShippedInFull() && !sh.Delivered})
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
		if l.Owner != o.Factory {
			continue
		}
		// a held (recalled) lot is never consumed, an allotted quantity is
		// its pool's
		if free := gongxu.LotFree(l, 0, 0); free > 0 {
			a.Lots = append(a.Lots, lotChoice{ID: l.ID, Item: l.Item, Free: free})
		}
		if free := gongxu.LotFree(l, o.Pool, 0); o.Pool != 0 && l.Item == o.Product && free > 0 {
			a.ShipLots = append(a.ShipLots, lotChoice{ID: l.ID, Item: l.Item, Free: free})
		}
	}
	slices.SortFunc(a.Lots, func(x, y lotChoice) int { return cmp.Compare(x.ID, y.ID) })
	slices.SortFunc(a.ShipLots, func(x, y lotChoice) int { return cmp.Compare(x.ID, y.ID) })
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
	scrapReason := strings.TrimSpace(r.PostFormValue("scrap_reason"))
	if len(scrapReason) > maxReason {
		return bad("The scrap reason is %d bytes long; the ledger takes at most %d.", len(scrapReason), maxReason)
	}
	if scrapReason != "" && scrapped == wo.Scrapped {
		return bad("A scrap reason goes with more scrap: work order %d has %s scrapped already.", wo.ID, qtyString(wo.Scrapped))
	}
	if action == "report" {
		return s.sendAction(w, r, sess, tok, g, gongxu.TypeWOReport, gongxu.WOReportBody{WO: wo.ID, Produced: produced, Scrapped: scrapped, ScrapReason: scrapReason},
			"Report on a work order", "You reported work order %d: %s produced, %s scrapped so far.", wo.ID, qtyString(produced), qtyString(scrapped))
	}
	body := gongxu.WOCompleteBody{WO: wo.ID, Produced: produced, Scrapped: scrapped, ScrapReason: scrapReason}
	if code := strings.TrimSpace(r.PostFormValue("code")); code != "" {
		if gongxu.NewLotID(o.Factory, code).Validate() != nil {
			return bad("The lot code %q is not one: 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/'.", code)
		}
		body.Outputs = []gongxu.OutputLot{{Code: code, Qty: produced}}
	}
	bpItem := strings.TrimSpace(r.PostFormValue("bp_item"))
	bpCode := strings.TrimSpace(r.PostFormValue("bp_code"))
	bpQty := r.PostFormValue("bp_qty")
	if bpItem != "" || bpCode != "" || strings.TrimSpace(bpQty) != "" {
		if gongxu.ItemID(bpItem).Validate() != nil {
			return bad("The by-product %q is not an item id.", bpItem)
		}
		if gongxu.NewLotID(o.Factory, bpCode).Validate() != nil {
			return bad("The by-product lot code %q is not one: 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/'.", bpCode)
		}
		q, ok := formQty(bpQty, false)
		if !ok {
			return bad("The by-product quantity must be a positive number of units (up to 3 decimals, at most %d), not %q.", maxQtyUnits, bpQty)
		}
		body.ByProducts = []gongxu.ByProductLot{{Item: gongxu.ItemID(bpItem), Code: bpCode, Qty: q}}
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
	case sh.ShippedInFull() || sh.Delivered:
		s.problemLink(w, r, http.StatusConflict, "Already shipped",
			l.T("The share of %s in pool %d was already shipped. Nothing was sent.", string(hub), p.ID), g.Path, "Back")
		return nil
	}
	bad := func(format string, args ...any) error {
		s.badInput(w, r, g, format, args...)
		return nil
	}
	full, err := sh.Qty.Milli()
	if err != nil {
		return err
	}
	left := full - sh.ShippedQty
	body := gongxu.PoolShipBody{Pool: p.ID, Hub: hub}
	if raw := r.PostFormValue("qty"); strings.TrimSpace(raw) != "" {
		q, ok := formQty(raw, false)
		if !ok || q > left {
			return bad("The quantity to ship must be a positive number of units up to the %s left of the share, not %q.", qtyString(left), raw)
		}
		body.Qty = q
	}
	if lot := strings.TrimSpace(r.PostFormValue("lot")); lot != "" {
		lt, err := s.prod.Lot(ctx, gongxu.LotID(lot))
		if gongxu.ErrorKind(err) == gongxu.KindNotFound || gongxu.ErrorKind(err) == gongxu.KindInvalid || err == nil && (lt.Owner != o.Factory || lt.Item != o.Product) {
			return bad("%q is not a lot of this factory's %s.", lot, string(o.Product))
		} else if err != nil {
			return err
		}
		q := cmp.Or(body.Qty, left)
		if free := gongxu.LotFree(lt, p.ID, 0); q > free {
			return bad("Lot %s has %s free for this pool; %s asked.", lt.ID, qtyString(free), qtyString(q))
		}
		body.Lots = []gongxu.LotQty{{Lot: lt.ID, Qty: q}}
	}
	q := cmp.Or(body.Qty, left)
	return s.sendAction(w, r, sess, tok, g, gongxu.TypePoolShip, body, "Ship a hub's share",
		"You shipped %s units of pool %d to %s.", qtyString(q), p.ID, string(hub))
}
