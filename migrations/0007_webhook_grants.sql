-- What the Worker's role (catalog_app, 0004_audit_grants) may do on the
-- change-feed and webhook tables of 0006: record and dispatch change events
-- (never delete them: the feed is the history integrators page through),
-- manage endpoints, log delivery attempts, claim sunset announcements.
--
-- Locks: GRANT changes only the catalog.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

GRANT SELECT, INSERT, UPDATE ON change_events TO catalog_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO catalog_app;
GRANT SELECT, INSERT ON webhook_deliveries TO catalog_app;
GRANT SELECT, INSERT ON sunset_announcements TO catalog_app;
