package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// demandNode is a fakeNode that also takes the demand side's
// transactions, for the tests of the commands that build and sign them: a
// latest block time, keys that belong to orgs, and the hub batches it was
// sent. It executes nothing but pool/batch transactions, which it records
// as Batch records (as the chain would) so that their receipts can be
// verified. It serves no market: the queries of products, pools, money and
// requests for quote are tested on inproc's World (query_pool_test.go);
// here they fail as a node's read model that is not there (the HTTP edge).
type demandNode struct {
	*fakeNode

	mu        sync.Mutex
	blockTime string                         // RFC 3339; "" before the first block
	orgOf     map[gongxu.PubKey]gongxu.OrgID // the org of each key
	tamper    func(*gongxu.Batch)            // when set, changes every batch record served
}

// noMarket is the read side a demandNode does not have.
var noMarket = inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "this test node has no read model of the market")}

func newDemandNode() *demandNode {
	return &demandNode{
		fakeNode:  newFakeNode(),
		blockTime: "2025-03-01T08:00:57.5Z",
		orgOf:     map[gongxu.PubKey]gongxu.OrgID{},
	}
}

// setOrg makes key a key of org.
func (d *demandNode) setOrg(key gongxu.PubKey, org gongxu.OrgID) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.orgOf[key] = org
}

// serve starts the node's HTTP API, every service of it, for the test.
func (d *demandNode) serve(tb testing.TB) string {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{
		Node: d, Members: d.fakeNode, Txs: d.fakeNode,
		Pools: demandPools{noMarket, d}, RFQs: noMarket, Receipts: demandReceipts{d},
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

func (d *demandNode) Status(ctx context.Context) (gongxu.Status, error) {
	st, err := d.fakeNode.Status(ctx)
	d.mu.Lock()
	st.BlockTime = d.blockTime
	d.mu.Unlock()
	return st, err
}

func (d *demandNode) Account(ctx context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	a, err := d.fakeNode.Account(ctx, key)
	d.mu.Lock()
	a.Org = d.orgOf[key]
	d.mu.Unlock()
	return a, err
}

// batches returns the Batch records of the pool/batch transactions submitted
// for poolID, in order.
func (d *demandNode) batches(poolID uint64) []gongxu.Batch {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []gongxu.Batch
	for i, tx := range d.txs() {
		if tx.Type != pool.TypeBatch {
			continue
		}
		var m pool.MsgBatch
		if err := json.Unmarshal(tx.Body, &m); err != nil || m.Pool != poolID {
			continue
		}
		hub := d.orgOf[tx.SignerKey()]
		hs := make([][32]byte, len(m.Leaves))
		var qty gongxu.Units
		for j, l := range m.Leaves {
			hs[j] = pool.LeafHash(m.Pool, hub, l)
			qty += l.Qty
		}
		root := pool.MerkleRoot(hs)
		b := gongxu.Batch{Pool: m.Pool, Hub: hub, Tx: gongxu.TxHash(tx.Encode()), Root: hex.EncodeToString(root[:]),
			Leaves: int64(len(m.Leaves)), Qty: qty, Height: int64(i + 1)}
		if d.tamper != nil {
			d.tamper(&b)
		}
		out = append(out, b)
	}
	return out
}

// demandPools serves the batches the node was sent, and no market.
type demandPools struct {
	inproc.Broken
	d *demandNode
}

func (p demandPools) Batches(ctx context.Context, id uint64) ([]gongxu.Batch, error) {
	if bs := p.d.batches(id); len(bs) > 0 {
		return bs, nil
	}
	return nil, gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
}

// demandReceipts builds receipts of the batches the node was sent.
type demandReceipts struct{ d *demandNode }

func (r demandReceipts) Receipt(ctx context.Context, tx string, index int) (gongxu.Receipt, error) {
	for _, t := range r.d.txs() {
		if t.Type != pool.TypeBatch || !strings.EqualFold(gongxu.TxHash(t.Encode()), tx) {
			continue
		}
		var m pool.MsgBatch
		if err := json.Unmarshal(t.Body, &m); err != nil || index < 0 || index >= len(m.Leaves) {
			break
		}
		r.d.mu.Lock()
		hub := r.d.orgOf[t.SignerKey()]
		r.d.mu.Unlock()
		return pool.Receipts(gongxu.TxHash(t.Encode()), m.Pool, hub, m.Leaves)[index], nil
	}
	return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "no leaf %d of batch %s", index, tx)
}

var (
	_ gongxu.NodeService    = (*demandNode)(nil)
	_ gongxu.PoolService    = demandPools{}
	_ gongxu.ReceiptService = demandReceipts{}
)

// blockMs is the demandNode's block time in unix ms.
func (d *demandNode) blockMs(t *testing.T) int64 {
	t.Helper()
	bt, err := time.Parse(time.RFC3339Nano, d.blockTime)
	if err != nil {
		t.Fatal(err)
	}
	return bt.UnixMilli()
}
