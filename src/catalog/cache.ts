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
 * - KV allows one write per key per second. Version keys are written once per
 *   version; the head is retried with a pause and coalesced to the newest
 *   version, so a burst of admin writes slows down instead of failing.
 *
 * The hit path parses nothing: list bodies are pre-serialized per tier at
 * refill and memoized per isolate for the current version.
 */
import { asc, sql } from "drizzle-orm";
import { catalogState, models } from "../../drizzle/schema";
import type { Database } from "../db/client";
import { SUBSCRIPTION_TIERS, type SubscriptionTier } from "../domain/model-meta";
import { log } from "../log";
import { type SerializedModel, listBody, serializeModel } from "./list-body";
import { type PublicModel, toPublicModel } from "./public-model";

export const HEAD_KEY = "catalog:head";
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

export type CacheOutcome = "HIT" | "MISS" | "BYPASS";

/** One catalog version, parsed. */
export interface Snapshot {
  version: number;
  models: SerializedModel[];
  byId: Map<string, PublicModel>;
  /** Archived model id -> its replacement (if any), for 410 answers. */
  archived: Map<string, string | null>;
}

interface StoredIndex {
  version: number;
  models: PublicModel[];
  archived: Record<string, string | null>;
}

// Per-isolate memo of the newest version seen; reset whenever the head moves.
const memo = {
  version: -1,
  snapshot: undefined as Snapshot | undefined,
  bodies: new Map<SubscriptionTier, Uint8Array>(),
  bytes: 0,
};
const inflightRefills = new Map<string, Promise<Snapshot>>();

function remember(version: number) {
  if (memo.version !== version) {
    memo.version = version;
    memo.snapshot = undefined;
    memo.bodies.clear();
    memo.bytes = 0;
  }
}

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class CatalogCache {
  constructor(
    private readonly kv: KVNamespace,
    private readonly db: () => Database,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** The catalog version clients currently see (for ETags), without reading any model. */
  async headVersion(): Promise<{ version: number | undefined; outcome: CacheOutcome }> {
    try {
      const head = await this.kv.get(HEAD_KEY);
      return { version: head === null ? undefined : Number(head), outcome: "HIT" };
    } catch (error) {
      log.warn("kv_read_failed", { key: HEAD_KEY, error });
      return { version: undefined, outcome: "BYPASS" };
    }
  }

  /** The full list body for a tier. */
  async listBody(tier: SubscriptionTier, known?: { version: number | undefined; outcome: CacheOutcome }) {
    const head = known ?? (await this.headVersion());
    if (head.version !== undefined) {
      remember(head.version);
      const memoized = memo.bodies.get(tier);
      if (memoized) return { version: head.version, body: memoized, outcome: "HIT" as const };
      const stored = await this.kvRead(() => this.kv.get(catalogKeys(head.version as number).list(tier), "arrayBuffer"));
      if (stored) {
        const body = new Uint8Array(stored);
        this.memoizeBody(head.version, tier, body);
        return { version: head.version, body, outcome: "HIT" as const };
      }
    }
    const snapshot = await this.refill(head);
    const body = encoder.encode(listBody(snapshot.models, tier));
    this.memoizeBody(snapshot.version, tier, body);
    return { version: snapshot.version, body, outcome: head.outcome === "BYPASS" ? ("BYPASS" as const) : ("MISS" as const) };
  }

  /** The parsed catalog, for filtered lists, details and the access gate. */
  async snapshot(known?: { version: number | undefined; outcome: CacheOutcome }): Promise<{ snapshot: Snapshot; outcome: CacheOutcome }> {
    const head = known ?? (await this.headVersion());
    if (head.version !== undefined) {
      remember(head.version);
      if (memo.snapshot) return { snapshot: memo.snapshot, outcome: "HIT" };
      const stored = await this.kvRead(() => this.kv.get<StoredIndex>(catalogKeys(head.version as number).index, "json"));
      if (stored && stored.version === head.version) {
        const snapshot = snapshotFrom(stored.version, stored.models, new Map(Object.entries(stored.archived)));
        memo.snapshot = snapshot;
        return { snapshot, outcome: "HIT" };
      }
    }
    const snapshot = await this.refill(head);
    return { snapshot, outcome: head.outcome === "BYPASS" ? "BYPASS" : "MISS" };
  }

  /**
   * Publishes a committed catalog version as the head. Called by every
   * lifecycle write after its transaction commits, and by the sunset cron.
   */
  async publish(version: number): Promise<void> {
    let target = version;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.kv.put(HEAD_KEY, String(target));
      } catch (error) {
        if (attempt >= HEAD_PUT_ATTEMPTS) {
          log.error("catalog_head_publish_failed", { version: target, error });
          return;
        }
        // Most likely KV's one-write-per-second limit: wait it out and publish the newest version then.
        await sleep(KV_WRITE_INTERVAL_MS);
        target = Math.max(target, await this.databaseVersion());
        continue;
      }
      // Another publisher may have put an older version after ours; the database has the last word.
      const latest = await this.databaseVersion();
      if (latest <= target) return;
      target = latest;
      await sleep(attempt === 1 ? 0 : KV_WRITE_INTERVAL_MS);
    }
  }

  private async databaseVersion(): Promise<number> {
    const [row] = await this.db().select({ version: catalogState.version }).from(catalogState);
    return row?.version ?? 0;
  }

  private async refill(head: { version: number | undefined; outcome: CacheOutcome }): Promise<Snapshot> {
    // One database read per isolate at a time, however many requests missed together.
    const key = String(head.version);
    let pending = inflightRefills.get(key);
    if (!pending) {
      pending = this.readSnapshot().finally(() => inflightRefills.delete(key));
      inflightRefills.set(key, pending);
    }
    const snapshot = await pending;
    if (head.outcome !== "BYPASS") {
      this.waitUntil(this.store(snapshot));
      // A cold cache has no head yet: publish what we read (publish() corrects a race with a writer).
      if (head.version === undefined) this.waitUntil(this.publish(snapshot.version).catch(() => {}));
    }
    if (head.version === undefined || snapshot.version >= head.version) {
      remember(snapshot.version);
      memo.snapshot = snapshot;
    }
    return snapshot;
  }

  private async readSnapshot(): Promise<Snapshot> {
    // One statement, so the version and the models come from the same snapshot.
    const rows = await this.db()
      .select({
        catalogVersion: catalogState.version,
        id: models.id,
        name: models.name,
        provider: models.provider,
        isAvailable: models.isAvailable,
        isLegacy: models.isLegacy,
        isArchived: models.isArchived,
        legacySince: models.legacySince,
        meta: models.meta,
      })
      .from(catalogState)
      .leftJoin(models, sql`true`)
      .orderBy(asc(models.provider), asc(models.id));
    const version = rows[0]?.catalogVersion ?? 0;
    const visible: PublicModel[] = [];
    const archived = new Map<string, string | null>();
    for (const row of rows) {
      if (row.id === null || row.meta === null) continue;
      if (row.isArchived) archived.set(row.id, row.meta.legacyReplacementModelId ?? null);
      else visible.push(toPublicModel(row as Parameters<typeof toPublicModel>[0]));
    }
    return snapshotFrom(version, visible, archived);
  }

  private async store(snapshot: Snapshot) {
    const keys = catalogKeys(snapshot.version);
    const options = { expirationTtl: VERSION_TTL_SECONDS };
    const index: StoredIndex = {
      version: snapshot.version,
      models: snapshot.models.map((entry) => entry.model),
      archived: Object.fromEntries(snapshot.archived),
    };
    const puts = [
      this.kv.put(keys.index, JSON.stringify(index), options),
      ...SUBSCRIPTION_TIERS.map((tier) => this.kv.put(keys.list(tier), listBody(snapshot.models, tier), options)),
    ];
    const failed = (await Promise.allSettled(puts)).filter((result) => result.status === "rejected");
    // Another isolate storing the same version at the same moment trips KV's per-key limit: harmless.
    if (failed.length) log.warn("catalog_store_incomplete", { version: snapshot.version, failed: failed.length });
  }

  private memoizeBody(version: number, tier: SubscriptionTier, body: Uint8Array) {
    if (memo.version !== version || memo.bodies.has(tier)) return;
    if (memo.bytes + body.byteLength > MEMO_BYTE_BUDGET) return;
    memo.bodies.set(tier, body);
    memo.bytes += body.byteLength;
  }

  /** A KV read that degrades to "not cached" when KV itself fails: the database still answers. */
  private async kvRead<T>(read: () => Promise<T | null>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      log.warn("kv_read_failed", { error });
      return null;
    }
  }
}

function snapshotFrom(version: number, publicModels: PublicModel[], archived: Map<string, string | null>): Snapshot {
  return {
    version,
    models: publicModels.map(serializeModel),
    byId: new Map(publicModels.map((model) => [model.id, model])),
    archived,
  };
}

/** Test hook: forget this isolate's memo (each test file shares one isolate). */
export function forgetMemoizedCatalog() {
  remember(-1);
}
