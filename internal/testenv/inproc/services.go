package inproc

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// Node is the Net as gongxu.NodeService: a submitted transaction is judged
// by CheckTx; with wait it is committed in a block of its own (with the
// transactions accepted without waiting before it) and projected before
// Submit returns, so what a caller reads next has it.
func (n *Net) Node() gongxu.NodeService { return nodeService{n} }

type nodeService struct{ n *Net }

// NodeID and Moniker are what Status reports of the node.
const (
	NodeID  = "1f2e3d4c5b6a79880716253443526170"
	Moniker = "inproc"
)

func (s nodeService) Status(ctx context.Context) (gongxu.Status, error) {
	n := s.n
	n.mu.Lock()
	h, root := n.h.App.Info()
	st := gongxu.Status{ChainID: ChainID, NodeID: NodeID, Moniker: Moniker, Height: h,
		AppHash: strings.ToUpper(hex.EncodeToString(root)), BlockTime: rfc3339(n.last), MempoolTxs: len(n.pending), Version: gongxu.Version}
	n.mu.Unlock()
	vals, err := n.read.Validators(ctx)
	if err != nil {
		return st, err
	}
	st.Validators = vals
	st.ReadModelHeight, err = n.read.Height(ctx)
	return st, err
}

func (s nodeService) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	s.n.mu.Lock()
	defer s.n.mu.Unlock()
	return s.n.submit(tx, wait), nil
}

// submit is Submit with n.mu held.
func (n *Net) submit(tx []byte, wait bool) gongxu.TxResult {
	hash := gongxu.TxHash(tx)
	r := n.h.App.CheckTx(tx)
	if r.Code != 0 || !wait {
		if r.Code == 0 {
			n.pending = append(n.pending, slices.Clone(tx))
		} else {
			n.resync(r.Signer)
		}
		return gongxu.TxResult{Hash: hash, Code: r.Code, Kind: kindName(r.Code), Message: r.Log}
	}
	res := n.block([][]byte{tx})
	t := res.Txs[len(res.Txs)-1]
	n.resync(t.Signer) // perhaps signed elsewhere: the next sequence is the chain's
	return gongxu.TxResult{Hash: t.Hash, Height: res.Height, Code: t.Code, Kind: kindName(t.Code), Message: t.Log}
}

func (s nodeService) Account(ctx context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	return s.n.h.App.Account(key)
}

// Sent is a message an Operator sent, with the ledger's answer.
type Sent struct {
	Type   string
	Body   json.RawMessage
	Result gongxu.TxResult
}

// Operator is gongxu.Operator of a Net: it signs for an org with the org's
// first key (Key(org)), submits and waits for the commit, and keeps what it
// sent.
type Operator struct {
	n    *Net
	mu   sync.Mutex
	org  gongxu.OrgID
	sent []Sent
}

// Operator returns an operator signing for org ("": a node whose key
// belongs to no org).
func (n *Net) Operator(org gongxu.OrgID) *Operator { return &Operator{n: n, org: org} }

// SetOrg makes the operator sign for another org, as a node whose key
// changed hands.
func (o *Operator) SetOrg(org gongxu.OrgID) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.org = org
}

// Org implements gongxu.Operator.
func (o *Operator) Org(context.Context) (gongxu.OrgID, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.org, nil
}

// Send implements gongxu.Operator.
func (o *Operator) Send(ctx context.Context, typ string, body any) (gongxu.TxResult, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return gongxu.TxResult{}, gongxu.Wrap(err, "encode %s", typ)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.n
	n.mu.Lock()
	n.names[Key(string(o.org))] = string(o.org)
	res := n.submit(n.h.SignRaw(string(o.org), typ, b), true)
	n.mu.Unlock()
	o.sent = append(o.sent, Sent{Type: typ, Body: b, Result: res})
	return res, nil
}

// Sent returns what the operator sent, in order.
func (o *Operator) Sent() []Sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.sent)
}

// Receipts is gongxu.ReceiptService over the Net, as a node serves it: the
// batch transaction found through the read model, read back as committed.
func (n *Net) Receipts() gongxu.ReceiptService { return receipts{n} }

type receipts struct{ n *Net }

func (r receipts) Receipt(ctx context.Context, batchTx string, index int) (gongxu.Receipt, error) {
	rec, err := r.n.read.Tx(ctx, batchTx)
	if err != nil {
		return gongxu.Receipt{}, err
	}
	if rec.Type != "pool/batch" || rec.Code != 0 {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "transaction %s is not a committed hub batch", batchTx)
	}
	r.n.mu.Lock()
	raw, ok := r.n.raw[rec.Hash]
	r.n.mu.Unlock()
	if !ok {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "block %d of batch %s is not in the block store", rec.Height, batchTx)
	}
	tx, _, err := gongxu.DecodeTx(raw, 0)
	if err != nil {
		return gongxu.Receipt{}, gongxu.Wrap(err, "decode batch %s", batchTx)
	}
	m, err := pool.DecodeBatchBody(tx.Body) // JSON, packed or binary: the same leaves
	if err != nil {
		return gongxu.Receipt{}, gongxu.Wrap(err, "decode batch %s body", batchTx)
	}
	if index < 0 || index >= len(m.Leaves) {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "batch %s has %d leaves; there is no leaf %d", batchTx, len(m.Leaves), index)
	}
	return pool.Receipts(rec.Hash, m.Pool, rec.Org, m.Leaves)[index], nil
}

// TraceProof returns a trace event as the read model holds it and the
// Merkle proof of its leaf in its transaction's batch (web.TraceProofFunc).
func (n *Net) TraceProof(ctx context.Context, id string) (gongxu.TraceEvent, []string, error) {
	e, err := n.read.Event(ctx, id)
	if err != nil {
		return e, nil, err
	}
	b, err := n.read.Batch(ctx, e.Anchor.Tx)
	if err != nil {
		return e, nil, err
	}
	p, err := b.Proof(e.Anchor.Index)
	return e, p, err
}

// Progress returns a pool's progress points, oldest first.
func (n *Net) Progress(ctx context.Context, pool uint64) ([]sqlite.ProgressPoint, error) {
	return n.read.PoolProgressPoints(ctx, pool)
}

// Operators is gongxu.Operators of a Net: a node holding the keys of
// several orgs (the demo's), acting for Operator's org unless asked.
type Operators struct {
	*Operator
	Keys []gongxu.OrgID // the orgs whose keys the node holds, sorted
}

// Orgs implements gongxu.Operators.
func (o Operators) Orgs(context.Context) ([]gongxu.OrgID, error) { return slices.Clone(o.Keys), nil }

// As implements gongxu.Operators.
func (o Operators) As(_ context.Context, org gongxu.OrgID) (gongxu.Operator, error) {
	if !slices.Contains(o.Keys, org) {
		return nil, gongxu.Errorf(gongxu.KindNotFound, "this node holds no key of %s", org)
	}
	return o.n.Operator(org), nil
}
