package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The requester awards its request for quote on the request's page, after
// the reveal deadline: POST /rfqs/{id}/award with a quantity per revealed,
// eligible bid (qty-<bidder>; empty or 0: none) sends gongxu.RFQAwardBody.
// Each awarded line becomes a pool of the bidder's.

// awardWhat finishes "Only X may …".
const awardWhat = "award this request for quote"

// awardForm is the award form of a request's page.
type awardForm struct {
	actOffer
	Wait string       // when the award opens, while bids are still revealed
	Bids []gongxu.Bid // revealed and eligible, cheapest first
}

// awardable lists the bids an award may name.
func awardable(bids []gongxu.Bid) []gongxu.Bid {
	var out []gongxu.Bid
	for _, b := range bids {
		if b.Revealed && b.Eligible && b.Qty > 0 {
			out = append(out, b)
		}
	}
	return out
}

// awardOffer is the award form of q's page; nil when q is not open.
func (s *server) awardOffer(r *http.Request, q gongxu.RFQ, bids []gongxu.Bid, now int64) (*awardForm, error) {
	if q.Status != gongxu.RFQOpen {
		return nil, nil
	}
	o, err := s.offerAction(r, requesterGate, pageGuard(awardGuard, rfqPath(q.ID)), q.Requester, awardWhat, "to award it")
	if err != nil {
		return nil, err
	}
	a := &awardForm{actOffer: o, Bids: awardable(bids)}
	if now < q.RevealDeadline {
		l := s.langs.pick(r)
		a.Wait = l.T("The award opens when the reveals close, at %s.", l.msHuman(q.RevealDeadline))
		a.CSRF = ""
	}
	return a, nil
}

func (s *server) awardSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return notFound("No request for quote has the number %q.", raw)
	}
	q, err := s.rfqs.RFQ(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return notFound("No request for quote has the number %q.", raw)
	} else if err != nil {
		return err
	}
	g := pageGuard(awardGuard, rfqPath(id))
	sess, tok, err := s.admitAction(w, r, requesterGate, g, q.Requester, awardWhat)
	if sess == nil || err != nil {
		return err
	}
	l := s.langs.pick(r)
	now, err := s.latestBlock(ctx)
	if err != nil {
		return err
	}
	switch {
	case q.Status != gongxu.RFQOpen:
		s.problemLink(w, r, http.StatusConflict, "Nothing to award",
			l.T("Request for quote %d is %s: it can no longer be awarded. Nothing was sent.", id, l.label(q.Status)), g.Path, "Back")
		return nil
	case now < q.RevealDeadline:
		s.problemLink(w, r, http.StatusConflict, "Not yet",
			l.T("The award opens when the reveals close, at %s.", l.msHuman(q.RevealDeadline))+" "+l.T("Nothing was sent."), g.Path, "Back")
		return nil
	}
	bids, err := s.rfqs.Bids(ctx, id)
	if err != nil {
		return err
	}
	open := awardable(bids)
	known := map[string]bool{}
	for _, b := range open {
		known["qty-"+string(b.Bidder)] = true
	}
	for k := range r.PostForm {
		if strings.HasPrefix(k, "qty-") && !known[k] {
			return notFound("No revealed, eligible bid of %q is on request for quote %d.", strings.TrimPrefix(k, "qty-"), id)
		}
	}
	var body = gongxu.RFQAwardBody{RFQ: id}
	var total gongxu.Units
	for _, b := range open {
		v := strings.TrimSpace(r.PostFormValue("qty-" + string(b.Bidder)))
		if v == "" {
			continue
		}
		n, ok := parseDecimal(v, 0)
		if !ok || n < 0 {
			s.badInput(w, r, g, "The quantity for %s must be a whole number of %s, not %q.", string(b.Bidder), q.Unit, v)
			return nil
		}
		if n == 0 {
			continue
		}
		if n > int64(b.Qty) {
			s.badInput(w, r, g, "%s bid for %d %s; the award to it cannot be more.", string(b.Bidder), int64(b.Qty), q.Unit)
			return nil
		}
		total += gongxu.Units(n)
		body.Awards = append(body.Awards, gongxu.AwardLine{Bidder: b.Bidder, Qty: gongxu.Units(n)})
	}
	if len(body.Awards) == 0 {
		s.badInput(w, r, g, "Give a quantity to at least one bid.")
		return nil
	}
	if total > q.Qty {
		s.badInput(w, r, g, "The awards total %d %s; the request asks for %d.", int64(total), q.Unit, int64(q.Qty))
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypeRFQAward, body, "Award the request",
		"You awarded request for quote %d: %d %s to %d bidders; each award becomes a pool.", id, int64(total), q.Unit, len(body.Awards))
}
