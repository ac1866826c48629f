/**
 * Publishing a catalog version: store its index, adopt it in this isolate,
 * then point the KV head at it, with the database having the last word
 * (a newer version published instead; a restore noticed and a new epoch
 * started). docs/cache.md tells why each step is where it is.
 */
import type { Database } from "../db/client";
import { describeError } from "../http/failures";
import { log } from "../log";
import { readCatalog } from "../queries/catalog";
import { keepSnapshot, memoSnapshot, memoVersion, moveTo } from "./isolate-memo";
import { KV_WRITE_INTERVAL_MS, sameVersion } from "./kv-layout";
import type { CatalogStore } from "./kv-store";
import { patchSnapshot, type Snapshot, snapshotFromRows } from "./snapshot";
import { type CatalogVersion, readCatalogVersion, startCatalogEpoch } from "./state";

const HEAD_PUT_ATTEMPTS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole catalog as the database has it now. */
export async function readSnapshot(db: Database): Promise<Snapshot> {
  const { at, rows, aliases } = await readCatalog(db);
  return snapshotFromRows(at, rows, aliases);
}

/** Makes a snapshot this isolate's memo, unless the memo already holds a newer version. */
export function adopt(snapshot: Snapshot) {
  moveTo(snapshot);
  keepSnapshot(snapshot);
}

export class CatalogPublisher {
  constructor(
    private readonly kv: CatalogStore,
    private readonly db: () => Database,
  ) {}

  /** The snapshot of `committedVersion`: the previous one patched with the write's rows when this isolate holds it. */
  async afterWrite(committedVersion: number, changedIds: readonly string[] | undefined): Promise<Snapshot> {
    const previous = memoSnapshot(memoVersion() ?? { epoch: "", version: -1 });
    if (changedIds?.length && previous && previous.version === committedVersion - 1) {
      const { at, rows, aliases } = await readCatalog(this.db(), changedIds);
      // Nothing else committed in between (same epoch, our version): the previous version plus our rows is this version.
      if (at.epoch === previous.epoch && at.version === committedVersion) return patchSnapshot(previous, at, changedIds, rows, aliases);
    }
    const snapshot = await readSnapshot(this.db());
    if (snapshot.version < committedVersion)
      throw new Error(`catalog version ${snapshot.version} is older than the committed ${committedVersion}`);
    return snapshot;
  }

  async publish(first: Snapshot): Promise<void> {
    let snapshot = await this.unlessRestored(first);
    const stored = await this.kv.store(snapshot);
    adopt(snapshot);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.kv.putHead(snapshot);
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
    const published = await this.kv.headQuietly();
    const ahead = [published, memoVersion()].filter((at) => at?.epoch === snapshot.epoch && at.version > snapshot.version);
    if (ahead.length === 0) return snapshot;
    const now = await readCatalogVersion(this.db());
    if (now.epoch !== snapshot.epoch || ahead.every((at) => (at as CatalogVersion).version <= now.version)) {
      // Only a write that committed after our read: no restore.
      return now.epoch === snapshot.epoch && now.version === snapshot.version ? snapshot : readSnapshot(this.db());
    }
    const at = await startCatalogEpoch(this.db());
    log.warn("catalog_epoch_started", { ...at, reason: "database_behind_cache", cached: ahead[0]?.version ?? null });
    return readSnapshot(this.db());
  }

  /** The current catalog if the database moved past `current`, stored and adopted; else `current`. */
  private async newerSnapshot(current: Snapshot): Promise<Snapshot> {
    if (sameVersion(await readCatalogVersion(this.db()), current)) return current;
    const next = await readSnapshot(this.db());
    await this.kv.store(next);
    adopt(next);
    return next;
  }
}
