package sqlite

import (
	gongxu "github.com/gongxu-network/gongxu"
)

// isLegEvent reports whether typ is one of a carrier's leg's steps.
func isLegEvent(typ string) bool {
	switch typ {
	case gongxu.EventLegAssigned, gongxu.EventLegPickedUp, gongxu.EventLegDelivered:
		return true
	}
	return false
}

// leg projects any step of a leg: the Leg after the step replaces the row
// (its attributes must match its json) and its lots.
func (p *projector) leg(ev *gongxu.Event) error {
	id, err := idAttr(ev, "id")
	if err != nil {
		return err
	}
	var l gongxu.Leg
	js, err := decodeKeep(ev, &l)
	if err != nil {
		return err
	}
	if l.ID != id || id > 1<<63-1 || l.Pool > 1<<63-1 || l.PO > 1<<63-1 {
		return invalidf("leg attr %d does not match json id %d", id, l.ID)
	}
	for _, o := range []struct {
		what string
		id   gongxu.OrgID
	}{{"carrier", l.Carrier}, {"shipper", l.Shipper}, {"consignee", l.Consignee}} {
		if err := o.id.Validate(); err != nil {
			return prefix(err, "leg %s", o.what)
		}
		if err := match(ev, o.what, string(o.id)); err != nil {
			return err
		}
	}
	if err := match(ev, "status", string(l.Status)); err != nil {
		return err
	}
	switch l.Status {
	case gongxu.LegAssigned, gongxu.LegPickedUp, gongxu.LegDelivered:
	default:
		return invalidf("leg %d has unknown status %q", id, l.Status)
	}
	if _, err := p.tx.ExecContext(p.ctx, `INSERT INTO legs (id, status, pool, hub, po, shipment, shipper, consignee, carrier, json, height)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, carrier = excluded.carrier, json = excluded.json, height = excluded.height`,
		int64(id), string(l.Status), int64(l.Pool), string(l.Hub), int64(l.PO), l.Shipment,
		string(l.Shipper), string(l.Consignee), string(l.Carrier), js, p.height); err != nil {
		return gongxu.Wrap(err, "upsert leg %d", id)
	}
	for _, lq := range l.Lots {
		if _, err := p.tx.ExecContext(p.ctx, `INSERT OR IGNORE INTO leg_lots (lot, leg) VALUES (?, ?)`, string(lq.Lot), int64(id)); err != nil {
			return gongxu.Wrap(err, "leg %d's lots", id)
		}
	}
	return nil
}
