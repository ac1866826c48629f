/**
 * Idempotency-Key for admin POSTs: a retried request gets the first answer
 * back instead of doing the write twice. Keys are scoped to the caller.
 */
import { and, eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { idempotencyKeys } from "../../drizzle/schema";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

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

  const [claimed] = await db.insert(idempotencyKeys).values({ actor, key, requestHash }).onConflictDoNothing().returning({ key: idempotencyKeys.key });
  if (!claimed) {
    const [first] = await db.select().from(idempotencyKeys).where(scope);
    if (!first || first.requestHash !== requestHash) {
      throw new ApiError("idempotency_key_reused", "this Idempotency-Key was used for a different request");
    }
    if (first.status === null) throw new ApiError("request_in_progress", "a request with this Idempotency-Key is still in progress");
    return c.json(first.response, first.status as 200, { "Idempotent-Replayed": "true" });
  }

  try {
    await next();
  } catch (error) {
    // A failed attempt may be retried with the same key.
    await db.delete(idempotencyKeys).where(scope);
    throw error;
  }
  // Hono turns handler errors into responses before we get here: keep only answers worth replaying.
  if (c.res.status >= 500 || c.error) {
    await db.delete(idempotencyKeys).where(scope);
    return;
  }
  const response = await c.res.clone().json();
  await db.update(idempotencyKeys).set({ status: c.res.status, response }).where(scope);
});
