import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import ts from "typescript";
import { defineConfig } from "vitest/config";

// Keep the runtime offline: no telemetry, no fetch of Request.cf data.
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

export const TEST_JWT_SECRET = "test-secret-for-hs256-0123456789abcdef";
export const TEST_WEBHOOK_SECRET_KEY = "test-webhook-secret-key-0123456789abcdef";
const TEST_RATE_LIMIT = 1_000_000;
const LOW_TEST_RATE_LIMIT = 3;

/** The plugin runs the Worker under test under this name; entrypoints it exports are reachable there. */
const RUNNER_WORKER = "vitest-plugin-runner-workers";

/**
 * examples/inference-worker as an auxiliary Worker: its one TypeScript file
 * (type-only imports) turned into JS, and its CATALOG binding as its
 * wrangler.toml declares it, pointed at the catalog Worker under test.
 */
function inferenceWorker() {
  const dir = "./examples/inference-worker";
  const config = readFileSync(`${dir}/wrangler.toml`, "utf8");
  const service = /\[\[services\]\]\s*binding = "(\w+)"\s*service = "model-catalog"\s*entrypoint = "(\w+)"/.exec(config);
  if (!service?.[1] || !service[2]) throw new Error(`${dir}/wrangler.toml must bind the model-catalog service's entrypoint`);
  const source = readFileSync(`${dir}/src/index.ts`, "utf8");
  const script = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return {
    name: "inference-worker",
    modules: true,
    script,
    compatibilityDate: /compatibility_date = "([\d-]+)"/.exec(config)?.[1],
    serviceBindings: { [service[1]]: { name: RUNNER_WORKER, entrypoint: service[2] } },
  };
}

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
                // The .dev.vars that `npm run dev` writes says "true"; the suite tests the production token rules.
                LOCAL_DEV: "false",
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
              // The example inference Worker, calling this Worker's CatalogGate over its service binding (test/workers/gate-*.test.ts).
              serviceBindings: { INFERENCE: "inference-worker" },
              workers: [inferenceWorker()],
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
