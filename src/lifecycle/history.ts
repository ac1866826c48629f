/**
 * The public-history projection's rows (model_history, 0011): one per version
 * a write gives a model, in the write's transaction, beside its audit row, so the
 * two never disagree. The row holds the model's state; which of it is public is
 * decided when read, by the allowlist (catalog/public-model.ts).
 */
import { sql } from "drizzle-orm";
import { type ModelRow, modelHistory } from "../../drizzle/schema";
import type { RecordedChange } from "../changes/outbox";
import type { Transaction } from "../db/client";

/** A change of a model's row as finish() records it: the row written (its version) and what the feed needs. */
export type RowChange = RecordedChange & { after: ModelRow };

/** The state a history row keeps: what toPublicModel reads of the row. */
export function historyStateOf(row: ModelRow) {
  const { id, name, provider, isAvailable, isLegacy, isArchived, legacySince, meta } = row;
  return { id, name, provider, isAvailable, isLegacy, isArchived, legacySince: legacySince?.toISOString() ?? null, meta };
}

/** `effectiveAt`: a scheduled change's instant; otherwise the transaction's now(), the audit row's created_at. */
export async function insertHistoryRows(tx: Transaction, catalogVersion: number, changes: readonly RowChange[], effectiveAt?: Date) {
  if (changes.length === 0) return;
  await tx.insert(modelHistory).values(
    changes.map(({ action, after }) => ({
      modelId: after.id,
      version: after.rowVersion,
      effectiveAt: effectiveAt ?? sql`now()`,
      catalogVersion,
      action,
      state: historyStateOf(after),
    })),
  );
}
