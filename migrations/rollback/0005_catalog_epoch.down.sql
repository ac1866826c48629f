-- Undo 0005: the cache keys go back to the version alone. The old code never
-- reads the column, so dropping it breaks no client.
-- squawk-ignore-file ban-drop-column
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30s';

ALTER TABLE catalog_state DROP COLUMN IF EXISTS epoch;
