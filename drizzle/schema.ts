/**
 * Drizzle view of the tables the migrations in ../migrations create (after
 * 0005_catalog_epoch). The SQL files are the source of truth for DDL; this file is
 * the source of row types for the code.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";
import type { ModelMeta } from "../src/domain/model-meta";

export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    provider: text("provider").notNull(),
    isAvailable: boolean("is_available").notNull().default(true),
    isLegacy: boolean("is_legacy").notNull().default(false),
    isArchived: boolean("is_archived").notNull().default(false),
    meta: jsonb("meta").$type<ModelMeta>().notNull(),
    legacySince: timestamp("legacy_since", { withTimezone: true, mode: "date" }),
    rowVersion: integer("row_version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    index("idx_models_is_legacy").on(t.isLegacy),
    index("idx_models_is_archived").on(t.isArchived),
    index("idx_models_meta_gin").using("gin", t.meta),
    index("idx_models_meta_required_tier").using("btree", sql`(${t.meta} ->> 'requiredTier')`),
    index("idx_models_meta_capabilities").using("gin", sql`(${t.meta} -> 'capabilities')`),
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
  requestId: text("request_id"),
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

export type ModelRow = typeof models.$inferSelect;
export type AuditRow = typeof modelTierAuditLogs.$inferSelect;
