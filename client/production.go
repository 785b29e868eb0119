package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// The production side: supply offers, production orders and their work
// orders, purchase orders, lots.

var _ gongxu.ProductionService = (*Client)(nil)

// orgQuery is a query of one optional org parameter.
func orgQuery(name string, org gongxu.OrgID) url.Values {
	q := url.Values{}
	if org != "" {
		q.Set(name, string(org))
	}
	return q
}

// Offers returns the supply offers of a supplier, or of every supplier when
// supplier is "", sorted by supplier, then item.
func (c *Client) Offers(ctx context.Context, supplier gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	var list []gongxu.SupplyOffer
	err := c.do(ctx, http.MethodGet, "/v1/offers", orgQuery("supplier", supplier), nil, "", &list)
	return list, err
}

// Orders returns production orders, newest first, of one factory ("" for
// all); limit 0 means the node's default.
func (c *Client) Orders(ctx context.Context, factory gongxu.OrgID, limit int) ([]gongxu.ProductionOrder, error) {
	var list []gongxu.ProductionOrder
	err := c.do(ctx, http.MethodGet, "/v1/production-orders", limitQuery(orgQuery("factory", factory), limit), nil, "", &list)
	return list, err
}

// Order returns one production order, its history included.
func (c *Client) Order(ctx context.Context, id uint64) (gongxu.ProductionOrder, error) {
	var o gongxu.ProductionOrder
	err := c.do(ctx, http.MethodGet, "/v1/production-orders/"+strconv.FormatUint(id, 10), nil, nil, "", &o)
	return o, err
}

// WorkOrders returns the work orders of a production order, by id.
func (c *Client) WorkOrders(ctx context.Context, order uint64) ([]gongxu.WorkOrder, error) {
	var ws []gongxu.WorkOrder
	err := c.do(ctx, http.MethodGet, "/v1/production-orders/"+strconv.FormatUint(order, 10)+"/work-orders", nil, nil, "", &ws)
	return ws, err
}

// POs returns purchase orders, newest first, where org is the factory or
// the supplier ("" for all); limit 0 means the node's default.
func (c *Client) POs(ctx context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	var ps []gongxu.PurchaseOrder
	err := c.do(ctx, http.MethodGet, "/v1/purchase-orders", limitQuery(orgQuery("org", org), limit), nil, "", &ps)
	return ps, err
}

// PO returns one purchase order.
func (c *Client) PO(ctx context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	var p gongxu.PurchaseOrder
	err := c.do(ctx, http.MethodGet, "/v1/purchase-orders/"+strconv.FormatUint(id, 10), nil, nil, "", &p)
	return p, err
}

// Lots returns lots, newest first, of one owner ("" for all); limit 0 means
// the node's default.
func (c *Client) Lots(ctx context.Context, owner gongxu.OrgID, limit int) ([]gongxu.Lot, error) {
	var ls []gongxu.Lot
	err := c.do(ctx, http.MethodGet, "/v1/lots", limitQuery(orgQuery("owner", owner), limit), nil, "", &ls)
	return ls, err
}

// Lot returns one lot. A malformed id fails here, with KindInvalid, as the
// node would answer.
func (c *Client) Lot(ctx context.Context, id gongxu.LotID) (gongxu.Lot, error) {
	var l gongxu.Lot
	if err := id.Validate(); err != nil {
		return l, err
	}
	segs := strings.Split(string(id), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	err := c.do(ctx, http.MethodGet, "/v1/lots/"+strings.Join(segs, "/"), nil, nil, "", &l)
	return l, err
}

// OrderForPool returns the production order a filled pool created; a pool
// without one fails with KindNotFound.
func (c *Client) OrderForPool(ctx context.Context, pool uint64) (gongxu.ProductionOrder, error) {
	var o gongxu.ProductionOrder
	err := c.do(ctx, http.MethodGet, poolPath(pool)+"/production-order", nil, nil, "", &o)
	return o, err
}

// Master returns an org's master data: items, bills of materials, routings
// and work centers, each list sorted and never nil. A malformed org id fails
// here, with KindInvalid, as the node would answer.
func (c *Client) Master(ctx context.Context, org gongxu.OrgID) (gongxu.Master, error) {
	var md gongxu.Master
	if err := org.Validate(); err != nil {
		return md, err
	}
	err := c.do(ctx, http.MethodGet, "/v1/orgs/"+url.PathEscape(string(org))+"/master", nil, nil, "", &md)
	if err != nil {
		return md, err
	}
	// Routings and work centers are left out of the JSON when empty.
	md.Items = nonNil(md.Items)
	md.BOM = nonNil(md.BOM)
	md.Routings = nonNil(md.Routings)
	md.WorkCenters = nonNil(md.WorkCenters)
	return md, nil
}

// nonNil returns xs, or an empty slice for nil.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// Stock returns an org's stock per item, by item; items at zero are left
// out. A malformed org id fails here, with KindInvalid.
func (c *Client) Stock(ctx context.Context, org gongxu.OrgID) ([]gongxu.Stock, error) {
	var st []gongxu.Stock
	if err := org.Validate(); err != nil {
		return nil, err
	}
	err := c.do(ctx, http.MethodGet, "/v1/orgs/"+url.PathEscape(string(org))+"/stock", nil, nil, "", &st)
	return st, err
}

var _ gongxu.PlanService = (*Client)(nil)

// Plan returns the factory's plan as the node computes it now (it sends
// nothing). A malformed org id fails here, with KindInvalid.
func (c *Client) Plan(ctx context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	var v gongxu.PlanView
	if err := factory.Validate(); err != nil {
		return v, err
	}
	err := c.do(ctx, http.MethodGet, "/v1/plan/"+url.PathEscape(string(factory)), nil, nil, "", &v)
	return v, err
}
