import { createApp } from "./app";
import { runScheduled } from "./scheduled";
import { consumeWebhookBatch } from "./webhooks/consumer";
import type { DeliveryMessage } from "./webhooks/dispatch";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    await runScheduled(controller, env, ctx);
  },
  async queue(batch, env, ctx) {
    await consumeWebhookBatch(batch, env, ctx);
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
