package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The carrier's page (/carrier): the legs this node's org carries, and the
// forms that record a pickup (logistics/pickup) and a proof of delivery
// (logistics/deliver). A guarded form as the hub's (guard.go): signed in,
// from the node's own site and machine, a form token used once; bad input
// is a 400 page and sends nothing; the page shows the committed
// transaction or the network's refusal in words. The proof of delivery is
// evidence: the consignee still confirms what arrived.

var (
	carrierGuard = formGuard{Name: "The carrier form", Form: "carrier", Path: "/carrier",
		Again: "Open the carrier page again to record a pickup or a delivery."}
	carrierGate = gate{Form: "The carrier form", Role: gongxu.RoleLogistics,
		NoKey:      "This node has no operator key to sign with, so it records no pickups or deliveries. A carrier records them on its own node.",
		Unadmitted: "This node's operator key belongs to no member organization yet. Once the network admits the organization with the logistics role, it records its pickups and deliveries here.",
		NoRole:     "%s is not a carrier. Shipments are carried by logistics members; a member vote can add the logistics role."}
)

// listLegs bounds the legs the carrier page reads.
const listLegs = 100

// carrierData is the carrier page.
type carrierData struct {
	Org     gongxu.Org
	Problem string
	SignIn  string
	CSRF    string
	Open    []gongxu.Leg // assigned or picked up, oldest first
	Done    []gongxu.Leg // delivered, newest first
	Error   string       // why the last submission was refused
	Sent    *doneData    // what the last submission recorded
}

// carrierLegs fills d's legs of d.Org.
func (s *server) carrierLegs(r *http.Request, d *carrierData) error {
	ls, err := s.legs.Legs(r.Context(), gongxu.LegFilter{Org: d.Org.ID, Limit: listLegs})
	if err != nil {
		return err
	}
	d.Open, d.Done = nil, nil
	for _, l := range ls {
		switch {
		case l.Carrier != d.Org.ID:
		case l.Status == gongxu.LegDelivered:
			d.Done = append(d.Done, l)
		default:
			d.Open = append([]gongxu.Leg{l}, d.Open...)
		}
	}
	return nil
}

func (s *server) carrierPage(w http.ResponseWriter, r *http.Request) error {
	var d carrierData
	o, p, err := s.operatorOrg(r, carrierGate)
	if err != nil {
		return err
	}
	d.Org, d.Problem = o, p
	if p == "" {
		s.offerForm(r, carrierGuard, &d.CSRF, &d.Problem, &d.SignIn, "to record pickups and deliveries")
	}
	if d.Problem == "" {
		if err := s.carrierLegs(r, &d); err != nil {
			return err
		}
	}
	status := http.StatusOK
	if s.op != nil && !s.fromHere(r) {
		status = http.StatusForbidden
	}
	return s.renderStatus(w, r, status, "carrier", view{Title: "Carrier", Section: "carrier", Content: d})
}

func (s *server) carrierSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok := s.admit(w, r, carrierGuard)
	if sess == nil {
		return nil
	}
	ctx := r.Context()
	l := s.langs.pick(r)
	var d carrierData
	org, problem, err := s.operatorOrg(r, carrierGate)
	if err != nil {
		return err
	}
	d.Org, d.Problem = org, problem
	if d.Problem != "" {
		return s.renderStatus(w, r, http.StatusConflict, "carrier", view{Title: "Carrier", Section: "carrier", Content: d})
	}
	d.CSRF = s.sessions.issue(sess, carrierGuard.Form)
	page := func(status int) error {
		if err := s.carrierLegs(r, &d); err != nil {
			return err
		}
		return s.renderStatus(w, r, status, "carrier", view{Title: "Carrier", Section: "carrier", Content: d})
	}
	again := func(status int, format string, args ...any) error {
		d.Error = l.T(format, args...)
		return page(status)
	}
	fields := map[string]string{}
	for _, f := range []string{"leg", "action", "received_by", "note"} {
		v, one := oneField(r, f)
		if !one {
			return again(http.StatusBadRequest, "The form gives %s more than once. Record one step of one leg at a time.", f)
		}
		fields[f] = strings.TrimSpace(v)
	}
	id, perr := strconv.ParseUint(fields["leg"], 10, 64)
	if perr != nil || id == 0 {
		return again(http.StatusBadRequest, "%q is not a leg number.", cut(fields["leg"], 40))
	}
	action := fields["action"]
	if action != "pickup" && action != "deliver" {
		return again(http.StatusBadRequest, "%q is not a step of a leg: a carrier records its pickup or its delivery.", cut(action, 40))
	}
	if n := len(fields["received_by"]); n > gongxu.LegMaxReceivedBy {
		return again(http.StatusBadRequest, "Who received the goods is %d bytes; at most %d are recorded.", n, gongxu.LegMaxReceivedBy)
	}
	if n := len(fields["note"]); n > gongxu.LegMaxNote {
		return again(http.StatusBadRequest, "The note is %d bytes; at most %d are recorded.", n, gongxu.LegMaxNote)
	}
	leg, err := s.legs.Leg(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return again(http.StatusNotFound, "There is no leg %d.", id)
	} else if err != nil {
		return err
	}
	switch {
	case leg.Carrier != org.ID:
		return again(http.StatusConflict, "Leg %d is carried by %s, not %s.", id, leg.Carrier, org.Name)
	case leg.Status == gongxu.LegDelivered:
		return again(http.StatusConflict, "Leg %d is delivered already.", id)
	case action == "pickup" && leg.Status != gongxu.LegAssigned:
		return again(http.StatusConflict, "Leg %d was picked up already.", id)
	case action == "deliver" && leg.Status != gongxu.LegPickedUp:
		return again(http.StatusConflict, "Leg %d is not picked up yet: record its pickup first.", id)
	}
	typ := gongxu.TypeLogisticsPickup
	var body any = gongxu.LegRefBody{Leg: id}
	if action == "deliver" {
		typ, body = gongxu.TypeLogisticsDeliver, gongxu.LegDeliverBody{Leg: id, ReceivedBy: fields["received_by"], Note: fields["note"]}
	}
	res, err := s.operator(r).Send(ctx, typ, body)
	if err != nil {
		d.Error = l.T(sendError(err))
		if perr := s.carrierLegs(r, &d); perr != nil {
			return perr
		}
		return s.renderStatus(w, r, s.sendFailed(err, typ), "carrier", view{Title: "Carrier", Section: "carrier", Content: d})
	}
	if res.Code != 0 {
		s.sessions.done(sess, tok, l.T("The network refused it: %s.", rejection(res)))
		return again(http.StatusUnprocessableEntity, "The network refused the step of leg %d: %s.", id, rejection(res))
	}
	msg := l.T("%s picked up leg %d at %s.", org.Name, id, leg.Shipper)
	heading := l.T("Pickup recorded")
	if action == "deliver" {
		msg = l.T("%s delivered leg %d to %s. The proof of delivery is on the ledger; %s still confirms what arrived.", org.Name, id, leg.Consignee, leg.Consignee)
		heading = l.T("Delivery recorded")
	}
	s.sessions.done(sess, tok, l.T("It was recorded in transaction %s.", res.Hash))
	s.log.Info("web: carrier step", "leg", id, "action", action, "carrier", org.ID, "tx", res.Hash)
	d.Sent = &doneData{Heading: heading, Message: msg, Tx: res}
	return page(http.StatusOK)
}

// legShipment names a leg's shipment for people: "pool 4 → hilltown-hub",
// "purchase order 12, shipment 1".
func legShipment(l *locale, g gongxu.Leg) string {
	switch {
	case g.PO != 0:
		return l.T("purchase order %d, shipment %d", g.PO, g.Shipment)
	case g.Shipment > 0:
		return l.T("pool %d → %s, shipment %d", g.Pool, g.Hub, g.Shipment)
	}
	return l.T("pool %d → %s", g.Pool, g.Hub)
}

// shareLegs are the legs of hub's share of pool among legs: the whole
// share's, or its shipments' by shipment number.
func shareLegs(legs []gongxu.Leg, pool uint64, hub gongxu.OrgID) []gongxu.Leg {
	var out []gongxu.Leg
	for _, g := range legs {
		if g.Pool == pool && g.Hub == hub {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b gongxu.Leg) int { return cmp.Compare(a.Shipment, b.Shipment) })
	return out
}

// legStatusLabel is a leg's status for people.
func legStatusLabel(l *locale, st gongxu.LegStatus) string {
	switch st {
	case gongxu.LegAssigned:
		return l.T("to pick up")
	case gongxu.LegPickedUp:
		return l.T("in transit")
	case gongxu.LegDelivered:
		return l.T("delivered")
	}
	return string(st)
}
