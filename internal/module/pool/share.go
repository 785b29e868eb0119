package pool

import (
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// A hub's share of a pool in production ends once: confirmed by the hub
// (pool/confirm_delivery), or resolved by a dispute with a split. While a
// dispute is open the share is frozen: its captured money stays in the pool's
// captured account and neither the hub nor any deadline confirms it.

func frozenKey(pool uint64, hub gongxu.OrgID) []byte {
	return []byte(prefix + "frozen/" + pad(pool) + "/" + string(hub))
}

// ShareStake is what a dispute over a hub's share of a pool puts at stake:
// the share's captured money (its quantity at the pool's final price).
type ShareStake struct {
	Pool     uint64
	Factory  gongxu.OrgID
	Hub      gongxu.OrgID
	Currency string
	Amount   gongxu.Amount
}

// ShareFrozen reports whether a hub's share of a pool is frozen by a dispute.
func (*Module) ShareFrozen(r store.Reader, pool uint64, hub gongxu.OrgID) (bool, error) {
	v, err := r.Get(frozenKey(pool, hub))
	return v != nil, err
}

// FreezeShare freezes hub's share of pool for a dispute and returns what is
// at stake. A share can be frozen while its money is captured (the pool in
// production or ready) and it is neither confirmed nor frozen: whenever its
// hub could confirm it, and also when the goods are ready and not shipped
// (late). Shipment on the ledger is not required: a pool awarded from a
// request for quote has no goods on the ledger, and its hubs confirm (so
// may dispute) without one. Errors:
// KindNotFound (no such pool or share), KindConflict (not disputable now).
func (m *Module) FreezeShare(ctx *module.Context, pool uint64, hub gongxu.OrgID) (ShareStake, error) {
	p, err := m.Pool(ctx.KV, pool)
	if err != nil {
		return ShareStake{}, err
	}
	s, err := m.HubShare(ctx.KV, pool, hub)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound || (err == nil && s.Qty == 0) {
		return ShareStake{}, notFound("hub %s has no share in pool %d", hub, pool)
	}
	if err != nil {
		return ShareStake{}, err
	}
	if p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady {
		return ShareStake{}, conflict("pool %d is %s; a hub's share is disputed while its money is captured (in production or ready)", pool, p.Status)
	}
	if s.Delivered {
		return ShareStake{}, conflict("hub %s's share of pool %d is already settled", hub, pool)
	}
	if f, err := m.ShareFrozen(ctx.KV, pool, hub); err != nil {
		return ShareStake{}, err
	} else if f {
		return ShareStake{}, conflict("hub %s's share of pool %d is already in dispute", hub, pool)
	}
	if s.ConfirmBy != 0 && ctx.Time >= s.ConfirmBy {
		return ShareStake{}, conflict("hub %s's share of pool %d was confirmed automatically at %d: a dispute comes before that", hub, pool, s.ConfirmBy)
	}
	amount, err := gongxu.Cost(s.Qty, p.Price)
	if err != nil {
		return ShareStake{}, err
	}
	if err := ctx.KV.Set(frozenKey(pool, hub), []byte{1}); err != nil {
		return ShareStake{}, err
	}
	if err := stopWaiting(ctx, &s); err != nil { // the ruling settles it, not the deadline
		return ShareStake{}, err
	}
	history(ctx, &p, p.Status, fmt.Sprintf("share of hub %s in dispute: %d %s frozen", hub, amount, p.Currency))
	if err := savePool(ctx, &p); err != nil {
		return ShareStake{}, err
	}
	return ShareStake{Pool: pool, Factory: p.Factory, Hub: hub, Currency: p.Currency, Amount: amount}, nil
}

// ResolveShare ends a frozen share with a split: toHub of its captured money
// is refunded to the hub's account (the hub settles with the consumers it
// gathered), the rest is paid out as on a confirmed delivery, and the share
// counts as delivered. Errors: KindConflict (not frozen), KindInvalid
// (toHub outside 0..stake).
func (m *Module) ResolveShare(ctx *module.Context, pool uint64, hub gongxu.OrgID, toHub gongxu.Amount, why string) error {
	if f, err := m.ShareFrozen(ctx.KV, pool, hub); err != nil {
		return err
	} else if !f {
		return conflict("hub %s's share of pool %d is not in dispute", hub, pool)
	}
	p, err := m.Pool(ctx.KV, pool)
	if err != nil {
		return err
	}
	s, err := m.HubShare(ctx.KV, pool, hub)
	if err != nil {
		return err
	}
	if err := ctx.KV.Delete(frozenKey(pool, hub)); err != nil {
		return err
	}
	return m.settleShare(ctx, &p, &s, toHub, why)
}

// whyConfirmed is the reason of a hub's own confirmation.
const whyConfirmed = "delivery confirmed"

// settleShare ends hub share s of pool p in production: of its captured
// money (qty × final price), refund goes back to the hub's account and the
// rest is paid out: first the shares of the pool's terms (the hub's HubBPS,
// each named org's BPS, each floor(payout × bps / 10000)), then the rest to
// the factory. The share is delivered (its shipped lots received at the
// hub, on the trace when a transaction settles it) and, with every share
// settled, so is the pool.
func (m *Module) settleShare(ctx *module.Context, p *gongxu.Pool, s *gongxu.HubShare, refund gongxu.Amount, why string) error {
	amount, err := gongxu.Cost(s.Qty, p.Price)
	if err != nil {
		return err
	}
	if refund < 0 || refund > amount {
		return invalid("a split of hub %s's share of pool %d refunds 0 to %d, got %d", s.Hub, p.ID, amount, refund)
	}
	if err := stopWaiting(ctx, s); err != nil {
		return err
	}
	if refund > 0 {
		if err := m.settle.Transfer(ctx, capturedAccount(p.ID), orgAccount(s.Hub), p.Currency, refund, gongxu.ReasonRefund, ref(p.ID)+" share of "+string(s.Hub)+": "+why); err != nil {
			return gongxu.Wrap(err, "pool %d: refund to hub %s", p.ID, s.Hub)
		}
	}
	payout := amount - refund
	shares := append([]gongxu.EnablerShare{{Org: s.Hub, Role: "hub", BPS: p.HubBPS}}, p.Enablers...)
	var shared gongxu.Amount
	for _, e := range shares {
		cut := gongxu.BPSOf(payout, e.BPS)
		if cut == 0 {
			continue
		}
		if err := m.settle.Transfer(ctx, capturedAccount(p.ID), orgAccount(e.Org), p.Currency, cut, gongxu.ReasonShare, ref(p.ID)+" "+e.Role+" share, delivery to "+string(s.Hub)); err != nil {
			return gongxu.Wrap(err, "pool %d: %s share of %s", p.ID, e.Role, e.Org)
		}
		shared += cut // the shares add up to at most MaxShareBPS of payout
	}
	if shared > payout {
		return fmt.Errorf("pool %d: shares of %d exceed the payout of %d", p.ID, shared, payout)
	}
	rest := payout - shared
	if rest > 0 {
		if err := m.settle.Transfer(ctx, capturedAccount(p.ID), orgAccount(p.Factory), p.Currency, rest, gongxu.ReasonPayout, ref(p.ID)+" delivery to "+string(s.Hub)); err != nil {
			return gongxu.Wrap(err, "pool %d: payout for hub %s", p.ID, s.Hub)
		}
	}
	s.Delivered = true
	if err := saveShare(ctx, s); err != nil {
		return err
	}
	// The hub's receipt goes on the trace when a transaction settles the
	// share (its confirmation, a ruling); a settlement at block time (an
	// automatic confirmation) records none: nobody observed the goods
	// arrive, and trace events are anchored in transactions.
	if len(s.Shipped) > 0 && ctx.TxHash != "" {
		if err := m.goods.ReceivedAtHub(ctx, *p, s.Hub, s.Shipped); err != nil {
			return err
		}
	}
	p.Captured -= amount
	p.Released += rest
	p.Shared += shared
	p.Refunded += refund
	if refund > 0 || why != whyConfirmed {
		history(ctx, p, p.Status, fmt.Sprintf("share of hub %s settled: %d %s refunded to the hub, %d to the shares, %d paid out (%s)", s.Hub, refund, p.Currency, shared, rest, why))
	}
	mt, err := loadMeta(ctx.KV, p.ID)
	if err != nil {
		return err
	}
	mt.Pending--
	if err := saveMeta(ctx, p.ID, mt); err != nil {
		return err
	}
	if mt.Pending > 0 {
		return savePool(ctx, p)
	}
	if p.Captured != 0 || mt.Pending < 0 {
		return fmt.Errorf("pool %d: every hub settled but %d stays captured (%d pending)", p.ID, p.Captured, mt.Pending)
	}
	if err := m.goods.ReleasePool(ctx, *p); err != nil { // what a ruling left unshipped
		return err
	}
	history(ctx, p, gongxu.PoolDelivered, "every hub confirmed its delivery")
	if err := savePool(ctx, p); err != nil {
		return err
	}
	settled := fmt.Sprintf("%d %s released to %s", p.Released, p.Currency, p.Factory)
	if p.Shared > 0 {
		settled += fmt.Sprintf(", %d to the shares of the terms", p.Shared)
	}
	history(ctx, p, gongxu.PoolSettled, settled)
	return savePool(ctx, p)
}
