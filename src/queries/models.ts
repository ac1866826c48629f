/**
 * Reads of the models table: for the admin API, the cron's sunset selection
 * and the staff dashboard's model and sunsets pages (its models list has its
 * own query, src/routes/admin-ui/models/models.queries.ts).
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { type ModelRow, models } from "../../drizzle/schema";
import type { Database, Transaction } from "../db/client";

export async function modelById(db: Database | Transaction, id: string): Promise<ModelRow | undefined> {
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

/** Live model ids of one provider, by id, at most `limit` (the dashboard's Target model suggestions). */
export async function liveModelIdsOf(db: Database, provider: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.provider, provider), eq(models.isArchived, false)))
    .orderBy(asc(models.id))
    .limit(limit);
  return rows.map((row) => row.id);
}
