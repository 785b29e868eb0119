package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// signer signs and submits transactions for keys of the node's keyring,
// one at a time per node, so concurrent senders never reuse a sequence.
type signer struct {
	n  *node
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
	raw := gongxu.SignTx(s.n.chain.ChainID(), k.Private, typ, b, acc.Sequence).Encode()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return readYourWrites{s.n}.Submit(wctx, raw, true)
}

// operator is gongxu.Operator: the node's own org, signing with the
// "operator" key of its keyring.
type operator struct{ s *signer }

var _ gongxu.Operator = operator{}

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

// receipts is gongxu.ReceiptService: it finds a batch transaction through the
// read model, reads it back from the block store and builds the receipt of
// one of its leaves.
type receipts struct{ n *node }

var _ gongxu.ReceiptService = receipts{}

func (r receipts) Receipt(ctx context.Context, batchTx string, index int) (gongxu.Receipt, error) {
	rec, err := r.n.read.Tx(ctx, batchTx)
	if err != nil {
		return gongxu.Receipt{}, err
	}
	if rec.Type != pool.TypeBatch || rec.Code != 0 {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "transaction %s is not a committed hub batch", batchTx)
	}
	blk := r.n.comet.CometBFT().BlockStore().LoadBlock(rec.Height)
	if blk == nil || rec.Index >= len(blk.Txs) {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "block %d of batch %s is not in the block store", rec.Height, batchTx)
	}
	tx, _, err := gongxu.DecodeTx(blk.Txs[rec.Index], 0)
	if err != nil {
		return gongxu.Receipt{}, gongxu.Wrap(err, "decode batch %s", batchTx)
	}
	var m pool.MsgBatch
	dec := json.NewDecoder(bytes.NewReader(tx.Body))
	if err := dec.Decode(&m); err != nil {
		return gongxu.Receipt{}, gongxu.Wrap(err, "decode batch %s body", batchTx)
	}
	if index < 0 || index >= len(m.Leaves) {
		return gongxu.Receipt{}, gongxu.Errorf(gongxu.KindNotFound, "batch %s has %d leaves; there is no leaf %d", batchTx, len(m.Leaves), index)
	}
	all := pool.Receipts(rec.Hash, m.Pool, rec.Org, m.Leaves)
	return all[index], nil
}

// planCache is gongxu.PlanService over another, computing each factory's
// plan once per read-model height: the API's GET /v1/plan/{factory} and the
// factory console answer anonymous readers, and a plan reads the whole
// production state. Requests at one height share the one computation (also
// while it runs); a new height starts afresh. Only plans and the errors the
// ledger decides (not found, invalid master data) are kept.
type planCache struct {
	plans  gongxu.PlanService
	height func(context.Context) (int64, error)
	runs   prometheus.Counter

	mu      sync.Mutex
	at      int64
	entries map[gongxu.OrgID]*planEntry
}

// planEntry is one factory's plan at the cache's height.
type planEntry struct {
	done chan struct{}
	view gongxu.PlanView
	err  error
}

// maxCachedPlans bounds the factories kept per height (a plan of an unknown
// org is a cheap not-found; past the bound, plans are computed uncached).
const maxCachedPlans = 256

// planTimeout bounds one computation, which runs for every reader waiting
// on it whatever their own deadlines.
const planTimeout = 30 * time.Second

func newPlanCache(p gongxu.PlanService, height func(context.Context) (int64, error), reg *prometheus.Registry) *planCache {
	c := &planCache{plans: p, height: height, entries: map[gongxu.OrgID]*planEntry{},
		runs: prometheus.NewCounter(prometheus.CounterOpts{Name: "gongxu_plan_computations_total",
			Help: "Plans computed for the API and the pages (each factory at most once per read-model height)."})}
	if reg != nil {
		reg.MustRegister(c.runs)
	}
	return c
}

// Plan implements gongxu.PlanService.
func (c *planCache) Plan(ctx context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	h, err := c.height(ctx)
	if err != nil {
		return gongxu.PlanView{}, err
	}
	c.mu.Lock()
	if h != c.at {
		c.at, c.entries = h, map[gongxu.OrgID]*planEntry{}
	}
	e, ok := c.entries[factory]
	if !ok {
		e = &planEntry{done: make(chan struct{})}
		if len(c.entries) < maxCachedPlans {
			c.entries[factory] = e
		}
		c.mu.Unlock()
		c.compute(ctx, h, factory, e)
		return e.view, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.view, e.err
	case <-ctx.Done():
		return gongxu.PlanView{}, ctx.Err()
	}
}

// compute runs the plan of e, detached from the asking request (others may
// wait on it), and forgets it unless it is worth keeping.
func (c *planCache) compute(ctx context.Context, h int64, factory gongxu.OrgID, e *planEntry) {
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), planTimeout)
	defer cancel()
	c.runs.Inc()
	e.view, e.err = c.plans.Plan(pctx, factory)
	close(e.done)
	if k := gongxu.ErrorKind(e.err); k != gongxu.KindOK && k != gongxu.KindNotFound && k != gongxu.KindInvalid {
		c.mu.Lock()
		if c.at == h && c.entries[factory] == e {
			delete(c.entries, factory)
		}
		c.mu.Unlock()
	}
}
