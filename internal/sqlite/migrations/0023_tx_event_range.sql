-- A tx's events are stored once (issue 17): in the events table, where a tx
-- row projected from now on names their range (seq ev_seq to ev_seq + ev_n
-- - 1 at the tx's height), its events column left NULL. Rows projected
-- before keep their JSON copy and are read as before, so nothing needs
-- reindexing.
ALTER TABLE txs ADD COLUMN ev_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE txs ADD COLUMN ev_n INTEGER NOT NULL DEFAULT 0;
