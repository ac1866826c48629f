import { describe, expect, it } from "vitest";
import { adminPost, adminToken, call, expectError } from "./support/client";
import { feedEnd, feedSince } from "./support/feed";
import { createModel, current, uniqueId } from "./support/fixtures";
import { cancelChange, inMinutes, scheduleChange, scheduled, scheduledChanges, upcomingOf } from "./support/scheduling";

const priceRise = (modelId: string, effectiveAt = inMinutes(5)) => ({
  modelId,
  action: "update_meta",
  body: { inputCostPerMillionTokens: 150 },
  effectiveAt,
  reason: "announced price rise",
});

describe("POST /admin/scheduled-changes", () => {
  it("schedules a change: 201, pending, with its author", async () => {
    const model = await createModel();
    const change = await scheduled(priceRise(model.id));
    expect(change).toMatchObject({
      id: expect.stringMatching(/^sc_/),
      model_id: model.id,
      alias: null,
      action: "update_meta",
      body: { inputCostPerMillionTokens: 150 },
      status: "pending",
      created_by: "admin-alice",
      reason: "announced price rise",
      applied_at: null,
      error: null,
    });
    expect((await current(model.id)).model.row_version).toBe(1);
  });

  it("refuses a body its immediate route would refuse, with the same issues under `body`", async () => {
    const model = await createModel();
    const immediate = await expectError(await adminPost(`/admin/models/${model.id}/archive`, { reason: "" }), 400, "invalid_request");
    const planned = await expectError(
      await scheduleChange({ modelId: model.id, action: "archive", body: { reason: "" }, effectiveAt: inMinutes(5) }),
      400,
      "invalid_request",
    );
    const issues = (immediate.error.details as { path: unknown[]; message: string }[]).map(({ path, message }) => ({ path, message }));
    expect(planned.error.details).toEqual(issues.map(({ path, message }) => expect.objectContaining({ path: ["body", ...path], message })));
    expect(await scheduledChanges({ model: model.id })).toEqual([]);
  });

  it.each([
    ["in the past", new Date(Date.now() - 60_000).toISOString()],
    ["under 60 s ahead", new Date(Date.now() + 30_000).toISOString()],
    ["over 2 years ahead", new Date(Date.now() + 731 * 86_400_000).toISOString()],
    ["malformed", "next tuesday"],
  ])("refuses an effectiveAt %s: 400, nothing scheduled", async (_case, effectiveAt) => {
    const model = await createModel();
    await expectError(await scheduleChange(priceRise(model.id, effectiveAt)), 400, "invalid_request");
    expect(await scheduledChanges({ model: model.id })).toEqual([]);
  });

  it("answers 404 for an unknown model", async () => {
    await expectError(await scheduleChange(priceRise(uniqueId("missing"))), 404, "not_found");
  });

  it("refuses at once an action that will not be legal then: unarchive an active model is 409", async () => {
    const model = await createModel();
    await expectError(
      await scheduleChange({ modelId: model.id, action: "unarchive", body: {}, effectiveAt: inMinutes(5) }),
      409,
      "conflict",
    );
    expect(await scheduledChanges({ model: model.id })).toEqual([]);
  });

  it("judges an action on the model as the changes pending before it leave it: unarchive after a scheduled archive is fine", async () => {
    const model = await createModel();
    await scheduled({ modelId: model.id, action: "archive", body: { reason: "retiring" }, effectiveAt: inMinutes(5) });
    await scheduled({ modelId: model.id, action: "unarchive", body: {}, effectiveAt: inMinutes(10) });
    await expectError(await scheduleChange({ modelId: model.id, action: "unarchive", body: {}, effectiveAt: inMinutes(4) }), 409);
  });

  it("with an Idempotency-Key, a retry gets the first answer and schedules nothing more", async () => {
    const model = await createModel();
    const key = { "Idempotency-Key": uniqueId("key") };
    // One body for both: inMinutes() read twice can straddle a second, and a changed body is 422 for the same key.
    const change = priceRise(model.id);
    const first = await scheduleChange(change, key);
    const again = await scheduleChange(change, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await scheduledChanges({ model: model.id })).toHaveLength(1);
  });
});

describe("GET /admin/scheduled-changes", () => {
  it("lists by model and status, soonest first", async () => {
    const model = await createModel();
    const later = await scheduled(priceRise(model.id, inMinutes(30)));
    const sooner = await scheduled(priceRise(model.id, inMinutes(10)));
    expect((await scheduledChanges({ model: model.id })).map((change) => change.id)).toEqual([sooner.id, later.id]);
    expect((await cancelChange(sooner.id)).status).toBe(204);
    expect((await scheduledChanges({ model: model.id, status: "pending" })).map((change) => change.id)).toEqual([later.id]);
    expect((await scheduledChanges({ model: model.id, status: "cancelled" })).map((change) => change.id)).toEqual([sooner.id]);
  });

  it("refuses an unknown status: 400", async () => {
    await expectError(await call("/admin/scheduled-changes?status=done", { token: await adminToken() }), 400, "invalid_request");
  });
});

describe("DELETE /admin/scheduled-changes/:id", () => {
  it("cancels a pending change: 204, gone from upcoming_changes, model.change_cancelled in the feed", async () => {
    const model = await createModel();
    const change = await scheduled(priceRise(model.id));
    expect(await upcomingOf(model.id)).toHaveLength(1);
    const cursor = await feedEnd();
    expect((await cancelChange(change.id)).status).toBe(204);
    expect(await upcomingOf(model.id)).toEqual([]);
    const events = (await feedSince(cursor)).events.filter((event) => event.model_id === model.id);
    expect(events).toEqual([
      expect.objectContaining({ type: "model.change_cancelled", scheduled_change_id: change.id, effective_at: change.effective_at }),
    ]);
    expect((await scheduledChanges({ model: model.id }))[0]).toMatchObject({ status: "cancelled", cancelled_by: "admin-alice" });
  });

  it("answers 409 for a change no longer pending, 404 for an unknown one", async () => {
    const model = await createModel();
    const change = await scheduled(priceRise(model.id));
    expect((await cancelChange(change.id)).status).toBe(204);
    await expectError(await cancelChange(change.id), 409, "conflict");
    await expectError(await cancelChange(`sc_${"0".repeat(32)}`), 404, "not_found");
  });
});
