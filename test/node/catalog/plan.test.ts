import { describe, expect, it } from "vitest";
import type { CatalogFile, DeclaredModel } from "../../../scripts/catalog/catalog-file";
import { idempotencyKey, stepRequest } from "../../../scripts/catalog/commands/apply";
import { toCatalogFile } from "../../../scripts/catalog/commands/export";
import { type AdminModel, type LiveAlias, type LiveCatalog, toLiveModel } from "../../../scripts/catalog/live-catalog";
import { aliasSteps, planCatalog, type Step } from "../../../scripts/catalog/plan";
import { renderPlan } from "../../../scripts/catalog/plan-view";

const NOW = new Date("2026-12-03T00:00:00Z");
const META = { displayName: "GPT-4", contextLength: 8192, inputCostPerMillionTokens: 3000, capabilities: ["text"] };

function admin(id: string, overrides: Partial<AdminModel> = {}): AdminModel {
  return {
    id,
    name: id,
    provider: "openai",
    is_available: true,
    is_legacy: false,
    is_archived: false,
    meta: { ...META },
    row_version: 3,
    ...overrides,
  };
}

function liveOf(models: AdminModel[], aliases?: LiveAlias[], metaFields?: string[]): LiveCatalog {
  return {
    models: new Map(models.map((model) => [model.id, toLiveModel(model)])),
    aliases: aliases && new Map(aliases.map((alias) => [alias.alias, alias])),
    metaFields: metaFields && new Set(metaFields),
  };
}

/** The live catalog as a file, with one model changed. */
function edited(live: LiveCatalog, id: string, change: (model: DeclaredModel) => DeclaredModel): CatalogFile {
  const file = toCatalogFile(live);
  return { ...file, models: file.models.map((model) => (model.id === id ? change(model) : model)) };
}

const kinds = (steps: Step[]) => steps.map((step) => `${step.kind} ${"model" in step ? step.model : step.alias}`);

describe("plan", () => {
  const seeded = () =>
    liveOf(
      [
        admin("gpt-4"),
        admin("gpt-3.5-turbo", {
          is_legacy: true,
          meta: { ...META, legacyReplacementModelId: "gpt-4", deprecationNotice: "Use GPT-4", sunsetDate: "2027-12-31T23:59:59.000Z" },
        }),
        admin("gpt-2", { is_legacy: true, is_archived: true, meta: { ...META, legacyReplacementModelId: "gpt-3.5-turbo" } }),
        admin("ada", { is_archived: true }),
      ],
      [],
    );

  it("has nothing to do for the live catalog itself (what export writes)", () => {
    const live = seeded();
    const plan = planCatalog(toCatalogFile(live), live, { now: NOW });
    expect(plan.steps).toEqual([]);
    expect([...plan.unchanged].sort()).toEqual(["ada", "gpt-2", "gpt-3.5-turbo", "gpt-4"]);
    expect(renderPlan(plan)).toMatch(/No changes/);
  });

  it("updates meta field by field: a changed price, a removed optional key as null, key order ignored", () => {
    const live = seeded();
    const file = edited(live, "gpt-4", (model) => ({
      ...model,
      meta: { capabilities: ["text"], inputCostPerMillionTokens: 3100, contextLength: 8192 },
    }));
    const plan = planCatalog(file, live, { now: NOW });
    expect(plan.steps).toEqual([
      {
        kind: "update-meta",
        model: "gpt-4",
        patch: { displayName: null, inputCostPerMillionTokens: 3100 },
        changes: [
          { field: "meta.displayName", from: "GPT-4" },
          { field: "meta.inputCostPerMillionTokens", from: 3000, to: 3100 },
        ],
      },
    ]);
    expect(renderPlan(plan)).toContain("meta.inputCostPerMillionTokens: 3000 -> 3100");
    expect(renderPlan(plan)).toContain('meta.displayName: "GPT-4" -> (none)');
  });

  it("deprecates, undeprecates and re-deprecates with the legacy fields; a sunset date written another way is the same date", () => {
    const live = seeded();
    let file = edited(live, "gpt-4", (model) => ({
      ...model,
      lifecycle: "legacy",
      legacy: { replacementModelId: "gpt-5", sunsetDate: "2027-01-01T00:00:00Z" },
    }));
    file = { ...file, models: [...file.models, { id: "gpt-5", name: "gpt-5", provider: "openai", lifecycle: "active", meta: META }] };
    file = {
      ...file,
      models: file.models.map((model) =>
        model.id === "gpt-3.5-turbo" ? { ...model, legacy: { ...model.legacy, sunsetDate: "2027-12-31T23:59:59Z" } } : model,
      ),
    };
    const plan = planCatalog(file, live, { now: NOW });
    expect(kinds(plan.steps)).toEqual(["create gpt-5", "mark-legacy gpt-4"]);
    expect(plan.steps[1]).toMatchObject({ body: { replacementModelId: "gpt-5", sunsetDate: "2027-01-01T00:00:00Z" } });

    const back = edited(live, "gpt-3.5-turbo", ({ legacy: _legacy, ...model }) => ({ ...model, lifecycle: "active" }));
    const undo = planCatalog(back, live, { now: NOW });
    expect(kinds(undo.steps)).toEqual(["unmark-legacy gpt-3.5-turbo"]);
    expect(renderPlan(undo)).toContain('legacy.replacementModelId: "gpt-4" -> (none)');

    const notice = edited(live, "gpt-3.5-turbo", (model) => ({
      ...model,
      legacy: { ...model.legacy, deprecationNotice: "Move to GPT-4" },
    }));
    expect(planCatalog(notice, live, { now: NOW }).steps).toMatchObject([
      { kind: "mark-legacy", changes: [{ field: "legacy.deprecationNotice", from: "Use GPT-4", to: "Move to GPT-4" }] },
    ]);
  });

  it("archives and unarchives; an archived model's legacy fields change by unarchive, mark-legacy, archive", () => {
    const live = seeded();
    const archive = planCatalog(
      edited(live, "gpt-4", (model) => ({ ...model, lifecycle: "archived" })),
      live,
      { now: NOW, reason: "retired" },
    );
    expect(archive.steps).toEqual([{ kind: "archive", model: "gpt-4", reason: "retired" }]);

    const unarchive = planCatalog(
      edited(live, "ada", (model) => ({ ...model, lifecycle: "active" })),
      live,
      { now: NOW },
    );
    expect(kinds(unarchive.steps)).toEqual(["unarchive ada"]);
    // gpt-2 was legacy when archived; brought back as active it is undeprecated too.
    const revived = planCatalog(
      edited(live, "gpt-2", ({ legacy: _legacy, ...model }) => ({ ...model, lifecycle: "active" })),
      live,
      { now: NOW },
    );
    expect(kinds(revived.steps)).toEqual(["unarchive gpt-2", "unmark-legacy gpt-2"]);

    const relabel = planCatalog(
      edited(live, "gpt-2", (model) => ({ ...model, legacy: { replacementModelId: "gpt-4" } })),
      live,
      { now: NOW },
    );
    expect(kinds(relabel.steps)).toEqual(["unarchive gpt-2", "mark-legacy gpt-2", "archive gpt-2"]);
  });

  it("creates new models first and archives last, so a new replacement exists and archives see the final picture", () => {
    const live = seeded();
    const file = toCatalogFile(live);
    file.models = file.models.map((model) => (model.id === "gpt-4" ? { ...model, lifecycle: "archived" as const } : model));
    file.models.push(
      { id: "old-new", name: "old-new", provider: "acme", lifecycle: "archived", legacy: { replacementModelId: "z-new" }, meta: META },
      { id: "z-new", name: "z-new", provider: "acme", lifecycle: "active", meta: META },
    );
    const plan = planCatalog(file, live, { now: NOW });
    expect(kinds(plan.steps)).toEqual(["create old-new", "create z-new", "mark-legacy old-new", "archive gpt-4", "archive old-new"]);
    expect(renderPlan(plan)).toMatch(/^old-new \(new\)\n {2}\+ create model old-new/m);
  });

  it("leaves live models the file does not declare alone, unless prune", () => {
    const live = seeded();
    const file = {
      ...toCatalogFile(live),
      models: toCatalogFile(live).models.filter((model) => model.id !== "gpt-4" && model.id !== "ada"),
    };
    const kept = planCatalog(file, live, { now: NOW });
    expect(kept.steps).toEqual([]);
    // ada is archived already: nothing to say about it.
    expect(kept.notDeclared).toEqual(["gpt-4"]);
    expect(renderPlan(kept)).toContain("1 live model(s) not in the file, left alone (--prune archives them): gpt-4");
    expect(kinds(planCatalog(file, live, { now: NOW, prune: true }).steps)).toEqual(["archive gpt-4"]);
  });

  it("reports what the admin API cannot do as problems, with their place in the file", () => {
    const live = seeded();
    const file = edited(live, "gpt-4", (model) => ({
      ...model,
      name: "GPT 4",
      available: false,
      lifecycle: "legacy",
      legacy: { sunsetDate: "2026-01-01T00:00:00Z", replacementModelId: "nowhere" },
    }));
    const plan = planCatalog(file, live, { now: NOW });
    const index = file.models.findIndex((model) => model.id === "gpt-4");
    expect(plan.problems.map((problem) => problem.path)).toEqual([
      ["models", index, "name"],
      ["models", index, "available"],
      ["models", index, "legacy", "sunsetDate"],
      ["models", index, "legacy", "replacementModelId"],
    ]);
  });

  it("refuses meta fields the server does not declare, or leaves them out (with a note) when asked", () => {
    const live = liveOf([admin("gpt-4")], undefined, Object.keys(META));
    const file = edited(live, "gpt-4", (model) => ({
      ...model,
      meta: { ...model.meta, modalities: { input: ["text"], output: ["text"] } },
    }));
    expect(planCatalog(file, live, { now: NOW }).problems).toEqual([
      { path: ["models", 0, "meta", "modalities"], message: expect.stringMatching(/no field modalities/) },
    ]);
    const dropped = planCatalog(file, live, { now: NOW, dropUnknownMeta: true });
    expect(dropped.problems).toEqual([]);
    expect(dropped.steps).toEqual([]);
    expect(dropped.notes).toEqual([expect.stringMatching(/meta\.modalities .*1 model\(s\) \(gpt-4\)/)]);
  });
});

describe("alias planning", () => {
  const live = new Map<string, LiveAlias>([
    ["gpt-latest", { alias: "gpt-latest", targetModelId: "gpt-4" }],
    ["old", { alias: "old", targetModelId: "gpt-2" }],
  ]);

  it("creates the new, re-points the moved, keeps the rest, deletes what is gone only with prune", () => {
    const declared = [
      { alias: "gpt-latest", targetModelId: "gpt-5" },
      { alias: "fast", targetModelId: "gpt-4o-mini" },
    ];
    expect(aliasSteps(declared, live, false)).toEqual([
      { kind: "alias-repoint", alias: "gpt-latest", from: "gpt-4", target: "gpt-5" },
      { kind: "alias-create", alias: "fast", target: "gpt-4o-mini" },
    ]);
    expect(aliasSteps(declared, live, true).at(-1)).toEqual({
      kind: "alias-delete",
      alias: "old",
      target: "gpt-2",
      reason: expect.any(String),
    });
    expect(aliasSteps([...live.values()], live, true)).toEqual([]);
  });

  it("plans alias writes after the models they need and says when the server has no alias routes", () => {
    const models = liveOf([admin("gpt-4")], [{ alias: "gpt-latest", targetModelId: "gpt-4" }]);
    const file: CatalogFile = {
      models: [...toCatalogFile(models).models, { id: "gpt-5", name: "gpt-5", provider: "openai", lifecycle: "active", meta: META }],
      aliases: [{ alias: "gpt-latest", targetModelId: "gpt-5" }],
    };
    const plan = planCatalog(file, models, { now: NOW });
    expect(kinds(plan.steps)).toEqual(["create gpt-5", "alias-repoint gpt-latest"]);
    expect(renderPlan(plan)).toContain("re-point alias gpt-latest: gpt-4 -> gpt-5");

    const noAliases = planCatalog(file, { ...models, aliases: undefined }, { now: NOW });
    expect(kinds(noAliases.steps)).toEqual(["create gpt-5"]);
    expect(noAliases.notes).toEqual([expect.stringMatching(/no alias routes .*1 alias\(es\) are not planned/)]);
  });

  it("refuses an alias whose target is nowhere, archived on the server, or a name a live model has", () => {
    const models = liveOf([admin("gpt-4"), admin("ada", { is_archived: true })], []);
    const file: CatalogFile = {
      models: [],
      aliases: [
        { alias: "a", targetModelId: "nowhere" },
        { alias: "b", targetModelId: "ada" },
        { alias: "gpt-4", targetModelId: "gpt-4" },
      ],
    };
    expect(planCatalog(file, models, { now: NOW }).problems.map((problem) => problem.message)).toEqual([
      "alias a: target nowhere is neither in the file nor on the server",
      "alias b: target ada is archived",
      "gpt-4 is a model on the server: aliases and models share one id space",
    ]);
  });
});

describe("apply steps", () => {
  it("maps each step to its admin call", () => {
    expect(stepRequest({ kind: "update-meta", model: "gpt-4", patch: { a: 1 }, changes: [] })).toEqual({
      method: "PATCH",
      path: "/admin/models/gpt-4/meta",
      body: { a: 1 },
    });
    expect(stepRequest({ kind: "archive", model: "m:1", reason: "r" })).toEqual({
      method: "POST",
      path: "/admin/models/m%3A1/archive",
      body: { reason: "r" },
    });
    expect(stepRequest({ kind: "alias-repoint", alias: "x", from: "a", target: "b" })).toMatchObject({
      method: "PUT",
      path: "/admin/aliases/x",
      body: { targetModelId: "b" },
    });
    expect(stepRequest({ kind: "alias-delete", alias: "x", target: "a", reason: "gone" })).toEqual({
      method: "DELETE",
      path: "/admin/aliases/x",
      body: { reason: "gone" },
    });
  });

  it("derives the Idempotency-Key from the step and the version it expects: the same step gets the same key, any change another", () => {
    const request = stepRequest({ kind: "archive", model: "gpt-4", reason: "r" });
    const key = idempotencyKey(request, '"3"');
    expect(key).toMatch(/^catalog-apply-[0-9a-f]{48}$/);
    expect(idempotencyKey(stepRequest({ kind: "archive", model: "gpt-4", reason: "r" }), '"3"')).toBe(key);
    expect(idempotencyKey(request, '"4"')).not.toBe(key);
    expect(idempotencyKey(stepRequest({ kind: "archive", model: "gpt-4", reason: "other" }), '"3"')).not.toBe(key);
    // A create has no version to expect: the catalog version the plan saw keys it.
    const create = stepRequest({ kind: "alias-create", alias: "latest", target: "gpt-5" });
    expect(idempotencyKey(create, undefined, '"v7"')).toBe(idempotencyKey(create, undefined, '"v7"'));
    expect(idempotencyKey(create, undefined, '"v8"')).not.toBe(idempotencyKey(create, undefined, '"v7"'));
  });
});
