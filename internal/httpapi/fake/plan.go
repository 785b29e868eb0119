package fake

import (
	"context"
	"encoding/json"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

var _ gongxu.PlanService = (*Plans)(nil)

// Plans is a PlanService: acme-textiles' plan over the fixed production
// data (its in-progress order, its master data); every other org is no
// factory.
type Plans struct {
	mu    sync.Mutex
	view  gongxu.PlanView
	empty bool
	err   error
}

// NewPlans returns the fake planner.
func NewPlans() *Plans {
	md := acmeMaster()
	body, _ := json.Marshal(map[string]any{"order": OrderInProgress, "completion": int64(1741780000000),
		"reason": "knitting is closed on 2025-03-04"})
	return &Plans{view: gongxu.PlanView{
		Factory: "acme-textiles",
		At:      Now,
		Orders: []gongxu.PlannedOrder{
			{Order: OrderOpen, Product: "acme-textiles/silk-scarf", Qty: 50000, Due: 1743000000000, Published: 1742900000000,
				Reason: "acme-textiles/silk-scarf: no offer of silk-yarn covers 20400 milli-units"},
			{Order: OrderInProgress, Product: "acme-textiles/wool-scarf", Qty: 200000, Due: 1742000000000,
				Completion: 1741780000000, Published: 1741800000000, Reason: "knitting is closed on 2025-03-04"},
		},
		Purchases: []gongxu.PlannedPurchase{
			{ID: "po:silk-yarn@2025-03-05", Supplier: "silk-supply", Item: "silk-yarn", Qty: 260000,
				Release: 1740528000000, Due: 1741132800000, Pegging: []string{"order:2"}},
		},
		Work: []gongxu.PlannedWork{
			{ID: "wo:acme-textiles/wool-scarf@2025-03-14", Item: "acme-textiles/wool-scarf", Qty: 200000,
				Start: 1741737600000, Due: 1741910400000, Pegging: []string{"order:2"}, Delivers: []string{"order:2"},
				Inputs: []string{"po:silk-yarn@2025-03-05"}},
		},
		Dates: []gongxu.OrderDate{
			{Work: "wo:acme-textiles/wool-scarf@2025-03-14", Item: "acme-textiles/wool-scarf",
				Ready: 1741737600000, Completion: 1741780000000, Due: 1741910400000},
		},
		Ops: []gongxu.ScheduledOp{
			{Work: "wo:acme-textiles/wool-scarf@2025-03-14", Op: 0, WorkCenter: "knitting", Unit: 0, Start: 1741737600000, End: 1741768800000},
			{Work: "wo:acme-textiles/wool-scarf@2025-03-14", Op: 1, WorkCenter: "finishing", Unit: 1, Start: 1741768800000, End: 1741780000000},
		},
		WorkCenters: md.WorkCenters,
		Txs: []gongxu.PlanTx{{Type: "production/plan_date",
			Summary: "production order 2 completes 2025-03-12T11:46:40Z (knitting is closed on 2025-03-04)", Body: body}},
		Problems: []string{"acme-textiles/silk-scarf: no offer of silk-yarn covers 20400 milli-units"},
	}}
}

// SetErr makes Plan fail with err (nil: succeed again).
func (p *Plans) SetErr(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }

// SetEmpty makes acme-textiles' plan empty, with nil lists.
func (p *Plans) SetEmpty() { p.mu.Lock(); p.empty = true; p.mu.Unlock() }

// Plan implements gongxu.PlanService.
func (p *Plans) Plan(ctx context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return gongxu.PlanView{}, p.err
	}
	if err := factory.Validate(); err != nil {
		return gongxu.PlanView{}, err
	}
	if factory != p.view.Factory {
		return gongxu.PlanView{}, gongxu.Errorf(gongxu.KindNotFound, "org %s is not a factory", factory)
	}
	if p.empty {
		return gongxu.PlanView{Factory: factory, At: Now}, nil
	}
	return p.view, nil
}
