/**
 * What the cache keeps in Workers KV (docs/cache.md): per catalog version one
 * compressed index, named by epoch and version; the head naming the version
 * to serve; and the newest version stored completely (the stale-if-error
 * fallback).
 */
import type { CatalogVersion } from "./state";

export const HEAD_KEY = "catalog:head";
/** The newest version whose index was stored: the stale-if-error fallback. */
export const LAST_KEY = "catalog:last";
export const indexKey = (at: CatalogVersion) => `catalog:${at.epoch}:v${at.version}:index`;
/** Old versions are never read again once the head moves on; KV drops them after this. */
export const VERSION_TTL_SECONDS = 7 * 24 * 3600;
/** KV allows one write per key per second. */
export const KV_WRITE_INTERVAL_MS = 1100;

const EPOCH_PATTERN = /^[0-9a-z]{8,64}$/;

export const formatVersion = (at: CatalogVersion) => `${at.epoch}:${at.version}`;

/** A head or last pointer; undefined for anything else (nothing there, or a format this code does not know). */
export function parseVersion(value: string | null): CatalogVersion | undefined {
  if (value === null) return undefined;
  const separator = value.lastIndexOf(":");
  const epoch = value.slice(0, separator);
  const version = Number(value.slice(separator + 1));
  if (separator < 0 || !EPOCH_PATTERN.test(epoch) || !Number.isSafeInteger(version) || version < 0) return undefined;
  return { epoch, version };
}

export const sameVersion = (a: CatalogVersion | undefined, b: CatalogVersion | undefined) =>
  a !== undefined && b !== undefined && a.epoch === b.epoch && a.version === b.version;
