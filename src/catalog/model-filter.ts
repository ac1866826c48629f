/**
 * The list filters clients send (`capability`, `provider`, `available`,
 * `modality`, `region`, `reasoning`): one query schema and one predicate, for
 * the cached list, the admin listing with archived models, and every other
 * view of the list. Pure.
 */
import { z } from "@hono/zod-openapi";
import { ModalitySchema, ModelCapabilitySchema, RegionCodeSchema } from "../domain/model-meta";
import type { PublicModel } from "./public-model";

export const booleanParam = z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true");

/** A repeatable parameter: one value or several, repeats dropped. */
const repeatable = <T extends z.ZodType<string>>(item: T, max: number) =>
  z.union([item, z.array(item).max(max)]).transform((value) => [...new Set(Array.isArray(value) ? value : [value])] as z.infer<T>[]);

export const modelFilterShape = {
  capability: repeatable(ModelCapabilitySchema, 5)
    .optional()
    .openapi({ description: "Repeatable: every capability named must be present", example: "vision" }),
  // A repeated provider/available/reasoning arrives as an array and is refused by the string schema.
  provider: z
    .string()
    .max(64)
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a provider id such as openai")
    .optional()
    .openapi({ example: "openai" }),
  available: booleanParam.optional().openapi({ description: "Only models that are (or are not) available" }),
  modality: repeatable(ModalitySchema, 5)
    .optional()
    .openapi({ description: "Repeatable: every input modality named must be in the model's `modalities.input`", example: "image" }),
  region: repeatable(RegionCodeSchema, 10)
    .optional()
    .openapi({ description: "Repeatable: every region named must be in the model's `regions`", example: "eu" }),
  reasoning: booleanParam
    .optional()
    .openapi({ description: "true: only models with `reasoning: true`; false: the others (false or not stated)" }),
};

/** Both views: staff may ask for archived models too (403 for anyone else). */
export const includeArchivedParam = booleanParam
  .optional()
  .openapi({ description: "Admins only (403 otherwise): include archived models" });

const FiltersSchema = z.object(modelFilterShape);
export type ModelFilters = z.infer<typeof FiltersSchema>;

const FILTER_NAMES = Object.keys(modelFilterShape) as (keyof ModelFilters)[];

export const isFiltered = (filters: ModelFilters) => FILTER_NAMES.some((name) => filters[name] !== undefined);

/** Names a filter combination for ETags: the same filters in another order name the same bytes. */
export const filterView = (filters: ModelFilters) =>
  JSON.stringify(FILTER_NAMES.map((name) => filters[name]).map((value) => (Array.isArray(value) ? value.toSorted() : value)));

type Filterable = Pick<PublicModel, "provider" | "is_available" | "capabilities" | "modalities" | "regions" | "reasoning">;

export function matchesFilters(model: Filterable, filters: ModelFilters) {
  return (
    (filters.provider === undefined || model.provider === filters.provider) &&
    (filters.available === undefined || model.is_available === filters.available) &&
    (filters.reasoning === undefined || (model.reasoning ?? false) === filters.reasoning) &&
    (filters.capability ?? []).every((capability) => model.capabilities.includes(capability)) &&
    (filters.modality ?? []).every((modality) => model.modalities?.input.includes(modality) ?? false) &&
    (filters.region ?? []).every((region) => model.regions?.includes(region) ?? false)
  );
}
