/**
 * Idempotency-Key for admin POSTs: a retried request gets the first answer
 * back instead of doing the write twice. Keys are scoped to the caller.
 */
import { and, eq, sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { idempotencyKeys } from "../../drizzle/schema";
import { rowEtag } from "../lifecycle/lifecycle";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A claim still unanswered after this long belongs to a request that died (isolate killed, database lost): it may be taken over. */
const ABANDONED_AFTER = sql`interval '5 minutes'`;
/** Answers are replayed for a day, then the key may be used again. */
const EXPIRES_AFTER = sql`interval '24 hours'`;

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("Idempotency-Key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!KEY_PATTERN.test(key)) throw new ApiError("invalid_request", "Idempotency-Key must be 1-255 visible ASCII characters");
  const actor = c.var.principal?.subject ?? "";
  const requestHash = await sha256(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const db = c.var.services.db;
  const scope = and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key));

  // One statement decides who owns the key: a new key, or one whose claim was abandoned or whose answer expired.
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values({ actor, key, requestHash })
    .onConflictDoUpdate({
      target: [idempotencyKeys.actor, idempotencyKeys.key],
      set: { requestHash, status: null, response: null, createdAt: sql`now()` },
      setWhere: sql`(${idempotencyKeys.status} IS NULL AND ${idempotencyKeys.createdAt} < now() - ${ABANDONED_AFTER}) OR ${idempotencyKeys.createdAt} < now() - ${EXPIRES_AFTER}`,
    })
    .returning({ claimedAt: sql<string>`${idempotencyKeys.createdAt}::text` });
  if (!claimed) {
    const [first] = await db.select().from(idempotencyKeys).where(scope);
    // Gone between our claim and this read: the first attempt failed and released it. The client may retry.
    if (!first) throw new ApiError("request_in_progress", "a request with this Idempotency-Key has just failed; retry it");
    if (first.requestHash !== requestHash) {
      throw new ApiError("idempotency_key_reused", "this Idempotency-Key was used for a different request");
    }
    if (first.status === null) throw new ApiError("request_in_progress", "a request with this Idempotency-Key is still in progress");
    return c.json(first.response, first.status as 200, { "Idempotent-Replayed": "true", ...replayedEtag(first.response) });
  }

  // Our claim only: had it been taken over as abandoned, the new owner's row is not ours to finish or release.
  const ours = and(scope, sql`${idempotencyKeys.createdAt} = ${claimed.claimedAt}::timestamptz`);
  try {
    await next();
  } catch (error) {
    // A failed attempt may be retried with the same key.
    await db.delete(idempotencyKeys).where(ours);
    throw error;
  }
  // Hono turns handler errors into responses before we get here: keep only answers worth replaying.
  if (c.res.status >= 500 || c.error) {
    await db.delete(idempotencyKeys).where(ours);
    return;
  }
  const response = await c.res.clone().json();
  await db.update(idempotencyKeys).set({ status: c.res.status, response }).where(ours);
});

/** Lifecycle answers carry the model; its row version is the ETag the first answer had. */
function replayedEtag(response: unknown): Record<string, string> {
  const version = (response as { model?: { row_version?: unknown } } | null)?.model?.row_version;
  return typeof version === "number" ? { ETag: rowEtag(version) } : {};
}
