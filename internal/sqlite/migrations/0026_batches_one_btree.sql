-- Hub batches in one B-tree (issue 17): the table is keyed by (pool,
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
