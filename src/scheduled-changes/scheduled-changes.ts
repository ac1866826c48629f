/**
 * Scheduling, cancelling and failing planned changes. Each is one
 * transaction with its audit row (in the model's trail), and, when the change
 * touches public fields, the catalog version and its feed event (the cache is
 * then patched like after any write: upcoming_changes moved). Applying a due
 * change is the cron's, through Lifecycle (scheduled/scheduled-changes.ts).
 */
import { and, eq, sql } from "drizzle-orm";
import { type ScheduledChangeRow, scheduledChanges } from "../../drizzle/schema";
import type { CatalogCache } from "../catalog/cache";
import { bumpCatalogVersion } from "../catalog/state";
import type { PendingChange } from "../catalog/upcoming";
import { EVENT_OF_SCHEDULING, scheduledChangeEvent } from "../changes/events";
import type { ChangeOutbox } from "../changes/outbox";
import type { Database, Transaction } from "../db/client";
import { type Answer, type Claim, saveAnswer } from "../db/idempotency-keys";
import { ApiError } from "../http/errors";
import { type AuditAction, insertAuditRows } from "../lifecycle/audit";
import { retryingTransaction } from "../lifecycle/transaction";
import { scheduledChangeById } from "../queries/scheduled-changes";
import { assertLeadTime, parsedBody, type ScheduleChange } from "./inputs";
import { asSubjectEvent, planModelChange, planRepoint, type Subject, subjectOf } from "./subjects";

export interface SchedulingContext {
  actor: string;
  requestId: string;
  clientRequestId?: string;
  idempotency?: { claim: Claim; answer: (row: ScheduledChangeRow) => Answer };
}

const newScheduledChangeId = () => `sc_${crypto.randomUUID().replaceAll("-", "")}`;

export class ScheduledChanges {
  constructor(
    private readonly db: Database,
    private readonly catalog: CatalogCache,
    private readonly context: SchedulingContext,
    private readonly changes: ChangeOutbox,
  ) {}

  /**
   * Refused (409, or 400 for a body whose result is invalid) when the action
   * will not be legal at effectiveAt, judged on the model (a re-point: on the
   * alias and its target) as the changes pending before it will leave it.
   */
  schedule(input: ScheduleChange, now: Date, ifMatch?: number): Promise<ScheduledChangeRow> {
    assertLeadTime(input.effectiveAt, now);
    const body = parsedBody(input.action, input.body);
    const effectiveAt = new Date(input.effectiveAt);
    return this.write(async (tx) => {
      const plan =
        input.alias !== undefined
          ? await planRepoint(tx, input.alias, String(body.targetModelId), effectiveAt)
          : await planModelChange(tx, input.modelId ?? "", input.action as PendingChange["action"], body, effectiveAt);
      const [row] = await tx
        .insert(scheduledChanges)
        .values({
          id: newScheduledChangeId(),
          modelId: plan.modelId,
          alias: plan.alias,
          action: input.action,
          body,
          effectiveAt,
          reason: input.reason ?? null,
          ifMatch: ifMatch ?? null,
          publicChanges: Object.keys(plan.changes).length > 0 ? plan.changes : null,
          createdBy: this.context.actor,
        })
        .returning();
      const created = row as ScheduledChangeRow;
      const details = { action: input.action, body, effectiveAt };
      const version = await this.record(tx, created, plan.subject, "schedule_change", details, input.reason);
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
      const version = await this.record(tx, row, await subjectOf(tx, row), "cancel_scheduled_change", { status: "cancelled" });
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
      const failure = { code: error.code, message: error.message };
      const version = await this.record(tx, row, await subjectOf(tx, row), "scheduled_change_failed", failure, undefined, failure);
      return { result: true, version };
    });
  }

  /** The audit row in the trail of the model (or alias); for a change announced to clients, the catalog version and the feed event. */
  private async record(
    tx: Transaction,
    change: ScheduledChangeRow,
    subject: Subject,
    action: AuditAction & keyof typeof EVENT_OF_SCHEDULING,
    details: Record<string, unknown>,
    reason?: string,
    failure?: { code: string; message: string },
  ): Promise<number | undefined> {
    await insertAuditRows(tx, this.context, [
      { modelId: subject.id, action, previous: null, next: { scheduledChangeId: change.id, ...details }, reason: reason ?? null },
    ]);
    if (change.publicChanges === null || !subject.model) return undefined;
    const version = await bumpCatalogVersion(tx);
    const announced = { ...change, publicChanges: change.publicChanges };
    const event = asSubjectEvent(subject, scheduledChangeEvent(EVENT_OF_SCHEDULING[action], subject.model, announced, failure));
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
