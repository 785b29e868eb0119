package testenv

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// rpcResponse is CometBFT's JSON-RPC envelope.
type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

// rpc calls a method of node i's CometBFT RPC (URI form, e.g.
// "block_results?height=3") and decodes its result into out.
func (n *Network) rpc(ctx context.Context, i int, call string, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	url := n.Nodes[i].RPC + "/" + call
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("node %d: rpc %s: %w", i, call, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("node %d: rpc %s: %w", i, call, err)
	}
	var r rpcResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("node %d: rpc %s: HTTP %s: %.200s", i, call, resp.Status, b)
	}
	if r.Error != nil {
		return fmt.Errorf("node %d: rpc %s: %s %s", i, call, r.Error.Message, r.Error.Data)
	}
	return json.Unmarshal(r.Result, out)
}

// AppHash returns the app hash that node i computed after executing height h
// (upper-case hex, as in /v1/status), read from CometBFT's RPC
// (/block_results, the stored FinalizeBlock response). Hashes at one height
// compare across nodes; the header of block h+1 carries the same value once
// that block exists.
func (n *Network) AppHash(i int, h int64) (string, error) {
	var res struct {
		AppHash string `json:"app_hash"` // base64
	}
	if err := n.rpc(context.Background(), i, "block_results?height="+strconv.FormatInt(h, 10), &res); err != nil {
		return "", err
	}
	b, err := base64.StdEncoding.DecodeString(res.AppHash)
	if err != nil || len(b) == 0 {
		return "", fmt.Errorf("node %d: app hash at height %d is %q", i, h, res.AppHash)
	}
	return fmt.Sprintf("%X", b), nil
}

// BlockHash returns the hash of block h on node i, from CometBFT's /commit.
func (n *Network) BlockHash(i int, h int64) (string, error) {
	var res struct {
		SignedHeader struct {
			Commit struct {
				BlockID struct {
					Hash string `json:"hash"`
				} `json:"block_id"`
			} `json:"commit"`
		} `json:"signed_header"`
	}
	if err := n.rpc(context.Background(), i, "commit?height="+strconv.FormatInt(h, 10), &res); err != nil {
		return "", err
	}
	if res.SignedHeader.Commit.BlockID.Hash == "" {
		return "", fmt.Errorf("node %d: no commit for height %d", i, h)
	}
	return res.SignedHeader.Commit.BlockID.Hash, nil
}

// CompareChains checks that the given nodes (all when none is given) hold the
// same block and computed the same app hash at every height from..to. It
// returns an error naming the first difference.
func (n *Network) CompareChains(from, to int64, nodes ...int) error {
	if len(nodes) == 0 {
		for i := range n.Nodes {
			nodes = append(nodes, i)
		}
	}
	for h := from; h <= to; h++ {
		var app0, blk0 string
		for k, i := range nodes {
			app, err := n.AppHash(i, h)
			if err != nil {
				return err
			}
			blk, err := n.BlockHash(i, h)
			if err != nil {
				return err
			}
			if k == 0 {
				app0, blk0 = app, blk
				continue
			}
			if blk != blk0 {
				return fmt.Errorf("fork at height %d: node %d has block %s, node %d has block %s", h, nodes[0], blk0, i, blk)
			}
			if app != app0 {
				return fmt.Errorf("app hashes differ after height %d: node %d has %s, node %d has %s", h, nodes[0], app0, i, app)
			}
		}
	}
	return nil
}
