/**
 * The two views of the catalog (/v1/models and /openai/v1/models): how each
 * renders a whole version for a tier (memoized per version, tier and
 * encoding by the cache), a list of models, and one model; and the names
 * their ETags carry.
 */
import type { SubscriptionTier } from "../domain/model-meta";
import { listBody, openAIListBody, openAIModelJson, publicModelJson, type SerializedModel, type UnclosedModelJson } from "./list-body";
import type { Snapshot } from "./snapshot";

export interface CatalogView {
  /** Short, stable: part of memo keys and ETags. */
  name: string;
  render(snapshot: Snapshot, tier: SubscriptionTier): string;
  /** A list of some models (filtered, or with archived ones). */
  renderList(models: readonly SerializedModel[], tier: SubscriptionTier): string;
  modelJson: UnclosedModelJson;
  /** ETag names: `<listPrefix><filters>` for a filtered list, `<modelPrefix>:<id>` for one model. */
  listPrefix: string;
  modelPrefix: string;
  /** Where its models live: successor links and 410s point under it. */
  basePath: string;
}

export const publicListView: CatalogView = {
  name: "all",
  render: (snapshot, tier) => listBody(snapshot.models, tier),
  renderList: listBody,
  modelJson: publicModelJson,
  listPrefix: "",
  modelPrefix: "model",
  basePath: "/v1/models",
};

/** The OpenAI-compatible list (`/openai/v1/models`): the same models, spliced into OpenAI's object shape. */
export const openAIListView: CatalogView = {
  name: "openai",
  render: (snapshot, tier) => openAIListBody(snapshot.models, tier),
  renderList: openAIListBody,
  modelJson: openAIModelJson,
  listPrefix: "openai:",
  modelPrefix: "openai-model",
  basePath: "/openai/v1/models",
};
