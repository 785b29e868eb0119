package sqlite

import (
	"context"
	"strconv"

	gongxu "github.com/gongxu-network/gongxu"
)

// lateAttrs reads the attributes the two lateness events share: the order
// and line, whose parties and item must be the projected order's.
func (p *projector) lateAttrs(ev *gongxu.Event) (po uint64, line int, l gongxu.POLateLine, err error) {
	if po, err = idAttr(ev, "po"); err != nil {
		return
	}
	n, err := idAttr(ev, "line")
	if err != nil || n == 0 || n > 1<<20 {
		return 0, 0, l, invalidf("line attr %q is not a line number", ev.Get("line"))
	}
	line = int(n)
	l = gongxu.POLateLine{PO: po, Line: line, Factory: gongxu.OrgID(ev.Get("factory")), Supplier: gongxu.OrgID(ev.Get("supplier")),
		Item: gongxu.ItemID(ev.Get("item"))}
	for _, k := range []string{"promised", "ordered", "shipped"} {
		v, err := idAttr(ev, k)
		if err != nil {
			return 0, 0, l, err
		}
		switch k {
		case "promised":
			l.Promised = int64(v)
		case "ordered":
			l.Ordered = gongxu.Qty(v)
		case "shipped":
			l.Shipped = gongxu.Qty(v)
		}
	}
	var o gongxu.PurchaseOrder
	if err := getJSON(p.ctx, p.tx, &o, `SELECT json FROM purchase_orders WHERE id = ?`, int64(po)); err != nil {
		return 0, 0, l, invalidf("lateness of purchase order %d, which the read model does not hold", po)
	}
	if line > len(o.Lines) || o.Factory != l.Factory || o.Supplier != l.Supplier || o.Lines[line-1].Item != l.Item ||
		line > len(o.Promised) || o.Promised[line-1] != l.Promised || o.Lines[line-1].Qty != l.Ordered {
		return 0, 0, l, invalidf("lateness of purchase order %d line %d does not match the order", po, line)
	}
	return po, line, l, nil
}

// poLate projects a line recorded late, once.
func (p *projector) poLate(ev *gongxu.Event) error {
	po, line, l, err := p.lateAttrs(ev)
	if err != nil {
		return err
	}
	res, err := p.tx.ExecContext(p.ctx, `INSERT INTO po_late (po, line, factory, supplier, item, promised, ordered, shipped_when_late, recorded, height)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, int64(po), line, string(l.Factory), string(l.Supplier), string(l.Item),
		l.Promised, int64(l.Ordered), int64(l.Shipped), p.time, p.height)
	if err != nil {
		return gongxu.Wrap(err, "insert late line %d of purchase order %d", line, po)
	}
	if k, err := res.RowsAffected(); err == nil && k == 0 {
		return invalidf("line %d of purchase order %d recorded late twice", line, po)
	}
	return nil
}

// poLateShipment projects a shipment on a late line.
func (p *projector) poLateShipment(ev *gongxu.Event) error {
	po, line, l, err := p.lateAttrs(ev)
	if err != nil {
		return err
	}
	lateMs, err := strconv.ParseInt(ev.Get("late_ms"), 10, 64)
	if err != nil || strconv.FormatInt(lateMs, 10) != ev.Get("late_ms") || lateMs != p.time-l.Promised {
		return invalidf("late_ms attr %q is not the shipment's time minus the promised date", ev.Get("late_ms"))
	}
	res, err := p.tx.ExecContext(p.ctx, `UPDATE po_late SET shipped = ?, last_shipment = ?, late_ms = ?, ship_tx = ? WHERE po = ? AND line = ?`,
		int64(l.Shipped), p.time, lateMs, p.txHash, int64(po), line)
	if err != nil {
		return gongxu.Wrap(err, "update late line %d of purchase order %d", line, po)
	}
	if k, err := res.RowsAffected(); err == nil && k == 0 {
		return invalidf("a late shipment on line %d of purchase order %d, which is not recorded late", line, po)
	}
	return nil
}

// LateLines lists the purchase order lines recorded late whose supplier is
// supplier (all for ""), most recently recorded first.
// Errors: KindInvalid for a malformed org id, KindInternal.
func (db *DB) LateLines(ctx context.Context, supplier gongxu.OrgID, limit int) ([]gongxu.POLateLine, error) {
	q := `SELECT po, line, factory, supplier, item, promised, ordered, shipped_when_late, recorded, height, shipped, last_shipment, late_ms, ship_tx
		FROM po_late`
	args := []any{}
	if supplier != "" {
		if err := supplier.Validate(); err != nil {
			return nil, err
		}
		q += ` WHERE supplier = ?`
		args = append(args, string(supplier))
	}
	q += ` ORDER BY recorded DESC, po DESC, line DESC LIMIT ?`
	rows, err := db.r.QueryContext(ctx, q, append(args, clampLimit(limit))...)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list late lines")
	}
	defer rows.Close()
	out := []gongxu.POLateLine{}
	for rows.Next() {
		var l gongxu.POLateLine
		var po int64
		if err := rows.Scan(&po, &l.Line, &l.Factory, &l.Supplier, &l.Item, &l.Promised, &l.Ordered, &l.ShippedWhenLate, &l.Recorded, &l.Height,
			&l.Shipped, &l.LastShipment, &l.LateMs, &l.ShipTx); err != nil {
			return nil, gongxu.Wrap(err, "read model: read a late line")
		}
		l.PO = uint64(po)
		out = append(out, l)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list late lines")
}

var _ gongxu.LatenessService = (*DB)(nil)
