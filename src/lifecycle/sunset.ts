/**
 * The Cron Trigger. Sunset enforcement: archive every live model whose
 * sunset date has passed, as actor system:sunset. One conditional UPDATE
 * decides which rows change, so overlapping or repeated runs archive each
 * model exactly once, and the audit rows and change-feed events are written
 * in the same transaction. Then sunset warnings (model.sunset_approaching,
 * once per model, sunset date and threshold) and the sweep of change events
 * a request could not hand to the webhook queue, and the purge of expired
 * Idempotency-Key rows.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { models, modelTierAuditLogs, sunsetAnnouncements } from "../../drizzle/schema";
import { SYSTEM_ACTOR_PREFIX } from "../auth/principal";
import { CatalogCache } from "../catalog/cache";
import { changeEventFor, type NewChangeEvent, SUNSET_WARNING_DAYS, sunsetApproachingEvent, sunsetWarningDue } from "../changes/events";
import { dispatchEvents, insertChangeEvents, newEventId, sweepUndispatched } from "../changes/outbox";
import { loadConfig } from "../config";
import { bumpCatalogVersion } from "../db/catalog-version";
import type { Database } from "../db/client";
import { openDatabase } from "../db/client";
import { purgeExpiredKeys } from "../db/idempotency-keys";
import { log } from "../log";
import { sunsetAtOrBefore } from "../queries/models";
import { purgeExpiredUsage } from "../usage/retention";

const SUNSET_ACTOR = `${SYSTEM_ACTOR_PREFIX}sunset`;
const SUNSET_REASON = "sunset date passed";

/** Archives what is due at `now`; returns the archived ids, their change events and the new catalog version (if any). */
async function archiveSunsetDueModels(db: Database, now: Date, requestId: string) {
  return db.transaction(async (tx) => {
    const archived = await tx
      .update(models)
      .set({ isArchived: true, rowVersion: sql`${models.rowVersion} + 1`, updatedAt: sql`now()` })
      .where(and(eq(models.isLegacy, true), eq(models.isArchived, false), sunsetAtOrBefore(now)))
      .returning();
    if (archived.length === 0) return { archived: [] as string[], events: [] as string[], version: undefined };
    await tx.insert(modelTierAuditLogs).values(
      archived.map((model) => ({
        actor: SUNSET_ACTOR,
        modelId: model.id,
        action: "archive",
        previousValue: { isArchived: false },
        newValue: { isArchived: true, sunsetDate: model.meta.sunsetDate },
        reason: SUNSET_REASON,
        requestId,
      })),
    );
    const version = await bumpCatalogVersion(tx);
    const changes = archived.flatMap((model) => changeEventFor("archive", { ...model, isArchived: false }, model) ?? []);
    const events = await insertChangeEvents(tx, version, changes);
    return { archived: archived.map((model) => model.id), events, version };
  });
}

/**
 * model.sunset_approaching for every live legacy model whose sunset is at
 * most 30 days after `now`: the nearest threshold crossed, if not announced
 * yet for this sunset date. The announcement row's primary key is the
 * "once": a repeated or overlapping run inserts nothing and emits nothing.
 */
export async function announceApproachingSunsets(db: Database, now: Date) {
  return db.transaction(async (tx) => {
    const horizon = new Date(now.getTime() + Math.max(...SUNSET_WARNING_DAYS) * 86_400_000);
    const candidates = await tx
      .select()
      .from(models)
      .where(
        and(
          eq(models.isLegacy, true),
          eq(models.isArchived, false),
          sunsetAtOrBefore(horizon),
          sql`(${models.meta} ->> 'sunsetDate')::timestamptz > ${now.toISOString()}::timestamptz`,
        ),
      )
      .orderBy(asc(sql`(${models.meta} ->> 'sunsetDate')::timestamptz`), asc(models.id));
    const due = candidates.flatMap((model) => {
      const sunsetDate = new Date(model.meta.sunsetDate ?? "");
      const daysBefore = sunsetWarningDue(sunsetDate, now);
      return daysBefore ? [{ model, sunsetDate, daysBefore, eventId: newEventId() }] : [];
    });
    if (due.length === 0) return { events: [] as string[], version: undefined };
    const claimed = await tx
      .insert(sunsetAnnouncements)
      .values(due.map(({ model, sunsetDate, daysBefore, eventId }) => ({ modelId: model.id, sunsetDate, daysBefore, eventId })))
      .onConflictDoNothing()
      .returning({ eventId: sunsetAnnouncements.eventId });
    const claimedIds = new Set(claimed.map((row) => row.eventId));
    const changes: (NewChangeEvent & { id: string })[] = due
      .filter(({ eventId }) => claimedIds.has(eventId))
      .map(({ model, daysBefore, eventId }) => ({ ...sunsetApproachingEvent(model, daysBefore), id: eventId }));
    if (changes.length === 0) return { events: [] as string[], version: undefined };
    // The feed is ordered by catalog version: a warning takes one like any write.
    const version = await bumpCatalogVersion(tx);
    return { events: await insertChangeEvents(tx, version, changes), version };
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
  const now = new Date(controller.scheduledTime);
  try {
    const sunset = await archiveSunsetDueModels(database.db, now, runId);
    const warnings = await announceApproachingSunsets(database.db, now);
    const cache = new CatalogCache(
      env.MODEL_CACHE,
      () => database.db,
      (p) => ctx.waitUntil(p),
    );
    const version = warnings.version ?? sunset.version;
    // With nothing written, the run still checks the head, so a publish that failed earlier heals within one period.
    if (version !== undefined) await cache.publish(version, sunset.archived);
    else await cache.repairHead();
    // This run's events now; then whatever a request recorded and could not send (the queue was down, the Worker died).
    const events = [...sunset.events, ...warnings.events];
    // A queue outage must not fail the run: the events stay in the outbox and the next run sweeps them (logged inside).
    const dispatched = await (async () => {
      const sent = events.length ? await dispatchEvents(database.db, env.WEBHOOK_QUEUE, { ids: events }) : 0;
      return sent + (await sweepUndispatched(database.db, env.WEBHOOK_QUEUE, new Date()));
    })().catch(() => undefined);
    // Housekeeping: a failure here must not fail the run, and the next run tries again.
    const purgedKeys = await purgeExpiredKeys(database.db).catch((error: unknown) => {
      log.warn("idempotency_purge_failed", { runId, error });
      return 0;
    });
    await purgeExpiredUsage(database.db, now, runId);
    log.info("sunset_run", {
      runId,
      cron: controller.cron,
      archived: sunset.archived.length,
      models: sunset.archived,
      sunsetWarnings: warnings.events.length,
      eventsDispatched: dispatched ?? "failed",
      purgedIdempotencyKeys: purgedKeys,
      ms: Date.now() - started,
    });
    return sunset.archived;
  } catch (error) {
    log.error("sunset_run_failed", { runId, cron: controller.cron, ms: Date.now() - started, error });
    throw error;
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}
