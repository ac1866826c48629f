import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { modelTierAuditLogs } from "../../drizzle/schema";
import { openDatabase } from "../../src/db/client";
import { adminToken, call, type ErrorBody } from "./support/client";
import { type AdminModel, auditOf, createModel, sampleMeta, uniqueId } from "./support/fixtures";

const createBody = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  name: `Model ${id}`,
  provider: "acme",
  meta: sampleMeta(),
  ...overrides,
});

async function create(json: unknown, token?: string) {
  return call("/admin/models", { token: token ?? (await adminToken()), json });
}

// Straight to the database: a refused create has no model to hang an audit trail on in the API.
const database = openDatabase(env);
afterAll(() => database.close());

/** The id was refused: no model and no audit row exist for it. */
async function expectNothingCreated(id: string) {
  const response = await call(`/admin/models/${id}`, { token: await adminToken() });
  expect(response.status).toBe(404);
  expect(await database.db.select().from(modelTierAuditLogs).where(eq(modelTierAuditLogs.modelId, id))).toEqual([]);
}

describe("POST /admin/models", () => {
  it("creates the model and answers 201 with it, its ETag and no-store", async () => {
    const id = uniqueId("create");
    const response = await create(createBody(id, { isAvailable: false }));

    expect(response.status).toBe(201);
    expect(response.headers.get("ETag")).toBe('"1"');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { model } = await response.json<{ model: AdminModel }>();
    expect(model).toMatchObject({
      id,
      name: `Model ${id}`,
      provider: "acme",
      is_available: false,
      is_legacy: false,
      is_archived: false,
      legacy_since: null,
      row_version: 1,
    });
    expect(model.meta).toEqual(sampleMeta());
  });

  it("makes the new model readable by admins and clients at once", async () => {
    const id = uniqueId("create");
    await create(createBody(id));

    const admin = await call(`/admin/models/${id}`, { token: await adminToken() });
    expect(admin.status).toBe(200);
    expect(admin.headers.get("ETag")).toBe('"1"');
    const listed = await call(`/v1/models/${id}`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ id, display_name: "Test Model" });
  });

  it("records a create audit row with the admin as actor and the request id", async () => {
    const id = uniqueId("create");
    const response = await create(createBody(id), await adminToken("admin-carol"));

    const [entry, ...rest] = await auditOf(id);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      actor: "admin-carol",
      action: "create",
      previous_value: null,
      request_id: response.headers.get("X-Request-Id"),
    });
    expect(entry?.new_value).toMatchObject({ isArchived: false, isLegacy: false, meta: sampleMeta() });
  });

  it("refuses an id that already exists with 409 and leaves the first model as it was", async () => {
    const existing = await createModel();

    const response = await create(createBody(existing.id, { name: "Impostor" }));

    expect(response.status).toBe(409);
    expect((await response.json<ErrorBody>()).error.code).toBe("conflict");
    const after = await call(`/admin/models/${existing.id}`, { token: await adminToken() });
    expect((await after.json<{ model: AdminModel }>()).model).toMatchObject({ name: existing.name, row_version: 1 });
    expect((await auditOf(existing.id)).map((entry) => entry.action)).toEqual(["create"]);
  });

  it.each([
    ["an unknown top-level field", { isArchived: true }],
    ["a lifecycle flag inside meta", { meta: { ...sampleMeta(), isLegacy: true } }],
    ["legacy fields inside meta (set by mark-legacy only)", { meta: { ...sampleMeta(), sunsetDate: "2031-01-01T00:00:00Z" } }],
    ["an id with capitals", { id: "Not-Valid" }],
    ["an id that names an admin list route", { id: "legacy" }],
    ["a missing provider", { provider: undefined }],
    [
      "a meta that is invalid as a whole",
      { meta: sampleMeta({ tierRestrictionMode: "exact", requiredTier: "pro", allowedTiers: ["free", "pro"] }) },
    ],
    ["maxOutputTokens above contextLength", { meta: sampleMeta({ contextLength: 1000, maxOutputTokens: 2000 }) }],
    ["a wrong type", { meta: { ...sampleMeta(), contextLength: "big" } }],
    ["a string past the schema's limit", { name: "n".repeat(201) }],
    ["an unknown capability", { meta: { ...sampleMeta(), capabilities: ["telepathy"] } }],
  ])("refuses %s with 400 and zod's issues", async (_, overrides) => {
    const id = uniqueId("bad");
    const body = createBody(id, overrides);
    const response = await create(body);

    expect(response.status).toBe(400);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { error } = await response.json<ErrorBody>();
    expect(error.code).toBe("invalid_request");
    expect(error.request_id).toBe(response.headers.get("X-Request-Id"));
    expect(Array.isArray(error.details) && error.details.length).toBeGreaterThan(0);
    if (body.id === id) await expectNothingCreated(id);
  });
});

describe("admin request bodies", () => {
  const send = async (body: BodyInit, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
    call("/admin/models", { method: "POST", token: await adminToken(), body, headers });

  it("refuses malformed JSON with 400", async () => {
    const response = await send('{"id": "x",');
    expect(response.status).toBe(400);
    expect((await response.json<ErrorBody>()).error.code).toBe("invalid_request");
  });

  it("refuses a body over 64 KiB with 413 and creates nothing", async () => {
    const id = uniqueId("huge");
    const response = await send(JSON.stringify(createBody(id, { meta: sampleMeta({ description: "x".repeat(70_000) }) })));
    expect(response.status).toBe(413);
    expect((await response.json<ErrorBody>()).error.code).toBe("payload_too_large");
    await expectNothingCreated(id);
  });

  it("refuses a body that is not declared as JSON with 415", async () => {
    const id = uniqueId("form");
    const response = await send(JSON.stringify(createBody(id)), { "Content-Type": "text/plain" });
    expect(response.status).toBe(415);
    await expectNothingCreated(id);
  });
});

describe("GET /admin/models/:id", () => {
  it("shows an admin everything, including staff-only meta", async () => {
    const model = await createModel({ meta: { internalNotes: "ask the provider about quotas", complianceTags: ["soc2"] } });

    const response = await call(`/admin/models/${model.id}`, { token: await adminToken() });

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ model: AdminModel }>();
    expect(body.model.meta).toMatchObject({ internalNotes: "ask the provider about quotas", complianceTags: ["soc2"] });
  });

  it("answers 404 for an unknown id", async () => {
    const response = await call(`/admin/models/${uniqueId("ghost")}`, { token: await adminToken() });
    expect(response.status).toBe(404);
    expect((await response.json<ErrorBody>()).error.code).toBe("not_found");
  });
});
