/**
 * How an alias write refused by the lifecycle reads in its dialog: a stale
 * version (412) says where the alias points now, a target the rules refuse
 * (404, 409 with its code) is said beside the Target model field. The form
 * comes back with what was typed, so nothing is lost.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Database } from "../../../db/client";
import { ApiError } from "../../../http/errors";
import { aliasById } from "../../../queries/aliases";
import type { Refusal } from "./dialog";

/** The codes that are about the target named (lifecycle/alias-rules.ts). */
const TARGET_CODES = new Set(["not_found", "alias_target_archived", "alias_target_is_alias"]);

/** The hidden field that carries the alias's version the dialog was rendered from (its If-Match). */
export const ALIAS_VERSION_FIELD = "ifMatch";

/** The refusal for `error`, or undefined when it is not one a dialog explains (the page's error handling takes it). */
export async function aliasRefusal(error: unknown, db: Database, alias: string, field: string): Promise<Refusal | undefined> {
  if (!(error instanceof ApiError)) return undefined;
  if (error.code === "precondition_failed") {
    const now = await aliasById(db, alias);
    const where = now ? `it now points at ${now.targetModelId} (changed by ${now.updatedBy})` : "it has been deleted";
    return {
      status: 412,
      message: `Someone else changed alias ${alias} while this dialog was open: ${where}. Nothing was changed; check and send again.`,
      errors: { [field]: [`${alias} changed meanwhile: ${where}.`] },
    };
  }
  if (TARGET_CODES.has(error.code) && field === "targetModelId") {
    return {
      status: error.status as ContentfulStatusCode,
      message: `Nothing was changed: ${error.message}.`,
      errors: { targetModelId: [`${error.message} (${error.code})`] },
    };
  }
  return undefined;
}
