package rfq

import (
	"encoding/json"
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Routes implements module.Module. Every rfq message needs a member's key.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypePost, New: func() module.Msg { return &MsgPost{} }, Handle: m.handlePost},
		{Type: TypeBid, New: func() module.Msg { return &MsgBid{} }, Handle: m.handleBid},
		{Type: TypeReveal, New: func() module.Msg { return &MsgReveal{} }, Handle: m.handleReveal},
		{Type: TypeAward, New: func() module.Msg { return &MsgAward{} }, Handle: m.handleAward},
		{Type: TypeCancel, New: func() module.Msg { return &MsgCancel{} }, Handle: m.handleCancel},
	}
}

func (m *Module) requireRole(ctx *module.Context, role gongxu.Role, what string) error {
	ok, err := m.members.HasRole(ctx.KV, ctx.Org, role)
	if err != nil {
		return err
	}
	if !ok {
		return gongxu.Errorf(gongxu.KindUnauthorized, "org %q is not a %s; only %ss %s", ctx.Org, role, role, what)
	}
	return nil
}

func (m *Module) handlePost(ctx *module.Context, msg module.Msg) error {
	p := msg.(*MsgPost)
	if err := m.requireRole(ctx, gongxu.RoleHub, "post requests for quote"); err != nil {
		return err
	}
	if p.BidDeadline <= ctx.Time {
		return gongxu.Errorf(gongxu.KindInvalid, "bid deadline %d must be after the block time %d", p.BidDeadline, ctx.Time)
	}
	if limit, err := gongxu.AddInt64(ctx.Time, MaxDeadlineMs); err != nil || p.RevealDeadline > limit {
		return gongxu.Errorf(gongxu.KindInvalid, "reveal deadline %d is more than 365 days after the block time %d", p.RevealDeadline, ctx.Time)
	}
	if limit, err := gongxu.AddInt64(ctx.Time, MaxTargetMs); err != nil || p.TargetDate > limit {
		return gongxu.Errorf(gongxu.KindInvalid, "target date %d is more than 730 days after the block time %d", p.TargetDate, ctx.Time)
	}
	id, err := nextID(ctx)
	if err != nil {
		return err
	}
	r := gongxu.RFQ{
		ID: id, Requester: ctx.Org, Title: p.Title, Spec: p.Spec, Unit: p.Unit, Qty: p.Qty,
		TargetDate: p.TargetDate, MaxPrice: p.MaxPrice, Currency: p.Currency, Bond: p.Bond,
		BidDeadline: p.BidDeadline, RevealDeadline: p.RevealDeadline, Status: gongxu.RFQOpen,
		Awards: []gongxu.RFQAward{}, Created: ctx.Time,
	}
	if err := expiries.Add(ctx.KV, r.TargetDate+ExpireAfterMs, r.ID); err != nil {
		return err
	}
	if r.Bond > 0 {
		if err := reveals.Add(ctx.KV, r.RevealDeadline, r.ID); err != nil {
			return err
		}
	}
	return saveRFQ(ctx, r)
}

// openRFQ returns an RFQ that is still open. Errors: KindNotFound, KindConflict.
func (m *Module) openRFQ(ctx *module.Context, id uint64) (gongxu.RFQ, error) {
	r, err := m.RFQ(ctx.KV, id)
	if err != nil {
		return r, err
	}
	if r.Status != gongxu.RFQOpen {
		return r, gongxu.Errorf(gongxu.KindConflict, "RFQ %d is %s", id, r.Status)
	}
	return r, expiring(ctx, r)
}

// expiring refuses what an open RFQ takes (bids, reveals, awards, cancel)
// at or after its expiry: BeginBlock expires it, in this block or, with
// many due at once, a later one (MaxExpiriesPerBlock), and until then it
// behaves as expired. Errors: KindExpired.
func expiring(ctx *module.Context, r gongxu.RFQ) error {
	if at := r.TargetDate + ExpireAfterMs; ctx.Time >= at {
		return gongxu.Errorf(gongxu.KindExpired, "RFQ %d expired at %d (%d days after its target date, neither awarded nor cancelled): it takes nothing more", r.ID, at, ExpireAfterMs/day)
	}
	return nil
}

func (m *Module) handleBid(ctx *module.Context, msg module.Msg) error {
	b := msg.(*MsgBid)
	if err := m.requireRole(ctx, gongxu.RoleFactory, "bid on requests for quote"); err != nil {
		return err
	}
	r, err := m.RFQ(ctx.KV, b.RFQ)
	if err != nil {
		return err
	}
	if r.Requester == ctx.Org {
		return gongxu.Errorf(gongxu.KindUnauthorized, "org %s posted RFQ %d and may not bid on it", ctx.Org, r.ID)
	}
	if r.Status != gongxu.RFQOpen {
		return gongxu.Errorf(gongxu.KindConflict, "RFQ %d is %s and takes no bids", r.ID, r.Status)
	}
	if err := expiring(ctx, r); err != nil {
		return err
	}
	if ctx.Time >= r.BidDeadline {
		return gongxu.Errorf(gongxu.KindExpired, "bidding on RFQ %d closed at %d", r.ID, r.BidDeadline)
	}
	bid, err := m.Bid(ctx.KV, r.ID, ctx.Org)
	switch gongxu.ErrorKind(err) {
	case gongxu.KindNotFound: // a new bid, which puts up the bond
		bid = gongxu.Bid{RFQ: r.ID, Bidder: ctx.Org}
		if r.Bond > 0 {
			if err := m.settle.Transfer(ctx, gongxu.OrgAccount(ctx.Org), gongxu.BondAccount(r.ID), r.Currency, r.Bond, gongxu.ReasonBond, bondRef(r.ID)); err != nil {
				if k := gongxu.ErrorKind(err); k != gongxu.KindInternal {
					return gongxu.Errorf(k, "RFQ %d asks a bid bond of %d %s: %s", r.ID, r.Bond, r.Currency, gongxu.ErrorMessage(err))
				}
				return err
			}
			bid.Bond = r.Bond
		}
		r.Bids++
		if err := saveRFQ(ctx, r); err != nil {
			return err
		}
	case gongxu.KindOK: // replaced; the bond already held stays
	default:
		return err
	}
	bid.Commitment = b.Commitment
	return saveBid(ctx, bid, "")
}

func (m *Module) handleReveal(ctx *module.Context, msg module.Msg) error {
	v := msg.(*MsgReveal)
	if err := m.requireRole(ctx, gongxu.RoleFactory, "reveal bids"); err != nil {
		return err
	}
	r, err := m.openRFQ(ctx, v.RFQ)
	if err != nil {
		return err
	}
	bid, err := m.Bid(ctx.KV, r.ID, ctx.Org)
	if err != nil {
		return err
	}
	if ctx.Time < r.BidDeadline {
		return gongxu.Errorf(gongxu.KindConflict, "bidding on RFQ %d is still open until %d; reveal after it", r.ID, r.BidDeadline)
	}
	if ctx.Time >= r.RevealDeadline {
		return gongxu.Errorf(gongxu.KindExpired, "reveals for RFQ %d closed at %d", r.ID, r.RevealDeadline)
	}
	if bid.Revealed {
		return gongxu.Errorf(gongxu.KindConflict, "the bid of %s on RFQ %d is already revealed", ctx.Org, r.ID)
	}
	salt, err := decodeSalt(v.Salt)
	if err != nil {
		return err
	}
	if Commitment(r.ID, ctx.Org, v.UnitPrice, v.Qty, v.LeadDays, salt) != bid.Commitment {
		return gongxu.Errorf(gongxu.KindInvalid, "unit price, qty, lead days and salt do not match the sealed bid of %s on RFQ %d", ctx.Org, r.ID)
	}
	// Revealed in time: the bond goes back, whatever the price.
	if err := m.moveBond(ctx, r, &bid, gongxu.OrgAccount(ctx.Org), gongxu.ReasonBondReturn); err != nil {
		return err
	}
	bid.Revealed, bid.UnitPrice, bid.Qty, bid.LeadDays = true, v.UnitPrice, v.Qty, v.LeadDays
	bid.Eligible = v.UnitPrice <= r.MaxPrice
	note := ""
	if !bid.Eligible {
		note = ineligible(bid, r)
	}
	return saveBid(ctx, bid, note)
}

func (m *Module) handleAward(ctx *module.Context, msg module.Msg) error {
	a := msg.(*MsgAward)
	r, err := m.RFQ(ctx.KV, a.RFQ)
	if err != nil {
		return err
	}
	if r.Requester != ctx.Org {
		return gongxu.Errorf(gongxu.KindUnauthorized, "only the requester %s may award RFQ %d", r.Requester, r.ID)
	}
	if r.Status != gongxu.RFQOpen {
		return gongxu.Errorf(gongxu.KindConflict, "RFQ %d is already %s", r.ID, r.Status)
	}
	if err := expiring(ctx, r); err != nil {
		return err
	}
	if ctx.Time < r.RevealDeadline {
		return gongxu.Errorf(gongxu.KindConflict, "reveals for RFQ %d are open until %d; award after", r.ID, r.RevealDeadline)
	}
	bids := make([]gongxu.Bid, len(a.Awards))
	var total gongxu.Units
	for i, l := range a.Awards {
		b, err := m.Bid(ctx.KV, r.ID, l.Bidder)
		if err != nil {
			return err
		}
		switch {
		case !b.Revealed:
			return gongxu.Errorf(gongxu.KindConflict, "the bid of %s on RFQ %d was never revealed", l.Bidder, r.ID)
		case !b.Eligible:
			return gongxu.Errorf(gongxu.KindConflict, "the bid of %s on RFQ %d is not eligible: %s", l.Bidder, r.ID, ineligible(b, r))
		case l.Qty > b.Qty:
			return gongxu.Errorf(gongxu.KindInvalid, "award of %d to %s is more than its bid of %d", l.Qty, l.Bidder, b.Qty)
		}
		if total, err = gongxu.Add(total, l.Qty); err != nil {
			return err
		}
		ok, err := m.members.HasRole(ctx.KV, l.Bidder, gongxu.RoleFactory)
		if err != nil {
			return err
		}
		if !ok {
			return gongxu.Errorf(gongxu.KindConflict, "bidder %s is no longer a member factory", l.Bidder)
		}
		bids[i] = b
	}
	if total > r.Qty {
		return gongxu.Errorf(gongxu.KindInvalid, "awards total %d %s, RFQ %d asks for %d", total, r.Unit, r.ID, r.Qty)
	}
	if m.openPool == nil {
		return fmt.Errorf("rfq: no pool opener is wired")
	}
	for i, l := range a.Awards {
		b := bids[i]
		pool, err := m.openPool(ctx, PoolRequest{
			Factory: l.Bidder, Hub: r.Requester, Title: r.Title, Qty: l.Qty, UnitPrice: b.UnitPrice,
			Currency: r.Currency, Deadline: r.TargetDate, RFQ: r.ID,
		})
		if err != nil {
			if k := gongxu.ErrorKind(err); k != gongxu.KindInternal {
				return gongxu.Errorf(k, "award to %s: %s", l.Bidder, gongxu.ErrorMessage(err))
			}
			return err
		}
		r.Awards = append(r.Awards, gongxu.RFQAward{Bidder: l.Bidder, Qty: l.Qty, UnitPrice: b.UnitPrice, Pool: pool})
	}
	return closeRFQ(ctx, r, gongxu.RFQAwarded, "")
}

func (m *Module) handleCancel(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgCancel)
	r, err := m.RFQ(ctx.KV, c.RFQ)
	if err != nil {
		return err
	}
	if r.Requester != ctx.Org {
		return gongxu.Errorf(gongxu.KindUnauthorized, "only the requester %s may cancel RFQ %d", r.Requester, r.ID)
	}
	if r.Status != gongxu.RFQOpen {
		return gongxu.Errorf(gongxu.KindConflict, "RFQ %d is already %s", r.ID, r.Status)
	}
	if err := expiring(ctx, r); err != nil {
		return err
	}
	// Every bond still held goes back to its bidder: the requester called
	// the RFQ off, not the bidders.
	bids, err := m.Bids(ctx.KV, r.ID)
	if err != nil {
		return err
	}
	for _, b := range bids {
		if b.Bond <= 0 {
			continue
		}
		if err := m.moveBond(ctx, r, &b, gongxu.OrgAccount(b.Bidder), gongxu.ReasonBondReturn); err != nil {
			return err
		}
		if err := saveBid(ctx, b, ""); err != nil {
			return err
		}
	}
	return closeRFQ(ctx, r, gongxu.RFQCancelled, c.Reason)
}

// BeginBlock implements module.Module. First, at the reveal deadline of an
// RFQ that asks a bid bond, every bid still sealed forfeits its bond to the
// requester (in (deadline, id) order, the bids by bidder): the work is that
// of the RFQs due in this block and their bids, one per factory at most.
// Then RFQs still open ExpireAfterMs after their target date expire, in
// that order, at most MaxExpiriesPerBlock a block (the rest in the next
// blocks; until then they take nothing: expiring). Nothing else falls due:
// the requester awards or cancels.
func (m *Module) BeginBlock(ctx *module.Context) error {
	if err := m.forfeitDue(ctx); err != nil {
		return err
	}
	due, err := expiries.First(ctx.KV, ctx.Time, MaxExpiriesPerBlock)
	if err != nil {
		return err
	}
	for _, id := range due {
		r, err := m.RFQ(ctx.KV, id)
		if err != nil {
			return err
		}
		if err := closeRFQ(ctx, r, gongxu.RFQExpired, "neither awarded nor cancelled within 30 days after the target date"); err != nil {
			return err
		}
	}
	return nil
}

// forfeitDue forfeits the bonds of the bids not revealed by the reveal
// deadlines reached at this block's time.
func (m *Module) forfeitDue(ctx *module.Context) error {
	due, err := reveals.First(ctx.KV, ctx.Time, MaxForfeitsPerBlock)
	if err != nil {
		return err
	}
	// A block settles at most MaxForfeitsPerBlock RFQs; the rest stay in
	// the index and are settled in the next blocks (their reveals are
	// already closed), so no pile of deadlines at one instant stalls a block.
	for _, id := range due {
		r, err := m.RFQ(ctx.KV, id)
		if err != nil {
			return err
		}
		if err := reveals.Remove(ctx.KV, r.RevealDeadline, r.ID); err != nil {
			return err
		}
		bids, err := m.Bids(ctx.KV, r.ID)
		if err != nil {
			return err
		}
		for _, b := range bids {
			if b.Revealed || b.Bond <= 0 {
				continue
			}
			if err := m.moveBond(ctx, r, &b, gongxu.OrgAccount(r.Requester), gongxu.ReasonForfeit); err != nil {
				return err
			}
			b.Forfeited = true
			if err := saveBid(ctx, b, fmt.Sprintf("not revealed by the reveal deadline %d: the bid bond went to the requester", r.RevealDeadline)); err != nil {
				return err
			}
		}
	}
	return nil
}

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

// InitGenesis implements module.Module: the network starts with no RFQs.
func (*Module) InitGenesis(_ *module.Context, raw json.RawMessage) error {
	if len(raw) > 0 && string(raw) != "null" && string(raw) != "{}" {
		return gongxu.Errorf(gongxu.KindInvalid, "rfq genesis must be empty")
	}
	return nil
}

func ineligible(b gongxu.Bid, r gongxu.RFQ) string {
	return fmt.Sprintf("unit price %d is over the RFQ's max price of %d: not eligible for award", b.UnitPrice, r.MaxPrice)
}
