package inproc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
)

// The flows a story is told with, each one or a few transactions through
// the real chain; ids the ledger gives are read back from the read model.

// Day is a day of block time, in ms.
const Day = int64(24 * 3600 * 1000)

// Hour is an hour of block time, in ms.
const Hour = int64(3600 * 1000)

// Propose opens a proposal by proposer's org and returns its id.
func (n *Net) Propose(proposer string, body M) uint64 {
	n.t.Helper()
	n.Send(proposer, "member/propose", body)
	ps, err := n.read.Proposals(context.Background(), gongxu.ProposalFilter{Limit: 1})
	if err != nil || len(ps) == 0 {
		n.t.Fatalf("the proposal of %s is not in the read model: %v", proposer, err)
	}
	return ps[0].ID
}

// Vote votes on a proposal for voter's org.
func (n *Net) Vote(voter string, proposal uint64, yes bool) {
	n.t.Helper()
	n.Send(voter, "member/vote", M{"proposal": proposal, "yes": yes})
}

// Admit admits org by a proposal of proposer's org that voters vote yes
// on; it returns the proposal's id.
func (n *Net) Admit(proposer string, org gongxu.Org, voters ...string) uint64 {
	n.t.Helper()
	if len(org.Keys) == 0 {
		org.Keys = []gongxu.PubKey{n.NameKey(string(org.ID))}
	}
	id := n.Propose(proposer, M{"kind": gongxu.ProposalAdmitOrg, "title": "Admit " + org.Name, "org": org})
	for _, v := range voters {
		n.Vote(v, id, true)
	}
	return id
}

// NewestPool is the id of the pool opened last.
func (n *Net) NewestPool() uint64 {
	n.t.Helper()
	ps, err := n.read.Pools(context.Background(), gongxu.PoolFilter{Limit: 1})
	if err != nil || len(ps) == 0 {
		n.t.Fatalf("no pool in the read model: %v", err)
	}
	return ps[0].ID
}

// OpenPool opens a pool by factory's org and returns its id.
func (n *Net) OpenPool(factory string, body M) uint64 {
	n.t.Helper()
	n.Send(factory, "pool/open", body)
	return n.NewestPool()
}

// Consumer is a hub's consumer in a batch: the leaf the batch holds and the
// pickup secret only the consumer's copy of the receipt carries.
type Consumer struct {
	Leaf   gongxu.PoolLeaf
	Secret string
}

// Batch is a hub's committed batch of consumers' pledges into a pool.
type Batch struct {
	Tx        string
	Pool      uint64
	Hub       gongxu.OrgID
	Consumers []Consumer
}

// Receipt is the consumer's copy of the receipt of leaf i: with its
// pickup secret.
func (b Batch) Receipt(i int) gongxu.Receipt {
	leaves := make([]gongxu.PoolLeaf, len(b.Consumers))
	for k, c := range b.Consumers {
		leaves[k] = c.Leaf
	}
	r := pool.Receipts(b.Tx, b.Pool, b.Hub, leaves)[i]
	r.Secret = b.Consumers[i].Secret
	return r
}

// Qty is the batch's total quantity.
func (b Batch) Qty() int64 {
	var q int64
	for _, c := range b.Consumers {
		q += int64(c.Leaf.Qty)
	}
	return q
}

// Consumers makes the consumers of a hub's batch number k into a pool, one
// per quantity, each with the variant of the same index when variants are
// given; their pseudonyms and secrets derive from hub, pool, k and index.
func Consumers(hub gongxu.OrgID, poolID uint64, k int, qtys []int64, variants []string) []Consumer {
	out := make([]Consumer, len(qtys))
	for i, q := range qtys {
		id := sha256.Sum256([]byte(fmt.Sprintf("inproc consumer %s/%d/%d/%d", hub, poolID, k, i)))
		sec := sha256.Sum256([]byte(fmt.Sprintf("inproc pickup secret %s/%d/%d/%d", hub, poolID, k, i)))
		secret := hex.EncodeToString(sec[:])
		commit, err := gongxu.PickupCommit(secret)
		if err != nil {
			panic(err)
		}
		out[i] = Consumer{Leaf: gongxu.PoolLeaf{ID: hex.EncodeToString(id[:16]), Qty: gongxu.Units(q), Commit: commit}, Secret: secret}
		if i < len(variants) {
			out[i].Leaf.Variant = variants[i]
		}
	}
	return out
}

// SendBatch commits a hub's batch of consumers into a pool.
func (n *Net) SendBatch(hub gongxu.OrgID, poolID uint64, cs []Consumer) Batch {
	n.t.Helper()
	leaves := make([]gongxu.PoolLeaf, len(cs))
	for i, c := range cs {
		leaves[i] = c.Leaf
	}
	r := n.Send(string(hub), "pool/batch", M{"pool": poolID, "leaves": leaves})
	return Batch{Tx: r.Hash, Pool: poolID, Hub: hub, Consumers: cs}
}

// SendBatchBinary commits a hub's batch of consumers into a pool with the
// binary body (pool.EncodeBatchBinary), as `gongxu tx pool batch --packed`
// and the pools benchmark send it.
func (n *Net) SendBatchBinary(hub gongxu.OrgID, poolID uint64, cs []Consumer) Batch {
	n.t.Helper()
	leaves := make([]gongxu.PoolLeaf, len(cs))
	for i, c := range cs {
		leaves[i] = c.Leaf
	}
	body, err := pool.EncodeBatchBinary(poolID, leaves)
	if err != nil {
		n.t.Fatal(err)
	}
	n.mu.Lock()
	n.names[Key(string(hub))] = string(hub)
	r := n.block([][]byte{n.h.SignRaw(string(hub), "pool/batch", body)}).Txs[0]
	n.mu.Unlock()
	if r.Code != 0 {
		n.t.Fatalf("binary pool/batch by %s: %s (%s)", hub, r.Log, gongxu.Kind(r.Code))
	}
	return Batch{Tx: r.Hash, Pool: poolID, Hub: hub, Consumers: cs}
}

// Pickup records that consumer i of a batch collected its goods at the hub.
// It returns the transaction's hash.
func (n *Net) Pickup(b Batch, i int) string {
	n.t.Helper()
	r := b.Receipt(i)
	return n.Send(string(b.Hub), "pool/pickup", M{"pool": b.Pool, "receipt": &r}).Hash
}

// Deposit credits a hub's account with money its consumers paid at the hub.
func (n *Net) Deposit(hub string, amount int64, ref string) {
	n.t.Helper()
	n.Send(hub, "settle/deposit", M{"currency": "CNY", "amount": amount, "ref": ref})
}

// NewestRFQ is the id of the request for quote posted last.
func (n *Net) NewestRFQ() uint64 {
	n.t.Helper()
	rs, err := n.read.RFQs(context.Background(), "", 1)
	if err != nil || len(rs) == 0 {
		n.t.Fatalf("no RFQ in the read model: %v", err)
	}
	return rs[0].ID
}

// SealedBid is a factory's bid as it reveals it.
type SealedBid struct {
	Bidder               string
	Price, Qty, LeadDays int64
	salt                 string
}

// Bid sends a sealed bid on an RFQ; Reveal opens it later.
func (n *Net) Bid(rfqID uint64, b SealedBid) SealedBid {
	n.t.Helper()
	s := sha256.Sum256([]byte(fmt.Sprintf("inproc bid salt %s/%d", b.Bidder, rfqID)))
	b.salt = hex.EncodeToString(s[:])
	n.Send(b.Bidder, "rfq/bid", M{"rfq": rfqID, "commitment": rfq.Commitment(rfqID, gongxu.OrgID(b.Bidder), gongxu.Amount(b.Price), gongxu.Units(b.Qty), b.LeadDays, s[:])})
	return b
}

// Reveal opens a sealed bid.
func (n *Net) Reveal(rfqID uint64, b SealedBid) {
	n.t.Helper()
	n.Send(b.Bidder, "rfq/reveal", M{"rfq": rfqID, "unit_price": b.Price, "qty": b.Qty, "lead_days": b.LeadDays, "salt": b.salt})
}

// NewestPO is the id of org's newest purchase order.
func (n *Net) NewestPO(org string) uint64 {
	n.t.Helper()
	ps, err := n.read.POs(context.Background(), gongxu.OrgID(org), 1)
	if err != nil || len(ps) == 0 {
		n.t.Fatalf("no purchase order of %s in the read model: %v", org, err)
	}
	return ps[0].ID
}

// POLine is a line of a purchase order as sent: item, milli-units and the
// requested date.
type POLine struct {
	Item string
	Qty  int64
	Date int64
}

// SendPO sends a purchase order from factory to supplier and returns its id.
func (n *Net) SendPO(factory, supplier string, lines ...POLine) uint64 {
	n.t.Helper()
	ls := make([]M, len(lines))
	for i, l := range lines {
		ls[i] = M{"item": l.Item, "qty": l.Qty, "date": l.Date}
	}
	n.Send(factory, "production/po", M{"supplier": supplier, "lines": ls})
	return n.NewestPO(factory)
}

// LotLine is a quantity of a lot against a purchase order line (1-based).
type LotLine struct {
	Line int
	Lot  string
	Qty  int64
}

func lotLines(ls []LotLine) []M {
	out := make([]M, len(ls))
	for i, l := range ls {
		out[i] = M{"line": l.Line, "lot": l.Lot, "qty": l.Qty}
	}
	return out
}

// ShipPO ships lots against a purchase order, by its supplier.
func (n *Net) ShipPO(supplier string, po uint64, lines ...LotLine) {
	n.t.Helper()
	n.Send(supplier, "production/ship", M{"po": po, "lines": lotLines(lines)})
}

// ReceivePO receives a shipment of a purchase order, by its factory.
func (n *Net) ReceivePO(factory string, po uint64, shipment int, lines ...LotLine) {
	n.t.Helper()
	n.Send(factory, "production/receive", M{"po": po, "shipment": shipment, "lines": lotLines(lines)})
}

// NewestOrder is the id of factory's newest production order.
func (n *Net) NewestOrder(factory string) uint64 {
	n.t.Helper()
	os, err := n.read.Orders(context.Background(), gongxu.OrgID(factory), 1)
	if err != nil || len(os) == 0 {
		n.t.Fatalf("no production order of %s in the read model: %v", factory, err)
	}
	return os[0].ID
}

// StartWO starts a work order on a production order and returns its id.
func (n *Net) StartWO(factory string, order uint64, qty int64, inputs ...gongxu.LotQty) uint64 {
	n.t.Helper()
	body := M{"order": order, "qty": qty}
	if len(inputs) > 0 {
		body["inputs"] = inputs
	}
	n.Send(factory, "production/wo_start", body)
	wos, err := n.read.WorkOrders(context.Background(), order)
	if err != nil || len(wos) == 0 {
		n.t.Fatalf("no work order of order %d in the read model: %v", order, err)
	}
	var id uint64
	for _, w := range wos {
		id = max(id, w.ID)
	}
	return id
}

// Capture captures an EPCIS document for org.
func (n *Net) Capture(org, document string) string {
	n.t.Helper()
	return n.Send(org, "trace/capture", M{"document": json.RawMessage(document)}).Hash
}

// Recall recalls a lot (or identifier) for org and returns the recall's id.
func (n *Net) Recall(org, lot, reason string) uint64 {
	n.t.Helper()
	n.Send(org, "trace/recall", M{"lot": lot, "reason": reason})
	rs, err := n.read.Recalls(context.Background(), "", 1)
	if err != nil || len(rs) == 0 {
		n.t.Fatalf("no recall in the read model: %v", err)
	}
	return rs[0].ID
}
