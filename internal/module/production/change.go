package production

import (
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Change orders (production/po_change, production/po_change_answer).
//
// Either party of an accepted purchase order (or one shipped in full and
// not yet received) proposes a change: the whole order as it would be,
// its lines in their order with the same items (quantity 0 removes a line;
// never below what has shipped on it), then any added lines, each priced
// and offered like a new order's. Dates are the new promised dates; a
// date that moves must be after the block time. On a sealed order the
// change's prices are sealed to both parties like the order's own terms.
// One change is pending at a time; only the other party answers it, by
// its number, before its deadline (respond_by, default the block time plus
// gongxu.DefaultChangeWindowMs, at most gongxu.MaxChangeWindowMs ahead).
// Accepted, the order takes the lines (shipments since the proposal are
// checked again), its promised dates and its terms; rejected, nothing
// changes. A change not answered by its deadline lapses in the first
// block after it, read from an index keyed by deadline, at most
// MaxChangeLapsePerBlock a block. Cancelling the order drops its pending
// change. Every step is kept in the order's negotiation history; a line
// once recorded late stays late and keeps its promised date (a change may
// alter its quantity only), so lateness is measured against the date that
// was missed.

// Message types.
const (
	TypePOChange       = gongxu.TypePOChange       // either party of an accepted order
	TypePOChangeAnswer = gongxu.TypePOChangeAnswer // the other party
)

// MaxChangeLapsePerBlock bounds the change orders one block lapses; more
// due at once lapse in the next blocks.
const MaxChangeLapsePerBlock = 256

// changeIndex holds each purchase order with a pending change at the
// change's deadline.
var changeIndex = module.Deadlines{Prefix: prefix + "chg/"}

// MsgPOChange proposes a change to an accepted purchase order
// (gongxu.POChangeBody).
type MsgPOChange gongxu.POChangeBody

// ValidateBasic implements module.Msg.
func (m *MsgPOChange) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if err := checkLines(len(m.Lines)); err != nil {
		return err
	}
	for i, l := range m.Lines {
		if err := l.Item.Validate(); err != nil {
			return invalid("line %d: %v", i+1, err)
		}
		if l.Qty < 0 {
			return invalid("line %d: qty must not be negative (0 removes the line), got %d", i+1, l.Qty)
		}
		if l.Date <= 0 {
			return invalid("line %d: date must be a block time in unix ms, got %d", i+1, l.Date)
		}
		if m.Terms != nil && l.UnitPrice != 0 {
			return invalid("line %d: a sealed change's prices are in its terms; the line's unit price must be 0, got %d", i+1, l.UnitPrice)
		}
		if m.Terms == nil && l.UnitPrice < 0 {
			return invalid("line %d: unit price must not be negative, got %d", i+1, l.UnitPrice)
		}
		if m.Terms == nil && l.Qty > 0 && l.UnitPrice == 0 {
			return invalid("line %d: unit price must be positive, got 0", i+1)
		}
	}
	if m.RespondBy < 0 {
		return invalid("respond_by must be a block time in unix ms, got %d", m.RespondBy)
	}
	if err := checkTermsShape(m.Terms, 2); err != nil {
		return err
	}
	return checkReason(m.Reason)
}

// Weight implements module.Weigher: the handler reads an offer per added
// line, like a purchase order's.
func (m *MsgPOChange) Weight() int64 { return int64(1 + len(m.Lines)/8) }

// MsgPOChangeAnswer accepts or rejects a pending change
// (gongxu.POChangeAnswerBody).
type MsgPOChangeAnswer gongxu.POChangeAnswerBody

// ValidateBasic implements module.Msg.
func (m *MsgPOChangeAnswer) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if m.Change < 1 {
		return invalid("a change number from 1 is needed")
	}
	return checkReason(m.Reason)
}

func (m *Module) changeRoutes() []module.Route {
	return []module.Route{
		{Type: TypePOChange, New: func() module.Msg { return &MsgPOChange{} }, Handle: m.handlePOChange},
		{Type: TypePOChangeAnswer, New: func() module.Msg { return &MsgPOChangeAnswer{} }, Handle: m.handlePOChangeAnswer},
	}
}

// partyPO loads a purchase order the signer must be a party of.
func (m *Module) partyPO(ctx *module.Context, id uint64, what string) (gongxu.PurchaseOrder, error) {
	po, err := m.PO(ctx.KV, id)
	if err != nil {
		return po, err
	}
	if ctx.Org != po.Factory && ctx.Org != po.Supplier {
		return po, unauthorized("only %s and %s, the parties of purchase order %d, may %s", po.Factory, po.Supplier, po.ID, what)
	}
	return po, nil
}

func (m *Module) handlePOChange(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgPOChange)
	po, err := m.partyPO(ctx, c.PO, "propose a change to it")
	if err != nil {
		return err
	}
	if po.Status != gongxu.POAccepted && po.Status != gongxu.POShipped {
		return conflict("purchase order %d is %s; a change order applies to an accepted order (before acceptance the supplier proposes changes with po_propose)", po.ID, po.Status)
	}
	if po.Change != nil {
		return conflict("purchase order %d has change %d by %s pending until %d; it is answered or lapses first", po.ID, po.Change.ID, po.Change.By, po.Change.Deadline)
	}
	deadline := c.RespondBy
	if deadline == 0 {
		deadline = ctx.Time + gongxu.DefaultChangeWindowMs
	}
	if deadline <= ctx.Time || deadline > ctx.Time+gongxu.MaxChangeWindowMs {
		return invalid("respond_by %d must be after the block time %d and at most %d ms after it", deadline, ctx.Time, gongxu.MaxChangeWindowMs)
	}
	if err := m.checkChangeLines(ctx, &po, c.Lines, c.Terms != nil); err != nil {
		return err
	}
	if po.Terms != nil && c.Terms == nil {
		return invalid("purchase order %d's terms are sealed; a change to it must be sealed too (its prices would be public)", po.ID)
	}
	if po.Terms == nil && c.Terms != nil {
		return invalid("purchase order %d's terms are in clear; a change to it is in clear too", po.ID)
	}
	if c.Terms != nil {
		if err := m.checkSealedTo(ctx, c.Terms, po.Factory, po.Supplier); err != nil {
			return err
		}
	}
	po.Change = &gongxu.POChange{
		ID: po.ChangeCount() + 1, By: ctx.Org, Lines: slices.Clone(c.Lines), Terms: c.Terms, Reason: c.Reason,
		Deadline: deadline, Time: ctx.Time, Height: ctx.Height,
	}
	negotiate(ctx, &po, "change", slices.Clone(c.Lines), c.Reason)
	if c.Terms != nil {
		po.Negotiation[len(po.Negotiation)-1].Commitment = c.Terms.Commitment
	}
	if err := changeIndex.Add(ctx.KV, deadline, po.ID); err != nil {
		return err
	}
	return savePO(ctx, &po)
}

// checkChangeLines checks a change's lines against the order as it stands:
// its lines kept in order with their items, none below what has shipped,
// added lines offered by the supplier to the factory, something changed,
// something still ordered, moved dates in the future.
func (m *Module) checkChangeLines(ctx *module.Context, po *gongxu.PurchaseOrder, lines []gongxu.POLine, sealed bool) error {
	if len(lines) < len(po.Lines) {
		return invalid("purchase order %d has %d lines, the change %d: a change keeps every line in its place (qty 0 removes one)", po.ID, len(po.Lines), len(lines))
	}
	if err := checkReleases(ctx, lines, len(po.Lines)); err != nil {
		return err
	}
	same, ordered := len(lines) == len(po.Lines), false
	for i, l := range lines {
		if l.Qty > 0 {
			ordered = true
		}
		if i < len(po.Lines) {
			old := po.Lines[i]
			if l.Item != old.Item {
				return invalid("line %d: the order is for %s, the change for %s: a change keeps the items of its lines", i+1, old.Item, l.Item)
			}
			if l.Qty < po.Shipped[i] {
				return conflict("line %d: %d shipped so far; the change cannot order less (%d)", i+1, po.Shipped[i], l.Qty)
			}
			promised := old.Date
			if i < len(po.Promised) {
				promised = po.Promised[i]
			}
			if l.Date != promised && i < len(po.Late) && po.Late[i] != 0 {
				return invalid("line %d was recorded late at %d; its promised date %d stays (the record is final), only its quantity may change", i+1, po.Late[i], promised)
			}
			if l.Date != promised && l.Date <= ctx.Time {
				return invalid("line %d: the new promised date %d is not after the block time %d", i+1, l.Date, ctx.Time)
			}
			if l.Release != old.Release {
				if !unreleased(po, i) && old.Release > 0 {
					return invalid("line %d was released at %d; its release stays", i+1, po.Released[i])
				}
				if l.Release != 0 && l.Release <= ctx.Time {
					return invalid("line %d: release %d is not after the block time %d", i+1, l.Release, ctx.Time)
				}
			}
			if l.Release > l.Date {
				return invalid("line %d: release %d is after the line's promised date %d", i+1, l.Release, l.Date)
			}
			if l.Qty != old.Qty || l.Date != promised || l.Release != old.Release || (!sealed && l.UnitPrice != old.UnitPrice) {
				same = false
			}
			continue
		}

		if l.Qty == 0 {
			return invalid("line %d: an added line orders a positive quantity", i+1)
		}
		if l.Date <= ctx.Time {
			return invalid("line %d: date %d is not after the block time %d", i+1, l.Date, ctx.Time)
		}
		off, err := m.Offer(ctx.KV, po.Supplier, l.Item)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return invalid("line %d: supplier %s has no offer for item %s", i+1, po.Supplier, l.Item)
		}
		if err != nil {
			return err
		}
		if !off.SealedTo(po.Factory) {
			return unauthorized("line %d: supplier %s's offer of %s is sealed to other factories; %s may not order it", i+1, po.Supplier, l.Item, po.Factory)
		}
		if off.Terms != nil && !sealed {
			return invalid("line %d: supplier %s's offer of %s is sealed; a change adding it must be sealed too", i+1, po.Supplier, l.Item)
		}
		if off.Currency != po.Currency {
			return invalid("line %d: %s is priced in %s, the order in %s: one currency per purchase order", i+1, l.Item, off.Currency, po.Currency)
		}
		if l.Qty < off.MinQty {
			return invalid("line %d: qty %d is under supplier %s's minimum order of %d for %s", i+1, l.Qty, po.Supplier, off.MinQty, l.Item)
		}
	}
	if !ordered {
		return invalid("the change orders nothing: cancel the order instead (po_cancel)")
	}
	if same && !sealed {
		return invalid("the change changes nothing on purchase order %d", po.ID)
	}
	return nil
}

func (m *Module) handlePOChangeAnswer(ctx *module.Context, msg module.Msg) error {
	a := msg.(*MsgPOChangeAnswer)
	po, err := m.partyPO(ctx, a.PO, "answer a change to it")
	if err != nil {
		return err
	}
	ch := po.Change
	if ch == nil {
		return conflict("purchase order %d has no change pending", po.ID)
	}
	if a.Change != ch.ID {
		return conflict("change %d of purchase order %d is not pending; change %d is", a.Change, po.ID, ch.ID)
	}
	if ch.By == ctx.Org {
		return unauthorized("org %s proposed change %d of purchase order %d; only the other party answers it", ctx.Org, ch.ID, po.ID)
	}
	if ctx.Time > ch.Deadline {
		return conflict("change %d of purchase order %d lapsed at %d", ch.ID, po.ID, ch.Deadline)
	}
	if !a.Accept {
		if err := dropChange(ctx, &po); err != nil {
			return err
		}
		negotiate(ctx, &po, "change_reject", nil, a.Reason)
		return savePO(ctx, &po)
	}
	if po.Status != gongxu.POAccepted && po.Status != gongxu.POShipped {
		return conflict("purchase order %d is %s; change %d can no longer apply", po.ID, po.Status, ch.ID)
	}
	for i := range po.Lines {
		if ch.Lines[i].Qty < po.Shipped[i] {
			return conflict("line %d: %d shipped since the change was proposed; it orders %d and can no longer apply", i+1, po.Shipped[i], ch.Lines[i].Qty)
		}
	}
	n := len(po.Lines)
	if len(po.Promised) != n {
		po.Promised = make([]int64, n)
	}
	for i, l := range ch.Lines {
		if i < n {
			po.Lines[i], po.Promised[i] = l, l.Date
			continue
		}
		po.Lines = append(po.Lines, l)
		po.Promised = append(po.Promised, l.Date)
		po.Shipped = append(po.Shipped, 0)
		po.Received = append(po.Received, 0)
		if len(po.Late) > 0 {
			po.Late = append(po.Late, 0)
		}
		if len(po.Released) > 0 {
			po.Released = append(po.Released, 0)
		}
	}
	if ch.Terms != nil {
		po.Terms = ch.Terms
	}
	switch {
	case slices.Equal(po.Received, lineQtys(po.Lines)):
		po.Status = gongxu.POReceived
	case slices.Equal(po.Shipped, lineQtys(po.Lines)):
		po.Status = gongxu.POShipped
	default:
		po.Status = gongxu.POAccepted
	}
	if err := dropChange(ctx, &po); err != nil {
		return err
	}
	negotiate(ctx, &po, "change_accept", nil, a.Reason)
	if err := scheduleLate(ctx, &po); err != nil {
		return err
	}
	if err := scheduleReleases(ctx, &po); err != nil {
		return err
	}
	return savePO(ctx, &po)
}

// dropChange takes a purchase order's pending change (if any) off the
// order and out of the deadline index.
func dropChange(ctx *module.Context, po *gongxu.PurchaseOrder) error {
	if po.Change == nil {
		return nil
	}
	if err := changeIndex.Remove(ctx.KV, po.Change.Deadline, po.ID); err != nil {
		return err
	}
	po.Change = nil
	return nil
}

// lapseChanges runs at the start of every block: each change whose
// deadline is before the block time lapses (deadline < now), read from the
// index, at most MaxChangeLapsePerBlock a block.
func (m *Module) lapseChanges(ctx *module.Context) error {
	if ctx.Time <= 0 {
		return nil
	}
	due, err := changeIndex.First(ctx.KV, ctx.Time-1, MaxChangeLapsePerBlock)
	if err != nil {
		return err
	}
	for _, id := range due {
		po, err := m.PO(ctx.KV, id)
		if err != nil {
			return err
		}
		ch := po.Change
		if ch == nil || ch.Deadline >= ctx.Time {
			// The index and the order disagree: a broken invariant.
			return gongxu.Errorf(gongxu.KindInternal, "production: purchase order %d is in the change index but has no change due", id)
		}
		if err := dropChange(ctx, &po); err != nil {
			return err
		}
		po.Negotiation = append(po.Negotiation, gongxu.PONegotiation{By: ch.By, Action: "change_lapse",
			Reason: "change " + uitoa(uint64(ch.ID)) + " not answered by its deadline", Time: ctx.Time, Height: ctx.Height})
		if err := savePO(ctx, &po); err != nil {
			return err
		}
	}
	return nil
}
