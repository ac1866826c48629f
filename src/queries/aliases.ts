/** Reads of model_aliases (writes: lifecycle/aliases.ts). */
import { asc, eq } from "drizzle-orm";
import { type AliasRow, modelAliases } from "../../drizzle/schema";
import type { Database } from "../db/client";

/** Every alias, by id. */
export const allAliases = (db: Database): Promise<AliasRow[]> => db.select().from(modelAliases).orderBy(asc(modelAliases.alias));

export async function aliasById(db: Database, alias: string): Promise<AliasRow | undefined> {
  const [row] = await db.select().from(modelAliases).where(eq(modelAliases.alias, alias));
  return row;
}

/** The aliases pointing at a model, by id (the dashboard's model page). */
export const aliasesOf = (db: Database, modelId: string): Promise<AliasRow[]> =>
  db.select().from(modelAliases).where(eq(modelAliases.targetModelId, modelId)).orderBy(asc(modelAliases.alias));
