/**
 * The write side of usage: a flush added to the hourly rollups exactly once.
 * The flush id is claimed in the same transaction as the upserts, so a
 * message the queue delivers again (at-least-once) adds nothing, and a
 * failed transaction claims nothing and is retried whole.
 */
import { lt, sql } from "drizzle-orm";
import { usageFlushes, usageRollups } from "../../drizzle/schema";
import type { Database } from "../db/client";
import type { UsageMessage, UsageRow } from "../gate/usage-counter";

/** Retention: rollups older than this are purged by the cron (spec: 90 days). */
export const ROLLUP_RETENTION_DAYS = 90;
/** Longer than a queue keeps a message (Cloudflare Queues: at most 14 days), so any redelivery is still recognised. */
export const FLUSH_ID_RETENTION_DAYS = 15;
const DAY_MS = 86_400_000;

/** One row per key: a message is built from a map, but a row set that repeats a key must still upsert once. */
function merged(rows: readonly UsageRow[]): UsageRow[] {
  const byKey = new Map<string, UsageRow>();
  for (const row of rows) {
    const key = JSON.stringify([row.hour, row.model_id, row.alias, row.caller, row.outcome]);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...row });
    else {
      seen.calls += row.calls;
      if (row.last_seen > seen.last_seen) seen.last_seen = row.last_seen;
    }
  }
  return [...byKey.values()];
}

/** Adds a flush to the rollups; false when this flush id was added before (a redelivery). */
export async function addFlush(db: Database, message: UsageMessage): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await tx.insert(usageFlushes).values({ id: message.flush_id }).onConflictDoNothing().returning({ id: usageFlushes.id });
    if (claimed.length === 0) return false;
    const rows = merged(message.rows);
    if (rows.length === 0) return true;
    await tx
      .insert(usageRollups)
      .values(
        rows.map((row) => ({
          hour: new Date(row.hour),
          modelId: row.model_id,
          alias: row.alias,
          caller: row.caller,
          outcome: row.outcome,
          calls: row.calls,
          lastSeen: new Date(row.last_seen),
        })),
      )
      .onConflictDoUpdate({
        target: [usageRollups.hour, usageRollups.modelId, usageRollups.alias, usageRollups.caller, usageRollups.outcome],
        set: {
          calls: sql`${usageRollups.calls} + excluded.calls`,
          lastSeen: sql`greatest(${usageRollups.lastSeen}, excluded.last_seen)`,
        },
      });
    return true;
  });
}

/** Deletes rollups older than the retention and flush ids older than theirs, as of `now`; returns the counts. */
export async function purgeUsage(db: Database, now: Date) {
  const rollups = await db
    .delete(usageRollups)
    .where(lt(usageRollups.hour, new Date(now.getTime() - ROLLUP_RETENTION_DAYS * DAY_MS)))
    .returning({ hour: usageRollups.hour });
  const flushes = await db
    .delete(usageFlushes)
    .where(lt(usageFlushes.receivedAt, new Date(now.getTime() - FLUSH_ID_RETENTION_DAYS * DAY_MS)))
    .returning({ id: usageFlushes.id });
  return { rollups: rollups.length, flushes: flushes.length };
}
