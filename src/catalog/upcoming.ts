/**
 * A model's pending scheduled changes as clients see them: each change
 * projected, soonest first, from the model as it will be just before it (the
 * same transitions that will apply it, at its effective instant), reduced to
 * the public fields it touches through the allowlist. A change to staff-only
 * fields alone, or one that will fail (not legal by then), shows nothing. Pure.
 */
import { publicChanges } from "../changes/events";
import type { ModelFlags } from "../lifecycle/rules";
import { type ModelAction, transition } from "../lifecycle/transitions";
import { type ModelState, type PublicChanges, toPublicModel, type UpcomingChange, type UpcomingEntry } from "./public-model";

/** A pending scheduled change of one model, in the order they apply (effective_at, then creation). */
export interface PendingChange {
  id: string;
  action: ModelAction;
  body: Record<string, unknown>;
  effectiveAt: Date;
}

export interface Projected {
  change: PendingChange;
  /** The model after it; undefined when it will not be legal then (it will fail). */
  after?: ModelState;
  changes: PublicChanges;
}

/** Applies `pending` in order from `model`: what each one will change. */
export function projectPending(model: ModelState, pending: readonly PendingChange[]): Projected[] {
  let state = model;
  return pending.map((change) => {
    let next: ModelFlags;
    try {
      next = transition(change.action, change.body, state, change.effectiveAt);
    } catch {
      return { change, changes: {} };
    }
    const after = { ...state, ...next };
    const changes = publicChanges(toPublicModel(state), toPublicModel(after));
    state = after;
    return { change, after, changes };
  });
}

/** The model as `pending` will leave it (those that will fail change nothing). */
export function stateAfter(model: ModelState, pending: readonly PendingChange[]): ModelState {
  return projectPending(model, pending).reduce((state, { after }) => after ?? state, model);
}

export function upcomingChangesOf(model: ModelState, pending: readonly PendingChange[]): UpcomingChange[] {
  return projectPending(model, pending)
    .filter(({ changes }) => Object.keys(changes).length > 0)
    .map(({ change, changes }) => ({ effective_at: change.effectiveAt.toISOString(), action: change.action, changes }));
}

/** A model's public entry in the catalog: its public fields and its upcoming changes. */
export function catalogEntryOf(model: ModelState & { pending?: readonly PendingChange[] }): UpcomingEntry {
  return { ...toPublicModel(model), upcoming_changes: model.pending?.length ? upcomingChangesOf(model, model.pending) : [] };
}
