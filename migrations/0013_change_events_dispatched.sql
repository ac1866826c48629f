-- An index on when each change event was last handed to the delivery queue, for
-- the cron's every-minute re-send of deliveries the queue lost
-- (src/webhooks/stranded.ts): it looks at events dispatched between 7 days and
-- 15 minutes ago, one index range, where the table would be read whole every
-- minute, and change_events (the feed) is never purged. Undispatched events
-- (NULL) keep their own index of 0006; dispatched_at is set by dispatch and
-- moved by the re-send, both already granted to catalog_app (0007): no grant.
--
-- Locks: CREATE INDEX holds SHARE on change_events while it builds, so catalog
-- writes (which insert their event) wait for it: well under a second for a
-- feed of 100,000 events, against the 5 s lock_timeout for taking the lock.
-- CONCURRENTLY is not possible inside the runner's per-file transaction (as in
-- 0002 and 0012).
-- squawk-ignore-file require-concurrent-index-creation
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '300s';

CREATE INDEX idx_change_events_dispatched ON change_events (dispatched_at) WHERE dispatched_at IS NOT NULL;
