/**
 * Usage counting (spec Part 3 "Who still calls a model"): every gate
 * decision counted in memory per isolate, flushed with waitUntil at most
 * every 10 s or at 1,000 decisions, and never able to change or delay a
 * gate answer. The clock and the timer are the counter's parameters: no
 * test sleeps to reach 10 s.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app";
import { checkAccess } from "../../src/gate/check-access";
import { gateUsage } from "../../src/gate/gate";
import { UsageCounter, type UsageKey, type UsageMessage, type UsageQueue } from "../../src/gate/usage-counter";
import { clientRequest, userToken } from "./support/client";
import { createModel, uniqueProvider } from "./support/fixtures";
import { captureConsole, type TestEnv } from "./support/reliability";

/** A clock the test moves, and timers it fires. */
function fakeTime(start = Date.parse("2026-12-03T10:00:00Z")) {
  let now = start;
  const timers: { ms: number; fire: () => void }[] = [];
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ ms, fire: resolve })),
    timers,
    fireAll: () => {
      for (const timer of timers.splice(0)) timer.fire();
    },
  };
}

/** A queue that keeps what it is sent, or fails, or never answers. */
function testQueue(mode: "records" | "throws" | "rejects" | "hangs" = "records") {
  const sent: UsageMessage[] = [];
  let attempts = 0;
  const queue: UsageQueue = {
    sendBatch: (messages) => {
      attempts += 1;
      if (mode === "throws") throw new Error("queue binding exploded");
      if (mode === "rejects") return Promise.reject(new Error("Queue send failed: 503"));
      if (mode === "hangs") return new Promise(() => {});
      for (const message of messages) sent.push(message.body);
      return Promise.resolve({} as QueueSendBatchResponse);
    },
  };
  return { queue, sent, attempts: () => attempts };
}

/**
 * Collects what count() hands to waitUntil. settle() lets the flushes started
 * so far finish (the test queues answer at once); the window timers stay
 * pending until the test fires them.
 */
function background() {
  const promises: Promise<unknown>[] = [];
  return {
    waitUntil: (promise: Promise<unknown>) => promises.push(promise),
    settle: () => new Promise((resolve) => setTimeout(resolve, 0)),
    promises,
  };
}

const key = (caller: string, overrides: Partial<UsageKey> = {}): UsageKey => ({
  model_id: "gpt-4",
  alias: null,
  caller,
  outcome: "allowed",
  ...overrides,
});

const callsIn = (messages: UsageMessage[]) => messages.flatMap((m) => m.rows).reduce((sum, row) => sum + row.calls, 0);

function setup(options: ConstructorParameters<typeof UsageCounter>[0] = {}, mode?: Parameters<typeof testQueue>[0]) {
  const time = fakeTime();
  const counter = new UsageCounter({ clock: time.clock, sleep: time.sleep, ...options });
  const q = testQueue(mode);
  const work = background();
  const target = { queue: q.queue, waitUntil: work.waitUntil };
  return { time, counter, ...q, work, target };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the per-isolate usage counter", () => {
  it("sends nothing before 10 s have passed or 1,000 decisions were counted", async () => {
    const { counter, target, sent, time, work } = setup();
    for (let i = 0; i < 999; i++) counter.count(key(`user-${i % 7}`), target);
    time.advance(9_999);
    await work.settle();
    expect(sent).toEqual([]);
    expect(counter.pending).toBe(999);
  });

  it("flushes at the 1,000th decision: every call, in messages of at most 200 rows, each with its own flush id", async () => {
    const { counter, target, sent, work } = setup();
    for (let i = 0; i < 1000; i++) counter.count(key(`user-${i}`), target);
    await work.settle();
    expect(callsIn(sent)).toBe(1000);
    expect(sent.map((m) => m.rows.length)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(sent.map((m) => m.flush_id)).size).toBe(5);
    expect(counter.pending).toBe(0);
  });

  it("flushes on the first decision 10 s after the window opened", async () => {
    const { counter, target, sent, time, work } = setup();
    counter.count(key("a"), target);
    time.advance(9_999);
    counter.count(key("a"), target);
    expect(sent).toEqual([]);
    time.advance(1);
    counter.count(key("b"), target);
    await work.settle();
    expect(sent.flatMap((m) => m.rows).map(({ caller, calls }) => ({ caller, calls }))).toEqual([
      { caller: "a", calls: 2 },
      { caller: "b", calls: 1 },
    ]);
  });

  it("sends the counts of an isolate that goes quiet when the window's 10 s timer fires", async () => {
    const { counter, target, sent, time, work } = setup();
    counter.count(key("quiet"), target);
    expect(time.timers.map((t) => t.ms)).toEqual([10_000]);
    time.advance(10_000);
    time.fireAll();
    await work.settle();
    expect(callsIn(sent)).toBe(1);
  });

  it("sums by hour, model, alias, caller and outcome, keeping the last time seen", async () => {
    const { counter, target, sent, time, work } = setup();
    time.advance(59 * 60_000 + 58_000); // 10:59:58
    counter.count(key("a"), target);
    counter.count(key("a", { outcome: "refused" }), target);
    counter.count(key("a", { alias: "gpt-4-latest" }), target);
    time.advance(1_000);
    counter.count(key("a"), target);
    time.advance(1_000); // 11:00:00, another hour
    counter.count(key("a"), target);
    await counter.flush(target.queue);
    await work.settle();
    expect(sent.flatMap((m) => m.rows)).toEqual([
      {
        hour: "2026-12-03T10:00:00.000Z",
        model_id: "gpt-4",
        alias: null,
        caller: "a",
        outcome: "allowed",
        calls: 2,
        last_seen: "2026-12-03T10:59:59.000Z",
      },
      {
        hour: "2026-12-03T10:00:00.000Z",
        model_id: "gpt-4",
        alias: null,
        caller: "a",
        outcome: "refused",
        calls: 1,
        last_seen: "2026-12-03T10:59:58.000Z",
      },
      {
        hour: "2026-12-03T10:00:00.000Z",
        model_id: "gpt-4",
        alias: "gpt-4-latest",
        caller: "a",
        outcome: "allowed",
        calls: 1,
        last_seen: "2026-12-03T10:59:58.000Z",
      },
      {
        hour: "2026-12-03T11:00:00.000Z",
        model_id: "gpt-4",
        alias: null,
        caller: "a",
        outcome: "allowed",
        calls: 1,
        last_seen: "2026-12-03T11:00:00.000Z",
      },
    ]);
  });

  it.each(["throws", "rejects"] as const)(
    "keeps the messages of a send that %s, and sends them with the same flush ids next time",
    async (mode) => {
      const logs = captureConsole();
      const { counter, target, work } = setup({}, mode);
      for (let i = 0; i < 1000; i++) counter.count(key(`user-${i % 3}`), target);
      await work.settle();
      expect(counter.unsent).toBe(1);
      expect(logs.events("usage_flush_failed")).toHaveLength(1);
      const healthy = testQueue();
      counter.count(key("later"), target);
      await counter.flush(healthy.queue);
      // The failed flush first, unchanged (its id lets the consumer drop a copy that did land), then the new counts.
      expect(healthy.sent).toHaveLength(2);
      expect(callsIn(healthy.sent.slice(0, 1))).toBe(1000);
      expect(callsIn(healthy.sent.slice(1))).toBe(1);
      expect(counter.unsent).toBe(0);
    },
  );

  it("counts a send that never settles as failed after the send timeout", async () => {
    const { counter, target, time, work } = setup({ sendTimeoutMs: 5000 }, "hangs");
    counter.count(key("a"), target);
    const flushed = counter.flush(target.queue);
    await Promise.resolve();
    // The window's 10 s timer, then the send's 5 s timeout.
    expect(time.timers.map((t) => t.ms)).toEqual([10_000, 5000]);
    time.fireAll();
    await flushed;
    await work.settle();
    expect(counter.unsent).toBe(1);
  });

  it("keeps at most maxUnsent messages while the queue is down, dropping the oldest with a logged count", async () => {
    const logs = captureConsole();
    const { counter, target, work } = setup({ maxDecisions: 10, maxUnsent: 3 }, "rejects");
    for (let i = 0; i < 50; i++) counter.count(key(`user-${i}`), target);
    await work.settle();
    expect(counter.unsent).toBe(3);
    const dropped = logs.events("usage_dropped") as { messages: number; calls: number }[];
    expect(dropped.reduce((sum, line) => sum + line.calls, 0)).toBe(20);
  });

  it("never throws into the gate, whatever fails inside", () => {
    const logs = captureConsole();
    const counter = new UsageCounter({
      clock: () => {
        throw new Error("clock broke");
      },
    });
    expect(() =>
      counter.count(key("a"), {
        queue: undefined,
        waitUntil: () => {
          throw new Error("waitUntil broke");
        },
      }),
    ).not.toThrow();
    expect(logs.events("usage_count_failed")).toHaveLength(1);
  });
});

describe("a usage queue that fails", () => {
  const app = createApp();

  /** One HTTP gate call that makes this isolate's counter flush (999 decisions already counted): its answer and its time to answer. */
  async function flushingHttpCall(environment: TestEnv, path: string, token: string) {
    for (let i = gateUsage.pending; i < 999; i++)
      gateUsage.count(key("prefill", { model_id: "usage-prefill" }), { queue: undefined, waitUntil: () => {} });
    const ctx = createExecutionContext();
    const started = performance.now();
    const response = await app.fetch(clientRequest(path, { token }), environment, ctx);
    const body = await response.text();
    const ms = performance.now() - started;
    return { status: response.status, body: JSON.parse(body) as unknown, headers: Object.fromEntries(response.headers), ms, ctx };
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

  it("changes no gate answer over HTTP or the binding, and adds no latency, whether it throws, rejects or hangs", async () => {
    captureConsole();
    const { id } = await createModel({ provider: uniqueProvider("usage") });
    const token = await userToken("pro", "usage-caller");
    const path = `/v1/models/${id}/access`;
    const normal: number[] = [];
    let reference: Awaited<ReturnType<typeof flushingHttpCall>> | undefined;
    for (let i = 0; i < 9; i++) {
      const answer = await flushingHttpCall(env, path, token);
      await waitOnExecutionContext(answer.ctx);
      reference = answer;
      normal.push(answer.ms);
    }
    const { "x-request-id": _, ...referenceHeaders } = reference?.headers ?? {};
    for (const mode of ["throws", "rejects", "hangs"] as const) {
      const failing = testQueue(mode);
      const environment = { ...env, USAGE_QUEUE: failing.queue } as TestEnv;
      const times: number[] = [];
      for (let i = 0; i < 9; i++) {
        const answer = await flushingHttpCall(environment, path, token);
        times.push(answer.ms);
        const { "x-request-id": _id, ...headers } = answer.headers;
        expect({ status: answer.status, body: answer.body, headers }, mode).toEqual({
          status: reference?.status,
          body: reference?.body,
          headers: referenceHeaders,
        });
        // The hanging send is left to its timeout in the background; the others settle now.
        if (mode !== "hangs") await waitOnExecutionContext(answer.ctx);
      }
      expect(failing.attempts(), `${mode}: the flush reached the queue`).toBeGreaterThanOrEqual(9);
      // Noise on a shared machine is a few ms; a send waited for would add the queue's time (here: the 5 s timeout).
      expect(median(times), `${mode}: ${times.map(Math.round)} vs ${normal.map(Math.round)}`).toBeLessThan(median(normal) * 2 + 25);
    }
    // Over the binding: the same answer with the queue throwing.
    const throwing = { ...env, USAGE_QUEUE: testQueue("throws").queue } as TestEnv;
    for (let i = gateUsage.pending; i < 999; i++)
      gateUsage.count(key("prefill", { model_id: "usage-prefill" }), { queue: undefined, waitUntil: () => {} });
    const ctx = createExecutionContext();
    const rpc = await checkAccess(throwing, ctx, { modelId: id, token });
    await waitOnExecutionContext(ctx);
    expect(rpc).toMatchObject({ allowed: true, status: 200, model_id: id, error: null });
    // What failed is kept and goes out with a later flush to the real queue.
    expect(gateUsage.unsent).toBeGreaterThan(0);
    await gateUsage.flush(env.USAGE_QUEUE);
  });
});
