package sqlite

import (
	"context"
	"database/sql"

	gongxu "github.com/gongxu-network/gongxu"
)

var _ gongxu.ProductionService = (*DB)(nil)

// Offers lists the supply offers of a supplier, or of every supplier when
// supplier is "", sorted by supplier, then item. Errors: KindInvalid for a
// malformed supplier id, KindInternal.
func (db *DB) Offers(ctx context.Context, supplier gongxu.OrgID) ([]gongxu.SupplyOffer, error) {
	if supplier == "" {
		return queryJSON[gongxu.SupplyOffer](ctx, db.r, "supply offers",
			`SELECT json FROM supply_offers ORDER BY supplier, item`)
	}
	if err := supplier.Validate(); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.SupplyOffer](ctx, db.r, "supply offers",
		`SELECT json FROM supply_offers WHERE supplier = ? ORDER BY item`, string(supplier))
}

// Orders lists production orders, newest first, of one factory or of every
// factory when factory is "". Errors: KindInvalid for a malformed factory
// id, KindInternal.
func (db *DB) Orders(ctx context.Context, factory gongxu.OrgID, limit int) ([]gongxu.ProductionOrder, error) {
	limit = clampLimit(limit)
	if factory == "" {
		return queryJSON[gongxu.ProductionOrder](ctx, db.r, "production orders",
			`SELECT json FROM production_orders ORDER BY id DESC LIMIT ?`, limit)
	}
	if err := factory.Validate(); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.ProductionOrder](ctx, db.r, "production orders",
		`SELECT json FROM production_orders WHERE factory = ? ORDER BY id DESC LIMIT ?`, string(factory), limit)
}

// Order returns one production order, its history included.
// Errors: KindNotFound, KindInternal.
func (db *DB) Order(ctx context.Context, id uint64) (gongxu.ProductionOrder, error) {
	var o gongxu.ProductionOrder
	return o, db.getByID(ctx, &o, "production order", `SELECT json FROM production_orders WHERE id = ?`, id)
}

// POs lists purchase orders, newest first, where org is the factory or the
// supplier, or every one when org is "". Errors: KindInvalid for a malformed
// org id, KindInternal.
func (db *DB) POs(ctx context.Context, org gongxu.OrgID, limit int) ([]gongxu.PurchaseOrder, error) {
	limit = clampLimit(limit)
	if org == "" {
		return queryJSON[gongxu.PurchaseOrder](ctx, db.r, "purchase orders",
			`SELECT json FROM purchase_orders ORDER BY id DESC LIMIT ?`, limit)
	}
	if err := org.Validate(); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.PurchaseOrder](ctx, db.r, "purchase orders",
		`SELECT json FROM purchase_orders WHERE id IN (
			SELECT id FROM purchase_orders WHERE factory = ?1 UNION SELECT id FROM purchase_orders WHERE supplier = ?1)
		ORDER BY id DESC LIMIT ?2`, string(org), limit)
}

// PO returns one purchase order. Errors: KindNotFound, KindInternal.
func (db *DB) PO(ctx context.Context, id uint64) (gongxu.PurchaseOrder, error) {
	var o gongxu.PurchaseOrder
	return o, db.getByID(ctx, &o, "purchase order", `SELECT json FROM purchase_orders WHERE id = ?`, id)
}

// WorkOrders lists the work orders of a production order, by id.
// Errors: KindNotFound for an unknown production order, KindInternal.
func (db *DB) WorkOrders(ctx context.Context, order uint64) ([]gongxu.WorkOrder, error) {
	if err := db.exists(ctx, "production order", `SELECT 1 FROM production_orders WHERE id = ?`, order); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.WorkOrder](ctx, db.r, "work orders",
		`SELECT json FROM work_orders WHERE ord = ? ORDER BY id`, int64(order))
}

// Lots lists lots, newest first (by creation time, then id), of one owner or
// of every owner when owner is "". Lots at zero are included.
// Errors: KindInvalid for a malformed owner id, KindInternal.
func (db *DB) Lots(ctx context.Context, owner gongxu.OrgID, limit int) ([]gongxu.Lot, error) {
	limit = clampLimit(limit)
	if owner == "" {
		return queryJSON[gongxu.Lot](ctx, db.r, "lots", `SELECT json FROM lots ORDER BY created DESC, id LIMIT ?`, limit)
	}
	if err := owner.Validate(); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.Lot](ctx, db.r, "lots",
		`SELECT json FROM lots WHERE owner = ? ORDER BY created DESC, id LIMIT ?`, string(owner), limit)
}

// Lot returns one lot. Errors: KindInvalid for a malformed id, KindNotFound,
// KindInternal.
func (db *DB) Lot(ctx context.Context, id gongxu.LotID) (gongxu.Lot, error) {
	var l gongxu.Lot
	if err := id.Validate(); err != nil {
		return l, err
	}
	err := getJSON(ctx, db.r, &l, `SELECT json FROM lots WHERE id = ?`, string(id))
	if err == sql.ErrNoRows {
		return l, gongxu.Errorf(gongxu.KindNotFound, "no lot %s", id)
	}
	return l, gongxu.Wrap(err, "read model: read lot %s", id)
}

// getByID reads the JSON of the row with a numeric id into v.
func (db *DB) getByID(ctx context.Context, v any, what, query string, id uint64) error {
	if id > 1<<63-1 {
		return gongxu.Errorf(gongxu.KindNotFound, "no %s %d", what, id)
	}
	err := getJSON(ctx, db.r, v, query, int64(id))
	if err == sql.ErrNoRows {
		return gongxu.Errorf(gongxu.KindNotFound, "no %s %d", what, id)
	}
	return gongxu.Wrap(err, "read model: read %s %d", what, id)
}

// OrderForPool returns the production order a filled pool created.
// Errors: KindNotFound when there is none, KindInternal.
func (db *DB) OrderForPool(ctx context.Context, pool uint64) (gongxu.ProductionOrder, error) {
	var o gongxu.ProductionOrder
	if pool == 0 || pool > 1<<63-1 {
		return o, gongxu.Errorf(gongxu.KindNotFound, "no production order for pool %d", pool)
	}
	err := getJSON(ctx, db.r, &o, `SELECT json FROM production_orders WHERE pool = ? ORDER BY id LIMIT 1`, int64(pool))
	if err == sql.ErrNoRows {
		return o, gongxu.Errorf(gongxu.KindNotFound, "no production order for pool %d", pool)
	}
	return o, gongxu.Wrap(err, "read model: read the production order of pool %d", pool)
}

// Master returns an org's master data: its items by id, its bills of
// materials by parent then child, its routings by item and its work centers
// by id; every list is non-nil, empty for an org with none.
// Errors: KindInvalid for a malformed org id, KindInternal.
func (db *DB) Master(ctx context.Context, org gongxu.OrgID) (gongxu.Master, error) {
	var md gongxu.Master
	if err := org.Validate(); err != nil {
		return md, err
	}
	var err error
	if md.Items, err = queryJSON[gongxu.Item](ctx, db.r, "items",
		`SELECT json FROM items WHERE org = ? ORDER BY id`, string(org)); err != nil {
		return md, err
	}
	if md.BOM, err = queryJSON[gongxu.BOMLine](ctx, db.r, "bom lines",
		`SELECT json FROM bom_lines WHERE org = ? ORDER BY parent, child`, string(org)); err != nil {
		return md, err
	}
	if md.Routings, err = queryJSON[gongxu.Routing](ctx, db.r, "routings",
		`SELECT json FROM routings WHERE org = ? ORDER BY item`, string(org)); err != nil {
		return md, err
	}
	md.WorkCenters, err = queryJSON[gongxu.WorkCenter](ctx, db.r, "work centers",
		`SELECT json FROM work_centers WHERE org = ? ORDER BY id`, string(org))
	return md, err
}

// Stock lists an org's stock per item (the sum of its lots), by item; items
// at zero are left out. Errors: KindInvalid for a malformed org id,
// KindInternal.
func (db *DB) Stock(ctx context.Context, org gongxu.OrgID) ([]gongxu.Stock, error) {
	if err := org.Validate(); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx,
		`SELECT item, sum(qty) FROM lots WHERE owner = ? GROUP BY item HAVING sum(qty) > 0 ORDER BY item`, string(org))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list stock of %s", org)
	}
	defer rows.Close()
	out := []gongxu.Stock{}
	for rows.Next() {
		var (
			item string
			qty  int64
		)
		if err := rows.Scan(&item, &qty); err != nil {
			return nil, gongxu.Wrap(err, "read model: read stock of %s", org)
		}
		out = append(out, gongxu.Stock{Org: org, Item: gongxu.ItemID(item), Qty: gongxu.Qty(qty)})
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list stock of %s", org)
}
