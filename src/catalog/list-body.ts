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
}

export function serializeModel(model: PublicModel): SerializedModel {
  const json = JSON.stringify(model);
  return { model, open: json.slice(0, -1) };
}

export function listBody(models: readonly SerializedModel[], tier: SubscriptionTier): string {
  const parts = new Array<string>(models.length);
  for (let i = 0; i < models.length; i++) {
    const entry = models[i] as SerializedModel;
    parts[i] = `${entry.open},"access_status":"${accessStatusOf(entry.model, tier)}"}`;
  }
  return `{"models":[${parts.join(",")}],"total":${models.length},"user_tier":"${tier}"}`;
}
