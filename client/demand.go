package client

import (
	"context"
	"net/http"
	"net/url"

	gongxu "github.com/gongxu-network/gongxu"
)

// Demand returns demand series (GET /v1/demand), narrowed by f. The node
// decides the reader, not f.Reader: a Client made WithToken reads as the
// node's operator org (its own hub cells in full), any other anonymously
// (thresholded cells only). Errors: the API's (KindInvalid for a bad filter,
// KindUnauthenticated for a token the node does not know).
func (c *Client) Demand(ctx context.Context, f gongxu.DemandFilter) (gongxu.DemandReport, error) {
	q := url.Values{}
	for k, v := range map[string]string{"product": string(f.Product), "hub": string(f.Hub), "variant": f.Variant,
		"period": string(f.Period), "from": f.From, "to": f.To, "measure": string(f.Measure)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var r gongxu.DemandReport
	err := c.doSigning(ctx, http.MethodGet, "/v1/demand", q, nil, "", &r)
	return r, err
}
