/**
 * What the service stored, read after the run: straight from the database
 * (as bench/queries.ts does, never through the Worker), and the public feed
 * read from the start over HTTP.
 */
import type { Client } from "@neondatabase/serverless";

export interface Stored {
  /** When it was read (a retry due after this is still on schedule). */
  readAt: number;
  audit: Array<{ modelId: string; action: string; marker: string | undefined }>;
  events: Array<{ id: string; type: string; modelId: string; marker: string | undefined; occurredAt: number; dispatched: boolean }>;
  /** The feed's event ids, in its order. */
  feed: string[];
  scheduled: Array<{ id: string; status: string; effectiveAt: number; appliedAt: number | null }>;
  /** Rolled-up gate decisions per caller. */
  usage: Map<string, number>;
  /** Latest delivery row per (endpoint, event): its outcome and when a retry was due. */
  deliveries: Map<string, { outcome: string; attempts: number; lastAt: number; nextRetryAt: number | null }>;
  endpoints: Map<string, string>;
  /** The soak's marker each model's row shows now (its displayName), by model id: a write half-applied shows one with no audit row. */
  shown: Map<string, string>;
}

const MARKER = /^soak [ws]\d+$/;

/** The soak's marker (a displayName it wrote) in a stored value, if any. */
export function markerIn(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if ((key === "displayName" || key === "display_name") && typeof inner === "string" && MARKER.test(inner)) return inner;
    const nested = key === "changes" || key === "previous_value" ? undefined : markerIn(inner);
    if (nested) return nested;
  }
  return undefined;
}

export const pairKey = (endpointId: string, eventId: string) => `${endpointId} ${eventId}`;

export async function readStored(db: Client, baseUrl: string): Promise<Stored> {
  const audit = await db.query("SELECT model_id, action, new_value FROM model_tier_audit_logs ORDER BY id");
  const events = await db.query(
    "SELECT id, type, model_id, body, occurred_at, dispatched_at FROM change_events ORDER BY catalog_version, seq",
  );
  const scheduled = await db.query("SELECT id, status, effective_at, applied_at FROM scheduled_changes");
  const usage = await db.query("SELECT caller, sum(calls)::bigint AS calls FROM usage_rollups GROUP BY caller");
  const deliveries = await db.query(
    `SELECT DISTINCT ON (endpoint_id, event_id) endpoint_id, event_id, outcome, attempt, attempted_at, next_retry_at
       FROM webhook_deliveries ORDER BY endpoint_id, event_id, id DESC`,
  );
  const endpoints = await db.query("SELECT id, url FROM webhook_endpoints");
  const models = await db.query("SELECT id, meta FROM models");
  return {
    readAt: Date.now(),
    audit: audit.rows.map((row) => ({
      modelId: String(row.model_id),
      action: String(row.action),
      // A scheduled change's own rows (schedule_change) carry its body, not a change made.
      marker: row.action === "update_meta" ? markerIn(row.new_value) : undefined,
    })),
    events: events.rows.map((row) => ({
      id: String(row.id),
      type: String(row.type),
      modelId: String(row.model_id),
      marker: row.body?.scheduled_change_id === undefined ? markerIn(row.body?.model) : undefined,
      occurredAt: new Date(row.occurred_at).getTime(),
      dispatched: row.dispatched_at !== null,
    })),
    feed: await readFeed(baseUrl),
    scheduled: scheduled.rows.map((row) => ({
      id: String(row.id),
      status: String(row.status),
      effectiveAt: new Date(row.effective_at).getTime(),
      appliedAt: row.applied_at ? new Date(row.applied_at).getTime() : null,
    })),
    usage: new Map(usage.rows.map((row) => [String(row.caller), Number(row.calls)])),
    deliveries: new Map(
      deliveries.rows.map((row) => [
        pairKey(String(row.endpoint_id), String(row.event_id)),
        {
          outcome: String(row.outcome),
          attempts: Number(row.attempt),
          lastAt: new Date(row.attempted_at).getTime(),
          nextRetryAt: row.next_retry_at ? new Date(row.next_retry_at).getTime() : null,
        },
      ]),
    ),
    endpoints: new Map(endpoints.rows.map((row) => [String(row.id), String(row.url)])),
    shown: new Map(
      models.rows.flatMap((row) => {
        const marker = markerIn(row.meta);
        return marker ? [[String(row.id), marker] as const] : [];
      }),
    ),
  };
}

/** GET /v1/models/changes from the beginning, page by page, as a client would. */
async function readFeed(baseUrl: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const response = await fetch(`${baseUrl}/v1/models/changes?limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`);
    if (!response.ok) throw new Error(`the feed answered ${response.status}`);
    const page = (await response.json()) as { events: Array<{ id: string }>; next_cursor: string };
    ids.push(...page.events.map((event) => event.id));
    if (page.events.length === 0 || page.next_cursor === after) return ids;
    after = page.next_cursor;
  }
}
