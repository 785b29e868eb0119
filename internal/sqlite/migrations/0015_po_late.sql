-- Purchase order lines recorded late (production.po_late, at block time:
-- not shipped in full by the promised date plus the network's grace), once
-- per line, and the latest shipment on such a line (production.
-- po_late_shipment): what a supplier's on-time record counts.
CREATE TABLE po_late (
	po                INTEGER NOT NULL, -- purchase_orders.id
	line              INTEGER NOT NULL, -- 1-based
	factory           TEXT NOT NULL,
	supplier          TEXT NOT NULL,
	item              TEXT NOT NULL,
	promised          INTEGER NOT NULL, -- block time, unix ms
	ordered           INTEGER NOT NULL, -- milli-units
	shipped_when_late INTEGER NOT NULL,
	recorded          INTEGER NOT NULL, -- block time of the block that recorded it
	height            INTEGER NOT NULL REFERENCES blocks (height),
	shipped           INTEGER NOT NULL DEFAULT 0, -- shipped so far, as of the latest shipment after
	last_shipment     INTEGER NOT NULL DEFAULT 0, -- its block time, 0 for none
	late_ms           INTEGER NOT NULL DEFAULT 0, -- its time minus the promised date
	ship_tx           TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (po, line)
) WITHOUT ROWID;

CREATE INDEX po_late_supplier ON po_late (supplier, recorded);
CREATE INDEX po_late_recorded ON po_late (recorded);
