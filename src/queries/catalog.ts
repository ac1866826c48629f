/**
 * The catalog's reads for the cache: the whole catalog (archived models
 * included, by provider then id), or the rows one write changed, each with the catalog's epoch and version read in the SAME statement
 * (one snapshot), so what is cached under a version is exactly that version.
 */
import { asc, eq, inArray, sql } from "drizzle-orm";
import { catalogState, models } from "../../drizzle/schema";
import type { Database } from "../db/client";

/** Which line of versions (epoch) and where on it (version) the catalog is. */
export interface CatalogVersion {
  epoch: string;
  version: number;
}

const columns = {
  epoch: catalogState.epoch,
  catalogVersion: catalogState.version,
  id: models.id,
  name: models.name,
  provider: models.provider,
  isAvailable: models.isAvailable,
  isLegacy: models.isLegacy,
  isArchived: models.isArchived,
  legacySince: models.legacySince,
  meta: models.meta,
  createdAt: models.createdAt,
};

function statement(db: Database, onlyIds?: readonly string[]) {
  return (
    db
      .select(columns)
      .from(catalogState)
      .leftJoin(models, onlyIds ? inArray(models.id, [...onlyIds]) : sql`true`)
      // Pins the one row (the CHECK says id = 1): catalog_state is never analyzed, and without this the
      // planner guesses thousands of rows and PostgreSQL spends ~100 ms JIT-compiling the join.
      .where(eq(catalogState.id, 1))
      .orderBy(asc(models.provider), asc(models.id))
  );
}

export type CatalogRow = Awaited<ReturnType<typeof statement>>[number];

/** Every model (or only `onlyIds`), with the epoch and version they belong to. */
export async function readCatalog(db: Database, onlyIds?: readonly string[]): Promise<{ at: CatalogVersion; rows: CatalogRow[] }> {
  const rows = await statement(db, onlyIds);
  const first = rows[0];
  if (!first) throw new Error("catalog_state has no row: migrations are incomplete");
  return { at: { epoch: first.epoch, version: first.catalogVersion }, rows };
}

/** The statement readCatalog runs, for the bench's profile route. */
export const catalogStatement = statement;

export async function readCatalogVersion(db: Database): Promise<CatalogVersion> {
  const [row] = await db.select({ epoch: catalogState.epoch, version: catalogState.version }).from(catalogState);
  if (!row) throw new Error("catalog_state has no row: migrations are incomplete");
  return row;
}

/** A new epoch: everything cached under the old one stops being served (after a restore, or on request). */
export async function startCatalogEpoch(db: Database): Promise<CatalogVersion> {
  const [row] = await db
    .update(catalogState)
    .set({ epoch: sql`md5(random()::text || clock_timestamp()::text)` })
    .returning({ epoch: catalogState.epoch, version: catalogState.version });
  if (!row) throw new Error("catalog_state has no row: migrations are incomplete");
  return row;
}
