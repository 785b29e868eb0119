-- Pickups: a consumer collecting a pledge at its hub (pool.pickup), named by
-- the pledge's URN, never the person, with the shipped lots the goods came
-- from. What the factory shipped to each hub is in hub_shares' JSON.
CREATE TABLE pickups (
	pool   INTEGER NOT NULL,
	pledge TEXT NOT NULL, -- gongxu.PledgeURN or gongxu.DirectPledgeURN
	hub    TEXT NOT NULL,
	height INTEGER NOT NULL REFERENCES blocks (height),
	seq    INTEGER NOT NULL,
	json   TEXT NOT NULL, -- gongxu.Pickup
	PRIMARY KEY (pool, pledge)
) WITHOUT ROWID;

CREATE INDEX pickups_hub ON pickups (pool, hub, height, seq);
