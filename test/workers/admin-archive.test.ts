import { describe, expect, it } from "vitest";
import { adminPost, adminToken, call, type ErrorBody } from "./support/client";
import { type AdminModel, createModel, current, expectRefused, inDays, publicIds, uniqueId, uniqueProvider } from "./support/fixtures";

const archive = (id: string, json: unknown = { reason: "provider shut it down" }, headers: Record<string, string> = {}) =>
  adminPost(`/admin/models/${id}/archive`, json, headers);

describe("POST /admin/models/:id/archive", () => {
  it("archives the model with the reason, answers with it, and audits who and why", async () => {
    const model = await createModel();

    const response = await call(`/admin/models/${model.id}/archive`, {
      token: await adminToken("admin-frank"),
      json: { reason: "provider shut it down" },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect((await response.json<{ model: AdminModel }>()).model).toMatchObject({ id: model.id, is_archived: true, row_version: 2 });
    const [entry] = (await current(model.id)).audit;
    expect(entry).toMatchObject({
      actor: "admin-frank",
      action: "archive",
      previous_value: { isArchived: false },
      new_value: { isArchived: true },
      reason: "provider shut it down",
      request_id: response.headers.get("X-Request-Id"),
    });
  });

  it("hides the model from clients at once: gone from the list, its detail and access gate 410 with the replacement", async () => {
    const provider = uniqueProvider();
    const replacement = await createModel({ provider });
    const model = await createModel({ provider });
    await adminPost(`/admin/models/${model.id}/mark-legacy`, { replacementModelId: replacement.id });
    expect(await publicIds(provider)).toContain(model.id);

    await archive(model.id);

    expect(await publicIds(provider)).toEqual([replacement.id]);
    const detail = await call(`/v1/models/${model.id}`);
    expect(detail.status).toBe(410);
    expect((await detail.json<ErrorBody>()).error.details).toMatchObject({ replacement_model_id: replacement.id });
    expect((await call(`/v1/models/${model.id}/access`)).status).toBe(410);
  });

  it.each([
    ["no reason", {}],
    ["an empty reason", { reason: "" }],
    ["a blank reason", { reason: "   " }],
    ["a reason that is not a string", { reason: 42 }],
  ])("refuses %s with 400", async (_, body) => {
    const model = await createModel();
    const before = await current(model.id);
    await expectRefused(await archive(model.id, body), 400, "invalid_request", before);
  });

  it("refuses an archived model with 409", async () => {
    const model = await createModel();
    await archive(model.id);
    const before = await current(model.id);
    await expectRefused(await archive(model.id, { reason: "again" }), 409, "conflict", before);
  });

  it("refuses a stale If-Match with 412", async () => {
    const model = await createModel();
    await adminPost(`/admin/models/${model.id}/mark-legacy`, {});
    const before = await current(model.id);
    await expectRefused(await archive(model.id, undefined, { "If-Match": '"1"' }), 412, "precondition_failed", before);
  });

  it("answers 404 for an unknown model", async () => {
    expect((await archive(uniqueId("ghost"))).status).toBe(404);
  });
});

describe("POST /admin/models/:id/unarchive", () => {
  it("brings the model back to clients", async () => {
    const provider = uniqueProvider();
    const model = await createModel({ provider });
    await archive(model.id);

    const response = await call(`/admin/models/${model.id}/unarchive`, { method: "POST", token: await adminToken() });

    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"3"');
    expect((await response.json<{ model: AdminModel }>()).model).toMatchObject({ is_archived: false, is_legacy: false });
    expect(await publicIds(provider)).toEqual([model.id]);
    expect((await call(`/v1/models/${model.id}`)).status).toBe(200);
    const [entry] = (await current(model.id)).audit;
    expect(entry).toMatchObject({ action: "unarchive", previous_value: { isArchived: true }, new_value: { isArchived: false } });
  });

  it("keeps legacy status and legacy details: the model comes back as it left", async () => {
    const replacement = await createModel();
    const model = await createModel();
    const legacy = (
      await (
        await adminPost(`/admin/models/${model.id}/mark-legacy`, {
          replacementModelId: replacement.id,
          deprecationNotice: "Use the new one",
          sunsetDate: inDays(800),
        })
      ).json<{ model: AdminModel }>()
    ).model;
    await archive(model.id);

    const response = await adminPost(`/admin/models/${model.id}/unarchive`);

    const { model: back } = await response.json<{ model: AdminModel }>();
    expect(back).toMatchObject({ is_archived: false, is_legacy: true, legacy_since: legacy.legacy_since });
    expect(back.meta).toEqual(legacy.meta);
  });

  it("refuses a model that is not archived with 409", async () => {
    const model = await createModel();
    const before = await current(model.id);
    await expectRefused(await adminPost(`/admin/models/${model.id}/unarchive`), 409, "conflict", before);
  });

  it("answers 404 for an unknown model", async () => {
    expect((await adminPost(`/admin/models/${uniqueId("ghost")}/unarchive`)).status).toBe(404);
  });
});

describe("GET /admin/models/archived", () => {
  it("lists archived models, legacy or not, and no live ones", async () => {
    const [plain, legacy, live] = [await createModel(), await createModel(), await createModel()];
    await adminPost(`/admin/models/${legacy.id}/mark-legacy`, {});
    await archive(plain.id);
    await archive(legacy.id);

    const response = await call("/admin/models/archived", { token: await adminToken() });

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { models } = await response.json<{ models: AdminModel[] }>();
    const mine = models.filter((model) => [plain.id, legacy.id, live.id].includes(model.id));
    // Most recently archived first.
    expect(mine.map((model) => model.id)).toEqual([legacy.id, plain.id]);
    expect(mine.every((model) => model.is_archived)).toBe(true);
  });
});
