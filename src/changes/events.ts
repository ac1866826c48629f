/**
 * What the change feed says about a change: one event per lifecycle write,
 * built from the public view of the model before and after (the allowlist in
 * catalog/public-model.ts), so staff-only fields can never appear and a
 * change to them alone is no event. Pure: no runtime needed.
 */
import { z } from "zod";
import { type ModelState, type PublicModel, toPublicModel } from "../catalog/public-model";
import type { LifecycleAction } from "../lifecycle/rules";

export const CHANGE_EVENT_TYPES = [
  "model.created",
  "model.updated",
  "model.deprecated",
  "model.undeprecated",
  "model.archived",
  "model.unarchived",
  "model.sunset_approaching",
] as const;
export const ChangeEventTypeSchema = z.enum(CHANGE_EVENT_TYPES);
export type ChangeEventType = z.infer<typeof ChangeEventTypeSchema>;

/** Days before a sunset date at which the cron warns, farthest first. */
export const SUNSET_WARNING_DAYS = [30, 7, 1] as const;
export type SunsetWarningDays = (typeof SUNSET_WARNING_DAYS)[number];

/** The stored, public part of an event (change_events.body). */
export interface ChangeEventBody {
  /** The public model after the change; null when it is archived (clients no longer see it). */
  model: PublicModel | null;
  /** Public (snake_case) fields that changed; every field of the model for model.created. */
  changed_fields: string[];
  days_before?: SunsetWarningDays;
}

export interface NewChangeEvent {
  type: ChangeEventType;
  modelId: string;
  body: ChangeEventBody;
}

/** One event per write: mark-legacy is model.deprecated only, whatever else it changed. */
const EVENT_OF_ACTION: Record<LifecycleAction, ChangeEventType> = {
  create: "model.created",
  update_meta: "model.updated",
  mark_legacy: "model.deprecated",
  unmark_legacy: "model.undeprecated",
  archive: "model.archived",
  unarchive: "model.unarchived",
};

/** The event for a lifecycle write, or null when clients can see no difference. */
export function changeEventFor(action: LifecycleAction, before: ModelState | null, after: ModelState): NewChangeEvent | null {
  const next = toPublicModel(after);
  const changed = before === null ? Object.keys(next) : changedFields(toPublicModel(before), next);
  if (changed.length === 0) return null;
  return {
    type: EVENT_OF_ACTION[action],
    modelId: after.id,
    body: { model: after.isArchived ? null : next, changed_fields: changed },
  };
}

export function sunsetApproachingEvent(model: ModelState, daysBefore: SunsetWarningDays): NewChangeEvent {
  return {
    type: "model.sunset_approaching",
    modelId: model.id,
    body: { model: toPublicModel(model), changed_fields: [], days_before: daysBefore },
  };
}

/**
 * The threshold a model with this sunset date should be warned of at `now`:
 * the nearest one it has crossed (20 days out: 30; 5 days out: 7), or
 * undefined when the sunset is more than 30 days away or already passed.
 */
export function sunsetWarningDue(sunsetDate: Date, now: Date): SunsetWarningDays | undefined {
  const left = sunsetDate.getTime() - now.getTime();
  if (!(left > 0)) return undefined;
  return [...SUNSET_WARNING_DAYS].reverse().find((days) => left <= days * 86_400_000);
}

/** Public fields whose value differs, in the public model's field order. */
export function changedFields(before: PublicModel, after: PublicModel): string[] {
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.filter((key) => canonicalJson(a[key]) !== canonicalJson(b[key]));
}

function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : inner,
  );
}

/** A stored event as the feed and webhooks show it. */
export function feedEventOf(row: { id: string; type: ChangeEventType; modelId: string; occurredAt: Date; body: ChangeEventBody }) {
  return {
    id: row.id,
    type: row.type,
    model_id: row.modelId,
    occurred_at: row.occurredAt.toISOString(),
    model: row.body.model,
    changed_fields: row.body.changed_fields,
    ...(row.body.days_before !== undefined && { days_before: row.body.days_before }),
  };
}
