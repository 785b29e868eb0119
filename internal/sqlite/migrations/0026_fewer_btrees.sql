-- Fewer B-trees written a hub batch (issue 17).
--
-- Hub batches in one B-tree: the table is keyed by (pool,
-- height, seq), the order Batches and the trace walks read a pool's
-- batches in, WITHOUT ROWID, instead of a rowid table with a unique index
-- on tx and an index on (pool, height, seq): a hub batch's row is written
-- to one B-tree instead of three. Nothing reads batches by tx; a batch of
-- a tx recorded before (only a malformed chain) is found through the tx
-- row that is not stored (project_write.go). The rows are copied, so an
-- existing read model needs no reindex.
CREATE TABLE batches_0026 (
	tx     TEXT NOT NULL COLLATE NOCASE, -- the transaction that carried it
	pool   INTEGER NOT NULL,
	hub    TEXT NOT NULL,
	height INTEGER NOT NULL REFERENCES blocks (height),
	seq    INTEGER NOT NULL, -- the position of the event among the block's events
	json   TEXT NOT NULL,    -- gongxu.Batch
	PRIMARY KEY (pool, height, seq)
) WITHOUT ROWID;

INSERT INTO batches_0026 (tx, pool, hub, height, seq, json)
	SELECT tx, pool, hub, height, seq, json FROM batches ORDER BY pool, height, seq;

DROP TABLE batches;

ALTER TABLE batches_0026 RENAME TO batches;

-- A block's movements by account: one movement_accts row an account a block
-- (the seqs of its movements there, a JSON array, ascending) instead of an
-- entry in movements_from and movements_to a movement (a hub batch's
-- deposit and escrow move: three index entries; a block of 1,000 from 100
-- hubs into 7 pools: 107 rows). Movements and PoolMoney read an account's
-- movements through it, by the movements' key. Filled from the movements
-- projected before, so an existing read model needs no reindex.
CREATE TABLE movement_accts (
	acct   TEXT NOT NULL,
	height INTEGER NOT NULL REFERENCES blocks (height),
	seqs   TEXT NOT NULL, -- JSON array of movements.seq at height, ascending
	PRIMARY KEY (acct, height)
) WITHOUT ROWID;

INSERT INTO movement_accts (acct, height, seqs)
	SELECT acct, height, json_group_array(seq) FROM (
		SELECT from_acct AS acct, height, seq FROM movements WHERE from_acct != ''
		UNION ALL SELECT to_acct, height, seq FROM movements WHERE to_acct != ''
		ORDER BY 1, 2, 3)
	GROUP BY acct, height;

DROP INDEX movements_from;
DROP INDEX movements_to;
