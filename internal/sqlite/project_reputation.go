package sqlite

import (
	"database/sql"
	"encoding/json"
	"strconv"

	gongxu "github.com/gongxu-network/gongxu"
)

// The dispute events reputation counts (the dispute module's, root
// dispute.go): dispute/opened (id, claimant, respondent, claimed, pool and
// hub of a pool share, po of a purchase order's shipment) and
// dispute/resolved (id, outcome, to_claimant: what the claimant got).
const (
	eventDisputeOpened   = gongxu.EventDisputeOpened
	eventDisputeResolved = gongxu.EventDisputeResolved
)

// maxMakerHops bounds the walk from a recalled lot back to the lot it was
// received from, and so on, to find its maker.
const maxMakerHops = 16

// repStmts are the statements of the reputation projection. Rows are written
// as each event is applied (not at the end of the block): a row keeps the tx
// of the step that changed it, so the steps of one block each keep theirs.
type repStmts struct {
	upRepPOLine, upRepShare, insRepDispute, resolveRepDispute, insRepRecall, getLotJSON *sql.Stmt
}

func (s *repStmts) defs() []stmtDef {
	return []stmtDef{
		{&s.upRepPOLine, `INSERT INTO rep_po_lines (po, line, supplier, factory, item, ordered, shipped, promised, accepted,
			delivered, cancelled, tx_accept, tx_ship, tx_delivered, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (po, line) DO UPDATE SET
			ordered = excluded.ordered, promised = excluded.promised, accepted = excluded.accepted, cancelled = excluded.cancelled,
			tx_ship = CASE WHEN excluded.shipped > rep_po_lines.shipped THEN excluded.tx_ship ELSE rep_po_lines.tx_ship END,
			tx_delivered = CASE WHEN rep_po_lines.delivered = 0 AND excluded.delivered <> 0 THEN excluded.tx_delivered
				ELSE rep_po_lines.tx_delivered END,
			shipped = excluded.shipped, delivered = excluded.delivered, height = excluded.height`},
		{&s.upRepShare, `INSERT INTO rep_shares (pool, hub, ordered, shipped, shipped_at, confirmed, tx_ship, tx_confirm, height)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (pool, hub) DO UPDATE SET
			tx_ship = CASE WHEN rep_shares.shipped_at = 0 AND excluded.shipped_at <> 0 THEN excluded.tx_ship ELSE rep_shares.tx_ship END,
			confirmed = CASE WHEN rep_shares.confirmed = 0 THEN excluded.confirmed ELSE rep_shares.confirmed END,
			tx_confirm = CASE WHEN rep_shares.confirmed = 0 AND excluded.confirmed <> 0 THEN excluded.tx_confirm ELSE rep_shares.tx_confirm END,
			ordered = excluded.ordered, shipped = excluded.shipped, shipped_at = excluded.shipped_at, height = excluded.height`},
		{&s.insRepDispute, `INSERT INTO rep_disputes (id, against, opener, obligation, claimed, opened, tx_open, outcome, awarded,
			resolved, tx_resolve, height) VALUES (?, ?, ?, ?, ?, ?, ?, '', 0, 0, '', ?) ON CONFLICT (id) DO NOTHING`},
		{&s.resolveRepDispute, `UPDATE rep_disputes SET outcome = ?, awarded = ?, resolved = ?, tx_resolve = ?, height = ?
			WHERE id = ? AND resolved = 0`},
		{&s.insRepRecall, `INSERT INTO rep_recalls (recall, maker, lot, time, tx) VALUES (?, ?, ?, ?, ?)`},
		{&s.getLotJSON, `SELECT json FROM lots WHERE id = ?`},
	}
}

// reputation records the facts of ev that reputations count. The event's
// own projection validates it; what this needs is checked again here.
func (p *projector) reputation(ev *gongxu.Event) error {
	switch ev.Type {
	case gongxu.EventPO:
		return p.repPO(ev)
	case gongxu.EventShare:
		return p.repShare(ev)
	case gongxu.EventTraceRecall:
		return p.repRecall(ev)
	case eventDisputeOpened:
		return p.repDisputeOpened(ev)
	case eventDisputeResolved:
		return p.repDisputeResolved(ev)
	}
	return nil
}

// repPO records the lines of a purchase order once accepted: what was
// promised, shipped and when it was complete.
func (p *projector) repPO(ev *gongxu.Event) error {
	var o gongxu.PurchaseOrder
	if err := p.decode(ev, &o); err != nil {
		return err
	}
	switch o.Status {
	case gongxu.POAccepted, gongxu.POShipped, gongxu.POReceived, gongxu.POCancelled:
	default:
		return nil // not (yet) an obligation
	}
	if len(o.Promised) != len(o.Lines) || len(o.Lines) == 0 {
		return nil // cancelled before acceptance
	}
	if o.ID > 1<<63-1 {
		return gongxu.Errorf(gongxu.KindInvalid, "po %d is not an id", o.ID)
	}
	accepted := p.time
	for _, n := range o.Negotiation {
		if n.Action == "accept" || n.Action == "decide_accept" {
			accepted = n.Time
		}
	}
	// When each line was complete: the shipment that made its running
	// total reach the ordered quantity.
	done := make([]int64, len(o.Lines))
	sum := make([]int64, len(o.Lines))
	for _, s := range o.Shipments {
		for _, l := range s.Lines {
			i := l.Line - 1
			if i < 0 || i >= len(o.Lines) || l.Qty < 0 {
				return gongxu.Errorf(gongxu.KindInvalid, "po %d shipment %d names line %d of %d", o.ID, s.ID, l.Line, len(o.Lines))
			}
			sum[i] += int64(l.Qty)
			if done[i] == 0 && sum[i] >= int64(o.Lines[i].Qty) {
				done[i] = s.Time
			}
		}
	}
	cancelled := o.Status == gongxu.POCancelled
	for i, l := range o.Lines {
		shipped := int64(0)
		if i < len(o.Shipped) {
			shipped = int64(o.Shipped[i])
		}
		if _, err := p.upRepPOLine.ExecContext(p.ctx, int64(o.ID), i+1, string(o.Supplier), string(o.Factory), string(l.Item),
			int64(l.Qty), shipped, o.Promised[i], accepted, done[i], cancelled, p.txHash, p.txHash, p.txHash, p.height); err != nil {
			return gongxu.Wrap(err, "record po %d line %d", o.ID, i+1)
		}
	}
	return nil
}

// repShare records a hub share once the factory shipped it or the hub
// confirmed it.
func (p *projector) repShare(ev *gongxu.Event) error {
	var s gongxu.HubShare
	if err := p.decode(ev, &s); err != nil {
		return err
	}
	if s.ShippedAt == 0 && !s.Delivered {
		return nil
	}
	if s.Pool > 1<<63-1 {
		return gongxu.Errorf(gongxu.KindInvalid, "pool %d is not an id", s.Pool)
	}
	ordered, err := s.Qty.Milli()
	if err != nil {
		return err
	}
	var shipped int64
	for _, l := range s.Shipped {
		if shipped, err = gongxu.AddInt64(shipped, int64(l.Qty)); err != nil {
			return err
		}
	}
	confirmed := int64(0)
	if s.Delivered {
		confirmed = p.time
	}
	_, err = p.upRepShare.ExecContext(p.ctx, int64(s.Pool), string(s.Hub), int64(ordered), shipped, s.ShippedAt, confirmed,
		p.txHash, p.txHash, p.height)
	return gongxu.Wrap(err, "record share of %s in pool %d", s.Hub, s.Pool)
}

// repRecall records a recall of a lot by the org that made it: the owner of
// the first lot of the chain the lot was received through, as far as the
// read model knows the lots (a lot not projected yet counts as made by the
// org its id names).
func (p *projector) repRecall(ev *gongxu.Event) error {
	var r gongxu.Recall
	if err := p.decode(ev, &r); err != nil {
		return err
	}
	if r.Lot == "" || r.ID > 1<<63-1 {
		return nil // a recall of something that is not a lot on the ledger
	}
	lot := r.Lot
	for range maxMakerHops {
		var js string
		err := p.getLotJSON.QueryRowContext(p.ctx, string(lot)).Scan(&js)
		if err == sql.ErrNoRows {
			break
		}
		if err != nil {
			return gongxu.Wrap(err, "read lot %s", lot)
		}
		var l gongxu.Lot
		if err := json.Unmarshal([]byte(js), &l); err != nil || l.From == "" {
			break
		}
		lot = l.From
	}
	_, err := p.insRepRecall.ExecContext(p.ctx, int64(r.ID), string(lot.Owner()), string(r.Lot), p.time, p.txHash)
	return gongxu.Wrap(err, "record recall %d", r.ID)
}

func (p *projector) repDisputeOpened(ev *gongxu.Event) error {
	id := ev.Get("id")
	if id == "" || len(id) > 128 {
		return gongxu.Errorf(gongxu.KindInvalid, "dispute id attr %q must be 1 to 128 bytes", clipAttr(id))
	}
	against, opener := gongxu.OrgID(ev.Get("respondent")), gongxu.OrgID(ev.Get("claimant"))
	if err := against.Validate(); err != nil {
		return prefix(err, "dispute respondent")
	}
	if err := opener.Validate(); err != nil {
		return prefix(err, "dispute claimant")
	}
	obligation := "pool:" + ev.Get("pool") + ":" + ev.Get("hub")
	if po := ev.Get("po"); po != "" && po != "0" {
		obligation = "po:" + po
	}
	if len(obligation) > 256 {
		return gongxu.Errorf(gongxu.KindInvalid, "dispute %s: obligation longer than 256 bytes", id)
	}
	claimed, err := decimalAttr(ev, "claimed")
	if err != nil {
		return err
	}
	_, err = p.insRepDispute.ExecContext(p.ctx, id, string(against), string(opener), obligation, claimed, p.time, p.txHash, p.height)
	return gongxu.Wrap(err, "record dispute %s", id)
}

func (p *projector) repDisputeResolved(ev *gongxu.Event) error {
	id := ev.Get("id")
	if id == "" || len(id) > 128 {
		return gongxu.Errorf(gongxu.KindInvalid, "dispute id attr %q must be 1 to 128 bytes", clipAttr(id))
	}
	outcome := ev.Get("outcome")
	if outcome == "" || len(outcome) > 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "dispute %s: outcome attr %q must be 1 to 32 bytes", id, clipAttr(outcome))
	}
	awarded, err := decimalAttr(ev, "to_claimant")
	if err != nil {
		return err
	}
	// A resolution of a dispute not open (unknown, or resolved before)
	// changes nothing: the first resolution is the one counted.
	_, err = p.resolveRepDispute.ExecContext(p.ctx, outcome, awarded, p.time, p.txHash, p.height, id)
	return gongxu.Wrap(err, "record the resolution of dispute %s", id)
}

// decimalAttr parses a non-negative decimal attribute.
func decimalAttr(ev *gongxu.Event, key string) (int64, error) {
	s := ev.Get(key)
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || strconv.FormatInt(v, 10) != s {
		return 0, gongxu.Errorf(gongxu.KindInvalid, "%s attr %q is not a non-negative decimal", key, clipAttr(s))
	}
	return v, nil
}

func clipAttr(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
