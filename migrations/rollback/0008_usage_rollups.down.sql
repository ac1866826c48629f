-- Undo 0008: the usage rollups and the flush ledger are dropped (the counts
-- are lost; gate answers never depended on them).
-- squawk-ignore-file ban-drop-table
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

DROP TABLE IF EXISTS usage_flushes;
DROP TABLE IF EXISTS usage_rollups;
