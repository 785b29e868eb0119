-- Demand pools, the catalog, money and requests for quote. Records are kept
-- as the JSON their module emitted (compacted, unknown fields included, so a
-- newer writer's fields survive until this binary learns them); the columns
-- beside the JSON are what queries filter and sort on. height is that of the
-- last change. Shares, pledges, batches and bids do not reference their pool
-- or RFQ by foreign key: the order of events within a block is the writer's.

CREATE TABLE products (
	id      TEXT PRIMARY KEY, -- "<factory>/<sku>"
	factory TEXT NOT NULL,
	version INTEGER NOT NULL,
	json    TEXT NOT NULL, -- gongxu.Product
	height  INTEGER NOT NULL
);

CREATE INDEX products_factory ON products (factory, id);

CREATE TABLE pools (
	id       INTEGER PRIMARY KEY,
	status   TEXT NOT NULL,
	factory  TEXT NOT NULL,
	deadline INTEGER NOT NULL, -- block time, unix ms
	total    INTEGER NOT NULL, -- units pledged
	any_hub  INTEGER NOT NULL, -- 1 when the pool names no hubs: any member hub may gather pledges
	hubs     TEXT NOT NULL,    -- JSON array of the hubs named, as in json; pool_hubs holds them as rows
	json     TEXT NOT NULL,    -- gongxu.Pool, its status history included
	height   INTEGER NOT NULL
);

CREATE INDEX pools_status ON pools (status, id);
CREATE INDEX pools_factory ON pools (factory, id);
CREATE INDEX pools_deadline ON pools (deadline, id);

-- The hubs a pool names (allowed to gather its pledges).
CREATE TABLE pool_hubs (
	pool INTEGER NOT NULL,
	hub  TEXT NOT NULL,
	PRIMARY KEY (pool, hub)
) WITHOUT ROWID;

CREATE INDEX pool_hubs_hub ON pool_hubs (hub, pool);

-- A pool's total over time: one point per block in which the total changed
-- (and one when the pool first appears), for the progress chart.
CREATE TABLE pool_progress (
	pool   INTEGER NOT NULL,
	height INTEGER NOT NULL,
	time   INTEGER NOT NULL, -- block time, unix ms
	total  INTEGER NOT NULL,
	PRIMARY KEY (pool, height)
) WITHOUT ROWID;

CREATE TABLE hub_shares (
	pool   INTEGER NOT NULL,
	hub    TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.HubShare
	height INTEGER NOT NULL,
	PRIMARY KEY (pool, hub)
) WITHOUT ROWID;

CREATE INDEX hub_shares_hub ON hub_shares (hub, pool);

CREATE TABLE pledges (
	pool     INTEGER NOT NULL,
	id       INTEGER NOT NULL,
	consumer TEXT NOT NULL,
	json     TEXT NOT NULL, -- gongxu.Pledge
	height   INTEGER NOT NULL,
	PRIMARY KEY (pool, id)
) WITHOUT ROWID;

CREATE INDEX pledges_consumer ON pledges (consumer, pool, id);

-- Hub batches, in the order they were committed (height, then seq: the
-- position of the event among the block's events).
CREATE TABLE batches (
	tx     TEXT NOT NULL COLLATE NOCASE UNIQUE, -- the transaction that carried it
	pool   INTEGER NOT NULL,
	hub    TEXT NOT NULL,
	height INTEGER NOT NULL REFERENCES blocks (height),
	seq    INTEGER NOT NULL,
	json   TEXT NOT NULL -- gongxu.Batch
);

CREATE INDEX batches_pool ON batches (pool, height, seq);

-- Every movement of money, in ledger order. '' in from_acct: money entered
-- (deposit); '' in to_acct: money left (withdrawal).
CREATE TABLE movements (
	height    INTEGER NOT NULL REFERENCES blocks (height),
	seq       INTEGER NOT NULL, -- position of the event among the block's events
	time      INTEGER NOT NULL, -- block time, unix ms
	tx        TEXT NOT NULL,    -- '' for a block-level movement (a deadline's capture or refund)
	from_acct TEXT NOT NULL,
	to_acct   TEXT NOT NULL,
	currency  TEXT NOT NULL,
	amount    INTEGER NOT NULL CHECK (amount > 0),
	reason    TEXT NOT NULL,
	ref       TEXT NOT NULL,
	PRIMARY KEY (height, seq)
) WITHOUT ROWID;

CREATE INDEX movements_from ON movements (from_acct, height, seq) WHERE from_acct != '';
CREATE INDEX movements_to ON movements (to_acct, height, seq) WHERE to_acct != '';

-- Balances derived from the movements alone, updated as each one is projected.
CREATE TABLE balances (
	account  TEXT NOT NULL,
	currency TEXT NOT NULL,
	amount   INTEGER NOT NULL CHECK (amount >= 0),
	PRIMARY KEY (account, currency)
) WITHOUT ROWID;

CREATE INDEX balances_currency ON balances (currency, account);

CREATE TABLE rfqs (
	id     INTEGER PRIMARY KEY,
	status TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.RFQ
	height INTEGER NOT NULL
);

CREATE INDEX rfqs_status ON rfqs (status, id);

CREATE TABLE bids (
	rfq    INTEGER NOT NULL,
	bidder TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.Bid
	height INTEGER NOT NULL,
	PRIMARY KEY (rfq, bidder)
) WITHOUT ROWID;
