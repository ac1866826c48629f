/**
 * A model's history: its public-history projection (model_history, 0011), read
 * by index (the version in effect at an instant; a page of versions), and its
 * audit trail, which the projection was built from and must agree with.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, lte } from "drizzle-orm";
import { modelHistory, models, modelTierAuditLogs } from "../../drizzle/schema";
import { STATE_ACTIONS, type TrailEntry } from "../catalog/history";
import type { Database } from "../db/client";

const versionColumns = {
  version: modelHistory.version,
  effectiveAt: modelHistory.effectiveAt,
  action: modelHistory.action,
  state: modelHistory.state,
};

/** The version in effect at `instant`: one row of idx_model_history_at. */
export async function historyRowAt(db: Database, id: string, instant: Date) {
  const [row] = await db
    .select(versionColumns)
    .from(modelHistory)
    .where(and(eq(modelHistory.modelId, id), lte(modelHistory.effectiveAt, instant)))
    .orderBy(desc(modelHistory.effectiveAt), desc(modelHistory.id))
    .limit(1);
  return row;
}

/** Up to `count` versions from version `from` on, oldest first: a range of idx_model_history_version. */
export function historyRowsFrom(db: Database, id: string, from: number, count: number) {
  return db
    .select(versionColumns)
    .from(modelHistory)
    .where(and(eq(modelHistory.modelId, id), gte(modelHistory.version, from)))
    .orderBy(asc(modelHistory.version), asc(modelHistory.id))
    .limit(count);
}

/** Up to `count` versions before version `before` (no bound: the newest), newest first: idx_model_history_version read backwards. */
export function historyRowsBefore(db: Database, id: string, before: number | undefined, count: number) {
  return db
    .select(versionColumns)
    .from(modelHistory)
    .where(and(eq(modelHistory.modelId, id), before === undefined ? undefined : lt(modelHistory.version, before)))
    .orderBy(desc(modelHistory.version), desc(modelHistory.id))
    .limit(count);
}

/** The model as it is now and its audit trail, oldest first: what the projection is checked against. */
export async function modelTrail(db: Database, id: string) {
  const [model] = await db.select().from(models).where(eq(models.id, id));
  if (!model) return undefined;
  const trail: TrailEntry[] = await db
    .select({
      action: modelTierAuditLogs.action,
      previous: modelTierAuditLogs.previousValue,
      next: modelTierAuditLogs.newValue,
      recordedAt: modelTierAuditLogs.createdAt,
      effectiveAt: modelTierAuditLogs.effectiveAt,
    })
    .from(modelTierAuditLogs)
    .where(
      and(
        eq(modelTierAuditLogs.modelId, id),
        inArray(modelTierAuditLogs.action, [...STATE_ACTIONS]),
        // Rows written before 0002 (no request id) are in the flat columns' format: the history starts at 0002's state.
        isNotNull(modelTierAuditLogs.requestId),
      ),
    )
    .orderBy(asc(modelTierAuditLogs.id));
  return { model, trail };
}
