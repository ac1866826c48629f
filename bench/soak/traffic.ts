/**
 * The soak's load, all at once until `until`: list and detail reads, HTTP gate
 * calls from several callers, gate calls over the binding (the example
 * inference Worker, through /__bench/rpc/*), one admin write a second,
 * scheduled changes due during the run, and the cron.
 */
import { sleep } from "../output";
import { type Answer, countGateCall, type SoakRecord } from "./record";
import type { SoakService } from "./service";

export const GATE_CALLERS = ["soak-caller-a", "soak-caller-b", "soak-caller-c"];
export const RPC_CALLER = "soak-rpc";
const RPC_CALLS = 5;

export interface Traffic {
  service: SoakService;
  record: SoakRecord;
  until: number;
  /** Models the writes and scheduled changes edit (synthetic ones: no aliases point at them). */
  writable: string[];
  /** Models every pro caller is allowed on (the gate's and the details' targets). */
  readable: string[];
  tokens: { admin: string; pro: Map<string, string> };
}

/** One request; its answer is recorded (5xx with its envelope's code, and whether the app answered it). */
async function send(t: Traffic, kind: string, path: string, init: RequestInit = {}): Promise<{ answer: Answer; body: string }> {
  const answer: Answer = { kind, at: Date.now(), doneAt: 0, status: null };
  let body = "";
  try {
    const response = await fetch(`${t.service.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    body = await response.text();
    answer.status = response.status;
    answer.cache = response.headers.get("X-Cache");
    if (response.status >= 500) {
      answer.fromApp = response.headers.has("X-Request-Id");
      try {
        const parsed = JSON.parse(body) as { error?: { code?: unknown; request_id?: unknown } };
        answer.errorCode = typeof parsed.error?.code === "string" && parsed.error.request_id ? parsed.error.code : null;
      } catch {
        answer.errorCode = null;
      }
    }
  } catch {
    // No answer: the Worker is being restarted (or hung).
  }
  answer.doneAt = Date.now();
  t.record.answers.push(answer);
  return { answer, body };
}

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)] as T;

async function loop(t: Traffic, pauseMs: number, step: () => Promise<unknown>) {
  while (Date.now() < t.until) {
    const started = Date.now();
    await step();
    // A refused connection answers at once: do not spin on it.
    await sleep(Math.max(pauseMs - (Date.now() - started), 0));
  }
}

export function drive(t: Traffic): Promise<unknown>[] {
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const admin = { ...auth(t.tokens.admin), "Content-Type": "application/json" };
  let writes = 0;
  let planned = 0;
  const drivers = [
    loop(t, 50, () => send(t, "list", "/v1/models")),
    loop(t, 20, () => send(t, "detail", `/v1/models/${pick(t.readable)}`, { headers: auth(pick([...t.tokens.pro.values()])) })),
    ...GATE_CALLERS.map((caller) =>
      loop(t, 40, async () => {
        const { answer } = await send(t, "gate", `/v1/models/${pick(t.readable)}/access`, {
          headers: auth(t.tokens.pro.get(caller) ?? ""),
        });
        // A decision is counted (src/gate/gate.ts); a 503 had no catalog to decide from.
        if (answer.status === 200) countGateCall(t.record, caller);
      }),
    ),
    loop(t, 100, async () => {
      const { answer, body } = await send(t, "gate-rpc", `/__bench/rpc/checkAccess?model=${pick(t.readable)}&calls=${RPC_CALLS}`, {
        headers: auth(t.tokens.pro.get(RPC_CALLER) ?? ""),
      });
      // "allowed/calls": the allowed ones were decided and counted.
      if (answer.status !== null) countGateCall(t.record, RPC_CALLER, Number(/^(\d+)\//.exec(body)?.[1] ?? 0));
    }),
    loop(t, 1000, async () => {
      const marker = `soak w${++writes}`;
      const modelId = t.writable[writes % t.writable.length] as string;
      const at = Date.now();
      const { answer } = await send(t, "write", `/admin/models/${modelId}/meta`, {
        method: "PATCH",
        headers: admin,
        body: JSON.stringify({ displayName: marker }),
      });
      t.record.writes.push({ marker, modelId, status: answer.status, at });
    }),
    // Scheduled changes, 65 s ahead (the minimum is 60 s), none due after the run's end.
    loop(t, Math.max(20_000, (t.until - Date.now()) / 8), async () => {
      const effectiveAt = Date.now() + 65_000;
      if (effectiveAt > t.until + 10_000 && planned > 0) return;
      const marker = `soak s${++planned}`;
      const modelId = t.writable[(t.writable.length - planned) % t.writable.length] as string;
      const { answer, body } = await send(t, "schedule", "/admin/scheduled-changes", {
        method: "POST",
        headers: admin,
        body: JSON.stringify({
          modelId,
          action: "update_meta",
          body: { displayName: marker },
          effectiveAt: new Date(effectiveAt).toISOString(),
        }),
      });
      if (answer.status === 201) {
        const id = (JSON.parse(body) as { scheduled_change: { id: string } }).scheduled_change.id;
        t.record.scheduled.push({ id, marker, modelId, effectiveAt });
      }
    }),
    loop(t, 15_000, () => triggerCron(t.service)),
  ];
  return drivers;
}

/** The cron, on demand (bench/worker.ts POST /__bench/scheduled), as Cloudflare's Cron Trigger would run it. */
export async function triggerCron(service: SoakService): Promise<number | null> {
  try {
    const response = await fetch(`${service.baseUrl}/__bench/scheduled`, { method: "POST", signal: AbortSignal.timeout(60_000) });
    await response.text();
    return response.status;
  } catch {
    return null;
  }
}
