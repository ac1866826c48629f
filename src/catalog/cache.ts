/**
 * The public catalog, cached in Workers KV and in each isolate, versioned by
 * the database's (epoch, version). Why it never serves data older than a
 * write it has seen, and what "seen" means across locations: docs/cache.md.
 */
import type { Database } from "../db/client";
import type { SubscriptionTier } from "../domain/model-meta";
import { describeError, isDatabaseUnavailable } from "../http/failures";
import { log } from "../log";
import { readCatalog } from "../queries/catalog";
import { compress, type Encoding, packIndex, unpackIndex } from "./encoding";
import {
  headIsFresh,
  headRead,
  isRetired,
  keepBody,
  keepSnapshot,
  lastGood,
  memoBody,
  memoSnapshot,
  memoVersion,
  moveTo,
} from "./isolate-memo";
import {
  formatVersion,
  HEAD_KEY,
  indexKey,
  KV_WRITE_INTERVAL_MS,
  LAST_KEY,
  parseVersion,
  sameVersion,
  VERSION_TTL_SECONDS,
} from "./kv-layout";
import { decodeIndex, encodeIndex, patchSnapshot, type Snapshot, snapshotFromRows } from "./snapshot";
import { type CatalogVersion, readCatalogVersion, startCatalogEpoch } from "./state";
import type { CatalogView } from "./views";

export { forgetMemoizedCatalog } from "./isolate-memo";
export type { Snapshot } from "./snapshot";

/** STALE: the database is down and this is the newest complete catalog still at hand. */
export type CacheOutcome = "HIT" | "MISS" | "BYPASS" | "STALE";

/** The catalog version to serve (undefined: nothing published yet, or KV unreadable) and how it was learned. */
export interface Head {
  at: CatalogVersion | undefined;
  outcome: CacheOutcome;
}

const HEAD_PUT_ATTEMPTS = 4;
const encoder = new TextEncoder();
/** Resolves on a later macrotask, after the current handler has returned its response. */
const afterResponse = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CatalogCache {
  constructor(
    private readonly kv: KVNamespace,
    private readonly db: () => Database,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** The catalog version clients currently see (for ETags), without reading any model. */
  async head(): Promise<Head> {
    const now = Date.now();
    if (headIsFresh(now)) return { at: memoVersion(), outcome: "HIT" };
    let published: CatalogVersion | undefined;
    try {
      published = parseVersion(await this.kv.get(HEAD_KEY));
    } catch (error) {
      log.warn("kv_read_failed", { key: HEAD_KEY, error: describeError(error) });
      return { at: undefined, outcome: "BYPASS" };
    }
    headRead(now);
    // A head older than this isolate's memo (a lagging replica, a publish on its way) is not followed back;
    // no head yet: a version this isolate read from the database stands in for it.
    if (published) moveTo(published);
    return { at: memoVersion(), outcome: "HIT" };
  }

  /**
   * A view's body for a tier, in `accepted` or identity: built and compressed
   * once per version per isolate. A miss answers identity: the compression is
   * left to the next request rather than added to the database's time.
   */
  async body(view: CatalogView, tier: SubscriptionTier, accepted: Encoding, known?: Head) {
    const { snapshot, outcome } = await this.snapshot(known);
    const key = `${view.name}:${tier}:`;
    const memoized = memoBody(snapshot, key + accepted);
    if (memoized) return { at: snapshot as CatalogVersion, body: memoized, encoding: accepted, outcome };
    const encoding: Encoding = outcome === "HIT" ? accepted : "identity";
    // STALE is a fallback, never a source: nothing derived from it is memoized (keepBody checks the version).
    let identity = memoBody(snapshot, `${key}identity`);
    if (!identity) {
      identity = encoder.encode(view.render(snapshot, tier));
      keepBody(snapshot, `${key}identity`, identity);
    }
    const body = compress(identity, encoding);
    keepBody(snapshot, key + encoding, body);
    return { at: snapshot as CatalogVersion, body, encoding, outcome };
  }

  /** The parsed catalog, for filtered lists, details and the access gate. */
  async snapshot(known?: Head): Promise<{ snapshot: Snapshot; outcome: CacheOutcome }> {
    const head = known ?? (await this.head());
    if (head.at) {
      const memoized = memoSnapshot(head.at);
      if (memoized) return { snapshot: memoized, outcome: "HIT" };
      const stored = await this.readIndex(head.at);
      if (stored) {
        keepSnapshot(stored);
        return { snapshot: stored, outcome: "HIT" };
      }
    }
    return this.refillOrStale(head);
  }

  /**
   * Publishes the catalog after a committed write (every lifecycle write, and
   * the sunset cron). Write-through: the new version's index is stored before
   * the head names it. With the ids the write changed, and this isolate holding
   * the version just before it, only those rows are read.
   */
  async publish(committedVersion: number, changedIds?: readonly string[]): Promise<void> {
    try {
      await this.publishSnapshot(await this.snapshotAfterWrite(committedVersion, changedIds));
    } catch (error) {
      // The write is committed: never turn its answer into an error. Readers keep the previous version until the next publish.
      log.error("catalog_publish_failed", { version: committedVersion, error: describeError(error) });
    }
  }

  /**
   * Publishes the database's catalog if the KV head is not on it: undoes a
   * publish that failed after its write committed, and notices a restore.
   * Never throws; true when the head was off.
   */
  async repairHead(): Promise<boolean> {
    try {
      const published = parseVersion(await this.kv.get(HEAD_KEY));
      const database = await readCatalogVersion(this.db());
      if (published && published.epoch === database.epoch && published.version === database.version) return false;
      await this.publishSnapshot(await this.readSnapshot());
      return true;
    } catch (error) {
      log.error("catalog_repair_failed", { error: describeError(error) });
      return false;
    }
  }

  /** The admin "reset cache" action: a new epoch, so nothing cached before is served again. */
  async startNewEpoch(): Promise<CatalogVersion> {
    const at = await startCatalogEpoch(this.db());
    await this.publishSnapshot(await this.readSnapshot());
    return at;
  }

  private async snapshotAfterWrite(committedVersion: number, changedIds: readonly string[] | undefined): Promise<Snapshot> {
    const previous = memoSnapshot(memoVersion() ?? { epoch: "", version: -1 });
    if (changedIds?.length && previous && previous.version === committedVersion - 1) {
      const { at, rows } = await readCatalog(this.db(), changedIds);
      // Nothing else committed in between (same epoch, our version): the previous version plus our rows is this version.
      if (at.epoch === previous.epoch && at.version === committedVersion) return patchSnapshot(previous, at, changedIds, rows);
    }
    const snapshot = await this.readSnapshot();
    if (snapshot.version < committedVersion)
      throw new Error(`catalog version ${snapshot.version} is older than the committed ${committedVersion}`);
    return snapshot;
  }

  private async publishSnapshot(first: Snapshot): Promise<void> {
    let snapshot = await this.unlessRestored(first);
    const stored = await this.store(snapshot);
    this.adopt(snapshot);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.kv.put(HEAD_KEY, formatVersion(snapshot));
      } catch (error) {
        // Not one put landed: KV is down (or out of write quota), and waiting out the per-key limit would not help.
        if (attempt >= HEAD_PUT_ATTEMPTS || !stored) {
          log.error("catalog_head_publish_failed", { version: snapshot.version, error: describeError(error) });
          return;
        }
        // Most likely KV's one-write-per-second limit: wait it out, then publish the newest version.
        await sleep(KV_WRITE_INTERVAL_MS);
        snapshot = await this.newerSnapshot(snapshot);
        continue;
      }
      // Our put may have landed after a newer publisher's: the database has the last word. The
      // rounds are bounded: under a stream of writes each newer writer runs this same check, and the
      // last one finds nothing newer, so nobody has to chase the stream (see test "a stream of writes").
      if (attempt >= HEAD_PUT_ATTEMPTS || sameVersion(await readCatalogVersion(this.db()), snapshot)) return;
      snapshot = await this.newerSnapshot(snapshot);
    }
  }

  /**
   * Versions only go back when the database was restored: if KV or this
   * isolate already holds a later version of `snapshot`'s epoch than the
   * database has now, start a new epoch, so no catalog cached before the
   * restore is served again.
   */
  private async unlessRestored(snapshot: Snapshot): Promise<Snapshot> {
    const published = parseVersion(await this.kvRead(() => this.kv.get(HEAD_KEY)));
    const ahead = [published, memoVersion()].filter((at) => at?.epoch === snapshot.epoch && at.version > snapshot.version);
    if (ahead.length === 0) return snapshot;
    const now = await readCatalogVersion(this.db());
    if (now.epoch !== snapshot.epoch || ahead.every((at) => (at as CatalogVersion).version <= now.version)) {
      // Only a write that committed after our read: no restore.
      return now.epoch === snapshot.epoch && now.version === snapshot.version ? snapshot : this.readSnapshot();
    }
    const at = await startCatalogEpoch(this.db());
    log.warn("catalog_epoch_started", { ...at, reason: "database_behind_cache", cached: ahead[0]?.version ?? null });
    return this.readSnapshot();
  }

  /** The current catalog if the database moved past `current`, stored and adopted; else `current`. */
  private async newerSnapshot(current: Snapshot): Promise<Snapshot> {
    if (sameVersion(await readCatalogVersion(this.db()), current)) return current;
    const next = await this.readSnapshot();
    await this.store(next);
    this.adopt(next);
    return next;
  }

  /** Makes a snapshot this isolate's memo, unless the memo already holds a newer version. */
  private adopt(snapshot: Snapshot) {
    moveTo(snapshot);
    keepSnapshot(snapshot);
  }

  /**
   * A miss: read the database. Only on a cold cache or lost KV entries, as
   * writers store each version before publishing it. Deliberately not shared
   * across requests: workerd cancels a request's I/O when it ends, so one
   * request must not wait on another's database read.
   */
  private async refill(head: Head): Promise<Snapshot> {
    const snapshot = await this.readSnapshot();
    if (head.outcome !== "BYPASS") {
      // A cold cache has no head yet: publish what we read (publishing corrects a race with a writer).
      // After this response is on its way: encoding and compressing the index would otherwise delay the miss.
      const background = afterResponse().then(async () => {
        if (head.at === undefined) await this.publishSnapshot(snapshot);
        else await this.store(snapshot);
      });
      this.waitUntil(
        background.catch((error) => log.warn("catalog_refill_publish_failed", { version: snapshot.version, error: describeError(error) })),
      );
    }
    this.adopt(snapshot);
    return snapshot;
  }

  /** A refill; when the database is unavailable, the newest complete catalog still at hand, marked STALE. */
  private async refillOrStale(head: Head): Promise<{ snapshot: Snapshot; outcome: CacheOutcome }> {
    try {
      const snapshot = await this.refill(head);
      return { snapshot, outcome: head.outcome === "BYPASS" ? "BYPASS" : "MISS" };
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const stale = await this.newestComplete();
      if (!stale) throw error;
      log.warn("catalog_served_stale", { version: stale.version, head: head.at?.version ?? null, error: describeError(error) });
      return { snapshot: stale, outcome: "STALE" };
    }
  }

  /** The newer of this isolate's last snapshot and the version `catalog:last` names, if either is still there. */
  private async newestComplete(): Promise<Snapshot | undefined> {
    const named = parseVersion(await this.kvRead(() => this.kv.get(LAST_KEY)));
    const mine = lastGood();
    // Never a retired epoch (pre-restore data); else the newer of the two.
    if (named && !isRetired(named.epoch) && (!mine || named.epoch !== mine.epoch || named.version > mine.version)) {
      const stored = await this.readIndex(named);
      if (stored) {
        keepSnapshot(stored);
        return stored;
      }
    }
    return mine;
  }

  private async readSnapshot(): Promise<Snapshot> {
    const { at, rows } = await readCatalog(this.db());
    return snapshotFromRows(at, rows);
  }

  private async readIndex(at: CatalogVersion): Promise<Snapshot | undefined> {
    const stored = await this.kvRead(() => this.kv.get(indexKey(at), "arrayBuffer"));
    if (!stored) return undefined;
    const snapshot = decodeIndex(unpackIndex(stored));
    return sameVersion(snapshot, at) ? snapshot : undefined;
  }

  /** Stores a version's index; true when it landed. */
  private async store(snapshot: Snapshot): Promise<boolean> {
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
  private async kvRead<T>(read: () => Promise<T | null>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      log.warn("kv_read_failed", { error: describeError(error) });
      return null;
    }
  }
}
