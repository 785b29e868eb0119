package httpapi

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// busyNode is a node whose admission bound is reached while full is set:
// Submit answers KindBusy, as comet.Node does, and admits again once the
// mempool has drained (full cleared).
type busyNode struct {
	gongxu.NodeService
	full atomic.Bool
}

func (n *busyNode) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	if n.full.Load() {
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindBusy, "busy: the node holds 6000 transactions waiting for blocks; send the same transaction again in a second")
	}
	return n.NodeService.Submit(ctx, tx, wait)
}

// TestSubmitBusy: a node at its admission bound answers POST /v1/txs with
// 503, code busy and Retry-After, as the document says, and admits the same
// transaction once it has drained.
func TestSubmitBusy(t *testing.T) {
	e := netEnv(t)
	n := &busyNode{NodeService: e.cfg.Node}
	n.full.Store(true)
	e.cfg.Node = n
	tx := e.tx("busy")
	rec := e.do("POST", "/v1/txs", octet, tx)
	var eb errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 503 || eb.Code != "busy" || rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("at the bound: %d %q %+v", rec.Code, rec.Header().Get("Retry-After"), eb)
	}
	documented(t, "POST /v1/txs", rec.Code, rec.Body.Bytes(), "Retry-After")

	// Other 503s carry no Retry-After: only busy says when to come back.
	e.cfg.Node = nodeUnavailable{n}
	if rec := e.do("POST", "/v1/txs", octet, tx); rec.Code != 503 || rec.Header().Get("Retry-After") != "" {
		t.Fatalf("unavailable: %d %q", rec.Code, rec.Header().Get("Retry-After"))
	}

	e.cfg.Node = n
	n.full.Store(false) // drained
	rec = e.do("POST", "/v1/txs", octet, tx)
	var res gongxu.TxResult
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || res.Code != 0 || res.Height == 0 {
		t.Fatalf("after draining: %d %s", rec.Code, rec.Body)
	}
}

type nodeUnavailable struct{ gongxu.NodeService }

func (nodeUnavailable) Submit(context.Context, []byte, bool) (gongxu.TxResult, error) {
	return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the node is stopping")
}
