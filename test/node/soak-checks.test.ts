/** The soak's verdicts (bench/soak/checks.ts) over recorded data: each fails when the protection it guards is missing. */
import { describe, expect, it } from "vitest";
import {
  type CheckInput,
  checkDeliveries,
  checkFeed,
  checkHeap,
  checkScheduled,
  checkServerErrors,
  checkUnsubscribed,
  checkUsage,
  checkWrites,
  type EndpointSeen,
} from "../../bench/soak/checks";
import type { Stored } from "../../bench/soak/observe";
import { newRecord } from "../../bench/soak/record";

const T0 = 1_000_000;

function input(overrides: { stored?: Partial<Stored>; endpoints?: EndpointSeen[] } = {}): CheckInput {
  const record = { ...newRecord(), startedAt: T0, endedAt: T0 + 60_000 };
  record.writes.push({ marker: "soak w1", modelId: "m1", status: 200, at: T0 + 1000 });
  const stored: Stored = {
    readAt: T0 + 60_000,
    audit: [{ modelId: "m1", action: "update_meta", marker: "soak w1" }],
    events: [{ id: "evt_1", type: "model.updated", modelId: "m1", marker: "soak w1", occurredAt: T0 + 1000, dispatched: true }],
    feed: ["evt_1"],
    scheduled: [],
    usage: new Map(),
    deliveries: new Map(),
    endpoints: new Map(),
    shown: new Map([["m1", "soak w1"]]),
    ...overrides.stored,
  };
  return { record, stored, endpoints: overrides.endpoints ?? [] };
}

const endpoint = (processed: string[], extra: Partial<EndpointSeen> = {}): EndpointSeen => ({
  id: "wh_1",
  name: "steady",
  createdAt: T0,
  processed: processed.map((webhookId) => ({ webhookId, at: T0 + 2000, type: "model.updated" })),
  badSignatures: 0,
  ...extra,
});

describe("checkWrites", () => {
  it("passes a committed write with one audit row and one event", () => {
    expect(checkWrites(input()).ok).toBe(true);
  });
  it("fails a committed write whose event is missing (a write skipping the outbox)", () => {
    expect(checkWrites(input({ stored: { events: [] } })).ok).toBe(false);
  });
  it("fails a write answered with an error that committed only half", () => {
    const given = input({ stored: { events: [] } });
    given.record.writes[0] = { marker: "soak w1", modelId: "m1", status: 503, at: T0 };
    expect(checkWrites(given).ok).toBe(false);
  });
  it("fails a write cut mid-way that changed the model's row without its audit row or event", () => {
    const given = input();
    given.record.writes.push({ marker: "soak w2", modelId: "m1", status: 503, at: T0 + 2000 });
    expect(checkWrites(given).ok).toBe(true);
    given.stored.shown.set("m1", "soak w2");
    expect(checkWrites(given).ok).toBe(false);
  });
});

describe("checkDeliveries", () => {
  it("passes an event processed once", () => {
    expect(checkDeliveries(input({ endpoints: [endpoint(["evt_1"])] })).ok).toBe(true);
  });
  it("fails an event processed twice (a receiver without webhook-id dedup)", () => {
    expect(checkDeliveries(input({ endpoints: [endpoint(["evt_1", "evt_1"])] })).ok).toBe(false);
  });
  it("fails an event that never arrived, unless it was in wrangler dev's queue when the Worker was killed", () => {
    expect(checkDeliveries(input({ endpoints: [endpoint([]), endpoint(["evt_1"], { name: "other" })] })).ok).toBe(false);
    const killed = input({ endpoints: [endpoint([]), endpoint(["evt_1"], { id: "wh_2", name: "other" })] });
    killed.record.killedAt.push(T0 + 1500);
    const result = checkDeliveries(killed);
    expect(result).toMatchObject({ ok: true, detail: expect.stringContaining("1 lost") });
  });
  it("counts a delivery whose next attempt is due after the reading as on schedule, not lost", () => {
    const given = input({ endpoints: [endpoint([]), endpoint(["evt_1"], { id: "wh_2", name: "other" })] });
    given.stored.deliveries.set("wh_1 evt_1", { outcome: "retrying", attempts: 5, lastAt: T0 + 2000, nextRetryAt: T0 + 100_000 });
    expect(checkDeliveries(given)).toMatchObject({ ok: true, detail: expect.stringContaining("1 still retrying") });
    given.stored.deliveries.set("wh_1 evt_1", { outcome: "failed", attempts: 8, lastAt: T0 + 2000, nextRetryAt: null });
    expect(checkDeliveries(given).ok).toBe(false);
  });

  it("fails a delivery with a bad signature", () => {
    expect(checkDeliveries(input({ endpoints: [endpoint(["evt_1"], { badSignatures: 1 })] })).ok).toBe(false);
  });
});

describe("checkUnsubscribed", () => {
  it("fails a delivery to an endpoint after its delete", () => {
    const gone = endpoint(["evt_1"], { unsubscribedAt: T0 + 500 });
    expect(checkUnsubscribed(input({ endpoints: [gone] })).ok).toBe(false);
    expect(checkUnsubscribed(input({ endpoints: [endpoint([], { unsubscribedAt: T0 + 500 })] })).ok).toBe(true);
  });
});

describe("checkUsage", () => {
  it("passes counts equal to the calls, and fails a double count or a loss beyond the bound", () => {
    const given = input({ stored: { usage: new Map([["a", 3]]) } });
    given.record.gateCalls.set("a", [T0 + 1, T0 + 2, T0 + 3]);
    expect(checkUsage(given).ok).toBe(true);
    given.stored.usage.set("a", 4);
    expect(checkUsage(given).ok).toBe(false);
    given.stored.usage.set("a", 1);
    expect(checkUsage(given).ok).toBe(false);
    // Within 11 s before a kill: the isolate's unflushed counts, the documented bound.
    given.record.killedAt.push(T0 + 5);
    expect(checkUsage(given).ok).toBe(true);
  });
});

describe("checkServerErrors", () => {
  it("excuses a 503 in the envelope inside a database window, and nothing outside one", () => {
    const given = input();
    given.record.windows.push({ fault: "database unreachable", start: T0 + 10_000, end: T0 + 20_000, allows: ["503"] });
    given.record.answers.push({ kind: "write", at: T0 + 15_000, doneAt: T0 + 15_010, status: 503, errorCode: "database_unavailable" });
    expect(checkServerErrors(given).ok).toBe(true);
    given.record.answers.push({ kind: "write", at: T0 + 15_000, doneAt: T0 + 15_010, status: 503, errorCode: null });
    expect(checkServerErrors(given).ok).toBe(false);
    given.record.answers.pop();
    given.record.answers.push({ kind: "list", at: T0 + 40_000, doneAt: T0 + 40_010, status: 500, errorCode: "internal_error" });
    expect(checkServerErrors(given).ok).toBe(false);
  });

  describe("at the worker restart", () => {
    const restart = () => {
      const given = input();
      given.record.windows.push({
        fault: "worker restart",
        start: T0 + 10_000,
        end: T0 + 11_000,
        allows: ["no-answer", "503", "not-the-app"],
      });
      return given;
    };
    const at = { kind: "detail", at: T0 + 10_500, doneAt: T0 + 10_600 };
    it("excuses wrangler dev's own bare 500 (no envelope, no X-Request-Id), no answer and the app's 503 envelope", () => {
      const given = restart();
      given.record.answers.push({ ...at, status: 500, errorCode: null, fromApp: false });
      given.record.answers.push({ ...at, status: null });
      given.record.answers.push({ ...at, status: 503, errorCode: "database_unavailable", fromApp: true });
      expect(checkServerErrors(given).ok).toBe(true);
    });
    it("fails a 500 the app answered: in its envelope, or bare with its X-Request-Id", () => {
      const enveloped = restart();
      enveloped.record.answers.push({ ...at, status: 500, errorCode: "internal_error", fromApp: true });
      expect(checkServerErrors(enveloped).ok).toBe(false);
      const bare = restart();
      bare.record.answers.push({ ...at, status: 500, errorCode: null, fromApp: true });
      expect(checkServerErrors(bare).ok).toBe(false);
    });
    it("fails wrangler dev's bare 500 outside every window (after the 5 s of recovery)", () => {
      const given = restart();
      given.record.answers.push({ ...at, at: T0 + 17_000, doneAt: T0 + 17_010, status: 500, errorCode: null, fromApp: false });
      expect(checkServerErrors(given).ok).toBe(false);
    });
  });
});

describe("checkScheduled", () => {
  it("fails a change applied late or not at all", () => {
    const given = input({
      stored: {
        audit: [{ modelId: "m1", action: "update_meta", marker: "soak s1" }],
        events: [{ id: "evt_2", type: "model.updated", modelId: "m1", marker: "soak s1", occurredAt: T0, dispatched: true }],
        scheduled: [{ id: "sc_1", status: "applied", effectiveAt: T0, appliedAt: T0 + 30_000 }],
      },
    });
    given.record.scheduled.push({ id: "sc_1", marker: "soak s1", modelId: "m1", effectiveAt: T0 });
    expect(checkScheduled(given).ok).toBe(true);
    given.stored.scheduled[0] = { id: "sc_1", status: "applied", effectiveAt: T0, appliedAt: T0 + 121_000 };
    expect(checkScheduled(given).ok).toBe(false);
    given.stored.scheduled[0] = { id: "sc_1", status: "pending", effectiveAt: T0, appliedAt: null };
    expect(checkScheduled(given).ok).toBe(false);
  });
});

describe("checkFeed", () => {
  it("fails a feed that lacks an event the database holds, or an audited change with no event", () => {
    expect(checkFeed(input()).ok).toBe(true);
    expect(checkFeed(input({ stored: { feed: [] } })).ok).toBe(false);
    expect(checkFeed(input({ stored: { events: [], feed: [] } })).ok).toBe(false);
  });
});

describe("checkHeap", () => {
  it("fails an isolate whose heap grew more than 10% after its warm-up", () => {
    const given = input();
    given.record.heap = [{ afterWarmUp: 100, atEnd: 110 }];
    expect(checkHeap(given).ok).toBe(true);
    given.record.heap = [
      { afterWarmUp: 100, atEnd: 110 },
      { afterWarmUp: 100, atEnd: 111 },
    ];
    expect(checkHeap(given).ok).toBe(false);
  });
});
