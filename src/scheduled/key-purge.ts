/** Housekeeping, hourly: Idempotency-Key rows past their 24-hour lifetime (an hour more does no harm). */
import { purgeExpiredKeys } from "../db/idempotency-keys";
import { onTheHour, type ScheduledJob } from "./job";

export const keyPurge: ScheduledJob = {
  name: "idempotency_purge",
  housekeeping: true,
  due: onTheHour,
  async run(run) {
    return { log: { purged: await purgeExpiredKeys(run.db) } };
  },
};
