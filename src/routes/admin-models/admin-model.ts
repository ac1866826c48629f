/** How staff see a model and its audit trail: everything, including flags, raw meta and the row version. */
import { z } from "@hono/zod-openapi";
import type { AuditRow, ModelRow } from "../../../drizzle/schema";
import { ModelMetaFields } from "../../domain/model-meta";

export const AdminModelSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    provider: z.string(),
    is_available: z.boolean(),
    is_legacy: z.boolean(),
    is_archived: z.boolean(),
    legacy_since: z.string().nullable(),
    meta: ModelMetaFields.openapi({ description: "The full meta, staff-only fields included" }),
    row_version: z.number().int().openapi({ description: "The ETag of the model; send it back as If-Match" }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("AdminModel");

export const AuditEntrySchema = z
  .strictObject({
    id: z.number().int(),
    model_id: z.string(),
    actor: z.string().openapi({ description: "The admin token's subject, or system:* for the cron" }),
    action: z.string().openapi({ example: "mark_legacy" }),
    previous_value: z.unknown().openapi({ description: "What changed, before (flags and meta keys)" }),
    new_value: z.unknown().openapi({ description: "What changed, after" }),
    reason: z.string().nullable(),
    request_id: z
      .string()
      .nullable()
      .openapi({ description: "The server's id of the request that made the change (its X-Request-Id answer)" }),
    client_request_id: z
      .string()
      .nullable()
      .openapi({ description: "The X-Request-Id the client sent, when it was plain (letters, digits, . _ : -; at most 128)" }),
    created_at: z.string(),
  })
  .openapi("AuditEntry");

/** A page of an audit trail (a model's, an alias's), named `name` in the document. */
export const auditTrailSchema = (name: string) =>
  z.strictObject({ entries: z.array(AuditEntrySchema), next_cursor: z.number().int().nullable() }).openapi(name);

export type AdminModel = z.infer<typeof AdminModelSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export function toAdminModel(row: ModelRow): AdminModel {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    is_available: row.isAvailable,
    is_legacy: row.isLegacy,
    is_archived: row.isArchived,
    legacy_since: row.legacySince?.toISOString() ?? null,
    meta: row.meta,
    row_version: row.rowVersion,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toAuditEntry(entry: AuditRow): AuditEntry {
  return {
    id: entry.id,
    model_id: entry.modelId,
    actor: entry.actor,
    action: entry.action,
    previous_value: entry.previousValue,
    new_value: entry.newValue,
    reason: entry.reason,
    request_id: entry.requestId,
    client_request_id: entry.clientRequestId,
    created_at: entry.createdAt.toISOString(),
  };
}
