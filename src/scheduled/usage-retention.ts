/** Housekeeping, hourly (rollups are hourly): usage rollups past 90 days and flush ids past their redelivery window (src/usage/rollups.ts). */
import { purgeUsage } from "../usage/rollups";
import { onTheHour, type ScheduledJob } from "./job";

export const usageRetention: ScheduledJob = {
  name: "usage_purge",
  housekeeping: true,
  due: onTheHour,
  async run(run) {
    const purged = await purgeUsage(run.db, run.now);
    return { log: { rollups: purged.rollups, flushes: purged.flushes } };
  },
};
