-- Undo 0006: the feed, its outbox, the webhook endpoints and their delivery log
-- are dropped (their history is lost; the audit trail keeps every change).
-- squawk-ignore-file ban-drop-table
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

DROP TABLE IF EXISTS sunset_announcements;
DROP TABLE IF EXISTS webhook_deliveries;
DROP TABLE IF EXISTS webhook_endpoints;
DROP TABLE IF EXISTS change_events;
