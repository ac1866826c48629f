/**
 * What staff send to schedule a change: the action and the body its
 * immediate route takes, validated with that route's very schema (the same
 * issues, under `body`), and when. The target is a model (`modelId`, a
 * model action) or an alias (`alias`, `repoint` with PUT /admin/aliases/:alias's
 * `{targetModelId}`): docs/scheduled-changes.md.
 */
import { z } from "@hono/zod-openapi";
import { IsoDateTimeSchema, ModelIdSchema } from "../domain/model-meta";
import { storedText } from "../domain/text";
import { ApiError } from "../http/errors";
import { ACTION_BODIES, MODEL_ACTIONS } from "../lifecycle/transitions";
import { PutAliasRequestSchema } from "../routes/admin-aliases/admin-alias";

/** How far ahead a change may be planned: at least a minute (the cron's period), at most two years. */
export const MIN_LEAD_MS = 60_000;
export const MAX_LEAD_MS = 2 * 365 * 86_400_000;

/** Each action's body: a model action's as its immediate route takes it; a re-point's the alias route's target. */
const SCHEDULED_BODIES = { ...ACTION_BODIES, repoint: PutAliasRequestSchema.pick({ targetModelId: true }) } as const;
export type ScheduledAction = keyof typeof SCHEDULED_BODIES;

export const ScheduledActionSchema = z.enum([...MODEL_ACTIONS, "repoint"]).openapi("ScheduledAction");

export const ScheduleChangeSchema = z
  .strictObject({
    modelId: ModelIdSchema.optional().openapi({ description: "The model changed (a model action)", example: "gpt-4" }),
    alias: ModelIdSchema.optional().openapi({ description: "The alias re-pointed (action repoint)" }),
    action: ScheduledActionSchema,
    body: z.record(z.string(), z.unknown()).openapi({ description: "What the immediate call takes (e.g. the meta patch for update_meta)" }),
    effectiveAt: IsoDateTimeSchema.openapi({ description: "At least 60 s and at most 2 years ahead" }),
    reason: storedText().trim().min(1).max(1000).optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.modelId === undefined) === (input.alias === undefined)) {
      ctx.addIssue({ code: "custom", path: ["modelId"], message: "give exactly one of modelId and alias" });
      return;
    }
    if ((input.alias !== undefined) !== (input.action === "repoint")) {
      const message = input.alias === undefined ? "repoint is scheduled on an alias" : "an alias's scheduled action is repoint";
      ctx.addIssue({ code: "custom", path: ["action"], message });
      return;
    }
    const parsed = SCHEDULED_BODIES[input.action].safeParse(input.body);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ["body", ...issue.path] } as never);
  })
  .openapi("ScheduleChange", {
    example: {
      modelId: "gpt-4",
      action: "update_meta",
      body: { inputCostPerMillionTokens: 3500 },
      effectiveAt: "2027-01-01T00:00:00Z",
      reason: "price rise announced on the blog",
    },
  });
export type ScheduleChange = z.infer<typeof ScheduleChangeSchema>;

/** The body as the action's schema normalizes it (trimmed strings): what is stored and later applied. */
export const parsedBody = (action: ScheduledAction, body: unknown) => SCHEDULED_BODIES[action].parse(body) as Record<string, unknown>;

/** effectiveAt must lie between a minute and two years after `now`. */
export function assertLeadTime(effectiveAt: string, now: Date) {
  const lead = Date.parse(effectiveAt) - now.getTime();
  if (lead >= MIN_LEAD_MS && lead <= MAX_LEAD_MS) return;
  const message = lead < MIN_LEAD_MS ? "must be at least 60 seconds ahead" : "must be at most 2 years ahead";
  throw new ApiError("invalid_request", `effectiveAt ${message}`, { details: [{ path: ["effectiveAt"], message }] });
}

// The scheduled_changes.action column's row type (drizzle/schema.ts leaves it to its owner).
declare module "../../drizzle/schema" {
  interface ColumnTypes {
    scheduledAction: ScheduledAction;
  }
}
