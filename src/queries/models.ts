/**
 * Reads of the models table: for the admin API, the cron's sunset selection
 * and the staff dashboard. The dashboard's list is keyset-paged on the
 * primary key (`id > after`, `LIMIT n + 1`), so a page costs the same at the
 * first or the last of 10,000 models.
 */
import { and, asc, desc, eq, gt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { catalogState, type ModelRow, models } from "../../drizzle/schema";
import type { Database } from "../db/client";
import { MODEL_ID_PATTERN, SubscriptionTierSchema } from "../domain/model-meta";
import { storedText } from "../domain/text";

export async function modelById(db: Database, id: string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}

export async function modelExists(db: Database, id: string): Promise<boolean> {
  const [row] = await db.select({ id: models.id }).from(models).where(eq(models.id, id));
  return row !== undefined;
}

/** Every model, archived included, as clients order them (by provider, then id). */
export function allModels(db: Database): Promise<ModelRow[]> {
  return db.select().from(models).orderBy(asc(models.provider), asc(models.id));
}

/** Live legacy models, by provider then id. */
export function legacyModels(db: Database): Promise<ModelRow[]> {
  return db
    .select()
    .from(models)
    .where(and(eq(models.isLegacy, true), eq(models.isArchived, false)))
    .orderBy(asc(models.provider), asc(models.id));
}

/** Archived models, most recently changed first. */
export function archivedModels(db: Database): Promise<ModelRow[]> {
  return db.select().from(models).where(eq(models.isArchived, true)).orderBy(desc(models.updatedAt), asc(models.id));
}

/** The condition "has a sunset date at or before `cutoff`", shared with the cron's archiving UPDATE. */
export const sunsetAtOrBefore = (cutoff: Date) =>
  sql`${models.meta} ? 'sunsetDate' AND (${models.meta} ->> 'sunsetDate')::timestamptz <= ${cutoff.toISOString()}::timestamptz`;

/** Live legacy models whose sunset date is at or before `cutoff`, soonest first. */
export function sunsetDueModels(db: Database, cutoff: Date): Promise<ModelRow[]> {
  return db
    .select()
    .from(models)
    .where(and(eq(models.isLegacy, true), eq(models.isArchived, false), sunsetAtOrBefore(cutoff)))
    .orderBy(asc(sql`(${models.meta} ->> 'sunsetDate')::timestamptz`), asc(models.id));
}

// --- the staff dashboard ---

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
  q: storedText().trim().max(100).optional(),
  after: z.string().regex(MODEL_ID_PATTERN, "is not a model id").optional(),
  before: z.string().regex(MODEL_ID_PATTERN, "is not a model id").optional(),
});
export type StaffModelFilters = z.infer<typeof StaffModelFiltersSchema>;

export const STAFF_PAGE_SIZE = 50;

export function statusOf(row: { isLegacy: boolean; isArchived: boolean }): ModelStatus {
  return row.isArchived ? "archived" : row.isLegacy ? "legacy" : "active";
}

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
