/**
 * Work the delivery queue itself lost: a message it accepted and never handed
 * to the consumer (`wrangler dev` keeps queues in memory, so a restart drops
 * them), or a retry it never came back with. The outbox sweep only sees events
 * never dispatched, so without this such a delivery waits forever.
 *
 * Stranded, for one event and one endpoint subscribed to it (as dispatch
 * chooses them): the event was last handed to the queue more than
 * STRANDED_AFTER_MS ago, and no attempt settled the pair (delivered or failed)
 * or is still waiting on a retry due less than STRANDED_AFTER_MS ago. That is:
 * no attempt at all, or a last attempt `retrying` whose retry is long overdue.
 * A healthy queue hands a message over in seconds and a retry at its time, and
 * the consumer records each attempt, so the bound is far from a healthy
 * queue's work. Re-sending is safe: the consumer acknowledges a message whose
 * pair is already settled without sending it.
 */
import { inArray, sql } from "drizzle-orm";
import { changeEvents } from "../../drizzle/schema";
import type { Database } from "../db/client";
import { log } from "../log";
import type { DeliveryMessage, DeliveryQueue } from "./dispatch";

/** Far beyond a healthy queue's hand-over (seconds) and the consumer's own failure backoff between retries (at most ~8 min). */
export const STRANDED_AFTER_MS = 15 * 60_000;
/** Older dispatches are not looked at (the sweep's index range); the whole retry schedule spans ~8-11 h. */
export const STRANDED_HORIZON_MS = 7 * 24 * 60 * 60_000;
/** Events re-sent per cron run at most (each to its stranded endpoints). */
export const STRANDED_BATCH = 100;
const SEND_BATCH = 100;

/** Endpoints subscribed to the event `ce` (dispatch's rule, at its millisecond precision) with no attempt settling it or still due. */
const strandedEndpoints = (bound: Date) => sql`
  SELECT e.id FROM webhook_endpoints e
   WHERE date_trunc('milliseconds', e.created_at) <= date_trunc('milliseconds', ce.occurred_at)
     AND (cardinality(e.events) = 0 OR ce.type = ANY (e.events))
     AND NOT EXISTS (
       SELECT 1 FROM webhook_deliveries d
        WHERE d.endpoint_id = e.id AND d.event_id = ce.id
          AND (d.outcome <> 'retrying' OR d.next_retry_at >= ${bound.toISOString()}::timestamptz))`;

/**
 * Re-sends up to `limit` events' stranded deliveries and marks those events
 * dispatched at `now`, so the next runs leave them to the queue for another
 * STRANDED_AFTER_MS. One transaction with SKIP LOCKED, as dispatch: two runs
 * at once do not both re-send an event, and a failed send rolls the mark back.
 */
export async function resendStranded(db: Database, queue: DeliveryQueue, now: Date, limit = STRANDED_BATCH) {
  const bound = new Date(now.getTime() - STRANDED_AFTER_MS);
  const horizon = new Date(now.getTime() - STRANDED_HORIZON_MS);
  try {
    return await db.transaction(async (tx) => {
      const events = (
        await tx.execute<{ id: string }>(sql`
          SELECT ce.id FROM change_events ce
           WHERE ce.dispatched_at < ${bound.toISOString()}::timestamptz AND ce.dispatched_at >= ${horizon.toISOString()}::timestamptz
             AND EXISTS (${strandedEndpoints(bound)})
           ORDER BY ce.catalog_version, ce.seq
           LIMIT ${limit}
           FOR UPDATE OF ce SKIP LOCKED`)
      ).rows;
      if (events.length === 0) return { events: 0, messages: 0 };
      const ids = events.map((event) => event.id);
      const pairs = await tx.execute<{ event_id: string; endpoint_id: string }>(sql`
        SELECT ce.id AS event_id, stranded.id AS endpoint_id
          FROM change_events ce CROSS JOIN LATERAL (${strandedEndpoints(bound)}) stranded
         WHERE ${inArray(sql`ce.id`, ids)}
         ORDER BY ce.catalog_version, ce.seq, stranded.id`);
      const messages = pairs.rows.map((pair) => ({
        body: { endpointId: pair.endpoint_id, eventId: pair.event_id } satisfies DeliveryMessage,
        contentType: "json" as const,
      }));
      for (let start = 0; start < messages.length; start += SEND_BATCH) await queue.sendBatch(messages.slice(start, start + SEND_BATCH));
      await tx.update(changeEvents).set({ dispatchedAt: now }).where(inArray(changeEvents.id, ids));
      return { events: events.length, messages: messages.length };
    });
  } catch (error) {
    log.error("change_dispatch_failed", { which: "stranded", error });
    throw error;
  }
}
