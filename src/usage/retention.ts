/** Usage retention, run by the Cron Trigger: a failure is logged and the next run tries again. */
import type { Database } from "../db/client";
import { log } from "../log";
import { purgeUsage } from "./rollups";

export async function purgeExpiredUsage(db: Database, now: Date, runId: string): Promise<void> {
  try {
    const purged = await purgeUsage(db, now);
    if (purged.rollups || purged.flushes) log.info("usage_purged", { runId, ...purged });
  } catch (error) {
    log.warn("usage_purge_failed", { runId, error });
  }
}
