-- The public change feed and its webhooks (spec Part 2 "Change feed and webhooks").
-- change_events is both the feed and the outbox: each lifecycle write inserts its
-- event in the same transaction, keyed by the catalog version that write took under
-- the catalog_state row lock, so the key order is the commit order.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TABLE change_events (
  catalog_version bigint NOT NULL,
  -- Several events in one transaction (the sunset cron) share a version.
  seq integer NOT NULL CHECK (seq >= 0),
  id text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN (
    'model.created', 'model.updated', 'model.deprecated', 'model.undeprecated',
    'model.archived', 'model.unarchived', 'model.sunset_approaching'
  )),
  model_id text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  -- The public part of the event: model (allowlisted fields only), changed_fields, days_before.
  body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  -- NULL until handed to the delivery queue; the cron sweeps what stays NULL.
  dispatched_at timestamptz,
  PRIMARY KEY (catalog_version, seq)
);
CREATE INDEX idx_change_events_undispatched ON change_events (occurred_at) WHERE dispatched_at IS NULL;

CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  url text NOT NULL,
  -- Empty: every event type.
  events text[] NOT NULL DEFAULT '{}',
  description text,
  -- AES-GCM ciphertexts (key from the WEBHOOK_SECRET_KEY Worker secret): a dump alone cannot sign.
  secret_ciphertext text NOT NULL,
  previous_secret_ciphertext text,
  previous_secret_expires_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per delivery attempt of one event to one endpoint.
CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id text NOT NULL REFERENCES change_events (id),
  attempt integer NOT NULL CHECK (attempt >= 1),
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'retrying', 'failed')),
  status_code integer,
  error text,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  next_retry_at timestamptz
);
CREATE INDEX idx_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, event_id, attempt);
CREATE INDEX idx_webhook_deliveries_event ON webhook_deliveries (event_id);

-- Sunset warnings already announced: once per model, sunset date and threshold,
-- however often the cron runs (a new sunset date is a new schedule).
CREATE TABLE sunset_announcements (
  model_id text NOT NULL,
  sunset_date timestamptz NOT NULL,
  days_before integer NOT NULL CHECK (days_before IN (30, 7, 1)),
  event_id text NOT NULL,
  announced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_id, sunset_date, days_before)
);
