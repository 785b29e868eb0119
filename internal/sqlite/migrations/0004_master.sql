-- Master data on the ledger (each org's items, bills of materials, routings
-- and work centers), the quantity of a lot held by started work orders, and
-- the pool a production order came from. Records are kept as the JSON their
-- module emitted; height is that of the last change.

CREATE TABLE items (
	org    TEXT NOT NULL,
	id     TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.Item
	height INTEGER NOT NULL,
	PRIMARY KEY (org, id)
) WITHOUT ROWID;

-- One row per line; a production.bom event replaces every line of its parent.
CREATE TABLE bom_lines (
	org    TEXT NOT NULL,
	parent TEXT NOT NULL,
	child  TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.BOMLine
	height INTEGER NOT NULL,
	PRIMARY KEY (org, parent, child)
) WITHOUT ROWID;

CREATE INDEX bom_lines_child ON bom_lines (org, child, parent);

CREATE TABLE routings (
	org    TEXT NOT NULL,
	item   TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.Routing
	height INTEGER NOT NULL,
	PRIMARY KEY (org, item)
) WITHOUT ROWID;

CREATE TABLE work_centers (
	org    TEXT NOT NULL,
	id     TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.WorkCenter
	height INTEGER NOT NULL,
	PRIMARY KEY (org, id)
) WITHOUT ROWID;

-- Of qty, what started work orders hold (milli-units).
ALTER TABLE lots ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
UPDATE lots SET reserved = coalesce(json_extract(json, '$.reserved'), 0);

CREATE INDEX lots_owner_item ON lots (owner, item);

-- The pool a production order came from (0: created by its factory).
ALTER TABLE production_orders ADD COLUMN pool INTEGER NOT NULL DEFAULT 0;
UPDATE production_orders SET pool = coalesce(json_extract(json, '$.pool'), 0);

CREATE INDEX production_orders_pool ON production_orders (pool, id) WHERE pool > 0;
