-- Undo 0013: the index on dispatched_at is dropped. Nothing is lost: the
-- re-send of lost deliveries still works, reading change_events whole.
-- squawk-ignore-file require-concurrent-index-deletion
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

DROP INDEX IF EXISTS idx_change_events_dispatched;
