package node

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// readYourWrites answers a committed transaction only once the read model
// has projected its block, so a client that submits and then queries sees
// its own change.
type readYourWrites struct{ n *Node }

func (w readYourWrites) Status(ctx context.Context) (gongxu.Status, error) {
	return w.n.comet.Status(ctx)
}

func (w readYourWrites) Account(ctx context.Context, k gongxu.PubKey) (gongxu.Account, error) {
	return w.n.comet.Account(ctx, k)
}

func (w readYourWrites) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	r, err := w.n.comet.Submit(ctx, tx, wait)
	if err != nil || !wait || r.Height == 0 {
		return r, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := w.n.WaitProjected(wctx, r.Height); err != nil {
		w.n.log.Warn("read model is behind the chain", "height", r.Height, "err", err)
	}
	return r, nil
}

// signer signs and submits transactions for keys of the node's keyring,
// one at a time per node, so concurrent senders never reuse a sequence.
type signer struct {
	n  *Node
	kr *keyring.Keyring
	mu sync.Mutex
}

// send signs body as a typ message with the keyring key keyName, submits it
// and waits for the commit (and the read model).
func (s *signer) send(ctx context.Context, keyName, typ string, body any) (gongxu.TxResult, error) {
	k, err := s.kr.Get(keyName)
	if err != nil {
		return gongxu.TxResult{}, err
	}
	b, err := json.Marshal(body)
	if err != nil {
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindInvalid, "%s body: %v", typ, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acc, err := s.n.comet.Account(ctx, k.PubKey)
	if err != nil {
		return gongxu.TxResult{}, err
	}
	if b, err = s.n.sealBody(acc.Org, typ, b); err != nil {
		return gongxu.TxResult{}, err
	}
	raw := gongxu.SignTx(s.n.chain.ChainID(), k.Private, typ, b, acc.Sequence).Encode()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return readYourWrites{s.n}.Submit(wctx, raw, true)
}

// operator is gongxu.Operator: the node's own org, signing with the
// "operator" key of its keyring.
type operator struct{ s *signer }

var _ gongxu.Operators = operator{}

func (o operator) Org(ctx context.Context) (gongxu.OrgID, error) {
	k, err := o.s.kr.Get(OperatorKey)
	if err != nil {
		return "", err
	}
	acc, err := o.s.n.comet.Account(ctx, k.PubKey)
	return acc.Org, err
}

func (o operator) Send(ctx context.Context, typ string, body any) (gongxu.TxResult, error) {
	return o.s.send(ctx, OperatorKey, typ, body)
}

// keyOrgs are the keyring's keys that belong to member orgs, by org (the
// operator key first, then by key name): which orgs this node can act for.
func (o operator) keyOrgs(ctx context.Context) (map[gongxu.OrgID]string, error) {
	keys, err := o.s.kr.List()
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(keys, func(a, b keyring.Key) int { // the operator key first
		switch {
		case a.Name == b.Name:
			return 0
		case a.Name == OperatorKey:
			return -1
		case b.Name == OperatorKey:
			return 1
		}
		return cmp.Compare(a.Name, b.Name)
	})
	out := map[gongxu.OrgID]string{}
	for _, k := range keys {
		acc, err := o.s.n.comet.Account(ctx, k.PubKey)
		if err != nil {
			return nil, err
		}
		if _, seen := out[acc.Org]; acc.Org != "" && !seen {
			out[acc.Org] = k.Name
		}
	}
	return out, nil
}

func (o operator) Orgs(ctx context.Context) ([]gongxu.OrgID, error) {
	m, err := o.keyOrgs(ctx)
	if err != nil {
		return nil, err
	}
	ids := slices.Collect(maps.Keys(m))
	slices.Sort(ids)
	return ids, nil
}

func (o operator) As(ctx context.Context, org gongxu.OrgID) (gongxu.Operator, error) {
	m, err := o.keyOrgs(ctx)
	if err != nil {
		return nil, err
	}
	name, ok := m[org]
	if !ok {
		return nil, gongxu.Errorf(gongxu.KindNotFound, "this node holds no key of %s", org)
	}
	return namedSigner{s: o.s, key: name, org: org}, nil
}

// namedSigner acts for org with the keyring key named key.
type namedSigner struct {
	s   *signer
	key string
	org gongxu.OrgID
}

func (n namedSigner) Org(context.Context) (gongxu.OrgID, error) { return n.org, nil }

func (n namedSigner) Send(ctx context.Context, typ string, body any) (gongxu.TxResult, error) {
	return n.s.send(ctx, n.key, typ, body)
}

// receipts is gongxu.ReceiptService: it finds a batch transaction through the
// read model, reads it back from the block store and builds the receipt of
// one of its leaves.
type receipts struct{ n *Node }

var _ gongxu.ReceiptService = receipts{}

func (r receipts) Receipt(ctx context.Context, batchTx string, index int) (gongxu.Receipt, error) {
	rec, err := r.n.read.Tx(ctx, batchTx)
	if err != nil {
		return gongxu.Receipt{}, err
	}
	if rec.Type != pool.TypeBatch || rec.Code != 0 {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "transaction %s is not a committed hub batch", batchTx)
	}
	raw, ok := r.n.comet.BlockTx(rec.Height, rec.Index)
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
	all := pool.Receipts(rec.Hash, m.Pool, rec.Org, m.Leaves)
	return all[index], nil
}
