/**
 * Aliases where the catalog is read (spec Part 3 "Aliases and dated
 * snapshots"): their entries in both lists (`alias_for`), `aliases` on every
 * model, the detail, filters, ETags, tier rules, legacy headers, the gate
 * (`model_id` the target, `alias` the name asked for), the OpenAI SDK; and
 * archiving a target (by staff, or by the cron at its sunset) moving its
 * aliases to the recommended successor.
 */
import { exports } from "cloudflare:workers";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { ModelMeta } from "../../src/domain/model-meta";
import { checkContract } from "./contract";
import { aliasAudit, createAlias, putAlias } from "./support/aliases";
import { adminPost, call, runCron, userToken } from "./support/client";
import { feedEnd, feedSince } from "./support/feed";
import { createModel, farSunset, uniqueId, uniqueProvider } from "./support/fixtures";

interface Entry {
  id: string;
  alias_for?: string;
  aliases: string[];
  provider: string;
  display_name: string;
  access_status: string;
  legacy_info?: { recommended_model_id?: string | null };
}

/** A dated snapshot and a moving alias over it, under a provider of the test's own. */
async function snapshotWithAlias(meta: Partial<ModelMeta> = {}) {
  const provider = uniqueProvider();
  const dated = await createModel({ id: uniqueId("gpt-x-2026-01-01"), provider, meta: { displayName: "GPT X (2026-01-01)", ...meta } });
  const alias = uniqueId("gpt-x");
  await createAlias(alias, dated.id);
  return { provider, dated, alias };
}

const listOf = async (path: string, token?: string) =>
  (await (await call(path, token ? { token } : {})).json<{ models: Entry[] }>()).models;

describe("GET /v1/models with aliases", () => {
  it("lists the alias as its own entry (its target's fields, alias_for) and the target with its sorted aliases", async () => {
    const { provider, dated, alias } = await snapshotWithAlias();
    const second = `${alias}-b`;
    await createAlias(second, dated.id);
    const models = await listOf(`/v1/models?provider=${provider}`);
    const byId = new Map(models.map((model) => [model.id, model]));
    expect(byId.get(dated.id)?.aliases).toEqual([alias, second].sort());
    const { id, alias_for, aliases, ...fields } = byId.get(alias) as Entry;
    const { id: _, aliases: __, ...targetFields } = byId.get(dated.id) as Entry;
    expect({ id, alias_for, aliases }).toEqual({ id: alias, alias_for: dated.id, aliases: [] });
    expect(fields).toEqual(targetFields);
    // The whole list (cached bytes) says the same.
    const all = await listOf("/v1/models");
    expect(all.find((model) => model.id === alias)).toEqual(byId.get(alias));
  });

  it("gives a model without aliases `aliases: []`, and filters an alias entry as its target", async () => {
    const { provider, dated, alias } = await snapshotWithAlias({ capabilities: ["text", "vision"] });
    const lone = await createModel({ provider, meta: { capabilities: ["text"] } });
    expect((await listOf(`/v1/models?provider=${provider}`)).find((model) => model.id === lone.id)?.aliases).toEqual([]);
    expect((await listOf(`/v1/models?provider=${provider}&capability=vision`)).map((model) => model.id).sort()).toEqual(
      [alias, dated.id].sort(),
    );
    expect((await listOf(`/v1/models?provider=${provider}&available=false`)).map((model) => model.id)).toEqual([]);
  });

  it("applies the target's tier rules to the alias entry", async () => {
    const { provider, alias } = await snapshotWithAlias({
      requiredTier: "pro",
      allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
    });
    const entry = async (token?: string) => (await listOf(`/v1/models?provider=${provider}`, token)).find((model) => model.id === alias);
    expect((await entry())?.access_status).toBe("upgrade_required");
    expect((await entry(await userToken("pro")))?.access_status).toBe("allowed");
  });

  it("moves the list's ETag when an alias is re-pointed: a 304 no longer matches", async () => {
    const { provider, alias } = await snapshotWithAlias();
    const other = await createModel({ provider });
    const first = await call("/v1/models");
    const etag = first.headers.get("ETag") as string;
    expect((await call("/v1/models", { headers: { "If-None-Match": etag } })).status).toBe(304);
    await putAlias(alias, other.id);
    const after = await call("/v1/models", { headers: { "If-None-Match": etag } });
    expect(after.status).toBe(200);
    expect((await after.json<{ models: Entry[] }>()).models.find((model) => model.id === alias)?.alias_for).toBe(other.id);
  });
});

describe("GET /v1/models/:alias", () => {
  it("answers the alias's entry, with the RFC headers of a legacy target, and its own ETag/304", async () => {
    const { provider, dated, alias } = await snapshotWithAlias();
    const successor = await createModel({ provider });
    await adminPost(`/admin/models/${dated.id}/mark-legacy`, { replacementModelId: successor.id, sunsetDate: farSunset() });
    const response = await call(`/v1/models/${alias}`);
    expect(response.status).toBe(200);
    expect(await response.json<Entry>()).toMatchObject({ id: alias, alias_for: dated.id, aliases: [] });
    expect(response.headers.get("Deprecation")).toMatch(/^@\d+$/);
    expect(response.headers.get("Sunset")).not.toBeNull();
    expect(response.headers.get("Link")).toBe(`</v1/models/${successor.id}>; rel="successor-version"`);
    const etag = response.headers.get("ETag") as string;
    expect((await call(`/v1/models/${alias}`, { headers: { "If-None-Match": etag } })).status).toBe(304);
  });

  it("404 once the alias is deleted", async () => {
    const { alias } = await snapshotWithAlias();
    await call(`/admin/aliases/${alias}`, {
      method: "DELETE",
      token: await (await import("./support/client")).adminToken(),
      json: { reason: "x" },
    });
    expect((await call(`/v1/models/${alias}`)).status).toBe(404);
  });
});

describe("GET /v1/models/:alias/access", () => {
  it("decides on the target: model_id the target, alias the name asked for; alias null on a model id", async () => {
    const { dated, alias } = await snapshotWithAlias();
    const viaAlias = await call(`/v1/models/${alias}/access`);
    expect(viaAlias.status).toBe(200);
    expect(await viaAlias.json()).toMatchObject({ allowed: true, model: alias, model_id: dated.id, alias });
    expect(await (await call(`/v1/models/${dated.id}/access`)).json()).toMatchObject({ model_id: dated.id, alias: null });
  });

  it("refuses on the alias what the target's tier rules refuse", async () => {
    const { alias } = await snapshotWithAlias({
      requiredTier: "pro",
      allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
    });
    expect((await call(`/v1/models/${alias}/access`)).status).toBe(403);
    expect((await call(`/v1/models/${alias}/access`, { token: await userToken("pro") })).status).toBe(200);
  });
});

describe("archiving an alias's target", () => {
  it("by staff: re-points the alias to the recommended successor in the same write, audited and announced", async () => {
    const { provider, dated, alias } = await snapshotWithAlias();
    const successor = await createModel({ provider });
    await adminPost(`/admin/models/${dated.id}/mark-legacy`, { replacementModelId: successor.id });
    const cursor = await feedEnd();
    expect((await adminPost(`/admin/models/${dated.id}/archive`, { reason: "retired" })).status).toBe(200);

    const gate = await (await call(`/v1/models/${alias}/access`)).json();
    expect(gate).toMatchObject({ allowed: true, model_id: successor.id, alias });
    const events = (await feedSince(cursor)).events;
    expect(events.map((event) => [event.type, event.model_id])).toEqual([
      ["model.archived", dated.id],
      ["alias.repointed", alias],
    ]);
    expect(events[1]).toMatchObject({ target_model_id: successor.id, previous_target_model_id: dated.id });
    expect((await aliasAudit(alias))[0]).toMatchObject({
      action: "repoint_alias",
      actor: "admin-alice",
      reason: "retired",
      new_value: { targetModelId: successor.id },
    });
  });

  it("without a successor: the alias keeps its target and answers as it does (410)", async () => {
    const { dated, alias } = await snapshotWithAlias();
    await adminPost(`/admin/models/${dated.id}/archive`, { reason: "no successor" });
    const response = await call(`/v1/models/${alias}/access`);
    expect(response.status).toBe(410);
    expect((await response.json<{ error: { details: unknown } }>()).error.details).toEqual({ model_id: dated.id, alias });
    expect((await call(`/v1/models/${alias}`)).status).toBe(410);
  });

  it("by the sunset cron: a client calling the alias keeps getting 200 from the gate, naming the successor", async () => {
    const { provider, dated, alias } = await snapshotWithAlias();
    const successor = await createModel({ provider });
    const sunset = new Date(Date.now() + 30_000).toISOString();
    await adminPost(`/admin/models/${dated.id}/mark-legacy`, { replacementModelId: successor.id, sunsetDate: sunset });
    expect(await (await call(`/v1/models/${alias}/access`)).json()).toMatchObject({ model_id: dated.id, alias });

    await runCron(Date.parse(sunset) + 60_000);

    const response = await call(`/v1/models/${alias}/access`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ allowed: true, model_id: successor.id, alias });
    expect((await call(`/v1/models/${dated.id}/access`)).status).toBe(410);
    expect((await aliasAudit(alias))[0]).toMatchObject({ action: "repoint_alias", actor: "system:sunset", reason: "sunset date passed" });
  });
});

describe("the OpenAI-compatible view", () => {
  const sdk = () =>
    new OpenAI({
      baseURL: "https://catalog.test/openai/v1",
      apiKey: "unused",
      defaultHeaders: { Authorization: null },
      maxRetries: 0,
      fetch: async (url: string | URL | Request, init?: RequestInit) => {
        const request = new Request(url, init);
        const response = await exports.default.fetch(request);
        await checkContract(request.method, request.url, response);
        return response;
      },
    });

  it("models.retrieve(alias) answers the alias's entry, and the list carries it", async () => {
    const { dated, alias } = await snapshotWithAlias();
    const model = (await sdk().models.retrieve(alias)) as unknown as Entry & { object: string; owned_by: string };
    expect(model).toMatchObject({ id: alias, object: "model", alias_for: dated.id, aliases: [] });
    const listed = [];
    for await (const entry of sdk().models.list()) listed.push(entry.id);
    expect(listed).toEqual(expect.arrayContaining([alias, dated.id]));
  });
});
