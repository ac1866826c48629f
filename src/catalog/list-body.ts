/**
 * Building list bodies fast: each model is serialized once per catalog
 * version; a tier's body splices in access_status per model, so no
 * per-request JSON.stringify of the whole catalog is needed.
 */
import type { SubscriptionTier } from "../domain/model-meta";
import { accessStatusOf, type PublicModel } from "./public-model";

export interface SerializedModel {
  model: PublicModel;
  /** JSON of the model without its closing brace, ready for `,"access_status":...}`. */
  open: string;
  /** When the model entered the catalog, in Unix seconds (OpenAI's `created`). */
  created: number;
}

export function serializeModel(model: PublicModel, created: number): SerializedModel {
  const json = JSON.stringify(model);
  return { model, open: json.slice(0, -1), created };
}

/**
 * The OpenAI-compatible object: `id`, `object`, `created`, `owned_by`, then
 * the same public fields. Spliced from the serialized model (which starts
 * with its id) instead of serializing again.
 */
export function openAIModelOpen(entry: SerializedModel): string {
  const id = JSON.stringify(entry.model.id);
  const rest = entry.open.slice(`{"id":${id}`.length);
  return `{"id":${id},"object":"model","created":${entry.created},"owned_by":${JSON.stringify(entry.model.provider)}${rest}`;
}

export function openAIListBody(models: readonly SerializedModel[], tier: SubscriptionTier): string {
  const parts = new Array<string>(models.length);
  for (let i = 0; i < models.length; i++) {
    const entry = models[i] as SerializedModel;
    parts[i] = `${openAIModelOpen(entry)},"access_status":"${accessStatusOf(entry.model, tier)}"}`;
  }
  return `{"object":"list","data":[${parts.join(",")}]}`;
}

export function listBody(models: readonly SerializedModel[], tier: SubscriptionTier): string {
  const parts = new Array<string>(models.length);
  for (let i = 0; i < models.length; i++) {
    const entry = models[i] as SerializedModel;
    parts[i] = `${entry.open},"access_status":"${accessStatusOf(entry.model, tier)}"}`;
  }
  return `{"models":[${parts.join(",")}],"total":${models.length},"user_tier":"${tier}"}`;
}
