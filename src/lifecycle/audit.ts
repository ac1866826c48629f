/** The audit trail's rows (model_tier_audit_logs): one per model a write changed, in the write's transaction. */
import { modelTierAuditLogs } from "../../drizzle/schema";
import type { Transaction } from "../db/client";
import type { AliasAction } from "./alias-rules";
import type { LifecycleAction } from "./rules";

/** Who wrote, under which request. */
export interface AuditActor {
  actor: string;
  requestId: string;
  clientRequestId?: string;
  /** A scheduled change: dated at its effective instant, its author and id in every row's reason. */
  scheduled?: { effectiveAt: Date; note: string };
}

/** A lifecycle action, or what happened to a scheduled change of the model (scheduled-changes/). */
export type AuditAction = LifecycleAction | AliasAction | "schedule_change" | "cancel_scheduled_change" | "scheduled_change_failed";

/** One audit row: what was, what became, and why (if said). */
export interface AuditEntry {
  /** The model's id, or the alias's (ids are one space). */
  modelId: string;
  action: AuditAction;
  previous: unknown;
  next: unknown;
  reason: string | null;
}

export async function insertAuditRows(tx: Transaction, by: AuditActor, entries: AuditEntry[]) {
  await tx.insert(modelTierAuditLogs).values(
    entries.map(({ modelId, action, previous, next, reason }) => ({
      actor: by.actor,
      modelId,
      action,
      previousValue: previous,
      newValue: next,
      reason: by.scheduled ? [by.scheduled.note, reason].filter(Boolean).join(": ") : reason,
      effectiveAt: by.scheduled?.effectiveAt ?? null,
      requestId: by.requestId,
      clientRequestId: by.clientRequestId ?? null,
    })),
  );
}
