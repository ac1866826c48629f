/**
 * The one list/detail responder behind both catalog views (/v1/models and
 * /openai/v1/models): whole lists from the cache's memoized bodies, filtered
 * lists and details from the cached snapshot, the admin `includeArchived`
 * list from the database; every answer with its ETag, If-None-Match
 * answered 304. Only a miss (or the admin list) touches the database.
 */
import type { Context } from "hono";
import type { SubscriptionTier } from "../domain/model-meta";
import type { AppEnv } from "../http/context";
import { ApiError } from "../http/errors";
import { readCatalog } from "../queries/catalog";
import type { CacheOutcome } from "./cache";
import { acceptsIdentity, clientAcceptEncoding, negotiateEncoding } from "./encoding";
import { catalogEtag, encodedResponse, legacyHeaders, matchesIfNoneMatch, publicCacheHeaders } from "./http-caching";
import { modelBody } from "./list-body";
import { findModel } from "./lookup";
import { filterView, isFiltered, type ModelFilters, matchesFilters } from "./model-filter";
import { serializeAll } from "./snapshot";
import { readCatalogVersion } from "./state";
import type { CatalogView } from "./views";

const SEND_CHUNK = 256 * 1024;

/**
 * `body` as a stream of known length (Content-Length kept), and a promise that
 * settles once its last chunk has been read (or the reader went away).
 */
function sentInChunks(body: Uint8Array): { readable: ReadableStream; sent: Promise<void> } {
  const { readable, writable } = new FixedLengthStream(body.byteLength);
  const writer = writable.getWriter();
  const sent = (async () => {
    for (let offset = 0; offset < body.byteLength; offset += SEND_CHUNK) await writer.write(body.subarray(offset, offset + SEND_CHUNK));
    await writer.close();
  })().catch(() => {});
  return { readable, sent };
}

/** The caller's tier; no token reads as free. */
export const tierOf = (c: Context<AppEnv>): SubscriptionTier => c.get("principal")?.tier ?? "free";

const JSON_TYPE = { "Content-Type": "application/json; charset=UTF-8" };

function cacheHeaders(c: Context<AppEnv>, etag: string, outcome: CacheOutcome) {
  return { ...publicCacheHeaders(c.get("principal") !== null), ETag: etag, "X-Cache": outcome };
}

export async function respondWithList(c: Context<AppEnv>, view: CatalogView, query: ModelFilters & { includeArchived?: boolean }) {
  const { includeArchived, ...filters } = query;
  if (includeArchived) return respondWithArchived(c, view, filters);
  const tier = tierOf(c);
  const catalog = c.get("services").catalog;
  const head = await catalog.head();
  const filtered = isFiltered(filters);
  const name = filtered ? view.listPrefix + filterView(filters) : view.name;
  // Whole lists are compressed once per version; filtered ones are built per request, uncompressed.
  const acceptEncoding = clientAcceptEncoding(c.req.raw);
  const accepted = filtered ? "identity" : negotiateEncoding(acceptEncoding);
  if (head.at !== undefined) {
    const etag = catalogEtag(head.at, tier, name);
    if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, cacheHeaders(c, etag, head.outcome));
  }
  if (!filtered) {
    const { at, body, encoding, outcome } = await catalog.body(view, tier, accepted, head, acceptsIdentity(acceptEncoding));
    const headers = { ...JSON_TYPE, ...cacheHeaders(c, catalogEtag(at, tier, name), outcome) };
    if (outcome === "MISS") {
      // The refill's background publish waits for these bytes to be read out (CatalogCache.bodySent).
      const { readable, sent } = sentInChunks(body);
      catalog.bodySent(sent);
      return encodedResponse(c.body(readable, 200, headers), encoding);
    }
    return encodedResponse(c.body(body as Uint8Array<ArrayBuffer>, 200, headers), encoding);
  }
  const { snapshot, outcome } = await catalog.snapshot(head);
  const matching = snapshot.models.filter(({ model }) => matchesFilters(model, filters));
  return c.body(view.renderList(matching, tier), 200, { ...JSON_TYPE, ...cacheHeaders(c, catalogEtag(snapshot, tier, name), outcome) });
}

/**
 * Staff only: archived models too, read from the database (the cache holds
 * the public catalog). Tagged with the catalog version it was read at, so
 * If-None-Match costs one small read; never stored by any cache.
 */
async function respondWithArchived(c: Context<AppEnv>, view: CatalogView, filters: ModelFilters) {
  if (!c.get("principal")?.isAdmin) throw new ApiError("forbidden", "includeArchived=true requires an admin token");
  const tier = tierOf(c);
  const name = `${view.listPrefix}archived:${filterView(filters)}`;
  const headers = (etag: string) => ({ "Cache-Control": "no-store", ETag: etag, "X-Cache": "BYPASS" });
  const db = c.get("services").db;
  const ifNoneMatch = c.req.header("If-None-Match");
  if (ifNoneMatch) {
    const etag = catalogEtag(await readCatalogVersion(db), tier, name);
    if (matchesIfNoneMatch(ifNoneMatch, etag)) return c.body(null, 304, headers(etag));
  }
  const { at, rows, aliases } = await readCatalog(db);
  const matching = serializeAll(rows, aliases).filter(({ model }) => matchesFilters(model, filters));
  return c.body(view.renderList(matching, tier), 200, { ...JSON_TYPE, ...headers(catalogEtag(at, tier, name)) });
}

export async function respondWithModel(c: Context<AppEnv>, view: CatalogView, id: string) {
  const tier = tierOf(c);
  const { snapshot, outcome } = await c.get("services").catalog.snapshot();
  const entry = findModel(snapshot, id, view.basePath);
  const etag = catalogEtag(snapshot, tier, `${view.modelPrefix}:${id}`);
  const headers = { ...cacheHeaders(c, etag, outcome), ...legacyHeaders(entry.model.legacy_info, view.basePath) };
  if (matchesIfNoneMatch(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);
  // The model's JSON was serialized once for this version: splice in the tier's access status.
  return c.body(modelBody(entry, tier, view.modelJson), 200, { ...JSON_TYPE, ...headers });
}
