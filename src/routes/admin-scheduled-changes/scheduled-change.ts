/** A scheduled change as staff read it. */
import { z } from "@hono/zod-openapi";
import type { ScheduledChangeRow } from "../../../drizzle/schema";

export const ScheduledChangeStatusSchema = z.enum(["pending", "applied", "failed", "cancelled"]);

export const ScheduledChangeSchema = z
  .strictObject({
    id: z.string(),
    model_id: z.string().nullable(),
    alias: z.string().nullable().openapi({ description: "An alias's re-point (with aliases); null for a model's change" }),
    action: z.string(),
    body: z.record(z.string(), z.unknown()).openapi({ description: "What the immediate call takes, as validated" }),
    effective_at: z.string(),
    reason: z.string().nullable(),
    status: ScheduledChangeStatusSchema,
    created_by: z.string(),
    created_at: z.string(),
    applied_at: z.string().nullable().openapi({ description: "When the cron applied it, or found it no longer legal" }),
    error: z.strictObject({ code: z.string(), message: z.string() }).nullable().openapi({ description: "failed: why" }),
    cancelled_at: z.string().nullable(),
    cancelled_by: z.string().nullable(),
  })
  .openapi("ScheduledChange");

export type ScheduledChange = z.infer<typeof ScheduledChangeSchema>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toScheduledChange(row: ScheduledChangeRow): ScheduledChange {
  return {
    id: row.id,
    model_id: row.modelId,
    alias: row.alias,
    action: row.action,
    body: row.body,
    effective_at: row.effectiveAt.toISOString(),
    reason: row.reason,
    status: row.status,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    applied_at: iso(row.appliedAt),
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? "" },
    cancelled_at: iso(row.cancelledAt),
    cancelled_by: row.cancelledBy,
  };
}
