/**
 * Rate limits, counted by the Workers Rate Limiting bindings (wrangler.toml):
 * anonymous requests per client IP, requests with a token per subject (reads
 * and writes apart), the dashboard's sign-in per IP. Over a limit: 429 with
 * Retry-After and the IETF RateLimit / RateLimit-Policy fields
 * (draft-ietf-httpapi-ratelimit-headers). A limiter that fails lets the
 * request through: an outage of the counter must not become one of the API.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Config } from "../config";
import { log } from "../log";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { policyField, RATE_LIMIT_WINDOW_SECONDS, type RateLimitPolicy, rateLimitFor } from "./rate-limit-policy";

/** Each policy's binding (wrangler.toml) and the setting that advertises its limit. */
export const RATE_LIMIT_POLICIES = {
  anonymous: { binding: "ANONYMOUS_LIMITER", setting: "RATE_LIMIT_ANONYMOUS_PER_MINUTE" },
  authenticated: { binding: "AUTHENTICATED_LIMITER", setting: "RATE_LIMIT_AUTHENTICATED_PER_MINUTE" },
  writes: { binding: "WRITE_LIMITER", setting: "RATE_LIMIT_WRITES_PER_MINUTE" },
  sign_in: { binding: "SIGN_IN_LIMITER", setting: "RATE_LIMIT_SIGN_IN_PER_MINUTE" },
} as const satisfies Record<RateLimitPolicy, { binding: keyof Env; setting: keyof Config }>;

function limitOf(policy: RateLimitPolicy, config: Config): number {
  return config[RATE_LIMIT_POLICIES[policy].setting];
}

/** Counts the request; runs after authentication (the subject must be a verified token's). */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const found = rateLimitFor(
    { method: c.req.method, path: c.req.path, ip: c.req.header("CF-Connecting-IP"), subject: c.get("principal")?.subject },
    c.get("config").RATE_LIMIT_EXEMPT_SUBJECTS,
  );
  if (!found) return next();
  const limit = limitOf(found.policy, c.get("config"));
  c.header("RateLimit-Policy", policyField(found.policy, limit));
  if (!(await withinLimit(c, found.policy, found.key))) {
    // The binding does not say when its window ends: a full window is the longest a client can wait.
    const headers = { "Retry-After": String(RATE_LIMIT_WINDOW_SECONDS), RateLimit: `"${found.policy}";r=0;t=${RATE_LIMIT_WINDOW_SECONDS}` };
    // Set on the context too: the dashboard's error page (HTML) keeps the context's headers, not the error's.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    throw new ApiError("rate_limited", `too many requests: at most ${limit} a minute (${found.policy}); retry later`, { headers });
  }
  await next();
});

async function withinLimit(c: Context<AppEnv>, policy: RateLimitPolicy, key: string): Promise<boolean> {
  const binding: RateLimit | undefined = c.env?.[RATE_LIMIT_POLICIES[policy].binding];
  // No binding (the Node-side document build has no runtime): nothing to count with.
  if (!binding) return true;
  try {
    // The policy in the key too: one counter store may hold several policies' keys (Miniflare's does).
    return (await binding.limit({ key: `${policy}:${key}` })).success;
  } catch (error) {
    log.warn("rate_limit_unavailable", { requestId: c.get("requestId"), policy, error });
    return true;
  }
}
