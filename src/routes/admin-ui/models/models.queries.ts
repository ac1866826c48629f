/**
 * The models page's one query: filtered, keyset-paged on the primary key
 * (`id > after`, `LIMIT n + 1`), so a page costs the same at the first or
 * the last of 10,000 models.
 */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { catalogState, models } from "../../../../drizzle/schema";
import type { Database } from "../../../db/client";
import { MODEL_ID_PATTERN, SubscriptionTierSchema } from "../../../domain/model-meta";
import { storedText } from "../../../domain/text";
import { MODEL_STATUSES } from "../model-status";

/** The models page's query string; an empty field means "any". */
export const StaffModelFiltersSchema = z.object({
  status: z.enum(MODEL_STATUSES).optional(),
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "is not a provider id")
    .optional(),
  tier: SubscriptionTierSchema.optional(),
  q: storedText().trim().max(100).optional(),
  after: z.string().regex(MODEL_ID_PATTERN, "is not a model id").optional(),
  before: z.string().regex(MODEL_ID_PATTERN, "is not a model id").optional(),
});
export type StaffModelFilters = z.infer<typeof StaffModelFiltersSchema>;

export const STAFF_PAGE_SIZE = 50;

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

/** Matches are counted up to this many ("more than 1,000 match"): a count of everything would read every row. */
export const COUNT_LIMIT = 1000;

/** Providers change only with the catalog: this isolate's last reading, with the catalog version it was read at. */
let knownProviders: { version: string; providers: string[] } | undefined;

/** A row of the models page, as the page query returns it. */
export interface StaffModelSummary {
  id: string;
  name: string;
  provider: string;
  isAvailable: boolean;
  isLegacy: boolean;
  isArchived: boolean;
  displayName: string;
  requiredTier: string;
  sunsetDate: string | null;
  updatedAt: string;
}

/**
 * One page of models matching the filters (in id order), the cursors to the
 * neighbouring pages, how many models match (up to COUNT_LIMIT + 1), and
 * every provider (for the filter), in one statement: one round trip, one
 * connection per page view, and work bounded by the page, not the catalog
 * (but for an id search or a filter that matches few models).
 */
export async function staffModelPage(db: Database, filters: StaffModelFilters, pageSize = STAFF_PAGE_SIZE) {
  const where = filterCondition(filters) ?? sql`true`;
  const backwards = filters.before !== undefined && filters.after === undefined;
  const cursor = backwards ? sql`${models.id} < ${filters.before}` : filters.after === undefined ? sql`true` : gt(models.id, filters.after);
  const result = await db.execute<{
    rows: StaffModelSummary[] | null;
    total: number;
    version: string | null;
    providers: string[] | null;
  }>(sql`
    WITH page AS (
      SELECT ${models.id} AS "id", ${models.name} AS "name", ${models.provider} AS "provider",
             ${models.isAvailable} AS "isAvailable", ${models.isLegacy} AS "isLegacy", ${models.isArchived} AS "isArchived",
             ${models.meta} ->> 'displayName' AS "displayName", ${models.meta} ->> 'requiredTier' AS "requiredTier",
             ${models.meta} ->> 'sunsetDate' AS "sunsetDate", ${models.updatedAt} AS "updatedAt"
      FROM ${models}
      WHERE ${where} AND ${cursor}
      ORDER BY ${models.id} ${backwards ? sql`DESC` : sql`ASC`}
      LIMIT ${pageSize + 1}
    )
    SELECT (SELECT json_agg(page ORDER BY "id") FROM page) AS "rows",
           (SELECT count(*)::int FROM (SELECT 1 FROM ${models} WHERE ${where} LIMIT ${COUNT_LIMIT + 1}) AS matching) AS "total",
           (SELECT version::text FROM ${catalogState} WHERE id = 1) AS "version",
           -- Read only when the catalog changed since this isolate last read it (an InitPlan runs only if reached).
           CASE WHEN (SELECT version::text FROM ${catalogState} WHERE id = 1) = ${knownProviders?.version ?? ""} THEN NULL
                ELSE (SELECT json_agg(DISTINCT ${models.provider} ORDER BY ${models.provider}) FROM ${models}) END AS "providers"`);
  const [answer] = result.rows;
  if (answer?.providers) knownProviders = { version: answer.version ?? "", providers: answer.providers };
  const fetched = answer?.rows ?? [];
  const more = fetched.length > pageSize;
  // The extra row that tells there is more lies beyond the page: last going forwards, first going backwards.
  const rows = more ? (backwards ? fetched.slice(1) : fetched.slice(0, pageSize)) : fetched;
  const first = rows[0]?.id;
  const last = rows.at(-1)?.id;
  return {
    rows,
    total: answer?.total ?? 0,
    providers: answer?.providers ?? knownProviders?.providers ?? [],
    // Going forwards, a previous page exists when we started after something; going backwards, when we hit the limit.
    previousBefore: (backwards ? more : filters.after !== undefined) ? first : undefined,
    nextAfter: (backwards || more) && rows.length > 0 ? last : undefined,
  };
}

/** Every provider with at least one model, for the provider filter. */
export async function providerNames(db: Database): Promise<string[]> {
  const rows = await db.selectDistinct({ provider: models.provider }).from(models).orderBy(asc(models.provider));
  return rows.map((row) => row.provider);
}
