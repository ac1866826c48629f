/** Finding a model in a catalog snapshot, as every public view answers it. */
import { ApiError } from "../http/errors";
import type { Snapshot } from "./cache";
import { successorLink } from "./http-caching";

/** The live model, or: 410 naming the recommended successor (body and Link header) if archived, else 404. */
export function findModel(snapshot: Snapshot, id: string, basePath = "/v1/models") {
  const entry = snapshot.byId.get(id);
  if (entry) return entry;
  if (snapshot.archived.has(id)) {
    const successor = snapshot.archived.get(id);
    throw new ApiError("model_archived", `model ${id} has been archived${successor ? `; use ${successor}` : ""}`, {
      details: { model_id: id, ...(successor && { replacement_model_id: successor }) },
      ...(successor && { headers: { Link: successorLink(successor, basePath) } }),
    });
  }
  throw new ApiError("not_found", `model ${id} does not exist`);
}
