/** ETags and cache headers for the public catalog. Pure. */
import type { SubscriptionTier } from "../domain/model-meta";
import type { Encoding } from "./encoding";
import type { CatalogVersion } from "./state";

/** FNV-1a, enough to tell filter combinations apart inside an ETag. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/**
 * Every catalog write bumps the version and a restore starts a new epoch, so
 * (epoch, version, tier, view) names one state of one view. Weak: the br, gzip
 * and identity bodies of it are the same JSON, so they share the tag, and
 * If-None-Match with it is a 304 whatever the encoding (and whoever
 * re-encodes on the way).
 */
export const catalogEtag = (at: CatalogVersion, tier: SubscriptionTier, view = "all") =>
  `W/"c${at.epoch.slice(0, 8)}.${at.version}-${tier}-${view === "all" ? "all" : shortHash(view)}"`;

/** An entity tag's opaque part: without W/ and without the encoding suffix tags had before they were weak (`-br`, `-gzip`). */
const opaque = (tag: string) =>
  tag
    .trim()
    .replace(/^W\//, "")
    .replace(/-(?:br|gzip)"$/, '"');

/** RFC 9110 weak comparison against an If-None-Match header: `*`, or any tag of the list. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const current = opaque(etag);
  return header.split(",").some((candidate) => opaque(candidate) === current);
}

/**
 * How long a shared cache (a CDN in front) may serve an anonymous answer
 * without asking: a write reaches clients behind it within this much more
 * time (see docs/deploy.md). Browsers always revalidate (max-age=0).
 */
export const EDGE_MAX_AGE_SECONDS = 30;

/** Anonymous answers: shared caches may keep them briefly. Per-user answers: the user's cache only. */
export function publicCacheHeaders(authenticated: boolean): Record<string, string> {
  return {
    "Cache-Control": authenticated
      ? "private, max-age=0, must-revalidate"
      : `public, max-age=0, s-maxage=${EDGE_MAX_AGE_SECONDS}, must-revalidate`,
    // Every catalog answer: the coding depends on Accept-Encoding (whoever applies it), the tier on the token.
    Vary: "Authorization, Accept-Encoding",
  };
}

/** Where clients should go instead: the recommended successor once known (null: none is live), else the named one. */
export function successorOf(legacy: { replacement_model_id?: string; recommended_model_id?: string | null }): string | undefined {
  return (legacy.recommended_model_id === undefined ? legacy.replacement_model_id : legacy.recommended_model_id) ?? undefined;
}

/** `Link: <.../ID>; rel="successor-version"`, under the view's own base path. */
export const successorLink = (id: string, basePath = "/v1/models") => `<${basePath}/${encodeURIComponent(id)}>; rel="successor-version"`;

type LegacyFields = { deprecated_at?: string; sunset_date?: string; replacement_model_id?: string; recommended_model_id?: string | null };

/**
 * Per legacy_info object and base path. A snapshot's objects are never
 * mutated (a new version builds new ones), so the dates are parsed and
 * formatted once per model per version, not per request. Callers spread the
 * result, never change it.
 */
const formatted = new WeakMap<object, Map<string, Readonly<Record<string, string>>>>();
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** RFC 9745 Deprecation, RFC 8594 Sunset and the successor link for a legacy model. */
export function legacyHeaders(legacy: LegacyFields | undefined, basePath = "/v1/models"): Readonly<Record<string, string>> {
  if (!legacy) return NO_HEADERS;
  let byPath = formatted.get(legacy);
  if (!byPath) {
    byPath = new Map();
    formatted.set(legacy, byPath);
  }
  let headers = byPath.get(basePath);
  if (!headers) {
    // Without a deprecated_at that parses, the Deprecation date is "now": formatted per request, not kept.
    if (Number.isNaN(Date.parse(legacy.deprecated_at ?? ""))) return formatLegacyHeaders(legacy, basePath);
    headers = formatLegacyHeaders(legacy, basePath);
    byPath.set(basePath, headers);
  }
  return headers;
}

function formatLegacyHeaders(legacy: LegacyFields, basePath: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const deprecatedAt = legacy.deprecated_at ? Date.parse(legacy.deprecated_at) : Number.NaN;
  // A legacy model is deprecated now if we do not know since when.
  headers.Deprecation = `@${Math.floor((Number.isNaN(deprecatedAt) ? Date.now() : deprecatedAt) / 1000)}`;
  if (legacy.sunset_date) headers.Sunset = new Date(legacy.sunset_date).toUTCString();
  const successor = successorOf(legacy);
  if (successor) headers.Link = successorLink(successor, basePath);
  return headers;
}

/** A Response whose body is already in `encoding`: the runtime must send the bytes as they are (encodeBody: "manual"). */
export function encodedResponse<R extends Response>(response: R, encoding: Encoding): R {
  if (encoding === "identity") return response;
  response.headers.set("Content-Encoding", encoding);
  return new Response(response.body, { status: response.status, headers: response.headers, encodeBody: "manual" }) as R;
}
