-- The production side: supply offers, production orders, purchase orders,
-- work orders and lots. As for pools, records are kept as the JSON their
-- module emitted (compacted, unknown fields included); the columns beside it
-- are what queries filter and sort on. height is that of the last change.
-- Work orders and lots do not reference their order or PO by foreign key: the
-- order of events within a block is the writer's.

CREATE TABLE supply_offers (
	supplier TEXT NOT NULL,
	item     TEXT NOT NULL,
	json     TEXT NOT NULL, -- gongxu.SupplyOffer
	height   INTEGER NOT NULL,
	PRIMARY KEY (supplier, item)
) WITHOUT ROWID;

CREATE TABLE production_orders (
	id      INTEGER PRIMARY KEY,
	factory TEXT NOT NULL,
	status  TEXT NOT NULL,
	json    TEXT NOT NULL, -- gongxu.ProductionOrder, its history included
	height  INTEGER NOT NULL
);

CREATE INDEX production_orders_factory ON production_orders (factory, id);

CREATE TABLE purchase_orders (
	id       INTEGER PRIMARY KEY,
	factory  TEXT NOT NULL,
	supplier TEXT NOT NULL,
	status   TEXT NOT NULL,
	json     TEXT NOT NULL, -- gongxu.PurchaseOrder
	height   INTEGER NOT NULL
);

CREATE INDEX purchase_orders_factory ON purchase_orders (factory, id);
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier, id);

CREATE TABLE work_orders (
	id     INTEGER PRIMARY KEY,
	ord    INTEGER NOT NULL, -- the production order
	status TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.WorkOrder
	height INTEGER NOT NULL
);

CREATE INDEX work_orders_ord ON work_orders (ord, id);

-- Lots, a lot at zero included (kept for the trace).
CREATE TABLE lots (
	id      TEXT PRIMARY KEY, -- "<owner>/<code>"
	owner   TEXT NOT NULL,
	item    TEXT NOT NULL,
	qty     INTEGER NOT NULL, -- remaining, milli-units
	created INTEGER NOT NULL, -- block time, unix ms
	json    TEXT NOT NULL,    -- gongxu.Lot
	height  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX lots_owner ON lots (owner, created, id);
CREATE INDEX lots_created ON lots (created, id);
