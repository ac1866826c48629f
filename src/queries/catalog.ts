/** The read behind the public catalog cache. */
import { asc, eq, sql } from "drizzle-orm";
import { catalogState, models } from "../../drizzle/schema";
import type { Database } from "../db/client";

/**
 * The catalog version and every model, archived included, by provider then id.
 * One statement, so the version and the models come from the same snapshot;
 * with no models, one row with the version and null model columns.
 */
export function catalogSnapshotRows(db: Database) {
  return (
    db
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
        createdAt: models.createdAt,
      })
      .from(catalogState)
      .leftJoin(models, sql`true`)
      // Pins the one row (the CHECK says id = 1): catalog_state is never analyzed, and without this the
      // planner guesses thousands of rows and PostgreSQL spends ~100 ms JIT-compiling the join.
      .where(eq(catalogState.id, 1))
      .orderBy(asc(models.provider), asc(models.id))
  );
}
