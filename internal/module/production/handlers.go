package production

import (
	"fmt"
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Routes implements module.Module. Every message needs a member org's key.
func (m *Module) Routes() []module.Route {
	r := func(typ string, n func() module.Msg, h func(*module.Context, module.Msg) error) module.Route {
		return module.Route{Type: typ, New: n, Handle: h}
	}
	return append([]module.Route{
		r(TypeOffer, func() module.Msg { return &MsgOffer{} }, m.handleOffer),
		r(TypeOrder, func() module.Msg { return &MsgOrder{} }, m.handleOrder),
		r(TypePO, func() module.Msg { return &MsgPO{} }, m.handlePO),
		r(TypePOAccept, func() module.Msg { return &MsgPOAccept{} }, m.handlePOAccept),
		r(TypePOReject, func() module.Msg { return &MsgPOReject{} }, m.handlePOReject),
		r(TypePOPropose, func() module.Msg { return &MsgPOPropose{} }, m.handlePOPropose),
		r(TypePODecide, func() module.Msg { return &MsgPODecide{} }, m.handlePODecide),
		r(TypePOCancel, func() module.Msg { return &MsgPOCancel{} }, m.handlePOCancel),
		r(TypePODisclose, func() module.Msg { return &MsgPODisclose{} }, m.handlePODisclose),
		r(TypeShip, func() module.Msg { return &MsgShip{} }, m.handleShip),
		r(TypeReceive, func() module.Msg { return &MsgReceive{} }, m.handleReceive),
		r(TypeWOStart, func() module.Msg { return &MsgWOStart{} }, m.handleWOStart),
		r(TypeWOReport, func() module.Msg { return &MsgWOReport{} }, m.handleWOReport),
		r(TypeWOComplete, func() module.Msg { return &MsgWOComplete{} }, m.handleWOComplete),
		r(TypeWOCancel, func() module.Msg { return &MsgWOCancel{} }, m.handleWOCancel),
	}, append(m.masterRoutes(), m.changeRoutes()...)...)
}

func unauthorized(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindUnauthorized, format, args...)
}

func conflict(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindConflict, format, args...)
}

func (m *Module) requireRole(ctx *module.Context, role gongxu.Role, what string) error {
	ok, err := m.members.HasRole(ctx.KV, ctx.Org, role)
	if err != nil {
		return err
	}
	if !ok {
		return unauthorized("org %s is not a %s; only %s orgs %s", ctx.Org, role, role, what)
	}
	return nil
}

func (m *Module) handleOffer(ctx *module.Context, msg module.Msg) error {
	o := msg.(*MsgOffer)
	if err := m.requireRole(ctx, gongxu.RoleSupplier, "publish supply offers"); err != nil {
		return err
	}
	prev, err := m.Offer(ctx.KV, ctx.Org, o.Item)
	if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
		return err
	}
	tiers := slices.Clone(o.Tiers)
	if o.UnitPrice > 0 {
		tiers = []gongxu.OfferTier{{MinQty: 0, UnitPrice: o.UnitPrice}}
	}
	if o.Terms != nil {
		readers := make([]gongxu.OrgID, len(o.Terms.Keys))
		for i, k := range o.Terms.Keys {
			readers[i] = k.Org
		}
		if readers[0] != ctx.Org {
			return invalid("sealed terms: the first key box is the supplier's own (%s), got %s", ctx.Org, readers[0])
		}
		for _, f := range readers[1:] {
			ok, err := m.isMaker(ctx, f)
			if err != nil {
				return err
			}
			if !ok {
				return invalid("sealed terms: org %s is not a member factory or supplier; an offer is sealed to the makers that may buy it", f)
			}
		}
		if err := m.checkSealedTo(ctx, o.Terms, readers...); err != nil {
			return err
		}
	}
	off := gongxu.SupplyOffer{
		Supplier: ctx.Org, Item: o.Item, Unit: o.Unit, LeadTimeDays: o.LeadTimeDays, MinQty: o.MinQty,
		Tiers: tiers, Currency: o.Currency, Version: prev.Version + 1, Updated: ctx.Time, Terms: o.Terms,
	}
	return saveOffer(ctx, &off)
}

func (m *Module) handleOrder(ctx *module.Context, msg module.Msg) error {
	o := msg.(*MsgOrder)
	if err := m.requireMaker(ctx, "create production orders"); err != nil {
		return err
	}
	if o.Item != "" {
		return m.orderItem(ctx, o)
	}
	prod, err := m.catalog.Product(ctx.KV, o.Product)
	if err != nil {
		return err
	}
	if prod.Factory != ctx.Org {
		return unauthorized("product %s belongs to %s; a factory orders production of its own products only", prod.ID, prod.Factory)
	}
	if o.Due <= ctx.Time {
		return invalid("due %d is not after the block time %d", o.Due, ctx.Time)
	}
	_, err = m.newOrder(ctx, ctx.Org, gongxu.ItemID(prod.ID), o.Qty, o.Due, 0, "created by "+string(ctx.Org))
	return err
}

// orderItem creates a production order for an item the signer makes: one
// of its own master data, made (not bought), not a phantom (a phantom is
// built into its parent, never ordered on its own), and not named like
// another org's catalog product.
func (m *Module) orderItem(ctx *module.Context, o *MsgOrder) error {
	if p := gongxu.ProductID(o.Item); p.Validate() == nil {
		if owner, _ := p.Split(); owner != ctx.Org {
			return unauthorized("item %s names org %s's product; an org orders production of what it makes only", o.Item, owner)
		}
	}
	it, err := m.Item(ctx.KV, ctx.Org, o.Item)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return invalid("org %s has no item %s in its master data (production/item); an org orders production of what it makes only", ctx.Org, o.Item)
	}
	if err != nil {
		return err
	}
	if !it.Make {
		return invalid("item %s is bought (from %s), not made: order it with a purchase order", it.ID, it.Supplier)
	}
	if it.Phantom {
		return invalid("item %s is a phantom, made inside its parent: order the parent", it.ID)
	}
	if o.Due <= ctx.Time {
		return invalid("due %d is not after the block time %d", o.Due, ctx.Time)
	}
	_, err = m.newOrder(ctx, ctx.Org, it.ID, o.Qty, o.Due, 0, "created by "+string(ctx.Org))
	return err
}

// OpenFromPool creates the production order of a filled pool: its factory,
// product and quantity, due at the date the pool promised. The pool wiring
// calls it; one order per pool. Errors: KindInvalid for a zero pool id, a
// non-positive quantity or a malformed product; KindConflict when the pool
// already has an order.
func (m *Module) OpenFromPool(ctx *module.Context, poolID uint64, factory gongxu.OrgID, product gongxu.ProductID, qty gongxu.Qty, due int64) (uint64, error) {
	if err := checkID("pool", poolID); err != nil {
		return 0, err
	}
	if err := factory.Validate(); err != nil {
		return 0, err
	}
	if err := product.Validate(); err != nil {
		return 0, err
	}
	if err := checkQty("qty", qty); err != nil {
		return 0, err
	}
	prev, err := m.OrderForPool(ctx.KV, poolID)
	if err != nil {
		return 0, err
	}
	if prev != 0 {
		return 0, conflict("pool %d already has production order %d", poolID, prev)
	}
	id, err := m.newOrder(ctx, factory, gongxu.ItemID(product), qty, due, poolID, "from pool "+uitoa(poolID))
	if err != nil {
		return 0, err
	}
	_, err = module.Save(ctx.KV, poolOrderKey(poolID), id)
	return id, err
}

func (m *Module) newOrder(ctx *module.Context, factory gongxu.OrgID, product gongxu.ItemID, qty gongxu.Qty, due int64, pool uint64, reason string) (uint64, error) {
	id, err := nextID(ctx, "order")
	if err != nil {
		return 0, err
	}
	o := gongxu.ProductionOrder{
		ID: id, Factory: factory, Product: product, Qty: qty, Due: due, Pool: pool,
		PlannedCompletion: due, PlanReason: "the due date", Created: ctx.Time,
	}
	orderHistory(ctx, &o, gongxu.OrderOpen, reason)
	return id, saveOrder(ctx, &o)
}

func (m *Module) handlePO(ctx *module.Context, msg module.Msg) error {
	p := msg.(*MsgPO)
	if err := m.requireMaker(ctx, "send purchase orders"); err != nil {
		return err
	}
	if p.Supplier == ctx.Org {
		return invalid("an org does not send purchase orders to itself")
	}
	ok, err := m.members.HasRole(ctx.KV, p.Supplier, gongxu.RoleSupplier)
	if err != nil {
		return err
	}
	if !ok {
		return invalid("org %s is not a member supplier; purchase orders go to supplier orgs", p.Supplier)
	}
	po := gongxu.PurchaseOrder{Factory: ctx.Org, Supplier: p.Supplier, Created: ctx.Time, Promised: []int64{}, Shipments: []gongxu.Shipment{}}
	for i, l := range p.Lines {
		off, err := m.Offer(ctx.KV, p.Supplier, l.Item)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return invalid("line %d: supplier %s has no offer for item %s", i+1, p.Supplier, l.Item)
		}
		if err != nil {
			return err
		}
		if !off.SealedTo(ctx.Org) {
			return unauthorized("line %d: supplier %s's offer of %s is sealed to other factories; %s may not order against it", i+1, p.Supplier, l.Item, ctx.Org)
		}
		if off.Terms != nil && p.Terms == nil {
			return invalid("line %d: supplier %s's offer of %s is sealed; a purchase order against it must be sealed too", i+1, p.Supplier, l.Item)
		}
		if l.Qty < off.MinQty {
			return invalid("line %d: qty %d is under supplier %s's minimum order of %d for %s", i+1, l.Qty, p.Supplier, off.MinQty, l.Item)
		}
		if l.Date <= ctx.Time {
			return invalid("line %d: requested date %d is not after the block time %d", i+1, l.Date, ctx.Time)
		}
		if po.Currency == "" {
			po.Currency = off.Currency
		} else if off.Currency != po.Currency {
			return invalid("line %d: %s is priced in %s, the order in %s: one currency per purchase order", i+1, l.Item, off.Currency, po.Currency)
		}
		price := off.PriceFor(l.Qty)
		if p.Terms != nil {
			price = 0 // sealed
		}
		po.Lines = append(po.Lines, gongxu.POLine{Item: l.Item, Qty: l.Qty, Date: l.Date, UnitPrice: price, Release: l.Release})
		po.Shipped = append(po.Shipped, 0)
		po.Received = append(po.Received, 0)
	}
	if p.Terms != nil {
		if err := m.checkSealedTo(ctx, p.Terms, ctx.Org, p.Supplier); err != nil {
			return err
		}
		po.Terms = p.Terms
	}
	if err := checkReleases(ctx, po.Lines, 0); err != nil {
		return err
	}
	if po.ID, err = nextID(ctx, "po"); err != nil {
		return err
	}
	if err := scheduleReleases(ctx, &po); err != nil {
		return err
	}
	po.Status = gongxu.POSent
	negotiate(ctx, &po, "sent", slices.Clone(po.Lines), "")
	if po.Terms != nil {
		po.Negotiation[len(po.Negotiation)-1].Commitment = po.Terms.Commitment
	}
	return savePO(ctx, &po)
}

// checkSealedTo checks that sealed terms are sealed to readers, in order,
// each with the seal key it has registered now. Errors: KindInvalid.
func (m *Module) checkSealedTo(ctx *module.Context, t *gongxu.SealedTerms, readers ...gongxu.OrgID) error {
	if err := t.ValidateShape(readers...); err != nil {
		return err
	}
	for i, org := range readers {
		k, err := m.members.SealKey(ctx.KV, org)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return invalid("sealed terms: org %s is not a member", org)
		}
		if err != nil {
			return err
		}
		if k == "" {
			return invalid("sealed terms: org %s has registered no seal key (member/seal_key); terms cannot be sealed to it", org)
		}
		if t.Keys[i].Key != k {
			return invalid("sealed terms: key box %d is sealed to %s, but org %s's seal key is %s", i+1, t.Keys[i].Key, org, k)
		}
	}
	return nil
}

// supplierPO loads a PO the signer must be the addressed supplier of.
func (m *Module) supplierPO(ctx *module.Context, id uint64, what string) (gongxu.PurchaseOrder, error) {
	po, err := m.PO(ctx.KV, id)
	if err != nil {
		return po, err
	}
	if ctx.Org != po.Supplier {
		return po, unauthorized("purchase order %d is addressed to %s; only it may %s", po.ID, po.Supplier, what)
	}
	return po, nil
}

// factoryPO loads a PO the signer must be the ordering factory of.
func (m *Module) factoryPO(ctx *module.Context, id uint64, what string) (gongxu.PurchaseOrder, error) {
	po, err := m.PO(ctx.KV, id)
	if err != nil {
		return po, err
	}
	if ctx.Org != po.Factory {
		return po, unauthorized("purchase order %d was sent by %s; only it may %s", po.ID, po.Factory, what)
	}
	return po, nil
}

func needStatus(po *gongxu.PurchaseOrder, what string, ok ...gongxu.POStatus) error {
	if !slices.Contains(ok, po.Status) {
		return conflict("purchase order %d is %s; it cannot be %s now", po.ID, po.Status, what)
	}
	return nil
}

func (m *Module) handlePOAccept(ctx *module.Context, msg module.Msg) error {
	a := msg.(*MsgPOAccept)
	po, err := m.supplierPO(ctx, a.PO, "accept it")
	if err != nil {
		return err
	}
	if err := needStatus(&po, "accepted", gongxu.POSent); err != nil {
		return err
	}
	promised := slices.Clone(a.Promised)
	if len(promised) == 0 {
		for _, l := range po.Lines {
			promised = append(promised, l.Date)
		}
	}
	if len(promised) != len(po.Lines) {
		return invalid("purchase order %d has %d lines, %d promised dates given", po.ID, len(po.Lines), len(promised))
	}
	if err := checkPromisedRelease(&po, promised); err != nil {
		return err
	}
	po.Promised, po.Status = promised, gongxu.POAccepted
	negotiate(ctx, &po, "accept", nil, "")
	if err := scheduleLate(ctx, &po); err != nil {
		return err
	}
	return savePO(ctx, &po)
}

func (m *Module) handlePOReject(ctx *module.Context, msg module.Msg) error {
	r := msg.(*MsgPOReject)
	po, err := m.supplierPO(ctx, r.PO, "reject it")
	if err != nil {
		return err
	}
	if err := needStatus(&po, "rejected", gongxu.POSent); err != nil {
		return err
	}
	po.Status, po.Reason = gongxu.PORejected, r.Reason
	negotiate(ctx, &po, "reject", nil, r.Reason)
	if err := scheduleReleases(ctx, &po); err != nil {
		return err
	}
	return savePO(ctx, &po)
}

func (m *Module) handlePOPropose(ctx *module.Context, msg module.Msg) error {
	p := msg.(*MsgPOPropose)
	po, err := m.supplierPO(ctx, p.PO, "propose changes")
	if err != nil {
		return err
	}
	if err := needStatus(&po, "changed", gongxu.POSent); err != nil {
		return err
	}
	if len(p.Lines) != len(po.Lines) {
		return invalid("purchase order %d has %d lines, the proposal %d: a proposal changes quantities, dates and prices of the same lines", po.ID, len(po.Lines), len(p.Lines))
	}
	for i, l := range p.Lines {
		if l.Item != po.Lines[i].Item {
			return invalid("line %d: the order is for %s, the proposal for %s: a proposal keeps the items", i+1, po.Lines[i].Item, l.Item)
		}
		if l.Release != po.Lines[i].Release {
			return invalid("line %d: a proposal keeps the line's release %d", i+1, po.Lines[i].Release)
		}
	}
	if po.Terms != nil && p.Terms == nil {
		return invalid("purchase order %d's terms are sealed; a proposal on it must be sealed too (its prices would be public)", po.ID)
	}
	if p.Terms != nil {
		if err := m.checkSealedTo(ctx, p.Terms, po.Factory, po.Supplier); err != nil {
			return err
		}
	}
	po.Status, po.Proposal, po.ProposalTerms = gongxu.POChangesProposed, slices.Clone(p.Lines), p.Terms
	negotiate(ctx, &po, "propose", slices.Clone(p.Lines), p.Reason)
	if p.Terms != nil {
		po.Negotiation[len(po.Negotiation)-1].Commitment = p.Terms.Commitment
	}
	return savePO(ctx, &po)
}

func (m *Module) handlePODecide(ctx *module.Context, msg module.Msg) error {
	d := msg.(*MsgPODecide)
	po, err := m.factoryPO(ctx, d.PO, "decide on the supplier's proposal")
	if err != nil {
		return err
	}
	if po.Status != gongxu.POChangesProposed {
		return conflict("purchase order %d is %s; there is no proposal to decide on", po.ID, po.Status)
	}
	if d.Accept {
		po.Lines, po.Status, po.Terms = po.Proposal, gongxu.POAccepted, po.ProposalTerms
		po.Promised = po.Promised[:0]
		for _, l := range po.Lines {
			po.Promised = append(po.Promised, l.Date)
		}
		negotiate(ctx, &po, "decide_accept", nil, d.Reason)
	} else {
		po.Status = gongxu.POSent
		negotiate(ctx, &po, "decide_reject", nil, d.Reason)
	}
	po.Proposal, po.ProposalTerms = nil, nil
	if err := scheduleLate(ctx, &po); err != nil {
		return err
	}
	return savePO(ctx, &po)
}

func (m *Module) handlePODisclose(ctx *module.Context, msg module.Msg) error {
	d := msg.(*MsgPODisclose)
	po, err := m.PO(ctx.KV, d.PO)
	if err != nil {
		return err
	}
	if ctx.Org != po.Factory && ctx.Org != po.Supplier {
		return unauthorized("only %s and %s, the parties of purchase order %d, may disclose its terms", po.Factory, po.Supplier, po.ID)
	}
	if po.Terms == nil {
		return invalid("purchase order %d's terms are not sealed; there is nothing to disclose", po.ID)
	}
	if d.To == po.Factory || d.To == po.Supplier {
		return invalid("org %s is a party of purchase order %d and reads its terms already", d.To, po.ID)
	}
	if d.Terms.Commitment != po.Terms.Commitment {
		return invalid("the disclosed terms' commitment is not purchase order %d's (%s)", po.ID, po.Terms.Commitment)
	}
	for _, x := range po.Disclosures {
		if x.By == ctx.Org && x.To == d.To {
			return conflict("org %s has already disclosed purchase order %d's terms to %s", ctx.Org, po.ID, d.To)
		}
	}
	if len(po.Disclosures) >= MaxDisclosures {
		return gongxu.Errorf(gongxu.KindQuota, "purchase order %d has %d disclosures, the limit is %d", po.ID, len(po.Disclosures), MaxDisclosures)
	}
	if err := m.checkSealedTo(ctx, &d.Terms, d.To); err != nil {
		return err
	}
	po.Disclosures = append(po.Disclosures, gongxu.PODisclosure{By: ctx.Org, To: d.To, Terms: d.Terms, Time: ctx.Time, Height: ctx.Height})
	return savePO(ctx, &po)
}

func (m *Module) handlePOCancel(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgPOCancel)
	po, err := m.factoryPO(ctx, c.PO, "cancel it")
	if err != nil {
		return err
	}
	if err := needStatus(&po, "cancelled", gongxu.POSent, gongxu.POChangesProposed, gongxu.POAccepted); err != nil {
		return err
	}
	if len(po.Shipments) > 0 {
		return conflict("purchase order %d has shipments; it can no longer be cancelled", po.ID)
	}
	if err := dropChange(ctx, &po); err != nil {
		return err
	}
	po.Status, po.Reason, po.Proposal, po.ProposalTerms = gongxu.POCancelled, c.Reason, nil, nil
	negotiate(ctx, &po, "cancel", nil, c.Reason)
	if err := scheduleLate(ctx, &po); err != nil {
		return err
	}
	if err := scheduleReleases(ctx, &po); err != nil {
		return err
	}
	return savePO(ctx, &po)
}

func (m *Module) handleShip(ctx *module.Context, msg module.Msg) error {
	s := msg.(*MsgShip)
	po, err := m.supplierPO(ctx, s.PO, "ship against it")
	if err != nil {
		return err
	}
	if err := needStatus(&po, "shipped against", gongxu.POAccepted); err != nil {
		return err
	}
	lots := map[gongxu.LotID]*gongxu.Lot{}
	var order []gongxu.LotID
	sh := gongxu.Shipment{ID: len(po.Shipments) + 1, Time: ctx.Time}
	for i, l := range s.Lines {
		if l.Line > len(po.Lines) {
			return invalid("lot line %d: purchase order %d has no line %d", i+1, po.ID, l.Line)
		}
		if l.Lot.Owner() != ctx.Org {
			return invalid("lot line %d: lot %s is not %s's: a supplier ships its own lots (<supplier>/<code>)", i+1, l.Lot, ctx.Org)
		}
		if err := notReleased(ctx, &po, l.Line); err != nil {
			return err
		}
		line := po.Lines[l.Line-1]
		next, err := gongxu.Add(po.Shipped[l.Line-1], l.Qty)
		if err != nil || next > line.Qty {
			return conflict("line %d: %d ordered, %d shipped so far, %d more is over the order", l.Line, line.Qty, po.Shipped[l.Line-1], l.Qty)
		}
		po.Shipped[l.Line-1] = next
		// A lot the supplier holds on the ledger is tracked: it must be of
		// the item and hold enough.
		lot, ok := lots[l.Lot]
		if !ok {
			x, err := m.Lot(ctx.KV, l.Lot)
			if err == nil {
				lot = &x
				order = append(order, l.Lot)
			} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
				return err
			}
			lots[l.Lot] = lot
		}
		hold, err := holdOf(ctx.KV, l.Lot, lot)
		if err != nil {
			return err
		}
		if hold != 0 {
			return conflict("lot line %d: lot %s is held by recall %d: a recalled lot, or one received or made from it, is never shipped, reserved or consumed", i+1, l.Lot, hold)
		}
		if lot != nil {
			if lot.Item != line.Item {
				return invalid("lot line %d: lot %s holds %s, line %d is for %s", i+1, l.Lot, lot.Item, l.Line, line.Item)
			}
			if gongxu.LotFree(*lot, 0, ctx.Time) < l.Qty {
				return conflict("lot line %d: lot %s holds %d (%d reserved for work orders%s), %d cannot be shipped from it", i+1, l.Lot, lot.Qty, lot.Reserved, spokenFor(lot, ctx.Time), l.Qty)
			}
			lot.Qty -= l.Qty
		}
		sh.Lines = append(sh.Lines, gongxu.ShipLine{Line: l.Line, Lot: l.Lot, Qty: l.Qty})
	}
	for _, id := range order {
		before, err := m.Lot(ctx.KV, id)
		if err != nil {
			return err
		}
		if err := saveLot(ctx, lots[id], lots[id].Qty-before.Qty); err != nil {
			return err
		}
	}
	po.Shipments = append(po.Shipments, sh)
	if slices.Equal(po.Shipped, lineQtys(po.Lines)) {
		po.Status = gongxu.POShipped
	}
	if err := scheduleLate(ctx, &po); err != nil {
		return err
	}
	if err := savePO(ctx, &po); err != nil {
		return err
	}
	lateShipments(ctx, &po, sh)
	return m.tracer.Shipped(ctx, po, sh)
}

func lineQtys(ls []gongxu.POLine) []gongxu.Qty {
	out := make([]gongxu.Qty, len(ls))
	for i, l := range ls {
		out[i] = l.Qty
	}
	return out
}

func (m *Module) handleReceive(ctx *module.Context, msg module.Msg) error {
	r := msg.(*MsgReceive)
	po, err := m.factoryPO(ctx, r.PO, "receive against it")
	if err != nil {
		return err
	}
	if r.Shipment > len(po.Shipments) {
		return notFound("purchase order %d has no shipment %d", po.ID, r.Shipment)
	}
	sh := &po.Shipments[r.Shipment-1]
	received := make([]gongxu.LotQty, 0, len(r.Lines))
	for i, l := range r.Lines {
		j := slices.IndexFunc(sh.Lines, func(s gongxu.ShipLine) bool { return s.Line == l.Line && s.Lot == l.Lot })
		if j < 0 {
			return invalid("lot line %d: shipment %d of purchase order %d has no line %d of lot %s", i+1, sh.ID, po.ID, l.Line, l.Lot)
		}
		s := &sh.Lines[j]
		if l.Qty > s.Qty-s.Received {
			return conflict("lot line %d: %d of lot %s shipped on line %d, %d received so far: receiving %d more is more than was shipped", i+1, s.Qty, l.Lot, l.Line, s.Received, l.Qty)
		}
		s.Received += l.Qty
		po.Received[l.Line-1] += l.Qty
		id := gongxu.LotID(string(ctx.Org) + "/" + string(l.Lot))
		if err := id.Validate(); err != nil {
			return invalid("lot line %d: the received lot id %s is too long: %v", i+1, id, err)
		}
		item := po.Lines[l.Line-1].Item
		lot, err := m.Lot(ctx.KV, id)
		switch {
		case gongxu.ErrorKind(err) == gongxu.KindNotFound:
			lot = gongxu.Lot{ID: id, Item: item, Owner: ctx.Org, Created: ctx.Time, From: l.Lot, PO: po.ID}
			if src, err := m.Lot(ctx.KV, l.Lot); err == nil {
				lot.Expiry = src.Expiry // the goods expire as the supplier's lot does
			} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
				return err
			}
			// A received lot is derived from the supplier's.
			if err := addDerivedLot(ctx.KV, l.Lot, id); err != nil {
				return err
			}
		case err != nil:
			return err
		case lot.Item != item:
			return conflict("lot line %d: lot %s holds %s, line %d is for %s", i+1, id, lot.Item, l.Line, item)
		}
		// It inherits the hold of the supplier's lot (shipped before the
		// recall, received after it).
		if lot.Hold == 0 {
			var src *gongxu.Lot
			switch s, err := m.Lot(ctx.KV, l.Lot); {
			case err == nil:
				src = &s
			case gongxu.ErrorKind(err) != gongxu.KindNotFound:
				return err
			}
			if lot.Hold, err = holdOf(ctx.KV, l.Lot, src); err != nil {
				return err
			}
		}
		lot.Qty += l.Qty
		if err := saveLot(ctx, &lot, l.Qty); err != nil {
			return err
		}
		received = append(received, gongxu.LotQty{Lot: id, Qty: l.Qty})
	}
	if slices.Equal(po.Received, lineQtys(po.Lines)) {
		po.Status = gongxu.POReceived
	}
	if err := savePO(ctx, &po); err != nil {
		return err
	}
	return m.tracer.Received(ctx, po, r.Shipment, received)
}

func (m *Module) handleWOStart(ctx *module.Context, msg module.Msg) error {
	s := msg.(*MsgWOStart)
	o, err := m.Order(ctx.KV, s.Order)
	if err != nil {
		return err
	}
	if ctx.Org != o.Factory {
		return unauthorized("production order %d is %s's; only it may start work on it", o.ID, o.Factory)
	}
	if o.Status == gongxu.OrderCompleted {
		return conflict("production order %d is completed", o.ID)
	}
	for i, in := range s.Inputs {
		if err := m.checkInput(ctx, i, in); err != nil {
			return err
		}
	}
	allocated, err := m.allocInputs(ctx, o.Factory, s.Inputs, s.Allocate)
	if err != nil {
		return err
	}
	id, err := nextID(ctx, "wo")
	if err != nil {
		return err
	}
	w := gongxu.WorkOrder{
		ID: id, Order: o.ID, Factory: o.Factory, Item: o.Product, Qty: s.Qty, Status: gongxu.WOStarted,
		Inputs: slices.Clone(s.Inputs), OutputLots: []gongxu.LotQty{}, Started: ctx.Time,
	}
	w.Inputs = append(w.Inputs, allocated...)
	if w.Inputs == nil {
		w.Inputs = []gongxu.LotQty{}
	}
	for _, in := range w.Inputs { // held for this work order until it completes
		lot, err := m.Lot(ctx.KV, in.Lot)
		if err != nil {
			return err
		}
		lot.Reserved += in.Qty
		if err := saveLot(ctx, &lot, 0); err != nil {
			return err
		}
	}
	if o.Status == gongxu.OrderOpen {
		orderHistory(ctx, &o, gongxu.OrderInProgress, "work order "+uitoa(id)+" started")
		if err := saveOrder(ctx, &o); err != nil {
			return err
		}
		if o.Pool != 0 {
			if err := m.pools.Producing(ctx, o.Pool, "production order "+uitoa(o.ID)+": work order "+uitoa(id)+" started"); err != nil {
				return err
			}
		}
	}
	return saveWO(ctx, &w)
}

// checkInput checks that the signer's org holds at least in.Qty of lot in.Lot.
func (m *Module) checkInput(ctx *module.Context, i int, in gongxu.LotQty) error {
	lot, err := m.Lot(ctx.KV, in.Lot)
	if err != nil {
		return err
	}
	if lot.Owner != ctx.Org {
		return unauthorized("input %d: lot %s belongs to %s; a factory consumes its own lots only", i+1, lot.ID, lot.Owner)
	}
	if lot.Hold != 0 {
		return heldError(fmt.Sprintf("input %d: ", i+1), &lot)
	}
	if lot.Expiry != 0 && lot.Expiry <= ctx.Time {
		return conflict("input %d: lot %s expired at %d; an expired lot is never consumed", i+1, lot.ID, lot.Expiry)
	}
	if gongxu.LotFree(lot, 0, ctx.Time) < in.Qty {
		return conflict("input %d: lot %s holds %d, %d of it reserved for other work orders%s; %d asked", i+1, lot.ID, lot.Qty, lot.Reserved, spokenFor(&lot, ctx.Time), in.Qty)
	}
	return nil
}

// factoryWO loads a started work order of the signer's org.
func (m *Module) factoryWO(ctx *module.Context, id uint64, what string) (gongxu.WorkOrder, error) {
	w, err := m.WO(ctx.KV, id)
	if err != nil {
		return w, err
	}
	if ctx.Org != w.Factory {
		return w, unauthorized("work order %d is %s's; only it may %s", w.ID, w.Factory, what)
	}
	if w.Status != gongxu.WOStarted {
		return w, conflict("work order %d is %s", w.ID, w.Status)
	}
	return w, nil
}

// checkOutput applies the progress and overrun rules.
func checkOutput(w *gongxu.WorkOrder, produced, scrapped gongxu.Qty) error {
	if produced < w.Produced || scrapped < w.Scrapped {
		return invalid("work order %d reported %d produced and %d scrapped; the quantities so far never fall (got %d and %d)", w.ID, w.Produced, w.Scrapped, produced, scrapped)
	}
	limit := w.Qty + w.Qty/100*OverrunPct + w.Qty%100*OverrunPct/100
	total, err := gongxu.Add(produced, scrapped)
	if err != nil || total > limit {
		return conflict("work order %d started %d: produced %d plus scrapped %d is over the %d allowed (%d%% overrun)", w.ID, w.Qty, produced, scrapped, limit, OverrunPct)
	}
	return nil
}

func (m *Module) handleWOReport(ctx *module.Context, msg module.Msg) error {
	r := msg.(*MsgWOReport)
	w, err := m.factoryWO(ctx, r.WO, "report on it")
	if err != nil {
		return err
	}
	if err := checkOutput(&w, r.Produced, r.Scrapped); err != nil {
		return err
	}
	if err := recordScrap(ctx, &w, r.Scrapped, r.ScrapReason); err != nil {
		return err
	}
	w.Produced, w.Scrapped = r.Produced, r.Scrapped
	return saveWO(ctx, &w)
}

func (m *Module) handleWOComplete(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgWOComplete)
	w, err := m.factoryWO(ctx, c.WO, "complete it")
	if err != nil {
		return err
	}
	if err := checkOutput(&w, c.Produced, c.Scrapped); err != nil {
		return err
	}
	if err := recordScrap(ctx, &w, c.Scrapped, c.ScrapReason); err != nil {
		return err
	}
	o, err := m.Order(ctx.KV, w.Order)
	if err != nil {
		return err
	}
	// Consume the inputs reserved at the start.
	for _, in := range w.Inputs {
		lot, err := m.Lot(ctx.KV, in.Lot)
		if err != nil {
			return err
		}
		if lot.Hold != 0 {
			return heldError(fmt.Sprintf("work order %d consumes %d of ", w.ID, in.Qty), &lot)
		}
		if lot.Reserved < in.Qty || lot.Qty < in.Qty {
			return fmt.Errorf("production: lot %s holds %d with %d reserved, work order %d consumes %d", lot.ID, lot.Qty, lot.Reserved, w.ID, in.Qty)
		}
		lot.Qty -= in.Qty
		lot.Reserved -= in.Qty
		if err := saveLot(ctx, &lot, -in.Qty); err != nil {
			return err
		}
		if err := addDerivedWO(ctx.KV, lot.ID, w.ID); err != nil {
			return err
		}
	}
	// Create the outputs.
	outs := c.Outputs
	if len(outs) == 0 {
		outs = []OutputLot{{Code: "wo-" + uitoa(w.ID), Qty: c.Produced}}
	}
	done, err := gongxu.Add(o.Produced, o.Stock)
	if err != nil {
		return err
	}
	for _, out := range outs {
		id := gongxu.NewLotID(w.Factory, out.Code)
		if err := id.Validate(); err != nil {
			return err
		}
		if _, err := m.Lot(ctx.KV, id); err == nil {
			return conflict("lot %s already exists; output lots are new", id)
		} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return err
		}
		lot := gongxu.Lot{ID: id, Item: w.Item, Owner: w.Factory, Qty: out.Qty, Created: ctx.Time, WO: w.ID, Expiry: out.Expiry}
		done = allotMade(&o, &lot, done)
		if err := saveLot(ctx, &lot, out.Qty); err != nil {
			return err
		}
		w.OutputLots = append(w.OutputLots, gongxu.LotQty{Lot: id, Qty: out.Qty})
	}
	if err := m.makeByProducts(ctx, &w, c.ByProducts); err != nil {
		return err
	}
	w.Produced, w.Scrapped, w.Status, w.Completed = c.Produced, c.Scrapped, gongxu.WOCompleted, ctx.Time
	if err := saveWO(ctx, &w); err != nil {
		return err
	}
	if err := m.tracer.Completed(ctx, w); err != nil {
		return err
	}
	if o.Produced, err = gongxu.Add(o.Produced, c.Produced); err != nil {
		return err
	}
	o.Lots = append(o.Lots, w.OutputLots...)
	if done, err = gongxu.Add(o.Produced, o.Stock); err != nil {
		return err
	}
	if done >= o.Qty && o.Status != gongxu.OrderCompleted {
		orderHistory(ctx, &o, gongxu.OrderCompleted, "work order "+uitoa(w.ID)+" completed the quantity")
		if o.Pool != 0 {
			if err := m.pools.Ready(ctx, o.Pool, "production order "+uitoa(o.ID)+" completed: its lots are ready"); err != nil {
				return err
			}
		}
	}
	return saveOrder(ctx, &o)
}

// handleWOCancel cancels a started work order of the signer's org: the
// quantities its inputs reserved are released, nothing is consumed or made,
// and the reports so far stay on the record. A completed or cancelled work
// order is a conflict; another org's is unauthorized.
func (m *Module) handleWOCancel(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgWOCancel)
	w, err := m.factoryWO(ctx, c.WO, "cancel it")
	if err != nil {
		return err
	}
	for _, in := range w.Inputs {
		lot, err := m.Lot(ctx.KV, in.Lot)
		if err != nil {
			return err
		}
		if lot.Reserved < in.Qty {
			return fmt.Errorf("production: lot %s has %d reserved, work order %d releases %d", lot.ID, lot.Reserved, w.ID, in.Qty)
		}
		lot.Reserved -= in.Qty
		if err := saveLot(ctx, &lot, 0); err != nil {
			return err
		}
	}
	w.Status, w.Cancelled, w.Reason = gongxu.WOCancelled, ctx.Time, c.Reason
	return saveWO(ctx, &w)
}
