/**
 * A failure inside a write: the audit insert fails (a test-only trigger that
 * raises for one actor), so the model change in the same transaction must
 * roll back too. The client gets a clean 500 with nothing internal in it,
 * and neither the model, its audit trail nor the public catalog changes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { routeTable } from "../../src/routes";
import { aliasAudit, aliasFor, aliasState } from "./support/aliases";
import { adminPost, call, expectError, mintToken } from "./support/client";
import { type AdminModel, createModel, modelState, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";
import { captureConsole, expectNoInternals, failAuditInsertsFor } from "./support/reliability";
import { exampleBody, isWrite, pathFor, prepareFor, routeName } from "./support/routes";

/** The actor whose audit rows the database refuses. */
const DOOMED_ACTOR = `doomed-${crypto.randomUUID().slice(0, 8)}`;
const doomedToken = () => mintToken({ sub: DOOMED_ACTOR, role: "admin" });

let undo: () => Promise<void>;
beforeAll(async () => {
  undo = await failAuditInsertsFor(DOOMED_ACTOR);
});
afterAll(async () => {
  await undo?.();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** What clients see of a model: its public detail (status and body, minus the per-request id of an error). */
async function publicView(id: string) {
  const response = await call(`/v1/models/${id}`);
  const body = await response.json<{ error?: { request_id?: string } }>();
  if (body.error) delete body.error.request_id;
  return { status: response.status, body };
}

/** Every write on an existing model or its alias, from the route table; create has its own test below. */
// Lifecycle writes on one model or alias: the ones with an audit row (webhook endpoints have none).
const modelWrites = routeTable.filter(
  (route) => isWrite(route) && (route.path.startsWith("/admin/models/{id}") || route.path.startsWith("/admin/aliases/{alias}")),
);

/** The model, its alias (in these tests: aliasFor), both trails and both public views. */
async function stateOf(id: string) {
  const alias = aliasFor(id);
  return {
    ...(await modelState(id)),
    view: await publicView(id),
    alias: { state: await aliasState(alias), audit: await aliasAudit(alias), view: await publicView(alias) },
  };
}

describe("the audit insert fails inside a write", () => {
  it.each(modelWrites.map((route) => [routeName(route), route] as const))(
    "%s: rolled back whole, 500 with nothing internal",
    async (_, route) => {
      const model = await createModel({ provider: uniqueProvider() });
      const replacement = await createModel({ provider: model.provider });
      await prepareFor(route, model.id);
      const current = (await modelState(model.id)).model as AdminModel;
      const before = await stateOf(model.id);
      const logs = captureConsole();

      const response = await call(pathFor(route, model.id), {
        method: route.method.toUpperCase(),
        token: await doomedToken(),
        json: exampleBody(route, { model: current, replacement, newId: uniqueId("half") }),
        // If-Match names the model's version on a model's write (an alias's write would need the alias's).
        headers: route.path.startsWith("/admin/models/") ? { "If-Match": `"${current.row_version}"` } : {},
      });

      const body = await expectError(response, 500, "internal_error");
      expect(body.error.message).toBe("internal error");
      expectNoInternals(JSON.stringify(body), [DOOMED_ACTOR, "injected"]);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      // The log line has the cause (the SQLSTATE and the trigger's message), tied to the request id, and no SQL or stack.
      const failed = logs.events("request_failed");
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ requestId: body.error.request_id, code: "internal_error" });
      expect(JSON.stringify(failed[0])).toMatch(/P0001/);
      expectNoInternals(logs.lines.join("\n"));
      vi.restoreAllMocks();

      expect(await stateOf(model.id)).toEqual(before);
    },
  );

  it("create: no model is left behind, and the id stays free", async () => {
    const id = uniqueId("half");
    const json = { id, name: id, provider: uniqueProvider(), meta: sampleMeta() };

    const response = await call("/admin/models", { token: await doomedToken(), json });

    await expectError(response, 500, "internal_error");
    expect(await modelState(id)).toEqual({ model: undefined, audit: [] });
    expect((await call(`/v1/models/${id}`)).status).toBe(404);
    expect((await adminPost("/admin/models", json)).status).toBe(201);
  });

  it("an Idempotency-Key of a failed write is released: its retry is a first attempt", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const headers = { "Idempotency-Key": `retry-${model.id}` };

    const first = await call(`/admin/models/${model.id}/archive`, { token: await doomedToken(), json: { reason: "x" }, headers });
    expect(first.status).toBe(500);
    const second = await call(`/admin/models/${model.id}/archive`, { token: await doomedToken(), json: { reason: "x" }, headers });
    expect(second.status).toBe(500);
    expect(second.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await modelState(model.id)).model?.is_archived).toBe(false);
  });

  it("other actors are unaffected (the fault is this test's own)", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    expect((await adminPost(`/admin/models/${model.id}/archive`, { reason: "fine" })).status).toBe(200);
  });
});
