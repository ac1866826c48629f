/**
 * A model's versions and its public history. The answers are read from the
 * projection (model_history, 0011; versionFromHistory); versionsOf is the
 * replay of the audit trail the projection was backfilled with and must agree
 * with (test/workers/history-projection.test.ts).
 *
 * The replay: walking back
 * from the model as it is now, each row's `previous` undoes its change, so the
 * first state reached is the model at its creation, also for the models 0002
 * backfilled (their trail has no create row: the creation is dated at their
 * created_at). `at` is when a change took effect: a scheduled change's
 * effective_at, else when it was recorded. Pure; docs/scheduled-changes.md.
 */
import type { ModelRow } from "../../drizzle/schema";
import { publicChanges } from "../changes/events";
import type { ModelMeta } from "../domain/model-meta";
import { type ModelState, type PublicChanges, toPublicModel } from "./public-model";

/** The audit actions that change a model's row (and its version); the others (scheduling) change nothing of it. */
export const STATE_ACTIONS = ["create", "update_meta", "mark_legacy", "unmark_legacy", "archive", "unarchive"] as const;

export interface TrailEntry {
  action: string;
  previous: unknown;
  next: unknown;
  recordedAt: Date;
  effectiveAt: Date | null;
}

export interface ModelVersion {
  version: number;
  at: Date;
  action: string;
  state: ModelState;
}

const FLAGS = ["isAvailable", "isLegacy", "isArchived"] as const;

/** The state before a change, from the state after it and the audit row's `previous` (only what changed; null: absent). */
function undo(state: ModelState, previous: unknown): ModelState {
  if (typeof previous !== "object" || previous === null) return state;
  const before = previous as Record<string, unknown>;
  const undone = { ...state };
  for (const flag of FLAGS) if (typeof before[flag] === "boolean") undone[flag] = before[flag] as boolean;
  if (typeof before.meta === "object" && before.meta !== null) {
    const meta: Record<string, unknown> = { ...state.meta };
    for (const [key, value] of Object.entries(before.meta)) {
      if (value === null) delete meta[key];
      else meta[key] = value;
    }
    undone.meta = meta as ModelMeta;
  }
  return undone;
}

/**
 * legacy_since is not in the trail: a legacy spell starts when the change
 * that made the model legacy took effect; the current spell keeps the row's value.
 */
function withLegacySince(versions: ModelVersion[], current: Date | null): ModelVersion[] {
  let since: Date | null = null;
  let wasLegacy = false;
  for (const version of versions) {
    if (version.state.isLegacy && !wasLegacy) since = version.action === "create" ? version.state.legacySince : version.at;
    wasLegacy = version.state.isLegacy;
    version.state = { ...version.state, legacySince: wasLegacy ? since : null };
  }
  for (let i = versions.length - 1; i >= 0 && versions[i]?.state.isLegacy; i--) {
    const version = versions[i] as ModelVersion;
    version.state = { ...version.state, legacySince: current };
  }
  return versions;
}

/** Every version of the model, oldest first: the creation, then one per change of its row. */
export function versionsOf(model: ModelRow, trail: readonly TrailEntry[]): ModelVersion[] {
  const after = new Array<ModelState>(trail.length);
  let state: ModelState = model;
  for (let i = trail.length - 1; i >= 0; i--) {
    const entry = trail[i] as TrailEntry;
    after[i] = state;
    if (entry.action !== "create") state = undo(state, entry.previous);
  }
  const changes = trail.filter((entry) => entry.action !== "create").length;
  let version = model.rowVersion - changes;
  const versions: ModelVersion[] = [];
  if (trail[0]?.action !== "create") versions.push({ version, at: model.createdAt, action: "create", state });
  trail.forEach((entry, i) => {
    if (entry.action !== "create") version++;
    versions.push({ version, at: entry.effectiveAt ?? entry.recordedAt, action: entry.action, state: after[i] as ModelState });
  });
  return withLegacySince(versions, model.legacySince);
}

/** A model_history row as a version (its state's legacySince is stored as ISO 8601). */
export function versionFromHistory(row: {
  version: number;
  effectiveAt: Date;
  action: string;
  state: Record<string, unknown>;
}): ModelVersion {
  const { legacySince, ...state } = row.state;
  return {
    version: row.version,
    at: row.effectiveAt,
    action: row.action,
    state: { ...(state as Omit<ModelState, "legacySince">), legacySince: typeof legacySince === "string" ? new Date(legacySince) : null },
  };
}

/** The version in effect at `instant` (undefined: the model did not exist yet). */
export function versionAt(versions: readonly ModelVersion[], instant: Date): ModelVersion | undefined {
  let found: ModelVersion | undefined;
  for (const version of versions) if (version.at.getTime() <= instant.getTime()) found = version;
  return found;
}

export interface HistoryEntry {
  version: number;
  at: string;
  action: string;
  changes: PublicChanges;
}

/**
 * The public history: the creation (every public field) and each version that
 * changed a public field. `before`: the version just before the first one (a
 * later page's), whose public fields the first one is compared with.
 */
export function publicHistory(versions: readonly ModelVersion[], before?: ModelVersion): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  // Each version made public once (a page is 100 of them): each is compared with the next.
  let prior = before ? toPublicModel(before.state) : null;
  versions.forEach((current) => {
    const next = toPublicModel(current.state);
    const changes = publicChanges(prior, next);
    const compared = prior !== null;
    prior = next;
    if (compared && Object.keys(changes).length === 0) return;
    entries.push({ version: current.version, at: current.at.toISOString(), action: current.action, changes });
  });
  return entries;
}
