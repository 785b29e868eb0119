package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	gongxu "github.com/gongxu-network/gongxu"
)

var _ gongxu.ReputationService = (*Client)(nil)

// Reputation returns an org's reputation as the node computes it from its
// read model, each figure with at most facts of its newest facts (0 to
// gongxu.MaxReputationFacts). A malformed org id or an out-of-range facts
// fails here, with KindInvalid.
func (c *Client) Reputation(ctx context.Context, org gongxu.OrgID, facts int) (gongxu.Reputation, error) {
	var r gongxu.Reputation
	if err := org.Validate(); err != nil {
		return r, err
	}
	if facts < 0 || facts > gongxu.MaxReputationFacts {
		return r, gongxu.Errorf(gongxu.KindInvalid, "facts must be 0 to %d, got %d", gongxu.MaxReputationFacts, facts)
	}
	q := url.Values{"facts": {strconv.Itoa(facts)}}
	err := c.do(ctx, http.MethodGet, "/v1/orgs/"+url.PathEscape(string(org))+"/reputation", q, nil, "", &r)
	return r, err
}

// ReputationFacts returns a page of one figure's facts, the newest first:
// limit (1 to gongxu.MaxReputationFacts) from offset. A malformed org id
// fails here, with KindInvalid; an unknown figure at the node, likewise.
func (c *Client) ReputationFacts(ctx context.Context, org gongxu.OrgID, figure string, offset, limit int) (gongxu.ReputationPage, error) {
	var p gongxu.ReputationPage
	if err := org.Validate(); err != nil {
		return p, err
	}
	q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
	err := c.do(ctx, http.MethodGet, "/v1/orgs/"+url.PathEscape(string(org))+"/reputation/"+url.PathEscape(figure), q, nil, "", &p)
	return p, err
}
