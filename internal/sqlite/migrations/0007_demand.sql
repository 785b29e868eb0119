-- Demand facts (issue 13): what was pledged, captured, refunded and picked
-- up, by product, variant, hub, pool, UTC day of block time and contributor
-- (a pledge's payer: org:<hub> for hub batches, key:<public key> for a
-- direct pledge). Every measure is a sum of the day's flows, never
-- negative: a reduction counts as refunded on its day. Units are whole
-- units, money the pool's currency in minor units: pledged at the first-tier
-- price (the escrow), captured and picked up at the final price. consumers
-- counts the pledges made (batch leaves, direct pledges); a batch mixing
-- variants counts each of its variants once (its leaves' variants are not
-- in its event). Queries add the rows of a cell up, and its contributors'
-- shares decide whether the cell may be shown (thresholds).
CREATE TABLE demand_facts (
	product        TEXT NOT NULL, -- '' for a pool awarded from a request for quote
	variant        TEXT NOT NULL, -- '' for a product without variants; '?' for a pickup of unknown variant
	hub            TEXT NOT NULL,
	day            INTEGER NOT NULL, -- days since 1970-01-01, UTC
	pool           INTEGER NOT NULL,
	contributor    TEXT NOT NULL,
	currency       TEXT NOT NULL,
	pledged_units  INTEGER NOT NULL DEFAULT 0,
	pledged_money  INTEGER NOT NULL DEFAULT 0,
	captured_units INTEGER NOT NULL DEFAULT 0,
	captured_money INTEGER NOT NULL DEFAULT 0,
	refunded_units INTEGER NOT NULL DEFAULT 0,
	refunded_money INTEGER NOT NULL DEFAULT 0,
	picked_units   INTEGER NOT NULL DEFAULT 0,
	picked_money   INTEGER NOT NULL DEFAULT 0,
	consumers      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (product, variant, hub, day, pool, contributor)
) WITHOUT ROWID;

CREATE INDEX demand_facts_day ON demand_facts (day);

-- What each contributor still holds in an open pool, by hub and variant:
-- captured or refunded when the pool closes, then deleted.
CREATE TABLE demand_open (
	pool        INTEGER NOT NULL,
	hub         TEXT NOT NULL,
	variant     TEXT NOT NULL,
	contributor TEXT NOT NULL,
	units       INTEGER NOT NULL,
	money       INTEGER NOT NULL, -- escrow held, at the first-tier price
	PRIMARY KEY (pool, hub, variant, contributor)
) WITHOUT ROWID;
