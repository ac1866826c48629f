/**
 * Liveness (/healthz) never touches the database; readiness (/healthz/ready)
 * probes it at most once per PROBE_INTERVAL_MS per isolate, so neither can be
 * used to open database connections at will.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PROBE_INTERVAL_MS } from "../../src/routes/health/health.handlers";
import { call } from "./support/client";
import { callWith, captureConsole, deadDatabaseEnv, type TestEnv } from "./support/reliability";

interface Readiness {
  status: string;
  database: { reachable: boolean; latency_ms?: number; checked_at: string };
}

/** Its own environment object: its own probe history. */
const freshEnv = () => ({ ...env }) as TestEnv;

describe("GET /healthz (liveness)", () => {
  it("answers 200 without asking the database", async () => {
    const response = await call("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("answers 200 while the database is down: it never opens a connection", async () => {
    const logs = captureConsole();
    const response = await callWith(deadDatabaseEnv(), "/healthz");
    expect(response.status).toBe(200);
    expect(logs.events("healthz_database_unreachable")).toEqual([]);
  });
});

describe("GET /healthz/ready (readiness)", () => {
  it("reports the database reachable, with the probe's latency and time", async () => {
    const response = await callWith(freshEnv(), "/healthz/ready");
    expect(response.status).toBe(200);
    const body = await response.json<Readiness>();
    expect(body).toMatchObject({ status: "ok", database: { reachable: true, latency_ms: expect.any(Number) } });
    expect(Math.abs(Date.parse(body.database.checked_at) - Date.now())).toBeLessThan(10_000);
  });

  it("probes at most once per interval: a burst of requests, one after another or at once, gets the same probe", async () => {
    const environment = freshEnv();
    const first = await (await callWith(environment, "/healthz/ready")).json<Readiness>();
    const sequential: Readiness[] = [];
    for (let i = 0; i < 10; i++) sequential.push(await (await callWith(environment, "/healthz/ready")).json<Readiness>());
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, async () => (await callWith(environment, "/healthz/ready")).json<Readiness>()),
    );
    for (const body of [...sequential, ...concurrent]) expect(body).toEqual(first);
  });

  it(
    "probes again once the interval has passed",
    async () => {
      const environment = freshEnv();
      const first = await (await callWith(environment, "/healthz/ready")).json<Readiness>();
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS + 100));
      const later = await (await callWith(environment, "/healthz/ready")).json<Readiness>();
      expect(Date.parse(later.database.checked_at)).toBeGreaterThan(Date.parse(first.database.checked_at));
    },
    PROBE_INTERVAL_MS * 3,
  );

  it("with the database down: 503 degraded, and one connection attempt for a burst of requests, not one each", async () => {
    const environment = deadDatabaseEnv();
    const logs = captureConsole();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await callWith(environment, "/healthz/ready"));
    expect(answers.map((response) => response.status)).toEqual(Array(10).fill(503));
    expect(await answers[9]?.json()).toMatchObject({ status: "degraded", database: { reachable: false } });
    expect(logs.events("healthz_database_unreachable")).toHaveLength(1);
  });
});
