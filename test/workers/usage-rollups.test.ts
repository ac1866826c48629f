/**
 * From the usage queue to the hourly rollups (spec Part 3 "Who still calls a
 * model"): a burst of gate calls, over HTTP and the service binding, shows
 * in /admin/models/:id/usage within 30 s with the right callers; a message
 * the queue delivers again adds nothing; the cron keeps 90 days.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { gateUsage } from "../../src/gate/gate";
import type { UsageMessage, UsageRow } from "../../src/gate/usage-counter";
import worker from "../../src/index";
import { consumeUsageBatch, USAGE_DEAD_LETTER_QUEUE, USAGE_QUEUE } from "../../src/usage/consumer";
import { addFlush } from "../../src/usage/rollups";
import { adminPost, adminToken, call, hourlyRunAt, runCron, userToken } from "./support/client";
import { createModel, uniqueId, uniqueProvider } from "./support/fixtures";
import { captureConsole, deadDatabaseEnv, directDatabase, eventually, type TestEnv } from "./support/reliability";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const hourOf = (time: number) => new Date(Math.floor(time / HOUR) * HOUR).toISOString();

interface ModelUsage {
  model_id: string;
  window: string;
  calls: number;
  refused: number;
  callers: number;
  top_callers: { caller: string; calls: number; last_seen: string }[];
  by_hour: { hour: string; calls: number }[];
}

async function usageOf(id: string, window = "24h"): Promise<ModelUsage> {
  const response = await call(`/admin/models/${id}/usage?window=${window}`, { token: await adminToken() });
  expect(response.status).toBe(200);
  return response.json<ModelUsage>();
}

const row = (modelId: string, caller: string, overrides: Partial<UsageRow> = {}): UsageRow => ({
  hour: hourOf(Date.now()),
  model_id: modelId,
  alias: null,
  caller,
  outcome: "allowed",
  calls: 1,
  last_seen: new Date().toISOString(),
  ...overrides,
});

/** One run of the consumer over `bodies`, as the queue would deliver them. */
async function consume(bodies: unknown[], environment: TestEnv = env) {
  const batch = usageBatch(USAGE_QUEUE, bodies);
  const ctx = createExecutionContext();
  await consumeUsageBatch(batch, environment, ctx);
  return getQueueResult(batch, ctx);
}

function usageBatch(queue: string, bodies: unknown[]) {
  return createMessageBatch<UsageMessage>(
    queue,
    bodies.map((body, i) => ({
      id: `usage-${i}-${crypto.randomUUID().slice(0, 6)}`,
      timestamp: new Date(),
      attempts: 1,
      body: body as UsageMessage,
    })),
  );
}

const owner = directDatabase();
afterAll(async () => {
  await owner.close();
});

describe("a burst of gate calls", () => {
  it("appears in /admin/models/:id/usage within 30 s, with the right callers, over HTTP and the service binding", async () => {
    const { id } = await createModel({ provider: uniqueProvider("usage"), meta: { requiredTier: "pro", allowedTiers: ["pro"] } });
    const alice = await userToken("pro", uniqueId("alice"));
    const carol = await userToken("pro", uniqueId("carol"));
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await call(`/v1/models/${id}/access`, { token: alice })).status).toBe(200);
    // Anonymous is the free tier: refused, and counted as refused.
    for (let i = 0; i < 2; i++) expect((await call(`/v1/models/${id}/access`)).status).toBe(403);
    const inference = (env as unknown as { INFERENCE: Fetcher }).INFERENCE;
    for (let i = 0; i < 3; i++) {
      const response = await inference.fetch("https://inference.test/v1/chat/completions", {
        method: "POST",
        headers: { Authorization: `Bearer ${carol}` },
        body: JSON.stringify({ model: id }),
      });
      expect(response.status).toBe(200);
    }
    // An unknown id is not usage: nothing to warn anyone about, and no way for a caller to grow the table.
    const missing = uniqueId("missing");
    expect((await call(`/v1/models/${missing}/access`, { token: alice })).status).toBe(404);
    // The window would flush by itself 10 s after it opened; the test flushes now instead of waiting.
    await gateUsage.flush(env.USAGE_QUEUE);
    const usage = await eventually(async () => {
      const seen = await usageOf(id);
      expect(seen.calls).toBe(10);
      return seen;
    }, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    const sub = (token: string) => JSON.parse(atob((token.split(".")[1] as string).replace(/-/g, "+").replace(/_/g, "/"))).sub as string;
    expect(usage).toMatchObject({ model_id: id, window: "24h", calls: 10, refused: 2, callers: 3 });
    expect(usage.top_callers.map(({ caller, calls }) => ({ caller, calls }))).toEqual([
      { caller: sub(alice), calls: 5 },
      { caller: sub(carol), calls: 3 },
      { caller: "anonymous", calls: 2 },
    ]);
    expect(usage.by_hour.at(-1)).toEqual({ hour: hourOf(Date.now()), calls: 10 });
    // Flushed with the rest (one flush, one consumer transaction per part), the unknown id left nothing.
    expect((await owner.db.execute(sql`SELECT count(*)::int AS n FROM usage_rollups WHERE model_id = ${missing}`)).rows).toEqual([
      { n: 0 },
    ]);
  });
});

describe("the usage consumer", () => {
  it("adds a flush once, however often the queue delivers it", async () => {
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    const message: UsageMessage = { flush_id: uniqueId("flush"), rows: [row(id, "dave", { calls: 7 })] };
    const result = await consume([message, message]);
    expect(result.explicitAcks).toHaveLength(2);
    await consume([message]);
    expect((await usageOf(id)).calls).toBe(7);
  });

  it("adds different flushes of the same hour and caller together, keeping the latest last_seen", async () => {
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    const earlier = new Date(Date.now() - 1000).toISOString();
    const later = new Date().toISOString();
    await consume([
      { flush_id: uniqueId("flush"), rows: [row(id, "erin", { calls: 2, last_seen: later })] },
      {
        flush_id: uniqueId("flush"),
        rows: [row(id, "erin", { calls: 3, last_seen: earlier }), row(id, "erin", { outcome: "refused", last_seen: earlier })],
      },
    ]);
    const usage = await usageOf(id);
    expect(usage).toMatchObject({ calls: 6, refused: 1, callers: 1 });
    expect(usage.top_callers).toEqual([{ caller: "erin", calls: 6, last_seen: later }]);
  });

  it.each([
    ["not an object", "hello"],
    ["rows with a negative count", { flush_id: "f", rows: [{ ...row("m", "x"), calls: -5 }] }],
    ["an hour that does not start an hour", { flush_id: "f", rows: [{ ...row("m", "x"), hour: "2026-12-03T10:30:00.000Z" }] }],
  ])("acknowledges a message that is %s and logs it, adding nothing", async (_case, body) => {
    const logs = captureConsole();
    const result = await consume([body]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(logs.events("usage_message_invalid")).toHaveLength(1);
  });

  it("leaves a message to the queue's retries when the database is down, and adds it once it is back", async () => {
    captureConsole();
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    const message: UsageMessage = { flush_id: uniqueId("flush"), rows: [row(id, "frank", { calls: 4 })] };
    const down = await consume([message], deadDatabaseEnv());
    expect(down.retryMessages).toHaveLength(1);
    expect(down.explicitAcks).toHaveLength(0);
    await consume([message]);
    expect((await usageOf(id)).calls).toBe(4);
  });
});

describe("the usage dead-letter queue", () => {
  it("adds a dead-lettered message once more through the Worker's queue handler, and logs what a last failure loses", async () => {
    const logs = captureConsole();
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    const message: UsageMessage = { flush_id: uniqueId("flush"), rows: [row(id, "grace", { calls: 3 })] };
    // The handler src/index.ts exports: the dead-letter queue's batches go to the usage consumer, not to webhooks.
    const deliver = async (environment: TestEnv) => {
      const batch = usageBatch(USAGE_DEAD_LETTER_QUEUE, [message]);
      const ctx = createExecutionContext();
      await worker.queue(batch, environment as Env, ctx);
      return getQueueResult(batch, ctx);
    };
    const down = await deliver(deadDatabaseEnv());
    expect(down.retryMessages).toHaveLength(1);
    expect(logs.events("usage_dead_letter_failed")).toMatchObject([{ calls: 3 }]);
    const back = await deliver(env);
    expect(back.explicitAcks).toHaveLength(1);
    expect(logs.events("usage_dead_lettered")).toHaveLength(2);
    expect((await usageOf(id)).calls).toBe(3);
  });
});

describe("usage retention (the cron)", () => {
  it("purges rollups older than 90 days and flush ids older than 15 days, keeping the rest, once an hour", async () => {
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    const now = hourlyRunAt(Date.now());
    await addFlush(owner.db, {
      flush_id: uniqueId("flush"),
      rows: [
        row(id, "old", { hour: hourOf(now - 91 * DAY), last_seen: new Date(now - 91 * DAY).toISOString() }),
        row(id, "kept", { hour: hourOf(now - 89 * DAY), last_seen: new Date(now - 89 * DAY).toISOString() }),
      ],
    });
    const oldFlush = uniqueId("flush-old");
    const freshFlush = uniqueId("flush-fresh");
    await owner.db.execute(
      sql`INSERT INTO usage_flushes (id, received_at) VALUES (${oldFlush}, now() - interval '16 days'), (${freshFlush}, now() - interval '14 days')`,
    );
    const callers = async () => (await owner.db.execute(sql`SELECT caller FROM usage_rollups WHERE model_id = ${id} ORDER BY caller`)).rows;
    // A run between the hours: the purge is not due.
    await runCron(now + 30 * 60_000);
    expect(await callers()).toEqual([{ caller: "kept" }, { caller: "old" }]);
    await runCron(now + HOUR);
    expect(await callers()).toEqual([{ caller: "kept" }]);
    const flushes = await owner.db.execute(sql`SELECT id FROM usage_flushes WHERE id IN (${oldFlush}, ${freshFlush})`);
    expect(flushes.rows).toEqual([{ id: freshFlush }]);
  });

  it("keeps an archived model's usage readable: staff ask who still called it", async () => {
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    await consume([{ flush_id: uniqueId("flush"), rows: [row(id, "gina", { calls: 2 })] }]);
    await adminPost(`/admin/models/${id}/archive`, { reason: "retired" });
    expect((await usageOf(id)).calls).toBe(2);
  });
});
