-- A tx's events as one record (issue 17): a tx row projected from now on
-- holds its events in evs (a JSON array of gongxu.Event, as txs.events held
-- them before migration 0023), their first seq in ev_seq and their count in
-- ev_n; the events table keeps only the block-level events (tx_index -1).
-- For Events by type, event_types lists, per block and event type, the
-- indexes of the txs with such an event (a JSON array, ascending): a
-- handful of rows per block instead of an events row and an index entry per
-- event. meta 'evs_from' is the first height projected this way. Rows
-- projected before keep their events in the events table (and txs.events
-- or the ev_seq range) and are read as before, so nothing needs reindexing.
ALTER TABLE txs ADD COLUMN evs TEXT;

CREATE TABLE event_types (
	type   TEXT NOT NULL,
	height INTEGER NOT NULL,
	txs    TEXT NOT NULL,
	PRIMARY KEY (type, height)
) WITHOUT ROWID;
