package dispute

import (
	"fmt"
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Routes implements module.Module.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypeOpen, New: func() module.Msg { return &MsgOpen{} }, Handle: m.handleOpen},
		{Type: TypePropose, New: func() module.Msg { return &MsgPropose{} }, Handle: m.handlePropose},
		{Type: TypeAccept, New: func() module.Msg { return &MsgAccept{} }, Handle: m.handleAccept},
		{Type: TypeVote, New: func() module.Msg { return &MsgVote{} }, Handle: m.handleVote},
		{Type: TypeWithdraw, New: func() module.Msg { return &MsgWithdraw{} }, Handle: m.handleWithdraw},
	}
}

func unauthorized(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindUnauthorized, format, args...)
}

func conflict(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindConflict, format, args...)
}

func (m *Module) handleOpen(ctx *module.Context, msg module.Msg) error {
	o := msg.(*MsgOpen)
	if o.PO != 0 {
		return m.openPO(ctx, o)
	}
	hub := ctx.Org
	ok, err := m.shares.HasShare(ctx.KV, o.Pool, hub)
	if err != nil {
		return err
	}
	if !ok {
		return unauthorized("org %s has no share in pool %d; only the hub of a share opens a dispute over it", hub, o.Pool)
	}
	stake, err := m.shares.FreezeShare(ctx, o.Pool, hub)
	if err != nil {
		return err
	}
	if o.Claimed > stake.Amount {
		return invalid("claimed %d is more than the %d %s at stake in hub %s's share of pool %d", o.Claimed, stake.Amount, stake.Currency, hub, o.Pool)
	}
	bps, ok, err := m.shares.DefaultBps(ctx.KV, o.Pool)
	if err != nil {
		return err
	}
	d := gongxu.Dispute{
		Subject: gongxu.DisputeSubjectPoolShare, Pool: o.Pool, Hub: hub,
		Claimant: hub, Respondent: stake.Factory, Currency: stake.Currency, Stake: stake.Amount,
	}
	return m.open(ctx, o, &d, bps, ok)
}

// openPO opens a dispute over a purchase order's shipments: the signer's org
// is its factory or its supplier, against the other; the order was accepted
// (it has promised dates), shipped or received. Nothing is frozen (no
// ledger money); one dispute per purchase order and claimant, and not while
// the other party's is unresolved.
func (m *Module) openPO(ctx *module.Context, o *MsgOpen) error {
	po, err := m.orders.PO(ctx.KV, o.PO)
	if err != nil {
		return err
	}
	var respondent gongxu.OrgID
	switch ctx.Org {
	case po.Factory:
		respondent = po.Supplier
	case po.Supplier:
		respondent = po.Factory
	default:
		return unauthorized("org %s is not a party to purchase order %d; only %s and %s open a dispute over it", ctx.Org, po.ID, po.Factory, po.Supplier)
	}
	switch po.Status {
	case gongxu.POAccepted, gongxu.POShipped, gongxu.POReceived:
	default:
		return conflict("purchase order %d is %s; its shipments are disputed once it was accepted", po.ID, po.Status)
	}
	if mine, err := module.Has(ctx.KV, poKey(po.ID, ctx.Org)); err != nil {
		return err
	} else if mine {
		return conflict("org %s already opened a dispute over purchase order %d", ctx.Org, po.ID)
	}
	var theirs uint64
	if ok, err := module.Load(ctx.KV, poKey(po.ID, respondent), &theirs); err != nil {
		return err
	} else if ok {
		if t, err := m.Dispute(ctx.KV, theirs); err != nil {
			return err
		} else if t.Status != gongxu.DisputeResolved {
			return conflict("purchase order %d is already in dispute (dispute %d)", po.ID, theirs)
		}
	}
	d := gongxu.Dispute{Subject: gongxu.DisputeSubjectPOShipment, PO: po.ID, Claimant: ctx.Org, Respondent: respondent, Currency: po.Currency}
	if err := m.open(ctx, o, &d, 0, false); err != nil {
		return err
	}
	_, err = module.Save(ctx.KV, poKey(po.ID, ctx.Org), d.ID)
	return err
}

// open fills in and stores a new dispute d over its subject, with the
// default split the subject's terms give (ok) or the network's.
func (m *Module) open(ctx *module.Context, o *MsgOpen, d *gongxu.Dispute, bps int64, ok bool) error {
	ps, err := m.members.Params(ctx.KV)
	if err != nil {
		return err
	}
	if !ok {
		bps = ps.DisputeDefault()
	}
	if bps < 0 || bps > 10_000 {
		return fmt.Errorf("default split %d bps outside 0..10000", bps)
	}
	deadline, err := gongxu.AddInt64(ctx.Time, ps.DisputeSettle())
	if err != nil {
		return err
	}
	if d.ID, err = nextID(ctx); err != nil {
		return err
	}
	d.Kind, d.Claimed, d.Evidence, d.Note = o.Kind, o.Claimed, slices.Clone(o.Evidence), o.Note
	d.OpenTx, d.Opened, d.OpenHeight = ctx.TxHash, ctx.Time, ctx.Height
	d.Status, d.Deadline, d.DefaultBps = gongxu.DisputeOpen, deadline, bps
	if d.Evidence == nil {
		d.Evidence = []string{}
	}
	if err := deadlines.Add(ctx.KV, d.Deadline, d.ID); err != nil {
		return err
	}
	return save(ctx, d, gongxu.EventDisputeOpened, 0)
}

// party loads a dispute that the signer's org is a party to and that is
// still open for the parties to settle.
func (m *Module) party(ctx *module.Context, id uint64, what string) (gongxu.Dispute, error) {
	d, err := m.Dispute(ctx.KV, id)
	if err != nil {
		return d, err
	}
	if ctx.Org != d.Claimant && ctx.Org != d.Respondent {
		return d, unauthorized("org %s is not a party to dispute %d; only %s and %s %s", ctx.Org, id, d.Claimant, d.Respondent, what)
	}
	if d.Status != gongxu.DisputeOpen {
		return d, conflict("dispute %d is %s; the parties settle only while it is open", id, d.Status)
	}
	if ctx.Time >= d.Deadline {
		return d, gongxu.Errorf(gongxu.KindExpired, "dispute %d's time to settle ended at %d", id, d.Deadline)
	}
	return d, nil
}

func (m *Module) handlePropose(ctx *module.Context, msg module.Msg) error {
	p := msg.(*MsgPropose)
	d, err := m.party(ctx, p.Dispute, "propose a split")
	if err != nil {
		return err
	}
	if p.ToClaimant > d.Claimed {
		return invalid("a split of dispute %d gives the claimant 0 to %d, got %d", d.ID, d.Claimed, p.ToClaimant)
	}
	if d.Proposal != nil && d.Proposal.By == ctx.Org && d.Proposal.ToClaimant == p.ToClaimant {
		return conflict("org %s already proposes %d to the claimant in dispute %d", ctx.Org, p.ToClaimant, d.ID)
	}
	d.Proposal = &gongxu.DisputeProposal{By: ctx.Org, ToClaimant: p.ToClaimant, At: ctx.Time}
	return save(ctx, &d, gongxu.EventDisputeProposed, p.ToClaimant)
}

func (m *Module) handleAccept(ctx *module.Context, msg module.Msg) error {
	a := msg.(*MsgAccept)
	d, err := m.party(ctx, a.Dispute, "accept a split")
	if err != nil {
		return err
	}
	if d.Proposal == nil {
		return conflict("dispute %d has no proposal to accept", d.ID)
	}
	if d.Proposal.By == ctx.Org {
		return conflict("the proposal of dispute %d is org %s's own; the other party accepts it", d.ID, ctx.Org)
	}
	if d.Proposal.ToClaimant != a.ToClaimant {
		return conflict("dispute %d's proposal gives %d to the claimant, not %d", d.ID, d.Proposal.ToClaimant, a.ToClaimant)
	}
	return m.resolve(ctx, &d, a.ToClaimant, gongxu.OutcomeSettled)
}

func (m *Module) handleVote(ctx *module.Context, msg module.Msg) error {
	v := msg.(*MsgVote)
	d, err := m.Dispute(ctx.KV, v.Dispute)
	if err != nil {
		return err
	}
	if d.Status == gongxu.DisputeOpen {
		return conflict("dispute %d is open: its panel is drawn if the parties do not settle by %d", d.ID, d.Deadline)
	}
	if !slices.Contains(d.Panel, ctx.Org) {
		return unauthorized("org %s is not on dispute %d's panel; only its panelists vote", ctx.Org, d.ID)
	}
	if d.Status != gongxu.DisputePanel {
		return conflict("dispute %d is %s; its panel votes only before the ruling", d.ID, d.Status)
	}
	if ctx.Time >= d.Deadline {
		return gongxu.Errorf(gongxu.KindExpired, "dispute %d's vote ended at %d", d.ID, d.Deadline)
	}
	if slices.ContainsFunc(d.Votes, func(x gongxu.DisputeVote) bool { return x.Org == ctx.Org }) {
		return conflict("org %s already voted on dispute %d", ctx.Org, d.ID)
	}
	if v.ToClaimant > d.Claimed {
		return invalid("a split of dispute %d gives the claimant 0 to %d, got %d", d.ID, d.Claimed, v.ToClaimant)
	}
	d.Votes = append(d.Votes, gongxu.DisputeVote{Org: ctx.Org, ToClaimant: v.ToClaimant, At: ctx.Time})
	if err := save(ctx, &d, gongxu.EventDisputeVoted, v.ToClaimant); err != nil {
		return err
	}
	if len(d.Votes) < len(d.Panel) {
		return nil
	}
	split, _ := Ruling(d.Votes, len(d.Panel))
	return m.resolve(ctx, &d, split, gongxu.OutcomePanel)
}

func (m *Module) handleWithdraw(ctx *module.Context, msg module.Msg) error {
	w := msg.(*MsgWithdraw)
	d, err := m.Dispute(ctx.KV, w.Dispute)
	if err != nil {
		return err
	}
	if ctx.Org != d.Claimant {
		return unauthorized("org %s did not open dispute %d; only its claimant %s withdraws it", ctx.Org, d.ID, d.Claimant)
	}
	if d.Status == gongxu.DisputeResolved {
		return conflict("dispute %d is resolved (%s)", d.ID, d.Outcome)
	}
	return m.resolve(ctx, &d, 0, gongxu.OutcomeWithdrawn)
}

// resolve ends a dispute: toClaimant goes back to the claimant, the rest of
// the stake to the respondent, through the pool.
func (m *Module) resolve(ctx *module.Context, d *gongxu.Dispute, toClaimant gongxu.Amount, outcome gongxu.DisputeOutcome) error {
	if toClaimant < 0 || toClaimant > d.Claimed {
		return fmt.Errorf("dispute %d: ruling %d outside 0..%d", d.ID, toClaimant, d.Claimed)
	}
	if err := deadlines.Remove(ctx.KV, d.Deadline, d.ID); err != nil {
		return err
	}
	if d.Subject == gongxu.DisputeSubjectPoolShare {
		why := fmt.Sprintf("dispute %d %s", d.ID, outcome)
		if err := m.shares.ResolveShare(ctx, d.Pool, d.Hub, toClaimant, why); err != nil {
			return gongxu.Wrap(err, "dispute %d", d.ID)
		}
	} // a purchase order's: the split is recorded as owed, nothing moves
	d.Status, d.ToClaimant, d.Outcome, d.Resolved = gongxu.DisputeResolved, toClaimant, outcome, ctx.Time
	b, err := module.Save(ctx.KV, disputeKey(d.ID), d)
	if err != nil {
		return err
	}
	if outcome == gongxu.OutcomeSettled {
		emit(ctx, d, gongxu.EventDisputeSettled, toClaimant, string(b))
	}
	emit(ctx, d, gongxu.EventDisputeResolved, toClaimant, string(b))
	return nil
}
