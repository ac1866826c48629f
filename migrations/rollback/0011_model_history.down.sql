-- Undo 0011: the public-history projection is dropped. Nothing is lost: the
-- audit trail it was built from (and written beside) stays, and 0011 rebuilds
-- it from there when applied again.
-- squawk-ignore-file ban-drop-table
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

DROP TABLE IF EXISTS model_history;
