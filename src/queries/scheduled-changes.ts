/** Reads of the scheduled changes (scheduled_changes, 0010). */
import { and, asc, eq, inArray, lte, or, type SQL } from "drizzle-orm";
import { type ScheduledChangeRow, scheduledChanges } from "../../drizzle/schema";
import type { Database, Transaction } from "../db/client";

const soonestFirst = [asc(scheduledChanges.effectiveAt), asc(scheduledChanges.createdAt), asc(scheduledChanges.id)];

/** Staff's list: by status and model, soonest first. */
export function listScheduledChanges(db: Database, filter: { status?: ScheduledChangeRow["status"]; model?: string }) {
  const where: SQL[] = [];
  if (filter.status) where.push(eq(scheduledChanges.status, filter.status));
  // A model's changes, or an alias's re-points (ids are one space).
  if (filter.model) where.push(or(eq(scheduledChanges.modelId, filter.model), eq(scheduledChanges.alias, filter.model)) as SQL);
  return db
    .select()
    .from(scheduledChanges)
    .where(and(...where))
    .orderBy(...soonestFirst)
    .limit(1000);
}

export async function scheduledChangeById(db: Database | Transaction, id: string): Promise<ScheduledChangeRow | undefined> {
  const [row] = await db.select().from(scheduledChanges).where(eq(scheduledChanges.id, id));
  return row;
}

/** A model's pending changes, in the order they apply. */
export function pendingChangesOf(tx: Database | Transaction, modelId: string) {
  return tx
    .select()
    .from(scheduledChanges)
    .where(and(eq(scheduledChanges.modelId, modelId), eq(scheduledChanges.status, "pending")))
    .orderBy(...soonestFirst);
}

/** What the cron applies at `now`, soonest first (at most `limit`; the next run takes the rest). */
export function dueChanges(db: Database, now: Date, limit: number) {
  return db
    .select()
    .from(scheduledChanges)
    .where(and(eq(scheduledChanges.status, "pending"), lte(scheduledChanges.effectiveAt, now)))
    .orderBy(...soonestFirst)
    .limit(limit);
}

/** Pending changes that retire a model or set its sunset date (the dashboard's sunsets page), soonest first. */
export function pendingRetirements(db: Database, limit: number) {
  return db
    .select()
    .from(scheduledChanges)
    .where(and(eq(scheduledChanges.status, "pending"), inArray(scheduledChanges.action, ["archive", "mark_legacy"])))
    .orderBy(...soonestFirst)
    .limit(limit);
}
