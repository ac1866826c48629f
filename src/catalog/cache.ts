/**
 * The public catalog, cached in Workers KV and versioned by the database.
 *
 * Why it cannot serve stale data after a write:
 * - Every lifecycle write bumps catalog_state.version in its own transaction.
 * - A refill reads the models and that version in ONE statement (one
 *   snapshot), and stores what it read under keys named by that version.
 *   A slow refill that read before a write therefore writes v(N) keys, while
 *   readers already follow the head pointer to v(N+1): it can waste a put,
 *   never overwrite newer data.
 * - The head pointer (`catalog:head`) is published after commit by the
 *   writer. Puts may land out of order (two writers, or a cold-start reader),
 *   so whoever publishes re-reads the database version afterwards and
 *   publishes again if it moved: the last publisher always leaves the newest
 *   version in place.
 * - Write-through: the writer stores the new version's entries before it
 *   moves the head, so after a write readers find the new version in KV and
 *   the database is read only on a cold cache.
 * - KV allows one write per key per second. Version keys are written once per
 *   version; the head is retried with a pause and coalesced to the newest
 *   version, so a burst of admin writes slows down instead of failing.
 * - Each isolate memoizes the newest version it has read and never goes back
 *   from it: a head older than the memo (a KV replica lagging, or a writer's
 *   publish not landed yet) is served from the newer memo, so such a head
 *   neither rolls an isolate back to older data nor sends every request to
 *   the database. The memo is only ever filled for the version it names:
 *   a KV read that returns after the memo moved on does not store into it.
 * - The exception, by choice: a publish that fails (KV down, the database
 *   gone right after the commit). The write is committed, so its answer is
 *   still the success, never an error that invites a duplicate retry; the
 *   failure is logged (catalog_publish_failed, catalog_head_publish_failed)
 *   and other isolates keep the previous version until the next publish or
 *   repairHead().
 *
 * Stale-if-error (X-Cache: STALE): when a refill fails because the database
 * is unavailable, the answer comes from the newest complete catalog still at
 * hand instead of a 503: the version `catalog:last` names (the newest whose
 * entries were ALL stored; put after them, moved forward only by a writer
 * that read it older, same TTL), or this isolate's last snapshot if newer.
 * The promises above still hold because STALE is a fallback, never a source:
 * it is chosen only after the database failed to answer, and it is not
 * adopted into the memo, not stored and not published as the head. So the
 * first request that reaches the database again refills and serves the
 * newest version, without a restart. A STALE answer may be older than a
 * write acknowledged before the outage (whose entries never reached KV):
 * that is what the header says.
 *
 * The hit path parses nothing: list bodies are pre-serialized per tier at
 * refill and memoized per isolate for the current version.
 */
import { catalogState } from "../../drizzle/schema";
import type { Database } from "../db/client";
import { SUBSCRIPTION_TIERS, type SubscriptionTier } from "../domain/model-meta";
import { describeError, isDatabaseUnavailable } from "../http/failures";
import { log } from "../log";
import { catalogSnapshotRows } from "../queries/catalog";
import { listBody, openAIListBody, type SerializedModel, serializeModel } from "./list-body";
import { byProviderThenId, type PublicModel, toPublicModel } from "./public-model";
import { archivedSuccessors, withRecommendedSuccessors } from "./successors";

export const HEAD_KEY = "catalog:head";
/** The newest version whose entries were all stored: the stale-if-error fallback. */
export const LAST_KEY = "catalog:last";
export const catalogKeys = (version: number) => ({
  index: `catalog:v${version}:index`,
  list: (tier: SubscriptionTier) => `catalog:v${version}:list:${tier}`,
});
/** Old versions are never read again once the head moves on; KV drops them after this. */
const VERSION_TTL_SECONDS = 7 * 24 * 3600;
const HEAD_PUT_ATTEMPTS = 4;
const KV_WRITE_INTERVAL_MS = 1100;
/** Per-isolate memo of list bodies; beyond this they are streamed from KV each time. */
const MEMO_BYTE_BUDGET = 48 * 1024 * 1024;

/** STALE: the database is down and this is the newest complete catalog still at hand. */
export type CacheOutcome = "HIT" | "MISS" | "BYPASS" | "STALE";

/** The catalog version to serve (undefined: nothing published yet, or KV unreadable) and how it was learned. */
export interface Head {
  version: number | undefined;
  outcome: CacheOutcome;
}

/** One catalog version, parsed. */
export interface Snapshot {
  version: number;
  models: SerializedModel[];
  byId: Map<string, SerializedModel>;
  /** Archived model id -> its recommended successor (if any), for 410 answers. */
  archived: Map<string, string | null>;
}

interface StoredIndex {
  version: number;
  models: PublicModel[];
  /** Each model's `created` (Unix seconds), in the order of `models`. */
  created: number[];
  archived: Record<string, string | null>;
}

// Per-isolate memo of the newest version seen; emptied whenever it moves forward, never moved back.
const memo = {
  version: -1,
  snapshot: undefined as Snapshot | undefined,
  /** Per-isolate bodies by view and tier ("v1:pro", "openai:free"). */
  bodies: new Map<string, Uint8Array>(),
  bytes: 0,
};

/**
 * Per-isolate: the newest snapshot this isolate has parsed, kept when the
 * memo moves on. Served only as STALE, when the database is down.
 */
let lastGood: Snapshot | undefined;

function remember(snapshot: Snapshot) {
  if (!lastGood || snapshot.version > lastGood.version) lastGood = snapshot;
}

function resetMemo(version: number) {
  memo.version = version;
  memo.snapshot = undefined;
  memo.bodies.clear();
  memo.bytes = 0;
}

/** Moves the memo forward to `version`; an older version leaves it alone. */
function advanceMemo(version: number) {
  if (version > memo.version) resetMemo(version);
}

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
  async headVersion(): Promise<Head> {
    let published: number;
    try {
      const head = await this.kv.get(HEAD_KEY);
      // No head yet (cold KV, or this isolate's own publish still on its way): a version this isolate read
      // from the database stands in for it, as a lagging head would (any writer publishes a head).
      if (head === null) return { version: memo.version >= 0 ? memo.version : undefined, outcome: "HIT" };
      published = Number(head);
    } catch (error) {
      log.warn("kv_read_failed", { key: HEAD_KEY, error: describeError(error) });
      return { version: undefined, outcome: "BYPASS" };
    }
    if (!Number.isSafeInteger(published)) return { version: undefined, outcome: "HIT" };
    // This isolate may already hold a newer version than KV names: never serve older data than that.
    return { version: Math.max(published, memo.version), outcome: "HIT" };
  }

  /** The full list body for a tier. */
  async listBody(tier: SubscriptionTier, known?: Head) {
    const head = known ?? (await this.headVersion());
    if (head.version !== undefined) {
      advanceMemo(head.version);
      const version = memo.version;
      const memoized = memo.bodies.get(`v1:${tier}`);
      if (memoized) return { version, body: memoized, outcome: "HIT" as const };
      if (memo.snapshot) {
        // Models are pre-serialized: a tier's body is a join, no database or KV needed.
        const body = encoder.encode(listBody(memo.snapshot.models, tier));
        this.memoizeBody(version, `v1:${tier}`, body);
        return { version, body, outcome: "HIT" as const };
      }
      const stored = await this.kvRead(() => this.kv.get(catalogKeys(version).list(tier), "arrayBuffer"));
      if (stored) {
        const body = new Uint8Array(stored);
        this.memoizeBody(version, `v1:${tier}`, body);
        return { version, body, outcome: "HIT" as const };
      }
    }
    const { snapshot, outcome } = await this.refillOrStale(head);
    const body = encoder.encode(listBody(snapshot.models, tier));
    if (outcome !== "STALE") this.memoizeBody(snapshot.version, `v1:${tier}`, body);
    return { version: snapshot.version, body, outcome };
  }

  /**
   * The OpenAI-compatible list body for a tier: derived from this version's
   * snapshot once, then memoized per isolate like the other bodies.
   */
  async openAIListBody(tier: SubscriptionTier, known?: Head) {
    const head = known ?? (await this.headVersion());
    if (head.version !== undefined) {
      advanceMemo(head.version);
      const memoized = memo.bodies.get(`openai:${tier}`);
      if (memoized) return { version: memo.version, body: memoized, outcome: "HIT" as const };
    }
    const { snapshot, outcome } = await this.snapshot(head);
    const body = encoder.encode(openAIListBody(snapshot.models, tier));
    if (outcome !== "STALE") this.memoizeBody(snapshot.version, `openai:${tier}`, body);
    return { version: snapshot.version, body, outcome };
  }

  /** The parsed catalog, for filtered lists, details and the access gate. */
  async snapshot(known?: Head): Promise<{ snapshot: Snapshot; outcome: CacheOutcome }> {
    const head = known ?? (await this.headVersion());
    if (head.version !== undefined) {
      advanceMemo(head.version);
      if (memo.snapshot) return { snapshot: memo.snapshot, outcome: "HIT" };
      const version = memo.version;
      const stored = await this.kvRead(() => this.kv.get<StoredIndex>(catalogKeys(version).index, "json"));
      if (stored && stored.version === version && Array.isArray(stored.created)) {
        const snapshot = snapshotFrom(stored);
        // Other requests may have moved the memo on while KV answered: fill it only for this version.
        if (memo.version === version) memo.snapshot ??= snapshot;
        remember(snapshot);
        return { snapshot, outcome: "HIT" };
      }
    }
    return this.refillOrStale(head);
  }

  /**
   * Publishes the catalog after a committed write (every lifecycle write, and
   * the sunset cron). Write-through: the new version's entries are stored
   * before the head names them, so readers never miss because of a write.
   */
  async publish(committedVersion: number): Promise<void> {
    try {
      const snapshot = await this.readSnapshot();
      if (snapshot.version < committedVersion)
        throw new Error(`catalog version ${snapshot.version} is older than the committed ${committedVersion}`);
      await this.publishSnapshot(snapshot);
    } catch (error) {
      // The write is committed: never turn its answer into an error. Readers keep the previous version until the next publish.
      log.error("catalog_publish_failed", { version: committedVersion, error: describeError(error) });
    }
  }

  /**
   * Publishes the database's catalog if the KV head is behind it: undoes a
   * publish that failed after its write committed. Never throws; true when
   * the head was behind.
   */
  async repairHead(): Promise<boolean> {
    try {
      const published = Number(await this.kv.get(HEAD_KEY));
      if (Number.isSafeInteger(published) && published >= (await this.databaseVersion())) return false;
      await this.publishSnapshot(await this.readSnapshot());
      return true;
    } catch (error) {
      log.error("catalog_repair_failed", { error: describeError(error) });
      return false;
    }
  }

  private async publishSnapshot(first: Snapshot): Promise<void> {
    let snapshot = first;
    const stored = await this.store(snapshot);
    this.adopt(snapshot);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.kv.put(HEAD_KEY, String(snapshot.version));
      } catch (error) {
        // Not one put landed: KV is down (or out of write quota), and waiting out the per-key limit would not help.
        if (attempt >= HEAD_PUT_ATTEMPTS || stored === "none") {
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
      if (attempt >= HEAD_PUT_ATTEMPTS || (await this.databaseVersion()) <= snapshot.version) return;
      snapshot = await this.newerSnapshot(snapshot);
    }
  }

  /** The current catalog if the database moved past `current`, stored and adopted; else `current`. */
  private async newerSnapshot(current: Snapshot): Promise<Snapshot> {
    if ((await this.databaseVersion()) <= current.version) return current;
    const next = await this.readSnapshot();
    await this.store(next);
    this.adopt(next);
    return next;
  }

  /** Makes a snapshot this isolate's memo, unless the memo already holds a newer version. */
  private adopt(snapshot: Snapshot) {
    advanceMemo(snapshot.version);
    if (memo.version === snapshot.version) memo.snapshot ??= snapshot;
    remember(snapshot);
  }

  private async databaseVersion(): Promise<number> {
    const [row] = await this.db().select({ version: catalogState.version }).from(catalogState);
    return row?.version ?? 0;
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
      // Started after this response is on its way: store() serializes every tier and issues the puts
      // synchronously up to its first await, which would otherwise delay the miss it is caching.
      const background = afterResponse().then(async () => {
        if (head.version === undefined) await this.publishSnapshot(snapshot);
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
      log.warn("catalog_served_stale", { version: stale.version, head: head.version ?? null, error: describeError(error) });
      return { snapshot: stale, outcome: "STALE" };
    }
  }

  /** The newer of this isolate's last snapshot and the version `catalog:last` names, if either is still there. */
  private async newestComplete(): Promise<Snapshot | undefined> {
    const named = Number(await this.kvRead(() => this.kv.get(LAST_KEY)));
    if (Number.isSafeInteger(named) && named > 0 && named > (lastGood?.version ?? -1)) {
      const stored = await this.kvRead(() => this.kv.get<StoredIndex>(catalogKeys(named).index, "json"));
      if (stored && stored.version === named && Array.isArray(stored.created)) {
        const snapshot = snapshotFrom(stored);
        remember(snapshot);
        return snapshot;
      }
    }
    return lastGood;
  }

  private async readSnapshot(): Promise<Snapshot> {
    const rows = await catalogSnapshotRows(this.db());
    const version = rows[0]?.catalogVersion ?? 0;
    const visible: { model: PublicModel; created: number }[] = [];
    const archivedReplacement = new Map<string, string | null>();
    for (const row of rows) {
      if (row.id === null || row.meta === null || row.createdAt === null) continue;
      if (row.isArchived) archivedReplacement.set(row.id, row.meta.legacyReplacementModelId ?? null);
      else
        visible.push({
          model: toPublicModel(row as Parameters<typeof toPublicModel>[0]),
          created: Math.floor(row.createdAt.getTime() / 1000),
        });
    }
    // Byte order, whatever the database's collation (a locale collation ignores "-" and ".").
    visible.sort((a, b) => byProviderThenId(a.model, b.model));
    const linked = withRecommendedSuccessors(
      visible.map(({ model }) => model),
      archivedReplacement,
    );
    return snapshotFrom({
      version,
      models: linked,
      created: visible.map(({ created }) => created),
      archived: Object.fromEntries(archivedSuccessors(new Set(linked.map(({ id }) => id)), archivedReplacement)),
    });
  }

  /** Stores a version's entries; how many landed. */
  private async store(snapshot: Snapshot): Promise<"all" | "some" | "none"> {
    const keys = catalogKeys(snapshot.version);
    const options = { expirationTtl: VERSION_TTL_SECONDS };
    const index: StoredIndex = {
      version: snapshot.version,
      models: snapshot.models.map((entry) => entry.model),
      created: snapshot.models.map((entry) => entry.created),
      archived: Object.fromEntries(snapshot.archived),
    };
    // async: a binding that throws instead of rejecting still counts as one failed put.
    const put = async (key: string, value: string) => this.kv.put(key, value, options);
    const puts = [
      put(keys.index, JSON.stringify(index)),
      ...SUBSCRIPTION_TIERS.map((tier) => put(keys.list(tier), listBody(snapshot.models, tier))),
    ];
    const failed = (await Promise.allSettled(puts)).filter((result) => result.status === "rejected");
    // Another isolate storing the same version at the same moment trips KV's per-key limit: harmless.
    if (failed.length) {
      log.warn("catalog_store_incomplete", {
        version: snapshot.version,
        failed: failed.length,
        error: describeError((failed[0] as PromiseRejectedResult).reason),
      });
      return failed.length === puts.length ? "none" : "some";
    }
    // Complete: the stale-if-error fallback may name it. Off the write's path; monotonic as far as this writer sees.
    this.waitUntil(this.advanceLast(snapshot.version));
    return "all";
  }

  private async advanceLast(version: number) {
    try {
      const named = Number(await this.kv.get(LAST_KEY));
      if (Number.isSafeInteger(named) && named >= version) return;
      await this.kv.put(LAST_KEY, String(version), { expirationTtl: VERSION_TTL_SECONDS });
    } catch (error) {
      log.warn("catalog_last_put_failed", { version, error: describeError(error) });
    }
  }

  private memoizeBody(version: number, key: string, body: Uint8Array) {
    if (memo.version !== version || memo.bodies.has(key)) return;
    if (memo.bytes + body.byteLength > MEMO_BYTE_BUDGET) return;
    memo.bodies.set(key, body);
    memo.bytes += body.byteLength;
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

function snapshotFrom(index: StoredIndex): Snapshot {
  const models = index.models.map((model, i) => serializeModel(model, index.created[i] ?? 0));
  return {
    version: index.version,
    models,
    byId: new Map(models.map((entry) => [entry.model.id, entry])),
    archived: new Map(Object.entries(index.archived)),
  };
}

/** Test hook: forget this isolate's memo (each test file shares one isolate). */
export function forgetMemoizedCatalog() {
  resetMemo(-1);
  lastGood = undefined;
}
