/**
 * What a scheduled change is about: a model, or an alias (a `repoint`). The
 * judgement at scheduling of each (the very rules that will apply it, at its
 * effective instant), and who its audit rows and feed events name: the model,
 * or the alias (ids are one space) with its entry as /v1/models shows it.
 */
import { eq } from "drizzle-orm";
import { type ModelRow, modelAliases, models, type ScheduledChangeRow } from "../../drizzle/schema";
import { aliasEntry, type PublicChanges, toPublicModel } from "../catalog/public-model";
import { type PendingChange, stateAfter } from "../catalog/upcoming";
import { type NewChangeEvent, publicChanges } from "../changes/events";
import type { Transaction } from "../db/client";
import { ApiError } from "../http/errors";
import { assertAliasTarget } from "../lifecycle/alias-rules";
import { transition } from "../lifecycle/transitions";
import { pendingChangesOf } from "../queries/scheduled-changes";

/** Who a scheduled change's audit rows and events name; `model` is the alias's target for a re-point. */
export interface Subject {
  id: string;
  model: ModelRow | undefined;
  alias?: string;
}

export interface Plan {
  subject: Subject;
  modelId: string | null;
  alias: string | null;
  changes: PublicChanges;
}

export const pendingOf = (row: ScheduledChangeRow): PendingChange => ({
  id: row.id,
  action: row.action as PendingChange["action"],
  body: row.body,
  effectiveAt: row.effectiveAt,
});

/** The model's changes pending at or before `at`, applied in order: the model as it will be just before then. */
async function modelThen(tx: Transaction, model: ModelRow, at: Date) {
  const earlier = (await pendingChangesOf(tx, model.id)).filter((row) => row.effectiveAt <= at).map(pendingOf);
  return stateAfter(model, earlier);
}

/** A model action: refused (409, or 400) when it will not be legal at effectiveAt. */
export async function planModelChange(
  tx: Transaction,
  modelId: string,
  action: PendingChange["action"],
  body: Record<string, unknown>,
  effectiveAt: Date,
): Promise<Plan> {
  // The model's row lock serializes scheduling per model: each plan is judged after the one before it.
  const [model] = await tx.select().from(models).where(eq(models.id, modelId)).for("update");
  if (!model) throw new ApiError("not_found", `model ${modelId} does not exist`);
  const before = await modelThen(tx, model, effectiveAt);
  // Throws what the rules refuse: the action will not be legal then.
  const after = { ...before, ...transition(action, body, before, effectiveAt) };
  return {
    subject: { id: model.id, model },
    modelId: model.id,
    alias: null,
    changes: publicChanges(toPublicModel(before), toPublicModel(after)),
  };
}

/**
 * A re-point, judged by PUT /admin/aliases/:alias's rules: the alias must
 * exist (404), the target exist (404), be no alias and not be archived at
 * effectiveAt, its own pending changes before then counted (409).
 */
export async function planRepoint(tx: Transaction, alias: string, targetId: string, effectiveAt: Date): Promise<Plan> {
  const [current] = await tx.select().from(modelAliases).where(eq(modelAliases.alias, alias)).for("update");
  if (!current) throw new ApiError("not_found", `alias ${alias} does not exist`);
  const [targetAlias] = await tx.select({ alias: modelAliases.alias }).from(modelAliases).where(eq(modelAliases.alias, targetId));
  const [target] = await tx.select().from(models).where(eq(models.id, targetId)).for("share");
  assertAliasTarget(targetId, target && (await modelThen(tx, target, effectiveAt)), targetAlias !== undefined || targetId === alias);
  const [model] = await tx.select().from(models).where(eq(models.id, current.targetModelId));
  const changes: PublicChanges = current.targetModelId === targetId ? {} : { alias_for: { from: current.targetModelId, to: targetId } };
  return { subject: { id: alias, model, alias }, modelId: null, alias, changes };
}

/** The subject of a stored change: its model, or its alias with the model it points at now (its planned target once deleted). */
export async function subjectOf(tx: Transaction, change: ScheduledChangeRow): Promise<Subject> {
  if (change.alias === null) {
    const [model] = await tx
      .select()
      .from(models)
      .where(eq(models.id, change.modelId ?? ""));
    return { id: change.modelId ?? "", model };
  }
  const [current] = await tx.select().from(modelAliases).where(eq(modelAliases.alias, change.alias));
  const targetId = current?.targetModelId ?? String(change.body.targetModelId);
  const [model] = await tx.select().from(models).where(eq(models.id, targetId));
  return { id: change.alias, model, alias: change.alias };
}

/** An event about an alias names the alias, its entry the alias's (its target's fields under the alias's id). */
export function asSubjectEvent(subject: Subject, event: NewChangeEvent): NewChangeEvent {
  if (subject.alias === undefined) return event;
  const model = event.body.model ? aliasEntry(subject.alias, event.body.model) : null;
  return { ...event, modelId: subject.alias, body: { ...event.body, model } };
}
