/** A scheduled `repoint` of an alias (spec Part 3 "Scheduled changes"): judged by the alias rules when scheduled, applied by the cron. */
import { describe, expect, it } from "vitest";
import { aliasAudit, aliasState, createAlias } from "./support/aliases";
import { adminPost, call, expectError, runCron } from "./support/client";
import { feedEnd, feedSince } from "./support/feed";
import { createModel, uniqueId } from "./support/fixtures";
import { inMinutes, scheduleChange, scheduled, scheduledChanges } from "./support/scheduling";

const eventsOf = async (cursor: string, id: string) => (await feedSince(cursor)).events.filter((event) => event.model_id === id);

async function aliasOnA() {
  const [a, b] = [await createModel(), await createModel()];
  const alias = uniqueId("alias");
  await createAlias(alias, a.id);
  return { a, b, alias };
}

describe("POST /admin/scheduled-changes with an alias", () => {
  it("stores a pending repoint with the alias and announces its alias_for change", async () => {
    const { a, b, alias } = await aliasOnA();
    const cursor = await feedEnd();
    const change = await scheduled({ alias, action: "repoint", body: { targetModelId: b.id }, effectiveAt: inMinutes(5), reason: "v2" });
    expect(change).toMatchObject({ model_id: null, alias, action: "repoint", body: { targetModelId: b.id }, status: "pending" });
    expect((await scheduledChanges({ model: alias })).map((row) => row.id)).toEqual([change.id]);
    expect(await eventsOf(cursor, alias)).toEqual([
      expect.objectContaining({ type: "model.change_scheduled", changes: { alias_for: { from: a.id, to: b.id } } }),
    ]);
    expect((await aliasAudit(alias)).map((entry) => entry.action)).toContain("schedule_change");
  });

  it("validates the body with PUT /admin/aliases/:alias's schema and the target: 400, 404, 409", async () => {
    const { a, b, alias } = await aliasOnA();
    const at = inMinutes(5);
    const body = await expectError(await scheduleChange({ alias, action: "repoint", body: {}, effectiveAt: at }), 400, "invalid_request");
    expect(JSON.stringify(body.error.details)).toContain("targetModelId");
    await expectError(await scheduleChange({ alias, action: "repoint", body: { targetModelId: b.id, extra: 1 }, effectiveAt: at }), 400);
    await expectError(
      await scheduleChange({ alias, modelId: a.id, action: "repoint", body: { targetModelId: b.id }, effectiveAt: at }),
      400,
    );
    await expectError(await scheduleChange({ modelId: a.id, action: "repoint", body: { targetModelId: b.id }, effectiveAt: at }), 400);
    await expectError(await scheduleChange({ alias, action: "archive", body: { reason: "x" }, effectiveAt: at }), 400);
    await expectError(
      await scheduleChange({ alias: uniqueId("nope"), action: "repoint", body: { targetModelId: b.id }, effectiveAt: at }),
      404,
      "not_found",
    );
    await expectError(
      await scheduleChange({ alias, action: "repoint", body: { targetModelId: uniqueId("nope") }, effectiveAt: at }),
      404,
      "not_found",
    );
    const other = uniqueId("alias");
    await createAlias(other, b.id);
    await expectError(
      await scheduleChange({ alias, action: "repoint", body: { targetModelId: other }, effectiveAt: at }),
      409,
      "alias_target_is_alias",
    );
    expect((await adminPost(`/admin/models/${b.id}/archive`, { reason: "gone" })).status).toBe(200);
    await expectError(
      await scheduleChange({ alias, action: "repoint", body: { targetModelId: b.id }, effectiveAt: at }),
      409,
      "alias_target_archived",
    );
  });

  it("refuses a target that an earlier scheduled archive will have archived by then: 409", async () => {
    const { b, alias } = await aliasOnA();
    await scheduled({ modelId: b.id, action: "archive", body: { reason: "retiring" }, effectiveAt: inMinutes(3) });
    await expectError(
      await scheduleChange({ alias, action: "repoint", body: { targetModelId: b.id }, effectiveAt: inMinutes(5) }),
      409,
      "alias_target_archived",
    );
  });
});

describe("the cron applying a scheduled repoint", () => {
  it("re-points the alias through the alias service as system:scheduler, once", async () => {
    const { b, alias } = await aliasOnA();
    const change = await scheduled({ alias, action: "repoint", body: { targetModelId: b.id }, effectiveAt: inMinutes(2) });
    const cursor = await feedEnd();
    await runCron(Date.parse(change.effective_at) + 30_000);
    await runCron(Date.parse(change.effective_at) + 90_000);

    expect((await scheduledChanges({ model: alias }))[0]).toMatchObject({ status: "applied" });
    expect((await aliasState(alias))?.target_model_id).toBe(b.id);
    expect(await (await call(`/v1/models/${alias}`)).json()).toMatchObject({ id: alias, alias_for: b.id });
    const repoints = (await aliasAudit(alias)).filter((entry) => entry.action === "repoint_alias");
    expect(repoints).toEqual([expect.objectContaining({ actor: "system:scheduler", reason: expect.stringContaining(change.id) })]);
    expect((await eventsOf(cursor, alias)).map((event) => event.type)).toEqual(["alias.repointed"]);
  });

  it("fails it when the target was archived meanwhile: its code, an audit row, model.scheduled_change_failed", async () => {
    const { a, b, alias } = await aliasOnA();
    const change = await scheduled({ alias, action: "repoint", body: { targetModelId: b.id }, effectiveAt: inMinutes(2) });
    expect((await adminPost(`/admin/models/${b.id}/archive`, { reason: "gone" })).status).toBe(200);
    const cursor = await feedEnd();
    await runCron(Date.parse(change.effective_at) + 30_000);
    await runCron(Date.parse(change.effective_at) + 90_000);

    const [failed] = await scheduledChanges({ model: alias });
    expect(failed).toMatchObject({ status: "failed", error: { code: "alias_target_archived" } });
    expect((await aliasState(alias))?.target_model_id).toBe(a.id);
    expect((await aliasAudit(alias)).filter((entry) => entry.action === "scheduled_change_failed")).toEqual([
      expect.objectContaining({ actor: "system:scheduler", new_value: expect.objectContaining({ code: "alias_target_archived" }) }),
    ]);
    expect(await eventsOf(cursor, alias)).toEqual([
      expect.objectContaining({ type: "model.scheduled_change_failed", scheduled_change_id: change.id, error: failed?.error }),
    ]);
  });
});
