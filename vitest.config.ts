import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Keep the runtime offline: no telemetry, no fetch of Request.cf data.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

export const TEST_JWT_SECRET = "test-secret-for-hs256-0123456789abcdef";
export const TEST_WEBHOOK_SECRET_KEY = "test-webhook-secret-key-0123456789abcdef";
const TEST_RATE_LIMIT = 1_000_000;
const LOW_TEST_RATE_LIMIT = 3;

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    projects: [
      {
        // Pure modules and Node-side tooling (migrations, seed data).
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        // The Worker, over HTTP, inside workerd, against the real database.
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                DATABASE_URL: inject("databaseUrl"),
                DB_WS_PROXY: inject("wsProxy"),
                JWT_SECRET: TEST_JWT_SECRET,
                JWT_ISSUER: "https://auth.test",
                JWT_AUDIENCE: "model-catalog",
                WEBHOOK_SECRET_KEY: TEST_WEBHOOK_SECRET_KEY,
                // Receivers in the tests listen on 127.0.0.1 (test/webhook-receiver.ts).
                ALLOW_LOCAL_WEBHOOKS: "true",
                // The suite's own limits, high enough that no test meets them (test/workers/rate-limits.test.ts uses the low one).
                RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(TEST_RATE_LIMIT),
                RATE_LIMIT_AUTHENTICATED_PER_MINUTE: String(TEST_RATE_LIMIT),
                RATE_LIMIT_WRITES_PER_MINUTE: String(TEST_RATE_LIMIT),
                RATE_LIMIT_SIGN_IN_PER_MINUTE: String(TEST_RATE_LIMIT),
                // LOW_TEST_LIMITER's limit, for the test to read.
                LOW_TEST_RATE_LIMIT: String(LOW_TEST_RATE_LIMIT),
              },
              ratelimits: {
                ...Object.fromEntries(
                  ["ANONYMOUS_LIMITER", "AUTHENTICATED_LIMITER", "WRITE_LIMITER", "SIGN_IN_LIMITER"].map((name, index) => [
                    name,
                    { namespace_id: String(2201 + index), simple: { limit: TEST_RATE_LIMIT, period: 60 } },
                  ]),
                ),
                LOW_TEST_LIMITER: { namespace_id: "2299", simple: { limit: LOW_TEST_RATE_LIMIT, period: 60 } },
              },
            },
          })),
        ],
        test: {
          name: "workers",
          // Each write publishes the catalog to KV; on a busy 2-core machine that is not 5 s.
          testTimeout: 30_000,
          hookTimeout: 30_000,
          include: ["test/workers/**/*.test.ts"],
        },
      },
    ],
  },
});
