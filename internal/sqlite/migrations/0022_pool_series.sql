-- The series a pool belongs to: the first pool's id of a series of pools that
-- reopen on a schedule (gongxu.Pool.Series.Series); NULL for a pool opened
-- once. Pools already projected take it from their JSON.
ALTER TABLE pools ADD COLUMN series INTEGER;

UPDATE pools SET series = json_extract(json, '$.series.series') WHERE json_extract(json, '$.series.series') IS NOT NULL;

CREATE INDEX pools_series ON pools (series, id) WHERE series IS NOT NULL;
