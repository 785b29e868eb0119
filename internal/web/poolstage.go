package web

import (
	"github.com/gongxu-network/gongxu"
)

// poolStage is where a pool stands now, in words: the one place the pool
// page's headline and timeline come from, derived from the pool, its hub
// shares and its production order after every step of the flow (a pool
// whose goods were shipped, delivered and picked up never says they wait
// for the hubs).
type poolStage struct {
	Key      string // gathering, moq, closing, failed, cancelled, waiting, producing, made, shipping, delivered, settled
	Headline string // in the page's language
	Steps    []poolStep
}

// poolStep is one step of a pool's way from pledges to pickups.
type poolStep struct {
	Name    string // in the page's language
	Done    bool
	Current bool
}

// stageOf is the pool's stage at now (the latest block's time; 0: not
// known); order is its production order (nil: none yet, or the node reads
// no production).
func stageOf(l *locale, p gongxu.Pool, shares []gongxu.HubShare, order *gongxu.ProductionOrder, pm *gongxu.PoolMoney, now int64) poolStage {
	var (
		hubs, shipped, delivered int
		units, picked            gongxu.Units
	)
	for _, sh := range shares {
		if sh.Qty <= 0 {
			continue
		}
		hubs++
		units += sh.Qty
		picked += sh.PickedUp
		if sh.ShippedInFull() {
			shipped++
		}
		if sh.Delivered {
			delivered++
		}
	}
	var made gongxu.Qty
	orderDone := false
	if order != nil {
		made, orderDone = order.Produced, order.Status == gongxu.OrderCompleted
	}
	cur := p.Currency
	st := poolStage{}
	// The steps; reached is how many of them the pool has done (the one at
	// reached is the current one).
	names := []string{l.T("Pledging"), l.T("Pool closed"), l.T("Production"), l.T("Shipped to hubs"), l.T("Delivered"), l.T("Picked up"), l.T("Paid to the factory")}
	reached := 0
	switch p.Status {
	case gongxu.PoolCancelled:
		st.Key, st.Headline = "cancelled", l.T("The factory cancelled this pool before anyone pledged.")
		return st
	case gongxu.PoolOpen:
		if poolClosing(p, now) {
			// Past its deadline, not closed yet (a block closes a bounded
			// number of pools): it takes nothing more.
			reached = 1
			st.Key, st.Headline = "closing", l.T("The deadline has passed: the pool is closing and takes no more pledges. With %s of %s units it closes in the next blocks.", num(p.Total), num(p.MOQ))
			break
		}
		if p.Total < p.MOQ {
			st.Key, st.Headline = "gathering", l.T("Gathering pledges: %s more units reach the minimum batch of %s.", num(p.MOQ-p.Total), num(p.MOQ))
		} else {
			st.Key, st.Headline = "moq", l.T("The minimum batch is reached: the pool goes ahead at its deadline, and every further pledge can lower the price for everyone.")
		}
	case gongxu.PoolFailed:
		if p.StartDue != 0 { // it had succeeded: production did not start in time
			st.Key, st.Headline = "failed", l.T("Production did not start by %s: every payer got back what was captured from them, %s.", l.msHuman(p.StartDue), money(p.Refunded, cur))
			return st
		}
		st.Key, st.Headline = "failed", l.T("The pool closed short of its minimum batch (%s of %s units): every pledge was refunded in full.", num(p.Total), num(p.MOQ))
		if pm != nil {
			st.Headline = l.T("The pool closed short of its minimum batch (%s of %s units): every pledge was refunded in full, %s.", num(p.Total), num(p.MOQ), money(pm.Refunded, cur))
		}
		return st
	case gongxu.PoolSettled:
		paid := ""
		if pm != nil {
			paid = money(pm.PaidOut, cur)
		} else {
			paid = money(p.Released, cur)
		}
		st.Key, st.Headline = "settled", l.T("Settled: %s paid to the factory; %s of %s units picked up.", paid, num(picked), num(units))
		reached = 7
	case gongxu.PoolDelivered:
		reached = 5
		st.Key, st.Headline = "delivered", l.T("Delivered to every hub: %s of %s units picked up.", num(picked), num(units))
	default: // succeeded, in production, ready
		reached = 1
		producing := p.Status == gongxu.PoolInProduction || order != nil && (order.Status == gongxu.OrderInProgress || made > 0)
		switch {
		case shipped > 0 || delivered > 0:
			reached = 3 // shipping is under way
			st.Key, st.Headline = "shipping", l.T("Shipped to %d of %d hubs; %d confirmed delivery.", shipped, hubs, delivered)
		case p.Status == gongxu.PoolReady || orderDone:
			reached = 3
			st.Key, st.Headline = "made", l.T("Made: the goods wait to be shipped to the hubs.")
		case producing:
			reached = 2
			if order != nil {
				st.Key, st.Headline = "producing", l.T("In production: %s of %s units made.", qtyString(made), qtyString(order.Qty))
			} else {
				st.Key, st.Headline = "producing", l.T("In production.")
			}
		default:
			reached = 2
			st.Key, st.Headline = "waiting", l.T("The pool succeeded at %s per unit; the factory has not started production yet.", money(p.Price, cur))
			if p.StartDue != 0 {
				st.Headline += " " + l.T("If it has not by %s, every payer is refunded.", l.msHuman(p.StartDue))
			}
		}
	}
	// A step is done when the pool got past it; pickups are done when
	// every unit was collected, and may trail the payment.
	allPicked := hubs > 0 && picked >= units
	for i, n := range names {
		step := poolStep{Name: n, Done: i < reached}
		if i == 5 {
			step.Done = allPicked
		}
		step.Current = !step.Done && (i == reached || i == 5 && reached > 5)
		st.Steps = append(st.Steps, step)
	}
	return st
}

// CompletedAt is when the order completed (0 when it has not): a completed
// order shows when it was made, not when it was planned to be.
func (o orderRow) CompletedAt() int64 {
	if o.Status != gongxu.OrderCompleted {
		return 0
	}
	for _, h := range o.History {
		if h.Status == gongxu.OrderCompleted {
			return h.Time
		}
	}
	return 0
}

// poolClosing reports whether an open pool is past its deadline at now: the
// ledger takes nothing more for it and closes it in the next blocks.
func poolClosing(p gongxu.Pool, now int64) bool {
	return p.Status == gongxu.PoolOpen && now != 0 && now >= p.Deadline
}
