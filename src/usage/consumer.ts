/**
 * The usage queue's consumer: each message is one part of one isolate's
 * flush, added to the hourly rollups once (rollups.ts). A message that is
 * not a usage message is acknowledged and logged (retrying cannot fix it);
 * a database failure leaves the message to the queue's retries.
 */
import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import type { UsageMessage } from "../gate/usage-counter";
import { log } from "../log";
import { UsageMessageSchema } from "./message";
import { addFlush } from "./rollups";

export const USAGE_QUEUE = "catalog-usage";
/** Where the queue moves a message after max_retries (wrangler.toml); its batches come to this consumer too. */
export const USAGE_DEAD_LETTER_QUEUE = "catalog-usage-dlq";

/** Is this batch the usage queue's (or its dead-letter queue's)? */
export const isUsageQueue = (queue: string) => queue === USAGE_QUEUE || queue === USAGE_DEAD_LETTER_QUEUE;

const callsOf = (message: UsageMessage) => message.rows.reduce((sum, row) => sum + row.calls, 0);

export async function consumeUsageBatch(batch: MessageBatch<UsageMessage>, env: Env, ctx: ExecutionContext) {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    log.error("usage_consumer_misconfigured", { problems: loaded.problems });
    batch.retryAll({ delaySeconds: 60 });
    return;
  }
  const database = openDatabase(loaded.config);
  try {
    // One transaction at a time: each is small, and the embedded database takes one at a time anyway.
    for (const message of batch.messages) {
      const parsed = UsageMessageSchema.safeParse(message.body);
      if (!parsed.success) {
        log.error("usage_message_invalid", { messageId: message.id, issues: parsed.error.issues.slice(0, 5) });
        message.ack();
        continue;
      }
      const deadLettered = batch.queue === USAGE_DEAD_LETTER_QUEUE;
      const flushId = parsed.data.flush_id;
      // Every usage retry failed: staff should know, whether this last chance adds it or not.
      if (deadLettered) log.warn("usage_dead_lettered", { flushId, attempts: message.attempts, calls: callsOf(parsed.data) });
      try {
        const added = await addFlush(database.db, parsed.data);
        if (!added) log.info("usage_flush_redelivered", { flushId });
        message.ack();
      } catch (error) {
        // From the dead-letter queue: once its own retries are spent the queue deletes the message, and these calls are lost.
        if (deadLettered)
          log.error("usage_dead_letter_failed", { flushId, attempts: message.attempts, calls: callsOf(parsed.data), error });
        else log.error("usage_consumer_error", { flushId, attempts: message.attempts, error });
        message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });
      }
    }
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}
