/**
 * Idempotency-Key records (table idempotency_keys), scoped to the caller.
 * A request claims its key in one statement before it runs; a lifecycle write
 * saves its answer inside its own transaction, so the answer exists exactly
 * when the change does (a lost save can never make a retry run the change
 * again); a request that fails releases its claim so the client may retry;
 * the cron purges expired rows.
 */
import { and, eq, sql } from "drizzle-orm";
import { idempotencyKeys } from "../../drizzle/schema";
import type { Database, Transaction } from "./client";

/** A claim still unanswered after this long belongs to a request that died (isolate killed, database lost): it may be taken over. */
const ABANDONED_AFTER = sql`interval '5 minutes'`;
/** Answers are replayed for a day, then the key may be used again and the cron deletes the row. */
const EXPIRES_AFTER = sql`interval '24 hours'`;

export interface Claim {
  actor: string;
  key: string;
  /** Tells our claim from a later takeover of the same key. */
  claimedAt: string;
}

export interface Answer {
  status: number;
  body: unknown;
}

const scope = (actor: string, key: string) => and(eq(idempotencyKeys.actor, actor), eq(idempotencyKeys.key, key));
const ours = (claim: Claim) => and(scope(claim.actor, claim.key), sql`${idempotencyKeys.createdAt} = ${claim.claimedAt}::timestamptz`);

/** Claims a key that is new, abandoned or expired; undefined when someone else holds it (see recordedKey). */
export async function claimKey(db: Database, actor: string, key: string, requestHash: string): Promise<Claim | undefined> {
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values({ actor, key, requestHash })
    .onConflictDoUpdate({
      target: [idempotencyKeys.actor, idempotencyKeys.key],
      set: { requestHash, status: null, response: null, createdAt: sql`now()` },
      setWhere: sql`(${idempotencyKeys.status} IS NULL AND ${idempotencyKeys.createdAt} < now() - ${ABANDONED_AFTER}) OR ${idempotencyKeys.createdAt} < now() - ${EXPIRES_AFTER}`,
    })
    .returning({ claimedAt: sql<string>`${idempotencyKeys.createdAt}::text` });
  return claimed ? { actor, key, claimedAt: claimed.claimedAt } : undefined;
}

/** The key's row as another request left it (in flight, or answered). */
export async function recordedKey(db: Database, actor: string, key: string) {
  const [row] = await db.select().from(idempotencyKeys).where(scope(actor, key));
  return row;
}

/** Saves the answer to replay; inside a lifecycle write, with its transaction. */
export async function saveAnswer(db: Database | Transaction, claim: Claim, answer: Answer) {
  await db.update(idempotencyKeys).set({ status: answer.status, response: answer.body }).where(ours(claim));
}

/** Gives the key back after a failure, so the client may retry with it. */
export async function releaseClaim(db: Database, claim: Claim) {
  await db.delete(idempotencyKeys).where(ours(claim));
}

/** Deletes keys past their replay window (the cron); returns how many. */
export async function purgeExpiredKeys(db: Database): Promise<number> {
  const purged = await db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.createdAt} < now() - ${EXPIRES_AFTER}`)
    .returning({ key: idempotencyKeys.key });
  return purged.length;
}
