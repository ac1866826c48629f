import { sql } from "drizzle-orm";
import { catalogState } from "../../drizzle/schema";
import type { Transaction } from "./client";

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
  if (!row) throw new Error("catalog_state has no row: migrations are incomplete");
  return row.version;
}
