import { createApp } from "./app";
import { runSunset } from "./lifecycle/sunset";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    await runSunset(controller, env, ctx);
  },
} satisfies ExportedHandler<Env>;
