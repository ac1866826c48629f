/**
 * Applies each due scheduled change exactly once, as system:scheduler with
 * the author in the audit row's reason and the change's effective_at as its
 * date: the change's row is claimed (a conditional UPDATE) inside the very
 * transaction of the lifecycle write, so two overlapping runs cannot both
 * apply it, and a write that rolls back leaves it pending. A change the rules
 * refuse by then becomes failed, with its error, and is never retried.
 */
import { and, eq, sql } from "drizzle-orm";
import { type ScheduledChangeRow, scheduledChanges } from "../../drizzle/schema";
import type { Transaction } from "../db/client";
import { ApiError } from "../http/errors";
import type { LegacyOptions } from "../lifecycle/inputs";
import type { Lifecycle } from "../lifecycle/lifecycle";
import { dueChanges } from "../queries/scheduled-changes";
import type { ScheduledJob, ScheduledRun } from "./job";

/** At most this many per run; the next run (a minute later) takes the rest. */
const BATCH = 100;

/** Another run settled the change first: this run's transaction rolls back and changes nothing. */
class AlreadySettled extends Error {}

function applyWith(lifecycle: Lifecycle, change: ScheduledChangeRow): Promise<unknown> {
  const id = change.modelId ?? "";
  const ifMatch = change.ifMatch ?? undefined;
  switch (change.action) {
    case "update_meta":
      return lifecycle.updateModelMeta(id, change.body, ifMatch);
    case "mark_legacy":
      return lifecycle.markAsLegacy(id, change.body as LegacyOptions, ifMatch);
    case "unmark_legacy":
      return lifecycle.unmarkLegacy(id, ifMatch);
    case "archive":
      return lifecycle.archive(id, String(change.body.reason), ifMatch);
    case "unarchive":
      return lifecycle.unarchive(id, ifMatch);
    case "repoint":
      // Through the alias write, its rules judged again now: a target archived meanwhile is refused (409), so failed.
      return lifecycle.putAlias(change.alias ?? "", String(change.body.targetModelId), { existing: true });
  }
}

/** "applied", "failed", or "skipped" when another run settled it. */
export async function applyScheduledChange(run: ScheduledRun, change: ScheduledChangeRow): Promise<"applied" | "failed" | "skipped"> {
  const claim = async (tx: Transaction) => {
    const [claimed] = await tx
      .update(scheduledChanges)
      .set({ status: "applied", appliedAt: sql`now()` })
      .where(and(eq(scheduledChanges.id, change.id), eq(scheduledChanges.status, "pending")))
      .returning({ id: scheduledChanges.id });
    if (!claimed) throw new AlreadySettled();
  };
  const note = `scheduled change ${change.id} by ${change.createdBy}${change.reason ? ` (${change.reason})` : ""}`;
  const lifecycle = run.lifecycleAs("scheduler", { scheduled: { claim, effectiveAt: change.effectiveAt, note } });
  try {
    await applyWith(lifecycle, change);
    return "applied";
  } catch (error) {
    if (error instanceof AlreadySettled) return "skipped";
    // What the rules refuse (409, 412, 400, 404) will be refused again: failed, not retried. Anything else: the next run retries.
    if (!(error instanceof ApiError && error.status < 500)) throw error;
    return (await run.scheduledChangesAs("scheduler").fail(change, error)) ? "failed" : "skipped";
  }
}

export const scheduledChangesJob: ScheduledJob = {
  name: "scheduled_changes",
  async run(run) {
    const counts = { applied: 0, failed: 0, skipped: 0 };
    for (const change of await dueChanges(run.db, run.now, BATCH)) counts[await applyScheduledChange(run, change)]++;
    return { log: counts, wrote: counts.applied + counts.failed > 0 };
  },
};
