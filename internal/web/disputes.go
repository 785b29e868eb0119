package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Disputes over hubs' shares (internal/module/dispute) on the pages:
//
//	GET /disputes/{id}     a dispute and its course: the claim, evidence
//	                       hashes, the standing proposal, the panel and its
//	                       votes, the ruling; the forms of the org this node
//	                       acts for: propose or accept a split (the two
//	                       parties, while open), vote (a panelist, while the
//	                       panel votes), withdraw (the claimant)
//	POST /disputes/{id}/{action}  one of those (propose, accept, vote,
//	                       withdraw; to_claimant in the currency's major unit)
//	GET /disputes/new?pool=N  the hub of a share of pool N opens a dispute
//	POST /disputes/new?pool=N  over it (linked from the pool page's hubs)
//
// The forms are guarded as the factory's (factory_actions.go): signed in,
// from the node's own site and machine, a form token used once, offered only
// to the org that may send the message.

// disputeGate is the gate of the dispute forms: any member org (a party or a
// panelist, whatever its role).
var disputeGate = gate{Form: "The dispute form",
	NoKey:      "This node has no operator key to sign with, so it acts in no dispute. A party or a panelist acts on its own node.",
	Unadmitted: "This node's operator key belongs to no member organization yet, so it acts in no dispute."}

// The guards of the dispute forms; Path is set per page.
var (
	disputeGuard    = formGuard{Name: "The dispute form", Form: "dispute", Again: "Open the dispute again."}
	disputeNewGuard = formGuard{Name: "The dispute form", Form: "dispute-new", Again: "Open the dispute form again from the pool page."}
)

func disputePath(id uint64) string { return "/disputes/" + strconv.FormatUint(id, 10) }

// disputeActs is what the org this node acts for may do in a dispute.
type disputeActs struct {
	Problem  string // why no form is offered (no key, not signed in …)
	SignIn   string
	Actor    gongxu.Org
	Propose  string // the forms' tokens; "" when not offered
	Accept   string
	Vote     string
	Withdraw string
}

// Any reports whether any form is offered.
func (a disputeActs) Any() bool {
	return a.Propose != "" || a.Accept != "" || a.Vote != "" || a.Withdraw != ""
}

type disputeData struct {
	D       gongxu.Dispute
	Now     int64
	Phase   string        // what happens now, and until when
	Default gongxu.Amount // the default split, in money
	Scale   int           // the currency's decimals, for the inputs
	Acts    *disputeActs  // nil: this node acts for no party or panelist of it
}

// allowed lists the actions org may take in d now.
func allowed(d gongxu.Dispute, org gongxu.OrgID) (propose, accept, vote, withdraw bool) {
	party := org == d.Claimant || org == d.Respondent
	switch d.Status {
	case gongxu.DisputeOpen:
		propose = party
		accept = party && d.Proposal != nil && d.Proposal.By != org
	case gongxu.DisputePanel:
		vote = slices.Contains(d.Panel, org) && !slices.ContainsFunc(d.Votes, func(v gongxu.DisputeVote) bool { return v.Org == org })
	}
	withdraw = org == d.Claimant && d.Status != gongxu.DisputeResolved
	return
}

func (s *server) disputeByID(r *http.Request) (gongxu.Dispute, error) {
	raw := r.PathValue("id")
	missing := notFound("No dispute has the number %q.", raw)
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		return gongxu.Dispute{}, missing
	}
	d, err := s.disputes.Dispute(r.Context(), id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return d, missing
	}
	return d, err
}

func (s *server) dispute(w http.ResponseWriter, r *http.Request) error {
	d, err := s.disputeByID(r)
	if err != nil {
		return err
	}
	now, err := s.latestBlock(r.Context())
	if err != nil {
		return err
	}
	l := s.langs.pick(r)
	data := disputeData{D: d, Now: now, Scale: moneyScale(d.Currency), Default: defaultSplit(d.Claimed, d.DefaultBps)}
	switch d.Status {
	case gongxu.DisputeOpen:
		data.Phase = l.T("The parties may settle by both signing a split until %s (%s); then a panel of member orgs is drawn.", l.msHuman(d.Deadline), l.timeLeft(d.Deadline, now))
	case gongxu.DisputePanel:
		data.Phase = l.T("The panel votes until %s (%s); without a majority by then, the default split rules.", l.msHuman(d.Deadline), l.timeLeft(d.Deadline, now))
	}
	if d.Status != gongxu.DisputeResolved && s.op != nil {
		org, problem, err := s.operatorOrg(r, disputeGate)
		if err != nil {
			return err
		}
		p, a, v, wd := allowed(d, org.ID)
		if problem != "" || p || a || v || wd {
			acts := &disputeActs{Actor: org, Problem: problem}
			if problem == "" {
				g := pageGuard(disputeGuard, disputePath(d.ID))
				for _, f := range []struct {
					on  bool
					tok *string
				}{{p, &acts.Propose}, {a, &acts.Accept}, {v, &acts.Vote}, {wd, &acts.Withdraw}} {
					if f.on && acts.Problem == "" {
						s.offerForm(r, g, f.tok, &acts.Problem, &acts.SignIn, "to act on it")
					}
				}
			}
			data.Acts = acts
		}
	}
	return s.render(w, r, "dispute", view{Title: l.T("Dispute %d", d.ID), Section: "pools", Content: data})
}

// defaultSplit is bps basis points of claimed, rounded down (as the ledger
// computes it).
func defaultSplit(claimed gongxu.Amount, bps int64) gongxu.Amount {
	return claimed/10_000*gongxu.Amount(bps) + claimed%10_000*gongxu.Amount(bps)/10_000
}

func (s *server) disputeSubmit(w http.ResponseWriter, r *http.Request) error {
	d, err := s.disputeByID(r)
	if err != nil {
		return err
	}
	g := pageGuard(disputeGuard, disputePath(d.ID))
	l := s.langs.pick(r)
	org, _, err := s.operatorOrg(r, disputeGate)
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	p, a, v, wd := allowed(d, org.ID)
	var ok bool
	var owner gongxu.OrgID
	var what, typ, done string
	switch action {
	case "propose":
		ok, owner, what, typ, done = p, d.Claimant, "propose a split in this dispute", gongxu.TypeDisputePropose, "You proposed %s to the claimant in dispute %d; the other party may accept it."
		if org.ID == d.Respondent {
			owner = d.Respondent
		}
	case "accept":
		ok, owner, what, typ, done = a, d.Claimant, "accept this proposal", gongxu.TypeDisputeAccept, "You accepted %s to the claimant: dispute %d is settled."
		if d.Proposal != nil && d.Proposal.By == d.Claimant {
			owner = d.Respondent
		}
	case "vote":
		ok, what, typ, done = v, "vote in this dispute", gongxu.TypeDisputeVote, "You voted %s to the claimant in dispute %d."
		owner = org.ID
		if !slices.Contains(d.Panel, org.ID) && len(d.Panel) > 0 {
			owner = d.Panel[0]
		}
	case "withdraw":
		ok, owner, what, typ = wd, d.Claimant, "withdraw this claim", gongxu.TypeDisputeWithdraw
	default:
		return notFound("A dispute form has no action %q.", action)
	}
	sess, tok, err := s.admitAction(w, r, disputeGate, g, owner, what)
	if sess == nil || err != nil {
		return err
	}
	if !ok {
		s.problemLink(w, r, http.StatusConflict, "Not now",
			l.T("Dispute %d is %s: %s cannot %s now.", d.ID, l.label(d.Status), org.Name, l.maybe(what))+" "+l.T("Nothing was sent."), g.Path, "Back")
		return nil
	}
	if action == "withdraw" {
		return s.sendAction(w, r, sess, tok, g, typ, gongxu.DisputeRefBody{Dispute: d.ID}, "Withdraw the claim",
			"You withdrew your claim: dispute %d is resolved, the frozen money goes to %s.", d.ID, string(d.Respondent))
	}
	raw := strings.TrimSpace(r.PostFormValue("to_claimant"))
	n, okn := parseDecimal(raw, moneyScale(d.Currency))
	if !okn || n < 0 || n > int64(d.Claimed) {
		s.badInput(w, r, g, "The split to the claimant must be an amount of %s from 0 to %s, not %q.", d.Currency, money(d.Claimed, d.Currency), raw)
		return nil
	}
	split := gongxu.Amount(n)
	if action == "accept" && (d.Proposal == nil || d.Proposal.ToClaimant != split) {
		s.badInput(w, r, g, "The proposal changed; open the dispute again to accept what it says now.")
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, typ, gongxu.DisputeSplitBody{Dispute: d.ID, ToClaimant: split}, "Dispute",
		done, money(split, d.Currency), d.ID)
}

// disputeNewData is the form that opens a dispute over the hub's share.
type disputeNewData struct {
	actOffer
	Pool     gongxu.Pool
	Share    gongxu.HubShare
	Stake    gongxu.Amount
	Kinds    []gongxu.DisputeKind
	Existing []gongxu.Dispute // the pool's disputes, to link instead
	Why      string           // why the share cannot be disputed now
}

// disputeNew reads the pool of ?pool= (or the form's pool) and the acting
// hub's share of it; it says why the share cannot be disputed, if so.
func (s *server) disputeNewFor(r *http.Request, raw string) (disputeNewData, formGuard, error) {
	var d disputeNewData
	p, err := s.poolByID(r.Context(), raw)
	if err != nil {
		return d, disputeNewGuard, err
	}
	g := pageGuard(disputeNewGuard, poolPath(p.ID))
	d.Pool, d.Kinds = p, gongxu.DisputeKinds()
	org, problem, err := s.operatorOrg(r, disputeGate)
	if err != nil {
		return d, g, err
	}
	d.Actor, d.Problem = org, problem
	l := s.langs.pick(r)
	if problem == "" {
		shares, err := s.pools.HubShares(r.Context(), p.ID)
		if err != nil {
			return d, g, err
		}
		i := slices.IndexFunc(shares, func(x gongxu.HubShare) bool { return x.Hub == org.ID && x.Qty > 0 })
		if i < 0 {
			d.Problem = l.T("%s has no share in pool %d; only the hub of a share opens a dispute over it.", org.Name, p.ID)
		} else {
			d.Share = shares[i]
			if d.Stake, err = gongxu.Cost(d.Share.Qty, p.Price); err != nil {
				return d, g, err
			}
		}
	}
	if d.Problem == "" {
		switch {
		case p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady:
			d.Why = l.T("Pool %d is %s: a share is disputed while its money is captured, once the pool is in production.", p.ID, l.label(p.Status))
		case d.Share.Delivered:
			d.Why = l.T("Your share of pool %d is settled: nothing is left to dispute.", p.ID)
		}
		if s.disputes != nil {
			ds, err := s.disputes.Disputes(r.Context(), gongxu.DisputeFilter{Pool: p.ID, Org: org.ID})
			if err != nil {
				return d, g, err
			}
			for _, x := range ds {
				if x.Hub == org.ID {
					d.Existing = append(d.Existing, x)
					if x.Status != gongxu.DisputeResolved && d.Why == "" {
						d.Why = l.T("Your share of pool %d is already in dispute.", p.ID)
					}
				}
			}
		}
	}
	return d, g, nil
}

func (s *server) disputeNewPage(w http.ResponseWriter, r *http.Request) error {
	d, g, err := s.disputeNewFor(r, r.URL.Query().Get("pool"))
	if err != nil {
		return err
	}
	if d.Problem == "" && d.Why == "" {
		s.offerForm(r, g, &d.CSRF, &d.Problem, &d.SignIn, "to open a dispute")
	}
	l := s.langs.pick(r)
	return s.render(w, r, "dispute_new", view{Title: l.T("Dispute over pool %d", d.Pool.ID), Section: "pools", Content: d})
}

func (s *server) disputeNewSubmit(w http.ResponseWriter, r *http.Request) error {
	d, g, err := s.disputeNewFor(r, r.URL.Query().Get("pool"))
	if err != nil {
		return err
	}
	owner := d.Actor.ID
	if d.Problem != "" {
		owner = "" // admitAction answers with the problem below
	}
	sess, tok, err := s.admitAction(w, r, disputeGate, g, owner, "open a dispute over this share")
	if sess == nil || err != nil {
		return err
	}
	l := s.langs.pick(r)
	if d.Problem != "" || d.Why != "" {
		s.problemLink(w, r, http.StatusConflict, "Not now", strings.TrimSpace(d.Problem+" "+d.Why)+" "+l.T("Nothing was sent."), g.Path, "Back")
		return nil
	}
	body := gongxu.DisputeOpenBody{Pool: d.Pool.ID, Kind: gongxu.DisputeKind(r.PostFormValue("kind")), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if body.Kind.Validate() != nil {
		s.badInput(w, r, g, "Choose what went wrong: short, damaged, late or not as described.")
		return nil
	}
	raw := strings.TrimSpace(r.PostFormValue("claimed"))
	n, ok := parseDecimal(raw, moneyScale(d.Pool.Currency))
	if !ok || n <= 0 || n > int64(d.Stake) {
		s.badInput(w, r, g, "The claim must be an amount of %s above 0 and at most %s (your share's money), not %q.", d.Pool.Currency, money(d.Stake, d.Pool.Currency), raw)
		return nil
	}
	body.Claimed = gongxu.Amount(n)
	for _, line := range strings.Fields(r.PostFormValue("evidence")) {
		h := strings.ToLower(line)
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			s.badInput(w, r, g, "Evidence %q is not a SHA-256 (64 hex characters, as sha256sum prints).", line)
			return nil
		}
		if slices.Contains(body.Evidence, h) {
			continue
		}
		body.Evidence = append(body.Evidence, h)
	}
	if len(body.Evidence) > maxDisputeEvidence {
		s.badInput(w, r, g, "At most %d evidence hashes.", maxDisputeEvidence)
		return nil
	}
	if len(body.Note) > maxDisputeNote {
		s.badInput(w, r, g, "The note is %d bytes; at most %d.", len(body.Note), maxDisputeNote)
		return nil
	}
	return s.sendAction(w, r, sess, tok, g, gongxu.TypeDisputeOpen, body, "Open a dispute",
		"You opened a dispute over your share of pool %d, claiming %s; the money at stake is frozen.", d.Pool.ID, money(body.Claimed, d.Pool.Currency))
}

// The dispute module's bounds (dispute.MaxEvidence, dispute.MaxNote): web
// imports no module, and the ledger checks them again.
const (
	maxDisputeEvidence = 16
	maxDisputeNote     = 500
)
