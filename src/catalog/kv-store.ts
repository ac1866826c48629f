/**
 * The catalog's KV side: the head (which version clients see), each
 * version's index, and `catalog:last` (the newest complete version, for
 * stale-if-error). Key layout: kv-layout.ts.
 */
import { describeError } from "../http/failures";
import { log } from "../log";
import { packIndex, unpackIndex } from "./encoding";
import { formatVersion, HEAD_KEY, indexKey, LAST_KEY, parseVersion, sameVersion, VERSION_TTL_SECONDS } from "./kv-layout";
import { decodeIndex, encodeIndex, type Snapshot } from "./snapshot";
import type { CatalogVersion } from "./state";

export class CatalogStore {
  constructor(
    private readonly kv: KVNamespace,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** The head; throws when KV does (the read path decides what that means). */
  async head(): Promise<CatalogVersion | undefined> {
    return parseVersion(await this.kv.get(HEAD_KEY));
  }

  /** The head, or undefined when KV fails. */
  async headQuietly(): Promise<CatalogVersion | undefined> {
    return parseVersion(await this.quietly(() => this.kv.get(HEAD_KEY)));
  }

  putHead(at: CatalogVersion): Promise<void> {
    return this.kv.put(HEAD_KEY, formatVersion(at));
  }

  /** The version `catalog:last` names, or undefined when KV fails. */
  async last(): Promise<CatalogVersion | undefined> {
    return parseVersion(await this.quietly(() => this.kv.get(LAST_KEY)));
  }

  async readIndex(at: CatalogVersion): Promise<Snapshot | undefined> {
    const stored = await this.quietly(() => this.kv.get(indexKey(at), "arrayBuffer"));
    if (!stored) return undefined;
    const snapshot = decodeIndex(unpackIndex(stored));
    return sameVersion(snapshot, at) ? snapshot : undefined;
  }

  /** Stores a version's index; true when it landed. */
  async store(snapshot: Snapshot): Promise<boolean> {
    try {
      // async: a binding that throws instead of rejecting still counts as a failed put.
      await (async () => this.kv.put(indexKey(snapshot), packIndex(encodeIndex(snapshot)), { expirationTtl: VERSION_TTL_SECONDS }))();
    } catch (error) {
      // Another isolate storing the same version at the same moment trips KV's per-key limit: harmless.
      log.warn("catalog_store_failed", { version: snapshot.version, error: describeError(error) });
      return false;
    }
    // Complete: the stale-if-error fallback may name it. Off the write's path; monotonic as far as this writer sees.
    this.waitUntil(this.advanceLast(snapshot));
    return true;
  }

  private async advanceLast(at: CatalogVersion) {
    try {
      const named = parseVersion(await this.kv.get(LAST_KEY));
      if (named && named.epoch === at.epoch && named.version >= at.version) return;
      await this.kv.put(LAST_KEY, formatVersion(at), { expirationTtl: VERSION_TTL_SECONDS });
    } catch (error) {
      log.warn("catalog_last_put_failed", { version: at.version, error: describeError(error) });
    }
  }

  /** A KV read that degrades to "not cached" when KV itself fails: the database still answers. */
  private async quietly<T>(read: () => Promise<T | null>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      log.warn("kv_read_failed", { error: describeError(error) });
      return null;
    }
  }
}
