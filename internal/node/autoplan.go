package node

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// autoPlanner plans the operator org's production at its node whenever the
// ledger changes what the plan depends on, and sends what the plan
// proposes through the operator. Runs are one at a time; triggers that come
// during a run make one more run after it. A run that sends nothing is
// quiet; errors are logged, never fatal.
type autoPlanner struct {
	plans gongxu.PlanService
	op    gongxu.Operator
	ready func(context.Context) (bool, error) // the chain caught up and projected
	log   *slog.Logger

	org    atomic.Value // gongxu.OrgID, once known
	kick   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newAutoPlanner(plans gongxu.PlanService, op gongxu.Operator, ready func(context.Context) (bool, error), log *slog.Logger) *autoPlanner {
	a := &autoPlanner{plans: plans, op: op, ready: ready, log: log, kick: make(chan struct{}, 1), done: make(chan struct{})}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.org.Store(gongxu.OrgID(""))
	return a
}

func (a *autoPlanner) start() { go a.run() }

// close stops the planner, interrupting a run, and waits for it.
func (a *autoPlanner) close() {
	a.cancel()
	<-a.done
}

// observe is told of every batch of projected blocks; it triggers a run
// when one of them touched the operator org's production.
func (a *autoPlanner) observe(bs []gongxu.CommittedBlock) {
	org := a.org.Load().(gongxu.OrgID)
	for _, b := range bs {
		evs := slices.Clone(b.Events)
		for _, tx := range b.Txs {
			if tx.Code == 0 {
				evs = append(evs, tx.Events...)
			}
		}
		evs = append(evs, b.EndEvents...)
		for _, ev := range evs {
			if planTrigger(ev, org) {
				a.trigger()
				return
			}
		}
	}
}

// trigger asks for a run; it never blocks.
func (a *autoPlanner) trigger() {
	select {
	case a.kick <- struct{}{}:
	default: // one is pending already
	}
}

// planTrigger says whether ev changes the plan of org (any org while it is
// not known yet): a new production order of it or one that changed status,
// a change of one of its purchase orders or work orders, a purchase order
// it accepted as the supplier.
func planTrigger(ev gongxu.Event, org gongxu.OrgID) bool {
	mine := func(factory string) bool { return org == "" || factory == string(org) }
	switch ev.Type {
	case gongxu.EventOrder:
		if !mine(ev.Get("factory")) {
			return false
		}
		var o gongxu.ProductionOrder
		if err := json.Unmarshal([]byte(ev.Get("json")), &o); err != nil {
			return true
		}
		h := o.History
		return len(h) < 2 || h[len(h)-1].Status != h[len(h)-2].Status
	case gongxu.EventPO: // its own orders, and those it supplies: demand cascades upstream
		return mine(ev.Get("factory")) || ev.Get("supplier") == string(org) && ev.Get("status") == string(gongxu.POAccepted)
	case gongxu.EventWO:
		var w gongxu.WorkOrder
		if err := json.Unmarshal([]byte(ev.Get("json")), &w); err != nil {
			return true
		}
		return mine(string(w.Factory))
	}
	return false
}

func (a *autoPlanner) run() {
	defer close(a.done)
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-a.kick:
			a.once(a.ctx)
		}
	}
}

// once plans the operator org and sends the plan's transactions.
func (a *autoPlanner) once(ctx context.Context) {
	// Plan only on the whole ledger: a node still catching up, or a read
	// model still projecting, would propose again what later blocks hold.
	for {
		ok, err := a.ready(ctx)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("auto-plan: cannot tell whether the node is caught up", "err", err)
			}
			return
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
	org, err := a.op.Org(ctx)
	if err != nil || org == "" {
		if err != nil && ctx.Err() == nil {
			a.log.Warn("auto-plan: the operator org is unknown", "err", err)
		}
		return
	}
	a.org.Store(org)
	v, err := a.plans.Plan(ctx, org)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return // not a factory: nothing to plan
	}
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("auto-plan failed", "org", org, "err", err)
		}
		return
	}
	for _, tx := range v.Txs {
		res, err := a.op.Send(ctx, tx.Type, tx.Body)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("auto-plan: send failed", "org", org, "type", tx.Type, "summary", tx.Summary, "err", err)
			}
			return
		}
		if res.Code != 0 {
			a.log.Warn("auto-plan: transaction rejected", "org", org, "type", tx.Type, "summary", tx.Summary,
				"kind", res.Kind, "message", res.Message)
			continue
		}
		a.log.Info("auto-plan: sent", "org", org, "type", tx.Type, "summary", tx.Summary, "height", res.Height)
	}
}

// blockTime is the time of the latest block the read model has projected:
// the "now" plans start from.
func (n *Node) blockTime(ctx context.Context) (int64, error) {
	bs, err := n.read.RecentBlocks(ctx, 1)
	if err != nil {
		return 0, err
	}
	if len(bs) == 0 {
		return 0, gongxu.Errorf(gongxu.KindUnavailable, "the node has projected no block yet")
	}
	t, err := time.Parse(sqlite.TimeLayout, bs[0].Time)
	if err != nil {
		return 0, gongxu.Wrap(err, "read model block time %q", bs[0].Time)
	}
	return t.UnixMilli(), nil
}

// caughtUp reports whether the node has caught up with the network and the
// read model has projected every block it has.
func (n *Node) caughtUp(ctx context.Context) (bool, error) {
	st, err := n.comet.Status(ctx)
	if err != nil {
		return false, err
	}
	if st.CatchingUp {
		return false, nil
	}
	return n.proj.heights.get() >= n.comet.Height(), nil
}
