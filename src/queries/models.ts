/**
 * Reads of the models table for staff views. Lists are keyset-paged on the
 * primary key (`id > after`, `LIMIT n + 1`), so a page costs the same at
 * the first or the last of 10,000 models.
 */
import { and, asc, count, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { models } from "../../drizzle/schema";
import type { Database } from "../db/client";
import { MODEL_ID_PATTERN, SubscriptionTierSchema } from "../domain/model-meta";

export const MODEL_STATUSES = ["active", "legacy", "archived"] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** The models page's query string; an empty field means "any". */
export const StaffModelFiltersSchema = z.object({
  status: z.enum(MODEL_STATUSES).optional(),
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "is not a provider id")
    .optional(),
  tier: SubscriptionTierSchema.optional(),
  q: z.string().trim().max(100).optional(),
  after: z.string().regex(MODEL_ID_PATTERN, "is not a model id").optional(),
  before: z.string().regex(MODEL_ID_PATTERN, "is not a model id").optional(),
});
export type StaffModelFilters = z.infer<typeof StaffModelFiltersSchema>;

export const STAFF_PAGE_SIZE = 50;

export function statusOf(row: { isLegacy: boolean; isArchived: boolean }): ModelStatus {
  return row.isArchived ? "archived" : row.isLegacy ? "legacy" : "active";
}

const summaryColumns = {
  id: models.id,
  name: models.name,
  provider: models.provider,
  isAvailable: models.isAvailable,
  isLegacy: models.isLegacy,
  isArchived: models.isArchived,
  displayName: sql<string>`${models.meta} ->> 'displayName'`,
  requiredTier: sql<string>`${models.meta} ->> 'requiredTier'`,
  sunsetDate: sql<string | null>`${models.meta} ->> 'sunsetDate'`,
  updatedAt: models.updatedAt,
};

function filterCondition(filters: StaffModelFilters): SQL | undefined {
  const status = {
    active: and(eq(models.isLegacy, false), eq(models.isArchived, false)),
    legacy: and(eq(models.isLegacy, true), eq(models.isArchived, false)),
    archived: eq(models.isArchived, true),
  };
  const pattern = filters.q ? `%${filters.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  return and(
    filters.status === undefined ? undefined : status[filters.status],
    filters.provider === undefined ? undefined : eq(models.provider, filters.provider),
    filters.tier === undefined ? undefined : sql`${models.meta} ->> 'requiredTier' = ${filters.tier}`,
    // Ids are lowercase (MODEL_ID_PATTERN): a lowercased pattern needs no ILIKE.
    pattern === undefined ? undefined : sql`${models.id} LIKE ${pattern}`,
  );
}

/** One page of models matching the filters, in id order, with the cursors to the neighbouring pages and the match count. */
export async function staffModelPage(db: Database, filters: StaffModelFilters, pageSize = STAFF_PAGE_SIZE) {
  const where = filterCondition(filters);
  const backwards = filters.before !== undefined && filters.after === undefined;
  const cursor = backwards ? sql`${models.id} < ${filters.before}` : filters.after === undefined ? undefined : gt(models.id, filters.after);
  const [fetched, [counted]] = await Promise.all([
    db
      .select(summaryColumns)
      .from(models)
      .where(and(where, cursor))
      .orderBy(backwards ? desc(models.id) : asc(models.id))
      .limit(pageSize + 1),
    db.select({ total: count() }).from(models).where(where),
  ]);
  const more = fetched.length > pageSize;
  const rows = fetched.slice(0, pageSize);
  if (backwards) rows.reverse();
  const first = rows[0]?.id;
  const last = rows.at(-1)?.id;
  return {
    rows,
    total: counted?.total ?? 0,
    // Going forwards, a previous page exists when we started after something; going backwards, when we hit the limit.
    previousBefore: (backwards ? more : filters.after !== undefined) ? first : undefined,
    nextAfter: (backwards ? true : more) && rows.length > 0 ? last : undefined,
  };
}

export type StaffModelSummary = Awaited<ReturnType<typeof staffModelPage>>["rows"][number];

/** Every provider with at least one model, for the provider filter. */
export async function providerNames(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ provider: models.provider }).from(models).orderBy(asc(models.provider));
  return rows.map((row) => row.provider);
}

export async function modelById(db: Database, id: string) {
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}
