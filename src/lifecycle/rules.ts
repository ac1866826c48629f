/**
 * Lifecycle rules that need no database: what a transition may do and what
 * the audit trail records. Pure, tested directly.
 */

import type { ModelRow } from "../../drizzle/schema";
import { canonicalJson } from "../domain/canonical-json";
import { type ModelMeta, ModelMetaSchema } from "../domain/model-meta";
import { ApiError } from "../http/errors";

export const LEGACY_META_KEYS = ["legacyReplacementModelId", "deprecationNotice", "sunsetDate"] as const;

export interface ModelFlags {
  isAvailable: boolean;
  isLegacy: boolean;
  isArchived: boolean;
  legacySince: Date | null;
  meta: ModelMeta;
}

/**
 * Every lifecycle action (the audit row's `action`) and the feed event a write
 * of it emits: one per write, so mark-legacy is model.deprecated only,
 * whatever else it changed. A new action is a line here, its rule below, its
 * Lifecycle method and its route.
 */
export const EVENT_OF_ACTION = {
  create: "model.created",
  update_meta: "model.updated",
  mark_legacy: "model.deprecated",
  unmark_legacy: "model.undeprecated",
  archive: "model.archived",
  unarchive: "model.unarchived",
} as const;
export type LifecycleAction = keyof typeof EVENT_OF_ACTION;

export function assertCanMarkLegacy(model: ModelFlags) {
  if (model.isArchived) throw new ApiError("conflict", "an archived model cannot be marked legacy; unarchive it first");
}

export function assertCanUnmarkLegacy(model: ModelFlags) {
  // Archived is a dead end but for unarchive (which keeps legacy status), as for mark-legacy.
  if (model.isArchived) throw new ApiError("conflict", "an archived model cannot be unmarked legacy; unarchive it first");
  if (!model.isLegacy) throw new ApiError("conflict", "the model is not legacy");
}

export function assertCanArchive(model: ModelFlags) {
  if (model.isArchived) throw new ApiError("conflict", "the model is already archived");
}

export function assertCanUnarchive(model: ModelFlags) {
  if (!model.isArchived) throw new ApiError("conflict", "the model is not archived");
}

/** A sunset date must lie in the future when it is set (an unparseable one does not). */
export function assertFutureSunset(sunsetDate: string | undefined, now: Date) {
  if (sunsetDate !== undefined && !(Date.parse(sunsetDate) > now.getTime())) {
    throw new ApiError("invalid_request", "sunsetDate must be in the future", {
      details: [{ path: ["sunsetDate"], message: "must be in the future" }],
    });
  }
}

/**
 * Meta for a model coming back from the archive: a sunset date already passed
 * would have the cron archive it again at its next run, so it is dropped. The
 * rest (legacy status, replacement, notice) comes back as it left.
 */
export function withoutPassedSunset(meta: ModelMeta, now: Date): ModelMeta {
  if (meta.sunsetDate === undefined || Date.parse(meta.sunsetDate) > now.getTime()) return meta;
  const { sunsetDate: _passed, ...rest } = meta;
  return rest;
}

/** Meta without the legacy fields (what unmark-legacy leaves). */
export function withoutLegacyFields(meta: ModelMeta): ModelMeta {
  const rest: Record<string, unknown> = { ...meta };
  for (const key of LEGACY_META_KEYS) delete rest[key];
  return rest as ModelMeta;
}

/**
 * The audit pair for a change: only what changed, flags and meta keys,
 * so the trail reads as "what was, what became".
 */
export function describeChange(
  before: ModelFlags,
  after: ModelFlags,
): { previous: Record<string, unknown>; next: Record<string, unknown> } {
  const previous: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  for (const flag of ["isAvailable", "isLegacy", "isArchived"] as const) {
    if (before[flag] !== after[flag]) {
      previous[flag] = before[flag];
      next[flag] = after[flag];
    }
  }
  const beforeMeta = before.meta as Record<string, unknown>;
  const afterMeta = after.meta as Record<string, unknown>;
  const changedKeys = new Set([...Object.keys(beforeMeta), ...Object.keys(afterMeta)]);
  const metaBefore: Record<string, unknown> = {};
  const metaAfter: Record<string, unknown> = {};
  for (const key of changedKeys) {
    if (canonicalJson(beforeMeta[key]) !== canonicalJson(afterMeta[key])) {
      metaBefore[key] = beforeMeta[key] ?? null;
      metaAfter[key] = afterMeta[key] ?? null;
    }
  }
  if (Object.keys(metaAfter).length) {
    previous.meta = metaBefore;
    next.meta = metaAfter;
  }
  return { previous, next };
}

/** The lifecycle state of a row: what a rule looks at and a change writes. */
export function stateOf(row: ModelRow): ModelFlags {
  return { isAvailable: row.isAvailable, isLegacy: row.isLegacy, isArchived: row.isArchived, legacySince: row.legacySince, meta: row.meta };
}

/** The meta a write would leave, refused with 400 (paths under `meta`) when the schema does not accept it. */
export function parseMeta(meta: unknown): ModelMeta {
  const parsed = ModelMetaSchema.safeParse(meta);
  if (!parsed.success) {
    throw new ApiError("invalid_request", "the resulting meta is invalid", {
      details: parsed.error.issues.map(({ code, path, message }) => ({ code, path: ["meta", ...path], message })),
    });
  }
  return parsed.data;
}

/**
 * The lifecycle actions the rules above allow a model in this state: what a
 * page may offer. Derived by asking each rule, so a page never restates them.
 */
export function availableActions(model: ModelFlags): ReadonlySet<LifecycleAction> {
  const transitions = {
    mark_legacy: assertCanMarkLegacy,
    unmark_legacy: assertCanUnmarkLegacy,
    archive: assertCanArchive,
    unarchive: assertCanUnarchive,
  } satisfies Partial<Record<LifecycleAction, (model: ModelFlags) => void>>;
  // Meta can be edited in every state; `create` is not an action on a model.
  const allowed = new Set<LifecycleAction>(["update_meta"]);
  for (const [action, assertAllowed] of Object.entries(transitions) as [LifecycleAction, (model: ModelFlags) => void][]) {
    try {
      assertAllowed(model);
      allowed.add(action);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }
  return allowed;
}

/** Whether a page's action is one of the lifecycle's model actions (the others, such as alias writes, are not judged by availableActions). */
export const isLifecycleAction = (action: string): action is LifecycleAction => Object.hasOwn(EVENT_OF_ACTION, action);
