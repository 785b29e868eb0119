package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// The demand side: products, pools, hub batches and receipts, money, requests
// for quote.

// Products returns the products of a factory, or of every factory when
// factory is "", sorted by id.
func (c *Client) Products(ctx context.Context, factory gongxu.OrgID) ([]gongxu.Product, error) {
	var q url.Values
	if factory != "" {
		q = url.Values{"factory": {string(factory)}}
	}
	var ps []gongxu.Product
	err := c.do(ctx, http.MethodGet, "/v1/products", q, nil, "", &ps)
	return ps, err
}

// Product returns one product.
func (c *Client) Product(ctx context.Context, id gongxu.ProductID) (gongxu.Product, error) {
	var p gongxu.Product
	factory, sku, ok := strings.Cut(string(id), "/")
	if !ok || factory == "" || sku == "" {
		return p, gongxu.Errorf(gongxu.KindInvalid, "product id %q must be <factory>/<sku>", string(id))
	}
	err := c.do(ctx, http.MethodGet, "/v1/products/"+url.PathEscape(factory)+"/"+url.PathEscape(sku), nil, nil, "", &p)
	return p, err
}

// Pools returns demand pools, newest first, narrowed by f.
func (c *Client) Pools(ctx context.Context, f gongxu.PoolFilter) ([]gongxu.Pool, error) {
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if f.Factory != "" {
		q.Set("factory", string(f.Factory))
	}
	if f.Hub != "" {
		q.Set("hub", string(f.Hub))
	}
	if f.Series != 0 {
		q.Set("series", strconv.FormatUint(f.Series, 10))
	}
	var ps []gongxu.Pool
	err := c.do(ctx, http.MethodGet, "/v1/pools", limitQuery(q, f.Limit), nil, "", &ps)
	return ps, err
}

// Pool returns one pool, its status history included, with its progress as
// of the node's latest block.
func (c *Client) Pool(ctx context.Context, id uint64) (gongxu.PoolView, error) {
	var v gongxu.PoolView
	err := c.do(ctx, http.MethodGet, poolPath(id), nil, nil, "", &v)
	return v, err
}

// HubShares returns what each hub gathered in a pool, sorted by hub.
func (c *Client) HubShares(ctx context.Context, pool uint64) ([]gongxu.HubShare, error) {
	var hs []gongxu.HubShare
	err := c.do(ctx, http.MethodGet, poolPath(pool)+"/shares", nil, nil, "", &hs)
	return hs, err
}

// Batches returns a pool's hub batches in the order they were committed.
func (c *Client) Batches(ctx context.Context, pool uint64) ([]gongxu.Batch, error) {
	var bs []gongxu.Batch
	err := c.do(ctx, http.MethodGet, poolPath(pool)+"/batches", nil, nil, "", &bs)
	return bs, err
}

func poolPath(id uint64) string { return "/v1/pools/" + strconv.FormatUint(id, 10) }

// Receipt returns the receipt of leaf index of the hub batch carried by the
// transaction batchTx (hex hash).
func (c *Client) Receipt(ctx context.Context, batchTx string, index int) (gongxu.Receipt, error) {
	var r gongxu.Receipt
	err := c.do(ctx, http.MethodGet, "/v1/batches/"+url.PathEscape(batchTx)+"/receipts/"+strconv.Itoa(index), nil, nil, "", &r)
	return r, err
}

// Balances returns an account's balances, one per currency it ever held,
// sorted by currency.
func (c *Client) Balances(ctx context.Context, acct gongxu.AccountID) ([]gongxu.Balance, error) {
	var bs []gongxu.Balance
	err := c.do(ctx, http.MethodGet, "/v1/balances/"+url.PathEscape(string(acct)), nil, nil, "", &bs)
	return bs, err
}

// Movements returns the movements of money into and out of an account,
// newest first; limit 0 means the node's default.
func (c *Client) Movements(ctx context.Context, acct gongxu.AccountID, limit int) ([]gongxu.Movement, error) {
	var ms []gongxu.Movement
	err := c.do(ctx, http.MethodGet, "/v1/movements/"+url.PathEscape(string(acct)), limitQuery(nil, limit), nil, "", &ms)
	return ms, err
}

// RFQs returns requests for quote, newest first, of one status ("" for all);
// limit 0 means the node's default.
func (c *Client) RFQs(ctx context.Context, status gongxu.RFQStatus, limit int) ([]gongxu.RFQ, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", string(status))
	}
	var rs []gongxu.RFQ
	err := c.do(ctx, http.MethodGet, "/v1/rfqs", limitQuery(q, limit), nil, "", &rs)
	return rs, err
}

// RFQ returns one request for quote.
func (c *Client) RFQ(ctx context.Context, id uint64) (gongxu.RFQ, error) {
	var r gongxu.RFQ
	err := c.do(ctx, http.MethodGet, "/v1/rfqs/"+strconv.FormatUint(id, 10), nil, nil, "", &r)
	return r, err
}

// Bids returns the bids on a request for quote, sorted by bidder.
func (c *Client) Bids(ctx context.Context, rfq uint64) ([]gongxu.Bid, error) {
	var bs []gongxu.Bid
	err := c.do(ctx, http.MethodGet, "/v1/rfqs/"+strconv.FormatUint(rfq, 10)+"/bids", nil, nil, "", &bs)
	return bs, err
}
