/** ETags and cache headers for the public catalog. Pure. */
import type { SubscriptionTier } from "../domain/model-meta";
import type { CatalogVersion } from "../queries/catalog";
import type { Encoding } from "./encoding";

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
 * (epoch, version, tier, view, encoding) names the bytes exactly.
 */
export const catalogEtag = (at: CatalogVersion, tier: SubscriptionTier, view = "all", encoding: Encoding = "identity") =>
  `"c${at.epoch.slice(0, 8)}.${at.version}-${tier}-${view === "all" ? "all" : shortHash(view)}${encoding === "identity" ? "" : `-${encoding}`}"`;

/** RFC 9110 weak comparison against an If-None-Match header. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === bare);
}

/** Shared caches may keep anonymous answers; per-user answers stay private. Both revalidate every time. */
export function publicCacheHeaders(authenticated: boolean, negotiated = false): Record<string, string> {
  return {
    "Cache-Control": `${authenticated ? "private" : "public"}, max-age=0, must-revalidate`,
    Vary: negotiated ? "Authorization, Accept-Encoding" : "Authorization",
  };
}

/** RFC 9745 Deprecation, RFC 8594 Sunset and the successor link for a legacy model. */
export function legacyHeaders(
  legacy: { deprecated_at?: string; sunset_date?: string; replacement_model_id?: string } | undefined,
): Record<string, string> {
  if (!legacy) return {};
  const headers: Record<string, string> = {};
  const deprecatedAt = legacy.deprecated_at ? Date.parse(legacy.deprecated_at) : Number.NaN;
  // A legacy model is deprecated now if we do not know since when.
  headers.Deprecation = `@${Math.floor((Number.isNaN(deprecatedAt) ? Date.now() : deprecatedAt) / 1000)}`;
  if (legacy.sunset_date) headers.Sunset = new Date(legacy.sunset_date).toUTCString();
  if (legacy.replacement_model_id)
    headers.Link = `</v1/models/${encodeURIComponent(legacy.replacement_model_id)}>; rel="successor-version"`;
  return headers;
}
