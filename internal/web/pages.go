package web

import (
	"cmp"
	"context"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// How much the home page lists.
const (
	homeTxs       = 10
	homeProposals = 20
)

// liveData is the part of the home page that htmx reloads: chain status and
// the latest transactions.
type liveData struct {
	Status gongxu.Status
	Txs    []gongxu.TxRecord
}

type validatorRow struct {
	gongxu.Validator
	OrgName string // "" when the org is not (or no longer) a member
	Share   int64  // percent of the total power
}

type homeData struct {
	Orient     orientation
	Recalls    []recallBanner // recalls that reach pools (a hub's own, on a hub's node)
	Live       liveData
	Validators []validatorRow
	TotalPower int64
	Orgs       []gongxu.Org
	Proposals  []gongxu.Proposal
	Decided    []gongxu.Proposal // passed, rejected, expired or failed, newest first
}

func (s *server) live(ctx context.Context) (liveData, error) {
	st, err := s.node.Status(ctx)
	if err != nil {
		return liveData{}, err
	}
	txs, err := s.txs.RecentTxs(ctx, homeTxs)
	if err != nil {
		return liveData{}, err
	}
	return liveData{Status: st, Txs: txs}, nil
}

func (s *server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	live, err := s.live(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.members.Orgs(ctx)
	if err != nil {
		return err
	}
	vals, err := s.members.Validators(ctx)
	if err != nil {
		return err
	}
	props, err := s.members.Proposals(ctx, gongxu.ProposalFilter{Status: gongxu.ProposalOpen, Limit: homeProposals})
	if err != nil {
		return err
	}
	var decided []gongxu.Proposal
	for _, st := range []gongxu.ProposalStatus{gongxu.ProposalPassed, gongxu.ProposalRejected, gongxu.ProposalExpired, gongxu.ProposalFailed} {
		ps, err := s.members.Proposals(ctx, gongxu.ProposalFilter{Status: st, Limit: homeProposals})
		if err != nil {
			return err
		}
		decided = append(decided, ps...)
	}
	slices.SortFunc(decided, func(a, b gongxu.Proposal) int { return cmp.Compare(b.ID, a.ID) })
	decided = decided[:min(len(decided), homeProposals)]
	names := make(map[gongxu.OrgID]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	var total int64
	for _, v := range vals {
		total += v.Power
	}
	rows := make([]validatorRow, len(vals))
	for i, v := range vals {
		rows[i] = validatorRow{Validator: v, OrgName: names[v.Org], Share: percent(v.Power, total)}
	}
	return s.render(w, r, "home", view{
		Title:   "Network",
		Section: "network",
		Content: homeData{Orient: s.orient(r, names, blockMs(live.Status)), Recalls: s.homeRecalls(r, names), Live: live, Validators: rows, TotalPower: total, Orgs: orgs, Proposals: props, Decided: decided},
	})
}

// liveFragment is the live section of the home page alone, for htmx.
// orgName is the name of the member org id, or its id when it has none
// (not, or no longer, a member; or the read model failed).
func (s *server) orgName(id gongxu.OrgID) string {
	if id.Validate() != nil {
		return string(id)
	}
	o, err := s.members.Org(context.Background(), id)
	if err != nil || o.Name == "" {
		return string(id)
	}
	return o.Name
}

func (s *server) liveFragment(w http.ResponseWriter, r *http.Request) error {
	live, err := s.live(r.Context())
	if err != nil {
		return err
	}
	return s.fragment(w, r, "live", live)
}

type orgData struct {
	Org        gongxu.Org
	Validators []gongxu.Validator
	Rep        *repView // nil: this node serves no reputations
}

func (s *server) org(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := gongxu.OrgID(r.PathValue("id"))
	missing := notFound("No member organization has the id %q.", id)
	if id.Validate() != nil {
		return missing
	}
	org, err := s.members.Org(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return missing
	} else if err != nil {
		return err
	}
	vals, err := s.members.Validators(ctx)
	if err != nil {
		return err
	}
	var own []gongxu.Validator
	for _, v := range vals {
		if v.Org == id {
			own = append(own, v)
		}
	}
	d := orgData{Org: org, Validators: own}
	if s.rep != nil {
		rep, err := s.rep.Reputation(ctx, id, repFactsShown)
		if err != nil {
			return err
		}
		d.Rep = repOf(s.langs.pick(r), rep)
	}
	return s.render(w, r, "org", view{
		Title:   org.Name,
		Section: "network",
		Content: d,
	})
}

func (s *server) tx(w http.ResponseWriter, r *http.Request) error {
	hash := r.PathValue("hash")
	missing := notFound("No committed transaction has the hash %q.", hash)
	if hash == "" || len(hash) > 128 {
		return missing
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return missing // not a hash at all: "/txs/zz"
	}
	tx, err := s.txs.Tx(r.Context(), hash)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return missing
	} else if err != nil {
		return err
	}
	return s.render(w, r, "tx", view{Title: s.langs.pick(r).T("Transaction %s", shortKey(tx.Hash)), Section: "network", Content: tx})
}

type proposalData struct {
	P       gongxu.Proposal
	Needed  int
	Pending []gongxu.Org // member orgs that have not voted yet
}

func (s *server) proposal(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	missing := notFound("No proposal has the number %q.", raw)
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return missing
	}
	p, err := s.members.Proposal(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return missing
	} else if err != nil {
		return err
	}
	d := proposalData{P: p, Needed: votesNeeded(p.Electors)}
	if p.Status == gongxu.ProposalOpen {
		orgs, err := s.members.Orgs(ctx)
		if err != nil {
			return err
		}
		voted := make(map[gongxu.OrgID]bool, len(p.Yes)+len(p.No))
		for _, o := range p.Yes {
			voted[o] = true
		}
		for _, o := range p.No {
			voted[o] = true
		}
		for _, o := range orgs {
			if !voted[o.ID] {
				d.Pending = append(d.Pending, o)
			}
		}
	}
	return s.render(w, r, "proposal", view{Title: s.langs.pick(r).T("Proposal #%d", id), Section: "network", Content: d})
}
