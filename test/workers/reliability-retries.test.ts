/**
 * Serialization failures and deadlocks (SQLSTATE 40001, 40P01): the
 * lifecycle service runs the aborted transaction again, with jittered
 * backoff, a few times; then answers 503 database_busy with Retry-After.
 * The aborts are injected by a test-only trigger on the audit insert, the
 * last statement but one of every write, so each attempt really did its
 * model update first and had to roll it back.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { WRITE_ATTEMPTS } from "../../src/lifecycle/transaction";
import { call, expectError, mintToken } from "./support/client";
import { createModel, modelState, sampleMeta, uniqueId } from "./support/fixtures";
import { abortAuditInsertsFor, captureConsole } from "./support/reliability";

afterEach(() => {
  vi.restoreAllMocks();
});

const actor = () => `retry-${crypto.randomUUID().slice(0, 8)}`;

async function patchAs(sub: string, id: string) {
  return call(`/admin/models/${id}/meta`, {
    method: "PATCH",
    token: await mintToken({ sub, role: "admin" }),
    json: { description: "after retries" },
  });
}

describe("writes the database aborts as retryable", () => {
  it.each([
    ["a serialization failure (40001)", "40001"],
    ["a deadlock (40P01)", "40P01"],
  ] as const)("are run again after %s, and land exactly once", async (_, state) => {
    const model = await createModel();
    const sub = actor();
    const injected = await abortAuditInsertsFor(sub, state, WRITE_ATTEMPTS - 1);
    const logs = captureConsole();
    try {
      const response = await patchAs(sub, model.id);
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await injected.attempts()).toBe(WRITE_ATTEMPTS);
    } finally {
      await injected.undo();
    }
    expect(logs.events("write_retried").map((line) => line.attempt)).toEqual([1, 2, 3]);
    vi.restoreAllMocks();
    const after = await modelState(model.id);
    expect(after.model).toMatchObject({ row_version: 2, meta: { description: "after retries" } });
    expect(after.audit.map((entry) => [entry.actor, entry.action])).toEqual([
      [sub, "update_meta"],
      ["admin-alice", "create"],
    ]);
  });

  it("answer 503 database_busy with Retry-After after the last attempt, changing nothing", async () => {
    const model = await createModel();
    const before = await modelState(model.id);
    const sub = actor();
    const injected = await abortAuditInsertsFor(sub, "40001", 1000);
    try {
      const response = await patchAs(sub, model.id);
      const body = await expectError(response, 503, "database_busy");
      expect(response.headers.get("Retry-After")).toBe("1");
      expect(body.error.message).toBe("the catalog is busy with concurrent changes, try again shortly");
      expect(await injected.attempts()).toBe(WRITE_ATTEMPTS);
    } finally {
      await injected.undo();
    }
    expect(await modelState(model.id)).toEqual(before);
  });

  it("retry a create too, leaving one model and one audit row", async () => {
    const sub = actor();
    const id = uniqueId("retried");
    const injected = await abortAuditInsertsFor(sub, "40P01", 2);
    try {
      const response = await call("/admin/models", {
        token: await mintToken({ sub, role: "admin" }),
        json: { id, name: id, provider: "retry", meta: sampleMeta() },
      });
      expect(response.status, await response.clone().text()).toBe(201);
    } finally {
      await injected.undo();
    }
    expect((await modelState(id)).audit.map((entry) => entry.action)).toEqual(["create"]);
  });

  it("do not retry other failures: any other SQLSTATE answers 500 after one attempt", async () => {
    const model = await createModel();
    const sub = actor();
    const injected = await abortAuditInsertsFor(sub, "23514", 1000);
    try {
      await expectError(await patchAs(sub, model.id), 500, "internal_error");
      expect(await injected.attempts()).toBe(1);
    } finally {
      await injected.undo();
    }
  });
});
