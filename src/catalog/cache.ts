/**
 * The public catalog, cached in Workers KV and in each isolate, versioned by
 * the database's (epoch, version). Why it never serves data older than a
 * write it has seen, and what "seen" means across locations: docs/cache.md.
 */
import type { Database } from "../db/client";
import { isDatabaseUnavailable } from "../db/errors";
import type { SubscriptionTier } from "../domain/model-meta";
import { describeError } from "../http/failures";
import { log } from "../log";
import { compress, type Encoding } from "./encoding";
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
import { HEAD_KEY } from "./kv-layout";
import { CatalogStore } from "./kv-store";
import { adopt, CatalogPublisher, readSnapshot } from "./publish";
import type { Snapshot } from "./snapshot";
import { type CatalogVersion, readCatalogVersion, startCatalogEpoch } from "./state";
import type { CatalogView } from "./views";

export type { Snapshot } from "./snapshot";

/** STALE: the database is down and this is the newest complete catalog still at hand. */
export type CacheOutcome = "HIT" | "MISS" | "BYPASS" | "STALE";

/** The catalog version to serve (undefined: nothing published yet, or KV unreadable) and how it was learned. */
export interface Head {
  at: CatalogVersion | undefined;
  outcome: CacheOutcome;
}

const _HEAD_PUT_ATTEMPTS = 4;
const encoder = new TextEncoder();
/** Resolves on a later macrotask, after the current handler has returned its response. */
const afterResponse = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** How long a refill's background publish waits for the miss's body to be sent before starting anyway (a slow or gone client). */
const SEND_WAIT_MS = 1000;
const _sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CatalogCache {
  private readonly store: CatalogStore;
  private readonly publisher: CatalogPublisher;
  private warming: Promise<void> | undefined;
  /** Settles when this request's response body has been handed over (see bodySent). */
  private sent: Promise<unknown> | undefined;

  constructor(
    kv: KVNamespace,
    private readonly db: () => Database,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {
    this.store = new CatalogStore(kv, waitUntil);
    this.publisher = new CatalogPublisher(this.store, db);
  }

  /** The catalog version clients currently see (for ETags), without reading any model. */
  async head(): Promise<Head> {
    const now = Date.now();
    if (headIsFresh(now)) return { at: memoVersion(), outcome: "HIT" };
    this.warmDatabase();
    let published: CatalogVersion | undefined;
    try {
      published = await this.store.head();
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
   * once per version per isolate. A miss answers identity (unless the client
   * refused it): the compression is left to the next request rather than added to the database's time.
   */
  async body(view: CatalogView, tier: SubscriptionTier, accepted: Encoding, known?: Head, identityAccepted = true) {
    const { snapshot, outcome } = await this.snapshot(known);
    const key = `${view.name}:${tier}:`;
    const memoized = memoBody(snapshot, key + accepted);
    if (memoized) return { at: snapshot as CatalogVersion, body: memoized, encoding: accepted, outcome };
    const encoding: Encoding = outcome === "HIT" || !identityAccepted ? accepted : "identity";
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

  /**
   * The response to this request is on its way and `sent` settles once its
   * body has been read out: a refill's background publish (index encoding,
   * gzip, KV puts: tens of ms of CPU at 10,000 models) then starts after the
   * miss's 6 MB have left the isolate instead of competing with them.
   */
  bodySent(sent: Promise<unknown>) {
    this.sent = sent;
  }

  /** The parsed catalog, for filtered lists, details and the access gate. */
  async snapshot(known?: Head): Promise<{ snapshot: Snapshot; outcome: CacheOutcome }> {
    const head = known ?? (await this.head());
    if (head.at) {
      const memoized = memoSnapshot(head.at);
      if (memoized) return { snapshot: memoized, outcome: "HIT" };
      const stored = await this.store.readIndex(head.at);
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
      await this.publisher.publish(await this.publisher.afterWrite(committedVersion, changedIds));
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
      const published = await this.store.head();
      const database = await readCatalogVersion(this.db());
      if (published && published.epoch === database.epoch && published.version === database.version) return false;
      await this.publisher.publish(await readSnapshot(this.db()));
      return true;
    } catch (error) {
      log.error("catalog_repair_failed", { error: describeError(error) });
      return false;
    }
  }

  /** The admin "reset cache" action: a new epoch, so nothing cached before is served again. */
  async startNewEpoch(): Promise<CatalogVersion> {
    const at = await startCatalogEpoch(this.db());
    await this.publisher.publish(await readSnapshot(this.db()));
    return at;
  }

  /**
   * A miss: read the database. Only on a cold cache or lost KV entries, as
   * writers store each version before publishing it. Deliberately not shared
   * across requests: workerd cancels a request's I/O when it ends, so one
   * request must not wait on another's database read.
   */
  private async refill(head: Head): Promise<Snapshot> {
    // An idle connection in the pool by now, else the query would open a second one.
    await this.warming;
    const snapshot = await readSnapshot(this.db());
    if (head.outcome !== "BYPASS") {
      // A cold cache has no head yet: publish what we read (publishing corrects a race with a writer).
      // After this response is on its way: encoding and compressing the index would otherwise delay the miss.
      const background = afterResponse().then(async () => {
        await this.afterBodySent();
        if (head.at === undefined) await this.publisher.publish(snapshot);
        else await this.store.store(snapshot);
      });
      this.waitUntil(
        background.catch((error) => log.warn("catalog_refill_publish_failed", { version: snapshot.version, error: describeError(error) })),
      );
    }
    adopt(snapshot);
    return snapshot;
  }

  /** Once the response's body is sent (when the responder said how to know), or after SEND_WAIT_MS; never throws. */
  private async afterBodySent() {
    if (!this.sent) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cap = new Promise((resolve) => {
      timer = setTimeout(resolve, SEND_WAIT_MS);
    });
    await Promise.race([this.sent.catch(() => {}), cap]);
    clearTimeout(timer);
  }

  /**
   * A cold isolate (no version known yet) will most likely read the database:
   * open the connection (WebSocket, TLS, startup) while KV answers, not after.
   * Once per request; failures are left to the query that follows.
   */
  private warmDatabase() {
    if (memoVersion() !== undefined || this.warming) return;
    this.warming = this.db()
      .$client.connect()
      .then((client) => client.release())
      .catch(() => {});
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
    const named = await this.store.last();
    const mine = lastGood();
    // Never a retired epoch (pre-restore data); else the newer of the two.
    if (named && !isRetired(named.epoch) && (!mine || named.epoch !== mine.epoch || named.version > mine.version)) {
      const stored = await this.store.readIndex(named);
      if (stored) {
        keepSnapshot(stored);
        return stored;
      }
    }
    return mine;
  }
}
