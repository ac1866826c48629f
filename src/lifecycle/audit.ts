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
}

/** One audit row: what was, what became, and why (if said). */
export interface AuditEntry {
  /** The model's id, or the alias's (ids are one space). */
  modelId: string;
  action: LifecycleAction | AliasAction;
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
      reason,
      requestId: by.requestId,
      clientRequestId: by.clientRequestId ?? null,
    })),
  );
}
