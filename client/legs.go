package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// Legs lists carriers' legs, newest first, narrowed by f (an org matches as
// carrier, shipper or consignee).
func (c *Client) Legs(ctx context.Context, f gongxu.LegFilter) ([]gongxu.Leg, error) {
	q := url.Values{}
	if f.Org != "" {
		q.Set("org", string(f.Org))
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Pool != 0 {
		q.Set("pool", strconv.FormatUint(f.Pool, 10))
	}
	if f.PO != 0 {
		q.Set("po", strconv.FormatUint(f.PO, 10))
	}
	if f.Lot != "" {
		q.Set("lot", string(f.Lot))
	}
	var ls []gongxu.Leg
	err := c.do(ctx, http.MethodGet, "/v1/legs", limitQuery(q, f.Limit), nil, "", &ls)
	return ls, err
}

// Leg returns one carrier's leg.
func (c *Client) Leg(ctx context.Context, id uint64) (gongxu.Leg, error) {
	var l gongxu.Leg
	err := c.do(ctx, http.MethodGet, "/v1/legs/"+strconv.FormatUint(id, 10), nil, nil, "", &l)
	return l, err
}

var _ gongxu.LegService = (*Client)(nil)
