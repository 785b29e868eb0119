package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Either party of an accepted purchase order proposes a change order on
// its page: POST /purchase-orders/{id}/propose-change with, per line,
// qty-N (0 removes the line), date-N (the new promised date) and price-N,
// and an optional reason; the other party answers it there (change.go's
// form). Up to maxAddLines lines are added on the same form: add-item-K
// (an item the supplier offers the factory in the order's currency),
// add-qty-K, add-date-K and add-price-K (blank: the offer's price for
// the quantity); a row left blank adds nothing. A framework order's
// releases are given with the CLI (gongxu tx production po-change).

// maxAddLines is how many lines one change adds on the page.
const maxAddLines = 3

// maxAddOffers bounds the items the add rows offer (the supplier's offers
// open to the factory, in item order).
const maxAddOffers = 500

// proposeChangeWhat finishes "Only X may …".
const proposeChangeWhat = "propose a change to this order"

// proposeChangeGuard guards the form.
var proposeChangeGuard = formGuard{Name: "The change order form", Form: "po-change-propose",
	Again: "Open the purchase order again to propose a change."}

// changeForm is the form to propose a change: the lines as they stand.
type changeForm struct {
	Lines  []lineForm // Qty, Date (the promised date), Price: the inputs' values
	Add    []int      // the add rows' numbers K, when there is anything to add
	Offers []addOffer // what the add rows may add
	Offer  *actOffer
}

// addOffer is an item a change may add to the order: one of the
// supplier's offers open to the factory, in the order's currency.
type addOffer struct {
	gongxu.SupplyOffer
	Price string // the first tier's unit price for people; "" when sealed
	Min   string // the minimum quantity in units; "" when none
}

// addOffers are the supplier's offers a change to po may add lines of:
// open to the factory, in the order's currency, sealed only when the order
// is (the node seals the change), by item, at most maxAddOffers.
func (s *server) addOffers(r *http.Request, po gongxu.PurchaseOrder) ([]gongxu.SupplyOffer, error) {
	offs, err := s.prod.Offers(r.Context(), po.Supplier)
	if err != nil {
		return nil, err
	}
	var out []gongxu.SupplyOffer
	for _, o := range offs {
		if o.Supplier != po.Supplier || !o.SealedTo(po.Factory) || o.Currency != po.Currency || o.Terms != nil && po.Terms == nil {
			continue
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b gongxu.SupplyOffer) int { return strings.Compare(string(a.Item), string(b.Item)) })
	return out[:min(len(out), maxAddOffers)], nil
}

// changeParty is the party of po the request acts for, the factory when
// it is neither (the form then says who may).
func (s *server) changeParty(r *http.Request, po gongxu.PurchaseOrder) gongxu.OrgID {
	if op := s.operator(r); op != nil {
		if org, err := op.Org(r.Context()); err == nil && org == po.Supplier {
			return po.Supplier
		}
	}
	return po.Factory
}

// proposeChangeOf is the form for po; nil when no change can be proposed
// (not accepted, a change pending, sealed prices this node cannot read).
func (s *server) proposeChangeOf(r *http.Request, po gongxu.PurchaseOrder) (*changeForm, error) {
	if po.Status != gongxu.POAccepted && po.Status != gongxu.POShipped || po.Change != nil {
		return nil, nil
	}
	if po.Terms != nil && (po.Opened == nil || po.Opened.Refused != "") {
		return nil, nil
	}
	zone, scale := s.langs.pick(r).zone, moneyScale(po.Currency)
	f := &changeForm{}
	for i, l := range po.Lines {
		date := l.Date
		if i < len(po.Promised) {
			date = po.Promised[i]
		}
		f.Lines = append(f.Lines, lineForm{N: i + 1, POLine: l, Qty: decimalString(int64(l.Qty), 3), Date: dayInputIn(date, zone),
			Price: decimalString(int64(l.UnitPrice), scale)})
	}
	offs, err := s.addOffers(r, po)
	if err != nil {
		return nil, err
	}
	for _, o := range offs {
		a := addOffer{SupplyOffer: o}
		if o.Terms == nil && len(o.Tiers) > 0 {
			a.Price = money(o.Tiers[0].UnitPrice, o.Currency)
		}
		if o.MinQty > 0 {
			a.Min = qtyString(o.MinQty)
		}
		f.Offers = append(f.Offers, a)
	}
	if len(f.Offers) > 0 {
		for k := 1; k <= maxAddLines; k++ {
			f.Add = append(f.Add, k)
		}
	}
	o, err := s.offerAction(r, makerGate, pageGuard(proposeChangeGuard, poPath(po.ID)), s.changeParty(r, po), proposeChangeWhat, "to propose a change")
	if err != nil {
		return nil, err
	}
	f.Offer = &o
	return f, nil
}

func (s *server) poProposeChangeSubmit(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("id")
	id, err := parseID(raw, "purchase order")
	if err != nil {
		return err
	}
	ctx := r.Context()
	po, err := s.prod.PO(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return notFound("No purchase order has the number %q.", raw)
	} else if err != nil {
		return err
	}
	g := pageGuard(proposeChangeGuard, poPath(id))
	sess, tok, err := s.admitAction(w, r, makerGate, g, s.changeParty(r, po), proposeChangeWhat)
	if sess == nil || err != nil {
		return err
	}
	l := s.langs.pick(r)
	if po.Status != gongxu.POAccepted && po.Status != gongxu.POShipped || po.Change != nil {
		s.problemLink(w, r, http.StatusConflict, "No change now",
			l.T("Purchase order %d is %s or has a change pending: no change can be proposed now. Nothing was sent.", id, l.label(po.Status)), g.Path, "Back")
		return nil
	}
	if po.Terms != nil && (po.Opened == nil || po.Opened.Refused != "") {
		s.problemLink(w, r, http.StatusConflict, "No change now",
			l.T("Purchase order %d's prices are sealed and do not open at this node. Nothing was sent.", id), g.Path, "Back")
		return nil
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > maxReason {
		s.badInput(w, r, g, "The reason is %d bytes long; the ledger takes at most %d.", len(reason), maxReason)
		return nil
	}
	now, err := s.latestBlock(ctx)
	if err != nil {
		return err
	}
	zone, scale := l.zone, moneyScale(po.Currency)
	var lines []gongxu.POLine
	changed := false
	for i, old := range po.Lines {
		n := i + 1
		qs := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("qty-%d", n)))
		ds := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("date-%d", n)))
		ps := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("price-%d", n)))
		promised := old.Date
		if i < len(po.Promised) {
			promised = po.Promised[i]
		}
		qty, ok := parseDecimal(qs, 3)
		if !ok {
			s.badInput(w, r, g, "Line %d: the quantity must be a number (up to 3 decimals; 0 removes the line), not %q.", n, qs)
			return nil
		}
		if i < len(po.Shipped) && gongxu.Qty(qty) < po.Shipped[i] {
			s.badInput(w, r, g, "Line %d: %s has shipped; the change cannot order less.", n, qtyString(po.Shipped[i]))
			return nil
		}
		date, ok := parseDayIn(ds, promised, zone)
		if !ok {
			s.badInput(w, r, g, "Line %d: the date must be a date (YYYY-MM-DD), not %q.", n, ds)
			return nil
		}
		if date != promised && i < len(po.Late) && po.Late[i] != 0 {
			s.badInput(w, r, g, "Line %d was recorded late: its promised date stays (the record is final); change its quantity only.", n)
			return nil
		}
		if date != promised {
			switch p, today := checkDateIn(date, now, zone); p {
			case datePast:
				s.badInput(w, r, g, "Line %d: the date %s is in the past (today is %s).", n, ds, today)
				return nil
			case dateFar:
				s.badInput(w, r, g, "Line %d: the date %s is more than %d years ahead.", n, ds, maxAheadYears)
				return nil
			}
		}
		price, ok := parseDecimal(ps, scale)
		if !ok || price <= 0 {
			s.badInput(w, r, g, "Line %d: the unit price must be a positive amount of %s (up to %d decimals), not %q.", n, po.Currency, scale, ps)
			return nil
		}
		if bound := maxUnitPrice(scale); price > bound {
			s.badInput(w, r, g, "Line %d: the unit price %s is more than %s per unit: check the amount.", n,
				money(gongxu.Amount(price), po.Currency), money(gongxu.Amount(bound), po.Currency))
			return nil
		}
		nl := gongxu.POLine{Item: old.Item, Qty: gongxu.Qty(qty), Date: date, UnitPrice: gongxu.Amount(price), Release: old.Release}
		changed = changed || nl.Qty != old.Qty || nl.Date != promised || nl.UnitPrice != old.UnitPrice
		lines = append(lines, nl)
	}
	added, ok, err := s.addedLines(w, r, g, po, now)
	if !ok || err != nil {
		return err
	}
	lines = append(lines, added...)
	if !changed && len(added) == 0 {
		s.badInput(w, r, g, "The change changes nothing: change a quantity, date or price, or add a line.")
		return nil
	}
	body := gongxu.POChangeBody{PO: id, Lines: lines, Reason: reason}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypePOChange, body, "Propose a change",
		"You proposed a change to purchase order %d (change %d); the other party accepts or rejects it.", id, po.ChangeCount()+1)
}

// addedLines reads the form's add rows into lines added to po; a row left
// blank adds nothing. ok is false when a row was refused (the answer is
// written).
func (s *server) addedLines(w http.ResponseWriter, r *http.Request, g formGuard, po gongxu.PurchaseOrder, now int64) (lines []gongxu.POLine, ok bool, err error) {
	var offs []gongxu.SupplyOffer
	l := s.langs.pick(r)
	zone, scale := l.zone, moneyScale(po.Currency)
	for k := 1; k <= maxAddLines; k++ {
		item := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("add-item-%d", k)))
		qs := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("add-qty-%d", k)))
		ds := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("add-date-%d", k)))
		ps := strings.TrimSpace(r.PostFormValue(fmt.Sprintf("add-price-%d", k)))
		if item == "" && qs == "" && ds == "" && ps == "" {
			continue
		}
		if item == "" {
			s.badInput(w, r, g, "Added line %d: choose the item to add.", k)
			return nil, false, nil
		}
		if offs == nil {
			if offs, err = s.addOffers(r, po); err != nil {
				return nil, false, err
			}
		}
		i := slices.IndexFunc(offs, func(o gongxu.SupplyOffer) bool { return string(o.Item) == item })
		if i < 0 {
			s.badInput(w, r, g, "Added line %d: %s offers no %s to %s in %s.", k, po.Supplier, item, po.Factory, po.Currency)
			return nil, false, nil
		}
		off := offs[i]
		qty, good := parseDecimal(qs, 3)
		if !good || qty <= 0 {
			s.badInput(w, r, g, "Added line %d: the quantity must be a positive number (up to 3 decimals), not %q.", k, qs)
			return nil, false, nil
		}
		if gongxu.Qty(qty) < off.MinQty {
			s.badInput(w, r, g, "Added line %d: %s of %s is under the supplier's minimum order of %s.", k, qtyString(gongxu.Qty(qty)), item, qtyString(off.MinQty))
			return nil, false, nil
		}
		date, good := parseDayIn(ds, now, zone)
		if !good {
			s.badInput(w, r, g, "Added line %d: the date must be a date (YYYY-MM-DD), not %q.", k, ds)
			return nil, false, nil
		}
		switch p, today := checkDateIn(date, now, zone); {
		case p == datePast || date <= now:
			s.badInput(w, r, g, "Added line %d: the date %s is not after today (%s).", k, ds, today)
			return nil, false, nil
		case p == dateFar:
			s.badInput(w, r, g, "Added line %d: the date %s is more than %d years ahead.", k, ds, maxAheadYears)
			return nil, false, nil
		}
		var price int64
		if ps == "" && off.Terms == nil {
			price = int64(off.PriceFor(gongxu.Qty(qty)))
		} else if price, good = parseDecimal(ps, scale); !good || price <= 0 {
			s.badInput(w, r, g, "Added line %d: the unit price must be a positive amount of %s (up to %d decimals), not %q.", k, po.Currency, scale, ps)
			return nil, false, nil
		}
		if bound := maxUnitPrice(scale); price > bound {
			s.badInput(w, r, g, "Added line %d: the unit price %s is more than %s per unit: check the amount.", k,
				money(gongxu.Amount(price), po.Currency), money(gongxu.Amount(bound), po.Currency))
			return nil, false, nil
		}
		lines = append(lines, gongxu.POLine{Item: off.Item, Qty: gongxu.Qty(qty), Date: date, UnitPrice: gongxu.Amount(price)})
	}
	return lines, true, nil
}
