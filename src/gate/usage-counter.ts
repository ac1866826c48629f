/**
 * Usage counting in memory, per isolate: the gate's decisions summed by
 * (hour, model, alias, caller, outcome) and handed to the usage queue at
 * most every 10 s, or at once at 1,000 decisions. Counting is a map update;
 * sending happens in the background, so it never delays or changes an
 * answer. What an evicted isolate can lose: docs/reliability.md ("Usage
 * counting"). The clock and the timer are parameters.
 */
import { log } from "../log";

export type UsageOutcome = "allowed" | "refused";

export interface UsageKey {
  model_id: string;
  /** The alias asked for, null when the caller named the model. */
  alias: string | null;
  /** The token's sub, or "anonymous". */
  caller: string;
  outcome: UsageOutcome;
}

export interface UsageRow extends UsageKey {
  /** Start of the UTC hour, ISO 8601. */
  hour: string;
  calls: number;
  last_seen: string;
}

/** One queue message: a part of one flush, named so that a redelivery is recognised. */
export interface UsageMessage {
  flush_id: string;
  rows: UsageRow[];
}

/** What the counter needs of the usage queue binding (Queue<UsageMessage>), without the Workers types. */
export interface UsageQueue {
  sendBatch(messages: Iterable<{ body: UsageMessage; contentType?: "json" }>): Promise<unknown>;
}

/** A row being counted: the key of its first decision, the hour's start and the last decision in epoch ms. */
interface PendingRow {
  key: UsageKey;
  hour: number;
  calls: number;
  lastSeen: number;
}

export const ANONYMOUS_CALLER = "anonymous";
const HOUR_MS = 3_600_000;

export interface UsageCounterOptions {
  clock?: () => number;
  /** Resolves after `ms`: the deadline flush of a quiet isolate waits on it (inside waitUntil). */
  sleep?: (ms: number) => Promise<void>;
  intervalMs?: number;
  maxDecisions?: number;
  /** Rows per queue message: a caller id is up to 200 characters, a message at most 128 KB. */
  rowsPerMessage?: number;
  /** Unsent messages kept for the next flush after a failed send; older ones beyond this are dropped (logged). */
  maxUnsent?: number;
  /** A send that has not settled by then counts as failed (its flush id makes a late success harmless). */
  sendTimeoutMs?: number;
}

export interface FlushTarget {
  queue: UsageQueue | undefined;
  waitUntil: (promise: Promise<unknown>) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class UsageCounter {
  readonly #clock: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #intervalMs: number;
  readonly #maxDecisions: number;
  readonly #rowsPerMessage: number;
  readonly #maxUnsent: number;
  readonly #sendTimeoutMs: number;
  /** Pending rows with their times as epoch ms: formatted once per row at the flush, never per decision. */
  #rows = new Map<string, PendingRow>();
  #decisions = 0;
  /** When the current window's first decision was counted; undefined while nothing is pending. */
  #windowStart: number | undefined;
  #unsent: UsageMessage[] = [];
  #flushes = 0;
  /** Names this isolate in flush ids; drawn at the first flush (Workers refuse random values at global scope). */
  #isolate: string | undefined;

  constructor(options: UsageCounterOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#intervalMs = options.intervalMs ?? 10_000;
    this.#maxDecisions = options.maxDecisions ?? 1000;
    this.#rowsPerMessage = options.rowsPerMessage ?? 200;
    this.#maxUnsent = options.maxUnsent ?? 50;
    this.#sendTimeoutMs = options.sendTimeoutMs ?? 5000;
  }

  /** Decisions counted and not yet handed to a send. */
  get pending() {
    return this.#decisions;
  }

  /** Messages whose send failed, waiting for the next flush. */
  get unsent() {
    return this.#unsent.length;
  }

  /**
   * Counts one decision. Never throws and never waits: a due flush, and the
   * deadline flush of a window just opened, go to `target.waitUntil`.
   */
  count(key: UsageKey, target: FlushTarget): void {
    try {
      const now = this.#clock();
      const opened = this.#windowStart === undefined;
      this.#add(key, now);
      if (this.#isDue(now)) {
        target.waitUntil(this.flush(target.queue));
      } else if (opened) {
        // Counts of an isolate that then goes quiet still leave within the interval.
        const start = this.#windowStart;
        target.waitUntil(this.#sleep(this.#intervalMs).then(() => (this.#windowStart === start ? this.flush(target.queue) : undefined)));
      }
    } catch (error) {
      log.warn("usage_count_failed", { error });
    }
  }

  #add(key: UsageKey, now: number) {
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    const id = JSON.stringify([hour, key.model_id, key.alias, key.caller, key.outcome]);
    const row = this.#rows.get(id);
    if (row) {
      row.calls += 1;
      row.lastSeen = now;
    } else {
      this.#rows.set(id, { key, hour, calls: 1, lastSeen: now });
    }
    this.#decisions += 1;
    this.#windowStart ??= now;
  }

  #isDue(now: number): boolean {
    return this.#decisions >= this.#maxDecisions || (this.#windowStart !== undefined && now - this.#windowStart >= this.#intervalMs);
  }

  /** Takes what is pending, as queue messages, and starts a new window. */
  #take(): UsageMessage[] {
    const rows: UsageRow[] = [];
    for (const { key, hour, calls, lastSeen } of this.#rows.values()) {
      rows.push({
        hour: new Date(hour).toISOString(),
        model_id: key.model_id,
        alias: key.alias,
        caller: key.caller,
        outcome: key.outcome,
        calls,
        last_seen: new Date(lastSeen).toISOString(),
      });
    }
    this.#rows = new Map();
    this.#decisions = 0;
    this.#windowStart = undefined;
    if (rows.length === 0) return [];
    this.#isolate ??= crypto.randomUUID().slice(0, 8);
    const flushId = `${this.#isolate}-${this.#clock().toString(36)}-${(this.#flushes++).toString(36)}`;
    const messages: UsageMessage[] = [];
    for (let start = 0; start < rows.length; start += this.#rowsPerMessage) {
      messages.push({ flush_id: `${flushId}.${messages.length}`, rows: rows.slice(start, start + this.#rowsPerMessage) });
    }
    return messages;
  }

  /**
   * Sends what is pending, and what earlier sends failed to deliver. Never
   * rejects: a failed send keeps its messages (with their flush ids) for the
   * next flush, up to maxUnsent.
   */
  async flush(queue: UsageQueue | undefined): Promise<void> {
    let messages: UsageMessage[] = [];
    let sent = 0;
    try {
      messages = [...this.#unsent.splice(0), ...this.#take()];
      if (messages.length === 0) return;
      if (!queue) throw new Error("no usage queue is bound (USAGE_QUEUE)");
      // Cloudflare Queues take at most 100 messages per sendBatch.
      while (sent < messages.length) {
        const part = messages.slice(sent, sent + 100).map((body) => ({ body, contentType: "json" as const }));
        await this.#withTimeout((async () => queue.sendBatch(part))());
        sent += part.length;
      }
    } catch (error) {
      this.#keepUnsent(messages.slice(sent));
      log.warn("usage_flush_failed", { messages: messages.length - sent, unsent: this.#unsent.length, error });
    }
  }

  async #withTimeout(send: Promise<unknown>) {
    let timedOut = false;
    await Promise.race([
      send,
      this.#sleep(this.#sendTimeoutMs).then(() => {
        timedOut = true;
      }),
    ]);
    if (timedOut) throw new Error(`the usage queue did not answer within ${this.#sendTimeoutMs} ms`);
  }

  #keepUnsent(messages: UsageMessage[]) {
    this.#unsent.unshift(...messages);
    const dropped = this.#unsent.length - this.#maxUnsent;
    if (dropped > 0) {
      const lost = this.#unsent.splice(0, dropped);
      log.error("usage_dropped", {
        messages: lost.length,
        calls: lost.reduce((sum, m) => sum + m.rows.reduce((n, r) => n + r.calls, 0), 0),
      });
    }
  }
}

// The usage_rollups.outcome row type (drizzle/schema.ts leaves it to its owner).
declare module "../../drizzle/schema" {
  interface ColumnTypes {
    usageOutcome: UsageOutcome;
  }
}
