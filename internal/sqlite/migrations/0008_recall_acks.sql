-- Recall acknowledgements: a hub saw that a recall reaches the goods of a
-- pool shipped to it (trace.recall_ack), one per hub and recall, so that a
-- recall's page shows which hubs act on it.
CREATE TABLE trace_recall_acks (
	recall INTEGER NOT NULL, -- trace_recalls.id
	hub    TEXT NOT NULL,
	pool   INTEGER NOT NULL,
	height INTEGER NOT NULL REFERENCES blocks (height),
	json   TEXT NOT NULL, -- gongxu.RecallAck
	PRIMARY KEY (recall, hub)
) WITHOUT ROWID;
