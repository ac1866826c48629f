import { describe, expect, it } from "vitest";
import { adminPost, call, runCron } from "./support/client";
import { feedEnd, feedSince } from "./support/feed";
import { createModel, current, uniqueProvider } from "./support/fixtures";
import { embeddedDatabase, gateModelUpdates } from "./support/reliability";
import { inMinutes, scheduled, scheduledChanges, upcomingOf } from "./support/scheduling";

const eventsOf = async (cursor: string, id: string) => (await feedSince(cursor)).events.filter((event) => event.model_id === id);

describe("upcoming_changes on the public entries", () => {
  it("lists pending public changes soonest first with from/to, on the list, the detail and the OpenAI view", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider });
    const later = inMinutes(20);
    const sooner = inMinutes(10);
    await scheduled({ modelId: model.id, action: "update_meta", body: { inputCostPerMillionTokens: 300 }, effectiveAt: later });
    await scheduled({ modelId: model.id, action: "update_meta", body: { inputCostPerMillionTokens: 200 }, effectiveAt: sooner });
    const expected = [
      { effective_at: sooner, action: "update_meta", changes: { input_cost_per_million_tokens: { from: 100, to: 200 } } },
      { effective_at: later, action: "update_meta", changes: { input_cost_per_million_tokens: { from: 200, to: 300 } } },
    ].map((change) => ({ ...change, effective_at: new Date(change.effective_at).toISOString() }));
    expect(await upcomingOf(model.id)).toEqual(expected);
    const list = await (await call(`/v1/models?provider=${provider}`)).json<{ models: { upcoming_changes: unknown }[] }>();
    expect(list.models[0]?.upcoming_changes).toEqual(expected);
    const openai = await (await call(`/openai/v1/models/${model.id}`)).json<{ upcoming_changes: unknown }>();
    expect(openai.upcoming_changes).toEqual(expected);
  });

  it("shows nothing and announces nothing for a change to staff-only fields alone", async () => {
    const model = await createModel();
    const cursor = await feedEnd();
    await scheduled({ modelId: model.id, action: "update_meta", body: { internalNotes: "renegotiate" }, effectiveAt: inMinutes(10) });
    expect(await upcomingOf(model.id)).toEqual([]);
    expect(await eventsOf(cursor, model.id)).toEqual([]);
  });

  it("announces a public change at once: model.change_scheduled with effective_at and changes", async () => {
    const model = await createModel();
    const cursor = await feedEnd();
    const change = await scheduled({ modelId: model.id, action: "archive", body: { reason: "retiring" }, effectiveAt: inMinutes(10) });
    expect(await eventsOf(cursor, model.id)).toEqual([
      expect.objectContaining({
        type: "model.change_scheduled",
        scheduled_change_id: change.id,
        effective_at: change.effective_at,
        changes: { is_archived: { from: false, to: true } },
        changed_fields: [],
      }),
    ]);
  });
});

describe("the scheduled-changes Cron Trigger", () => {
  it("applies a due change once, as system:scheduler with the author and effective_at kept", async () => {
    const model = await createModel();
    const change = await scheduled({
      modelId: model.id,
      action: "mark_legacy",
      body: { deprecationNotice: "moving on" },
      effectiveAt: inMinutes(2),
    });
    await runCron(Date.parse(change.effective_at) - 60_000);
    expect((await current(model.id)).model.is_legacy).toBe(false);

    await runCron(Date.parse(change.effective_at) + 30_000);
    await runCron(Date.parse(change.effective_at) + 90_000);

    const after = await current(model.id);
    expect(after.model).toMatchObject({ is_legacy: true, row_version: 2 });
    expect(after.audit.filter((entry) => entry.action === "mark_legacy")).toEqual([
      expect.objectContaining({ actor: "system:scheduler", reason: `scheduled change ${change.id} by admin-alice` }),
    ]);
    const [settled] = await scheduledChanges({ model: model.id });
    expect(settled).toMatchObject({ status: "applied", applied_at: expect.any(String) });
    expect(await upcomingOf(model.id)).toEqual([]);
  });

  it("fails a change no longer legal: failed with its code, an audit row and model.scheduled_change_failed; never retried", async () => {
    const model = await createModel();
    const change = await scheduled({ modelId: model.id, action: "archive", body: { reason: "retiring" }, effectiveAt: inMinutes(2) });
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "sooner" })).status).toBe(200);
    const cursor = await feedEnd();

    await runCron(Date.parse(change.effective_at) + 30_000);
    await runCron(Date.parse(change.effective_at) + 90_000);

    const [failed] = await scheduledChanges({ model: model.id });
    expect(failed).toMatchObject({ status: "failed", error: { code: "conflict", message: "the model is already archived" } });
    const after = await current(model.id);
    expect(after.model.row_version).toBe(2);
    expect(after.audit.filter((entry) => entry.action === "scheduled_change_failed")).toEqual([
      expect.objectContaining({ actor: "system:scheduler", new_value: expect.objectContaining({ code: "conflict" }) }),
    ]);
    expect(await eventsOf(cursor, model.id)).toEqual([
      expect.objectContaining({ type: "model.scheduled_change_failed", scheduled_change_id: change.id, error: failed?.error }),
    ]);
  });

  it("fails a change planned against a version (If-Match) the model has left", async () => {
    const model = await createModel();
    const response = await adminPost(
      "/admin/scheduled-changes",
      { modelId: model.id, action: "update_meta", body: { displayName: "Planned" }, effectiveAt: inMinutes(2) },
      { "If-Match": '"1"' },
    );
    const { scheduled_change: change } = await response.json<{ scheduled_change: { effective_at: string } }>();
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "meanwhile" })).status).toBe(200);
    await runCron(Date.parse(change.effective_at) + 30_000);
    expect((await scheduledChanges({ model: model.id }))[0]).toMatchObject({ status: "failed", error: { code: "precondition_failed" } });
  });

  it("two runs at once apply a change once", async () => {
    const model = await createModel();
    const change = await scheduled({
      modelId: model.id,
      action: "update_meta",
      body: { creditsPer1kTokens: 7 },
      effectiveAt: inMinutes(2),
    });
    const due = Date.parse(change.effective_at) + 30_000;
    await Promise.all([runCron(due), runCron(due)]);
    const after = await current(model.id);
    expect(after.model.row_version).toBe(2);
    expect(after.audit.filter((entry) => entry.action === "update_meta")).toHaveLength(1);
  });
});

describe.skipIf(embeddedDatabase())("the scheduled-changes cron on PostgreSQL, two runs caught mid-transaction", () => {
  it("the second run waits on the claimed change and then applies nothing", async () => {
    const model = await createModel();
    const change = await scheduled({
      modelId: model.id,
      action: "update_meta",
      body: { creditsPer1kTokens: 9 },
      effectiveAt: inMinutes(2),
    });
    const due = Date.parse(change.effective_at) + 30_000;
    const gate = await gateModelUpdates([model.id]);
    try {
      const runs = [runCron(due), runCron(due)];
      const open = await gate.overlapping(2);
      expect(open, "both runs' transactions are open, none committed").toHaveLength(2);
      await gate.release();
      await Promise.all(runs);
    } finally {
      await gate.undo();
    }
    const after = await current(model.id);
    expect(after.model.row_version).toBe(2);
    expect(after.audit.filter((entry) => entry.action === "update_meta")).toHaveLength(1);
  });
});
