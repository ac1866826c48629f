/**
 * model.sunset_approaching for every live legacy model whose sunset is at
 * most 30 days after the run: the nearest threshold crossed, if not announced
 * yet for this sunset date. The announcement row's primary key is the
 * "once": a repeated or overlapping run inserts nothing and emits nothing.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { models, sunsetAnnouncements } from "../../drizzle/schema";
import { bumpCatalogVersion } from "../catalog/state";
import { type NewChangeEvent, SUNSET_WARNING_DAYS, sunsetApproachingEvent, sunsetWarningDue } from "../changes/events";
import { type ChangeOutbox, newEventId } from "../changes/outbox";
import type { Database } from "../db/client";
import { sunsetAtOrBefore } from "../queries/models";
import type { ScheduledJob } from "./job";

/** Records the due warnings in `outbox`: how many, and the catalog version they took (if any). */
export async function announceApproachingSunsets(
  db: Database,
  outbox: ChangeOutbox,
  now: Date,
): Promise<{ announced: number; version?: number }> {
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
    if (due.length === 0) return { announced: 0 };
    const claimed = await tx
      .insert(sunsetAnnouncements)
      .values(due.map(({ model, sunsetDate, daysBefore, eventId }) => ({ modelId: model.id, sunsetDate, daysBefore, eventId })))
      .onConflictDoNothing()
      .returning({ eventId: sunsetAnnouncements.eventId });
    const claimedIds = new Set(claimed.map((row) => row.eventId));
    const events: (NewChangeEvent & { id: string })[] = due
      .filter(({ eventId }) => claimedIds.has(eventId))
      .map(({ model, daysBefore, eventId }) => ({ ...sunsetApproachingEvent(model, daysBefore), id: eventId }));
    if (events.length === 0) return { announced: 0 };
    // The feed is ordered by catalog version: a warning takes one like any write.
    const version = await bumpCatalogVersion(tx);
    await outbox.recordEvents(tx, version, events);
    return { announced: events.length, version };
  });
}

export const sunsetWarnings: ScheduledJob = {
  name: "sunset_warnings",
  async run(run) {
    const { announced, version } = await announceApproachingSunsets(run.db, run.outbox, run.now);
    if (version !== undefined) await run.cache.publish(version);
    return { log: { announced }, wrote: version !== undefined };
  },
};
