/** Reads of the append-only audit trail. */
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { modelTierAuditLogs } from "../../drizzle/schema";
import type { Database } from "../db/client";

/** A model's trail (or an alias's: `actions` its actions only), newest first, keyset-paginated by id. */
export async function auditTrail(db: Database, modelId: string, limit: number, before?: number, actions?: readonly string[]) {
  const rows = await db
    .select()
    .from(modelTierAuditLogs)
    .where(
      and(
        eq(modelTierAuditLogs.modelId, modelId),
        before === undefined ? undefined : lt(modelTierAuditLogs.id, before),
        actions === undefined ? undefined : inArray(modelTierAuditLogs.action, [...actions]),
      ),
    )
    .orderBy(desc(modelTierAuditLogs.id))
    .limit(limit + 1);
  return { entries: rows.slice(0, limit), nextCursor: rows.length > limit ? rows[limit - 1]?.id : undefined };
}
