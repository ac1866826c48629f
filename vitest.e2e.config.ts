import { defineConfig } from "vitest/config";

// Browser tests of the staff dashboard (npm run test:e2e): a real Chromium against `wrangler dev`.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

export default defineConfig({
  test: {
    name: "e2e",
    include: ["test/e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/service.ts"],
    // One browser, one service, one file at a time: the steps build on each other.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
