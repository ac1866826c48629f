/**
 * The Cron Trigger: runs the jobs in order, one structured log line per run
 * (`scheduled_run`, each job's result under its name). The trigger fires every
 * minute; a job with its own cadence (`due`) sits out the runs that are not its.
 * A failed run changes nothing it did not commit, and the next run retries.
 * Adding a job: its file (a ScheduledJob) and one line in JOBS.
 */
import { SYSTEM_ACTOR_PREFIX } from "../auth/principal";
import { CatalogCache } from "../catalog/cache";
import { ChangeOutbox } from "../changes/outbox";
import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { Lifecycle } from "../lifecycle/lifecycle";
import { log } from "../log";
import { ScheduledChanges } from "../scheduled-changes/scheduled-changes";
import type { JobReport, ScheduledJob, ScheduledRun } from "./job";
import { keyPurge } from "./key-purge";
import { outboxSweep } from "./outbox-sweep";
import { scheduledChangesJob } from "./scheduled-changes";
import { strandedSweep } from "./stranded-sweep";
import { sunsetArchive } from "./sunset-archive";
import { sunsetWarnings } from "./sunset-warnings";
import { usageRetention } from "./usage-retention";

/**
 * In order: the writes first, then the sweep that sends their events, then
 * housekeeping. Every minute: scheduled changes (due within 2 minutes of their
 * time), sunsets and their warnings (SPEC: each run announces what is due), the
 * sweep, and the re-send of deliveries the queue lost; hourly: the purges.
 */
const JOBS: readonly ScheduledJob[] = [
  scheduledChangesJob,
  sunsetArchive,
  sunsetWarnings,
  outboxSweep,
  strandedSweep,
  keyPurge,
  usageRetention,
];

export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const started = Date.now();
  const runId = `cron-${controller.scheduledTime}-${crypto.randomUUID().slice(0, 8)}`;
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    log.error("scheduled_run_failed", { runId, reason: "config_invalid", problems: loaded.problems });
    throw new Error("configuration is invalid");
  }
  const database = openDatabase(loaded.config);
  const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);
  const db = () => database.db;
  const cache = new CatalogCache(env.MODEL_CACHE, db, waitUntil);
  const outbox = new ChangeOutbox(db, env.WEBHOOK_QUEUE, waitUntil, "flush");
  const run: ScheduledRun = {
    runId,
    now: new Date(controller.scheduledTime),
    db: database.db,
    cache,
    outbox,
    queue: env.WEBHOOK_QUEUE,
    lifecycleAs: (name, context) =>
      new Lifecycle(database.db, cache, { actor: `${SYSTEM_ACTOR_PREFIX}${name}`, requestId: runId, ...context }, outbox),
    scheduledChangesAs: (name) =>
      new ScheduledChanges(database.db, cache, { actor: `${SYSTEM_ACTOR_PREFIX}${name}`, requestId: runId }, outbox),
  };
  const jobs: Record<string, JobReport["log"] | "failed" | "not_due"> = {};
  let current: ScheduledJob | undefined;
  try {
    let wrote = false;
    for (const job of JOBS) {
      if (job.due && !job.due(run.now)) {
        jobs[job.name] = "not_due";
        continue;
      }
      current = job;
      const report = await job.run(run).catch((error: unknown) => {
        if (!job.housekeeping) throw error;
        log.warn(`${job.name}_failed`, { runId, error });
        return "failed" as const;
      });
      jobs[job.name] = report === "failed" ? report : report.log;
      if (report !== "failed") wrote ||= report.wrote ?? false;
    }
    current = undefined;
    // With nothing written, the run still checks the head, so a publish that failed earlier heals within one period.
    if (!wrote) await cache.repairHead();
    log.info("scheduled_run", { runId, cron: controller.cron, jobs, ms: Date.now() - started });
  } catch (error) {
    // The jobs before the failed one committed what they did: their results are part of the line.
    log.error("scheduled_run_failed", { runId, cron: controller.cron, failedJob: current?.name, jobs, ms: Date.now() - started, error });
    throw error;
  } finally {
    ctx.waitUntil(database.close().catch(() => {}));
  }
}
