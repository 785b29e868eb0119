-- Hubs' recorded past sales (pool/history, issue 13) as demand facts: each
-- recorded week is one row on the week's Monday, pool 0, contributor
-- 'history:<hub>', pledged = captured = picked up. Its consumers are not
-- known one by one, so the row stands for anon anonymous contributors, each
-- holding an equal share of the row's measures: the thresholds count them
-- as anon distinct contributors (never fewer than the row's consumers) and
-- their dominance by those equal shares. Rows of identified contributors
-- (pledges' payers) have anon 0.
ALTER TABLE demand_facts ADD COLUMN anon INTEGER NOT NULL DEFAULT 0;
