/** The database side of the replacement graph (domain/replacement-graph.ts): locks, chain reads, who names a model. */
import { and, asc, eq, sql } from "drizzle-orm";
import { models } from "../../drizzle/schema";
import type { Transaction } from "../db/client";
import { replacementProblem } from "../domain/replacement-graph";
import { ApiError } from "../http/errors";

/** Live models that name `id` as their replacement, by id. */
export async function modelsReplacedBy(tx: Transaction, id: string): Promise<string[]> {
  const rows = await tx
    .select({ id: models.id })
    .from(models)
    .where(and(eq(models.isArchived, false), sql`${models.meta} ->> 'legacyReplacementModelId' = ${id}`))
    .orderBy(asc(models.id));
  return rows.map((row) => row.id);
}

/**
 * Serializes the writes that add replacement edges, for the rest of the
 * transaction. Taken before any row lock, and only by those writes, so it
 * cannot deadlock with them.
 */
export async function lockReplacementGraph(tx: Transaction) {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('models.legacy_replacement_graph'))`);
}

/** The replacement must exist, differ, be live, and not lead back to the model. */
export async function assertUsableReplacement(tx: Transaction, id: string, replacementId: string) {
  const problem = await replacementProblem(id, replacementId, async (cursor, hops) => {
    const query = tx
      .select({
        id: models.id,
        isArchived: models.isArchived,
        isLegacy: models.isLegacy,
        next: sql<string | null>`${models.meta} ->> 'legacyReplacementModelId'`,
      })
      .from(models)
      .where(eq(models.id, cursor));
    // The replacement must stay live until we commit: an archive of it waits for us.
    const [step] = await (hops === 0 ? query.for("share") : query);
    return step;
  });
  if (problem?.kind === "invalid") {
    throw new ApiError("invalid_request", problem.message, { details: [{ path: ["replacementModelId"], message: problem.message }] });
  }
  if (problem) throw new ApiError("conflict", problem.message);
}
