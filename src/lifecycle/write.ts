/**
 * What every lifecycle write shares, models and aliases alike: the retried
 * transaction, then the publish of the catalog version it committed and the
 * dispatch of its events; inside it, the audit rows and the last steps
 * (catalog version, feed events, the Idempotency-Key answer).
 */
import type { CatalogCache } from "../catalog/cache";
import { bumpCatalogVersion } from "../catalog/state";
import type { NewChangeEvent } from "../changes/events";
import type { ChangeOutbox } from "../changes/outbox";
import type { Database, Transaction } from "../db/client";
import { saveAnswer } from "../db/idempotency-keys";
import { type AuditEntry, insertAuditRows } from "./audit";
import type { AnyWritten, WriteContext } from "./change";
import { insertHistoryRows, type RowChange } from "./history";
import { retryingTransaction } from "./transaction";

export abstract class WriteTemplate {
  constructor(
    protected readonly db: Database,
    private readonly catalog: CatalogCache,
    protected readonly context: WriteContext,
    private readonly changes: ChangeOutbox,
  ) {}

  /** Runs a write's transaction; then publishes the version it committed, if any, and dispatches its events. */
  protected async write<T>(work: (tx: Transaction) => Promise<{ result: T; changedIds: string[]; version?: number }>): Promise<T> {
    const { result, changedIds, version } = await retryingTransaction(this.db, this.context.requestId, async (tx) => {
      // A scheduled change claims its row first, in the same transaction: it is applied exactly when it commits.
      await this.context.scheduled?.claim(tx);
      return work(tx);
    });
    if (version === undefined) return result;
    await this.catalog.publish(version, changedIds);
    this.changes.dispatchRecorded();
    return result;
  }

  /**
   * The last steps of every write's transaction: the catalog version, the
   * change-feed events (the models' changes', then `events`, in that order),
   * the models' public-history rows, the idempotent answer.
   */
  protected async finish(tx: Transaction, changes: RowChange[], written?: AnyWritten, events: NewChangeEvent[] = []): Promise<number> {
    const version = await bumpCatalogVersion(tx);
    await this.changes.record(tx, version, changes, events);
    await insertHistoryRows(tx, version, changes, this.context.scheduled?.effectiveAt);
    if (written) await this.saveAnswer(tx, written);
    return version;
  }

  /** A write that changed nothing (an alias re-pointed where it points) still answers a retry with its key. */
  protected async saveAnswer(tx: Transaction, written: AnyWritten) {
    const idempotency = this.context.idempotency;
    if (idempotency) await saveAnswer(tx, idempotency.claim, idempotency.answer(written));
  }

  protected audit(tx: Transaction, entries: AuditEntry[]) {
    return insertAuditRows(tx, this.context, entries);
  }
}
