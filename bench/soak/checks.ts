/**
 * The soak's verdicts: pure functions of what it recorded (record.ts), what
 * the service stored (observe.ts) and what the receivers processed. Each
 * answers ok and one line saying what it counted.
 */
import { pairKey, type Stored } from "./observe";
import type { Receipt } from "./receivers";
import type { Answer, SoakRecord } from "./record";
import { RECOVERY_MS } from "./schedule";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface EndpointSeen {
  id: string;
  name: string;
  createdAt: number;
  /** Deleted during the run: nothing may reach it afterwards. */
  unsubscribedAt?: number;
  processed: Receipt[];
  badSignatures: number;
}

export interface CheckInput {
  record: SoakRecord;
  stored: Stored;
  endpoints: EndpointSeen[];
}

/** A decision counted by an isolate is handed to the queue within 10 s (docs/reliability.md, usage counting); 1 s more for the queue's batch. */
export const UNFLUSHED_MS = 11_000;
/** The scheduled-changes promise: applied within 120 s of effective_at. */
export const SCHEDULED_WITHIN_MS = 120_000;
export const HEAP_GROWTH_ALLOWED = 0.1;
/** A delivery attempt already under way when its endpoint is deleted may still land. */
const IN_FLIGHT_MS = 2000;

const tally = (values: Iterable<string | undefined>) => {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};
const ok2xx = (status: number | null) => status !== null && status >= 200 && status < 300;

export function checkWrites({ record, stored }: CheckInput): Check {
  const audits = tally(stored.audit.map((row) => row.marker));
  const events = tally(stored.events.map((row) => row.marker));
  const problems: string[] = [];
  let committed = 0;
  let ambiguous = 0;
  for (const write of record.writes) {
    const a = audits.get(write.marker) ?? 0;
    const e = events.get(write.marker) ?? 0;
    if (ok2xx(write.status)) {
      committed++;
      if (a !== 1 || e !== 1) problems.push(`${write.marker}: ${a} audit rows, ${e} events`);
    } else if (a > 0 || e > 0) {
      // Answered an error (the connection went away) but committed: still one of each.
      committed++;
      ambiguous++;
      if (a !== 1 || e !== 1) problems.push(`${write.marker} (answered ${write.status}): ${a} audit rows, ${e} events`);
    }
  }
  // Half-written: the model's row holds a change that has no audit row or no event (the transaction did not hold).
  for (const [modelId, marker] of stored.shown) {
    const a = audits.get(marker) ?? 0;
    const e = events.get(marker) ?? 0;
    if (a !== 1 || e !== 1) problems.push(`${modelId} shows "${marker}" with ${a} audit rows, ${e} events`);
  }
  return {
    name: "every committed write: one audit row, one feed event; no row changed without them",
    ok: problems.length === 0 && committed > 0,
    detail: problems.length
      ? problems.slice(0, 3).join("; ")
      : `${committed} of ${record.writes.length} writes committed (${ambiguous} answered an error yet committed, whole)`,
  };
}

export function checkFeed({ stored }: CheckInput): Check {
  const inOrder = stored.events.map((event) => event.id);
  const sameFeed = inOrder.length === stored.feed.length && inOrder.every((id, i) => stored.feed[i] === id);
  const fromAudit = tally(stored.audit.map((row) => row.marker && `${row.modelId} ${row.marker}`));
  const fromFeed = tally(stored.events.map((event) => event.marker && `${event.modelId} ${event.marker}`));
  const differ = [...new Set([...fromAudit.keys(), ...fromFeed.keys()])].filter((key) => fromAudit.get(key) !== fromFeed.get(key));
  return {
    name: "the feed from the start equals the audit trail's public changes",
    ok: sameFeed && differ.length === 0,
    detail: !sameFeed
      ? `the feed lists ${stored.feed.length} events, the database holds ${inOrder.length} (or another order)`
      : differ.length
        ? `${differ.length} changes differ, e.g. ${differ[0]}: audit ${fromAudit.get(differ[0] ?? "") ?? 0}, feed ${fromFeed.get(differ[0] ?? "") ?? 0}`
        : `${stored.feed.length} events in commit order; ${[...fromAudit.values()].reduce((a, b) => a + b, 0)} audited changes, each once`,
  };
}

/** Events an endpoint should get: those after it was created, and before it was deleted. */
const dueTo = (stored: Stored, endpoint: EndpointSeen) =>
  stored.events.filter((event) => event.occurredAt >= endpoint.createdAt && event.occurredAt < (endpoint.unsubscribedAt ?? Infinity));

/**
 * wrangler dev keeps its queues in memory: killing it loses the messages
 * waiting there (Cloudflare Queues keep them). A pair was in the queue at a
 * kill when its event was dispatched before it and no attempt came after.
 */
export function inQueueAtKill(
  record: SoakRecord,
  event: Stored["events"][number],
  state: Stored["deliveries"] extends Map<string, infer V> ? V | undefined : never,
) {
  return record.killedAt.some(
    (killed) =>
      event.dispatched && event.occurredAt < killed && (state === undefined || (state.outcome === "retrying" && state.lastAt < killed)),
  );
}

export function checkDeliveries({ record, stored, endpoints }: CheckInput): Check {
  const problems: string[] = [];
  let delivered = 0;
  let lost = 0;
  let pending = 0;
  for (const endpoint of endpoints.filter((each) => each.unsubscribedAt === undefined)) {
    const times = tally(endpoint.processed.map((receipt) => receipt.webhookId));
    for (const event of dueTo(stored, endpoint)) {
      const n = times.get(event.id) ?? 0;
      const state = stored.deliveries.get(pairKey(endpoint.id, event.id));
      if (n === 1) delivered++;
      else if (n > 1) problems.push(`${endpoint.name} processed ${event.id} ${n} times`);
      else if (inQueueAtKill(record, event, state)) lost++;
      // Not lost: its next attempt is on the delivery schedule, after the drain (receiver down, then flaky).
      else if (state?.outcome === "retrying" && (state.nextRetryAt ?? 0) > stored.readAt) pending++;
      else {
        const when = `${((event.occurredAt - record.startedAt) / 1000).toFixed(0)} s`;
        const why = state
          ? `${state.outcome} after ${state.attempts} attempts`
          : event.dispatched
            ? "dispatched, no attempt"
            : "not dispatched";
        problems.push(`${endpoint.name} never got ${event.id} of ${when} (${why})`);
      }
    }
    if (endpoint.badSignatures) problems.push(`${endpoint.name}: ${endpoint.badSignatures} requests with a bad signature`);
  }
  return {
    name: "every event reached every subscribed endpoint, once (by webhook-id)",
    ok: problems.length === 0 && delivered > 0,
    detail: problems.length
      ? `${problems.length} problems: ${problems.slice(0, 3).join("; ")}`
      : `${delivered} (event, endpoint) pairs, each processed once; ${pending} still retrying on schedule (next attempt after the drain); ${lost} lost with wrangler dev's in-memory queue at the restart`,
  };
}

export function checkUnsubscribed({ stored, endpoints }: CheckInput): Check {
  const gone = endpoints.filter((endpoint) => endpoint.unsubscribedAt !== undefined);
  const occurred = new Map(stored.events.map((event) => [event.id, event.occurredAt]));
  const late = gone.flatMap((endpoint) =>
    endpoint.processed.filter(
      (receipt) =>
        receipt.at > (endpoint.unsubscribedAt ?? 0) + IN_FLIGHT_MS ||
        (occurred.get(receipt.webhookId) ?? 0) > (endpoint.unsubscribedAt ?? 0),
    ),
  );
  return {
    name: "nothing delivered to an endpoint after it unsubscribed",
    ok: gone.length > 0 && late.length === 0,
    detail: late.length
      ? `${late.length} deliveries after the delete, e.g. ${late[0]?.webhookId}`
      : `${gone.map((endpoint) => endpoint.processed.length).join(", ")} events before its delete, none after`,
  };
}

export function checkUsage({ record, stored }: CheckInput): Check {
  const problems: string[] = [];
  let made = 0;
  let rolled = 0;
  let bound = 0;
  for (const [caller, calls] of record.gateCalls) {
    const counted = stored.usage.get(caller) ?? 0;
    // The loss bound: decisions an isolate killed by the restart had not handed to the queue yet.
    const mayLose = calls.filter((at) => record.killedAt.some((killed) => at > killed - UNFLUSHED_MS && at <= killed)).length;
    made += calls.length;
    rolled += counted;
    bound += mayLose;
    if (counted > calls.length) problems.push(`${caller}: ${counted} counted, ${calls.length} made (double counted)`);
    else if (calls.length - counted > mayLose) problems.push(`${caller}: ${calls.length - counted} lost, bound ${mayLose}`);
  }
  return {
    name: "usage rollups equal the gate calls made (within the loss bound)",
    ok: problems.length === 0 && made > 0,
    detail: problems.length ? problems.join("; ") : `${rolled} of ${made} decisions counted; ${made - rolled} lost, bound ${bound}`,
  };
}

/** Where a failure answer is allowed: inside a window that allows it, or just after it. */
const excusedBy = (record: SoakRecord, answer: Answer) =>
  record.windows.find((window) => {
    // A failure is seen when it ends: a request sent just before the kill goes unanswered.
    if (answer.doneAt < window.start || answer.at > window.end + RECOVERY_MS) return false;
    if (answer.status === null) return window.allows.includes("no-answer");
    // The example inference Worker answers 500 when the gate refused one of its calls: the gate's 503 inside it.
    const enveloped = answer.status === 503 ? answer.errorCode : answer.kind === "gate-rpc" && answer.status === 500;
    if (enveloped) return window.allows.includes("503");
    // wrangler dev answering while it is killed: no envelope, no X-Request-Id. Anything else the app answered fails.
    const fromApp = Boolean(answer.errorCode) || answer.fromApp === true;
    return !fromApp && window.allows.includes("not-the-app");
  });

export function checkServerErrors({ record }: CheckInput): Check {
  const failures = record.answers.filter((answer) => answer.status === null || answer.status >= 500);
  const unexcused = failures.filter((answer) => !excusedBy(record, answer));
  const describe = (answer: Answer) =>
    `${answer.kind} ${answer.status ?? "no answer"}${answer.errorCode ? ` ${answer.errorCode}` : ""} at ${((answer.at - record.startedAt) / 1000).toFixed(0)} s`;
  return {
    name: "no 5xx outside fault windows; inside, only the documented ones",
    ok: unexcused.length === 0,
    detail: unexcused.length
      ? `${unexcused.length} unexcused: ${unexcused.slice(0, 3).map(describe).join("; ")}`
      : `${failures.length} of ${record.answers.length} answers were 503 (envelope), no answer or, at the restart, wrangler dev's own 5xx (no envelope, no X-Request-Id), all inside fault windows`,
  };
}

export function checkHeap({ record }: CheckInput): Check {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const name = "isolate heap at the end within 10% of after warm-up";
  const read = record.heap.filter((segment) => segment.afterWarmUp !== undefined && segment.atEnd !== undefined) as Array<{
    afterWarmUp: number;
    atEnd: number;
  }>;
  if (read.length === 0 || read.length < record.heap.length) return { name, ok: false, detail: "heap unreadable (DevTools)" };
  return {
    name,
    ok: read.every(({ afterWarmUp, atEnd }) => atEnd <= afterWarmUp * (1 + HEAP_GROWTH_ALLOWED)),
    detail: read
      .map(({ afterWarmUp, atEnd }) => `${mib(afterWarmUp)} → ${mib(atEnd)} (${(((atEnd - afterWarmUp) / afterWarmUp) * 100).toFixed(1)}%)`)
      .join("; then, restarted: "),
  };
}

export function checkScheduled({ record, stored }: CheckInput): Check {
  const audits = tally(stored.audit.map((row) => row.marker));
  const events = tally(stored.events.map((row) => row.marker));
  const rows = new Map(stored.scheduled.map((row) => [row.id, row]));
  const problems: string[] = [];
  let worst = 0;
  for (const change of record.scheduled) {
    const row = rows.get(change.id);
    const late = row?.appliedAt ? row.appliedAt - row.effectiveAt : Infinity;
    worst = Math.max(worst, late);
    if (row?.status !== "applied") problems.push(`${change.id}: ${row?.status ?? "missing"}`);
    else if (late > SCHEDULED_WITHIN_MS) problems.push(`${change.id}: applied ${(late / 1000).toFixed(0)} s late`);
    const a = audits.get(change.marker) ?? 0;
    const e = events.get(change.marker) ?? 0;
    if (a !== 1 || e !== 1) problems.push(`${change.id}: applied with ${a} audit rows, ${e} events`);
  }
  return {
    name: "every scheduled change applied once, within 120 s",
    ok: problems.length === 0 && record.scheduled.length > 0,
    detail: problems.length
      ? problems.slice(0, 3).join("; ")
      : `${record.scheduled.length} applied, at most ${(worst / 1000).toFixed(0)} s after due`,
  };
}

export const CHECKS = [
  checkWrites,
  checkFeed,
  checkDeliveries,
  checkUnsubscribed,
  checkUsage,
  checkServerErrors,
  checkHeap,
  checkScheduled,
];

export const runChecks = (input: CheckInput): Check[] => CHECKS.map((check) => check(input));
