/**
 * Point-in-time reads (`GET /v1/models/:id?at=`) and the public history,
 * from the audit trail (catalog/history.ts). Read from the database: the
 * cache holds the present. The answer for a past instant never changes, so
 * shared caches may keep it; `upcoming_changes` is [] (what was, not what was
 * planned), `aliases` is [] and `legacy_info` has no `recommended_model_id`
 * (aliases and successors are facts of the present catalog).
 */
import type { Context } from "hono";
import type { Database } from "../db/client";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { modelTrail } from "../queries/history";
import { type HistoryEntry, publicHistory, versionAt, versionsOf } from "./history";
import { legacyHeaders, publicCacheHeaders, shortHash } from "./http-caching";
import { accessStatusOf, toPublicModel } from "./public-model";
import { tierOf } from "./responder";

async function versionsFor(db: Database, id: string) {
  const found = await modelTrail(db, id);
  if (!found) throw new ApiError("not_found", `model ${id} does not exist`);
  return versionsOf(found.model, found.trail);
}

export async function respondAsOf(c: Context<AppEnv>, id: string, at: string) {
  const instant = new Date(at);
  if (instant.getTime() > Date.now()) {
    throw new ApiError("invalid_request", "at must not be in the future", { details: [{ path: ["at"], message: "is in the future" }] });
  }
  const version = versionAt(await versionsFor(c.var.services.db, id), instant);
  if (!version) throw new ApiError("not_found", `model ${id} did not exist at ${instant.toISOString()}`);
  if (version.state.isArchived) {
    const replacement = version.state.meta.legacyReplacementModelId;
    throw new ApiError("model_archived", `model ${id} was archived at ${instant.toISOString()}`, {
      details: { model_id: id, ...(replacement && { replacement_model_id: replacement }) },
    });
  }
  const tier = tierOf(c);
  const model = toPublicModel(version.state);
  const body = { ...model, aliases: [], upcoming_changes: [], access_status: accessStatusOf(model, tier) };
  return c.json(body, 200, {
    ...publicCacheHeaders(c.var.principal !== null),
    ETag: `"${shortHash(`${id}:${version.version}:${tier}`)}"`,
    "X-Cache": "BYPASS",
    "Memento-Datetime": version.at.toUTCString(),
    ...legacyHeaders(model.legacy_info),
  });
}

/** The model's whole public history, oldest first (also the dashboard's model page). */
export async function modelHistory(db: Database, id: string): Promise<HistoryEntry[]> {
  return publicHistory(await versionsFor(db, id));
}

/** A page of the public history: entries after version `after`, oldest first. */
export async function historyPage(c: Context<AppEnv>, id: string, after: number | undefined, limit: number) {
  const entries = (await modelHistory(c.var.services.db, id)).filter((entry) => after === undefined || entry.version > after);
  const page = entries.slice(0, limit);
  const last = page.at(-1);
  return { model_id: id, entries: page, next_cursor: entries.length > limit && last ? String(last.version) : null };
}
