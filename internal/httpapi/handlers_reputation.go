package httpapi

import (
	"net/http"

	gongxu "github.com/gongxu-network/gongxu"
)

// defaultReputationFacts is how many of each figure's newest facts GET
// /v1/orgs/{id}/reputation carries when ?facts= is absent.
const defaultReputationFacts = 10

// reputation serves GET /v1/orgs/{id}/reputation: an org's figures, each
// with its newest facts (?facts=, 0 to gongxu.MaxReputationFacts).
func (s *server) reputation(w http.ResponseWriter, r *http.Request) error {
	if s.reputations == nil {
		return errNoService("reputations")
	}
	org, err := pathOrg(r)
	if err != nil {
		return err
	}
	n, err := queryInt(r, "facts", defaultReputationFacts, 0, gongxu.MaxReputationFacts)
	if err != nil {
		return err
	}
	rep, err := s.reputations.Reputation(r.Context(), org, n)
	if err != nil {
		return err
	}
	for _, f := range []*gongxu.ReputationFigure{&rep.OnTime, &rep.FillRate, &rep.Disputes, &rep.Recalls, &rep.Repeat} {
		f.Facts = normFacts(f.Facts)
	}
	writeJSON(w, s.log, http.StatusOK, rep)
	return nil
}

// reputationFacts serves GET /v1/orgs/{id}/reputation/{figure}: a page of
// one figure's facts, the newest first (?offset=, ?limit=).
func (s *server) reputationFacts(w http.ResponseWriter, r *http.Request) error {
	if s.reputations == nil {
		return errNoService("reputations")
	}
	org, err := pathOrg(r)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", defaultReputationFacts, 1, gongxu.MaxReputationFacts)
	if err != nil {
		return err
	}
	offset, err := queryInt(r, "offset", 0, 0, 1<<30)
	if err != nil {
		return err
	}
	page, err := s.reputations.ReputationFacts(r.Context(), org, r.PathValue("figure"), offset, limit)
	if err != nil {
		return err
	}
	page.Facts = normFacts(page.Facts)
	writeJSON(w, s.log, http.StatusOK, page)
	return nil
}

func normFacts(fs []gongxu.ReputationFact) []gongxu.ReputationFact {
	if fs == nil {
		return []gongxu.ReputationFact{}
	}
	for i := range fs {
		if fs[i].Txs == nil {
			fs[i].Txs = []string{}
		}
	}
	return fs
}
