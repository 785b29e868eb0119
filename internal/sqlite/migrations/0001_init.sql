-- The read model: a projection of committed blocks. Everything here can be
-- rebuilt from the block store; nothing here feeds back into consensus.

-- meta holds single values; key 'height' is the last projected height.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE blocks (
	height   INTEGER PRIMARY KEY,
	time     INTEGER NOT NULL, -- block time, unix ms
	hash     TEXT NOT NULL,
	app_hash TEXT NOT NULL,
	num_txs  INTEGER NOT NULL
);

CREATE TABLE txs (
	hash    TEXT NOT NULL COLLATE NOCASE UNIQUE,
	height  INTEGER NOT NULL REFERENCES blocks (height),
	idx     INTEGER NOT NULL,
	time    INTEGER NOT NULL, -- block time, unix ms
	type    TEXT NOT NULL,
	signer  TEXT NOT NULL,
	org     TEXT NOT NULL,
	code    INTEGER NOT NULL,
	kind    TEXT NOT NULL,
	message TEXT NOT NULL,
	events  TEXT, -- JSON array of gongxu.Event; NULL when none (failed txs never have any)
	PRIMARY KEY (height, idx)
);

-- Every event of every block, in projection order: for each successful tx in
-- index order its events, then the block-level events (tx_index -1).
CREATE TABLE events (
	height   INTEGER NOT NULL REFERENCES blocks (height),
	seq      INTEGER NOT NULL,
	tx_index INTEGER NOT NULL,
	type     TEXT NOT NULL,
	attrs    TEXT NOT NULL, -- JSON array of gongxu.Attr
	PRIMARY KEY (height, seq)
) WITHOUT ROWID;

CREATE INDEX events_type ON events (type, height, seq);

-- Snapshots of the member module's state; height is that of the last change.
CREATE TABLE orgs (
	id     TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.Org
	height INTEGER NOT NULL
);

CREATE TABLE proposals (
	id     INTEGER PRIMARY KEY,
	status TEXT NOT NULL,
	kind   TEXT NOT NULL,
	json   TEXT NOT NULL, -- gongxu.Proposal
	height INTEGER NOT NULL
);

CREATE INDEX proposals_status ON proposals (status, id);

CREATE TABLE validators (
	pub_key TEXT PRIMARY KEY,
	power   INTEGER NOT NULL,
	org     TEXT NOT NULL,
	height  INTEGER NOT NULL
);

CREATE TABLE params (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	json   TEXT NOT NULL, -- gongxu.Params
	height INTEGER NOT NULL
);
