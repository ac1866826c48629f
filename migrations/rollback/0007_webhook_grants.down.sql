-- Undo 0007: the Worker's role loses its grants on the 0006 tables.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

REVOKE ALL ON change_events, webhook_endpoints, webhook_deliveries, sunset_announcements FROM catalog_app;
