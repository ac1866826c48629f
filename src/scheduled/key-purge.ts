/** Housekeeping: Idempotency-Key rows past their lifetime. */
import { purgeExpiredKeys } from "../db/idempotency-keys";
import type { ScheduledJob } from "./job";

export const keyPurge: ScheduledJob = {
  name: "idempotency_purge",
  housekeeping: true,
  async run(run) {
    return { log: { purged: await purgeExpiredKeys(run.db) } };
  },
};
