/** What a lifecycle write is told (who, under which request, with which Idempotency-Key) and what it gives back. */
import type { AliasRow, ModelRow } from "../../drizzle/schema";
import type { NewChangeEvent } from "../changes/events";
import type { Transaction } from "../db/client";
import type { Answer, Claim } from "../db/idempotency-keys";
import type { AuditEntry } from "./audit";
import type { LifecycleAction, ModelFlags } from "./rules";

export interface WriteContext {
  actor: string;
  /** The server's request id (the audit key); the client's, if any, goes beside it. */
  requestId: string;
  clientRequestId?: string;
  /** The request's Idempotency-Key claim, and the answer it gets for the written row: saved with the write. */
  // A method (bivariant): a model route's answer takes a Written, an alias route's an AliasWritten.
  idempotency?: { claim: Claim; answer(written: AnyWritten): Answer };
}

/** What a write gives back: the row, and for an archive the live models that named it as their replacement. */
export interface Written {
  row: ModelRow;
  affectedModels?: string[];
}

/** What an alias write gives back: the alias as it now is (absent once deleted), and whether it was created. */
export interface AliasWritten {
  alias: AliasRow | null;
  created: boolean;
}

export type AnyWritten = Written | AliasWritten;

/** What a write does beside its model's change, in the same transaction (an archive re-points its aliases). */
export interface AlsoChanged {
  audit: AuditEntry[];
  events: NewChangeEvent[];
  changedIds: string[];
}

/** One change of one model, as change() runs it. */
export interface Change {
  id: string;
  action: LifecycleAction;
  /** The row version the client last saw (If-Match); the write is refused with 412 if the row moved on. */
  ifMatch?: number;
  /** Why, in the audit row. */
  reason?: string;
  /** Runs first in the transaction, before the row lock (locks taken here come before it, always). */
  lockFirst?: (tx: Transaction) => Promise<void>;
  /** The model after the change, from the model before it; throws what a rule refuses. */
  decide: (current: ModelFlags, tx: Transaction) => Promise<ModelFlags>;
  /** The rest of the answer, known once `decide` ran (saved with an Idempotency-Key). */
  alsoWritten?: () => Omit<Written, "row">;
  /** More of the same transaction, once the model is written (its audit rows, events, ids the cache must re-read). */
  alsoChange?: (tx: Transaction, row: ModelRow) => Promise<AlsoChanged>;
}
