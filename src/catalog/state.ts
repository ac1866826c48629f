/**
 * The catalog's state row (catalog_state): which line of versions (epoch) the
 * catalog is on and where on it (version). Every write takes a version in its
 * own transaction; a restore or a cache reset starts a new epoch.
 */
import { sql } from "drizzle-orm";
import { catalogState } from "../../drizzle/schema";
import type { Database, Transaction } from "../db/client";

/** Which line of versions (epoch) and where on it (version) the catalog is. */
export interface CatalogVersion {
  epoch: string;
  version: number;
}

const missing = () => new Error("catalog_state has no row: migrations are incomplete");

/**
 * Bumps the catalog version inside a write's transaction. A table row, not a
 * sequence: a sequence advances outside transactions, so a refill could read
 * the new number with the old rows and cache stale data under it.
 */
export async function bumpCatalogVersion(tx: Transaction): Promise<number> {
  const [row] = await tx
    .update(catalogState)
    .set({ version: sql`${catalogState.version} + 1` })
    .returning({ version: catalogState.version });
  if (!row) throw missing();
  return row.version;
}

export async function readCatalogVersion(db: Database): Promise<CatalogVersion> {
  const [row] = await db.select({ epoch: catalogState.epoch, version: catalogState.version }).from(catalogState);
  if (!row) throw missing();
  return row;
}

/** A new epoch: everything cached under the old one stops being served (after a restore, or on request). */
export async function startCatalogEpoch(db: Database): Promise<CatalogVersion> {
  const [row] = await db
    .update(catalogState)
    .set({ epoch: sql`md5(random()::text || clock_timestamp()::text)` })
    .returning({ epoch: catalogState.epoch, version: catalogState.version });
  if (!row) throw missing();
  return row;
}
