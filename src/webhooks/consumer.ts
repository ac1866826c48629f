/**
 * The delivery queue's consumer. A message names an event and an endpoint;
 * everything else is read fresh, so a deleted endpoint gets nothing and a
 * rotated secret signs at once. Each attempt is recorded; a failed one is
 * retried through the queue after retryDelaySeconds, up to
 * MAX_DELIVERY_ATTEMPTS, then marked failed. Attempts are counted in the
 * database, so a message sent twice (outbox sweep after a lost mark) does not
 * earn extra attempts, and an event already delivered is not sent again.
 *
 * Messages of one endpoint are delivered one after another, in batch order
 * (the outbox sends in commit order); endpoints are served side by side, so a
 * slow receiver costs only its own time, bounded by the attempt timeout.
 */
import { webhookDeliveries } from "../../drizzle/schema";
import { feedEventOf } from "../changes/events";
import { type Config, loadConfig } from "../config";
import type { Database } from "../db/client";
import { openDatabase } from "../db/client";
import { log } from "../log";
import { changeEventById, deliveryProgress, endpointById } from "../queries/webhooks";
import { type DeliveryOutcome, MAX_DELIVERY_ATTEMPTS, retryDelaySeconds } from "./backoff";
import { type AttemptResult, postWebhook } from "./delivery";
import type { DeliveryMessage } from "./dispatch";
import { signingSecrets } from "./endpoints";
import { secretBoxFor } from "./secret-box";
import { signedHeaders } from "./signature";
import { checkWebhookUrl } from "./url-guard";

export const DELIVERY_QUEUE = "catalog-webhooks";
export const DEAD_LETTER_QUEUE = "catalog-webhooks-dlq";
/** The consumer's own failures are retried on the delivery schedule up to its 4th step (320-480 s), not beyond. */
const CONSUMER_FAILURE_DELAY_STEP = 4;

export interface ConsumerOptions {
  /** Per-attempt timeout; the spec's 10 s unless a caller needs less. */
  timeoutMs?: number;
}

export async function consumeWebhookBatch(
  batch: MessageBatch<DeliveryMessage>,
  env: Env,
  ctx: ExecutionContext,
  options: ConsumerOptions = {},
) {
  const loaded = loadConfig(env);
  if (!loaded.ok || !loaded.config.WEBHOOK_SECRET_KEY) {
    log.error("webhook_consumer_misconfigured", {
      problems: loaded.ok ? ["WEBHOOK_SECRET_KEY: is required for webhooks"] : loaded.problems,
    });
    batch.retryAll({ delaySeconds: 60 });
    return;
  }
  const config = loaded.config;
  const database = openDatabase(config);
  try {
    if (batch.queue === DEAD_LETTER_QUEUE) {
      await Promise.all(batch.messages.map((message) => settleDeadLetter(database.db, message)));
      return;
    }
    const byEndpoint = new Map<string, Message<DeliveryMessage>[]>();
    for (const message of batch.messages)
      byEndpoint.set(message.body.endpointId, [...(byEndpoint.get(message.body.endpointId) ?? []), message]);
    await Promise.all(
      [...byEndpoint.values()].map(async (messages) => {
        for (const message of messages) await deliverMessage(database.db, config, message, options);
      }),
    );
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}

async function deliverMessage(db: Database, config: Config, message: Message<DeliveryMessage>, options: ConsumerOptions) {
  const { endpointId, eventId } = message.body;
  try {
    const [endpoint, event, progress] = await Promise.all([
      endpointById(db, endpointId),
      changeEventById(db, eventId),
      deliveryProgress(db, endpointId, eventId),
    ]);
    // Deleted endpoint, or a duplicate of a message already settled: nothing to send.
    if (!endpoint || !event || progress.settled) {
      message.ack();
      return;
    }
    const attempt = progress.attempts + 1;
    const now = new Date();
    let result: AttemptResult;
    const verdict = checkWebhookUrl(endpoint.url, { allowLocal: config.ALLOW_LOCAL_WEBHOOKS });
    if (verdict.ok) {
      const body = JSON.stringify(feedEventOf(event));
      const secrets = await signingSecrets(secretBoxFor(config.WEBHOOK_SECRET_KEY ?? ""), endpoint, now);
      const headers = await signedHeaders(secrets, event.id, Math.floor(now.getTime() / 1000), body);
      result = await postWebhook(verdict.url.href, headers, body, { timeoutMs: options.timeoutMs });
    } else {
      // Refused now (e.g. local URLs no longer allowed): no request is made; counts as a failed attempt.
      result = { delivered: false, statusCode: null, error: `URL not allowed: ${verdict.reason}` };
    }
    // The budget is the database's count of attempts: the queue's own count also holds our failures (database down).
    const last = attempt >= MAX_DELIVERY_ATTEMPTS;
    const outcome: DeliveryOutcome = result.delivered ? "delivered" : last ? "failed" : "retrying";
    const delaySeconds = outcome === "retrying" ? retryDelaySeconds(attempt) : undefined;
    await db.insert(webhookDeliveries).values({
      endpointId,
      eventId,
      attempt,
      outcome,
      statusCode: result.statusCode,
      error: result.error,
      attemptedAt: now,
      nextRetryAt: delaySeconds === undefined ? null : new Date(Date.now() + delaySeconds * 1000),
    });
    if (delaySeconds === undefined) message.ack();
    else message.retry({ delaySeconds });
    if (outcome === "failed") log.warn("webhook_delivery_failed", { endpointId, eventId, attempts: attempt, error: result.error });
  } catch (error) {
    // Our own failure (database, secrets): the queue retries; a message that keeps failing ends in the dead-letter queue.
    log.error("webhook_consumer_error", { endpointId, eventId, attempts: message.attempts, error });
    // At most ~8 min apart: max_retries (wrangler.toml) then dead-letters a consumer failing for hours, not days.
    message.retry({ delaySeconds: retryDelaySeconds(Math.min(message.attempts, CONSUMER_FAILURE_DELAY_STEP)) });
  }
}

/** A message the consumer itself could not process MAX_DELIVERY_ATTEMPTS times: recorded as failed, so staff see it. */
async function settleDeadLetter(db: Database, message: Message<DeliveryMessage>) {
  const { endpointId, eventId } = message.body;
  try {
    const [endpoint, progress] = await Promise.all([endpointById(db, endpointId), deliveryProgress(db, endpointId, eventId)]);
    if (endpoint && !progress.settled) {
      await db.insert(webhookDeliveries).values({
        endpointId,
        eventId,
        attempt: progress.attempts + 1,
        outcome: "failed",
        statusCode: null,
        error: "dead-lettered: the delivery worker kept failing on this message",
      });
    }
    log.error("webhook_dead_lettered", { endpointId, eventId });
    message.ack();
  } catch (error) {
    log.error("webhook_dead_letter_unrecorded", { endpointId, eventId, error });
    message.retry();
  }
}
