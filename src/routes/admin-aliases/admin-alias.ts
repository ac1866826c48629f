/** How staff see an alias, and what they send to put or delete one. */
import { z } from "@hono/zod-openapi";
import type { AliasRow } from "../../../drizzle/schema";
import { ModelIdSchema } from "../../domain/model-meta";
import { storedText } from "../../domain/text";

export const AdminAliasSchema = z
  .strictObject({
    alias: z.string(),
    target_model_id: z.string().openapi({ description: "The model the alias points at" }),
    row_version: z.number().int().openapi({ description: "The ETag of the alias; send it back as If-Match" }),
    created_at: z.string(),
    created_by: z.string(),
    updated_at: z.string().openapi({ description: "When it was created or last re-pointed" }),
    updated_by: z.string().openapi({ description: "Who did it: an admin token's subject, or system:* (an archive by the cron)" }),
  })
  .openapi("AdminAlias", {
    example: {
      alias: "gpt-4o",
      target_model_id: "gpt-4o-2024-08-06",
      row_version: 2,
      created_at: "2026-11-02T10:00:00.000Z",
      created_by: "admin-alice",
      updated_at: "2026-11-20T09:00:00.000Z",
      updated_by: "admin-alice",
    },
  });

export const PutAliasRequestSchema = z
  .strictObject({
    targetModelId: ModelIdSchema.openapi({ description: "A live model (not archived, not an alias)" }),
    reason: storedText().trim().min(1).max(1000).optional().openapi({ description: "Why, in the audit trail" }),
  })
  .openapi("PutAliasRequest", { example: { targetModelId: "gpt-4o-2024-08-06", reason: "the current snapshot" } });

export const DeleteAliasRequestSchema = z
  .strictObject({ reason: storedText().trim().min(1, "a reason is required").max(1000) })
  .openapi("DeleteAliasRequest");

export type AdminAlias = z.infer<typeof AdminAliasSchema>;

export function toAdminAlias(row: AliasRow): AdminAlias {
  return {
    alias: row.alias,
    target_model_id: row.targetModelId,
    row_version: row.rowVersion,
    created_at: row.createdAt.toISOString(),
    created_by: row.createdBy,
    updated_at: row.updatedAt.toISOString(),
    updated_by: row.updatedBy,
  };
}
