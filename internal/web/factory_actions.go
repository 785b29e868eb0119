package web

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// A factory's forms (factory_actions*.go, pools_new.go) act for the org the
// request acts as (s.operator: a signed-in person on a node holding several
// orgs' keys chooses it), like the supplier inbox: signed in, from the
// node's own site and machine, with a form token used once (guard.go). Each
// is offered only to the org that may send its message (the factory that
// owns the order, the purchase order or the pool; the requester of a request
// for quote), and says why not to anyone else. A submission is checked
// before anything is sent (a 400 page says what is wrong), then sent, and
// the page that answers shows the committed transaction and its result, or
// the network's refusal in words. The bodies are the root's
// (msg_factory.go): web imports no module.

// The gates of the factory's forms (operator.go).
var (
	factoryGate = gate{Form: "The factory form", Role: gongxu.RoleFactory,
		NoKey:      "This node has no operator key to sign with, so it acts for no factory. A factory acts on its own node.",
		Unadmitted: "This node's operator key belongs to no member organization yet. Once the network admits the organization with the factory role, it acts here.",
		NoRole:     "%s is not a factory. Only factories run production and open pools; a member vote can add the factory role."}
	// makerGate: production orders' work and purchase orders' decisions
	// belong to any org that makes what it sells, a supplier too.
	makerGate = gate{Form: "The factory form", Role: gongxu.RoleFactory, OrRole: gongxu.RoleSupplier,
		NoKey:      factoryGate.NoKey,
		Unadmitted: "This node's operator key belongs to no member organization yet. Once the network admits the organization with the factory or the supplier role, it acts here.",
		NoRole:     "%s is neither a factory nor a supplier. Only they run production and send purchase orders; a member vote can add the role."}
	requesterGate = gate{Form: "The award form", Role: gongxu.RoleHub,
		NoKey:      "This node has no operator key to sign with, so it awards no requests for quote. The requester awards on its own node.",
		Unadmitted: "This node's operator key belongs to no member organization yet. Once the network admits it as a hub, it awards its requests here.",
		NoRole:     "%s is not a hub. Requests for quote are posted and awarded by hubs."}
)

// The guards of the factory's forms; Path is set per page (pageGuard).
var (
	poGuard = formGuard{Name: "The purchase order form", Form: "po-decide",
		Again: "Open the purchase order again to decide."}
	porderGuard = formGuard{Name: "The production order page", Form: "porder",
		Again: "Open the production order again to record work or ship."}
	awardGuard = formGuard{Name: "The award form", Form: "rfq-award",
		Again: "Open the request for quote again to award it."}
	poolNewGuard = formGuard{Name: "The new pool form", Form: "pool-new", Path: "/pools/new",
		Again: "Open the new pool form again."}
)

// pageGuard is g for the page at path.
func pageGuard(g formGuard, path string) formGuard {
	g.Path = path
	return g
}

// Bounds of what people enter in the factory's forms, besides the unit
// price's (maxUnitPrice).
const (
	maxQtyUnits   = 1_000_000_000 // units of a quantity (milli-units: × 1000)
	maxInputs     = 3             // input lots a work order form offers
	maxPoolUnits  = 100_000_000   // a pool's cap, in units
	maxPoolDays   = 365           // a pool's deadline, at most this many days ahead
	maxTermsBytes = 4000
)

// actOffer is what a page needs to offer a form: its token, or why it is
// not offered (and where to sign in when that would help).
type actOffer struct {
	CSRF    string
	Problem string
	SignIn  string
	Actor   gongxu.Org // the org the form acts for
}

// Ready reports whether the form is offered.
func (o actOffer) Ready() bool { return o.Problem == "" && o.CSRF != "" }

// offerAction decides whether the request may use the form of g, acting
// for owner (the only org that may send its message); what finishes
// "Only X may …".
func (s *server) offerAction(r *http.Request, gt gate, g formGuard, owner gongxu.OrgID, what, signInWhat string) (actOffer, error) {
	var o actOffer
	org, problem, err := s.operatorOrg(r, gt)
	if err != nil {
		return o, err
	}
	o.Actor = org
	if problem != "" {
		o.Problem = problem
		return o, nil
	}
	if owner != "" && org.ID != owner {
		o.Problem, err = s.notOwner(r, owner, org, what)
		if err != nil {
			return o, err
		}
		return o, nil
	}
	s.offerForm(r, g, &o.CSRF, &o.Problem, &o.SignIn, signInWhat)
	return o, nil
}

// notOwner says that only owner may do what, and that the request acts
// for org.
func (s *server) notOwner(r *http.Request, owner gongxu.OrgID, org gongxu.Org, what string) (string, error) {
	names, err := s.orgNames(r.Context())
	if err != nil {
		return "", err
	}
	l := s.langs.pick(r)
	return l.T("Only %s may %s; this node acts as %s here.", cmp.Or(names[owner], string(owner)), l.maybe(what), cmp.Or(org.Name, string(org.ID))), nil
}

// admitAction admits a POST of a factory form (guard.go), then checks that
// the request acts for owner and that no field is given twice. When it
// refuses it has written the answer and returns nil.
func (s *server) admitAction(w http.ResponseWriter, r *http.Request, gt gate, g formGuard, owner gongxu.OrgID, what string) (*session, string, error) {
	sess, tok := s.admit(w, r, g)
	if sess == nil {
		return nil, "", nil
	}
	// Until it is sent, a submission that is refused sent nothing: so says
	// a second submission of its token (sendAction records what it sent).
	s.sessions.done(sess, tok, "The first submission was refused and sent nothing; open the form again to try again.")
	org, problem, err := s.operatorOrg(r, gt)
	if err != nil {
		return nil, "", err
	}
	if problem == "" && owner != "" && org.ID != owner {
		if problem, err = s.notOwner(r, owner, org, what); err != nil {
			return nil, "", err
		}
	}
	if problem != "" {
		s.log.Warn("web: factory form refused: not the owner", "form", g.Form, "owner", owner, "as", org.ID)
		s.problemLink(w, r, http.StatusForbidden, "Not allowed", problem+" "+s.langs.pick(r).T("Nothing was sent."), g.Path, "Back")
		return nil, "", nil
	}
	for k, v := range r.PostForm {
		if len(v) > 1 {
			s.badInput(w, r, g, "The form gives %q more than once; send each field once.", k)
			return nil, "", nil
		}
	}
	return sess, tok, nil
}

// badInput answers a submission people got wrong: a 400 page saying what,
// with a link back to the form. Nothing was sent.
func (s *server) badInput(w http.ResponseWriter, r *http.Request, g formGuard, format string, args ...any) {
	l := s.langs.pick(r)
	s.problemLink(w, r, http.StatusBadRequest, "Check the form", l.T(format, args...)+" "+l.T("Nothing was sent."), g.Path, "Back to the form")
}

// actedData is the page that answers a factory form: what was sent and the
// committed transaction, or why it was not taken.
type actedData struct {
	Heading string
	Text    string           // what was done, for people
	Tx      *gongxu.TxResult // the committed transaction (also when refused)
	Error   string           // why it was not taken
	Back    string
	Again   string // the back link's text
}

// sendAction sends typ with body for the request's org and answers with the
// acted page: done (a message with its args) when the network took it, the
// refusal in words when not. tok is recorded as done, for a replay.
func (s *server) sendAction(w http.ResponseWriter, r *http.Request, sess *session, tok string, g formGuard, typ string, body any, heading, done string, args ...any) error {
	l := s.langs.pick(r)
	d := actedData{Heading: l.maybe(heading), Back: g.Path, Again: l.T("Back to the page")}
	section := "factory" // the navigation's current entry
	switch g.Form {
	case awardGuard.Form:
		section = "rfqs"
	case poolNewGuard.Form, disputeGuard.Form, disputeNewGuard.Form:
		section = "pools"
	}
	res, err := s.operator(r).Send(r.Context(), typ, body)
	if err != nil {
		s.sessions.done(sess, tok, "The first submission was sent; it may still be committed: look at the page before trying again.")
		d.Error = l.maybe(sendError(err))
		if gongxu.ErrorKind(err) == gongxu.KindTimeout {
			d.Error = l.T("The node did not see the transaction committed in time; it may still be. Look at the page before trying again.")
		}
		return s.renderStatus(w, r, s.sendFailed(err, typ), "acted", view{Title: heading, Section: section, Content: d})
	}
	d.Tx = &res
	if res.Code != 0 {
		s.sessions.done(sess, tok, s.langs.pick(r).T("The network refused the first submission (transaction %s): %s.", res.Hash, rejection(res)))
		d.Error = l.T("The network refused it: %s.", rejection(res))
		s.log.Info("web: factory form refused by the network", "type", typ, "tx", res.Hash, "kind", res.Kind)
		return s.renderStatus(w, r, http.StatusUnprocessableEntity, "acted", view{Title: heading, Section: section, Content: d})
	}
	d.Text = l.T(done, args...)
	s.log.Info("web: factory form sent", "type", typ, "tx", res.Hash)
	s.sessions.done(sess, tok, s.langs.pick(r).T("It was recorded: transaction %s (%s).", res.Hash, typ))
	return s.render(w, r, "acted", view{Title: heading, Section: section, Content: d})
}

// formQty reads a quantity field in units (up to 3 decimals) as
// milli-units: positive (or zero when zeroOK) and at most maxQtyUnits.
func formQty(raw string, zeroOK bool) (gongxu.Qty, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" && zeroOK {
		return 0, true
	}
	n, ok := parseDecimal(raw, 3)
	if !ok || n < 0 || n == 0 && !zeroOK || n > maxQtyUnits*1000 {
		return 0, false
	}
	return gongxu.Qty(n), true
}
