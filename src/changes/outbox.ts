/**
 * The change feed's write side, which is also the webhook outbox. A
 * lifecycle write records its event in its own transaction (record), so an
 * event exists exactly when its change committed. After the commit the
 * events are handed to the delivery queue (webhooks/dispatch.ts); when that
 * send fails they stay undispatched and the cron's sweep sends them later.
 */
import { changeEvents } from "../../drizzle/schema";
import type { ModelState } from "../catalog/public-model";
import type { Database, Transaction } from "../db/client";
import type { LifecycleAction } from "../lifecycle/rules";
import { type DeliveryQueue, dispatchEvents } from "../webhooks/dispatch";
import { changeEventFor, type NewChangeEvent } from "./events";

export const newEventId = () => `evt_${crypto.randomUUID().replaceAll("-", "")}`;

/** Inserts events at `catalogVersion` (taken by this transaction), in order; returns their ids. */
export async function insertChangeEvents(
  tx: Transaction,
  catalogVersion: number,
  events: (NewChangeEvent & { id?: string })[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event, seq) => ({
    catalogVersion,
    seq,
    id: event.id ?? newEventId(),
    type: event.type,
    modelId: event.modelId,
    body: event.body,
  }));
  await tx.insert(changeEvents).values(rows);
  return rows.map((row) => row.id);
}

/** A lifecycle change, as the outbox turns it into its feed event (none when clients can see no difference). */
export interface RecordedChange {
  action: LifecycleAction;
  before: ModelState | null;
  after: ModelState;
}

/**
 * One per request (or cron run): records its events in its transactions and
 * dispatches them after the commit, in the background; a cron run holds them
 * until it flushes, so the run's log line can count what it sent.
 */
export class ChangeOutbox {
  #recorded: string[] = [];

  constructor(
    private readonly db: () => Database,
    private readonly queue: DeliveryQueue,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
    private readonly after: "commit" | "flush" = "commit",
  ) {}

  /** Inside a write's transaction, after it took `catalogVersion`: the changes' events, in order, then `also` (alias events). */
  async record(tx: Transaction, catalogVersion: number, changes: readonly RecordedChange[], also: NewChangeEvent[] = []) {
    const events = changes.flatMap(({ action, before, after }) => changeEventFor(action, before, after) ?? []);
    await this.recordEvents(tx, catalogVersion, [...events, ...also]);
  }

  /** Events built elsewhere (the cron's sunset warnings), with their ids if they have them. */
  async recordEvents(tx: Transaction, catalogVersion: number, events: (NewChangeEvent & { id?: string })[]) {
    this.#recorded.push(...(await insertChangeEvents(tx, catalogVersion, events)));
  }

  /** After the commit: sends what was recorded, in the background. Ids of a rolled-back transaction match nothing. */
  dispatchRecorded() {
    if (this.after === "flush") return;
    const ids = this.#recorded.splice(0);
    if (ids.length) this.waitUntil(dispatchEvents(this.db(), this.queue, { ids }).catch(() => {}));
  }

  /** Sends what was recorded now; the number of events sent. */
  async flush(): Promise<number> {
    const ids = this.#recorded.splice(0);
    return ids.length ? dispatchEvents(this.db(), this.queue, { ids }) : 0;
  }
}
