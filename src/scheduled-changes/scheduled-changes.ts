/**
 * Scheduling, cancelling and failing planned changes. Each is one
 * transaction with its audit row (in the model's trail), and, when the change
 * touches public fields, the catalog version and its feed event (the cache is
 * then patched like after any write: upcoming_changes moved). Applying a due
 * change is the cron's, through Lifecycle (scheduled/scheduled-changes.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import { models, type ScheduledChangeRow, scheduledChanges } from "../../drizzle/schema";
import type { CatalogCache } from "../catalog/cache";
import { toPublicModel } from "../catalog/public-model";
import { bumpCatalogVersion } from "../catalog/state";
import { type PendingChange, stateAfter } from "../catalog/upcoming";
import { EVENT_OF_SCHEDULING, publicChanges, scheduledChangeEvent } from "../changes/events";
import type { ChangeOutbox } from "../changes/outbox";
import type { Database, Transaction } from "../db/client";
import { type Answer, type Claim, saveAnswer } from "../db/idempotency-keys";
import { ApiError } from "../http/errors";
import { type AuditAction, insertAuditRows } from "../lifecycle/audit";
import { retryingTransaction } from "../lifecycle/transaction";
import { transition } from "../lifecycle/transitions";
import { modelById } from "../queries/models";
import { pendingChangesOf, scheduledChangeById } from "../queries/scheduled-changes";
import { assertLeadTime, parsedBody, type ScheduleChange } from "./inputs";

export interface SchedulingContext {
  actor: string;
  requestId: string;
  clientRequestId?: string;
  idempotency?: { claim: Claim; answer: (row: ScheduledChangeRow) => Answer };
}

const newScheduledChangeId = () => `sc_${crypto.randomUUID().replaceAll("-", "")}`;
const pendingOf = (row: ScheduledChangeRow): PendingChange => ({
  id: row.id,
  action: row.action,
  body: row.body,
  effectiveAt: row.effectiveAt,
});

export class ScheduledChanges {
  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogCache,
    private readonly context: SchedulingContext,
    private readonly changes: ChangeOutbox,
  ) {}

  /**
   * Refused (409, or 400 for a body whose result is invalid) when the action
   * will not be legal at effectiveAt, judged on the model as the changes
   * pending before it will leave it.
   */
  schedule(input: ScheduleChange, now: Date, ifMatch?: number): Promise<ScheduledChangeRow> {
    assertLeadTime(input.effectiveAt, now);
    const body = parsedBody(input.action, input.body);
    const effectiveAt = new Date(input.effectiveAt);
    return this.write(async (tx) => {
      // The model's row lock serializes scheduling per model: each plan is judged after the one before it.
      const [model] = await tx.select().from(models).where(eq(models.id, input.modelId)).for("update");
      if (!model) throw new ApiError("not_found", `model ${input.modelId} does not exist`);
      const earlier = (await pendingChangesOf(tx, model.id)).filter((row) => row.effectiveAt <= effectiveAt).map(pendingOf);
      const before = stateAfter(model, earlier);
      // Throws what the rules refuse: the action will not be legal then.
      const after = { ...before, ...transition(input.action, body, before, effectiveAt) };
      const changes = publicChanges(toPublicModel(before), toPublicModel(after));
      const [row] = await tx
        .insert(scheduledChanges)
        .values({
          id: newScheduledChangeId(),
          modelId: model.id,
          action: input.action,
          body,
          effectiveAt,
          reason: input.reason ?? null,
          ifMatch: ifMatch ?? null,
          publicChanges: Object.keys(changes).length > 0 ? changes : null,
          createdBy: this.context.actor,
        })
        .returning();
      const created = row as ScheduledChangeRow;
      const version = await this.record(tx, created, model, "schedule_change", { action: input.action, body, effectiveAt }, input.reason);
      const idempotency = this.context.idempotency;
      if (idempotency) await saveAnswer(tx, idempotency.claim, idempotency.answer(created));
      return { result: created, version };
    });
  }

  /** A pending change is cancelled (404 unknown, 409 when no longer pending). */
  cancel(id: string): Promise<ScheduledChangeRow> {
    return this.write(async (tx) => {
      const [row] = await tx
        .update(scheduledChanges)
        .set({ status: "cancelled", cancelledAt: sql`now()`, cancelledBy: this.context.actor })
        .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.status, "pending")))
        .returning();
      if (!row) {
        const existing = await scheduledChangeById(tx, id);
        if (!existing) throw new ApiError("not_found", `scheduled change ${id} does not exist`);
        throw new ApiError("conflict", `scheduled change ${id} is ${existing.status}, not pending`);
      }
      const model = await modelById(tx, row.modelId ?? "");
      const version = model ? await this.record(tx, row, model, "cancel_scheduled_change", { status: "cancelled" }) : undefined;
      return { result: row, version };
    });
  }

  /**
   * The cron found the change no longer legal: failed with the error, once
   * (a conditional update; false when another run already settled it).
   */
  fail(change: ScheduledChangeRow, error: ApiError): Promise<boolean> {
    return this.write(async (tx) => {
      const [row] = await tx
        .update(scheduledChanges)
        .set({ status: "failed", appliedAt: sql`now()`, errorCode: error.code, errorMessage: error.message })
        .where(and(eq(scheduledChanges.id, change.id), eq(scheduledChanges.status, "pending")))
        .returning();
      if (!row) return { result: false };
      const model = await modelById(tx, row.modelId ?? "");
      const failure = { code: error.code, message: error.message };
      const version = model ? await this.record(tx, row, model, "scheduled_change_failed", failure, undefined, failure) : undefined;
      return { result: true, version };
    });
  }

  /** The audit row in the model's trail; for a change announced to clients, the catalog version and the feed event. */
  private async record(
    tx: Transaction,
    change: ScheduledChangeRow,
    model: typeof models.$inferSelect,
    action: AuditAction & keyof typeof EVENT_OF_SCHEDULING,
    details: Record<string, unknown>,
    reason?: string,
    failure?: { code: string; message: string },
  ): Promise<number | undefined> {
    await insertAuditRows(tx, this.context, [
      { modelId: model.id, action, previous: null, next: { scheduledChangeId: change.id, ...details }, reason: reason ?? null },
    ]);
    if (change.publicChanges === null) return undefined;
    const version = await bumpCatalogVersion(tx);
    const event = scheduledChangeEvent(EVENT_OF_SCHEDULING[action], model, { ...change, publicChanges: change.publicChanges }, failure);
    await this.changes.recordEvents(tx, version, [event]);
    return version;
  }

  /** Runs the transaction; then publishes the version it took, if any (patching the model's entry), and sends its event. */
  private async write<T>(work: (tx: Transaction) => Promise<{ result: T & ({ modelId: string | null } | boolean); version?: number }>) {
    const { result, version } = await retryingTransaction(this.db, this.context.requestId, work);
    if (version === undefined) return result;
    const modelId = typeof result === "boolean" ? undefined : result.modelId;
    await this.catalog.publish(version, modelId ? [modelId] : undefined);
    this.changes.dispatchRecorded();
    return result;
  }
}
