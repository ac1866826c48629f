/**
 * Idempotency-Key for admin writes (POST, and the alias PUT/DELETE): a retried request gets the first answer
 * back instead of doing the write twice. Keys are scoped to the caller; the
 * records live in idempotency_keys (src/db/idempotency-keys.ts).
 */
import { createMiddleware } from "hono/factory";
import { claimKey, recordedKey, releaseClaim } from "../db/idempotency-keys";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { rowEtag } from "./if-match";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export const idempotent = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("Idempotency-Key");
  if (!["POST", "PUT", "DELETE"].includes(c.req.method) || key === undefined) return next();
  if (!KEY_PATTERN.test(key)) throw new ApiError("invalid_request", "Idempotency-Key must be 1-255 visible ASCII characters");
  const actor = c.var.principal?.subject ?? "";
  const requestHash = await sha256(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
  const db = c.var.services.db;

  const claim = await claimKey(db, actor, key, requestHash);
  if (!claim) {
    const first = await recordedKey(db, actor, key);
    // Gone between our claim and this read: the first attempt failed and released it. The client may retry.
    if (!first) throw new ApiError("request_in_progress", "a request with this Idempotency-Key has just failed; retry it");
    if (first.requestHash !== requestHash) {
      throw new ApiError("idempotency_key_reused", "this Idempotency-Key was used for a different request");
    }
    if (first.status === null) throw new ApiError("request_in_progress", "a request with this Idempotency-Key is still in progress");
    const replayed = { "Idempotent-Replayed": "true", ...replayedEtag(first.response) };
    // A delete's answer has no body.
    if (first.status === 204) return c.body(null, 204, replayed);
    return c.json(first.response, first.status as 200, replayed);
  }

  // Lifecycle writes save the answer in their own transaction (Lifecycle via Services.lifecycle).
  c.set("idempotencyClaim", claim);
  try {
    await next();
  } catch (error) {
    // A failed attempt may be retried with the same key.
    await releaseClaim(db, claim);
    throw error;
  }
  // Hono turns handler errors into responses before we get here: only successful answers are replayed
  // (every route behind this middleware is a lifecycle write, which saved its answer in its transaction).
  if (c.res.status >= 500 || c.error) await releaseClaim(db, claim);
});

/** Lifecycle answers carry the model (or the alias); its row version is the ETag the first answer had. */
function replayedEtag(response: unknown): Record<string, string> {
  const answer = response as { model?: { row_version?: unknown }; alias?: { row_version?: unknown } } | null;
  const version = (answer?.model ?? answer?.alias)?.row_version;
  return typeof version === "number" ? { ETag: rowEtag(version) } : {};
}
