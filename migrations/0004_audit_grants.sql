-- The audit trail is append-only by privilege, not only by trigger, and an
-- audit row keeps the client's request id beside the server's.
--
-- The Worker connects as a login role that is a member of catalog_app and
-- owns nothing (docs/deploy.md). catalog_app may read and add audit rows,
-- never change, delete or truncate them: the grants hold even for a session
-- that could drop the trigger from 0002, since only the owner can do that.
-- Migrations keep running as the owner.
--
-- Locks: ADD COLUMN without a default and GRANT/REVOKE change only the
-- catalog; each takes its table's lock for milliseconds.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

-- X-Request-Id as the client sent it (validated by the Worker); request_id stays the server's own id.
ALTER TABLE model_tier_audit_logs ADD COLUMN IF NOT EXISTS client_request_id text;

-- Roles belong to the cluster, not the database: create it once, keep it on rollback.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'catalog_app') THEN
    CREATE ROLE catalog_app NOLOGIN;
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO catalog_app', current_schema());
END;
$$;

REVOKE ALL ON model_tier_audit_logs FROM PUBLIC;
GRANT SELECT, INSERT ON model_tier_audit_logs TO catalog_app;
-- Models are never deleted, only archived.
GRANT SELECT, INSERT, UPDATE ON models TO catalog_app;
GRANT SELECT, UPDATE ON catalog_state TO catalog_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO catalog_app;
