package pool

import (
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// The pool's waiting states after it closes, each with a deadline at block
// time, no transaction needed:
//
//   - Succeeded, not in production. At success the pool's StartDue is its
//     promised StartBy (or the close, if later) plus the start grace in
//     force (gongxu.Params.PoolStartGrace), and it enters the starts index.
//     Leaving succeeded for production takes it out. At StartDue a pool
//     still succeeded fails over: every payer gets back what was captured
//     from them (the charged records kept at close), the pool is failed, its
//     history says why, and its production order, if any, is void: the pool
//     refuses to move into production (Stages), so no work order can start
//     on it.
//   - Shipped, not confirmed. Shipping a hub's share sets its ConfirmBy
//     (the shipment plus the confirmation grace in force) and enters the
//     confirms index. A hub's confirmation, a dispute's freeze and every
//     settlement take it out. At ConfirmBy a share still waiting is settled
//     as confirmed (settleShare with no refund). A frozen share is never in
//     the index: the dispute's ruling settles it (ResolveShare).
//
// Order of events: deadlines run in BeginBlock, before the block's
// transactions, so a hub's confirmation or a dispute's freeze in the block
// whose time reaches ConfirmBy comes too late (the share is settled); one
// block earlier, it wins and the deadline does nothing.
//
// No deadline settles a share that is in production but not shipped. An
// automatic refund there would let a hub of a pool whose goods travel off
// the ledger (moved into production by hand: its hubs confirm without a
// shipment) get its money back by staying silent after receiving the goods.
// Such a share needs a judgment: its hub disputes it (FreezeShare takes an
// unshipped share of a pool in production), and the ruling, or the terms'
// dispute_default_bps when the panel does not decide, settles it.
//
// Both sweeps read their index up to the block time only, so a block's cost
// grows with what falls due in it: a failover costs one transfer per payer
// account of the pool (a hub's batches are one payer, each direct pledger
// one), like the close that charged them; an automatic confirmation costs
// one settlement, whatever the number of pledges.

// A block fails over at most MaxFailoversPerBlock pools, and after the
// first only while the payers they refund add up to MaxClosePayersPerBlock
// (close.go), and confirms at most MaxConfirmsPerBlock shares; more due at
// once wait in their index for the next blocks, so no pile of deadlines at one instant stalls a block. What
// they decide is already decided by their time: a pool past its StartDue
// can no longer go into production, a share past its ConfirmBy can no
// longer be frozen by a dispute.
const (
	MaxFailoversPerBlock = 64
	MaxConfirmsPerBlock  = 256
)

// pastStart refuses to move a succeeded pool into production at or after its
// StartDue (it fails over, in this block or, with many due, a later one).
// Errors: KindConflict.
func pastStart(ctx *module.Context, p *gongxu.Pool) error {
	if p.StartDue != 0 && ctx.Time >= p.StartDue {
		return conflict("pool %d was not in production by %d: it fails over and every payer is refunded", p.ID, p.StartDue)
	}
	return nil
}

// starts indexes succeeded pools by StartDue; confirms indexes shipped
// shares by ConfirmBy, each under a sequence number (confirmRef).
var (
	starts   = module.Deadlines{Prefix: prefix + "sdue/"}
	confirms = module.Deadlines{Prefix: prefix + "cdue/"}
)

func chargedPrefix(id uint64) []byte { return []byte(prefix + "charged/" + pad(id) + "/") }
func chargedKey(id uint64, a gongxu.AccountID) []byte {
	return append(chargedPrefix(id), a...)
}
func confirmSeqKey() []byte         { return []byte(prefix + "cseq") }
func confirmRefKey(n uint64) []byte { return []byte(prefix + "cref/" + pad(n)) }
func confirmOfKey(pool uint64, hub gongxu.OrgID) []byte {
	return []byte(prefix + "cof/" + pad(pool) + "/" + string(hub))
}

// confirmRef is the share behind an entry of the confirms index.
type confirmRef struct {
	Pool uint64       `json:"pool"`
	Hub  gongxu.OrgID `json:"hub"`
}

// awaitStart puts a pool that just succeeded in the starts index: due at its
// promised start (or now, if later) plus the start grace in force.
func (m *Module) awaitStart(ctx *module.Context, p *gongxu.Pool) error {
	params, err := m.members.Params(ctx.KV)
	if err != nil {
		return err
	}
	if p.StartBy == 0 { // an awarded pool: its deadline plus the default
		p.StartBy = p.Deadline + gongxu.DefaultPoolStartMs
	}
	p.StartDue = max(p.StartBy, ctx.Time) + params.PoolStartGrace()
	return starts.Add(ctx.KV, p.StartDue, p.ID)
}

// started takes a succeeded pool that moves into production out of the
// starts index. Its charged records stay (one per payer account, like the
// pool's direct pledges): deleting them here would make the factory's
// start_production or first work order cost as many writes as the pool had
// payers.
func started(ctx *module.Context, p *gongxu.Pool) error {
	if p.StartDue == 0 {
		return nil
	}
	return starts.Remove(ctx.KV, p.StartDue, p.ID)
}

// voided refuses to move a pool that failed over into production. Errors:
// KindConflict.
func voided(p *gongxu.Pool) error {
	if p.Status == gongxu.PoolFailed && p.StartDue != 0 {
		return conflict("pool %d failed over: production did not start by %d, every payer was refunded and its production order is void", p.ID, p.StartDue)
	}
	return nil
}

// failOver ends a succeeded pool whose production did not start by its
// StartDue: every payer gets back what was captured from them.
func (m *Module) failOver(ctx *module.Context, p *gongxu.Pool) error {
	var refunds []payerEntry
	if err := module.Each(ctx.KV, chargedPrefix(p.ID), func(acct []byte, a gongxu.Amount) bool {
		refunds = append(refunds, payerEntry{account: gongxu.AccountID(acct), payer: payer{Escrow: a}})
		return true
	}); err != nil {
		return err
	}
	var total gongxu.Amount
	for _, r := range refunds {
		total += r.Escrow // each ≤ what the pool captured: no overflow
	}
	if total != p.Captured {
		return fmt.Errorf("pool %d: its payers were charged %d, the pool holds %d captured", p.ID, total, p.Captured)
	}
	for _, r := range refunds {
		if r.Escrow > 0 {
			if err := m.settle.Transfer(ctx, capturedAccount(p.ID), r.account, p.Currency, r.Escrow, gongxu.ReasonRefund, ref(p.ID)+": production did not start"); err != nil {
				return gongxu.Wrap(err, "pool %d: refund of %d to %s", p.ID, r.Escrow, r.account)
			}
		}
		if err := ctx.KV.Delete(chargedKey(p.ID, r.account)); err != nil {
			return err
		}
	}
	if err := starts.Remove(ctx.KV, p.StartDue, p.ID); err != nil {
		return err
	}
	p.Refunded += p.Captured
	p.Captured = 0
	if err := queueCollect(ctx, p.ID); err != nil { // refunded: its batch records go too (gc.go)
		return err
	}
	history(ctx, p, gongxu.PoolFailed, fmt.Sprintf("production did not start by %d (promised start %d plus the grace): %d %s refunded to its %d payers; its production order, if any, is void",
		p.StartDue, p.StartBy, total, p.Currency, len(refunds)))
	return savePool(ctx, p)
}

// awaitConfirmation puts a share just shipped in the confirms index: due
// the confirmation grace in force after now.
func (m *Module) awaitConfirmation(ctx *module.Context, s *gongxu.HubShare) error {
	params, err := m.members.Params(ctx.KV)
	if err != nil {
		return err
	}
	var n uint64
	if _, err := module.Load(ctx.KV, confirmSeqKey(), &n); err != nil {
		return err
	}
	n++
	if _, err := module.Save(ctx.KV, confirmSeqKey(), n); err != nil {
		return err
	}
	s.ConfirmBy = ctx.Time + params.PoolConfirmGrace()
	if _, err := module.Save(ctx.KV, confirmRefKey(n), confirmRef{Pool: s.Pool, Hub: s.Hub}); err != nil {
		return err
	}
	if _, err := module.Save(ctx.KV, confirmOfKey(s.Pool, s.Hub), n); err != nil {
		return err
	}
	return confirms.Add(ctx.KV, s.ConfirmBy, n)
}

// stopWaiting takes a share out of the confirms index, if it is there.
func stopWaiting(ctx *module.Context, s *gongxu.HubShare) error {
	var n uint64
	ok, err := module.Load(ctx.KV, confirmOfKey(s.Pool, s.Hub), &n)
	if err != nil || !ok {
		return err
	}
	if err := confirms.Remove(ctx.KV, s.ConfirmBy, n); err != nil {
		return err
	}
	if err := ctx.KV.Delete(confirmRefKey(n)); err != nil {
		return err
	}
	return ctx.KV.Delete(confirmOfKey(s.Pool, s.Hub))
}

// sweep runs the deadlines after the pools' closes: failovers, then
// automatic confirmations, each in (deadline, id) order.
func (m *Module) sweep(ctx *module.Context) error {
	due, err := starts.First(ctx.KV, ctx.Time, MaxFailoversPerBlock)
	if err != nil {
		return err
	}
	var work int64
	for i, id := range due {
		p, err := m.Pool(ctx.KV, id)
		if err != nil {
			return err
		}
		if p.Status != gongxu.PoolSucceeded {
			return fmt.Errorf("pool %d is %s but still in the start deadline index", id, p.Status)
		}
		// A failover refunds each payer the close charged (meta's count
		// at the close bounds them): the same budget as the closes, the
		// first always.
		mt, err := loadMeta(ctx.KV, id)
		if err != nil {
			return err
		}
		if work += mt.Payers; i > 0 && work > closeBudget.payers {
			break
		}
		if err := m.failOver(ctx, &p); err != nil {
			return err
		}
	}
	waiting, err := confirms.First(ctx.KV, ctx.Time, MaxConfirmsPerBlock)
	if err != nil {
		return err
	}
	for _, n := range waiting {
		var r confirmRef
		if ok, err := module.Load(ctx.KV, confirmRefKey(n), &r); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("confirmation deadline %d has no share", n)
		}
		p, err := m.Pool(ctx.KV, r.Pool)
		if err != nil {
			return err
		}
		s, err := m.HubShare(ctx.KV, r.Pool, r.Hub)
		if err != nil {
			return err
		}
		if s.Delivered || (p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady) {
			return fmt.Errorf("pool %d (%s): hub %s's share (delivered %v) is still in the confirmation deadline index", p.ID, p.Status, s.Hub, s.Delivered)
		}
		if f, err := m.ShareFrozen(ctx.KV, p.ID, s.Hub); err != nil {
			return err
		} else if f { // never (a freeze takes it out), but its ruling settles it: no reason to stop every pool's deadlines
			if err := stopWaiting(ctx, &s); err != nil {
				return err
			}
			continue
		}
		if err := m.settleShare(ctx, &p, &s, 0, fmt.Sprintf("confirmed automatically: shipped at %d, not confirmed nor disputed by %d", s.ShippedAt, s.ConfirmBy)); err != nil {
			return err
		}
	}
	return nil
}
