/**
 * What each model action makes of a model, given the body of its request and
 * the instant it takes effect: the immediate writes (Lifecycle) and the
 * projection of a scheduled change (scheduled-changes/) both use these, so a
 * planned change is judged by the very rules that will apply it. Pure; the
 * database-side checks (a replacement must exist) stay in Lifecycle.
 */
import type { z } from "@hono/zod-openapi";
import { ModelMetaPatchSchema, mergeMeta } from "../domain/model-meta";
import { ArchiveRequestSchema, EmptyRequestSchema, LegacyOptionsSchema } from "./inputs";
import {
  assertCanArchive,
  assertCanMarkLegacy,
  assertCanUnarchive,
  assertCanUnmarkLegacy,
  assertFutureSunset,
  type ModelFlags,
  parseMeta,
  withoutLegacyFields,
  withoutPassedSunset,
} from "./rules";

/** The request body of each model action, as its immediate route validates it. */
export const ACTION_BODIES = {
  update_meta: ModelMetaPatchSchema,
  mark_legacy: LegacyOptionsSchema,
  unmark_legacy: EmptyRequestSchema,
  archive: ArchiveRequestSchema,
  unarchive: EmptyRequestSchema,
} as const;
export type ModelAction = keyof typeof ACTION_BODIES;
export const MODEL_ACTIONS = Object.keys(ACTION_BODIES) as [ModelAction, ...ModelAction[]];
export type ActionBody<A extends ModelAction> = z.infer<(typeof ACTION_BODIES)[A]>;

type Transition<A extends ModelAction> = (current: ModelFlags, body: ActionBody<A>, now: Date) => ModelFlags;

export const TRANSITIONS: { [A in ModelAction]: Transition<A> } = {
  update_meta: (current, patch) => ({ ...current, meta: parseMeta(mergeMeta(current.meta, patch)) }),
  mark_legacy: (current, options, now) => {
    assertCanMarkLegacy(current);
    assertFutureSunset(options.sunsetDate, now);
    return {
      ...current,
      isLegacy: true,
      legacySince: current.isLegacy ? current.legacySince : now,
      meta: parseMeta({
        ...withoutLegacyFields(current.meta),
        ...(options.replacementModelId !== undefined && { legacyReplacementModelId: options.replacementModelId }),
        ...(options.deprecationNotice !== undefined && { deprecationNotice: options.deprecationNotice }),
        ...(options.sunsetDate !== undefined && { sunsetDate: new Date(options.sunsetDate).toISOString() }),
      }),
    };
  },
  unmark_legacy: (current) => {
    assertCanUnmarkLegacy(current);
    return { ...current, isLegacy: false, legacySince: null, meta: withoutLegacyFields(current.meta) };
  },
  archive: (current) => {
    assertCanArchive(current);
    return { ...current, isArchived: true };
  },
  unarchive: (current, _body, now) => {
    assertCanUnarchive(current);
    return { ...current, isArchived: false, meta: withoutPassedSunset(current.meta, now) };
  },
};

/** Any action's transition, for a body already validated by ACTION_BODIES[action]. */
export function transition(action: ModelAction, body: unknown, current: ModelFlags, now: Date): ModelFlags {
  return (TRANSITIONS[action] as Transition<ModelAction>)(current, body as never, now);
}
