/**
 * A view is one way of rendering a whole catalog version for a tier (the
 * public list; later e.g. the OpenAI-compatible list). The cache memoizes each
 * view's bytes per version, tier and encoding, and names them in ETags.
 */
import type { SubscriptionTier } from "../domain/model-meta";
import { listBody, openAIListBody } from "./list-body";
import type { Snapshot } from "./snapshot";

export interface CatalogView {
  /** Short, stable: part of memo keys and ETags. */
  name: string;
  render(snapshot: Snapshot, tier: SubscriptionTier): string;
}

export const publicListView: CatalogView = { name: "all", render: (snapshot, tier) => listBody(snapshot.models, tier) };

/** The OpenAI-compatible list (`/openai/v1/models`): the same models, spliced into OpenAI's object shape. */
export const openAIListView: CatalogView = { name: "openai", render: (snapshot, tier) => openAIListBody(snapshot.models, tier) };
