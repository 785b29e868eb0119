package pool

import (
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// A block closes pools in (deadline, id) order, at most MaxClosesPerBlock
// of them and while the payer accounts they settle add up to at most
// MaxClosePayersPerBlock (the first pool due always closes, so the sweep
// always progresses: a pool holds at most MaxPayersPerPool payers, fewer
// than a block's budget). More due at once wait in the deadline index for
// the next blocks; until its close, a pool past its deadline takes nothing
// (closing) and its series' successor waits for it (series.go).
const (
	MaxClosesPerBlock      = 256
	MaxClosePayersPerBlock = 5_000
	MaxPayersPerPool       = 5_000
)

// closeBudget is one block's closing budget: the constants above (tests
// lower it, export_test.go; nothing else writes it).
var closeBudget = struct {
	pools           int
	payers, perPool int64
}{MaxClosesPerBlock, MaxClosePayersPerBlock, MaxPayersPerPool}

// BeginBlock implements module.Module: the open pools whose deadline is at
// or before the block time close, in (deadline, id) order, within the
// block's budget; then the pools of series whose deadline passed reopen
// (series.go), the deadlines after the closes run (deadline.go), and last
// failed pools' batch records go, within a budget too (gc.go).
func (m *Module) BeginBlock(ctx *module.Context) error {
	due, err := deadlines.First(ctx.KV, ctx.Time, closeBudget.pools)
	if err != nil {
		return err
	}
	var work, closed int64
	for i, id := range due {
		p, err := m.Pool(ctx.KV, id)
		if err != nil {
			return err
		}
		if p.Status != gongxu.PoolOpen {
			return fmt.Errorf("pool %d is %s but still in the deadline index", id, p.Status)
		}
		mt, err := loadMeta(ctx.KV, id)
		if err != nil {
			return err
		}
		if work += mt.Payers; i > 0 && work > closeBudget.payers {
			break // the block's budget is spent: it closes in the next
		}
		if err := m.close(ctx, &p, "deadline reached"); err != nil {
			return err
		}
		closed = work
	}
	if closed > 0 {
		if _, err := module.Save(ctx.KV, closeWorkKey(), closeWork{Height: ctx.Height, Payers: closed}); err != nil {
			return err
		}
	}
	if err := m.reopen(ctx); err != nil {
		return err
	}
	if err := m.sweep(ctx); err != nil {
		return err
	}
	return m.collect(ctx)
}

// closeWork is what one block's closes settled, in payer accounts:
// BeginBlock's, then those of the transactions that reach a pool's cap.
type closeWork struct {
	Height int64 `json:"height"`
	Payers int64 `json:"payers"`
}

func closeWorkKey() []byte { return []byte(prefix + "closework") }

// spendClose counts the payers of a pool that a transaction closes at its
// cap against the block's budget, shared with BeginBlock's closes: a
// transaction over it is refused (KindQuota, resubmit in a later block), so
// no block settles more than MaxClosePayersPerBlock payer accounts in
// closes, however many pools reach their cap in it (each holds at most
// MaxPayersPerPool: in a block of its own, it always fits).
func spendClose(ctx *module.Context, p *gongxu.Pool) error {
	mt, err := loadMeta(ctx.KV, p.ID)
	if err != nil {
		return err
	}
	var w closeWork
	if _, err := module.Load(ctx.KV, closeWorkKey(), &w); err != nil {
		return err
	}
	if w.Height != ctx.Height {
		w = closeWork{Height: ctx.Height}
	}
	if w.Payers > 0 && w.Payers+mt.Payers > closeBudget.payers {
		return gongxu.Errorf(gongxu.KindQuota, "this reaches pool %d's cap, which closes it and settles its %d payer accounts, but this block's closes already settle %d of the %d a block may: resubmit it in a later block",
			p.ID, mt.Payers, w.Payers, closeBudget.payers)
	}
	w.Payers += mt.Payers
	_, err = module.Save(ctx.KV, closeWorkKey(), w)
	return err
}

// close ends an open pool's pledging. With the MOQ reached it succeeds: the
// final price is the tier of the total; each payer is charged qty × price
// into the captured account and the rest of their escrow is released. Short of
// the MOQ it fails and every payer is refunded. Either way the escrow account
// ends empty. Any error is a broken invariant.
func (m *Module) close(ctx *module.Context, p *gongxu.Pool, why string) error {
	if err := deadlines.Remove(ctx.KV, p.Deadline, p.ID); err != nil {
		return err
	}
	ps, err := payers(ctx.KV, p.ID)
	if err != nil {
		return err
	}
	if mt, err := loadMeta(ctx.KV, p.ID); err != nil {
		return err
	} else if int64(len(ps)) != mt.Payers {
		return fmt.Errorf("pool %d: %d payer records, %d counted", p.ID, len(ps), mt.Payers)
	}
	var held gongxu.Amount
	for _, e := range ps {
		held += e.Escrow // ≤ cap × first-tier price: no overflow
	}
	if held != p.Escrowed {
		return fmt.Errorf("pool %d: payers hold %d in escrow, the pool says %d", p.ID, held, p.Escrowed)
	}
	esc := escrowAccount(p.ID)
	transfer := func(to gongxu.AccountID, amount gongxu.Amount, reason gongxu.MoveReason) error {
		if amount == 0 {
			return nil
		}
		err := m.settle.Transfer(ctx, esc, to, p.Currency, amount, reason, ref(p.ID))
		return gongxu.Wrap(err, "pool %d: %s of %d to %s at close", p.ID, reason, amount, to)
	}
	if p.Total >= p.MOQ {
		i, tier := gongxu.TierFor(p.Tiers, p.Total)
		var captured gongxu.Amount
		for _, e := range ps {
			charge, err := gongxu.Cost(e.Qty, tier.UnitPrice)
			if err != nil || charge > e.Escrow {
				return fmt.Errorf("pool %d: payer %s charged %d for %d units, escrow %d (%v)", p.ID, e.account, charge, e.Qty, e.Escrow, err)
			}
			if err := transfer(capturedAccount(p.ID), charge, gongxu.ReasonCapture); err != nil {
				return err
			}
			if err := transfer(e.account, e.Escrow-charge, gongxu.ReasonRelease); err != nil {
				return err
			}
			captured += charge // ≤ cap × first-tier price: no overflow
			if charge > 0 {    // what a failover refunds, if production does not start in time
				if _, err := module.Save(ctx.KV, chargedKey(p.ID, e.account), charge); err != nil {
					return err
				}
			}
		}
		shares, err := m.HubShares(ctx.KV, p.ID)
		if err != nil {
			return err
		}
		mt, err := loadMeta(ctx.KV, p.ID)
		if err != nil {
			return err
		}
		mt.Pending = 0
		for _, s := range shares {
			if s.Qty > 0 {
				mt.Pending++
			}
		}
		if err := saveMeta(ctx, p.ID, mt); err != nil {
			return err
		}
		p.Price, p.Captured = tier.UnitPrice, captured
		if err := m.awaitStart(ctx, p); err != nil {
			return err
		}
		history(ctx, p, gongxu.PoolSucceeded, fmt.Sprintf("%s with %d units: minimum batch of %d met, unit price %d (tier %d)",
			why, p.Total, p.MOQ, tier.UnitPrice, i+1))
	} else {
		for _, e := range ps {
			if err := transfer(e.account, e.Escrow, gongxu.ReasonRefund); err != nil {
				return err
			}
		}
		if err := queueCollect(ctx, p.ID); err != nil { // its batch records go (gc.go)
			return err
		}
		history(ctx, p, gongxu.PoolFailed, fmt.Sprintf("%s with %d units, short of the minimum batch of %d: every pledge refunded", why, p.Total, p.MOQ))
	}
	for _, e := range ps {
		if err := ctx.KV.Delete(payerKey(p.ID, e.account)); err != nil {
			return err
		}
	}
	if bal, err := m.settle.Balance(ctx.KV, esc, p.Currency); err != nil {
		return err
	} else if bal != 0 {
		return fmt.Errorf("pool %d: escrow holds %d %s after closing", p.ID, bal, p.Currency)
	}
	p.Escrowed = 0
	if err := savePool(ctx, p); err != nil {
		return err
	}
	if p.Status != gongxu.PoolSucceeded {
		return nil
	}
	err = m.production.OpenForPool(ctx, *p)
	if err == nil {
		// A pool on stock filled at once is ready already (Stages.Ready
		// moved it in the store): the caller's copy follows.
		*p, err = loadPool(ctx.KV, p.ID)
		return err
	}
	if gongxu.ErrorKind(err) == gongxu.KindInternal {
		return err
	}
	history(ctx, p, gongxu.PoolSucceeded, "no production order: "+gongxu.ErrorMessage(err))
	return savePool(ctx, p)
}
