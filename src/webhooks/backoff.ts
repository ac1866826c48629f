/**
 * The delivery schedule (spec: retried on a non-2xx or a 10 s timeout with
 * exponential backoff and jitter, first retry within 10 s, 8 attempts in
 * all). Pure.
 */
export const MAX_DELIVERY_ATTEMPTS = 8;
export const DELIVERY_TIMEOUT_MS = 10_000;

export type DeliveryOutcome = "delivered" | "retrying" | "failed";

const FIRST_RETRY_SECONDS = 5;
const GROWTH = 4;
/** Cloudflare Queues delay a retry by at most 12 hours. */
const MAX_DELAY_SECONDS = 12 * 60 * 60;

/**
 * Seconds to wait after failed attempt `attempt` (1-based): 5, 20, 80, 320,
 * 1280, 5120, 20480, each plus up to half again at random so receivers that
 * failed together are not retried together. The whole schedule spans ~8-11 h.
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_SECONDS, FIRST_RETRY_SECONDS * GROWTH ** Math.max(0, attempt - 1));
  return Math.min(MAX_DELAY_SECONDS, Math.round(base * (1 + random() / 2)));
}

// The webhook_deliveries.outcome row type (drizzle/schema.ts leaves it to its owner).
declare module "../../drizzle/schema" {
  interface ColumnTypes {
    deliveryOutcome: DeliveryOutcome;
  }
}
