package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// The supplier inbox answers a purchase order with gongxu.POAcceptBody,
// PORejectBody or POProposeBody: the root's definitions of module
// production's messages (web imports no module).

// maxReason is the longest reason the ledger takes, in bytes.
const maxReason = 200

// Bounds of what a supplier may propose: a unit price of at most
// 100,000,000 in the currency's major unit (¥100,000,000.00), and dates
// from today (the day of the latest block in the node's time zone: pages
// keep no clock of their own) to maxAheadYears ahead. Dates the order already has are taken as
// they are.
const (
	maxUnitPriceMajor = 100_000_000
	maxAheadYears     = 10
)

// maxUnitPrice is the bound on a unit price in minor units of a currency
// with scale decimals.
func maxUnitPrice(scale int) int64 {
	n := int64(maxUnitPriceMajor)
	for range scale {
		n *= 10
	}
	return n
}

// Why a date people chose is not one an order can have (checkDate).
const (
	dateOK = iota
	datePast
	dateFar
)

// checkDate says whether a date people chose (unix ms) is one an order can
// have at block time now (unix ms; 0: unknown, nothing is checked): dateOK,
// datePast (before today, in UTC) or dateFar (more than maxAheadYears
// ahead); and today, as a date input writes it. The forms check the days of
// the node's time zone (checkDateIn).
func checkDate(date, now int64) (problem int, today string) {
	return checkDateIn(date, now, time.UTC)
}

// The supplier's answers, as the form names them.
const (
	actAccept  = "accept"
	actReject  = "reject"
	actPropose = "propose"
)

// lineForm is one line of a purchase order in the answer forms, with what
// the inputs hold: the order's values, or what was entered before a refusal.
type lineForm struct {
	N int // 1-based
	gongxu.POLine
	Value    string // the line's value, for people
	Promised string // date input of the acceptance
	Qty      string // inputs of the proposal
	Date     string
	Price    string

	// On the purchase order page, what a proposal changes of the line.
	ChangedQty, ChangedDate, ChangedPrice bool
}

// poCard is a purchase order awaiting this supplier's answer.
type poCard struct {
	poRow
	Lines         []lineForm
	Reason        string // the rejection's reason input
	ProposeReason string // the proposal's reason input
	Open          string // the action whose form stays open after a refusal
	Error         string // why the last answer to it was refused
}

func newPOCard(po gongxu.PurchaseOrder, names map[gongxu.OrgID]string, zone *time.Location) poCard {
	c := poCard{poRow: newPORow(po, true, names)}
	scale := moneyScale(po.Currency)
	for i, l := range po.Lines {
		c.Lines = append(c.Lines, lineForm{N: i + 1, POLine: l, Value: lineValue(l.Qty, l.UnitPrice, po.Currency),
			Promised: dayInputIn(l.Date, zone), Qty: decimalString(int64(l.Qty), 3), Date: dayInputIn(l.Date, zone),
			Price: decimalString(int64(l.UnitPrice), scale)})
	}
	return c
}

// pocardView is what the pocard template renders: a card and the form token.
type pocardView struct {
	Card poCard
	CSRF string
}

// supplierDone is the answer just sent.
type supplierDone struct {
	PO   uint64
	Text string // "You accepted purchase order 12 from Acme Textiles."
	Tx   gongxu.TxResult
}

type supplierData struct {
	Org     gongxu.Org // the operator's org (zero when there is none)
	Problem string     // why this node answers no purchase orders; no forms
	SignIn  string     // the sign-in page, when signing in would open the inbox
	CSRF    string
	Inbox   []poCard // sent to this supplier: awaiting its answer, oldest first
	Waiting []poRow  // its proposals, awaiting the factory's decision
	Recent  []poRow  // the other orders addressed to it, newest first
	Error   string   // why the last submission was refused (not about one order)
	Done    *supplierDone
}

// supplierState reads the operator's org and its purchase orders; d.Problem
// says why there is no inbox.
func (s *server) supplierState(r *http.Request) (supplierData, error) {
	ctx := r.Context()
	var d supplierData
	org, problem, err := s.operatorOrg(r, supplierGate)
	if err != nil || problem != "" {
		d.Org, d.Problem = org, problem
		return d, err
	}
	d.Org = org
	names, err := s.orgNames(ctx)
	if err != nil {
		return d, err
	}
	pos, err := s.prod.POs(ctx, org.ID, listPOs)
	if err != nil {
		return d, err
	}
	for _, po := range pos {
		if po.Supplier != org.ID {
			continue
		}
		switch po.Status {
		case gongxu.POSent:
			d.Inbox = append(d.Inbox, newPOCard(po, names, s.langs.pick(r).zone))
		case gongxu.POChangesProposed:
			d.Waiting = append(d.Waiting, newPORow(po, true, names))
		default:
			if len(d.Recent) < listRecentPOs {
				d.Recent = append(d.Recent, newPORow(po, true, names))
			}
		}
	}
	slices.SortStableFunc(d.Inbox, func(a, b poCard) int { return cmp.Compare(a.ID, b.ID) })
	return d, nil
}

func (s *server) supplierInbox(w http.ResponseWriter, r *http.Request) error {
	d, err := s.supplierState(r)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if s.op != nil && !s.fromHere(r) {
		status = http.StatusForbidden
	}
	if d.Problem == "" {
		s.offerForm(r, supplierGuard, &d.CSRF, &d.Problem, &d.SignIn, "to answer purchase orders")
		if d.Problem != "" {
			d.Inbox, d.Waiting, d.Recent = nil, nil, nil
		}
	}
	return s.renderStatus(w, r, status, "supplier", view{Title: "Supplier inbox", Section: "supplier", Content: d})
}

func (s *server) supplierSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, tok := s.admit(w, r, supplierGuard)
	if sess == nil {
		return nil
	}
	d, err := s.supplierState(r)
	if err != nil {
		return err
	}
	page := func(status int) error {
		return s.renderStatus(w, r, status, "supplier", view{Title: "Supplier inbox", Section: "supplier", Content: d})
	}
	if d.Problem != "" {
		return page(http.StatusConflict)
	}
	// The token is spent (admit): the page comes back with a new one.
	d.CSRF = s.sessions.issue(sess, supplierGuard.Form)

	raw, action := r.PostFormValue("po"), r.PostFormValue("action")
	i := slices.IndexFunc(d.Inbox, func(c poCard) bool { return strconv.FormatUint(c.ID, 10) == raw })
	if i < 0 {
		d.Error, err = s.notAwaiting(r, d.Org, raw)
		if err != nil {
			return err
		}
		return page(http.StatusConflict)
	}
	c := &d.Inbox[i]
	c.Open = action
	now, err := s.latestBlock(r.Context())
	if err != nil {
		return err
	}
	l := s.langs.pick(r)
	zone := l.zone // dates are days of the node's time zone
	refuse := func(format string, args ...any) error {
		c.Error = l.T(format, args...) // a message (messages_zh.go)
		return page(http.StatusUnprocessableEntity)
	}

	var typ, text string
	var body any
	switch action {
	case actAccept:
		for j := range c.Lines {
			l := &c.Lines[j]
			l.Promised = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("promised-%d", l.N)))
		}
		var promised []int64
		changed := false
		for j := range c.Lines {
			l := &c.Lines[j]
			date := l.POLine.Date
			if l.Promised != "" {
				var ok bool
				if date, ok = parseDayIn(l.Promised, l.POLine.Date, zone); !ok {
					return refuse("Line %d: the promised date must be a date (YYYY-MM-DD), not %q.", l.N, l.Promised)
				}
				if date != l.POLine.Date {
					switch p, today := checkDateIn(date, now, zone); p {
					case datePast:
						return refuse("Line %d: the promised date %s is in the past (today is %s).", l.N, l.Promised, today)
					case dateFar:
						return refuse("Line %d: the promised date %s is more than %d years ahead.", l.N, l.Promised, maxAheadYears)
					}
				}
			}
			changed = changed || date != l.POLine.Date
			promised = append(promised, date)
		}
		if !changed {
			promised = nil // the requested dates
		}
		typ, text, body = gongxu.TypePOAccept, "You accepted purchase order %d from %s.", gongxu.POAcceptBody{PO: c.ID, Promised: promised}
	case actReject:
		c.Reason = strings.TrimSpace(r.PostFormValue("reason"))
		if c.Reason == "" {
			return refuse("A rejection needs a reason: the factory reads it.")
		}
		if len(c.Reason) > maxReason {
			return refuse("The reason is %d bytes long; the ledger takes at most %d.", len(c.Reason), maxReason)
		}
		typ, text, body = gongxu.TypePOReject, "You rejected purchase order %d from %s; the factory sees your reason.", gongxu.PORejectBody{PO: c.ID, Reason: c.Reason}
	case actPropose:
		c.ProposeReason = strings.TrimSpace(r.PostFormValue("reason"))
		if len(c.ProposeReason) > maxReason {
			return refuse("The reason is %d bytes long; the ledger takes at most %d.", len(c.ProposeReason), maxReason)
		}
		for j := range c.Lines {
			l := &c.Lines[j]
			l.Qty = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("qty-%d", l.N)))
			l.Date = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("date-%d", l.N)))
			l.Price = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("price-%d", l.N)))
		}
		scale := moneyScale(c.Currency)
		var lines []gongxu.POLine
		changed := false
		for j := range c.Lines {
			l := &c.Lines[j]
			qty, ok := parseDecimal(l.Qty, 3)
			if !ok || qty <= 0 {
				return refuse("Line %d: the quantity must be a positive number (up to 3 decimals), not %q.", l.N, l.Qty)
			}
			date, ok := parseDayIn(l.Date, l.POLine.Date, zone)
			if !ok {
				return refuse("Line %d: the date must be a date (YYYY-MM-DD), not %q.", l.N, l.Date)
			}
			if date != l.POLine.Date {
				switch p, today := checkDateIn(date, now, zone); p {
				case datePast:
					return refuse("Line %d: the date %s is in the past (today is %s).", l.N, l.Date, today)
				case dateFar:
					return refuse("Line %d: the date %s is more than %d years ahead.", l.N, l.Date, maxAheadYears)
				}
			}
			price, ok := parseDecimal(l.Price, scale)
			if !ok || price <= 0 {
				return refuse("Line %d: the unit price must be a positive amount of %s (up to %d decimals), not %q.", l.N, c.Currency, scale, l.Price)
			}
			if bound := maxUnitPrice(scale); price > bound {
				return refuse("Line %d: the unit price %s is more than %s per unit: check the amount.", l.N,
					money(gongxu.Amount(price), c.Currency), money(gongxu.Amount(bound), c.Currency))
			}
			nl := gongxu.POLine{Item: l.Item, Qty: gongxu.Qty(qty), Date: date, UnitPrice: gongxu.Amount(price)}
			changed = changed || nl != l.POLine
			lines = append(lines, nl)
		}
		if !changed {
			return refuse("The proposal changes nothing: accept the order instead, or change a quantity, date or price.")
		}
		typ, text, body = gongxu.TypePOPropose, "You proposed changes to purchase order %d from %s; the factory decides on them.", gongxu.POProposeBody{PO: c.ID, Lines: lines, Reason: c.ProposeReason}
	default:
		return refuse("Choose to accept, reject or propose changes.")
	}

	res, err := s.operator(r).Send(r.Context(), typ, body)
	if err != nil {
		c.Error = sendError(err)
		if gongxu.ErrorKind(err) == gongxu.KindTimeout {
			c.Error = l.T("The node did not see your answer committed in time; it may still be. Look at purchase order %d before answering again.", c.ID)
		}
		return page(s.sendFailed(err, typ))
	}
	if res.Code != 0 {
		c.Error = l.T("The network refused your answer to purchase order %d: %s.", c.ID, rejection(res))
		return page(http.StatusUnprocessableEntity)
	}
	s.log.Info("web: purchase order answered", "po", c.ID, "answer", action, "tx", res.Hash)
	s.sessions.done(sess, tok, s.langs.pick(r).T("It was recorded: the answer to purchase order %d is transaction %s.", c.ID, res.Hash))
	done := &supplierDone{PO: c.ID, Text: l.T(text, c.ID, cmp.Or(c.Name, string(c.Factory))), Tx: res}
	// The inbox as the ledger has it now, with the answer's result on top.
	next := d.CSRF
	if d, err = s.supplierState(r); err != nil {
		return err
	}
	d.CSRF, d.Done = next, done
	// An answered order the read model still shows as sent is not offered again.
	d.Inbox = slices.DeleteFunc(d.Inbox, func(c poCard) bool { return c.ID == done.PO })
	return page(http.StatusOK)
}

// notAwaiting says why the order raw names cannot be answered by org.
func (s *server) notAwaiting(r *http.Request, org gongxu.Org, raw string) (string, error) {
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return s.langs.pick(r).T("No purchase order has the number %q.", raw), nil
	}
	po, err := s.prod.PO(r.Context(), id)
	switch {
	case gongxu.ErrorKind(err) == gongxu.KindNotFound:
		return s.langs.pick(r).T("No purchase order has the number %d.", id), nil
	case err != nil:
		return "", err
	case po.Supplier != org.ID:
		return s.langs.pick(r).T("Purchase order %d is addressed to %s, not to %s.", id, po.Supplier, org.Name), nil
	default:
		return s.langs.pick(r).T("Purchase order %d is %s: only a sent order awaits your answer.", id, s.langs.pick(r).label(po.Status)), nil
	}
}

type poData struct {
	PO          gongxu.PurchaseOrder
	FactoryName string
	SupplierNm  string
	Total       string
	Lines       []poLineRow
	Late        int // lines the ledger recorded late
	Proposal    []lineForm
	Answer      bool                // this node's operator is the supplier and may answer it in the inbox
	Decide      *actOffer           // the factory's decision on a proposal (factory_actions_po.go)
	Change      *changeView         // a change order pending (factory_actions_change.go)
	ChangeForm  *changeForm         // proposing one (factory_actions_change_propose.go)
	Legs        map[int]*gongxu.Leg // the carriers' legs, by shipment number
}

// poLineRow is one line with what was promised, shipped and received of it.
type poLineRow struct {
	N int
	gongxu.POLine
	Value    string
	Promised int64
	Shipped  gongxu.Qty
	Received gongxu.Qty
	LateAt   string // when the ledger recorded the line late, for people; "" when not late
	LateBy   string // how long after the promised date a late line was shipped in full
	// ReleasedAt is when the ledger released a framework order's line (0:
	// not yet, or no release date: POLine.Release).
	ReleasedAt int64
}

// lateBy says how long after a promised date something came: hours under a
// day, whole days from one.
func lateBy(l *locale, ms int64) string {
	const hour, day = 3600 * 1000, 24 * 3600 * 1000
	if ms >= day {
		return l.count(ms/day, "day")
	}
	return l.count(max(1, (ms+hour-1)/hour), "hour")
}

// lastShipment is the time of the last shipment carrying line n (1-based).
func lastShipment(po gongxu.PurchaseOrder, n int) int64 {
	var t int64
	for _, sh := range po.Shipments {
		for _, sl := range sh.Lines {
			if sl.Line == n {
				t = max(t, sh.Time)
			}
		}
	}
	return t
}

func (s *server) purchaseOrder(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	id, err := parseID(raw, "purchase order")
	if err != nil {
		return err
	}
	po, err := s.prod.PO(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return notFound("No purchase order has the number %q.", raw)
	} else if err != nil {
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d := poData{PO: po, FactoryName: names[po.Factory], SupplierNm: names[po.Supplier], Total: linesTotal(po.Lines, po.Currency)}
	for i, l := range po.Lines {
		row := poLineRow{N: i + 1, POLine: l, Value: lineValue(l.Qty, l.UnitPrice, po.Currency)}
		if i < len(po.Promised) {
			row.Promised = po.Promised[i]
		}
		if i < len(po.Shipped) {
			row.Shipped = po.Shipped[i]
		}
		if i < len(po.Received) {
			row.Received = po.Received[i]
		}
		if i < len(po.Released) {
			row.ReleasedAt = po.Released[i]
		}
		if i < len(po.Late) && po.Late[i] > 0 {
			l := s.langs.pick(r)
			row.LateAt = l.msHuman(po.Late[i])
			if row.Shipped >= row.Qty {
				row.LateBy = l.T("shipped in full %s after the promised date", lateBy(l, lastShipment(po, i+1)-row.Promised))
			}
			d.Late++
		}
		d.Lines = append(d.Lines, row)
	}
	for i, l := range po.Proposal {
		lf := lineForm{N: i + 1, POLine: l, Value: lineValue(l.Qty, l.UnitPrice, po.Currency)}
		if i < len(po.Lines) {
			was := po.Lines[i]
			lf.ChangedQty, lf.ChangedDate, lf.ChangedPrice = l.Qty != was.Qty, dayInputIn(l.Date, s.langs.pick(r).zone) != dayInputIn(was.Date, s.langs.pick(r).zone), l.UnitPrice != was.UnitPrice
		}
		d.Proposal = append(d.Proposal, lf)
	}
	if s.op != nil && po.Status == gongxu.POSent && s.fromHere(r) {
		if org, err := s.operator(r).Org(ctx); err == nil && org == po.Supplier {
			d.Answer = true
		}
	}
	if d.Decide, err = s.decideOffer(r, po); err != nil {
		return err
	}
	if d.Change, err = s.changeOf(r, po); err != nil {
		return err
	}
	if d.ChangeForm, err = s.proposeChangeOf(r, po); err != nil {
		return err
	}
	if s.legs != nil {
		legs, err := s.legs.Legs(ctx, gongxu.LegFilter{PO: po.ID, Limit: 1000})
		if err != nil {
			return err
		}
		for i := range legs {
			if d.Legs == nil {
				d.Legs = map[int]*gongxu.Leg{}
			}
			d.Legs[legs[i].Shipment] = &legs[i]
		}
	}
	return s.render(w, r, "po", view{Title: s.langs.pick(r).T("Purchase order %d", po.ID), Section: "factory", Content: d})
}
