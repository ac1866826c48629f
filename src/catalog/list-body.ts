/**
 * Building list bodies fast: each model is serialized once per catalog
 * version; a tier's body splices in access_status per model, so no
 * per-request JSON.stringify of the whole catalog is needed.
 */
import type { SubscriptionTier } from "../domain/model-meta";
import { accessStatusOf, type CatalogEntry } from "./public-model";

export interface SerializedModel {
  /** A model with its aliases, or an alias's entry. */
  model: CatalogEntry;
  /** JSON of the model without its closing brace, ready for `,"access_status":...}`. */
  unclosedJson: string;
  /** When the model entered the catalog, in Unix seconds (OpenAI's `created`). */
  created: number;
}

export function serializeModel(model: CatalogEntry, created: number): SerializedModel {
  const json = JSON.stringify(model);
  return { model, unclosedJson: json.slice(0, -1), created };
}

/** How a view writes one model: its JSON without the closing brace (the tier's access_status comes next). */
export type UnclosedModelJson = (entry: SerializedModel) => string;

export const publicModelJson: UnclosedModelJson = (entry) => entry.unclosedJson;

/**
 * The OpenAI-compatible object: `id`, `object`, `created`, `owned_by`, then
 * the same public fields. Spliced from the serialized model (which starts
 * with its id) instead of serializing again.
 */
export const openAIModelJson: UnclosedModelJson = (entry) => {
  const id = JSON.stringify(entry.model.id);
  const rest = entry.unclosedJson.slice(`{"id":${id}`.length);
  return `{"id":${id},"object":"model","created":${entry.created},"owned_by":${JSON.stringify(entry.model.provider)}${rest}`;
};

/** One model as the caller's tier sees it. */
export const modelBody = (entry: SerializedModel, tier: SubscriptionTier, json: UnclosedModelJson = publicModelJson) =>
  `${json(entry)},"access_status":"${accessStatusOf(entry.model, tier)}"}`;

function modelBodies(models: readonly SerializedModel[], tier: SubscriptionTier, json: UnclosedModelJson): string {
  const parts = new Array<string>(models.length);
  for (let i = 0; i < models.length; i++) parts[i] = modelBody(models[i] as SerializedModel, tier, json);
  return parts.join(",");
}

export function listBody(models: readonly SerializedModel[], tier: SubscriptionTier): string {
  return `{"models":[${modelBodies(models, tier, publicModelJson)}],"total":${models.length},"user_tier":"${tier}"}`;
}

export function openAIListBody(models: readonly SerializedModel[], tier: SubscriptionTier): string {
  return `{"object":"list","data":[${modelBodies(models, tier, openAIModelJson)}]}`;
}
