/** How staff see models: everything, including flags, raw meta and the row version. */
import { and, asc, eq } from "drizzle-orm";
import { type ModelRow, models } from "../../drizzle/schema";
import { toPublicModel, withAccess } from "../catalog/public-model";
import type { Database } from "../db/client";
import type { ModelCapability, SubscriptionTier } from "../domain/model-meta";

export function adminView(row: ModelRow) {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    is_available: row.isAvailable,
    is_legacy: row.isLegacy,
    is_archived: row.isArchived,
    legacy_since: row.legacySince?.toISOString() ?? null,
    meta: row.meta,
    row_version: row.rowVersion,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** `GET /v1/models?includeArchived=true` for admins: straight from the database, archived included. */
export async function adminListing(
  db: Database,
  filters: { capability?: ModelCapability[]; provider?: string; available?: boolean },
  tier: SubscriptionTier,
) {
  const rows = await db
    .select()
    .from(models)
    .where(
      and(
        filters.provider === undefined ? undefined : eq(models.provider, filters.provider),
        filters.available === undefined ? undefined : eq(models.isAvailable, filters.available),
      ),
    )
    .orderBy(asc(models.provider), asc(models.id));
  const list = rows
    .filter((row) => (filters.capability ?? []).every((capability) => row.meta.capabilities.includes(capability)))
    .map((row) => withAccess(toPublicModel(row), tier));
  return { models: list, total: list.length, user_tier: tier };
}
