-- Undo 0012: the JSONB GIN indexes back to GIN's default fastupdate (new rows
-- wait in a pending list until VACUUM merges them). Nothing is rebuilt: the
-- indexes stay correct either way.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER INDEX idx_models_meta_capabilities RESET (fastupdate);
ALTER INDEX idx_models_meta_gin RESET (fastupdate);
