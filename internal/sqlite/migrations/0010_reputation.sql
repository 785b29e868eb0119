-- Reputation facts (project_reputation.go, query_reputation.go): what an org
-- promised and what it did, each with the transactions that recorded it, so
-- that every figure links to its facts. Rates and weights are computed at
-- query time from the ledger's latest block time.
--
-- A read model projected before this schema has no facts for its earlier
-- blocks: `gongxu reindex` projects them here.

-- One row per accepted purchase-order line: the supplier owes it to the
-- factory. delivered is the block time of the shipment that made shipped
-- reach ordered (0 while it has not).
CREATE TABLE rep_po_lines (
	po          INTEGER NOT NULL,
	line        INTEGER NOT NULL, -- 1-based
	supplier    TEXT NOT NULL,
	factory     TEXT NOT NULL,
	item        TEXT NOT NULL,
	ordered     INTEGER NOT NULL, -- milli-units
	shipped     INTEGER NOT NULL, -- milli-units
	promised    INTEGER NOT NULL, -- unix ms
	accepted    INTEGER NOT NULL, -- block time of the acceptance
	delivered   INTEGER NOT NULL, -- block time, 0: not delivered in full
	cancelled   INTEGER NOT NULL, -- 1: the factory cancelled the order
	tx_accept   TEXT NOT NULL,    -- the tx that accepted it ('' for a block-level event)
	tx_ship     TEXT NOT NULL,    -- the tx of the latest shipment ('' when none)
	tx_delivered TEXT NOT NULL,   -- the tx of the shipment that completed it
	height      INTEGER NOT NULL,
	PRIMARY KEY (po, line)
) WITHOUT ROWID;

CREATE INDEX rep_po_lines_supplier ON rep_po_lines (supplier, po, line);

-- One row per hub share of a pool once it was shipped or confirmed; the
-- factory and the promised date are the pool's and its production order's.
CREATE TABLE rep_shares (
	pool       INTEGER NOT NULL,
	hub        TEXT NOT NULL,
	ordered    INTEGER NOT NULL, -- milli-units (the share's units × 1000)
	shipped    INTEGER NOT NULL, -- milli-units of lots shipped to the hub
	shipped_at INTEGER NOT NULL, -- block time, 0: not shipped on the ledger
	confirmed  INTEGER NOT NULL, -- block time the hub confirmed delivery, 0: not yet
	tx_ship    TEXT NOT NULL,
	tx_confirm TEXT NOT NULL,
	height     INTEGER NOT NULL,
	PRIMARY KEY (pool, hub)
) WITHOUT ROWID;

-- Disputes opened against an org's delivery. Fed by the events
-- "dispute.opened" (attrs: dispute, against, opener, obligation, claimed)
-- and "dispute.resolved" (attrs: dispute, outcome, awarded), see
-- project_reputation.go; outcome is the resolution's word (settled, ruled,
-- default), awarded what the claimant got, minor units.
CREATE TABLE rep_disputes (
	id          TEXT PRIMARY KEY,
	against     TEXT NOT NULL,
	opener      TEXT NOT NULL,
	obligation  TEXT NOT NULL, -- "po:<id>:<line>", "pool:<id>:<hub>" or as the event names it
	claimed     INTEGER NOT NULL,
	opened      INTEGER NOT NULL, -- block time
	tx_open     TEXT NOT NULL,
	outcome     TEXT NOT NULL,    -- '' while open
	awarded     INTEGER NOT NULL,
	resolved    INTEGER NOT NULL, -- block time, 0 while open
	tx_resolve  TEXT NOT NULL,
	height      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX rep_disputes_against ON rep_disputes (against, opened, id);

-- Recalls by the org that made the lot they named.
CREATE TABLE rep_recalls (
	recall INTEGER PRIMARY KEY, -- trace_recalls.id
	maker  TEXT NOT NULL,
	lot    TEXT NOT NULL,
	time   INTEGER NOT NULL,
	tx     TEXT NOT NULL
);

CREATE INDEX rep_recalls_maker ON rep_recalls (maker, recall);
