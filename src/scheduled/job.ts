/**
 * What a scheduled job is handed and what it reports. Each job is one file
 * and one line in index.ts; every step it takes goes through the service that
 * owns it (Lifecycle for model changes, the outbox for feed events).
 */
import type { CatalogCache } from "../catalog/cache";
import type { ChangeOutbox } from "../changes/outbox";
import type { Database } from "../db/client";
import type { WriteContext } from "../lifecycle/change";
import type { Lifecycle } from "../lifecycle/lifecycle";
import type { ScheduledChanges } from "../scheduled-changes/scheduled-changes";
import type { DeliveryQueue } from "../webhooks/dispatch";

export interface ScheduledRun {
  /** Also the request id of the run's audit rows. */
  runId: string;
  /** The run's scheduled time: the clock every due date is compared with. */
  now: Date;
  db: Database;
  cache: CatalogCache;
  /** The run's events are held here until the outbox sweep sends them. */
  outbox: ChangeOutbox;
  queue: DeliveryQueue;
  /** Writes as a system actor (`system:<name>`), recording into the run's outbox. */
  lifecycleAs(name: string, context?: Pick<WriteContext, "scheduled">): Lifecycle;
  /** Settles scheduled changes (a failure) as a system actor, recording into the run's outbox. */
  scheduledChangesAs(name: string): ScheduledChanges;
}

/** The job's result in the run's one log line (under its name), and whether it committed a catalog version (and published it). */
export interface JobReport {
  log: Record<string, unknown>;
  wrote?: boolean;
}

export interface ScheduledJob {
  name: string;
  /** A housekeeping job's failure is logged and the run goes on; any other job's fails the run (the next run retries). */
  housekeeping?: boolean;
  /** Whether the run scheduled at `now` is one of this job's; every run (every minute) when absent. */
  due?(now: Date): boolean;
  run(run: ScheduledRun): Promise<JobReport>;
}

/**
 * Hourly, for housekeeping that need not run every minute: the trigger fires
 * every minute, and a run's scheduled time is its minute, so the run at
 * minute 0 is the hour's. A failed or missed one waits for the next hour.
 */
export const onTheHour = (now: Date) => now.getUTCMinutes() === 0;
