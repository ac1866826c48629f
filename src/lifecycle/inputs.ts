/**
 * What staff send to the lifecycle writes: one zod schema each, used by the
 * API's request validation, the OpenAPI document and the service's types.
 */
import { z } from "@hono/zod-openapi";
import { EditableMetaFields, IsoDateTimeSchema, ModelIdSchema } from "../domain/model-meta";
import { storedText } from "../domain/text";

export const NewModelSchema = z
  .strictObject({
    id: ModelIdSchema.openapi({ example: "acme-1" }),
    name: storedText().trim().min(1).max(200),
    provider: storedText()
      .max(64)
      .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a lowercase provider id such as openai"),
    isAvailable: z.boolean().optional(),
    meta: EditableMetaFields,
  })
  .openapi("NewModel", {
    example: {
      id: "acme-1",
      name: "acme-1",
      provider: "acme",
      meta: {
        displayName: "Acme 1",
        capabilities: ["text"],
        contextLength: 8192,
        inputCostPerMillionTokens: 100,
        outputCostPerMillionTokens: 200,
        creditsPer1kTokens: 1,
        requiredTier: "free",
        tierRestrictionMode: "minimum",
        allowedTiers: ["free", "pro", "pro_max", "enterprise_pro", "enterprise_max"],
      },
    },
  });

export const LegacyOptionsSchema = z
  .strictObject({
    replacementModelId: ModelIdSchema.optional().openapi({ description: "Must exist, differ from the model and not be archived" }),
    deprecationNotice: storedText().trim().min(1).max(1000).optional(),
    sunsetDate: IsoDateTimeSchema.optional().openapi({ description: "Must lie in the future; the cron archives the model then" }),
  })
  .openapi("LegacyOptions", {
    example: { replacementModelId: "gpt-4", deprecationNotice: "Use GPT-4", sunsetDate: "2027-12-31T23:59:59Z" },
  });

export const ArchiveRequestSchema = z
  .strictObject({ reason: storedText().trim().min(1, "a reason is required").max(1000) })
  .openapi("ArchiveRequest");

/** Bodiless transitions (unmark-legacy, unarchive) accept no body or `{}`. */
export const EmptyRequestSchema = z.strictObject({});

export type NewModel = z.infer<typeof NewModelSchema>;
export type LegacyOptions = z.infer<typeof LegacyOptionsSchema>;
