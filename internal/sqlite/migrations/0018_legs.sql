-- Carriers' legs (internal/module/logistics): one row per leg, the Leg as
-- its last event left it; its lots in leg_lots, for a lot's carriers (a
-- recall lists the carriers that moved the lots it reaches).
CREATE TABLE legs (
	id        INTEGER PRIMARY KEY,
	status    TEXT NOT NULL,
	pool      INTEGER NOT NULL, -- 0 for a purchase order's shipment
	hub       TEXT NOT NULL,
	po        INTEGER NOT NULL, -- 0 for a pool share's shipment
	shipment  INTEGER NOT NULL,
	shipper   TEXT NOT NULL,
	consignee TEXT NOT NULL,
	carrier   TEXT NOT NULL,
	json      TEXT NOT NULL, -- gongxu.Leg
	height    INTEGER NOT NULL
);

CREATE INDEX legs_carrier ON legs (carrier, id);
CREATE INDEX legs_shipper ON legs (shipper, id);
CREATE INDEX legs_consignee ON legs (consignee, id);
CREATE INDEX legs_pool ON legs (pool, hub);
CREATE INDEX legs_po ON legs (po, shipment);

CREATE TABLE leg_lots (
	lot TEXT NOT NULL,
	leg INTEGER NOT NULL,
	PRIMARY KEY (lot, leg)
) WITHOUT ROWID;
