package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RPC is a small client of CometBFT's JSON-RPC over HTTP, shared by the
// load generator (broadcast_tx_sync) and the block poller. Both apps under
// test are driven through exactly this path.
type RPC struct {
	hc *http.Client
}

// NewRPC returns a client with keep-alive connections enough for conns
// concurrent requests per node.
func NewRPC(conns int) *RPC {
	tr := &http.Transport{
		MaxIdleConns:        conns * 8,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &RPC{hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Close drops the idle connections.
func (c *RPC) Close() { c.hc.CloseIdleConnections() }

// RPCError is a JSON-RPC error answer (for instance "mempool is full").
type RPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *RPCError) Error() string {
	return fmt.Sprintf("rpc error %d: %s: %s", e.Code, e.Message, e.Data)
}

type rpcReq struct {
	JSONRPC string `json:"jsonrpc"`
	ID      int    `json:"id"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

type rpcResp struct {
	Result json.RawMessage `json:"result"`
	Error  *RPCError       `json:"error"`
}

func (c *RPC) call(ctx context.Context, node, method string, params, out any) error {
	body, err := json.Marshal(rpcReq{JSONRPC: "2.0", ID: 1, Method: method, Params: params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, node, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var r rpcResp
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%s: HTTP %d: %.200s", method, res.StatusCode, raw)
	}
	if r.Error != nil {
		return r.Error
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Result, out)
}

// CheckResult is the answer of broadcast_tx_sync: CheckTx's verdict.
type CheckResult struct {
	Code uint32 `json:"code"`
	Log  string `json:"log"`
	Hash string `json:"hash"`
}

// BroadcastTxSync submits tx to node and returns CheckTx's answer.
func (c *RPC) BroadcastTxSync(ctx context.Context, node string, tx []byte) (CheckResult, error) {
	var r CheckResult
	err := c.call(ctx, node, "broadcast_tx_sync", map[string]string{"tx": base64.StdEncoding.EncodeToString(tx)}, &r)
	return r, err
}

// APIError is a gongxu API's error answer: the HTTP status and the body
// {"code": kind, "message": ...}.
type APIError struct {
	Status  int
	Code    string // the error's kind: "busy", "invalid", …
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("api: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// maxAPIAnswer bounds what SubmitTx reads of an answer.
const maxAPIAnswer = 64 << 10

// SubmitTx submits tx through a gongxu node's own API at base
// (http://host:port): POST /v1/txs?wait=false with the signed transaction's
// bytes as application/octet-stream. Neither side encodes the tx in base64
// nor in a JSON-RPC envelope; the node answers once CheckTx has (a code ≠ 0
// is CheckTx's refusal, a tx already in the mempool's cache is code 0).
// A node that sheds load answers an *APIError of Code "busy" (HTTP 503), as
// does a full mempool.
func (c *RPC) SubmitTx(ctx context.Context, base string, tx []byte) (CheckResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/txs?wait=false", bytes.NewReader(tx))
	if err != nil {
		return CheckResult{}, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := c.hc.Do(req)
	if err != nil {
		return CheckResult{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAPIAnswer))
	if err != nil {
		return CheckResult{}, err
	}
	return parseSubmitAnswer(res.StatusCode, raw)
}

// parseSubmitAnswer reads the answer of POST /v1/txs: a gongxu.TxResult on
// 200, an error body otherwise.
func parseSubmitAnswer(status int, raw []byte) (CheckResult, error) {
	if status != http.StatusOK {
		var e struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(raw, &e); err != nil || e.Code == "" {
			return CheckResult{}, &APIError{Status: status, Code: "http", Message: fmt.Sprintf("%.200q", raw)}
		}
		return CheckResult{}, &APIError{Status: status, Code: e.Code, Message: e.Message}
	}
	var r struct {
		Hash    string  `json:"hash"`
		Code    *uint32 `json:"code"`
		Message string  `json:"message"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || r.Code == nil || r.Hash == "" {
		return CheckResult{}, fmt.Errorf("api: POST /v1/txs: not a transaction result: %.200q", raw)
	}
	return CheckResult{Code: *r.Code, Log: r.Message, Hash: r.Hash}, nil
}

// isBusy reports whether err is a gongxu API's "busy, retry" answer.
func isBusy(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == "busy"
}

// Height returns the node's latest stored block height.
func (c *RPC) Height(ctx context.Context, node string) (int64, error) {
	var r struct {
		SyncInfo struct {
			Height string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := c.call(ctx, node, "status", map[string]any{}, &r); err != nil {
		return 0, err
	}
	return strconv.ParseInt(r.SyncInfo.Height, 10, 64)
}

// Block is what the poller needs of a committed block.
type Block struct {
	Height int64
	Time   time.Time  // block time (BFT time)
	Hashes [][32]byte // sha256 of each tx, in order
	Codes  []uint32   // FinalizeBlock result code of each tx
	Logs   []string   // and its log, when the code is not 0
	// LastRound is the round its previous height was decided in (its last
	// commit's): above 0, that height took more than one proposal.
	LastRound int
}

// Block fetches block h, and its results if results is set (otherwise every
// code is 0).
func (c *RPC) Block(ctx context.Context, node string, h int64, results bool) (Block, error) {
	var b struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
			Data struct {
				Txs []string `json:"txs"`
			} `json:"data"`
			LastCommit struct {
				Round int `json:"round"`
			} `json:"last_commit"`
		} `json:"block"`
	}
	hs := strconv.FormatInt(h, 10)
	var r struct {
		Txs []struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"txs_results"`
	}
	// The results first: a node stores a block before it executes it, so
	// while it executes a large one (seconds), asking for /block first made
	// it encode the whole block (up to 4 MB of base64 JSON) again at every
	// retry of the poller, only for /block_results to fail (issue 17).
	if results {
		if err := c.call(ctx, node, "block_results", map[string]string{"height": hs}, &r); err != nil {
			return Block{}, err
		}
	}
	if err := c.call(ctx, node, "block", map[string]string{"height": hs}, &b); err != nil {
		return Block{}, err
	}
	if !results {
		r.Txs = make([]struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		}, len(b.Block.Data.Txs))
	}
	out := Block{Height: h, Time: b.Block.Header.Time, LastRound: b.Block.LastCommit.Round, Hashes: make([][32]byte, len(b.Block.Data.Txs)), Codes: make([]uint32, len(b.Block.Data.Txs)), Logs: make([]string, len(b.Block.Data.Txs))}
	if len(r.Txs) != len(out.Hashes) {
		return Block{}, fmt.Errorf("block %d has %d txs but %d results", h, len(out.Hashes), len(r.Txs))
	}
	for i, t := range b.Block.Data.Txs {
		raw, err := base64.StdEncoding.DecodeString(t)
		if err != nil {
			return Block{}, fmt.Errorf("block %d tx %d: %v", h, i, err)
		}
		out.Hashes[i] = sha256.Sum256(raw)
		out.Codes[i] = r.Txs[i].Code
		if out.Codes[i] != 0 {
			out.Logs[i] = r.Txs[i].Log
		}
	}
	return out, nil
}

// MempoolSize returns the number of transactions in node's mempool.
func (c *RPC) MempoolSize(ctx context.Context, node string) (int, error) {
	var r struct {
		N json.RawMessage `json:"n_txs"`
	}
	if err := c.call(ctx, node, "num_unconfirmed_txs", map[string]any{}, &r); err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.Trim(string(r.N), `"`))
}

// ABCIQuery runs an ABCI query on node and returns the value, or an error
// carrying the log when the code is not 0.
func (c *RPC) ABCIQuery(ctx context.Context, node, path string, data []byte) ([]byte, error) {
	v, _, err := c.ABCIQueryAt(ctx, node, path, data)
	return v, err
}

// ABCIQueryAt is ABCIQuery with the height of the state that answered.
func (c *RPC) ABCIQueryAt(ctx context.Context, node, path string, data []byte) ([]byte, int64, error) {
	var r struct {
		Response struct {
			Code   uint32  `json:"code"`
			Log    string  `json:"log"`
			Value  []byte  `json:"value"`
			Height jsonInt `json:"height"`
		} `json:"response"`
	}
	if err := c.call(ctx, node, "abci_query", map[string]string{"path": path, "data": hex.EncodeToString(data)}, &r); err != nil {
		return nil, 0, err
	}
	if r.Response.Code != 0 {
		return nil, 0, fmt.Errorf("abci_query %s: code %d: %s", path, r.Response.Code, r.Response.Log)
	}
	return r.Response.Value, int64(r.Response.Height), nil
}

// AppHeight returns the height of the last block node's application has
// finished (abci_info): its results are known, which /status's height (the
// block store's) does not say.
func (c *RPC) AppHeight(ctx context.Context, node string) (int64, error) {
	var r struct {
		Response struct {
			Height jsonInt `json:"last_block_height"`
		} `json:"response"`
	}
	if err := c.call(ctx, node, "abci_info", map[string]any{}, &r); err != nil {
		return 0, err
	}
	return int64(r.Response.Height), nil
}

// jsonInt is an int64 that CometBFT's JSON writes as a string ("12"); a
// bare number is taken too, and an absent field is 0.
type jsonInt int64

func (n *jsonInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || s[0] == '+' {
		return fmt.Errorf("not an integer: %.40q", b)
	}
	*n = jsonInt(v)
	return nil
}

// WaitReady waits until every node answers and node 0 has stored at least
// height minHeight.
func (c *RPC) WaitReady(ctx context.Context, nodes []string, minHeight int64) error {
	var last error
	for {
		ok := true
		for i, n := range nodes {
			h, err := c.Height(ctx, n)
			if err != nil {
				last, ok = err, false
				break
			}
			if i == 0 && h < minHeight {
				last, ok = fmt.Errorf("node 0 at height %d", h), false
				break
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("network not ready: %v (%w)", last, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// isInCache reports whether err says the tx is already in the mempool cache
// (it was accepted before).
func isInCache(err error) bool {
	return err != nil && strings.Contains(err.Error(), "already exists in cache")
}

// isMempoolFull reports whether err says the mempool is full.
func isMempoolFull(err error) bool {
	return err != nil && strings.Contains(err.Error(), "mempool is full")
}
