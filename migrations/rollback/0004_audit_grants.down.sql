-- Undo 0004: the grants and the client request id column (the client's ids
-- are lost; the server's stay in request_id). The catalog_app role stays:
-- roles belong to the cluster and other databases may use it.
-- squawk-ignore-file ban-drop-column
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

REVOKE ALL ON model_tier_audit_logs, models, catalog_state, idempotency_keys FROM catalog_app;
DO $$
BEGIN
  EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM catalog_app', current_schema());
END;
$$;
ALTER TABLE model_tier_audit_logs DROP COLUMN IF EXISTS client_request_id;
