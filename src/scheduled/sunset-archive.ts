/** Sunset enforcement: archives every live model whose sunset date has passed, as system:sunset (exactly once: Lifecycle). */
import type { ScheduledJob } from "./job";

export const sunsetArchive: ScheduledJob = {
  name: "sunset_archive",
  async run(run) {
    const archived = await run.lifecycleAs("sunset").archiveSunsetDue(run.now);
    return { log: { archived: archived.length, models: archived }, wrote: archived.length > 0 };
  },
};
