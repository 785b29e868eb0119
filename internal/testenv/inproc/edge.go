package inproc

import (
	"context"

	"github.com/gongxu-network/gongxu"
)

// Broken is the one hand-written fake the read side's tests keep, for the
// HTTP edge: what a page or a route does when a service fails. Every
// method of every read-side service (and of the node) fails with Err, or
// panics with Panic when it is set; with neither, it answers nothing (nil
// lists, zero values), as a service over no data whose lists come back nil.
// With Stall, Submit waits for its context to end, as a node whose commit
// never comes.
type Broken struct {
	Err   error
	Panic string
	Stall bool
}

var (
	_ gongxu.NodeService       = Broken{}
	_ gongxu.MemberService     = Broken{}
	_ gongxu.TxService         = Broken{}
	_ gongxu.PoolService       = Broken{}
	_ gongxu.ReceiptService    = Broken{}
	_ gongxu.RFQService        = Broken{}
	_ gongxu.ProductionService = Broken{}
	_ gongxu.PlanService       = Broken{}
	_ gongxu.TraceService      = Broken{}
)

func (b Broken) fail() error {
	if b.Panic != "" {
		panic(b.Panic)
	}
	return b.Err
}

func (b Broken) Status(context.Context) (gongxu.Status, error) { return gongxu.Status{}, b.fail() }
func (b Broken) Submit(ctx context.Context, _ []byte, _ bool) (gongxu.TxResult, error) {
	if b.Stall {
		<-ctx.Done()
		return gongxu.TxResult{}, ctx.Err()
	}
	return gongxu.TxResult{}, b.fail()
}
func (b Broken) Account(context.Context, gongxu.PubKey) (gongxu.Account, error) {
	return gongxu.Account{}, b.fail()
}

func (b Broken) Orgs(context.Context) ([]gongxu.Org, error)            { return nil, b.fail() }
func (b Broken) Org(context.Context, gongxu.OrgID) (gongxu.Org, error) { return gongxu.Org{}, b.fail() }
func (b Broken) Validators(context.Context) ([]gongxu.Validator, error) {
	return nil, b.fail()
}
func (b Broken) Proposals(context.Context, gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	return nil, b.fail()
}
func (b Broken) Proposal(context.Context, uint64) (gongxu.Proposal, error) {
	return gongxu.Proposal{}, b.fail()
}

func (b Broken) Tx(context.Context, string) (gongxu.TxRecord, error) {
	return gongxu.TxRecord{}, b.fail()
}
func (b Broken) RecentTxs(context.Context, int) ([]gongxu.TxRecord, error) { return nil, b.fail() }
func (b Broken) Height(context.Context) (int64, error)                     { return 0, b.fail() }

func (b Broken) Products(context.Context, gongxu.OrgID) ([]gongxu.Product, error) {
	return nil, b.fail()
}
func (b Broken) Product(context.Context, gongxu.ProductID) (gongxu.Product, error) {
	return gongxu.Product{}, b.fail()
}
func (b Broken) Pools(context.Context, gongxu.PoolFilter) ([]gongxu.Pool, error) {
	return nil, b.fail()
}
func (b Broken) Pool(context.Context, uint64) (gongxu.Pool, error)            { return gongxu.Pool{}, b.fail() }
func (b Broken) HubShares(context.Context, uint64) ([]gongxu.HubShare, error) { return nil, b.fail() }
func (b Broken) Batches(context.Context, uint64) ([]gongxu.Batch, error)      { return nil, b.fail() }
func (b Broken) Balances(context.Context, gongxu.AccountID) ([]gongxu.Balance, error) {
	return nil, b.fail()
}
func (b Broken) Movements(context.Context, gongxu.AccountID, int) ([]gongxu.Movement, error) {
	return nil, b.fail()
}
func (b Broken) Receipt(context.Context, string, int) (gongxu.Receipt, error) {
	return gongxu.Receipt{}, b.fail()
}

func (b Broken) RFQs(context.Context, gongxu.RFQStatus, int) ([]gongxu.RFQ, error) {
	return nil, b.fail()
}
func (b Broken) RFQ(context.Context, uint64) (gongxu.RFQ, error)    { return gongxu.RFQ{}, b.fail() }
func (b Broken) Bids(context.Context, uint64) ([]gongxu.Bid, error) { return nil, b.fail() }

func (b Broken) Offers(context.Context, gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	return nil, b.fail()
}
func (b Broken) Orders(context.Context, gongxu.OrgID, int) ([]gongxu.ProductionOrder, error) {
	return nil, b.fail()
}
func (b Broken) Order(context.Context, uint64) (gongxu.ProductionOrder, error) {
	return gongxu.ProductionOrder{}, b.fail()
}
func (b Broken) POs(context.Context, gongxu.OrgID, int) ([]gongxu.PurchaseOrder, error) {
	return nil, b.fail()
}
func (b Broken) PO(context.Context, uint64) (gongxu.PurchaseOrder, error) {
	return gongxu.PurchaseOrder{}, b.fail()
}
func (b Broken) WorkOrders(context.Context, uint64) ([]gongxu.WorkOrder, error) { return nil, b.fail() }
func (b Broken) Lots(context.Context, gongxu.OrgID, int) ([]gongxu.Lot, error)  { return nil, b.fail() }
func (b Broken) Lot(context.Context, gongxu.LotID) (gongxu.Lot, error)          { return gongxu.Lot{}, b.fail() }
func (b Broken) OrderForPool(context.Context, uint64) (gongxu.ProductionOrder, error) {
	return gongxu.ProductionOrder{}, b.fail()
}
func (b Broken) Master(context.Context, gongxu.OrgID) (gongxu.Master, error) {
	return gongxu.Master{}, b.fail()
}
func (b Broken) Stock(context.Context, gongxu.OrgID) ([]gongxu.Stock, error) { return nil, b.fail() }

func (b Broken) Plan(context.Context, gongxu.OrgID) (gongxu.PlanView, error) {
	return gongxu.PlanView{}, b.fail()
}

func (b Broken) Event(context.Context, string) (gongxu.TraceEvent, error) {
	return gongxu.TraceEvent{}, b.fail()
}
func (b Broken) Batch(context.Context, string) (gongxu.TraceBatch, error) {
	return gongxu.TraceBatch{}, b.fail()
}
func (b Broken) TraceEvents(context.Context, gongxu.TraceQuery) ([]gongxu.TraceEvent, error) {
	return nil, b.fail()
}
func (b Broken) Back(context.Context, string, int) (gongxu.TraceGraph, error) {
	return gongxu.TraceGraph{}, b.fail()
}
func (b Broken) Forward(context.Context, string, int) (gongxu.TraceGraph, error) {
	return gongxu.TraceGraph{}, b.fail()
}
func (b Broken) Recalls(context.Context, gongxu.OrgID, int) ([]gongxu.Recall, error) {
	return nil, b.fail()
}
func (b Broken) Recall(context.Context, uint64) (gongxu.RecallImpact, error) {
	return gongxu.RecallImpact{}, b.fail()
}

// BrokenOperator is an operator of org whose sending fails with Err for
// the message types in Fail (all types when Fail and Reject are nil), is
// answered with the rejection in Reject for those types, without sending,
// and goes to Operator otherwise (nil: fails too).
type BrokenOperator struct {
	Operator gongxu.Operator
	OrgID    gongxu.OrgID
	Err      error
	Fail     map[string]bool
	Reject   map[string]gongxu.TxResult
}

// Org implements gongxu.Operator.
func (o BrokenOperator) Org(ctx context.Context) (gongxu.OrgID, error) {
	if o.Operator != nil {
		return o.Operator.Org(ctx)
	}
	return o.OrgID, nil
}

// Send implements gongxu.Operator.
func (o BrokenOperator) Send(ctx context.Context, typ string, body any) (gongxu.TxResult, error) {
	if r, ok := o.Reject[typ]; ok {
		return r, nil
	}
	if o.Operator == nil || o.Fail == nil && o.Reject == nil || o.Fail[typ] {
		return gongxu.TxResult{}, o.Err
	}
	return o.Operator.Send(ctx, typ, body)
}
