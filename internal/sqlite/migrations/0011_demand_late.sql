-- Late demand facts (issue 13, thresholds over time): a contribution dated
-- before the block that brought it (a hub's recorded past weeks,
-- pool/history) is late. It stays in demand_facts (its own hub sees its
-- cells in full), and is recorded here as well with the height of its
-- block: queries take it out of the live grid and publish it only as a
-- revision of the cells it touches, one revision per block, each revision
-- thresholded as a grid of its own (see Demand in query_demand.go). Every
-- other fact is dated on its block's day, so the facts of a past day never
-- change and a closed period's published pattern can be derived again from
-- the facts at any later time.
CREATE TABLE demand_late (
	product        TEXT NOT NULL,
	height         INTEGER NOT NULL, -- the block that brought it
	variant        TEXT NOT NULL,
	hub            TEXT NOT NULL,
	day            INTEGER NOT NULL, -- the day it is dated, before its block's day
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
	anon           INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (product, height, variant, hub, day, pool, contributor)
) WITHOUT ROWID;
