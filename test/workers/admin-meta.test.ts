import { describe, expect, it } from "vitest";
import { adminToken, call, type ErrorBody } from "./support/client";
import { type AdminModel, type AuditEntry, createModel, current, sampleMeta, uniqueId } from "./support/fixtures";

async function patchMeta(id: string, json: unknown, headers: Record<string, string> = {}, token?: string) {
  return call(`/admin/models/${id}/meta`, { method: "PATCH", token: token ?? (await adminToken()), json, headers });
}

/** A refusal leaves the model exactly as it was and writes no audit row. */
async function expectUnchanged(before: { model: AdminModel; audit: AuditEntry[] }) {
  const after = await current(before.model.id);
  expect(after.model).toEqual(before.model);
  expect(after.audit).toEqual(before.audit);
}

describe("PATCH /admin/models/:id/meta", () => {
  it("merges the patch into the current meta and answers with the updated model, its new ETag and no-store", async () => {
    const model = await createModel({ meta: { description: "before", version: "1" } });

    const response = await patchMeta(model.id, { description: "after", contextLength: 65536 });

    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ model: AdminModel }>();
    expect(body.model.row_version).toBe(2);
    // Untouched keys survive the merge.
    expect(body.model.meta).toEqual({ ...sampleMeta({ description: "after", version: "1" }), contextLength: 65536 });
    expect((await current(model.id)).model).toEqual(body.model);
  });

  it("shows the change to clients at once", async () => {
    const model = await createModel();
    expect(await (await call(`/v1/models/${model.id}`)).json()).toMatchObject({ display_name: "Test Model" });

    await patchMeta(model.id, { displayName: "Renamed" });

    expect(await (await call(`/v1/models/${model.id}`)).json()).toMatchObject({ display_name: "Renamed" });
  });

  it("removes an optional key patched to null", async () => {
    const model = await createModel({ meta: { description: "to be removed" } });

    const response = await patchMeta(model.id, { description: null });

    expect(response.status).toBe(200);
    expect((await response.json<{ model: AdminModel }>()).model.meta).not.toHaveProperty("description");
  });

  it("audits only what changed, with actor, previous and new value and the request id", async () => {
    const model = await createModel({ meta: { contextLength: 8192 } });

    const response = await patchMeta(model.id, { contextLength: 16384, displayName: "Test Model" }, {}, await adminToken("admin-dave"));

    const [entry] = (await current(model.id)).audit;
    expect(entry).toMatchObject({
      actor: "admin-dave",
      action: "update_meta",
      previous_value: { meta: { contextLength: 8192 } },
      new_value: { meta: { contextLength: 16384 } },
      request_id: response.headers.get("X-Request-Id"),
    });
  });

  it("accepts an If-Match naming the current version", async () => {
    const model = await createModel();
    const response = await patchMeta(model.id, { version: "2" }, { "If-Match": '"1"' });
    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
  });

  it("refuses a stale If-Match with 412, the current ETag, and no change", async () => {
    const model = await createModel();
    await patchMeta(model.id, { version: "2" });
    const before = await current(model.id);

    const response = await patchMeta(model.id, { version: "3" }, { "If-Match": '"1"' });

    expect(response.status).toBe(412);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect((await response.json<ErrorBody>()).error.code).toBe("precondition_failed");
    await expectUnchanged(before);
  });

  it.each([
    ["a lifecycle flag", { isArchived: true }],
    ["an unknown key", { colour: "blue" }],
    ["the legacy replacement (mark-legacy sets it)", { legacyReplacementModelId: "gpt-5" }],
    ["the sunset date (mark-legacy sets it)", { sunsetDate: "2031-01-01T00:00:00Z" }],
    ["the deprecation notice (mark-legacy sets it)", { deprecationNotice: "going away" }],
    ["an empty patch", {}],
    ["a wrong type", { contextLength: "long" }],
    ["a required field set to null", { displayName: null }],
    ["a string past the schema's limit", { description: "d".repeat(5001) }],
  ])("refuses %s with 400, leaving the model and its audit trail unchanged", async (_, patch) => {
    const model = await createModel();
    const before = await current(model.id);

    const response = await patchMeta(model.id, patch);

    expect(response.status).toBe(400);
    expect((await response.json<ErrorBody>()).error.code).toBe("invalid_request");
    await expectUnchanged(before);
  });

  it("refuses a patch that leaves the meta invalid as a whole with 400 naming the field", async () => {
    // Each key is fine alone; exact mode needs allowedTiers to be exactly [requiredTier].
    const model = await createModel();
    const before = await current(model.id);

    const response = await patchMeta(model.id, { tierRestrictionMode: "exact", requiredTier: "pro" });

    expect(response.status).toBe(400);
    const { error } = await response.json<ErrorBody>();
    expect(error.details).toEqual([expect.objectContaining({ path: ["meta", "allowedTiers"] })]);
    await expectUnchanged(before);
  });

  it("accepts the same change when it is consistent as a whole", async () => {
    const model = await createModel();
    const response = await patchMeta(model.id, { tierRestrictionMode: "exact", requiredTier: "pro", allowedTiers: ["pro"] });
    expect(response.status).toBe(200);
    expect((await response.json<{ model: AdminModel }>()).model.meta).toMatchObject({
      tierRestrictionMode: "exact",
      requiredTier: "pro",
      allowedTiers: ["pro"],
    });
  });

  it("answers 404 for an unknown model", async () => {
    const response = await patchMeta(uniqueId("ghost"), { version: "2" });
    expect(response.status).toBe(404);
  });
});
