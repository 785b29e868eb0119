package pool

import (
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Award is a request for quote won by a factory: the hub that asked buys Qty
// units at UnitPrice.
type Award struct {
	Factory   gongxu.OrgID
	Hub       gongxu.OrgID
	Title     string
	Qty       gongxu.Units
	UnitPrice gongxu.Amount
	Currency  string
	Deadline  int64 // block time, unix ms; recorded on the pool (it closes at once)
	RFQ       uint64
}

// OpenAwarded opens the pool of an award and closes it at once as
// succeeded: one tier {1, UnitPrice}, MOQ = cap = Qty, case pack 1, the hub as
// its only hub with the whole quantity, Qty × UnitPrice escrowed from the
// hub's account and captured. The caller (the rfq module) has checked that
// its signer may award; this checks the award itself. It returns the pool id.
// Errors: KindInvalid for a malformed award (or one that overflows),
// KindUnauthorized when the factory or hub lacks its role, KindConflict
// when the hub's account holds too little.
func (m *Module) OpenAwarded(ctx *module.Context, a Award) (uint64, error) {
	if err := a.Factory.Validate(); err != nil {
		return 0, err
	}
	if err := a.Hub.Validate(); err != nil {
		return 0, err
	}
	if a.Title == "" || len(a.Title) > MaxTitle {
		return 0, invalid("an award needs a title of 1 to %d bytes", MaxTitle)
	}
	if a.Qty <= 0 || a.UnitPrice <= 0 {
		return 0, invalid("an award needs a positive qty and unit price, got %d and %d", a.Qty, a.UnitPrice)
	}
	escrow, err := gongxu.Cost(a.Qty, a.UnitPrice)
	if err != nil {
		return 0, invalid("award qty %d × unit price %d overflows", a.Qty, a.UnitPrice)
	}
	if err := validateCurrency(a.Currency); err != nil {
		return 0, err
	}
	if a.RFQ == 0 {
		return 0, invalid("an award names its request for quote")
	}
	for _, x := range []struct {
		org  gongxu.OrgID
		role gongxu.Role
	}{{a.Factory, gongxu.RoleFactory}, {a.Hub, gongxu.RoleHub}} {
		ok, err := m.members.HasRole(ctx.KV, x.org, x.role)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, unauthorized("org %s is not a member %s", x.org, x.role)
		}
	}
	id, err := nextPoolID(ctx)
	if err != nil {
		return 0, err
	}
	deadline := a.Deadline
	if deadline <= 0 {
		deadline = ctx.Time
	}
	p := gongxu.Pool{
		ID: id, Factory: a.Factory, Title: a.Title, Variants: []string{}, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: a.UnitPrice}},
		MOQ: a.Qty, Cap: a.Qty, CasePack: 1, Currency: a.Currency, Deadline: deadline, Hubs: []gongxu.OrgID{a.Hub},
		Status: gongxu.PoolOpen, Created: ctx.Time, RFQ: a.RFQ,
		StartBy: deadline + gongxu.DefaultPoolStartMs,
	}
	acct := orgAccount(a.Hub)
	if err := m.settle.Transfer(ctx, acct, escrowAccount(id), a.Currency, escrow, gongxu.ReasonEscrow, fmt.Sprintf("%s award of request for quote %d", ref(id), a.RFQ)); err != nil {
		return 0, err
	}
	if _, err := addPayer(ctx.KV, id, acct, a.Qty, escrow); err != nil {
		return 0, err
	}
	if err := saveMeta(ctx, id, meta{Payers: 1}); err != nil {
		return 0, err
	}
	s := gongxu.HubShare{Pool: id, Hub: a.Hub, Qty: a.Qty, Pledges: 1, Variants: []gongxu.VariantQty{{Variant: "", Qty: a.Qty}}}
	if err := saveShare(ctx, &s); err != nil {
		return 0, err
	}
	if err := addUnits(ctx.KV, demandKey(id, ""), a.Qty); err != nil {
		return 0, err
	}
	p.Total, p.Pledges, p.Escrowed, p.MOQReached = a.Qty, 1, escrow, true
	if err := m.close(ctx, &p, fmt.Sprintf("awarded from request for quote %d", a.RFQ)); err != nil {
		return 0, err
	}
	return id, nil
}
