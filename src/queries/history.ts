/** What a model's public history is built from: the model as it is now and its audit trail, oldest first. */
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { models, modelTierAuditLogs } from "../../drizzle/schema";
import { STATE_ACTIONS, type TrailEntry } from "../catalog/history";
import type { Database } from "../db/client";

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
