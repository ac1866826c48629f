/**
 * The catalog's reads for the cache: the whole catalog (archived models
 * included, by provider then id, and every alias), or the rows one write changed, each with the catalog's epoch and version read in the SAME statement
 * (one snapshot), so what is cached under a version is exactly that version.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { catalogState, modelAliases, models } from "../../drizzle/schema";
import type { CatalogVersion } from "../catalog/state";
import type { Database } from "../db/client";

/** What a snapshot is built from: one model as the database has it. */
export type CatalogRow = Pick<
  typeof models.$inferSelect,
  "id" | "name" | "provider" | "isAvailable" | "isLegacy" | "isArchived" | "legacySince" | "meta" | "createdAt"
>;

/** A CatalogRow as Postgres builds it in JSON, in `statement`'s order; timestamps as ISO 8601 text. */
type CatalogTuple = [string, string, string, boolean, boolean, boolean, string | null, CatalogRow["meta"], string];

/**
 * The models come back as ONE json column Postgres aggregates (a tuple per
 * model, no keys), so the Worker does a single JSON.parse instead of the
 * driver parsing every field of every row. A scalar subquery of the same
 * statement: version and models are one snapshot. Unordered: the snapshot
 * sorts in byte order anyway.
 */
function statement(db: Database, onlyIds?: readonly string[]) {
  const which = onlyIds ? sql`WHERE ${inArray(models.id, [...onlyIds])}` : sql``;
  return (
    db
      .select({
        epoch: catalogState.epoch,
        version: catalogState.version,
        models: sql<CatalogTuple[]>`(SELECT coalesce(json_agg(json_build_array(${models.id}, ${models.name}, ${models.provider},
          ${models.isAvailable}, ${models.isLegacy}, ${models.isArchived}, ${models.legacySince}, ${models.meta}, ${models.createdAt})), '[]')
          FROM ${models} ${which})`,
        // Every alias (alias -> target), whatever `onlyIds` says: a patch rebuilds the alias entries from it.
        aliases: sql<Record<string, string>>`(SELECT coalesce(json_object_agg(${modelAliases.alias}, ${modelAliases.targetModelId}), '{}')
          FROM ${modelAliases})`,
      })
      .from(catalogState)
      // Pins the one row (the CHECK says id = 1): catalog_state is never analyzed, and without this the
      // planner guesses thousands of rows and PostgreSQL spends ~100 ms JIT-compiling the statement.
      .where(eq(catalogState.id, 1))
  );
}

/** Every model (or only `onlyIds`) and every alias, with the epoch and version they belong to. */
export async function readCatalog(
  db: Database,
  onlyIds?: readonly string[],
): Promise<{ at: CatalogVersion; rows: CatalogRow[]; aliases: Map<string, string> }> {
  const [state] = await statement(db, onlyIds);
  if (!state) throw new Error("catalog_state has no row: migrations are incomplete");
  const rows = state.models.map(([id, name, provider, isAvailable, isLegacy, isArchived, legacySince, meta, createdAt]) => ({
    id,
    name,
    provider,
    isAvailable,
    isLegacy,
    isArchived,
    // The same instant, truncated to the millisecond, as the driver's Date for the column.
    legacySince: legacySince === null ? null : new Date(legacySince),
    meta,
    createdAt: new Date(createdAt),
  }));
  return { at: { epoch: state.epoch, version: state.version }, rows, aliases: new Map(Object.entries(state.aliases)) };
}
