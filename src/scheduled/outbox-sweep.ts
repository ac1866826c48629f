/**
 * Hands the run's own events to the webhook queue, then whatever a request
 * recorded and could not send (the queue was down, the Worker died). A queue
 * outage must not fail the run: the events stay in the outbox and the next
 * run sweeps them (logged inside).
 */
import { sweepUndispatched } from "../webhooks/dispatch";
import type { ScheduledJob } from "./job";

export const outboxSweep: ScheduledJob = {
  name: "outbox_sweep",
  async run(run) {
    const dispatched = await (async () => (await run.outbox.flush()) + (await sweepUndispatched(run.db, run.queue, new Date())))().catch(
      () => undefined,
    );
    return { log: { dispatched: dispatched ?? "failed" } };
  },
};
