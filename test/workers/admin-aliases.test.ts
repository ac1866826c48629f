/**
 * The admin alias routes (spec Part 3 "Aliases and dated snapshots"): create
 * and re-point with PUT (If-Match, Idempotency-Key), delete, list, detail
 * and audit; one id space with models and route names; every refusal a
 * clear error that leaves everything as it was.
 */
import { describe, expect, it } from "vitest";
import { aliasAudit, aliasState, createAlias, deleteAlias, putAlias } from "./support/aliases";
import { adminPost, adminToken, call, expectError } from "./support/client";
import { feedEnd, feedSince } from "./support/feed";
import { createModel, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";

const newAlias = () => uniqueId("alias");

/** A refusal that changed nothing: the alias (or its absence) and its trail as before. */
async function expectAliasRefused(response: Response, status: number, code: string, alias: string) {
  const before = { state: await aliasState(alias), audit: await aliasAudit(alias) };
  await expectError(response, status, code);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect({ state: await aliasState(alias), audit: await aliasAudit(alias) }).toEqual(before);
}

describe("PUT /admin/aliases/:alias", () => {
  it("creates an alias (201, its ETag), then re-points it (200, a new ETag)", async () => {
    const provider = uniqueProvider();
    const [first, second] = [await createModel({ provider }), await createModel({ provider })];
    const alias = newAlias();

    const created = await putAlias(alias, first.id, {}, "the current snapshot");
    expect(created.status).toBe(201);
    const body = (await created.json<{ alias: Record<string, unknown> }>()).alias;
    expect(body).toMatchObject({ alias, target_model_id: first.id, row_version: 1, created_by: "admin-alice", updated_by: "admin-alice" });
    expect(created.headers.get("ETag")).toBe('"1"');

    const moved = await putAlias(alias, second.id, { "If-Match": '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.headers.get("ETag")).toBe('"2"');
    expect(await aliasState(alias)).toMatchObject({ target_model_id: second.id, row_version: 2 });
  });

  it("re-pointed where it already points: 200, nothing written", async () => {
    const target = await createModel();
    const alias = newAlias();
    await createAlias(alias, target.id);
    const response = await putAlias(alias, target.id);
    expect(response.status).toBe(200);
    expect(await aliasAudit(alias)).toHaveLength(1);
  });

  it("412 for a stale If-Match, with the current ETag; the alias stays where it was", async () => {
    const provider = uniqueProvider();
    const [first, second, third] = [await createModel({ provider }), await createModel({ provider }), await createModel({ provider })];
    const alias = newAlias();
    await createAlias(alias, first.id);
    expect((await putAlias(alias, second.id)).status).toBe(200);

    const stale = await putAlias(alias, third.id, { "If-Match": '"1"' });
    expect(stale.headers.get("ETag")).toBe('"2"');
    await expectAliasRefused(stale, 412, "precondition_failed", alias);
    expect((await aliasState(alias))?.target_model_id).toBe(second.id);
  });

  it("a retry with the same Idempotency-Key gets the first answer, and writes once", async () => {
    const target = await createModel();
    const alias = newAlias();
    const headers = { "Idempotency-Key": `put-${alias}` };
    const first = await putAlias(alias, target.id, headers);
    const again = await putAlias(alias, target.id, headers);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    expect(await aliasAudit(alias)).toHaveLength(1);
  });

  it("404 for an unknown target", async () => {
    const alias = newAlias();
    await expectAliasRefused(await putAlias(alias, uniqueId("nothing")), 404, "not_found", alias);
  });

  it("409 alias_target_archived for an archived target", async () => {
    const target = await createModel();
    await adminPost(`/admin/models/${target.id}/archive`, { reason: "gone" });
    const alias = newAlias();
    await expectAliasRefused(await putAlias(alias, target.id), 409, "alias_target_archived", alias);
  });

  it("409 alias_target_is_alias for an alias onto an alias (no chains), and onto itself", async () => {
    const target = await createModel();
    const [alias, other] = [newAlias(), newAlias()];
    await createAlias(alias, target.id);
    await expectAliasRefused(await putAlias(other, alias), 409, "alias_target_is_alias", other);
    await expectAliasRefused(await putAlias(alias, alias), 409, "alias_target_is_alias", alias);
  });

  it("409 id_taken_by_model for a model's id, 409 id_reserved_for_route for a route's name", async () => {
    const [model, target] = [await createModel(), await createModel()];
    await expectAliasRefused(await putAlias(model.id, target.id), 409, "id_taken_by_model", model.id);
    await expectAliasRefused(await putAlias("legacy", target.id), 409, "id_reserved_for_route", "legacy");
    await expectAliasRefused(await putAlias("changes", target.id), 409, "id_reserved_for_route", "changes");
  });

  it("400 for a malformed alias or target id, or a body that is not the schema's", async () => {
    const target = await createModel();
    const body = await expectError(await putAlias("Not_Valid", target.id), 400, "invalid_request");
    expect(body.error.details).toEqual([expect.objectContaining({ path: ["alias"] })]);
    await expectError(await putAlias(newAlias(), "UPPER CASE"), 400, "invalid_request");
    const extra = await call(`/admin/aliases/${newAlias()}`, {
      method: "PUT",
      token: await adminToken(),
      json: { targetModelId: target.id, isArchived: true },
    });
    await expectError(extra, 400, "invalid_request");
  });
});

describe("POST /admin/models with an alias's id", () => {
  it("409 id_taken_by_alias: a model cannot take an alias's id", async () => {
    const target = await createModel();
    const alias = newAlias();
    await createAlias(alias, target.id);
    const response = await adminPost("/admin/models", { id: alias, name: alias, provider: "p", meta: sampleMeta() });
    await expectError(response, 409, "id_taken_by_alias");
    expect((await call(`/admin/models/${alias}`, { token: await adminToken() })).status).toBe(404);
  });
});

describe("DELETE /admin/aliases/:alias", () => {
  it("204; the alias is gone, its trail stays", async () => {
    const target = await createModel();
    const alias = newAlias();
    await createAlias(alias, target.id);
    const response = await deleteAlias(alias, { "If-Match": '"1"' });
    expect(response.status).toBe(204);
    expect(await aliasState(alias)).toBeUndefined();
    expect((await aliasAudit(alias)).map((entry) => entry.action)).toEqual(["delete_alias", "create_alias"]);
  });

  it("404 for a missing alias, 412 for a stale If-Match, 400 without a reason", async () => {
    const target = await createModel();
    await expectAliasRefused(await deleteAlias(newAlias()), 404, "not_found", newAlias());
    const alias = newAlias();
    await createAlias(alias, target.id);
    await expectAliasRefused(await deleteAlias(alias, { "If-Match": '"7"' }), 412, "precondition_failed", alias);
    const bare = await call(`/admin/aliases/${alias}`, { method: "DELETE", token: await adminToken(), json: {} });
    await expectAliasRefused(bare, 400, "invalid_request", alias);
  });
});

describe("GET /admin/aliases, /admin/aliases/:alias and its audit", () => {
  it("lists every alias with its target, and audits each change newest first in the model audit's shape", async () => {
    const provider = uniqueProvider();
    const [first, second] = [await createModel({ provider }), await createModel({ provider })];
    const alias = newAlias();
    await createAlias(alias, first.id);
    await putAlias(alias, second.id, {}, "newer snapshot");

    const list = await (await call("/admin/aliases", { token: await adminToken() })).json<{ aliases: { alias: string }[] }>();
    expect(list.aliases).toContainEqual(expect.objectContaining({ alias, target_model_id: second.id, updated_by: "admin-alice" }));
    const audit = await aliasAudit(alias);
    expect(
      audit.map(({ action, model_id, previous_value, new_value, reason, actor }) => ({
        action,
        model_id,
        previous_value,
        new_value,
        reason,
        actor,
      })),
    ).toEqual([
      {
        action: "repoint_alias",
        model_id: alias,
        previous_value: { targetModelId: first.id },
        new_value: { targetModelId: second.id },
        reason: "newer snapshot",
        actor: "admin-alice",
      },
      {
        action: "create_alias",
        model_id: alias,
        previous_value: null,
        new_value: { targetModelId: first.id },
        reason: null,
        actor: "admin-alice",
      },
    ]);
  });

  it("404 for an alias that never was, also on its audit", async () => {
    const model = await createModel();
    await expectError(await call(`/admin/aliases/${newAlias()}`, { token: await adminToken() }), 404, "not_found");
    // A model's id is no alias: its trail is not an alias's.
    await expectError(await call(`/admin/aliases/${model.id}/audit`, { token: await adminToken() }), 404, "not_found");
  });
});

describe("alias events in the change feed", () => {
  it("alias.created, alias.repointed (with previous_target_model_id), alias.deleted: model_id the alias, model its entry", async () => {
    const provider = uniqueProvider();
    const [first, second] = [await createModel({ provider }), await createModel({ provider })];
    const alias = newAlias();
    const cursor = await feedEnd();
    await createAlias(alias, first.id);
    await putAlias(alias, second.id);
    await deleteAlias(alias);

    const events = (await feedSince(cursor)).events.filter((event) => event.model_id === alias);
    expect(
      events.map(({ type, alias: name, target_model_id, previous_target_model_id }) => ({
        type,
        name,
        target_model_id,
        previous_target_model_id,
      })),
    ).toEqual([
      { type: "alias.created", name: alias, target_model_id: first.id, previous_target_model_id: undefined },
      { type: "alias.repointed", name: alias, target_model_id: second.id, previous_target_model_id: first.id },
      { type: "alias.deleted", name: alias, target_model_id: second.id, previous_target_model_id: undefined },
    ]);
    expect(events[0]?.model).toMatchObject({ id: alias, alias_for: first.id, provider });
    expect(events[1]?.model).toMatchObject({ id: alias, alias_for: second.id });
    expect(events[1]?.changed_fields).toContain("alias_for");
    expect(events[2]?.model).toBeNull();
  });
});
