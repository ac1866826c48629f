/**
 * Which rate-limit policy counts a request, and under which key: anonymous
 * callers per client IP, callers with a token per subject (reads and writes
 * apart), the dashboard's sign-in per IP. Pure (src/http/rate-limit.ts counts).
 */

/** Every binding counts per minute (the binding's period is 10 or 60 seconds). */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

export type RateLimitPolicy = "anonymous" | "authenticated" | "writes" | "sign_in";

/** The path of the access gate: exempt for the subjects in RATE_LIMIT_EXEMPT_SUBJECTS. */
const GATE_PATH = /^\/v1\/models\/[^/]+\/access$/;
const SIGN_IN_PATH = "/admin/ui/sign-in";
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

interface Caller {
  method: string;
  path: string;
  /** CF-Connecting-IP: set by Cloudflare's edge, a client cannot choose it. */
  ip: string | undefined;
  subject: string | undefined;
}

/** Which policy counts a request and under which key; undefined: not limited. Pure. */
export function rateLimitFor(caller: Caller, exemptSubjects: ReadonlySet<string>): { policy: RateLimitPolicy; key: string } | undefined {
  const ip = `ip:${caller.ip ?? "unknown"}`;
  if (caller.path === SIGN_IN_PATH) return { policy: "sign_in", key: ip };
  if (caller.subject === undefined) return { policy: "anonymous", key: ip };
  if (GATE_PATH.test(caller.path) && exemptSubjects.has(caller.subject)) return undefined;
  return { policy: READ_METHODS.has(caller.method) ? "authenticated" : "writes", key: `sub:${caller.subject}` };
}

/** RateLimit-Policy: the policy's quota (q) per window (w), in seconds. */
export const policyField = (policy: RateLimitPolicy, limit: number) => `"${policy}";q=${limit};w=${RATE_LIMIT_WINDOW_SECONDS}`;
