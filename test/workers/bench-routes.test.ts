/**
 * The bench's routes live in bench/worker.ts, which only `npm run bench`
 * runs: the production app answers 404 to them, whatever its configuration.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./support/client";
import { callWith } from "./support/reliability";

describe("/__bench/*", () => {
  it.each([
    ["GET", "/__bench/ceiling/list"],
    ["PUT", "/__bench/ceiling/list"],
    ["POST", "/__bench/invalidate"],
    ["GET", "/__bench/profile"],
    ["PUT", "/__bench/counting/off"],
    ["GET", "/__bench/rpc/noop"],
  ])("%s %s answers 404, with or without BENCH_ROUTES set", async (method, path) => {
    const body = method === "GET" ? undefined : "x";
    expect((await call(path, { method, ...(body && { body }) })).status).toBe(404);
    const benchy = { ...env, BENCH_ROUTES: "true" } as typeof env;
    expect((await callWith(benchy, path, { method, ...(body && { body }) })).status).toBe(404);
  });
});
