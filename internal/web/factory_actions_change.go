package web

import (
	"net/http"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// A change order pending on a purchase order (production/po_change) shows
// on the purchase order page, and the party that did not propose it
// answers there: POST /purchase-orders/{id}/change (action accept or
// reject, an optional reason) sends gongxu.POChangeAnswerBody for the
// change pending when the page was shown (its number in the form).

// changeWhat finishes "Only X may …".
const changeWhat = "answer this change order"

// changeGuard guards the answer form.
var changeGuard = formGuard{Name: "The change order form", Form: "po-change",
	Again: "Open the purchase order again to answer the change."}

// changeView is a pending change order as the page shows it.
type changeView struct {
	gongxu.POChange
	Lines  []lineForm // the order as it would be, changes marked
	Answer *actOffer  // the other party's answer form
}

// changeOf is the pending change of po for the page; nil when none.
func (s *server) changeOf(r *http.Request, po gongxu.PurchaseOrder) (*changeView, error) {
	ch := po.Change
	if ch == nil {
		return nil, nil
	}
	v := &changeView{POChange: *ch}
	zone := s.langs.pick(r).zone
	for i, l := range ch.Lines {
		lf := lineForm{N: i + 1, POLine: l, Value: lineValue(l.Qty, l.UnitPrice, po.Currency)}
		if i < len(po.Lines) {
			was := po.Lines[i]
			promised := was.Date
			if i < len(po.Promised) {
				promised = po.Promised[i]
			}
			lf.ChangedQty, lf.ChangedDate, lf.ChangedPrice = l.Qty != was.Qty, dayInputIn(l.Date, zone) != dayInputIn(promised, zone), l.UnitPrice != was.UnitPrice
		} else {
			lf.ChangedQty, lf.ChangedDate, lf.ChangedPrice = true, true, true // an added line
		}
		v.Lines = append(v.Lines, lf)
	}
	other := po.Factory
	if ch.By == po.Factory {
		other = po.Supplier
	}
	o, err := s.offerAction(r, makerGate, pageGuard(changeGuard, poPath(po.ID)), other, changeWhat, "to answer the change order")
	if err != nil {
		return nil, err
	}
	v.Answer = &o
	return v, nil
}

func (s *server) poChangeSubmit(w http.ResponseWriter, r *http.Request) error {
	raw := r.PathValue("id")
	id, err := parseID(raw, "purchase order")
	if err != nil {
		return err
	}
	po, err := s.prod.PO(r.Context(), id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return notFound("No purchase order has the number %q.", raw)
	} else if err != nil {
		return err
	}
	g := pageGuard(changeGuard, poPath(id))
	other := po.Factory
	if po.Change != nil && po.Change.By == po.Factory {
		other = po.Supplier
	}
	sess, tok, err := s.admitAction(w, r, makerGate, g, other, changeWhat)
	if sess == nil || err != nil {
		return err
	}
	l := s.langs.pick(r)
	n, perr := parseID(r.PostFormValue("change"), "change")
	if po.Change == nil || perr != nil || uint64(po.Change.ID) != n {
		s.problemLink(w, r, http.StatusConflict, "Nothing to answer",
			l.T("Purchase order %d has no such change pending: it was answered or lapsed. Nothing was sent.", id), g.Path, "Back")
		return nil
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > maxReason {
		s.badInput(w, r, g, "The reason is %d bytes long; the ledger takes at most %d.", len(reason), maxReason)
		return nil
	}
	body := gongxu.POChangeAnswerBody{PO: id, Change: po.Change.ID, Reason: reason}
	done := "You rejected the change to purchase order %d: the order stands as it was."
	switch r.PostFormValue("action") {
	case "accept":
		body.Accept = true
		done = "You accepted the change to purchase order %d: its lines and promised dates are now the changed ones."
	case "reject":
	default:
		s.badInput(w, r, g, "Choose to accept or reject the change.")
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypePOChangeAnswer, body, "Answer the change order", done, id)
}
