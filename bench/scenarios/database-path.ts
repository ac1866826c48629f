/**
 * (c) the database path: before every timed GET, POST /__bench/invalidate
 * empties the cache (deletes every catalog:* KV key, forgets the isolate's
 * memo), so the GET finds nothing cached and reads the database, as on a
 * cold start. One client; after each miss it idles twice as long as the miss
 * took, so the refill's background KV writes do not land in the next
 * measurement; a GET that still answers other than X-Cache: MISS (such a
 * write landed after the invalidation) is not counted, and reported. At
 * least 40 misses are timed (10 with --quick). Then
 * GET /__bench/profile times the steps of a miss one by one.
 */
import { percentile, timedRequest } from "../load";
import type { Stage } from "../measure";
import { progress, say, sleep } from "../output";
import type { ScenarioRow } from "../report";
import { cpuBetween } from "../workerd";

export async function databasePath(stage: Stage): Promise<{ row: ScenarioRow; profile: Record<string, number> }> {
  const { tag, url, worker } = stage;
  const label = "(c) list, cache invalidated before each request";
  const duration = stage.options.durationSeconds;
  progress(`${tag} ${label}: ${duration} s…`);
  const times: number[] = [];
  const errors: string[] = [];
  let bytes = 0;
  let notMiss = 0;
  let busyMs = 0;
  let busyCpu = { proxy: 0, worker: 0 };
  const started = performance.now();
  const deadline = started + duration * 1000;
  // At least 40 samples (within 6x the duration; 10 with --quick): of 10, the p95 is the slowest one,
  // so a single scheduling hiccup of a shared machine decided it; of 40 it is the second slowest.
  const minimum = stage.options.quick ? 10 : 40;
  while (performance.now() < deadline || (times.length < minimum && performance.now() < started + 6 * duration * 1000)) {
    const invalidate = await fetch(url("/__bench/invalidate"), { method: "POST" });
    await invalidate.arrayBuffer();
    if (!invalidate.ok) {
      errors.push(`invalidate answered ${invalidate.status}`);
      break;
    }
    const cpuBefore = worker.cpu();
    const { response, body, ms } = await timedRequest(url("/v1/models"));
    const used = cpuBetween(cpuBefore, worker.cpu());
    busyCpu = { proxy: busyCpu.proxy + (used.proxy * ms) / 100, worker: busyCpu.worker + (used.worker * ms) / 100 };
    busyMs += ms;
    if (!response.ok) {
      errors.push(`GET answered ${response.status}`);
      break;
    }
    if (response.headers.get("X-Cache") === "MISS") {
      times.push(ms);
      bytes += body.byteLength;
    } else {
      notMiss++;
      busyMs -= ms;
    }
    await sleep(Math.min(3000, Math.max(100, 2 * ms)));
  }
  if (times.length === 0) errors.push(`no GET answered X-Cache: MISS after an invalidation (${notMiss} did not)`);
  times.sort((x, y) => x - y);

  const profile = await missProfile(stage, errors);

  const row: ScenarioRow = {
    key: "c",
    label,
    connections: 1,
    requests: times.length,
    // Per second of request time: the idle pauses are not the service's.
    rps: (times.length / busyMs) * 1000,
    mbps: bytes / busyMs / 1000,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    // CPU while a request was in flight, as % of that time.
    cpu: { proxy: (busyCpu.proxy / busyMs) * 100, worker: (busyCpu.worker / busyMs) * 100 },
    note: `${times.length} X-Cache: MISS timed${notMiss ? ` (${notMiss} not MISS, left out)` : ""}; req/s = 1 / mean latency`,
    errors,
  };
  say(
    `${tag} ${label}: p50 ${row.p50.toFixed(1)} / p95 ${row.p95.toFixed(1)} ms over ${times.length} misses${errors.length ? `  ERRORS: ${errors.join(", ")}` : ""}`,
  );
  if (Object.keys(profile).length) {
    say(
      `${tag} profile (ms): ${Object.entries(profile)
        .map(([step, ms]) => `${step} ${ms.toFixed(1)}`)
        .join(", ")}`,
    );
  }
  return { row, profile };
}

/** Where a miss spends its time, step by step (GET /__bench/profile, median of 5); empty when the Worker's clock stands still in CPU work. */
async function missProfile(stage: Stage, errors: string[]): Promise<Record<string, number>> {
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < 5; i++) {
    const response = await fetch(stage.url("/__bench/profile"), { headers: stage.pro });
    if (!response.ok) {
      errors.push(`GET /__bench/profile answered ${response.status}`);
      break;
    }
    const result = (await response.json()) as {
      clockAdvancesInCpuWork: boolean;
      steps: Record<string, number>;
      perRequest: Record<string, number>;
    };
    if (!result.clockAdvancesInCpuWork) break;
    samples.push({
      ...result.steps,
      ...Object.fromEntries(Object.entries(result.perRequest).map(([step, ms]) => [`hit path, per request: ${step}`, ms])),
    });
  }
  const profile: Record<string, number> = {};
  for (const step of Object.keys(samples[0] ?? {})) {
    const values = samples.map((sample) => sample[step] ?? 0).sort((x, y) => x - y);
    profile[step] = values[Math.floor(values.length / 2)] as number;
  }
  return profile;
}
