import { createApp } from "./app";
import type { DeliveryMessage } from "./changes/outbox";
import { runSunset } from "./lifecycle/sunset";
import { consumeWebhookBatch } from "./webhooks/consumer";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    await runSunset(controller, env, ctx);
  },
  async queue(batch, env, ctx) {
    await consumeWebhookBatch(batch, env, ctx);
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
