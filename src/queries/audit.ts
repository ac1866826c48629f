/** Reads of the append-only audit trail. */
import { and, desc, eq, lt } from "drizzle-orm";
import { modelTierAuditLogs } from "../../drizzle/schema";
import type { Database } from "../db/client";

/** A model's trail, newest first, keyset-paginated by id. */
export async function auditTrail(db: Database, modelId: string, limit: number, before?: number) {
  const rows = await db
    .select()
    .from(modelTierAuditLogs)
    .where(and(eq(modelTierAuditLogs.modelId, modelId), before === undefined ? undefined : lt(modelTierAuditLogs.id, before)))
    .orderBy(desc(modelTierAuditLogs.id))
    .limit(limit + 1);
  return { entries: rows.slice(0, limit), nextCursor: rows.length > limit ? rows[limit - 1]?.id : undefined };
}
