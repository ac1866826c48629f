import { describe, expect, it } from "vitest";
import { adminPost, adminToken, call } from "./support/client";
import { type AdminModel, createModel, current, sampleMeta, uniqueId } from "./support/fixtures";
import { embeddedDatabase, gateModelUpdates } from "./support/reliability";

const patchMeta = async (id: string, json: unknown, headers: Record<string, string> = {}) =>
  call(`/admin/models/${id}/meta`, { method: "PATCH", token: await adminToken(), json, headers });

describe("concurrent admin writes", () => {
  it("two PATCHes with the same If-Match: exactly one wins, the other gets 412 and changes nothing", async () => {
    const model = await createModel();

    const responses = await Promise.all([
      patchMeta(model.id, { displayName: "From Alice" }, { "If-Match": '"1"' }),
      patchMeta(model.id, { displayName: "From Bob" }, { "If-Match": '"1"' }),
    ]);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
    const winner = responses.find((response) => response.status === 200) as Response;
    const { model: written } = await winner.json<{ model: AdminModel }>();
    const after = await current(model.id);
    expect(after.model).toEqual(written);
    expect(after.model.row_version).toBe(2);
    expect(after.audit.map((entry) => entry.action)).toEqual(["update_meta", "create"]);
    expect(after.audit[0]?.new_value).toEqual({ meta: { displayName: written.meta.displayName } });
  });

  it("PATCHes of different fields without If-Match all land: no update is lost", async () => {
    const model = await createModel();
    const patches = [
      { displayName: "Renamed" },
      { description: "new words" },
      { version: "7" },
      { contextLength: 65536 },
      { creditsPer1kTokens: 9 },
    ];

    const responses = await Promise.all(patches.map((patch) => patchMeta(model.id, patch)));

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const after = await current(model.id);
    expect(after.model.meta).toEqual(sampleMeta(Object.assign({}, ...patches)));
    expect(after.model.row_version).toBe(6);
    expect(after.audit.filter((entry) => entry.action === "update_meta")).toHaveLength(5);
  });

  it("two creates of one id: one 201, one 409, one model and one create audit row", async () => {
    const id = uniqueId("race");
    const body = (name: string) => ({ id, name, provider: "acme", meta: sampleMeta() });

    const responses = await Promise.all([
      call("/admin/models", { token: await adminToken(), json: body("first") }),
      call("/admin/models", { token: await adminToken(), json: body("second") }),
    ]);

    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    const created = await (responses.find((response) => response.status === 201) as Response).json<{ model: AdminModel }>();
    const after = await current(id);
    expect(after.model).toEqual(created.model);
    expect(after.audit.map((entry) => entry.action)).toEqual(["create"]);
  });

  it("archive and mark-legacy at once: the final state and the audit trail tell the same story", async () => {
    const model = await createModel();

    const [archived, legacy] = await Promise.all([
      adminPost(`/admin/models/${model.id}/archive`, { reason: "retire" }),
      adminPost(`/admin/models/${model.id}/mark-legacy`, { deprecationNotice: "soon" }),
    ]);

    // Archive always applies; mark-legacy applies only if it ran first (an archived model cannot be marked).
    expect(archived.status).toBe(200);
    expect([200, 409]).toContain(legacy.status);
    const after = await current(model.id);
    expect(after.model.is_archived).toBe(true);
    if (legacy.status === 200) {
      expect(after.model.is_legacy).toBe(true);
      expect(after.model.meta.deprecationNotice).toBe("soon");
      expect(after.audit.map((entry) => entry.action)).toEqual(["archive", "mark_legacy", "create"]);
      expect(after.model.row_version).toBe(3);
    } else {
      expect(after.model.is_legacy).toBe(false);
      expect(after.audit.map((entry) => entry.action)).toEqual(["archive", "create"]);
      expect(after.model.row_version).toBe(2);
    }
    // Either way archive was the last successful write, so its answer is what is stored.
    expect((await archived.json<{ model: AdminModel }>()).model).toEqual(after.model);
  });

  it("mark-legacy A -> B and B -> A at once: exactly one applies, so no replacement cycle forms", async () => {
    const [a, b] = [await createModel(), await createModel()];

    const responses = await Promise.all([
      adminPost(`/admin/models/${a.id}/mark-legacy`, { replacementModelId: b.id }),
      adminPost(`/admin/models/${b.id}/mark-legacy`, { replacementModelId: a.id }),
    ]);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
    const [afterA, afterB] = [await current(a.id), await current(b.id)];
    expect([afterA.model.is_legacy, afterB.model.is_legacy].filter(Boolean)).toHaveLength(1);
  });
});

/**
 * The same races with real overlap. On the embedded database the proxy runs
 * one transaction at a time, so the tests above pass there even without row
 * locks. Here every write is caught mid-transaction at a gate in front of its
 * UPDATE, and the test checks that all of them are open at once (none has
 * committed) before letting them go: without the row lock (SELECT ... FOR
 * UPDATE in Lifecycle.change) these fail.
 */
describe.skipIf(embeddedDatabase())("concurrent admin writes on PostgreSQL, caught mid-transaction", () => {
  /** Starts the writes, proves they overlap, opens the gate, and returns their answers. */
  async function race(ids: string[], writes: Array<() => Promise<Response>>) {
    const gate = await gateModelUpdates(ids);
    try {
      const pending = writes.map((write) => write());
      const open = await gate.overlapping(writes.length);
      expect(open, "every write's transaction started, none committed").toHaveLength(writes.length);
      for (const transaction of open) expect(transaction.xact_start).not.toBeNull();
      await gate.release();
      return await Promise.all(pending);
    } finally {
      await gate.undo();
    }
  }

  it("two PATCHes with the same If-Match: one 200, one 412", async () => {
    const model = await createModel();
    const responses = await race(
      [model.id],
      ["Alice", "Bob"].map((name) => () => patchMeta(model.id, { displayName: `From ${name}` }, { "If-Match": '"1"' })),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
    const after = await current(model.id);
    expect(after.model.row_version).toBe(2);
    expect(after.audit.map((entry) => entry.action)).toEqual(["update_meta", "create"]);
  });

  it("PATCHes of different fields without If-Match: every field lands, none is lost", async () => {
    const model = await createModel();
    const patches = [{ displayName: "Renamed" }, { description: "new words" }, { version: "7" }];
    const responses = await race(
      [model.id],
      patches.map((patch) => () => patchMeta(model.id, patch)),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const after = await current(model.id);
    expect(after.model.meta).toEqual(sampleMeta(Object.assign({}, ...patches)));
    expect(after.model.row_version).toBe(4);
  });

  it("archive and mark-legacy at once: the state is what the audit trail says", async () => {
    const model = await createModel();
    const [archived, legacy] = await race(
      [model.id],
      [
        () => adminPost(`/admin/models/${model.id}/archive`, { reason: "retire" }),
        () => adminPost(`/admin/models/${model.id}/mark-legacy`, { deprecationNotice: "soon" }),
      ],
    );
    expect(archived?.status).toBe(200);
    const after = await current(model.id);
    const actions = after.audit.map((entry) => entry.action);
    expect(after.model.is_archived).toBe(true);
    // mark-legacy either ran first (and archive kept its flag) or was refused as archived.
    if (legacy?.status === 200) {
      expect(actions).toEqual(["archive", "mark_legacy", "create"]);
      expect(after.model.is_legacy).toBe(true);
    } else {
      expect(legacy?.status).toBe(409);
      expect(actions).toEqual(["archive", "create"]);
      expect(after.model.is_legacy).toBe(false);
    }
    expect(after.model.row_version).toBe(actions.length);
  });
});
