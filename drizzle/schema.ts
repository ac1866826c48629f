/**
 * Drizzle view of the tables the migrations in ../migrations create (after
 * 0010_scheduled_changes). The SQL files are the source of truth for DDL; this file is
 * the source of row types for the code.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";

/**
 * The TypeScript types of the JSON and text-enum columns. Their owners are
 * zod schemas in src/ (model meta, change events, delivery outcomes), and
 * this file imports nothing from src/: each owner fills its slot in by
 * module augmentation (`declare module`). A program without it (a script)
 * sees the columns as plain JSON and text.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by its owners in src/
export interface ColumnTypes {}
type Typed<K extends string, Plain> = ColumnTypes extends Record<K, infer T> ? T : Plain;

export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    provider: text("provider").notNull(),
    isAvailable: boolean("is_available").notNull().default(true),
    isLegacy: boolean("is_legacy").notNull().default(false),
    isArchived: boolean("is_archived").notNull().default(false),
    meta: jsonb("meta").$type<Typed<"modelMeta", Record<string, unknown>>>().notNull(),
    legacySince: timestamp("legacy_since", { withTimezone: true, mode: "date" }),
    rowVersion: integer("row_version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("idx_models_is_legacy").on(t.isLegacy),
    index("idx_models_is_archived").on(t.isArchived),
    // fastupdate off (migration 0012): no pending list, so the planner's costs hold on a catalog filled after its build.
    index("idx_models_meta_gin").using("gin", t.meta).with({ fastupdate: "off" }),
    index("idx_models_meta_required_tier").using("btree", sql`(${t.meta} ->> 'requiredTier')`),
    index("idx_models_meta_capabilities").using("gin", sql`(${t.meta} -> 'capabilities')`).with({ fastupdate: "off" }),
  ],
);

export const modelTierAuditLogs = pgTable("model_tier_audit_logs", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  actor: text("admin_user_id").notNull(),
  modelId: text("model_id").notNull(),
  action: text("action").notNull(),
  previousValue: jsonb("previous_value"),
  newValue: jsonb("new_value"),
  reason: text("reason"),
  /** The server's own request id: the audit key. */
  requestId: text("request_id"),
  /** X-Request-Id as the client sent it, when it passed the format check (0004). */
  clientRequestId: text("client_request_id"),
  /** When the change took effect, if not when it was recorded (a scheduled change: its effective_at, 0010). */
  effectiveAt: timestamp("effective_at", { withTimezone: true, mode: "date" }),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export const catalogState = pgTable("catalog_state", {
  id: smallint("id").primaryKey().default(1),
  version: bigint("version", { mode: "number" }).notNull(),
  /** Random id naming this line of versions: replaced after a restore (docs/cache.md). */
  epoch: text("epoch").notNull(),
});

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    actor: text("actor").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    response: jsonb("response"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] })],
);

/** The change feed and webhook outbox (0006_change_feed); ordered by (catalogVersion, seq). */
export const changeEvents = pgTable(
  "change_events",
  {
    catalogVersion: bigint("catalog_version", { mode: "number" }).notNull(),
    seq: integer("seq").notNull(),
    id: text("id").notNull().unique(),
    type: text("type").$type<Typed<"changeEventType", string>>().notNull(),
    modelId: text("model_id").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    body: jsonb("body").$type<Typed<"changeEventBody", Record<string, unknown>>>().notNull(),
    /** When last handed to the delivery queue (dispatch, or the re-send of a delivery the queue lost); NULL: not yet. */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [primaryKey({ columns: [t.catalogVersion, t.seq] })],
);

export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  events: text("events").array().$type<Typed<"changeEventType", string>[]>().notNull().default(sql`'{}'`),
  description: text("description"),
  secretCiphertext: text("secret_ciphertext").notNull(),
  previousSecretCiphertext: text("previous_secret_ciphertext"),
  previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true, mode: "date" }),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export const webhookDeliveries = pgTable("webhook_deliveries", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  endpointId: text("endpoint_id").notNull(),
  eventId: text("event_id").notNull(),
  attempt: integer("attempt").notNull(),
  outcome: text("outcome").$type<Typed<"deliveryOutcome", string>>().notNull(),
  statusCode: integer("status_code"),
  error: text("error"),
  attemptedAt: timestamp("attempted_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  nextRetryAt: timestamp("next_retry_at", { withTimezone: true, mode: "date" }),
});

export const sunsetAnnouncements = pgTable(
  "sunset_announcements",
  {
    modelId: text("model_id").notNull(),
    sunsetDate: timestamp("sunset_date", { withTimezone: true, mode: "date" }).notNull(),
    daysBefore: integer("days_before").notNull(),
    eventId: text("event_id").notNull(),
    announcedAt: timestamp("announced_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.modelId, t.sunsetDate, t.daysBefore] })],
);

/** Aliases (0009_model_aliases): a moving name pointing at one model; ids shared with models. */
export const modelAliases = pgTable(
  "model_aliases",
  {
    alias: text("alias").primaryKey(),
    targetModelId: text("target_model_id").notNull(),
    rowVersion: integer("row_version").notNull().default(1),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("idx_model_aliases_target").on(t.targetModelId)],
);

/** Lifecycle actions planned for later (0010_scheduled_changes); the target is a model or an alias. */
export const scheduledChanges = pgTable("scheduled_changes", {
  id: text("id").primaryKey(),
  modelId: text("model_id"),
  alias: text("alias"),
  action: text("action").$type<Typed<"scheduledAction", string>>().notNull(),
  body: jsonb("body").$type<Record<string, unknown>>().notNull(),
  effectiveAt: timestamp("effective_at", { withTimezone: true, mode: "date" }).notNull(),
  reason: text("reason"),
  ifMatch: integer("if_match"),
  publicChanges: jsonb("public_changes").$type<Record<string, { from: unknown; to: unknown }>>(),
  status: text("status").$type<"pending" | "applied" | "failed" | "cancelled">().notNull().default("pending"),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  appliedAt: timestamp("applied_at", { withTimezone: true, mode: "date" }),
  errorCode: text("error_code"),
  errorMessage: text("error_message"),
  cancelledAt: timestamp("cancelled_at", { withTimezone: true, mode: "date" }),
  cancelledBy: text("cancelled_by"),
});

/**
 * The public-history projection (0011_model_history): one row per version of a
 * model, its lifecycle state then (the allowlist makes it public when read),
 * written in each write's transaction beside its audit row.
 */
export const modelHistory = pgTable(
  "model_history",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    modelId: text("model_id").notNull(),
    version: integer("version").notNull(),
    effectiveAt: timestamp("effective_at", { withTimezone: true, mode: "date" }).notNull(),
    catalogVersion: bigint("catalog_version", { mode: "number" }),
    action: text("action").notNull(),
    /** {id, name, provider, isAvailable, isLegacy, isArchived, legacySince (ISO 8601 or null), meta}. */
    state: jsonb("state").$type<Record<string, unknown>>().notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("idx_model_history_at").on(t.modelId, t.effectiveAt.desc(), t.id.desc()),
    index("idx_model_history_version").on(t.modelId, t.version, t.id),
  ],
);

export type ModelRow = typeof models.$inferSelect;
export type AliasRow = typeof modelAliases.$inferSelect;
export type AuditRow = typeof modelTierAuditLogs.$inferSelect;
export type ScheduledChangeRow = typeof scheduledChanges.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** Hourly counts of the gate's decisions (0008_usage_rollups); `alias` null when the model was asked for by its id. */
export const usageRollups = pgTable(
  "usage_rollups",
  {
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    modelId: text("model_id").notNull(),
    alias: text("alias"),
    caller: text("caller").notNull(),
    outcome: text("outcome").$type<Typed<"usageOutcome", string>>().notNull(),
    calls: bigint("calls", { mode: "number" }).notNull(),
    lastSeen: timestamp("last_seen", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    unique("usage_rollups_key").on(t.hour, t.modelId, t.alias, t.caller, t.outcome).nullsNotDistinct(),
    index("idx_usage_rollups_model_hour").on(t.modelId, t.hour),
  ],
);

/** Usage flushes already added to the rollups: a redelivered queue message adds nothing. */
export const usageFlushes = pgTable("usage_flushes", {
  id: text("id").primaryKey(),
  receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
