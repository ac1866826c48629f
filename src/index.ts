import { createApp } from "./app";
import type { UsageMessage } from "./gate/usage-counter";
import { runScheduled } from "./scheduled";
import { consumeUsageBatch, isUsageQueue } from "./usage/consumer";
import { consumeWebhookBatch } from "./webhooks/consumer";
import type { DeliveryMessage } from "./webhooks/dispatch";

export { CatalogGate } from "./gate/entrypoint";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    await runScheduled(controller, env, ctx);
  },
  // One queue handler for the Worker: the usage queue's batches (and its dead-letter queue's) to its consumer,
  // the rest are webhook deliveries.
  async queue(batch, env, ctx) {
    if (isUsageQueue(batch.queue)) await consumeUsageBatch(batch as MessageBatch<UsageMessage>, env, ctx);
    else await consumeWebhookBatch(batch as MessageBatch<DeliveryMessage>, env, ctx);
  },
} satisfies ExportedHandler<Env, DeliveryMessage | UsageMessage>;
