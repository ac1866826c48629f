/** Reads for the admin webhooks API and the delivery consumer. */
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import { changeEvents, webhookDeliveries, webhookEndpoints } from "../../drizzle/schema";
import type { Database } from "../db/client";

export function listEndpoints(db: Database) {
  return db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export async function endpointById(db: Database, id: string) {
  const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return endpoint;
}

export async function changeEventById(db: Database, id: string) {
  const [event] = await db.select().from(changeEvents).where(eq(changeEvents.id, id));
  return event;
}

/** Attempts so far for one event at one endpoint, and whether one settled it. */
export async function deliveryProgress(db: Database, endpointId: string, eventId: string) {
  const [progress] = await db
    .select({
      attempts: sql<number>`count(*)::int`,
      settled: sql<boolean>`coalesce(bool_or(${webhookDeliveries.outcome} <> 'retrying'), false)`,
    })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.eventId, eventId)));
  return progress ?? { attempts: 0, settled: false };
}

/** Newest attempts first, keyset-paged by attempt row id. */
export async function deliveriesOf(db: Database, endpointId: string, limit: number, before?: number) {
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), before === undefined ? undefined : lt(webhookDeliveries.id, before)))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit + 1);
  return { deliveries: rows.slice(0, limit), nextCursor: rows.length > limit ? rows[limit - 1]?.id : undefined };
}
