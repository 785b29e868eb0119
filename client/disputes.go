package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// Disputes lists disputes, newest first, narrowed by f (an org matches as
// claimant, respondent or panelist).
func (c *Client) Disputes(ctx context.Context, f gongxu.DisputeFilter) ([]gongxu.Dispute, error) {
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Org != "" {
		q.Set("org", string(f.Org))
	}
	if f.Pool != 0 {
		q.Set("pool", strconv.FormatUint(f.Pool, 10))
	}
	var ds []gongxu.Dispute
	err := c.do(ctx, http.MethodGet, "/v1/disputes", limitQuery(q, f.Limit), nil, "", &ds)
	return ds, err
}

// Dispute returns one dispute and its course.
func (c *Client) Dispute(ctx context.Context, id uint64) (gongxu.Dispute, error) {
	var d gongxu.Dispute
	err := c.do(ctx, http.MethodGet, "/v1/disputes/"+strconv.FormatUint(id, 10), nil, nil, "", &d)
	return d, err
}

var _ gongxu.DisputeService = (*Client)(nil)
