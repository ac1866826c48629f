/**
 * The rules of aliases (spec Part 3 "Aliases and dated snapshots"), beside
 * the model rules in rules.ts: one id space shared by models, aliases and
 * the route names that stand where an id could; a target exists, is live
 * and is not itself an alias (no chains). Pure: what the database holds is
 * handed in.
 */
import { MODEL_ID_PATTERN } from "../domain/model-meta";
import { ApiError } from "../http/errors";

/** The audit action of each alias write and the feed event it emits. */
export const EVENT_OF_ALIAS_ACTION = {
  create_alias: "alias.created",
  repoint_alias: "alias.repointed",
  delete_alias: "alias.deleted",
} as const;
export type AliasAction = keyof typeof EVENT_OF_ALIAS_ACTION;

/** Who else holds an id, as the database says inside the write's transaction. */
export interface IdHolders {
  isModel: boolean;
  isRouteName: boolean;
}

/** An alias id has a model id's form (it is called where a model id is): 400 otherwise. */
export function assertAliasId(alias: string) {
  if (!MODEL_ID_PATTERN.test(alias)) {
    const message = "must be 1-100 characters of a-z, 0-9, '.', '_', ':' or '-', starting with a letter or digit";
    throw new ApiError("invalid_request", `invalid alias: ${message}`, { details: [{ code: "invalid_format", path: ["alias"], message }] });
  }
}

/** A new alias may not take a model's id or a route's name. */
export function assertAliasIdFree(alias: string, holders: IdHolders) {
  if (holders.isRouteName) throw new ApiError("id_reserved_for_route", `${alias} is reserved for a route name`);
  if (holders.isModel) throw new ApiError("id_taken_by_model", `${alias} is a model id; an alias needs an id of its own`);
}

/** A new model may not take an alias's id. */
export function assertModelIdFree(id: string, isAlias: boolean) {
  if (isAlias) throw new ApiError("id_taken_by_alias", `${id} is an alias; a model needs an id of its own`);
}

/**
 * The target named: an alias (no chains), unknown (404), archived (409), or
 * a live model. `target` is the model row, if there is one.
 */
export function assertAliasTarget(targetId: string, target: { isArchived: boolean } | undefined, targetIsAlias: boolean) {
  if (targetIsAlias) {
    throw new ApiError("alias_target_is_alias", `${targetId} is itself an alias; point at the model it names`, {
      details: { target_model_id: targetId },
    });
  }
  if (!target) throw new ApiError("not_found", `target model ${targetId} does not exist`, { details: { target_model_id: targetId } });
  if (target.isArchived) {
    throw new ApiError("alias_target_archived", `target model ${targetId} is archived`, { details: { target_model_id: targetId } });
  }
}

/** What an alias's audit rows record: its target before and after (null: it did not exist / no longer does). */
export const aliasAuditValue = (targetModelId: string | null) => (targetModelId === null ? null : { targetModelId });
