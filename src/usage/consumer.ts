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
      try {
        const added = await addFlush(database.db, parsed.data);
        if (!added) log.info("usage_flush_redelivered", { flushId: parsed.data.flush_id });
        message.ack();
      } catch (error) {
        log.error("usage_consumer_error", { flushId: parsed.data.flush_id, attempts: message.attempts, error });
        message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts) });
      }
    }
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}
