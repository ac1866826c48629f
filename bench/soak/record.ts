/** What the soak saw, as plain data: the checks (checks.ts) are pure functions of it and of the database's rows. */

export interface Answer {
  kind: string;
  at: number;
  /** When its answer (or its failure) came. */
  doneAt: number;
  /** HTTP status; null when no answer came (connection refused, reset, timed out). */
  status: number | null;
  /** Error code of a 5xx answer's envelope (null: not the envelope). */
  errorCode?: string | null;
  /** A 5xx answer carried the app's X-Request-Id (the app answered it; absent: wrangler dev or workerd did). */
  fromApp?: boolean;
  cache?: string | null;
}

export interface Write {
  marker: string;
  modelId: string;
  status: number | null;
  at: number;
}

export interface Scheduled {
  id: string;
  marker: string;
  modelId: string;
  effectiveAt: number;
}

export interface Window {
  fault: string;
  start: number;
  end: number;
  /**
   * What the fault may answer while it lasts: "503" (the error envelope), "no-answer" (the Worker is gone),
   * "not-the-app" (a 5xx with neither the app's envelope nor its X-Request-Id: wrangler dev itself
   * answering while it is killed; an app's 500 still fails).
   */
  allows: Array<"503" | "no-answer" | "not-the-app">;
}

export interface SoakRecord {
  startedAt: number;
  endedAt: number;
  answers: Answer[];
  writes: Write[];
  scheduled: Scheduled[];
  /** Gate decisions the service answered, per caller: when (ms), for the usage check. */
  gateCalls: Map<string, number[]>;
  windows: Window[];
  /** When wrangler dev was killed (the restart fault). */
  killedAt: number[];
  unsubscribed: { endpoint: string; at: number } | undefined;
  /** The isolate's heap (bytes, after a full GC) after its warm-up and at its end: one segment per isolate (the restart makes a new one). */
  heap: Array<{ afterWarmUp?: number; atEnd?: number }>;
}

export function newRecord(): SoakRecord {
  return {
    startedAt: Date.now(),
    endedAt: 0,
    answers: [],
    writes: [],
    scheduled: [],
    gateCalls: new Map(),
    windows: [],
    killedAt: [],
    unsubscribed: undefined,
    heap: [],
  };
}

export function countGateCall(record: SoakRecord, caller: string, calls = 1, at = Date.now()) {
  const list = record.gateCalls.get(caller) ?? [];
  for (let i = 0; i < calls; i++) list.push(at);
  record.gateCalls.set(caller, list);
}
