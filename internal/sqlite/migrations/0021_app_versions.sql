-- The state machine versions the chain moved to (chain.upgrade events, one
-- per governance-scheduled upgrade, in the block at its height).
CREATE TABLE app_versions (
	version INTEGER PRIMARY KEY,
	name    TEXT NOT NULL,
	height  INTEGER NOT NULL REFERENCES blocks (height)
);
