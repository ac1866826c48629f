/**
 * The soak's fault switches (bench/soak/), for this isolate, bench entry only:
 *
 * - PUT /__bench/faults/kv/on|off         every MODEL_CACHE call rejects, as a
 *                                         failing KV does
 * - PUT /__bench/faults/consumer/on|off   the queue handler fails every message,
 *                                         as a consumer that cannot reach its
 *                                         dependencies does (left to the queue's
 *                                         retries with the consumers' own backoff)
 *
 * The production entry never imports this file (test/node/production-bundle.test.ts).
 */
import { retryDelaySeconds } from "../src/webhooks/backoff";

const faults = { kv: false, consumer: false };

const failingKv = new Proxy({} as KVNamespace, {
  get: () => () => Promise.reject(new Error("bench fault: KV unavailable")),
});

/** env as the app sees it while the switches are on. */
export function faultedEnv<E extends Env>(env: E): E {
  return faults.kv ? { ...env, MODEL_CACHE: failingKv } : env;
}

/** True when the switch made the batch fail (each message left to the queue's retries). */
export function failedByFault(batch: MessageBatch<unknown>, usageQueue: string): boolean {
  if (!faults.consumer) return false;
  for (const message of batch.messages) {
    // The consumers' own delays for their own failures (src/webhooks/consumer.ts, src/usage/consumer.ts).
    const delaySeconds = batch.queue === usageQueue ? Math.min(300, 2 ** message.attempts) : retryDelaySeconds(message.attempts);
    message.retry({ delaySeconds });
  }
  return true;
}

export function faultRoute(request: Request, url: URL): Response | undefined {
  const match = /^\/__bench\/faults\/(kv|consumer)\/(on|off)$/.exec(url.pathname);
  if (request.method === "PUT" && match) {
    faults[match[1] as keyof typeof faults] = match[2] === "on";
    return Response.json(faults);
  }
  if (request.method === "GET" && url.pathname === "/__bench/faults") return Response.json(faults);
  return undefined;
}
