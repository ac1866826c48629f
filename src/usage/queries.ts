/**
 * Reads of the usage rollups for the admin routes. Sums are read as numbers
 * (bigint sums arrive as strings); every read is over whole hours from the
 * window's start (window.ts).
 */
import { and, asc, desc, eq, gte, inArray, type SQL, sql } from "drizzle-orm";
import { usageRollups } from "../../drizzle/schema";
import type { Database } from "../db/client";

const total = sql`sum(${usageRollups.calls})`.mapWith(Number);
const refused = sql`coalesce(sum(${usageRollups.calls}) filter (where ${usageRollups.outcome} = 'refused'), 0)`.mapWith(Number);
const lastSeen = sql`max(${usageRollups.lastSeen})`.mapWith((value: unknown) => new Date(value as string).toISOString());
const byCalls = [desc(total), asc(usageRollups.caller)];

const ofModelSince = (modelId: string, since: Date): SQL | undefined =>
  and(eq(usageRollups.modelId, modelId), gte(usageRollups.hour, since));

export interface CallerUsage {
  caller: string;
  calls: number;
  refused: number;
  last_seen: string;
}

/** Calls, refusals and distinct callers of one model since `since`. */
export async function usageTotals(db: Database, modelId: string, since: Date) {
  const [row] = await db
    .select({
      calls: sql`coalesce(sum(${usageRollups.calls}), 0)`.mapWith(Number),
      refused,
      callers: sql`count(distinct ${usageRollups.caller})`.mapWith(Number),
    })
    .from(usageRollups)
    .where(ofModelSince(modelId, since));
  return row ?? { calls: 0, refused: 0, callers: 0 };
}

/** The model's callers since `since`, most calls first (then by id); `limit` omitted: every caller. */
export async function callersOf(db: Database, modelId: string, since: Date, limit?: number): Promise<CallerUsage[]> {
  const query = db
    .select({ caller: usageRollups.caller, calls: total, refused, last_seen: lastSeen })
    .from(usageRollups)
    .where(ofModelSince(modelId, since))
    .groupBy(usageRollups.caller)
    .orderBy(...byCalls);
  return limit === undefined ? query : query.limit(limit);
}

/** Calls per hour (hours without calls are absent). */
export async function callsByHour(db: Database, modelId: string, since: Date): Promise<Map<number, number>> {
  const rows = await db
    .select({ hour: usageRollups.hour, calls: total })
    .from(usageRollups)
    .where(ofModelSince(modelId, since))
    .groupBy(usageRollups.hour);
  return new Map(rows.map((row) => [row.hour.getTime(), row.calls]));
}

/** Calls and distinct callers per model, for the given models, since `since`. */
export async function usageByModel(db: Database, modelIds: readonly string[], since: Date) {
  if (modelIds.length === 0) return new Map<string, { calls: number; callers: number }>();
  const rows = await db
    .select({
      modelId: usageRollups.modelId,
      calls: total,
      callers: sql`count(distinct ${usageRollups.caller})`.mapWith(Number),
    })
    .from(usageRollups)
    .where(and(inArray(usageRollups.modelId, [...modelIds]), gte(usageRollups.hour, since)))
    .groupBy(usageRollups.modelId);
  return new Map(rows.map((row) => [row.modelId, { calls: row.calls, callers: row.callers }]));
}
