/**
 * Benchmark and test hooks never ship: the bundle `npm run deploy:check`
 * builds (the production entry, src/index.ts) holds none of bench/worker.ts's
 * routes and none of test/'s hooks into production state.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

describe("the production bundle (npm run deploy:check, into dist/)", () => {
  const outdir = join(ROOT, "dist");
  let bundle = "";

  beforeAll(() => {
    execFileSync("npm", ["run", "-s", "deploy:check"], {
      cwd: ROOT,
      stdio: "pipe",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" },
      timeout: 120_000,
    });
    bundle = readdirSync(outdir, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".js"))
      .map((file) => readFileSync(join(outdir, file), "utf8"))
      .join("\n");
  }, 150_000);

  it("is the app", () => {
    expect(bundle).toContain("/v1/models");
  });

  it.each([
    "/__bench",
    "__bench/invalidate",
    "__bench/ceiling",
    "BENCH_ROUTES",
    "bench/worker",
    "forgetMemoizedCatalog",
    "test/isolate-memo",
    "BenchGate",
    "BENCH_INFERENCE",
  ])("does not contain %s", (marker) => {
    expect(bundle).not.toContain(marker);
  });
});
