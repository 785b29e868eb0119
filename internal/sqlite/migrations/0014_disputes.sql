-- Disputes (internal/module/dispute): one row per dispute, the Dispute as
-- its last event left it. Parties and pool are columns for the listings;
-- panelists are read from the json (json_each) when a listing filters by
-- org.
CREATE TABLE disputes (
	id         INTEGER PRIMARY KEY,
	status     TEXT NOT NULL,
	pool       INTEGER NOT NULL,
	claimant   TEXT NOT NULL,
	respondent TEXT NOT NULL,
	json       TEXT NOT NULL, -- gongxu.Dispute
	height     INTEGER NOT NULL
);

CREATE INDEX disputes_status ON disputes (status, id);
CREATE INDEX disputes_pool ON disputes (pool, id);
CREATE INDEX disputes_claimant ON disputes (claimant, id);
CREATE INDEX disputes_respondent ON disputes (respondent, id);
