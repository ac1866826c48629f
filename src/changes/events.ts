/**
 * What the change feed says about a change: one event per lifecycle write,
 * built from the public view of the model before and after (the allowlist in
 * catalog/public-model.ts), so staff-only fields can never appear and a
 * change to them alone is no event. Pure: no runtime needed.
 */

import { z } from "@hono/zod-openapi";
import { aliasEntry, type ModelState, type PublicModel, PublicModelSchema, toPublicModel } from "../catalog/public-model";
import { canonicalJson } from "../domain/canonical-json";
import { type AliasAction, EVENT_OF_ALIAS_ACTION } from "../lifecycle/alias-rules";
import { EVENT_OF_ACTION, type LifecycleAction } from "../lifecycle/rules";

/** The lifecycle writes' events, the cron's warning, then the alias writes' events. */
export const CHANGE_EVENT_TYPES = [
  ...Object.values(EVENT_OF_ACTION),
  "model.sunset_approaching",
  ...Object.values(EVENT_OF_ALIAS_ACTION),
] as const;
export const ChangeEventTypeSchema = z.enum(CHANGE_EVENT_TYPES).openapi("ChangeEventType");
export type ChangeEventType = z.infer<typeof ChangeEventTypeSchema>;

/** Days before a sunset date at which the cron warns, farthest first. */
export const SUNSET_WARNING_DAYS = [30, 7, 1] as const;
export type SunsetWarningDays = (typeof SUNSET_WARNING_DAYS)[number];

/** An event as the feed lists it and a webhook delivers it (the body of the POST). */
export const ChangeEventSchema = z
  .strictObject({
    id: z.string().openapi({ description: "Unique; also the webhook-id header of its deliveries (the same on every retry)" }),
    type: ChangeEventTypeSchema,
    model_id: z.string().openapi({ description: "The model changed; on alias.* events the alias (ids are one space)" }),
    occurred_at: z.string().openapi({ description: "When the change committed (ISO 8601)" }),
    model: PublicModelSchema.nullable().openapi({
      description:
        "The public model after the change; null when it is archived. On alias.* events the alias's entry as /v1/models lists it (its target's fields, `alias_for` set); null when deleted or its target is archived",
    }),
    changed_fields: z.array(z.string()).openapi({
      description: "Public (snake_case) fields that changed; all of them for model.created; empty for model.sunset_approaching",
    }),
    days_before: z
      .union([z.literal(30), z.literal(7), z.literal(1)])
      .optional()
      .openapi({ description: "model.sunset_approaching only: the threshold crossed" }),
    alias: z.string().optional().openapi({ description: "alias.* events only: the alias" }),
    target_model_id: z
      .string()
      .optional()
      .openapi({ description: "alias.* events only: the model it points at (alias.deleted: pointed at)" }),
    previous_target_model_id: z.string().optional().openapi({ description: "alias.repointed only: the model it pointed at before" }),
  })
  .openapi("ChangeEvent", {
    example: {
      id: "evt_3f0c2b8e6d1a4d2f9d0e5a7c1b2e4f60",
      type: "model.deprecated",
      model_id: "gpt-3.5-turbo",
      occurred_at: "2026-11-02T10:00:00.000Z",
      model: null,
      changed_fields: ["is_legacy", "legacy_info"],
    },
  });
export type ChangeEvent = z.infer<typeof ChangeEventSchema>;

/** The stored, public part of an event (change_events.body). */
export type ChangeEventBody = Pick<
  ChangeEvent,
  "model" | "changed_fields" | "days_before" | "alias" | "target_model_id" | "previous_target_model_id"
>;

export interface NewChangeEvent {
  type: ChangeEventType;
  modelId: string;
  body: ChangeEventBody;
}

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

/** An alias pointing at a model, as an alias event sees it. */
export interface AliasState {
  targetModelId: string;
  target: ModelState;
}

/** The event of an alias write: `before` null for a creation, `after` null for a deletion. */
export function aliasEventFor(action: AliasAction, alias: string, before: AliasState | null, after: AliasState | null): NewChangeEvent {
  const entryOf = (state: AliasState | null) => (state && !state.target.isArchived ? aliasEntry(alias, toPublicModel(state.target)) : null);
  const [previous, next] = [entryOf(before), entryOf(after)];
  const changed = previous === null ? (next ? Object.keys(next) : []) : next === null ? [] : changedFields(previous, next);
  return {
    type: EVENT_OF_ALIAS_ACTION[action],
    modelId: alias,
    body: {
      model: next,
      changed_fields: changed,
      alias,
      target_model_id: (after ?? before)?.targetModelId,
      ...(action === "repoint_alias" && { previous_target_model_id: before?.targetModelId }),
    },
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

/** A stored event as the feed and webhooks show it. */
export function feedEventOf(row: {
  id: string;
  type: ChangeEventType;
  modelId: string;
  occurredAt: Date;
  body: ChangeEventBody;
}): ChangeEvent {
  return {
    id: row.id,
    type: row.type,
    model_id: row.modelId,
    occurred_at: row.occurredAt.toISOString(),
    model: row.body.model,
    changed_fields: row.body.changed_fields,
    ...(row.body.days_before !== undefined && { days_before: row.body.days_before }),
    ...(row.body.alias !== undefined && { alias: row.body.alias, target_model_id: row.body.target_model_id }),
    ...(row.body.previous_target_model_id !== undefined && { previous_target_model_id: row.body.previous_target_model_id }),
  };
}

// The change_events and webhook_endpoints columns' row types (drizzle/schema.ts leaves them to their owner).
declare module "../../drizzle/schema" {
  interface ColumnTypes {
    changeEventType: ChangeEventType;
    changeEventBody: ChangeEventBody;
  }
}
