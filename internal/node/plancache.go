package node

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gongxu-network/gongxu"
)

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
