-- Traceability: the EPCIS events the trace module anchored (trace.batch,
-- trace.event), an index of the identifiers each event names by role, the
-- batches with their Merkle leaves, recalls (trace.recall), and the ledger's
-- own links between lots (a lot received from a supplier's lot; the lots a
-- work order made from the lots it consumed), which the trace walks follow
-- where no event says so.
--
-- A read model projected before this schema holds earlier trace events in
-- the events table only: `gongxu reindex` projects them here.

-- A batch: the events one transaction anchored, in its order.
CREATE TABLE trace_batches (
	id     INTEGER PRIMARY KEY,                 -- order of projection, from 1
	tx     TEXT NOT NULL COLLATE NOCASE UNIQUE, -- the transaction that anchored it
	height INTEGER NOT NULL,
	time   INTEGER NOT NULL, -- block time, unix ms: the record time of its events
	org    TEXT NOT NULL,    -- the capturer
	count  INTEGER NOT NULL,
	root   TEXT NOT NULL,    -- hex Merkle root of the leaves
	json   TEXT NOT NULL     -- gongxu.TraceBatch, its leaves included
);

-- An event or an error declaration, by its ledger sequence: what queries
-- filter on and what the walks read, kept narrow so the walks touch few
-- pages. read_point and biz_location are canonical keys; biz_step and
-- disposition CBV 2.0 Web URIs; '' where the event has none.
CREATE TABLE trace_events (
	seq          INTEGER PRIMARY KEY,
	id           TEXT NOT NULL,
	decl         INTEGER NOT NULL,           -- 1: an error declaration of event id
	erroneous    INTEGER NOT NULL DEFAULT 0, -- 1: an original that a declaration says is erroneous
	type         TEXT NOT NULL,
	org          TEXT NOT NULL,              -- the capturer
	flow         TEXT NOT NULL,              -- the ledger flow that emitted it, '' for a capture
	action       TEXT NOT NULL,
	event_time   INTEGER NOT NULL,           -- unix ms
	record_time  INTEGER NOT NULL,           -- block time of the anchor, unix ms
	biz_step     TEXT NOT NULL,
	disposition  TEXT NOT NULL,
	read_point   TEXT NOT NULL,
	biz_location TEXT NOT NULL,
	batch        INTEGER NOT NULL,           -- trace_batches.id
	idx          INTEGER NOT NULL,           -- its index in the batch
	leaf         BLOB NOT NULL               -- gongxu.TraceLeafHash(raw): its leaf in the batch
);

-- The documents of an event: raw, its JSON as anchored (the bytes its leaf
-- hash covers), and json, the record the module emitted without raw and
-- anchor (which are rebuilt from raw, the batch and idx).
CREATE TABLE trace_records (
	seq  INTEGER PRIMARY KEY, -- trace_events.seq
	raw  TEXT NOT NULL,
	json TEXT NOT NULL
);

CREATE UNIQUE INDEX trace_events_id ON trace_events (id, decl);
CREATE INDEX trace_events_time ON trace_events (event_time);

-- The identifiers (canonical keys; a ledger lot as its lot URN) an event
-- names, by role: 1 epcList, 2 quantityList class, 3 inputEPCList,
-- 4 inputQuantityList class, 5 outputEPCList, 6 outputQuantityList class,
-- 7 parentID, 8 childEPCs, 9 childQuantityList class. The walks go from an
-- identifier to its events by the key, and from an event to its other
-- identifiers by trace_idents_seq.
CREATE TABLE trace_idents (
	ident TEXT NOT NULL,
	role  INTEGER NOT NULL,
	seq   INTEGER NOT NULL,
	PRIMARY KEY (ident, role, seq)
) WITHOUT ROWID;

CREATE INDEX trace_idents_seq ON trace_idents (seq, role);

CREATE TABLE trace_recalls (
	id         INTEGER PRIMARY KEY,
	org        TEXT NOT NULL,
	identifier TEXT NOT NULL, -- canonical key; a ledger lot's lot URN
	height     INTEGER NOT NULL,
	json       TEXT NOT NULL  -- gongxu.Recall
);

CREATE INDEX trace_recalls_identifier ON trace_recalls (identifier, id);

-- The ledger's links between lots, as lot URNs: kind 1, dst was received
-- from src (gongxu.Lot.From; ref the purchase order); kind 2, work order ref
-- consumed src and made dst (every input by every output). Kept by the
-- triggers below from the lots and work orders the production projection
-- writes: a lot's From never changes, a work order's inputs and outputs only
-- grow, so links are only ever added.
CREATE TABLE trace_links (
	src  TEXT NOT NULL,
	dst  TEXT NOT NULL,
	kind INTEGER NOT NULL,
	ref  INTEGER NOT NULL,
	PRIMARY KEY (src, dst, kind, ref)
) WITHOUT ROWID;

CREATE INDEX trace_links_dst ON trace_links (dst, src);

CREATE TRIGGER trace_links_lot AFTER INSERT ON lots
WHEN coalesce(NEW.json ->> '$.from', '') != ''
BEGIN
	INSERT INTO trace_links (src, dst, kind, ref)
	VALUES ('urn:gongxu:lot:' || (NEW.json ->> '$.from'), 'urn:gongxu:lot:' || NEW.id, 1, coalesce(NEW.json ->> '$.po', 0))
	ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER trace_links_wo_insert AFTER INSERT ON work_orders
BEGIN
	INSERT INTO trace_links (src, dst, kind, ref)
	SELECT DISTINCT 'urn:gongxu:lot:' || (i.value ->> '$.lot'), 'urn:gongxu:lot:' || (o.value ->> '$.lot'), 2, NEW.id
	FROM json_each(NEW.json, '$.inputs') i, json_each(NEW.json, '$.output_lots') o
	WHERE (i.value ->> '$.lot') IS NOT NULL AND (o.value ->> '$.lot') IS NOT NULL
	ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER trace_links_wo_update AFTER UPDATE OF json ON work_orders
BEGIN
	INSERT INTO trace_links (src, dst, kind, ref)
	SELECT DISTINCT 'urn:gongxu:lot:' || (i.value ->> '$.lot'), 'urn:gongxu:lot:' || (o.value ->> '$.lot'), 2, NEW.id
	FROM json_each(NEW.json, '$.inputs') i, json_each(NEW.json, '$.output_lots') o
	WHERE (i.value ->> '$.lot') IS NOT NULL AND (o.value ->> '$.lot') IS NOT NULL
	ON CONFLICT DO NOTHING;
END;

-- The links of the lots and work orders already projected.
INSERT INTO trace_links (src, dst, kind, ref)
SELECT 'urn:gongxu:lot:' || (json ->> '$.from'), 'urn:gongxu:lot:' || id, 1, coalesce(json ->> '$.po', 0)
FROM lots WHERE coalesce(json ->> '$.from', '') != ''
ON CONFLICT DO NOTHING;

INSERT INTO trace_links (src, dst, kind, ref)
SELECT DISTINCT 'urn:gongxu:lot:' || (i.value ->> '$.lot'), 'urn:gongxu:lot:' || (o.value ->> '$.lot'), 2, w.id
FROM work_orders w, json_each(w.json, '$.inputs') i, json_each(w.json, '$.output_lots') o
WHERE (i.value ->> '$.lot') IS NOT NULL AND (o.value ->> '$.lot') IS NOT NULL
ON CONFLICT DO NOTHING;
