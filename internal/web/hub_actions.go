package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// A hub's other actions on its own node, beside the walk-in pledge (hub.go):
// confirming the delivery of its share of a pool (pool/confirm_delivery),
// handing a consumer's goods over on their receipt (pool/pickup), and
// acknowledging a recall that reaches its pools (trace/recall_ack,
// trace_recalls_ack.go). Each is a guarded form (guard.go): signed in, from
// the node's own site and machine, a form token used once; bad input is a
// 400 page and sends nothing; the page shows the committed transaction or
// the network's refusal in words.

// The guards of the hub's action forms.
var (
	deliveryGuard = formGuard{Name: "The delivery form", Form: "delivery", Path: "/hub/deliveries",
		Again: "Open the deliveries page again to confirm a delivery."}
	pickupGuard = formGuard{Name: "The pickup form", Form: "pickup", Path: "/hub/pickup",
		Again: "Open the pickup page again to hand goods over."}
)

// listShares bounds the pools the deliveries page lists, per status.
const listShares = 100

func (s *server) hubRoutes(m *http.ServeMux) {
	m.Handle("GET /hub/deliveries", s.handle(s.deliveriesPage))
	m.Handle("POST /hub/deliveries", s.handle(s.deliverySubmit))
	m.Handle("GET /hub/pickup", s.handle(s.pickupPage))
	m.Handle("POST /hub/pickup", s.handle(s.pickupSubmit))
	m.Handle("GET /pledge", s.handle(s.pledgePage))
	m.Handle("POST /pledge", s.handle(s.pledgeSubmit))
}

// deliveryRow is a share of the hub's that waits for its confirmation.
type deliveryRow struct {
	Pool  gongxu.Pool
	Share gongxu.HubShare
	Legs  []gongxu.Leg // the carriers' legs of the share, by shipment (shareLegs)
}

// deliveriesData is the deliveries page.
type deliveriesData struct {
	Org     gongxu.Org
	Problem string
	SignIn  string
	CSRF    string
	Rows    []deliveryRow
	Error   string // why the last submission was refused
}

// doneData is the page after an action of the hub was committed.
type doneData struct {
	Heading  string // a message, already in the page's language
	Message  string
	Tx       gongxu.TxResult
	Back     string
	BackText string
}

// hubAction starts a hub action page: the operator's org, or why the form
// is not offered (d.Problem, d.SignIn, with the form token in csrf).
func (s *server) hubAction(r *http.Request, g formGuard, what string, org *gongxu.Org, problem, signIn, csrf *string) error {
	o, p, err := s.operatorOrg(r, hubGate)
	if err != nil {
		return err
	}
	*org, *problem = o, p
	if p == "" {
		s.offerForm(r, g, csrf, problem, signIn, what)
	}
	return nil
}

// deliveries lists the shares of org that wait for its confirmation: in
// pools in production or ready, not delivered yet.
func (s *server) deliveries(r *http.Request, org gongxu.OrgID) ([]deliveryRow, error) {
	ctx := r.Context()
	var rows []deliveryRow
	for _, st := range []gongxu.PoolStatus{gongxu.PoolInProduction, gongxu.PoolReady} {
		pools, err := s.pools.Pools(ctx, gongxu.PoolFilter{Status: st, Hub: org, Limit: listShares})
		if err != nil {
			return nil, err
		}
		for _, p := range pools {
			shares, err := s.pools.HubShares(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			for _, sh := range shares {
				if sh.Hub == org && sh.Qty > 0 && !sh.Delivered {
					rows = append(rows, deliveryRow{Pool: p, Share: sh})
				}
			}
		}
	}
	slices.SortFunc(rows, func(a, b deliveryRow) int { return cmp.Compare(a.Pool.ID, b.Pool.ID) })
	if s.legs != nil && len(rows) > 0 {
		legs, err := s.legs.Legs(ctx, gongxu.LegFilter{Org: org, Limit: listLegs})
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i].Legs = shareLegs(legs, rows[i].Pool.ID, org)
		}
	}
	return rows, nil
}

func (s *server) deliveriesPage(w http.ResponseWriter, r *http.Request) error {
	var d deliveriesData
	if err := s.hubAction(r, deliveryGuard, "to confirm deliveries", &d.Org, &d.Problem, &d.SignIn, &d.CSRF); err != nil {
		return err
	}
	if d.Problem == "" {
		rows, err := s.deliveries(r, d.Org.ID)
		if err != nil {
			return err
		}
		d.Rows = rows
	}
	status := http.StatusOK
	if s.op != nil && !s.fromHere(r) {
		status = http.StatusForbidden
	}
	return s.renderStatus(w, r, status, "hub_deliveries", view{Title: "Confirm deliveries", Section: "hub", Content: d})
}

// oneField returns the only value of a form field; ok is false when the
// field is given more than once (a form that means two things).
func oneField(r *http.Request, name string) (string, bool) {
	v := r.PostForm[name]
	if len(v) > 1 {
		return "", false
	}
	if len(v) == 0 {
		return "", true
	}
	return v[0], true
}

func (s *server) deliverySubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok := s.admit(w, r, deliveryGuard)
	if sess == nil {
		return nil
	}
	ctx := r.Context()
	l := s.langs.pick(r)
	var d deliveriesData
	org, problem, err := s.operatorOrg(r, hubGate)
	if err != nil {
		return err
	}
	d.Org, d.Problem = org, problem
	if d.Problem != "" {
		return s.renderStatus(w, r, http.StatusConflict, "hub_deliveries", view{Title: "Confirm deliveries", Section: "hub", Content: d})
	}
	d.CSRF = s.sessions.issue(sess, deliveryGuard.Form)
	again := func(status int, format string, args ...any) error {
		d.Error = l.T(format, args...)
		rows, err := s.deliveries(r, org.ID)
		if err != nil {
			return err
		}
		d.Rows = rows
		return s.renderStatus(w, r, status, "hub_deliveries", view{Title: "Confirm deliveries", Section: "hub", Content: d})
	}
	raw, one := oneField(r, "pool")
	id, perr := strconv.ParseUint(strings.TrimSpace(raw), 10, 64)
	switch {
	case !one:
		return again(http.StatusBadRequest, "The form names more than one pool. Confirm one delivery at a time.")
	case perr != nil || id == 0:
		return again(http.StatusBadRequest, "%q is not a pool number.", cut(raw, 40))
	}
	p, err := s.pools.Pool(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return again(http.StatusNotFound, "There is no pool %d.", id)
	} else if err != nil {
		return err
	}
	shares, err := s.pools.HubShares(ctx, p.ID)
	if err != nil {
		return err
	}
	var share *gongxu.HubShare
	for i := range shares {
		if shares[i].Hub == org.ID && shares[i].Qty > 0 {
			share = &shares[i]
		}
	}
	switch {
	case share == nil:
		return again(http.StatusConflict, "%s has no share in pool %d: there is no delivery to confirm.", org.Name, p.ID)
	case share.Delivered:
		return again(http.StatusConflict, "%s already confirmed its delivery of pool %d.", org.Name, p.ID)
	case p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady:
		return again(http.StatusConflict, "Pool %d is not in production: deliveries are confirmed once it is.", p.ID)
	case len(share.Shipped) > 0 && !share.ShippedInFull():
		return again(http.StatusConflict, "%s of your %s units of pool %d are shipped so far: confirm once the share is shipped in full, or open a dispute.", qtyString(share.ShippedQty), num(share.Qty), p.ID)
	}
	res, err := s.operator(r).Send(ctx, gongxu.FlowHubDelivery, struct {
		Pool uint64 `json:"pool"`
	}{p.ID})
	if err != nil {
		d.Error = l.T(sendError(err))
		rows, rerr := s.deliveries(r, org.ID)
		if rerr != nil {
			return rerr
		}
		d.Rows = rows
		return s.renderStatus(w, r, s.sendFailed(err, gongxu.FlowHubDelivery), "hub_deliveries", view{Title: "Confirm deliveries", Section: "hub", Content: d})
	}
	if res.Code != 0 {
		s.sessions.done(sess, tok, s.langs.pick(r).T("The network refused it: %s.", rejection(res)))
		return again(http.StatusUnprocessableEntity, "The network refused the confirmation of pool %d: %s.", p.ID, rejection(res))
	}
	s.sessions.done(sess, tok, s.langs.pick(r).T("The delivery was confirmed in transaction %s.", res.Hash))
	s.log.Info("web: delivery confirmed", "pool", p.ID, "hub", org.ID, "tx", res.Hash)
	return s.render(w, r, "hub_done", view{Title: "Delivery confirmed", Section: "hub", Content: doneData{
		Heading:  l.T("Delivery confirmed"),
		Message:  l.T("%s confirmed it received its %s units of pool %d (#%d %s). The captured money for them goes to the factory.", org.Name, num(share.Qty), p.ID, p.ID, p.Title),
		Tx:       res,
		Back:     deliveryGuard.Path,
		BackText: l.T("Confirm another delivery"),
	}})
}

// cut shortens what someone typed to n bytes for a message.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// pickupData is the pickup page.
type pickupData struct {
	Org     gongxu.Org
	Problem string
	SignIn  string
	CSRF    string
	Error   string // why the last submission was refused
	Receipt string // what was entered, to show again
}

func (s *server) pickupPage(w http.ResponseWriter, r *http.Request) error {
	var d pickupData
	if err := s.hubAction(r, pickupGuard, "to hand goods over", &d.Org, &d.Problem, &d.SignIn, &d.CSRF); err != nil {
		return err
	}
	if d.Problem == "" && s.receipts == nil {
		d.Problem, d.CSRF = s.langs.pick(r).T("This node reads no receipts, so it hands no goods over here."), ""
	}
	status := http.StatusOK
	if s.op != nil && !s.fromHere(r) {
		status = http.StatusForbidden
	}
	return s.renderStatus(w, r, status, "hub_pickup", view{Title: "Hand goods over", Section: "hub", Content: d})
}

func (s *server) pickupSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok := s.admit(w, r, pickupGuard)
	if sess == nil {
		return nil
	}
	ctx := r.Context()
	l := s.langs.pick(r)
	var d pickupData
	org, problem, err := s.operatorOrg(r, hubGate)
	if err != nil {
		return err
	}
	d.Org, d.Problem = org, problem
	if d.Problem == "" && s.receipts == nil {
		d.Problem = l.T("This node reads no receipts, so it hands no goods over here.")
	}
	if d.Problem != "" {
		return s.renderStatus(w, r, http.StatusConflict, "hub_pickup", view{Title: "Hand goods over", Section: "hub", Content: d})
	}
	d.CSRF = s.sessions.issue(sess, pickupGuard.Form)
	again := func(status int, format string, args ...any) error {
		d.Error = l.T(format, args...)
		return s.renderStatus(w, r, status, "hub_pickup", view{Title: "Hand goods over", Section: "hub", Content: d})
	}
	raw, one := oneField(r, "receipt")
	if !one {
		return again(http.StatusBadRequest, "The form holds more than one receipt. Hand over one pledge at a time.")
	}
	if len(raw) <= 200 {
		d.Receipt = raw // a code, shown again; never a whole file
	}
	k, err := readReceipt([]byte(raw))
	if err != nil {
		return again(http.StatusBadRequest, err.Error())
	}
	rc, err := s.receipts.Receipt(ctx, k.Tx, k.Index)
	switch gongxu.ErrorKind(err) {
	case gongxu.KindOK:
	case gongxu.KindNotFound, gongxu.KindInvalid:
		return again(http.StatusNotFound, "No hub batch on the ledger has this receipt's pledge. Check the code, or ask the consumer for their receipt.")
	default:
		return err
	}
	if rc.Hub != org.ID {
		return again(http.StatusForbidden, "This pledge was gathered by %s: only that hub hands its goods over.", s.orgName(rc.Hub))
	}
	if c, err := gongxu.PickupCommit(k.Secret); err != nil || c != rc.Leaf.Commit {
		return again(http.StatusBadRequest, "The receipt's pickup secret does not open this pledge: it is not the consumer's copy. Nothing was sent.")
	}
	pledge := gongxu.PledgeURN(rc.Tx, rc.Index)
	if s.pickupOf != nil {
		pk, err := s.pickupOf(ctx, rc.Pool, pledge)
		switch gongxu.ErrorKind(err) {
		case gongxu.KindOK:
			return again(http.StatusConflict, "This pledge was already picked up, in transaction %s.", pk.Tx)
		case gongxu.KindNotFound:
		default:
			return err
		}
	}
	rc.Secret = k.Secret
	res, err := s.operator(r).Send(ctx, gongxu.FlowPickup, struct {
		Pool    uint64          `json:"pool"`
		Receipt *gongxu.Receipt `json:"receipt"`
	}{rc.Pool, &rc})
	if err != nil {
		d.Error = l.T(sendError(err))
		return s.renderStatus(w, r, s.sendFailed(err, gongxu.FlowPickup), "hub_pickup", view{Title: "Hand goods over", Section: "hub", Content: d})
	}
	if res.Code != 0 {
		s.sessions.done(sess, tok, s.langs.pick(r).T("The network refused it: %s.", rejection(res)))
		return again(http.StatusUnprocessableEntity, "The network refused the pickup: %s. Do not hand the goods over.", rejection(res))
	}
	d.Receipt = ""
	s.sessions.done(sess, tok, s.langs.pick(r).T("The pickup was recorded in transaction %s.", res.Hash))
	s.log.Info("web: pickup recorded", "pool", rc.Pool, "hub", org.ID, "tx", res.Hash)
	return s.render(w, r, "hub_done", view{Title: "Goods handed over", Section: "hub", Content: doneData{
		Heading:  l.T("Hand the goods over"),
		Message:  l.T("The pledge of %s units of pool %d is recorded as picked up at %s. Hand the consumer their goods.", num(rc.Leaf.Qty), rc.Pool, org.Name),
		Tx:       res,
		Back:     pickupGuard.Path,
		BackText: l.T("Scan the next receipt"),
	}})
}
