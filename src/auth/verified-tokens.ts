/**
 * Tokens this isolate verified recently, so a caller that sends the same
 * token on every request (the inference gate's callers do) pays jose's
 * decode, key import, HMAC and claim checks once a minute, not per request.
 * Only successes are kept, never past the token's `exp` and never longer than
 * TTL_MS (a rotated key or secret is noticed as fast as jose's own key cache
 * notices it); refusals always go through jose. The clock is a parameter.
 */
import type { Principal } from "./principal";

const TTL_MS = 60_000;
/** Bounded: a token is at most 8 KB (MAX_TOKEN_LENGTH), so the worst case is a few MB. */
const CAPACITY = 500;

export class VerifiedTokens {
  readonly #entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly capacity = CAPACITY,
    private readonly ttlMs = TTL_MS,
  ) {}

  /** The principal of a token verified before and still within its `exp` and the TTL; else undefined. */
  get(token: string, now: number): Principal | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (now < entry.until) return entry.principal;
    this.#entries.delete(token);
    return undefined;
  }

  /** Keeps a token jose just accepted, until `exp` (seconds) or the TTL, whichever comes first. */
  set(token: string, principal: Principal, exp: number, now: number) {
    const until = Math.min(now + this.ttlMs, exp * 1000);
    if (!(until > now)) return;
    if (this.#entries.size >= this.capacity) {
      // The oldest entry first (a Map iterates in insertion order).
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(token, { principal, until });
  }

  get size() {
    return this.#entries.size;
  }
}
