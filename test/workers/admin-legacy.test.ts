import { describe, expect, it } from "vitest";
import { adminPost, adminToken, call } from "./support/client";
import { type AdminModel, createModel, current, expectRefused, inDays, uniqueId } from "./support/fixtures";

// Far enough ahead that no sunset cron run in another test file can reach it.
const SUNSET = inDays(800);

const markLegacy = (id: string, json: unknown = {}, headers: Record<string, string> = {}) =>
  adminPost(`/admin/models/${id}/mark-legacy`, json, headers);

describe("POST /admin/models/:id/mark-legacy", () => {
  it("marks the model legacy with its replacement, notice and sunset date, and answers with it", async () => {
    const replacement = await createModel();
    const model = await createModel();

    const response = await markLegacy(model.id, {
      replacementModelId: replacement.id,
      deprecationNotice: "Use the new one",
      sunsetDate: SUNSET,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"2"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ model: AdminModel }>();
    expect(body.model).toMatchObject({ id: model.id, is_legacy: true, is_archived: false, row_version: 2 });
    expect(body.model.meta).toMatchObject({
      legacyReplacementModelId: replacement.id,
      deprecationNotice: "Use the new one",
      sunsetDate: SUNSET,
    });
    expect(Math.abs(Date.parse(body.model.legacy_since ?? "") - Date.now())).toBeLessThan(60_000);
  });

  it("stores the sunset date as a UTC instant", async () => {
    const model = await createModel();
    const response = await markLegacy(model.id, { sunsetDate: "2099-01-01T02:00:00+02:00" });
    expect((await response.json<{ model: AdminModel }>()).model.meta.sunsetDate).toBe("2099-01-01T00:00:00.000Z");
  });

  it("shows clients the legacy status at once, with Deprecation, Sunset and successor Link headers", async () => {
    const replacement = await createModel();
    const model = await createModel();
    expect((await call(`/v1/models/${model.id}`)).headers.get("Deprecation")).toBeNull();

    await markLegacy(model.id, { replacementModelId: replacement.id, sunsetDate: SUNSET });

    const response = await call(`/v1/models/${model.id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      is_legacy: true,
      legacy_info: { replacement_model_id: replacement.id, sunset_date: SUNSET },
    });
    expect(response.headers.get("Deprecation")).toMatch(/^@\d+$/);
    expect(response.headers.get("Sunset")).toBe(new Date(SUNSET).toUTCString());
    expect(response.headers.get("Link")).toBe(`</v1/models/${replacement.id}>; rel="successor-version"`);
  });

  it("audits the change with the admin, previous and new values and the request id", async () => {
    const model = await createModel();

    const response = await call(`/admin/models/${model.id}/mark-legacy`, {
      token: await adminToken("admin-erin"),
      json: { deprecationNotice: "Retiring" },
    });

    const [entry] = (await current(model.id)).audit;
    expect(entry).toMatchObject({
      actor: "admin-erin",
      action: "mark_legacy",
      previous_value: { isLegacy: false, meta: { deprecationNotice: null } },
      new_value: { isLegacy: true, meta: { deprecationNotice: "Retiring" } },
      request_id: response.headers.get("X-Request-Id"),
    });
  });

  it("replaces the legacy details of a model marked again, keeping when it became legacy", async () => {
    const replacement = await createModel();
    const model = await createModel();
    const first = (
      await (
        await markLegacy(model.id, { replacementModelId: replacement.id, deprecationNotice: "old notice" })
      ).json<{ model: AdminModel }>()
    ).model;

    const response = await markLegacy(model.id, { sunsetDate: SUNSET });

    const { model: again } = await response.json<{ model: AdminModel }>();
    expect(again.meta).toMatchObject({ sunsetDate: SUNSET });
    expect(again.meta).not.toHaveProperty("legacyReplacementModelId");
    expect(again.meta).not.toHaveProperty("deprecationNotice");
    expect(again.legacy_since).toBe(first.legacy_since);
  });

  describe("refusals: the model and its audit trail stay unchanged", () => {
    it("refuses a replacement that does not exist with 400", async () => {
      const model = await createModel();
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { replacementModelId: uniqueId("ghost") }), 400, "invalid_request", before);
    });

    it("refuses the model as its own replacement with 400", async () => {
      const model = await createModel();
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { replacementModelId: model.id }), 400, "invalid_request", before);
    });

    it("refuses an archived replacement with 409", async () => {
      const replacement = await createModel();
      await adminPost(`/admin/models/${replacement.id}/archive`, { reason: "retired" });
      const model = await createModel();
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { replacementModelId: replacement.id }), 409, "conflict", before);
    });

    it("refuses a replacement cycle A -> B -> A with 409", async () => {
      const a = await createModel();
      const b = await createModel();
      expect((await markLegacy(a.id, { replacementModelId: b.id })).status).toBe(200);
      const before = await current(b.id);
      await expectRefused(await markLegacy(b.id, { replacementModelId: a.id }), 409, "conflict", before);
    });

    it("refuses a longer replacement cycle A -> B -> C -> A with 409", async () => {
      const [a, b, c] = [await createModel(), await createModel(), await createModel()];
      expect((await markLegacy(a.id, { replacementModelId: b.id })).status).toBe(200);
      expect((await markLegacy(b.id, { replacementModelId: c.id })).status).toBe(200);
      const before = await current(c.id);
      await expectRefused(await markLegacy(c.id, { replacementModelId: a.id }), 409, "conflict", before);
    });

    it("allows a chain that does not loop back: A -> C while B -> C", async () => {
      const [a, b, c] = [await createModel(), await createModel(), await createModel()];
      expect((await markLegacy(b.id, { replacementModelId: c.id })).status).toBe(200);
      expect((await markLegacy(a.id, { replacementModelId: c.id })).status).toBe(200);
    });

    it("refuses a sunset date in the past with 400", async () => {
      const model = await createModel();
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { sunsetDate: inDays(-1) }), 400, "invalid_request", before);
    });

    it.each([
      ["not ISO 8601", "next tuesday"],
      ["without a zone", "2099-01-01T00:00:00"],
      ["not a real day", "2099-02-30T00:00:00Z"],
    ])("refuses a sunset date %s with 400", async (_, sunsetDate) => {
      const model = await createModel();
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { sunsetDate }), 400, "invalid_request", before);
    });

    it("refuses unknown fields with 400", async () => {
      const model = await createModel();
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { isArchived: true }), 400, "invalid_request", before);
    });

    it("refuses an archived model with 409", async () => {
      const model = await createModel();
      await adminPost(`/admin/models/${model.id}/archive`, { reason: "retired" });
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, { deprecationNotice: "too late" }), 409, "conflict", before);
    });

    it("refuses a stale If-Match with 412", async () => {
      const model = await createModel();
      await call(`/admin/models/${model.id}/meta`, { method: "PATCH", token: await adminToken(), json: { version: "2" } });
      const before = await current(model.id);
      await expectRefused(await markLegacy(model.id, {}, { "If-Match": '"1"' }), 412, "precondition_failed", before);
    });

    it("answers 404 for an unknown model", async () => {
      const response = await markLegacy(uniqueId("ghost"), {});
      expect(response.status).toBe(404);
    });
  });
});

describe("POST /admin/models/:id/unmark-legacy", () => {
  it("makes the model active again and clears every legacy field", async () => {
    const replacement = await createModel();
    const model = await createModel();
    await markLegacy(model.id, { replacementModelId: replacement.id, deprecationNotice: "bye", sunsetDate: SUNSET });

    // No body at all: the call has nothing to say.
    const response = await call(`/admin/models/${model.id}/unmark-legacy`, { method: "POST", token: await adminToken() });

    expect(response.status).toBe(200);
    expect(response.headers.get("ETag")).toBe('"3"');
    const body = await response.json<{ model: AdminModel }>();
    expect(body.model).toMatchObject({ is_legacy: false, legacy_since: null });
    for (const key of ["legacyReplacementModelId", "deprecationNotice", "sunsetDate"]) expect(body.model.meta).not.toHaveProperty(key);

    const [entry] = (await current(model.id)).audit;
    expect(entry).toMatchObject({
      action: "unmark_legacy",
      previous_value: { isLegacy: true },
      new_value: { isLegacy: false, meta: { sunsetDate: null } },
    });
    const publicView = await call(`/v1/models/${model.id}`);
    expect(publicView.headers.get("Deprecation")).toBeNull();
    expect(await publicView.json()).toMatchObject({ is_legacy: false });
  });

  it("refuses a model that is not legacy with 409", async () => {
    const model = await createModel();
    const before = await current(model.id);
    await expectRefused(await adminPost(`/admin/models/${model.id}/unmark-legacy`), 409, "conflict", before);
  });

  it("refuses an archived model with 409: only unarchive leads out of the archive", async () => {
    const model = await createModel();
    await markLegacy(model.id, { deprecationNotice: "bye" });
    await adminPost(`/admin/models/${model.id}/archive`, { reason: "retired" });
    const before = await current(model.id);
    await expectRefused(await adminPost(`/admin/models/${model.id}/unmark-legacy`), 409, "conflict", before);
  });

  it("refuses a body with fields with 400", async () => {
    const model = await createModel();
    await markLegacy(model.id, {});
    const before = await current(model.id);
    await expectRefused(await adminPost(`/admin/models/${model.id}/unmark-legacy`, { isLegacy: false }), 400, "invalid_request", before);
  });

  it("answers 404 for an unknown model", async () => {
    expect((await adminPost(`/admin/models/${uniqueId("ghost")}/unmark-legacy`)).status).toBe(404);
  });
});

describe("GET /admin/models/legacy", () => {
  it("lists live legacy models, not active or archived ones", async () => {
    const [legacy, active, archived] = [await createModel(), await createModel(), await createModel()];
    await markLegacy(legacy.id, { sunsetDate: SUNSET });
    await markLegacy(archived.id, {});
    await adminPost(`/admin/models/${archived.id}/archive`, { reason: "gone" });

    const response = await call("/admin/models/legacy", { token: await adminToken() });

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { models } = await response.json<{ models: AdminModel[] }>();
    const ids = models.map((model) => model.id);
    expect(ids).toContain(legacy.id);
    expect(ids).not.toContain(active.id);
    expect(ids).not.toContain(archived.id);
    expect(models.find((model) => model.id === legacy.id)?.meta.sunsetDate).toBe(SUNSET);
  });
});
