/**
 * Sunset enforcement: archive every live model whose sunset date has passed,
 * as actor system:sunset. One conditional UPDATE decides which rows change,
 * so overlapping or repeated runs archive each model exactly once, and the
 * audit rows are written in the same transaction.
 */
import { and, eq, sql } from "drizzle-orm";
import { models, modelTierAuditLogs } from "../../drizzle/schema";
import { CatalogCache } from "../catalog/cache";
import { loadConfig } from "../config";
import { bumpCatalogVersion } from "../db/catalog-version";
import type { Database } from "../db/client";
import { openDatabase } from "../db/client";
import { log } from "../log";
import { sunsetAtOrBefore } from "../queries/models";

const SUNSET_ACTOR = "system:sunset";
const SUNSET_REASON = "sunset date passed";

/** Archives what is due at `now`; returns the archived ids and the new catalog version (if any). */
async function archiveSunsetDueModels(db: Database, now: Date, requestId: string) {
  return db.transaction(async (tx) => {
    const archived = await tx
      .update(models)
      .set({ isArchived: true, rowVersion: sql`${models.rowVersion} + 1`, updatedAt: sql`now()` })
      .where(and(eq(models.isLegacy, true), eq(models.isArchived, false), sunsetAtOrBefore(now)))
      .returning({ id: models.id, sunsetDate: sql<string>`${models.meta} ->> 'sunsetDate'` });
    if (archived.length === 0) return { archived: [] as string[], version: undefined };
    await tx.insert(modelTierAuditLogs).values(
      archived.map((model) => ({
        actor: SUNSET_ACTOR,
        modelId: model.id,
        action: "archive",
        previousValue: { isArchived: false },
        newValue: { isArchived: true, sunsetDate: model.sunsetDate },
        reason: SUNSET_REASON,
        requestId,
      })),
    );
    return { archived: archived.map((model) => model.id), version: await bumpCatalogVersion(tx) };
  });
}

/** The Cron Trigger: one structured log line per run; a failed run changes nothing and the next run retries. */
export async function runSunset(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  const started = Date.now();
  const runId = `cron-${controller.scheduledTime}-${crypto.randomUUID().slice(0, 8)}`;
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    log.error("sunset_run_failed", { runId, reason: "config_invalid", problems: loaded.problems });
    throw new Error("configuration is invalid");
  }
  const database = openDatabase(loaded.config);
  try {
    const { archived, version } = await archiveSunsetDueModels(database.db, new Date(controller.scheduledTime), runId);
    const cache = new CatalogCache(
      env.MODEL_CACHE,
      () => database.db,
      (p) => ctx.waitUntil(p),
    );
    // With nothing archived, the run still checks the head, so a publish that failed earlier heals within one period.
    if (version !== undefined) await cache.publish(version, archived);
    else await cache.repairHead();
    log.info("sunset_run", { runId, cron: controller.cron, archived: archived.length, models: archived, ms: Date.now() - started });
    return archived;
  } catch (error) {
    log.error("sunset_run_failed", { runId, cron: controller.cron, ms: Date.now() - started, error });
    throw error;
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}
