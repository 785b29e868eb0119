package sqlite

import (
	"database/sql"
	"strconv"

	gongxu "github.com/gongxu-network/gongxu"
)

// prodStmts are the statements of the production projection. Every row is a
// snapshot upsert, kept with later for the end of the block, so a record
// that changes many times in a block is written once.
type prodStmts struct {
	upOffer, upOrder, upPO, upWO, upLot, getLotQty *sql.Stmt
	masterStmts

	lotQty map[gongxu.LotID]int64 // lots changed in this block: their last quantity
}

func (s *prodStmts) defs() []stmtDef {
	return append([]stmtDef{
		{&s.upOffer, `INSERT INTO supply_offers (supplier, item, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (supplier, item) DO UPDATE SET json = excluded.json, height = excluded.height`},
		{&s.upOrder, `INSERT INTO production_orders (id, factory, status, pool, json, height) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET factory = excluded.factory, status = excluded.status, pool = excluded.pool,
			json = excluded.json, height = excluded.height`},
		{&s.upPO, `INSERT INTO purchase_orders (id, factory, supplier, status, json, height) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET factory = excluded.factory, supplier = excluded.supplier, status = excluded.status,
			json = excluded.json, height = excluded.height`},
		{&s.upWO, `INSERT INTO work_orders (id, ord, status, json, height) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET ord = excluded.ord, status = excluded.status, json = excluded.json, height = excluded.height`},
		{&s.upLot, `INSERT INTO lots (id, owner, item, qty, reserved, created, json, height) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, item = excluded.item, qty = excluded.qty,
			reserved = excluded.reserved, created = excluded.created, json = excluded.json, height = excluded.height`},
		{&s.getLotQty, `SELECT qty FROM lots WHERE id = ?`},
	}, s.masterStmts.defs()...)
}

func (p *projector) offer(ev *gongxu.Event) error {
	var o gongxu.SupplyOffer
	js, err := decodeKeep(ev, &o)
	if err != nil {
		return err
	}
	if err := o.Supplier.Validate(); err != nil {
		return prefix(err, "offer supplier")
	}
	if err := o.Item.Validate(); err != nil {
		return err
	}
	if err := match(ev, "supplier", string(o.Supplier)); err != nil {
		return err
	}
	if err := match(ev, "item", string(o.Item)); err != nil {
		return err
	}
	p.later("offer\x00"+string(o.Supplier)+"\x00"+string(o.Item), p.upOffer, string(o.Supplier), string(o.Item), js, p.height)
	return nil
}

func (p *projector) order(ev *gongxu.Event) error {
	id, err := idAttr(ev, "order")
	if err != nil {
		return err
	}
	var o gongxu.ProductionOrder
	js, err := decodeKeep(ev, &o)
	if err != nil {
		return err
	}
	if o.ID != id {
		return gongxu.Errorf(gongxu.KindInvalid, "order attr %d does not match json id %d", id, o.ID)
	}
	if err := o.Factory.Validate(); err != nil {
		return prefix(err, "order factory")
	}
	if err := match(ev, "factory", string(o.Factory)); err != nil {
		return err
	}
	if err := matchStatus(ev, string(o.Status)); err != nil {
		return err
	}
	if o.Pool > 1<<63-1 {
		return gongxu.Errorf(gongxu.KindInvalid, "order %d: pool %d is not an id", id, o.Pool)
	}
	p.later("order\x00"+key20(id), p.upOrder, int64(id), string(o.Factory), string(o.Status), int64(o.Pool), js, p.height)
	return nil
}

func (p *projector) po(ev *gongxu.Event) error {
	id, err := idAttr(ev, "po")
	if err != nil {
		return err
	}
	var o gongxu.PurchaseOrder
	js, err := decodeKeep(ev, &o)
	if err != nil {
		return err
	}
	if o.ID != id {
		return gongxu.Errorf(gongxu.KindInvalid, "po attr %d does not match json id %d", id, o.ID)
	}
	if err := o.Factory.Validate(); err != nil {
		return prefix(err, "po factory")
	}
	if err := o.Supplier.Validate(); err != nil {
		return prefix(err, "po supplier")
	}
	if err := match(ev, "factory", string(o.Factory)); err != nil {
		return err
	}
	if err := match(ev, "supplier", string(o.Supplier)); err != nil {
		return err
	}
	if err := matchStatus(ev, string(o.Status)); err != nil {
		return err
	}
	p.later("po\x00"+key20(id), p.upPO, int64(id), string(o.Factory), string(o.Supplier), string(o.Status), js, p.height)
	return nil
}

func (p *projector) wo(ev *gongxu.Event) error {
	id, err := idAttr(ev, "wo")
	if err != nil {
		return err
	}
	order, err := idAttr(ev, "order")
	if err != nil {
		return err
	}
	var w gongxu.WorkOrder
	js, err := decodeKeep(ev, &w)
	if err != nil {
		return err
	}
	if w.ID != id || w.Order != order {
		return gongxu.Errorf(gongxu.KindInvalid, "wo, order attrs %d, %d do not match json id, order %d, %d", id, order, w.ID, w.Order)
	}
	if err := matchStatus(ev, string(w.Status)); err != nil {
		return err
	}
	p.later("wo\x00"+key20(id), p.upWO, int64(id), int64(order), string(w.Status), js, p.height)
	return nil
}

// lot projects a lot's snapshot. Its delta attr must be the change from the
// quantity the read model holds (0 for a new lot): a lot whose quantity does
// not follow has lost or reordered an event.
func (p *projector) lot(ev *gongxu.Event) error {
	var l gongxu.Lot
	js, err := decodeKeep(ev, &l)
	if err != nil {
		return err
	}
	if err := l.ID.Validate(); err != nil {
		return err
	}
	if err := match(ev, "lot", string(l.ID)); err != nil {
		return err
	}
	if err := l.Owner.Validate(); err != nil {
		return prefix(err, "lot owner")
	}
	if l.ID.Owner() != l.Owner {
		return gongxu.Errorf(gongxu.KindInvalid, "json owner %q is not the owner of lot %s", l.Owner, l.ID)
	}
	if err := match(ev, "owner", string(l.Owner)); err != nil {
		return err
	}
	if err := l.Item.Validate(); err != nil {
		return err
	}
	if err := match(ev, "item", string(l.Item)); err != nil {
		return err
	}
	if l.Qty < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "lot %s has quantity %d", l.ID, l.Qty)
	}
	if l.Reserved < 0 || l.Reserved > l.Qty {
		return gongxu.Errorf(gongxu.KindInvalid, "lot %s has %d reserved of quantity %d", l.ID, l.Reserved, l.Qty)
	}
	ds := ev.Get("delta")
	delta, err := strconv.ParseInt(ds, 10, 64)
	if err != nil || strconv.FormatInt(delta, 10) != ds {
		return gongxu.Errorf(gongxu.KindInvalid, "delta attr %q is not a decimal", ds)
	}
	prev, ok := p.lotQty[l.ID]
	if !ok {
		err := p.getLotQty.QueryRowContext(p.ctx, string(l.ID)).Scan(&prev)
		if err != nil && err != sql.ErrNoRows {
			return gongxu.Wrap(err, "read lot %s", l.ID)
		}
	}
	if want, err := gongxu.AddInt64(prev, delta); err != nil || want != int64(l.Qty) {
		return gongxu.Errorf(gongxu.KindInvalid, "lot %s held %d, delta %d, json says %d: the lot events are not consistent",
			l.ID, prev, delta, l.Qty)
	}
	if p.lotQty == nil {
		p.lotQty = map[gongxu.LotID]int64{}
	}
	p.lotQty[l.ID] = int64(l.Qty)
	p.later("lot\x00"+string(l.ID), p.upLot, string(l.ID), string(l.Owner), string(l.Item), int64(l.Qty), int64(l.Reserved), l.Created, js, p.height)
	return nil
}

// key20 is id zero-padded, so pending keys sort by id.
func key20(id uint64) string {
	s := strconv.FormatUint(id, 10)
	return "00000000000000000000"[len(s):] + s
}
