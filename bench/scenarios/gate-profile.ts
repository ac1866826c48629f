/**
 * Where the gate's and the detail's time goes in the Worker's isolate: V8's
 * CPU profile (bench/cpu-profile.ts) over one load run of each, next to the
 * ceiling's, as ms of sampled isolate CPU per request by the src/ module on
 * the stack (libraries charged to the src/ code that called them). Not timed
 * against anything: the profiler's own cost lands on every row alike.
 */
import type { CatalogSample } from "../catalog-sample";
import { breakdownRows, profileDuring } from "../cpu-profile";
import { load, type Stage } from "../measure";
import { progress } from "../output";
import type { Breakdown } from "../report";

export async function gateProfile(stage: Stage, sample: CatalogSample): Promise<Breakdown[]> {
  const { base, pro } = stage;
  const routes = [
    { scenario: "(h-e) ceiling", spec: { ...base, paths: [sample.ceilingPaths.gate] } },
    { scenario: "(e) gate, pro", spec: { ...base, paths: sample.gatePaths, headers: pro } },
    { scenario: "(d) detail", spec: { ...base, paths: sample.detailPaths } },
  ];
  const out: Breakdown[] = [];
  for (const { scenario, spec } of routes) {
    progress(`${stage.tag} CPU profile of ${scenario}…`);
    let requests = 0;
    try {
      const profile = await profileDuring(stage.worker.inspectorPort, async () => {
        requests = (await load(stage, { ...spec, durationSeconds: stage.options.quick ? 2 : 5 })).result.requests;
      });
      out.push({
        scenario,
        requests,
        busyMsPerRequest: profile.busyMs / Math.max(1, requests),
        parts: breakdownRows(profile.bySrc, Math.max(1, requests)),
      });
    } catch (error) {
      out.push({
        scenario,
        requests,
        busyMsPerRequest: Number.NaN,
        parts: [{ part: `profile failed: ${(error as Error).message}`, msPerRequest: Number.NaN }],
      });
    }
  }
  return out;
}
