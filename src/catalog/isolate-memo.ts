/**
 * What one isolate remembers between requests (docs/cache.md): the newest
 * catalog version it knows of, its parsed snapshot and the bodies derived
 * from it, when it last read the KV head, and its last snapshot for
 * stale-if-error. Module state: one per isolate.
 */

import type { Snapshot } from "./snapshot";
import type { CatalogVersion } from "./state";

/**
 * Bodies (every view x tier x encoding) kept per isolate. At 10,000 models an
 * identity list body is ~6 MB and its br/gzip forms 0.15/0.3 MB: the five
 * tiers' identity bodies plus their compressed forms fit (~32 MB); beyond the
 * budget a body is built for the request and dropped. The snapshot itself
 * (~25 MB of objects and strings at 10,000 models) comes on top: workerd
 * isolates have 128 MB.
 */
export const BODY_BYTE_BUDGET = 40 * 1024 * 1024;

/**
 * How long a KV head read is trusted before the next request reads it again.
 * Bounds how late this isolate follows a write made elsewhere (plus KV's own
 * propagation, up to ~60 s in production); the writer's isolate adopts its
 * write at once.
 */
export const HEAD_FRESH_MS = 1000;

/** What an isolate starts with: nothing. */
export const emptyMemo = () => ({
  at: undefined as CatalogVersion | undefined,
  snapshot: undefined as Snapshot | undefined,
  bodies: new Map<string, Uint8Array>(),
  bytes: 0,
  headReadAt: Number.NEGATIVE_INFINITY,
  /** Epochs left behind: a head naming one is a lagging replica, never followed. */
  retired: new Set<string>(),
  /** The newest snapshot of the current epoch this isolate parsed; served only as STALE. */
  lastGood: undefined as Snapshot | undefined,
});

/** This isolate's memo (module state). Tests and the bench start a "new isolate" by assigning emptyMemo() to it. */
export const isolateMemo = emptyMemo();
const memo = isolateMemo;

export const memoVersion = () => memo.at;

/** Is `at` newer than what this isolate holds? Same epoch: a higher version; another epoch: one not retired. */
export function isNewer(at: CatalogVersion): boolean {
  if (!memo.at) return true;
  if (at.epoch === memo.at.epoch) return at.version > memo.at.version;
  return !memo.retired.has(at.epoch);
}

export const isRetired = (epoch: string) => memo.retired.has(epoch);

/** Moves the memo to `at` if newer, emptying it; never back. */
export function moveTo(at: CatalogVersion) {
  if (!isNewer(at)) return;
  if (memo.at && memo.at.epoch !== at.epoch) {
    memo.retired.add(memo.at.epoch);
    memo.lastGood = undefined;
  }
  memo.at = { epoch: at.epoch, version: at.version };
  memo.snapshot = undefined;
  memo.bodies.clear();
  memo.bytes = 0;
}

const holds = (at: CatalogVersion) => memo.at?.epoch === at.epoch && memo.at.version === at.version;

export const headIsFresh = (now: number) => memo.at !== undefined && now - memo.headReadAt < HEAD_FRESH_MS;
export function headRead(now: number) {
  memo.headReadAt = now;
}

export const memoSnapshot = (at: CatalogVersion) => (holds(at) ? memo.snapshot : undefined);

/** Keeps a snapshot if the memo names its version (a KV read returning after the memo moved on keeps nothing). */
export function keepSnapshot(snapshot: Snapshot) {
  if (holds(snapshot)) memo.snapshot ??= snapshot;
  if (snapshot.epoch === memo.at?.epoch && snapshot.version > (memo.lastGood?.version ?? -1)) memo.lastGood = snapshot;
}

export const lastGood = () => memo.lastGood;

export const memoBody = (at: CatalogVersion, key: string) => (holds(at) ? memo.bodies.get(key) : undefined);

export function keepBody(at: CatalogVersion, key: string, body: Uint8Array) {
  if (!holds(at) || memo.bodies.has(key) || memo.bytes + body.byteLength > BODY_BYTE_BUDGET) return;
  memo.bodies.set(key, body);
  memo.bytes += body.byteLength;
}
