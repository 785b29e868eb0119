package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// DefaultTimeout bounds each request unless WithTimeout says otherwise. It is
// longer than the node's default wait for a commit, so that the node's own
// timeout error arrives first.
const DefaultTimeout = 60 * time.Second

// maxErrorBody is how much of an error response is read.
const maxErrorBody = 64 << 10

// Client talks to one node's HTTP API. It is safe for concurrent use.
type Client struct {
	base    string
	hc      *http.Client
	timeout time.Duration
	token   string // API token for the routes that make the node sign
}

// Option configures a Client.
type Option func(*Client)

// WithTimeout bounds each request (0: no bound beyond the context's).
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithToken makes the Client send an API token of the node (gongxu token
// add) as Authorization: Bearer TOKEN, which the routes that make the node
// sign with its keys (Capture) need. It is sent only to those routes.
func WithToken(token string) Option {
	return func(c *Client) { c.token = token }
}

// WithHTTPClient makes the Client send its requests through hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// New returns a Client of the API at baseURL ("http://127.0.0.1:8080"; a path
// prefix is kept).
func New(baseURL string, opts ...Option) *Client {
	c := &Client{
		base:    strings.TrimRight(baseURL, "/"),
		hc:      http.DefaultClient,
		timeout: DefaultTimeout,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Health reports whether the node can report its status: nil when it can.
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/healthz", nil, nil, "", nil)
}

// Status reports the node and its chain.
func (c *Client) Status(ctx context.Context) (gongxu.Status, error) {
	var st gongxu.Status
	err := c.do(ctx, http.MethodGet, "/v1/status", nil, nil, "", &st)
	return st, err
}

// Submit sends a signed transaction. With wait it returns once the transaction
// is committed or rejected, else after CheckTx. A rejected transaction is a
// TxResult with a non-zero Code, not an error.
func (c *Client) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	var q url.Values
	if !wait {
		q = url.Values{"wait": {"false"}}
	}
	var res gongxu.TxResult
	err := c.do(ctx, http.MethodPost, "/v1/txs", q, tx, "application/octet-stream", &res)
	return res, err
}

// Tx returns a committed transaction by its hash (hex).
func (c *Client) Tx(ctx context.Context, hash string) (gongxu.TxRecord, error) {
	var rec gongxu.TxRecord
	err := c.do(ctx, http.MethodGet, "/v1/txs/"+url.PathEscape(hash), nil, nil, "", &rec)
	return rec, err
}

// RecentTxs returns recent committed transactions, most recent first; limit 0
// means the node's default.
func (c *Client) RecentTxs(ctx context.Context, limit int) ([]gongxu.TxRecord, error) {
	var recs []gongxu.TxRecord
	err := c.do(ctx, http.MethodGet, "/v1/txs", limitQuery(nil, limit), nil, "", &recs)
	return recs, err
}

// Height returns the last height the node's read model has projected.
func (c *Client) Height(ctx context.Context) (int64, error) {
	st, err := c.Status(ctx)
	return st.ReadModelHeight, err
}

// Account reports a signing key: its org and the next sequence to sign with.
func (c *Client) Account(ctx context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	var acc gongxu.Account
	err := c.do(ctx, http.MethodGet, "/v1/accounts/"+url.PathEscape(string(key)), nil, nil, "", &acc)
	return acc, err
}

// Orgs returns the member organizations.
func (c *Client) Orgs(ctx context.Context) ([]gongxu.Org, error) {
	var orgs []gongxu.Org
	err := c.do(ctx, http.MethodGet, "/v1/orgs", nil, nil, "", &orgs)
	return orgs, err
}

// Org returns one member organization.
func (c *Client) Org(ctx context.Context, id gongxu.OrgID) (gongxu.Org, error) {
	var o gongxu.Org
	err := c.do(ctx, http.MethodGet, "/v1/orgs/"+url.PathEscape(string(id)), nil, nil, "", &o)
	return o, err
}

// Validators returns the consensus validators.
func (c *Client) Validators(ctx context.Context) ([]gongxu.Validator, error) {
	var vals []gongxu.Validator
	err := c.do(ctx, http.MethodGet, "/v1/validators", nil, nil, "", &vals)
	return vals, err
}

// Proposals returns governance proposals, most recent first.
func (c *Client) Proposals(ctx context.Context, f gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	q := url.Values{}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	var props []gongxu.Proposal
	err := c.do(ctx, http.MethodGet, "/v1/proposals", limitQuery(q, f.Limit), nil, "", &props)
	return props, err
}

// Proposal returns one governance proposal.
func (c *Client) Proposal(ctx context.Context, id uint64) (gongxu.Proposal, error) {
	var p gongxu.Proposal
	err := c.do(ctx, http.MethodGet, "/v1/proposals/"+strconv.FormatUint(id, 10), nil, nil, "", &p)
	return p, err
}

func limitQuery(q url.Values, limit int) url.Values {
	if limit > 0 {
		if q == nil {
			q = url.Values{}
		}
		q.Set("limit", strconv.Itoa(limit))
	}
	return q
}

// do sends a request and decodes a JSON response into out (nil: discard it).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body []byte, ctype string, out any) error {
	return c.send(ctx, method, path, q, body, ctype, out, false)
}

// doSigning is do for a route that makes the node sign: it sends the API
// token.
func (c *Client) doSigning(ctx context.Context, method, path string, q url.Values, body []byte, ctype string, out any) error {
	return c.send(ctx, method, path, q, body, ctype, out, true)
}

func (c *Client) send(ctx context.Context, method, path string, q url.Values, body []byte, ctype string, out any, signing bool) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	target := c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return &gongxu.Error{Kind: gongxu.KindInvalid, Msg: fmt.Sprintf("bad request URL %q", target), Err: err}
	}
	req.Header.Set("Accept", "application/json")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if signing && c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &gongxu.Error{Kind: gongxu.KindUnavailable, Msg: fmt.Sprintf("%s %s: cannot reach the node", method, target), Err: err}
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return responseError(method, target, resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		if ctx.Err() != nil {
			return &gongxu.Error{Kind: gongxu.KindUnavailable, Msg: fmt.Sprintf("%s %s: reading the response", method, target), Err: err}
		}
		return gongxu.Wrap(err, "%s %s: decoding the response", method, target)
	}
	return nil
}

// responseError turns a non-2xx response into a *gongxu.Error: the API's JSON
// error keeps its kind and message.
func responseError(method, target string, resp *http.Response) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return &gongxu.Error{Kind: gongxu.KindUnavailable, Msg: fmt.Sprintf("%s %s: reading the error response", method, target), Err: err}
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil && e.Code != "" {
		return &gongxu.Error{Kind: gongxu.KindFromString(e.Code), Msg: e.Message}
	}
	// Not the API's error: a proxy or another server answered.
	kind := gongxu.KindInternal
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		kind = gongxu.KindUnavailable
	}
	text := strings.TrimSpace(string(b))
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	return &gongxu.Error{Kind: kind, Msg: fmt.Sprintf("%s %s: HTTP %s: %s", method, target, resp.Status, text)}
}
