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
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// demandNode is a fakeNode that also serves the demand side: a latest block
// time, keys that belong to orgs, the fixed products, pools, money and
// requests for quote of httpapi/fake, and the hub batches it was sent. It
// executes nothing but pool/batch transactions, which it records as Batch
// records (as the chain would) so that their receipts can be verified.
type demandNode struct {
	*fakeNode
	market *fake.Pools
	rfqs   *fake.RFQs

	mu        sync.Mutex
	blockTime string                         // RFC 3339; "" before the first block
	orgOf     map[gongxu.PubKey]gongxu.OrgID // the org of each key
	tamper    func(*gongxu.Batch)            // when set, changes every batch record served
}

func newDemandNode() *demandNode {
	market, rfqs, _ := fake.NewMarket()
	return &demandNode{
		fakeNode:  newFakeNode(),
		market:    market,
		rfqs:      rfqs,
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
		Pools: demandPools{d}, RFQs: d.rfqs, Receipts: demandReceipts{d},
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

// demandPools is the fixed market, with the batches the node was sent.
type demandPools struct{ d *demandNode }

func (p demandPools) Products(ctx context.Context, f gongxu.OrgID) ([]gongxu.Product, error) {
	return p.d.market.Products(ctx, f)
}
func (p demandPools) Product(ctx context.Context, id gongxu.ProductID) (gongxu.Product, error) {
	return p.d.market.Product(ctx, id)
}
func (p demandPools) Pools(ctx context.Context, f gongxu.PoolFilter) ([]gongxu.Pool, error) {
	return p.d.market.Pools(ctx, f)
}
func (p demandPools) Pool(ctx context.Context, id uint64) (gongxu.Pool, error) {
	return p.d.market.Pool(ctx, id)
}
func (p demandPools) HubShares(ctx context.Context, id uint64) ([]gongxu.HubShare, error) {
	return p.d.market.HubShares(ctx, id)
}
func (p demandPools) Batches(ctx context.Context, id uint64) ([]gongxu.Batch, error) {
	if bs := p.d.batches(id); len(bs) > 0 {
		return bs, nil
	}
	return p.d.market.Batches(ctx, id)
}
func (p demandPools) Balances(ctx context.Context, a gongxu.AccountID) ([]gongxu.Balance, error) {
	return p.d.market.Balances(ctx, a)
}
func (p demandPools) Movements(ctx context.Context, a gongxu.AccountID, limit int) ([]gongxu.Movement, error) {
	return p.d.market.Movements(ctx, a, limit)
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
