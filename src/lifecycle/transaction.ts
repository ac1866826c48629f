/**
 * A write's transaction, run again when the database aborts it as a
 * serialization failure or a deadlock: after a random pause that doubles
 * each time (full jitter), a few times, then 503 with Retry-After.
 */
import type { Database, Transaction } from "../db/client";
import { sqlState } from "../db/errors";
import { ApiError } from "../http/errors";
import { log } from "../log";

/** SQLSTATEs that mean "run the transaction again": serialization_failure, deadlock_detected. */
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);
/** Attempts in all, and the base of the exponential backoff between them. */
export const WRITE_ATTEMPTS = 4;
const RETRY_BASE_MS = 20;

export async function retryingTransaction<T>(db: Database, requestId: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      const state = sqlState(error);
      if (state === undefined || !RETRYABLE_SQLSTATES.has(state)) throw error;
      if (attempt >= WRITE_ATTEMPTS) {
        throw new ApiError("database_busy", "the catalog is busy with concurrent changes, try again shortly", {
          cause: error,
          headers: { "Retry-After": "1" },
        });
      }
      log.warn("write_retried", { requestId, attempt, sqlState: state });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_BASE_MS * 2 ** attempt));
    }
  }
}
