package pool

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Routes implements module.Module. Pledge and reduce are open to any key
// (a consumer's own); everything else needs a member org's key.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypeOpen, New: func() module.Msg { return &MsgOpen{} }, Handle: m.handleOpen},
		{Type: TypeCancel, New: func() module.Msg { return &MsgCancel{} }, Handle: m.handleCancel},
		{Type: TypePledge, New: func() module.Msg { return &MsgPledge{} }, Handle: m.handlePledge, Open: true},
		{Type: TypeReduce, New: func() module.Msg { return &MsgReduce{} }, Handle: m.handleReduce, Open: true},
		{Type: TypeBatch, New: func() module.Msg { return &MsgBatch{} }, Handle: m.handleBatch},
		{Type: TypeHubReduce, New: func() module.Msg { return &MsgHubReduce{} }, Handle: m.handleHubReduce},
		{Type: TypeStartProduction, New: func() module.Msg { return &MsgStartProduction{} }, Handle: m.handleStartProduction},
		{Type: TypeConfirmDelivery, New: func() module.Msg { return &MsgConfirmDelivery{} }, Handle: m.handleConfirmDelivery},
		{Type: TypeShip, New: func() module.Msg { return &MsgShip{} }, Handle: m.handleShip},
		{Type: TypePickup, New: func() module.Msg { return &MsgPickup{} }, Handle: m.handlePickup},
		{Type: TypeHistory, New: func() module.Msg { return &MsgHistory{} }, Handle: m.handleHistory},
		{Type: TypeStopRepeat, New: func() module.Msg { return &MsgStopRepeat{} }, Handle: m.handleStopRepeat},
	}
}

func unauthorized(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindUnauthorized, format, args...)
}

func notFound(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindNotFound, format, args...)
}

func conflict(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindConflict, format, args...)
}

func ref(id uint64) string { return "pool " + uitoa(id) }

func (m *Module) handleOpen(ctx *module.Context, msg module.Msg) error {
	o := msg.(*MsgOpen)
	prod, err := m.openerProduct(ctx, ctx.Org, o.Product)
	if err != nil {
		return err
	}
	if o.Deadline <= ctx.Time {
		return invalid("deadline %d is not after the block time %d", o.Deadline, ctx.Time)
	}
	if o.Deadline-ctx.Time > MaxOpenMs {
		return invalid("deadline %d is more than 365 days after the block time %d", o.Deadline, ctx.Time)
	}
	if o.LockMs >= o.Deadline-ctx.Time {
		return invalid("lock_ms %d must be shorter than the time left until the deadline (%d ms)", o.LockMs, o.Deadline-ctx.Time)
	}
	p, err := m.terms(ctx, prod, o, nil)
	if err != nil {
		return err
	}
	if p.ID, err = nextPoolID(ctx); err != nil {
		return err
	}
	opened := "opened by " + string(ctx.Org)
	if p.FromStock {
		opened += " on stock"
	}
	if r := o.Repeat; r != nil {
		p.Series = &gongxu.PoolSeries{EveryMs: r.EveryMs, Times: r.Times, Series: p.ID}
		opened += fmt.Sprintf(", reopening every %s, %d times", spell(r.EveryMs), r.Times)
		if err := m.awaitReopen(ctx, &p); err != nil {
			return err
		}
	}
	history(ctx, &p, gongxu.PoolOpen, opened)
	if err := deadlines.Add(ctx.KV, p.Deadline, p.ID); err != nil {
		return err
	}
	return savePool(ctx, &p)
}

// openerProduct checks that factory may open a pool on product: a member
// factory, its own product. Errors: KindUnauthorized, KindNotFound.
func (m *Module) openerProduct(ctx *module.Context, factory gongxu.OrgID, product gongxu.ProductID) (gongxu.Product, error) {
	ok, err := m.members.HasRole(ctx.KV, factory, gongxu.RoleFactory)
	if err != nil {
		return gongxu.Product{}, err
	}
	if !ok {
		return gongxu.Product{}, unauthorized("org %s is not a factory; only factories open pools", factory)
	}
	prod, err := m.catalog.Product(ctx.KV, product)
	if err != nil {
		return prod, err
	}
	if prod.Factory != factory {
		return prod, unauthorized("product %s belongs to %s; a factory opens pools on its own products only", prod.ID, prod.Factory)
	}
	return prod, nil
}

// terms checks an opening's terms against the state (the product's
// variants, the hubs, the named shares) and returns the pool they open,
// without its id and history. seen, when not nil, remembers the orgs
// checked (hubs: true; named orgs that are members: false) across the
// openings of one block's sweep, whose state of the members does not
// change: a member's record is read once, however many pools name it.
// Errors: KindInvalid.
func (m *Module) terms(ctx *module.Context, prod gongxu.Product, o *MsgOpen, seen map[gongxu.OrgID]bool) (gongxu.Pool, error) {
	offered := make([]string, 0, len(prod.Variants))
	for _, v := range prod.Variants {
		offered = append(offered, v.ID)
	}
	variants := offered
	if len(o.Variants) > 0 {
		if len(offered) == 0 {
			return gongxu.Pool{}, invalid("product %s has no variants; leave variants empty", prod.ID)
		}
		for _, v := range o.Variants {
			if !slices.Contains(offered, v) {
				return gongxu.Pool{}, invalid("product %s has no variant %q", prod.ID, v)
			}
		}
		variants = slices.Clone(o.Variants)
	}
	hubs := []gongxu.OrgID{}
	for _, h := range o.Hubs {
		if !seen[h] {
			ok, err := m.members.HasRole(ctx.KV, h, gongxu.RoleHub)
			if err != nil {
				return gongxu.Pool{}, err
			}
			if !ok {
				return gongxu.Pool{}, invalid("org %s is not a member hub", h)
			}
			if seen != nil {
				seen[h] = true
			}
		}
		hubs = append(hubs, h)
	}
	for _, e := range o.Enablers {
		if e.Org == prod.Factory {
			return gongxu.Pool{}, invalid("the factory %s is paid the rest of every payout; it names no share for itself", e.Org)
		}
		if _, ok := seen[e.Org]; ok {
			continue
		}
		if _, err := m.members.Org(ctx.KV, e.Org); gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return gongxu.Pool{}, invalid("org %s is not a member: a pool's shares go to member orgs only", e.Org)
		} else if err != nil {
			return gongxu.Pool{}, err
		}
		if seen != nil {
			seen[e.Org] = false // a member, not known as a hub
		}
	}
	startBy := o.StartBy
	if startBy == 0 {
		startBy = o.Deadline + gongxu.DefaultPoolStartMs
	}
	var dispute *int64
	if o.DisputeDefaultBPS != nil {
		v := *o.DisputeDefaultBPS
		dispute = &v
	}
	return gongxu.Pool{
		Factory: prod.Factory, Product: prod.ID, Title: prod.Name, Variants: variants,
		Tiers: slices.Clone(o.Tiers), MOQ: o.MOQ, Cap: o.Cap, CasePack: o.CasePack, Currency: o.Currency,
		Deadline: o.Deadline, LockMs: o.LockMs, Hubs: hubs, Terms: o.Terms, Created: ctx.Time,
		StartBy: startBy, HubBPS: o.HubBPS, Enablers: slices.Clone(o.Enablers), DisputeDefaultBPS: dispute,
		FromStock: o.FromStock,
	}, nil
}

func (m *Module) handleCancel(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgCancel)
	p, err := m.Pool(ctx.KV, c.Pool)
	if err != nil {
		return err
	}
	if ctx.Org != p.Factory {
		return unauthorized("pool %d belongs to factory %s; only it may cancel the pool", p.ID, p.Factory)
	}
	if p.Status != gongxu.PoolOpen {
		return conflict("pool %d is %s; only an open pool can be cancelled", p.ID, p.Status)
	}
	if err := closing(ctx, &p); err != nil {
		return err
	}
	mt, err := loadMeta(ctx.KV, p.ID)
	if err != nil {
		return err
	}
	if mt.PledgeSeq > 0 || mt.Batches > 0 {
		return conflict("pool %d has received pledges; a factory may cancel a pool only before any pledge", p.ID)
	}
	if err := deadlines.Remove(ctx.KV, p.Deadline, p.ID); err != nil {
		return err
	}
	reason := "cancelled by the factory"
	if c.Reason != "" {
		reason += ": " + c.Reason
	}
	if p.Series.Pending() { // a cancelled pool's terms reopen no more
		if err := stopSeries(ctx, &p, fmt.Sprintf("pool %d was cancelled", p.ID)); err != nil {
			return err
		}
		reason += "; its series stops"
	}
	history(ctx, &p, gongxu.PoolCancelled, reason)
	return savePool(ctx, &p)
}

// openPool loads a pool that takes pledges. Errors: KindNotFound,
// KindConflict when it is not open.
func (m *Module) openPool(ctx *module.Context, id uint64) (gongxu.Pool, error) {
	p, err := m.Pool(ctx.KV, id)
	if err != nil {
		return p, err
	}
	if p.Status != gongxu.PoolOpen {
		return p, conflict("pool %d is %s; it takes no pledges", p.ID, p.Status)
	}
	return p, closing(ctx, &p)
}

// closing refuses what an open pool takes (pledges, batches, reductions,
// cancel) once its deadline is reached: BeginBlock closes it, in this block
// or, with many pools due at once, a later one (close.go), and until then it
// behaves as closed. Errors: KindExpired.
func closing(ctx *module.Context, p *gongxu.Pool) error {
	if ctx.Time >= p.Deadline {
		return gongxu.Errorf(gongxu.KindExpired, "pool %d reached its deadline %d and is closing: it takes nothing more", p.ID, p.Deadline)
	}
	return nil
}

// hubAllowed reports whether hub may gather pledges for p: a member hub,
// listed in p.Hubs unless the list is empty.
func (m *Module) hubAllowed(ctx *module.Context, p *gongxu.Pool, hub gongxu.OrgID) (bool, error) {
	if len(p.Hubs) > 0 && !slices.Contains(p.Hubs, hub) {
		return false, nil
	}
	return m.members.HasRole(ctx.KV, hub, gongxu.RoleHub)
}

func checkVariant(p *gongxu.Pool, v string) error {
	if len(p.Variants) == 0 {
		if v != "" {
			return invalid("pool %d has no variants; leave variant empty", p.ID)
		}
		return nil
	}
	if v == "" {
		return invalid("pool %d needs a variant: one of %s", p.ID, strings.Join(p.Variants, ", "))
	}
	if !slices.Contains(p.Variants, v) {
		return invalid("pool %d does not offer variant %q (it offers %s)", p.ID, v, strings.Join(p.Variants, ", "))
	}
	return nil
}

func checkCasePack(p *gongxu.Pool, qty gongxu.Units) error {
	if qty%p.CasePack != 0 {
		return invalid("qty %d is not a multiple of pool %d's case pack of %d", qty, p.ID, p.CasePack)
	}
	return nil
}

// checkRoom applies the cap rule: a pledge or batch that would take the total
// over the cap is rejected whole.
func checkRoom(p *gongxu.Pool, qty gongxu.Units) error {
	next, err := gongxu.Add(p.Total, qty)
	if err != nil || next > p.Cap {
		return conflict("pool %d has room for %d more units (cap %d, pledged %d); %d asked: a pledge or batch over the cap is rejected whole, resubmit what fits",
			p.ID, p.Cap-p.Total, p.Cap, p.Total, qty)
	}
	return nil
}

func checkLock(ctx *module.Context, p *gongxu.Pool) error {
	if err := closing(ctx, p); err != nil {
		return err
	}
	if lockAt := p.Deadline - p.LockMs; ctx.Time >= lockAt {
		return gongxu.Errorf(gongxu.KindExpired, "pool %d is locked since %d (%d ms before its deadline %d): pledges can no longer be reduced or withdrawn",
			p.ID, lockAt, p.LockMs, p.Deadline)
	}
	return nil
}

func firstPrice(p *gongxu.Pool) gongxu.Amount { return p.Tiers[0].UnitPrice }

// adjust applies a change of qty units (negative: a reduction) paid by acct,
// gathered by hub, split by variant as in variants (deltas, sorted), and of
// pledges pledges, to the payer record, the hub's share, the per-variant
// demand and the pool's totals. The money has moved already. It then saves
// the pool, or closes it when the change reached the cap.
func (m *Module) adjust(ctx *module.Context, p *gongxu.Pool, hub gongxu.OrgID, acct gongxu.AccountID, qty gongxu.Units, escrow gongxu.Amount, variants []gongxu.VariantQty, pledges int64) error {
	if n, err := addPayer(ctx.KV, p.ID, acct, qty, escrow); err != nil {
		return err
	} else if n != 0 {
		mt, err := loadMeta(ctx.KV, p.ID)
		if err != nil {
			return err
		}
		if mt.Payers += n; mt.Payers < 0 || mt.Payers > closeBudget.perPool {
			return fmt.Errorf("pool %d: %d payers counted", p.ID, mt.Payers)
		}
		if err := saveMeta(ctx, p.ID, mt); err != nil {
			return err
		}
	}
	s, err := loadShare(ctx.KV, p.ID, hub)
	if err != nil {
		return err
	}
	if s.Qty, err = gongxu.Add(s.Qty, qty); err != nil {
		return err
	}
	if s.Pledges, err = gongxu.Add(s.Pledges, pledges); err != nil {
		return err
	}
	for _, v := range variants {
		if s.Variants, err = addVariant(s.Variants, v.Variant, v.Qty); err != nil {
			return err
		}
		if err := addUnits(ctx.KV, demandKey(p.ID, v.Variant), v.Qty); err != nil {
			return err
		}
	}
	if s.Qty < 0 || s.Pledges < 0 {
		return fmt.Errorf("pool %d: hub %s share went negative (%d units, %d pledges)", p.ID, hub, s.Qty, s.Pledges)
	}
	if err := saveShare(ctx, &s); err != nil {
		return err
	}
	if p.Total, err = gongxu.Add(p.Total, qty); err != nil {
		return err
	}
	if p.Pledges, err = gongxu.Add(p.Pledges, pledges); err != nil {
		return err
	}
	if p.Escrowed, err = gongxu.Add(p.Escrowed, escrow); err != nil {
		return err
	}
	reached := p.Total >= p.MOQ
	if reached && !p.MOQWasReached() {
		history(ctx, p, gongxu.PoolOpen, fmt.Sprintf("minimum batch reached: %d units pledged", p.Total))
	}
	p.MOQReached = reached
	if p.Total == p.Cap {
		if err := spendClose(ctx, p); err != nil {
			return err
		}
		return m.close(ctx, p, fmt.Sprintf("capacity cap of %d units reached", p.Cap))
	}
	return savePool(ctx, p)
}

func (m *Module) handlePledge(ctx *module.Context, msg module.Msg) error {
	pm := msg.(*MsgPledge)
	p, err := m.openPool(ctx, pm.Pool)
	if err != nil {
		return err
	}
	ok, err := m.hubAllowed(ctx, &p, pm.Hub)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("%s is not a pickup hub of pool %d", pm.Hub, p.ID)
	}
	if err := checkVariant(&p, pm.Variant); err != nil {
		return err
	}
	if err := checkCasePack(&p, pm.Qty); err != nil {
		return err
	}
	if err := checkRoom(&p, pm.Qty); err != nil {
		return err
	}
	escrow, err := gongxu.Cost(pm.Qty, firstPrice(&p))
	if err != nil {
		return err
	}
	acct := keyAccount(ctx.Signer)
	if ctx.Org != "" {
		acct = orgAccount(ctx.Org)
	}
	if err := checkPayers(ctx.KV, &p, acct); err != nil {
		return err
	}
	mt, err := loadMeta(ctx.KV, p.ID)
	if err != nil {
		return err
	}
	mt.PledgeSeq++
	if err := m.settle.Transfer(ctx, acct, escrowAccount(p.ID), p.Currency, escrow, gongxu.ReasonEscrow, fmt.Sprintf("%s pledge %d", ref(p.ID), mt.PledgeSeq)); err != nil {
		return err
	}
	if err := saveMeta(ctx, p.ID, mt); err != nil {
		return err
	}
	rec := pledgeRec{Pledge: gongxu.Pledge{Pool: p.ID, ID: mt.PledgeSeq, Consumer: ctx.Signer, Hub: pm.Hub, Variant: pm.Variant,
		Qty: pm.Qty, Escrow: escrow, Created: ctx.Time}, Payer: acct}
	if err := savePledge(ctx, &rec); err != nil {
		return err
	}
	return m.adjust(ctx, &p, pm.Hub, acct, pm.Qty, escrow, []gongxu.VariantQty{{Variant: pm.Variant, Qty: pm.Qty}}, 1)
}

func (m *Module) handleReduce(ctx *module.Context, msg module.Msg) error {
	r := msg.(*MsgReduce)
	p, err := m.Pool(ctx.KV, r.Pool)
	if err != nil {
		return err
	}
	rec, err := loadPledge(ctx.KV, r.Pool, r.Pledge)
	if err != nil {
		return err
	}
	if rec.Consumer != ctx.Signer {
		return unauthorized("pledge %d of pool %d was made by another key; only its consumer may reduce or withdraw it", rec.ID, p.ID)
	}
	if p.Status != gongxu.PoolOpen {
		return conflict("pool %d is %s; pledges can be reduced only while it is open", p.ID, p.Status)
	}
	if err := checkLock(ctx, &p); err != nil {
		return err
	}
	if rec.Qty == 0 {
		return conflict("pledge %d of pool %d is already withdrawn", rec.ID, p.ID)
	}
	if r.Qty >= rec.Qty {
		return invalid("pledge %d holds %d units; a reduction must ask for fewer, got %d", rec.ID, rec.Qty, r.Qty)
	}
	if err := checkCasePack(&p, r.Qty); err != nil {
		return err
	}
	diff := rec.Qty - r.Qty
	refund, err := gongxu.Cost(diff, firstPrice(&p))
	if err != nil {
		return err
	}
	if refund > rec.Escrow {
		return fmt.Errorf("pool %d pledge %d: refund %d above its escrow %d", p.ID, rec.ID, refund, rec.Escrow)
	}
	if err := m.settle.Transfer(ctx, escrowAccount(p.ID), rec.Payer, p.Currency, refund, gongxu.ReasonRefund, fmt.Sprintf("%s pledge %d", ref(p.ID), rec.ID)); err != nil {
		return gongxu.Wrap(err, "pool %d: refund of pledge %d", p.ID, rec.ID)
	}
	rec.Qty, rec.Escrow = r.Qty, rec.Escrow-refund
	if err := savePledge(ctx, &rec); err != nil {
		return err
	}
	var n int64
	if r.Qty == 0 {
		n = -1
	}
	return m.adjust(ctx, &p, rec.Hub, rec.Payer, -diff, -refund, []gongxu.VariantQty{{Variant: rec.Variant, Qty: -diff}}, n)
}

func (m *Module) handleBatch(ctx *module.Context, msg module.Msg) error {
	b := msg.(*MsgBatch)
	hub := ctx.Org
	isHub, err := m.members.HasRole(ctx.KV, hub, gongxu.RoleHub)
	if err != nil {
		return err
	}
	if !isHub {
		return unauthorized("org %s is not a hub; only hubs submit batches", hub)
	}
	p, err := m.openPool(ctx, b.Pool)
	if err != nil {
		return err
	}
	if ok, err := m.hubAllowed(ctx, &p, hub); err != nil {
		return err
	} else if !ok {
		return unauthorized("hub %s may not gather pledges for pool %d", hub, p.ID)
	}
	var total gongxu.Units
	for i, l := range b.Leaves {
		if err := checkVariant(&p, l.Variant); err != nil {
			return invalid("leaf %d: %v", i, gongxu.ErrorMessage(err))
		}
		if err := checkCasePack(&p, l.Qty); err != nil {
			return invalid("leaf %d: %v", i, gongxu.ErrorMessage(err))
		}
		if total, err = gongxu.Add(total, l.Qty); err != nil {
			return err
		}
	}
	// The quantity per variant and the Merkle root: pure functions of the
	// leaves, pool and hub, computed once per decoded message (batchsums.go).
	sums := m.batchSums.sums(b, p.ID, hub)
	if err := checkRoom(&p, total); err != nil {
		return err
	}
	escrow, err := gongxu.Cost(total, firstPrice(&p))
	if err != nil {
		return err
	}
	if found, err := module.Load(ctx.KV, batchKey(p.ID, ctx.TxHash), &gongxu.Batch{}); err != nil {
		return err
	} else if found {
		return fmt.Errorf("pool: a batch is already stored for transaction %s", ctx.TxHash)
	}
	acct := orgAccount(hub)
	if err := checkPayers(ctx.KV, &p, acct); err != nil {
		return err
	}
	if err := m.settle.Transfer(ctx, acct, escrowAccount(p.ID), p.Currency, escrow, gongxu.ReasonEscrow, ref(p.ID)+" batch"); err != nil {
		return err
	}
	variants, root := sums.variants, sums.root
	batch := gongxu.Batch{Pool: p.ID, Hub: hub, Tx: ctx.TxHash, Root: hex.EncodeToString(root[:]), Leaves: int64(len(b.Leaves)),
		Qty: total, Escrow: escrow, Height: ctx.Height}
	bj, err := module.Save(ctx.KV, batchKey(p.ID, ctx.TxHash), batch)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventBatch, "pool", uitoa(p.ID), "hub", string(hub), "tx", ctx.TxHash, "json", string(bj)))

	var hb hubBatches
	if _, err := module.Load(ctx.KV, hubBatchKey(p.ID, hub), &hb); err != nil {
		return err
	}
	hb.Qty += total // ≤ cap: no overflow
	hb.Pledges += int64(len(b.Leaves))
	for _, v := range variants {
		if hb.Variants, err = addVariant(hb.Variants, v.Variant, v.Qty); err != nil {
			return err
		}
	}
	if _, err := module.Save(ctx.KV, hubBatchKey(p.ID, hub), hb); err != nil {
		return err
	}
	mt, err := loadMeta(ctx.KV, p.ID)
	if err != nil {
		return err
	}
	mt.Batches++
	if err := saveMeta(ctx, p.ID, mt); err != nil {
		return err
	}
	return m.adjust(ctx, &p, hub, acct, total, escrow, variants, int64(len(b.Leaves)))
}

func (m *Module) handleHubReduce(ctx *module.Context, msg module.Msg) error {
	hr := msg.(*MsgHubReduce)
	hub := ctx.Org
	p, err := m.Pool(ctx.KV, hr.Pool)
	if err != nil {
		return err
	}
	var hb hubBatches
	if _, err := module.Load(ctx.KV, hubBatchKey(p.ID, hub), &hb); err != nil {
		return err
	}
	if hb.Qty == 0 && p.Status == gongxu.PoolOpen {
		return unauthorized("org %s has no batched pledges in pool %d; a hub reduces only its own batches", hub, p.ID)
	}
	if p.Status != gongxu.PoolOpen { // a failed pool's hub totals are gone (gc.go)
		return conflict("pool %d is %s; pledges can be reduced only while it is open", p.ID, p.Status)
	}
	if err := checkLock(ctx, &p); err != nil {
		return err
	}
	if err := checkVariant(&p, hr.Variant); err != nil {
		return err
	}
	if err := checkCasePack(&p, hr.Qty); err != nil {
		return err
	}
	var have gongxu.Units
	for _, v := range hb.Variants {
		if v.Variant == hr.Variant {
			have = v.Qty
		}
	}
	if hr.Qty > have {
		return conflict("hub %s batched %d units of variant %q in pool %d; it cannot take back %d", hub, have, hr.Variant, p.ID, hr.Qty)
	}
	if hb.Variants, err = addVariant(hb.Variants, hr.Variant, -hr.Qty); err != nil {
		return err
	}
	hb.Qty -= hr.Qty
	n := hr.Pledges
	switch {
	case hb.Qty == 0:
		n = hb.Pledges // every batched pledge is gone
	case n >= hb.Pledges:
		return invalid("hub %s keeps %d units in pool %d, so it cannot withdraw all of its %d batched pledges (asked %d)", hub, hb.Qty, p.ID, hb.Pledges, n)
	}
	hb.Pledges -= n
	if hb.Qty == 0 {
		err = ctx.KV.Delete(hubBatchKey(p.ID, hub))
	} else {
		_, err = module.Save(ctx.KV, hubBatchKey(p.ID, hub), hb)
	}
	if err != nil {
		return err
	}
	refund, err := gongxu.Cost(hr.Qty, firstPrice(&p))
	if err != nil {
		return err
	}
	acct := orgAccount(hub)
	if err := m.settle.Transfer(ctx, escrowAccount(p.ID), acct, p.Currency, refund, gongxu.ReasonRefund, ref(p.ID)+" hub reduce"); err != nil {
		return gongxu.Wrap(err, "pool %d: refund to hub %s", p.ID, hub)
	}
	return m.adjust(ctx, &p, hub, acct, -hr.Qty, -refund, []gongxu.VariantQty{{Variant: hr.Variant, Qty: -hr.Qty}}, -n)
}

func (m *Module) handleStartProduction(ctx *module.Context, msg module.Msg) error {
	p, err := m.Pool(ctx.KV, msg.(*MsgStartProduction).Pool)
	if err != nil {
		return err
	}
	if ctx.Org != p.Factory {
		return unauthorized("pool %d belongs to factory %s; only it starts production", p.ID, p.Factory)
	}
	if p.Status != gongxu.PoolSucceeded {
		return conflict("pool %d is %s; production starts only after it succeeded", p.ID, p.Status)
	}
	if err := pastStart(ctx, &p); err != nil {
		return err
	}
	if err := started(ctx, &p); err != nil {
		return err
	}
	history(ctx, &p, gongxu.PoolInProduction, "production started by "+string(ctx.Org))
	return savePool(ctx, &p)
}

// Stages moves pools along as their production orders do: what the
// production module calls (its Pools). It needs no other module, so the
// production module, which this module needs, is built with it before this
// one exists (internal/modules). The zero value is ready.
type Stages struct{}

// Producing moves a succeeded pool to in production, as its production
// order's first work order starts (the production module calls it). A pool
// already in production or past it is left as it is.
func (Stages) Producing(ctx *module.Context, id uint64, reason string) error {
	p, err := loadPool(ctx.KV, id)
	if err != nil {
		return err
	}
	if err := voided(&p); err != nil {
		return err
	}
	if p.Status != gongxu.PoolSucceeded {
		return nil
	}
	if err := pastStart(ctx, &p); err != nil {
		return err
	}
	if err := started(ctx, &p); err != nil {
		return err
	}
	history(ctx, &p, gongxu.PoolInProduction, reason)
	return savePool(ctx, &p)
}

// Ready marks a pool in production ready: its production order completed
// and the finished lots wait for the hubs (the production module calls it).
// A pool in any other status is left as it is.
func (Stages) Ready(ctx *module.Context, id uint64, reason string) error {
	p, err := loadPool(ctx.KV, id)
	if err != nil {
		return err
	}
	if err := voided(&p); err != nil {
		return err
	}
	switch p.Status {
	case gongxu.PoolSucceeded:
		if err := pastStart(ctx, &p); err != nil {
			return err
		}
		if err := started(ctx, &p); err != nil {
			return err
		}
		history(ctx, &p, gongxu.PoolInProduction, reason)
	case gongxu.PoolInProduction:
	default:
		return nil
	}
	history(ctx, &p, gongxu.PoolReady, reason)
	return savePool(ctx, &p)
}

func (m *Module) handleConfirmDelivery(ctx *module.Context, msg module.Msg) error {
	p, err := m.Pool(ctx.KV, msg.(*MsgConfirmDelivery).Pool)
	if err != nil {
		return err
	}
	hub := ctx.Org
	s, err := m.HubShare(ctx.KV, p.ID, hub)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound || (err == nil && s.Qty == 0) {
		return unauthorized("org %s has no share in pool %d; only a hub with a share confirms its delivery", hub, p.ID)
	}
	if err != nil {
		return err
	}
	if p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady {
		return conflict("pool %d is %s; deliveries are confirmed once it is in production", p.ID, p.Status)
	}
	if s.Delivered {
		return conflict("hub %s already confirmed its delivery of pool %d", hub, p.ID)
	}
	if len(s.Shipped) == 0 && p.Status == gongxu.PoolReady {
		return conflict("pool %d's lots are ready at %s but nothing was shipped to hub %s: the factory ships the hub's share (pool/ship) before the hub confirms it", p.ID, p.Factory, hub)
	}
	if len(s.Shipped) > 0 && !s.ShippedInFull() {
		return conflict("%d of hub %s's share of pool %d (%d units) shipped so far: the hub confirms once it is shipped in full (or opens a dispute)", s.ShippedQty, hub, p.ID, s.Qty)
	}
	if f, err := m.ShareFrozen(ctx.KV, p.ID, hub); err != nil {
		return err
	} else if f {
		return conflict("hub %s's share of pool %d is in dispute; the dispute's ruling settles it", hub, p.ID)
	}
	return m.settleShare(ctx, &p, &s, 0, whyConfirmed)
}

func (m *Module) handleShip(ctx *module.Context, msg module.Msg) error {
	sm := msg.(*MsgShip)
	p, err := m.Pool(ctx.KV, sm.Pool)
	if err != nil {
		return err
	}
	if ctx.Org != p.Factory {
		return unauthorized("pool %d belongs to factory %s; only it ships the pool's goods", p.ID, p.Factory)
	}
	if p.Status != gongxu.PoolInProduction && p.Status != gongxu.PoolReady {
		return conflict("pool %d is %s; its goods ship once it is in production", p.ID, p.Status)
	}
	s, err := m.HubShare(ctx.KV, p.ID, sm.Hub)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound || (err == nil && s.Qty == 0) {
		return notFound("hub %s has no share in pool %d: there is nothing to ship it", sm.Hub, p.ID)
	}
	if err != nil {
		return err
	}
	if s.ShippedInFull() {
		return conflict("pool %d's share for hub %s was shipped at %d", p.ID, sm.Hub, s.ShippedAt)
	}
	if s.Delivered {
		return conflict("hub %s already confirmed its delivery of pool %d", sm.Hub, p.ID)
	}
	if len(s.Shipments) >= gongxu.MaxShareShipments {
		return conflict("pool %d's share for hub %s has %d shipments, the most a share has", p.ID, sm.Hub, len(s.Shipments))
	}
	full, err := s.Qty.Milli()
	if err != nil {
		return err
	}
	left := full - s.ShippedQty
	qty := sm.Qty
	if qty == 0 {
		for _, l := range sm.Lots {
			qty += l.Qty // ValidateBasic checked that the sum does not overflow
		}
	}
	if qty == 0 {
		qty = left
	}
	if qty > left {
		return conflict("pool %d's share for hub %s is %d, %d shipped: %d more is over the share", p.ID, sm.Hub, full, s.ShippedQty, qty)
	}
	if p.Product == "" {
		return notFound("pool %d was awarded from a request for quote: its goods are not on the ledger to ship", p.ID)
	}
	n := len(s.Shipments) + 1
	lots, err := m.goods.ShipToHub(ctx, p, sm.Hub, n, qty, sm.Lots)
	if err != nil {
		return err
	}
	s.Shipments = append(s.Shipments, gongxu.ShareShipment{N: n, Qty: qty, Lots: lots, Time: ctx.Time})
	s.Shipped = mergeLots(s.Shipped, lots)
	s.ShippedQty += qty
	s.ShippedAt = ctx.Time
	if !s.ShippedInFull() {
		return saveShare(ctx, &s)
	}
	// A share in dispute (a ready pool's, frozen before it shipped) waits
	// for its ruling, not for a confirmation deadline.
	if f, err := m.ShareFrozen(ctx.KV, p.ID, s.Hub); err != nil {
		return err
	} else if !f {
		if err := m.awaitConfirmation(ctx, &s); err != nil {
			return err
		}
	}
	return saveShare(ctx, &s)
}

// mergeLots adds lots to a share's shipped lots, a lot once, in shipping
// order.
func mergeLots(shipped, lots []gongxu.LotQty) []gongxu.LotQty {
	out := slices.Clone(shipped)
	for _, l := range lots {
		if i := slices.IndexFunc(out, func(x gongxu.LotQty) bool { return x.Lot == l.Lot }); i >= 0 {
			out[i].Qty += l.Qty
		} else {
			out = append(out, l)
		}
	}
	return out
}

func (m *Module) handlePickup(ctx *module.Context, msg module.Msg) error {
	pm := msg.(*MsgPickup)
	hub := ctx.Org
	p, err := m.Pool(ctx.KV, pm.Pool)
	if err != nil {
		return err
	}
	var pledge string
	var qty gongxu.Units
	if r := pm.Receipt; r != nil {
		var b gongxu.Batch
		if found, err := module.Load(ctx.KV, batchKey(p.ID, r.Tx), &b); err != nil {
			return err
		} else if !found {
			return notFound("no batch was accepted in transaction %s for pool %d", r.Tx, p.ID)
		}
		if b.Pool != p.ID {
			return fmt.Errorf("pool: batch %s stored under pool %d is of pool %d", r.Tx, p.ID, b.Pool)
		}
		if b.Hub != hub {
			return unauthorized("batch %s was gathered by hub %s; only it hands out its pledges", r.Tx, b.Hub)
		}
		rc := *r
		rc.Hub, rc.Root = b.Hub, b.Root
		if int64(rc.Leaves) != b.Leaves {
			return invalid("the receipt says batch %s has %d leaves; it has %d", r.Tx, rc.Leaves, b.Leaves)
		}
		if err := VerifyReceipt(rc); err != nil {
			return invalid("the receipt does not match batch %s: %s", r.Tx, gongxu.ErrorMessage(err))
		}
		if err := CheckPickupSecret(rc, r.Secret); err != nil {
			return err
		}
		pledge, qty = gongxu.PledgeURN(r.Tx, r.Index), r.Leaf.Qty
	} else {
		rec, err := loadPledge(ctx.KV, p.ID, pm.Pledge)
		if err != nil {
			return err
		}
		if rec.Hub != hub {
			return unauthorized("pledge %d of pool %d is to be picked up at hub %s; only it hands it out", rec.ID, p.ID, rec.Hub)
		}
		if rec.Qty == 0 {
			return conflict("pledge %d of pool %d was withdrawn", rec.ID, p.ID)
		}
		pledge, qty = gongxu.DirectPledgeURN(p.ID, rec.ID), rec.Qty
	}
	if pm.Qty > qty {
		return invalid("pledge %s is for %d units; %d cannot be handed over", pledge, qty, pm.Qty)
	}
	if pm.Qty > 0 {
		qty = pm.Qty
	}
	s, err := m.HubShare(ctx.KV, p.ID, hub)
	if err != nil {
		return err
	}
	if !s.Delivered {
		return conflict("hub %s has not confirmed its delivery of pool %d; pickups follow the delivery", hub, p.ID)
	}
	var prev gongxu.Pickup
	if found, err := module.Load(ctx.KV, pickupKey(p.ID, pledge), &prev); err != nil {
		return err
	} else if found {
		return conflict("pledge %s was picked up at height %d", pledge, prev.Height)
	}
	if next, err := gongxu.Add(s.PickedUp, qty); err != nil || next > s.Qty {
		return conflict("hub %s has %d units of pool %d left to hand out (%d of %d picked up); %d asked", hub, s.Qty-s.PickedUp, p.ID, s.PickedUp, s.Qty, qty)
	}
	pk := gongxu.Pickup{Pool: p.ID, Hub: hub, Pledge: pledge, Qty: qty, Lots: []gongxu.LotQty{}, Time: ctx.Time, Height: ctx.Height, Tx: ctx.TxHash}
	if len(s.Shipped) > 0 {
		milli, err := qty.Milli() // no error: the share was shipped, so it converts
		if err != nil {
			return err
		}
		if pk.Lots, s.Picked, err = takeLots(s.Shipped, s.Picked, milli, !s.ShippedInFull()); err != nil {
			return err
		}
	}
	s.PickedUp += qty
	s.Pickups++
	if err := saveShare(ctx, &s); err != nil {
		return err
	}
	b, err := module.Save(ctx.KV, pickupKey(p.ID, pledge), pk)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventPickup, "pool", uitoa(p.ID), "hub", string(hub), "pledge", pledge, "json", string(b)))
	if len(pk.Lots) > 0 {
		return m.goods.PickedUp(ctx, pk)
	}
	return nil
}

// takeLots takes qty from the shipped lots, less what was picked before,
// in shipping order; it returns the lots taken and the new picked totals.
// A share settled before it shipped in full (a dispute's ruling) hands
// out what did ship, then goods off the ledger: partial allows the lots to
// fall short.
func takeLots(shipped, picked []gongxu.LotQty, qty gongxu.Qty, partial bool) ([]gongxu.LotQty, []gongxu.LotQty, error) {
	before := map[gongxu.LotID]gongxu.Qty{}
	for _, l := range picked {
		before[l.Lot] += l.Qty
	}
	free := make([]gongxu.LotQty, len(shipped))
	for i, l := range shipped {
		free[i] = gongxu.LotQty{Lot: l.Lot, Qty: l.Qty - before[l.Lot]}
	}
	took, short := gongxu.TakeLots(free, qty)
	if short > 0 && !partial {
		return nil, nil, fmt.Errorf("pool: the shipped lots hold %d less than the pickups", short)
	}
	next := slices.Clone(picked)
	for _, t := range took {
		if i := slices.IndexFunc(next, func(l gongxu.LotQty) bool { return l.Lot == t.Lot }); i >= 0 {
			next[i].Qty += t.Qty
		} else {
			next = append(next, t)
		}
	}
	return took, next, nil
}

// Pickup returns the pickup of a pledge (a PledgeURN or DirectPledgeURN).
// Errors: KindNotFound.
func (*Module) Pickup(r store.Reader, pool uint64, pledge string) (gongxu.Pickup, error) {
	return module.Find[gongxu.Pickup](r, pickupKey(pool, pledge), "pledge %s of pool %d was not picked up", pledge, pool)
}

// InitGenesis implements module.Module: there are no pools at genesis.
func (*Module) InitGenesis(_ *module.Context, raw json.RawMessage) error {
	if len(raw) > 0 && string(raw) != "null" && string(raw) != "{}" {
		return invalid("pool genesis must be empty")
	}
	return nil
}

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }
