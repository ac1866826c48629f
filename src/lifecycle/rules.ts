/**
 * Lifecycle rules that need no database: what a transition may do and what
 * the audit trail records. Pure, tested directly.
 */
import type { ModelMeta } from "../domain/model-meta";
import { ApiError } from "../http/errors";

export const LEGACY_META_KEYS = ["legacyReplacementModelId", "deprecationNotice", "sunsetDate"] as const;

export interface ModelFlags {
  isAvailable: boolean;
  isLegacy: boolean;
  isArchived: boolean;
  legacySince: Date | null;
  meta: ModelMeta;
}

export type LifecycleAction = "create" | "update_meta" | "mark_legacy" | "unmark_legacy" | "archive" | "unarchive";

export function assertCanMarkLegacy(model: ModelFlags) {
  if (model.isArchived) throw new ApiError("conflict", "an archived model cannot be marked legacy; unarchive it first");
}

export function assertCanUnmarkLegacy(model: ModelFlags) {
  if (!model.isLegacy) throw new ApiError("conflict", "the model is not legacy");
}

export function assertCanArchive(model: ModelFlags) {
  if (model.isArchived) throw new ApiError("conflict", "the model is already archived");
}

export function assertCanUnarchive(model: ModelFlags) {
  if (!model.isArchived) throw new ApiError("conflict", "the model is not archived");
}

/** A sunset date must lie in the future when it is set. */
export function assertFutureSunset(sunsetDate: string | undefined, now: Date) {
  if (sunsetDate !== undefined && Date.parse(sunsetDate) <= now.getTime()) {
    throw new ApiError("invalid_request", "sunsetDate must be in the future", {
      details: [{ path: ["sunsetDate"], message: "must be in the future" }],
    });
  }
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
export function describeChange(before: ModelFlags, after: ModelFlags): { previous: Record<string, unknown>; next: Record<string, unknown> } {
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
    if (JSON.stringify(beforeMeta[key]) !== JSON.stringify(afterMeta[key])) {
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
