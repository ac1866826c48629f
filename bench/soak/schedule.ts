/**
 * The fault schedule, scaled to the run's length: when each fault starts and
 * ends, as shares of the duration (pure), and what each one does to the
 * running service (apply). Windows are recorded as they really happened.
 */
import { sleep } from "../output";
import type { Receiver } from "./receivers";
import type { SoakRecord, Window } from "./record";
import type { SoakService } from "./service";

export interface PlannedFault {
  fault: string;
  /** Shares of the duration. */
  from: number;
  to: number;
  allows: Window["allows"];
  effect: string;
}

export const FAULTS: readonly PlannedFault[] = [
  {
    fault: "database unreachable",
    from: 0.15,
    to: 0.22,
    allows: ["503"],
    effect: "open connections cut and new ones refused at the forwarder in front of the database",
  },
  { fault: "KV failing", from: 0.27, to: 0.34, allows: [], effect: "every MODEL_CACHE call rejects (bench switch)" },
  {
    fault: "worker restart",
    from: 0.4,
    to: 0.4,
    allows: ["no-answer", "503", "not-the-app"],
    effect: "wrangler dev killed and started again",
  },
  {
    fault: "queue consumers failing",
    from: 0.5,
    to: 0.57,
    allows: [],
    effect: "every webhook and usage message left to the queue's retries (bench switch)",
  },
  { fault: "receiver down", from: 0.62, to: 0.75, allows: [], effect: "the flaky receiver stops listening (connections refused)" },
];

/** When the unsubscribing endpoint is deleted, and when the heap is read after warm-up (shares of the duration). */
export const UNSUBSCRIBE_AT = 0.45;
/** Heap baseline: a tenth of the run in, and never before 15 s (caches and the first flushes settle). */
export const warmUpAt = (durationMs: number) => Math.max(0.1, 15_000 / durationMs);

/** Seconds after a window during which its answers still count as its own (an isolate's cached state catching up). */
export const RECOVERY_MS = 5000;

export interface FaultTargets {
  service: SoakService;
  record: SoakRecord;
  flaky: Receiver;
  say(line: string): void;
  beforeRestart(): Promise<void>;
  afterRestart(): Promise<void>;
}

async function switchWorker(service: SoakService, name: string, on: boolean) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${service.baseUrl}/__bench/faults/${name}/${on ? "on" : "off"}`, { method: "PUT" }).catch(
      () => undefined,
    );
    if (response?.ok) return;
    if (attempt === 10) throw new Error(`fault switch ${name} answered ${response?.status ?? "nothing"}`);
    await sleep(1000);
  }
}

async function begin(fault: PlannedFault, targets: FaultTargets) {
  const { service } = targets;
  if (fault.fault === "database unreachable") targets.say(`    ${await service.forwarder.pause()} open database connections cut`);
  else if (fault.fault === "KV failing") await switchWorker(service, "kv", true);
  else if (fault.fault === "queue consumers failing") await switchWorker(service, "consumer", true);
  else if (fault.fault === "receiver down") await targets.flaky.down();
  else if (fault.fault === "worker restart") {
    await targets.beforeRestart();
    await service.kill();
    // Gone now: until here the old runtime may still have answered (and queued) while shutting down.
    targets.record.killedAt.push(Date.now());
    await service.start();
  }
}

async function end(fault: PlannedFault, targets: FaultTargets) {
  const { service } = targets;
  if (fault.fault === "database unreachable") service.forwarder.resume();
  else if (fault.fault === "KV failing") await switchWorker(service, "kv", false);
  else if (fault.fault === "queue consumers failing") await switchWorker(service, "consumer", false);
  else if (fault.fault === "receiver down") await targets.flaky.up();
}

/** Runs every fault at its time; resolves when the last one has ended. */
export async function runFaults(targets: FaultTargets, startedAt: number, durationMs: number) {
  for (const fault of FAULTS) {
    const from = startedAt + fault.from * durationMs;
    await sleep(Math.max(0, from - Date.now()));
    const start = Date.now();
    targets.say(`  ${((start - startedAt) / 1000).toFixed(0)} s: ${fault.fault} (${fault.effect})`);
    await begin(fault, targets);
    await sleep(Math.max(0, startedAt + fault.to * durationMs - Date.now()));
    await end(fault, targets);
    targets.record.windows.push({ fault: fault.fault, start, end: Date.now(), allows: fault.allows });
    targets.say(`  ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${fault.fault} over`);
    if (fault.fault === "worker restart") await targets.afterRestart();
  }
}
