/**
 * The list filters clients send (`capability`, `provider`, `available`): one
 * query schema and one predicate, for the cached list, the admin listing
 * with archived models, and every other view of the list. Pure.
 */
import { z } from "@hono/zod-openapi";
import { ModelCapabilitySchema } from "../domain/model-meta";

export const booleanParam = z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true");

export const modelFilterShape = {
  capability: z
    .union([ModelCapabilitySchema, z.array(ModelCapabilitySchema).max(5)])
    .transform((value) => [...new Set(Array.isArray(value) ? value : [value])])
    .optional()
    .openapi({ description: "Repeatable: every capability named must be present", example: "vision" }),
  // A repeated provider/available arrives as an array and is refused by the string schema.
  provider: z
    .string()
    .max(64)
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a provider id such as openai")
    .optional()
    .openapi({ example: "openai" }),
  available: booleanParam.optional().openapi({ description: "Only models that are (or are not) available" }),
};

/** Both views: staff may ask for archived models too (403 for anyone else). */
export const includeArchivedParam = booleanParam
  .optional()
  .openapi({ description: "Admins only (403 otherwise): include archived models" });

const FiltersSchema = z.object(modelFilterShape);
export type ModelFilters = z.infer<typeof FiltersSchema>;

export const isFiltered = (filters: ModelFilters) =>
  filters.capability !== undefined || filters.provider !== undefined || filters.available !== undefined;

/** Names a filter combination for ETags: the same filters in another order name the same bytes. */
export const filterView = (filters: ModelFilters) => JSON.stringify([filters.capability?.toSorted(), filters.provider, filters.available]);

export function matchesFilters(model: { provider: string; is_available: boolean; capabilities: readonly string[] }, filters: ModelFilters) {
  return (
    (filters.provider === undefined || model.provider === filters.provider) &&
    (filters.available === undefined || model.is_available === filters.available) &&
    (filters.capability ?? []).every((capability) => model.capabilities.includes(capability))
  );
}
