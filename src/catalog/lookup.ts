/** Finding a model in a catalog snapshot, as every public view and the gate answer it: aliases resolve here. */
import { ApiError } from "../http/errors";
import type { Snapshot } from "./cache";
import { successorLink } from "./http-caching";

/** What an asked-for id names: the model (an alias's target), and the alias asked for (null for a model id). A map lookup. */
export function resolveId(snapshot: Pick<Snapshot, "aliases">, asked: string): { modelId: string; alias: string | null } {
  const target = snapshot.aliases.get(asked);
  return target === undefined ? { modelId: asked, alias: null } : { modelId: target, alias: asked };
}

/**
 * The live entry for `id` (a model's, or an alias's: its target's fields
 * under the alias), or: 410 naming the recommended successor (body and Link
 * header) if the model (the alias's target) is archived, else 404.
 */
export function findModel(snapshot: Snapshot, id: string, basePath = "/v1/models") {
  const entry = snapshot.byId.get(id);
  if (entry) return entry;
  const { modelId, alias } = resolveId(snapshot, id);
  if (snapshot.archived.has(modelId)) {
    const successor = snapshot.archived.get(modelId);
    const what = alias === null ? `model ${id} has been archived` : `alias ${alias} points at ${modelId}, which has been archived`;
    throw new ApiError("model_archived", `${what}${successor ? `; use ${successor}` : ""}`, {
      details: { model_id: modelId, ...(alias !== null && { alias }), ...(successor && { replacement_model_id: successor }) },
      ...(successor && { headers: { Link: successorLink(successor, basePath) } }),
    });
  }
  throw new ApiError("not_found", `model ${id} does not exist`);
}

/** The gate's lookup: the model decided on (an alias's target, never the alias's entry), and the alias asked for. */
export function findTarget(snapshot: Snapshot, asked: string, basePath = "/v1/models") {
  const target = resolveId(snapshot, asked);
  const entry = snapshot.byId.get(target.modelId);
  if (entry) return { ...target, entry };
  // 410 (the model's, or the alias's naming its target) or 404.
  findModel(snapshot, asked, basePath);
  throw new ApiError("not_found", `model ${asked} does not exist`);
}
