package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	gongxu "github.com/gongxu-network/gongxu"
)

// Forecast returns the forecasts of a product's weekly demand, or of a
// factory's (r.Factory) or the network's (r.Network) hierarchy, in units or
// money (r.Money) (GET /v1/forecast). As with Demand, the node decides the reader, not
// r.Reader: a Client made WithToken reads as the node's operator org, any
// other anonymously. Errors: the API's (KindInvalid for a bad request,
// KindUnauthenticated for a token the node does not know).
func (c *Client) Forecast(ctx context.Context, r gongxu.ForecastRequest) (gongxu.ForecastReport, error) {
	q := url.Values{}
	for k, v := range map[string]string{"product": string(r.Product), "factory": string(r.Factory), "hub": string(r.Hub), "variant": r.Variant,
		"measure": string(r.Measure)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if r.Network {
		q.Set("network", "true")
	}
	if r.Money {
		q.Set("money", "true")
	}
	if r.Horizon != 0 {
		q.Set("horizon", strconv.Itoa(r.Horizon))
	}
	var out gongxu.ForecastReport
	err := c.doSigning(ctx, http.MethodGet, "/v1/forecast", q, nil, "", &out)
	return out, err
}

// DerivedDemand returns the weekly demand for a supplier's items derived
// from the products' forecasts through the factories' bills of materials
// (GET /v1/demand/derived). Errors: the API's (KindInvalid for a bad
// request, KindUnavailable when the node does not serve it).
func (c *Client) DerivedDemand(ctx context.Context, r gongxu.DerivedDemandRequest) (gongxu.DerivedDemandReport, error) {
	q := url.Values{}
	q.Set("supplier", string(r.Supplier))
	if r.Measure != "" {
		q.Set("measure", string(r.Measure))
	}
	if r.Horizon != 0 {
		q.Set("horizon", strconv.Itoa(r.Horizon))
	}
	var out gongxu.DerivedDemandReport
	err := c.do(ctx, http.MethodGet, "/v1/demand/derived", q, nil, "", &out)
	return out, err
}
