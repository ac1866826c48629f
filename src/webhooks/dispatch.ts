/**
 * Webhook fan-out: change events the outbox recorded go to the delivery
 * queue, one message per subscribed endpoint. A crash between the send and
 * the mark means a second send: receivers may see a duplicate (same
 * webhook-id), never a gap.
 */
import { and, asc, inArray, isNull, lt, sql } from "drizzle-orm";
import { changeEvents, webhookEndpoints } from "../../drizzle/schema";
import type { Database } from "../db/client";
import { log } from "../log";

/** What the delivery queue carries: which event goes to which endpoint. The rest is read fresh at delivery. */
export interface DeliveryMessage {
  endpointId: string;
  eventId: string;
}

export type DeliveryQueue = Pick<Queue<DeliveryMessage>, "sendBatch">;

/** Cloudflare Queues take at most 100 messages per sendBatch. */
const SEND_BATCH = 100;
const DISPATCH_BATCH = 200;

/**
 * Fans undispatched events out to the endpoints subscribed to them (that
 * existed when the event happened) and marks them dispatched, in one
 * transaction: SKIP LOCKED keeps two dispatchers off the same events, and a
 * failed send rolls the mark back. Returns the number of events dispatched.
 */
export async function dispatchEvents(db: Database, queue: DeliveryQueue, which: { ids: string[] } | { olderThan: Date }): Promise<number> {
  try {
    return await db.transaction(async (tx) => {
      const events = await tx
        .select({ id: changeEvents.id, type: changeEvents.type, occurredAt: changeEvents.occurredAt })
        .from(changeEvents)
        .where(
          and(
            isNull(changeEvents.dispatchedAt),
            "ids" in which ? inArray(changeEvents.id, which.ids) : lt(changeEvents.occurredAt, which.olderThan),
          ),
        )
        .orderBy(asc(changeEvents.catalogVersion), asc(changeEvents.seq))
        .limit(DISPATCH_BATCH)
        .for("update", { skipLocked: true });
      if (events.length === 0) return 0;
      const endpoints = await tx
        .select({ id: webhookEndpoints.id, events: webhookEndpoints.events, createdAt: webhookEndpoints.createdAt })
        .from(webhookEndpoints);
      const messages = events.flatMap((event) =>
        endpoints
          .filter(
            (endpoint) => endpoint.createdAt <= event.occurredAt && (endpoint.events.length === 0 || endpoint.events.includes(event.type)),
          )
          .map((endpoint) => ({
            body: { endpointId: endpoint.id, eventId: event.id } satisfies DeliveryMessage,
            contentType: "json" as const,
          })),
      );
      for (let start = 0; start < messages.length; start += SEND_BATCH) await queue.sendBatch(messages.slice(start, start + SEND_BATCH));
      await tx
        .update(changeEvents)
        .set({ dispatchedAt: sql`now()` })
        .where(
          inArray(
            changeEvents.id,
            events.map((event) => event.id),
          ),
        );
      return events.length;
    });
  } catch (error) {
    log.error("change_dispatch_failed", { which: "ids" in which ? "recorded" : "sweep", error });
    throw error;
  }
}

/** The cron's sweep: events a request recorded but could not send (queue down, Worker gone) a while ago. */
export async function sweepUndispatched(db: Database, queue: DeliveryQueue, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const sent = await dispatchEvents(db, queue, { olderThan: new Date(now.getTime() - SWEEP_GRACE_MS) });
    total += sent;
    if (sent < DISPATCH_BATCH) return total;
  }
}

/** Younger events are still being sent by the request that recorded them. */
export const SWEEP_GRACE_MS = 60_000;
