/**
 * The plan: what it takes to turn the live catalog into the declared one, as
 * admin API steps in a safe order. Pure (the clock is a parameter): the
 * commands read the file and the service, this decides.
 *
 * Order: creates first (a new model may be another's replacement), then
 * unarchives, meta updates, undeprecations, deprecations, alias writes, and
 * archives last (an archive re-points the target's aliases; mark-legacy
 * refuses an archived replacement, archive does not mind being one).
 */
import type { CatalogFile, DeclaredAlias, DeclaredModel, LegacyFields } from "./catalog-file";
import type { LiveAlias, LiveCatalog, LiveModel } from "./live-catalog";

export interface Change {
  field: string;
  /** Undefined: the field is absent on that side. */
  from?: unknown;
  to?: unknown;
}

export type Step =
  | {
      kind: "create";
      model: string;
      body: { id: string; name: string; provider: string; isAvailable?: boolean; meta: Record<string, unknown> };
    }
  | { kind: "unarchive"; model: string }
  | { kind: "update-meta"; model: string; patch: Record<string, unknown>; changes: Change[] }
  | { kind: "unmark-legacy"; model: string; changes: Change[] }
  | { kind: "mark-legacy"; model: string; body: LegacyFields; changes: Change[] }
  | { kind: "archive"; model: string; reason: string }
  | { kind: "alias-create"; alias: string; target: string }
  | { kind: "alias-repoint"; alias: string; from: string; target: string }
  | { kind: "alias-delete"; alias: string; target: string; reason: string };

export type StepKind = Step["kind"];

const PHASES: StepKind[] = [
  "create",
  "unarchive",
  "update-meta",
  "unmark-legacy",
  "mark-legacy",
  "alias-create",
  "alias-repoint",
  "archive",
  "alias-delete",
];

export interface Problem {
  /** Where in the file, when the problem is about something the file says. */
  path?: (string | number)[];
  message: string;
}

export interface Plan {
  steps: Step[];
  /** Declared models already as declared. */
  unchanged: string[];
  /** Live models (not archived) that the file does not declare: kept, unless --prune. */
  notDeclared: string[];
  notDeclaredAliases: string[];
  unchangedAliases: number;
  /** Anything that makes the file impossible to apply: nothing is applied while there is one. */
  problems: Problem[];
  /** Said, but not in the way: e.g. aliases the server cannot take yet. */
  notes: string[];
  /** The row version each model had when planned: the first If-Match of its steps. */
  versions: Record<string, number>;
}

export interface PlanOptions {
  prune?: boolean;
  /** The reason given to archive calls. */
  reason?: string;
  /** Drop (with a note) meta keys the server does not declare, instead of refusing the file. */
  dropUnknownMeta?: boolean;
  now: Date;
}

export function stepTarget(step: Step): string {
  return "model" in step ? step.model : step.alias;
}

export function planCatalog(file: CatalogFile, live: LiveCatalog, options: PlanOptions): Plan {
  const plan: Plan = {
    steps: [],
    unchanged: [],
    notDeclared: [],
    notDeclaredAliases: [],
    unchangedAliases: 0,
    problems: [],
    notes: [],
    versions: Object.fromEntries([...live.models].map(([id, model]) => [id, model.version])),
  };
  const reason = options.reason ?? "declared archived in the catalog file";
  const declared = new Set(file.models.map((model) => model.id));
  const dropped = new Map<string, string[]>();

  file.models.forEach((model, index) => {
    const meta = knownMeta(model, index, live.metaFields, options.dropUnknownMeta === true, plan.problems, dropped);
    const current = live.models.get(model.id);
    const steps = current
      ? modelSteps({ ...model, meta }, current, index, reason, plan.problems)
      : newModelSteps({ ...model, meta }, reason);
    if (steps.length === 0) plan.unchanged.push(model.id);
    plan.steps.push(...steps);
    checkLegacySteps(steps, index, declared, live, options.now, plan.problems);
  });
  for (const [key, models] of dropped) {
    plan.notes.push(`meta.${key} is not a field this server knows: left out for ${models.length} model(s) (${preview(models)})`);
  }

  for (const [id, model] of live.models) {
    if (declared.has(id) || model.lifecycle === "archived") continue;
    if (options.prune) plan.steps.push({ kind: "archive", model: id, reason: "not in the catalog file (--prune)" });
    else plan.notDeclared.push(id);
  }

  planAliases(file.aliases, live, declared, options, plan);
  plan.steps.sort((a, b) => PHASES.indexOf(a.kind) - PHASES.indexOf(b.kind));
  return plan;
}

function newModelSteps(model: DeclaredModel, reason: string): Step[] {
  const steps: Step[] = [
    {
      kind: "create",
      model: model.id,
      body: {
        id: model.id,
        name: model.name,
        provider: model.provider,
        ...(model.available !== undefined && { isAvailable: model.available }),
        meta: model.meta,
      },
    },
  ];
  if (wantsLegacy(model)) steps.push(markLegacy(model, undefined));
  if (model.lifecycle === "archived") steps.push({ kind: "archive", model: model.id, reason });
  return steps;
}

function modelSteps(model: DeclaredModel, current: LiveModel, index: number, reason: string, problems: Problem[]): Step[] {
  for (const field of ["name", "provider"] as const) {
    if (model[field] !== current[field]) {
      problems.push({
        path: ["models", index, field],
        message: `model ${model.id}: ${field} is ${JSON.stringify(current[field])} on the server; the admin API cannot change a ${field}`,
      });
    }
  }
  if ((model.available ?? true) !== (current.available ?? true)) {
    problems.push({
      path: ["models", index, "available"],
      message: `model ${model.id}: available is ${current.available ?? true} on the server; the admin API sets it only when a model is created`,
    });
  }

  const steps: Step[] = [];
  const changes = metaChanges(current.meta, model.meta);
  if (changes.length > 0) {
    const patch = Object.fromEntries(changes.map(({ field, to }) => [field.slice("meta.".length), to === undefined ? null : to]));
    steps.push({ kind: "update-meta", model: model.id, patch, changes });
  }

  const legacy = wantsLegacy(model);
  const deprecate = legacy && (!current.isLegacy || legacyChanges(current.legacy ?? {}, model.legacy ?? {}).length > 0);
  const undeprecate = !legacy && current.isLegacy;
  const transitions: Step[] = [];
  if (deprecate) transitions.push(markLegacy(model, current));
  if (undeprecate) transitions.push({ kind: "unmark-legacy", model: model.id, changes: legacyChanges(current.legacy ?? {}, {}) });

  const archivedNow = current.lifecycle === "archived";
  const archivedThen = model.lifecycle === "archived";
  // An archived model's legacy fields change only while it is live: out, change, back in.
  if (archivedNow && (!archivedThen || transitions.length > 0)) steps.push({ kind: "unarchive", model: model.id });
  steps.push(...transitions);
  if (archivedThen && (!archivedNow || transitions.length > 0)) steps.push({ kind: "archive", model: model.id, reason });
  return steps;
}

const wantsLegacy = (model: DeclaredModel) =>
  model.lifecycle === "legacy" || (model.lifecycle === "archived" && model.legacy !== undefined);

function markLegacy(model: DeclaredModel, current: LiveModel | undefined): Step {
  const body = model.legacy ?? {};
  const from = current?.isLegacy ? (current.legacy ?? {}) : {};
  return { kind: "mark-legacy", model: model.id, body, changes: legacyChanges(from, body) };
}

/** A mark-legacy the server would refuse: a sunset already passed, a replacement nobody declares. */
function checkLegacySteps(steps: Step[], index: number, declared: Set<string>, live: LiveCatalog, now: Date, problems: Problem[]) {
  for (const step of steps) {
    if (step.kind !== "mark-legacy") continue;
    const { sunsetDate, replacementModelId } = step.body;
    if (sunsetDate !== undefined && !(Date.parse(sunsetDate) > now.getTime())) {
      problems.push({
        path: ["models", index, "legacy", "sunsetDate"],
        message: `model ${step.model}: a sunset date must be in the future to be set`,
      });
    }
    if (replacementModelId !== undefined && !declared.has(replacementModelId) && !live.models.has(replacementModelId)) {
      problems.push({
        path: ["models", index, "legacy", "replacementModelId"],
        message: `model ${step.model}: replacement ${replacementModelId} is neither in the file nor on the server`,
      });
    }
  }
}

function knownMeta(
  model: DeclaredModel,
  index: number,
  fields: Set<string> | undefined,
  drop: boolean,
  problems: Problem[],
  dropped: Map<string, string[]>,
): Record<string, unknown> {
  if (fields === undefined) return model.meta;
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(model.meta)) {
    if (fields.has(key)) meta[key] = value;
    else if (drop) dropped.set(key, [...(dropped.get(key) ?? []), model.id]);
    else {
      problems.push({
        path: ["models", index, "meta", key],
        message: `model ${model.id}: this server's meta has no field ${key} (its /openapi.json; --drop-unknown-meta leaves such fields out)`,
      });
    }
  }
  return meta;
}

export function metaChanges(from: Record<string, unknown>, to: Record<string, unknown>): Change[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys
    .filter((key) => canonicalJson(from[key]) !== canonicalJson(to[key]))
    .map((key) => ({
      field: `meta.${key}`,
      ...(from[key] !== undefined && { from: from[key] }),
      ...(to[key] !== undefined && { to: to[key] }),
    }));
}

export function legacyChanges(from: LegacyFields, to: LegacyFields): Change[] {
  const changes: Change[] = [];
  for (const key of ["replacementModelId", "deprecationNotice", "sunsetDate"] as const) {
    const same = key === "sunsetDate" ? sameInstant(from[key], to[key]) : from[key] === to[key];
    if (!same)
      changes.push({
        field: `legacy.${key}`,
        ...(from[key] !== undefined && { from: from[key] }),
        ...(to[key] !== undefined && { to: to[key] }),
      });
  }
  return changes;
}

/** The server stores a sunset date as toISOString(): `...59Z` and `...59.000Z` are one date. */
function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}

function planAliases(aliases: DeclaredAlias[], live: LiveCatalog, declared: Set<string>, options: PlanOptions, plan: Plan) {
  if (live.aliases === undefined) {
    if (aliases.length > 0) {
      plan.notes.push(`this server has no alias routes (GET /admin/aliases: 404): the file's ${aliases.length} alias(es) are not planned`);
    }
    return;
  }
  plan.steps.push(...aliasSteps(aliases, live.aliases, options.prune === true));
  plan.unchangedAliases = aliases.filter(({ alias, targetModelId }) => live.aliases?.get(alias)?.targetModelId === targetModelId).length;
  if (!options.prune) plan.notDeclaredAliases = [...live.aliases.keys()].filter((alias) => !aliases.some((entry) => entry.alias === alias));
  aliases.forEach(({ alias, targetModelId }, index) => {
    if (!declared.has(targetModelId) && !live.models.has(targetModelId)) {
      plan.problems.push({
        path: ["aliases", index, "targetModelId"],
        message: `alias ${alias}: target ${targetModelId} is neither in the file nor on the server`,
      });
    } else if (!declared.has(targetModelId) && live.models.get(targetModelId)?.lifecycle === "archived") {
      plan.problems.push({ path: ["aliases", index, "targetModelId"], message: `alias ${alias}: target ${targetModelId} is archived` });
    }
    if (live.models.has(alias) && !declared.has(alias)) {
      plan.problems.push({
        path: ["aliases", index, "alias"],
        message: `${alias} is a model on the server: aliases and models share one id space`,
      });
    }
  });
}

/** Alias writes: create what is missing, re-point what moved, delete what the file dropped (only with prune). Pure. */
export function aliasSteps(declared: DeclaredAlias[], live: Map<string, LiveAlias>, prune: boolean): Step[] {
  const steps: Step[] = [];
  for (const { alias, targetModelId } of declared) {
    const current = live.get(alias);
    if (!current) steps.push({ kind: "alias-create", alias, target: targetModelId });
    else if (current.targetModelId !== targetModelId)
      steps.push({ kind: "alias-repoint", alias, from: current.targetModelId, target: targetModelId });
  }
  if (prune) {
    const names = new Set(declared.map(({ alias }) => alias));
    for (const [alias, current] of live) {
      if (!names.has(alias))
        steps.push({ kind: "alias-delete", alias, target: current.targetModelId, reason: "not in the catalog file (--prune)" });
    }
  }
  return steps;
}

/** JSON with object keys sorted: meta read back from JSONB has Postgres' key order, the file its own. */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

const preview = (ids: string[]) => (ids.length <= 5 ? ids.join(", ") : `${ids.slice(0, 5).join(", ")}, ...`);
