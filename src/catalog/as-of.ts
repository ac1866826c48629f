/**
 * Point-in-time reads (`GET /v1/models/:id?at=`) and the public history, read
 * from the public-history projection (model_history; catalog/history.ts). Read
 * from the database: the cache holds the present. An alias is resolved as it
 * points now (the snapshot's map, as for the live entry): its target's history.
 * The answer for a past instant never changes, so shared caches may keep it;
 * `upcoming_changes` is [] (what was, not what was planned), `aliases` is [] and
 * `legacy_info` has no `recommended_model_id` (aliases and successors are facts
 * of the present catalog).
 */
import type { Context } from "hono";
import type { Database } from "../db/client";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { historyRowAt, historyRowsBefore, historyRowsFrom } from "../queries/history";
import { modelExists } from "../queries/models";
import { type HistoryEntry, type ModelVersion, publicHistory, versionFromHistory } from "./history";
import { legacyHeaders, publicCacheHeaders, shortHash } from "./http-caching";
import { resolveId } from "./lookup";
import { accessStatusOf, aliasEntry, toPublicModel } from "./public-model";
import { tierOf } from "./responder";

async function resolved(c: Context<AppEnv>, asked: string) {
  const { snapshot } = await c.var.services.catalog.snapshot();
  return resolveId(snapshot, asked);
}

export async function respondAsOf(c: Context<AppEnv>, asked: string, at: string) {
  const instant = new Date(at);
  if (instant.getTime() > Date.now()) {
    throw new ApiError("invalid_request", "at must not be in the future", { details: [{ path: ["at"], message: "is in the future" }] });
  }
  const { modelId: id, alias } = await resolved(c, asked);
  const row = await historyRowAt(c.var.services.db, id, instant);
  if (!row) {
    const exists = await modelExists(c.var.services.db, id);
    throw new ApiError("not_found", exists ? `model ${id} did not exist at ${instant.toISOString()}` : `model ${asked} does not exist`);
  }
  const version = versionFromHistory(row);
  if (version.state.isArchived) {
    const replacement = version.state.meta.legacyReplacementModelId;
    throw new ApiError("model_archived", `model ${id} was archived at ${instant.toISOString()}`, {
      details: { model_id: id, ...(alias !== null && { alias }), ...(replacement && { replacement_model_id: replacement }) },
    });
  }
  const tier = tierOf(c);
  const model = toPublicModel(version.state);
  const entry = alias === null ? model : aliasEntry(alias, model);
  const body = { ...entry, aliases: [], upcoming_changes: [], access_status: accessStatusOf(model, tier) };
  return c.json(body, 200, {
    ...publicCacheHeaders(c.var.principal !== null),
    ETag: `"${shortHash(`${asked}:${version.version}:${tier}`)}"`,
    "X-Cache": "BYPASS",
    "Memento-Datetime": version.at.toUTCString(),
    ...legacyHeaders(model.legacy_info),
  });
}

/**
 * The latest `count` entries of the public history, oldest first, and whether
 * there are older ones: the dashboard's model page. Read newest first in
 * ranges, so a model with thousands of versions costs a few index ranges, not
 * its whole history; the oldest version read is only the baseline the next
 * one is compared with, unless it is the model's first. Whether a version is
 * an entry depends only on it and the version before it, so each range adds
 * its own entries in front of the ones already found: every version is
 * compared once.
 */
export type LatestHistory = Awaited<ReturnType<typeof latestHistory>>;

export async function latestHistory(db: Database, id: string, count: number): Promise<{ entries: HistoryEntry[]; older: boolean }> {
  const range = count + 2;
  let entries: HistoryEntry[] = [];
  // The oldest version read so far, not yet judged: it is compared with the newest of the next range.
  let oldest: ModelVersion | undefined;
  for (;;) {
    const rows = (await historyRowsBefore(db, id, oldest?.version, range)).map(versionFromHistory);
    const complete = rows.length < range;
    const oldestFirst = rows.reverse();
    if (oldest) oldestFirst.push(oldest);
    const baseline = complete ? undefined : oldestFirst.shift();
    entries = publicHistory(oldestFirst, baseline).concat(entries);
    if (complete || entries.length > count) return { entries: entries.slice(-count), older: !complete || entries.length > count };
    oldest = baseline;
  }
}

/**
 * A page of the public history: entries after version `after`, oldest first.
 * Read in ranges of the projection from the cursor's own version (the one the
 * first entry is compared with) until the page is full: versions that changed
 * staff-only fields alone are skipped, so a range may give fewer entries.
 */
export async function historyPage(c: Context<AppEnv>, asked: string, after: number | undefined, limit: number) {
  const { modelId: id } = await resolved(c, asked);
  const db = c.var.services.db;
  const range = limit + 2;
  const entries: HistoryEntry[] = [];
  let before: ModelVersion | undefined;
  let from = after ?? 0;
  for (let first = true; entries.length <= limit; first = false) {
    const rows = (await historyRowsFrom(db, id, from, range)).map(versionFromHistory);
    if (first && rows.length === 0 && !(await modelExists(db, id))) throw new ApiError("not_found", `model ${asked} does not exist`);
    const fresh = rows.filter((version) => after === undefined || version.version > after);
    const baseline = before ?? rows.find((version) => after !== undefined && version.version <= after);
    entries.push(...publicHistory(fresh, baseline));
    if (rows.length < range) break;
    before = rows.at(-1);
    from = (before as ModelVersion).version + 1;
  }
  const page = entries.slice(0, limit);
  const last = page.at(-1);
  return { model_id: id, entries: page, next_cursor: entries.length > limit && last ? String(last.version) : null };
}
