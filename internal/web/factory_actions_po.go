package web

import (
	"net/http"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The ordering factory decides on its supplier's proposal on the purchase
// order page: POST /purchase-orders/{id}/decide (action accept or reject,
// an optional reason) sends gongxu.PODecideBody.

// decideWhat finishes "Only X may …".
const decideWhat = "decide on the supplier's proposal"

// decideOffer is the decision form of the purchase order page; nil when
// the order awaits no decision.
func (s *server) decideOffer(r *http.Request, po gongxu.PurchaseOrder) (*actOffer, error) {
	if po.Status != gongxu.POChangesProposed {
		return nil, nil
	}
	o, err := s.offerAction(r, makerGate, pageGuard(poGuard, poPath(po.ID)), po.Factory, decideWhat, "to decide on the proposal")
	return &o, err
}

func (s *server) poDecideSubmit(w http.ResponseWriter, r *http.Request) error {
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
	g := pageGuard(poGuard, poPath(id))
	sess, tok, err := s.admitAction(w, r, makerGate, g, po.Factory, decideWhat)
	if sess == nil || err != nil {
		return err
	}
	if po.Status != gongxu.POChangesProposed {
		l := s.langs.pick(r)
		s.problemLink(w, r, http.StatusConflict, "Nothing to decide",
			l.T("Purchase order %d is %s: there is no proposal to decide on. Nothing was sent.", id, l.label(po.Status)), g.Path, "Back")
		return nil
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len(reason) > maxReason {
		s.badInput(w, r, g, "The reason is %d bytes long; the ledger takes at most %d.", len(reason), maxReason)
		return nil
	}
	body := gongxu.PODecideBody{PO: id, Reason: reason}
	done := "You rejected the supplier's proposal on purchase order %d: the order stands as sent, and the supplier answers it again."
	switch r.PostFormValue("action") {
	case "accept":
		body.Accept = true
		done = "You accepted the supplier's proposal on purchase order %d: its lines are now the proposed ones."
	case "reject":
	default:
		s.badInput(w, r, g, "Choose to accept or reject the proposal.")
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypePODecide, body, "Decide on the proposal", done, id)
}
