/**
 * Re-sends deliveries the queue accepted and then lost (src/webhooks/stranded.ts).
 * Housekeeping: a failure is logged and the next run retries; nothing is marked
 * until the send succeeded.
 */
import { resendStranded } from "../webhooks/stranded";
import type { ScheduledJob } from "./job";

export const strandedSweep: ScheduledJob = {
  name: "stranded_sweep",
  housekeeping: true,
  async run(run) {
    // The wall clock, not the run's scheduled time: the rule compares times the wall clock stamped (dispatch, attempts), and
    // a run scheduled ahead (tests reaching a due date) must not take deliveries in flight for lost or mark them dispatched later.
    const { events, messages } = await resendStranded(run.db, run.queue, new Date());
    return { log: { events, messages } };
  },
};
