/**
 * (d), (e): a model's detail and the inference gate, each against a trivial
 * route serving the same few bytes, the app counting every request with the
 * machine-local limiter a deployed binding is (bench/machine-local-limiter.ts);
 * (d-mf), (e-mf): the same with Miniflare's binding (a Durable Object fetch
 * and a SQLite write per request), which only local runs pay; (d-nrl),
 * (e-nrl): with no limiter at all.
 */
import type { CatalogSample } from "../catalog-sample";
import { inRounds, type Stage } from "../measure";
import { fmt } from "../output";

/** A switch of the bench Worker (bench/worker.ts), as a scenario's `before`. */
export const benchSwitch = (stage: Stage, path: string) => async () => {
  const response = await fetch(stage.url(path), { method: "PUT" });
  if (!response.ok) throw new Error(`PUT ${path}: ${response.status}`);
};

export async function smallAnswers(stage: Stage, sample: CatalogSample) {
  const { base, pro } = stage;
  const local = benchSwitch(stage, "/__bench/rate-limits/local");
  const miniflare = benchSwitch(stage, "/__bench/rate-limits/miniflare");
  const noLimits = benchSwitch(stage, "/__bench/rate-limits/none");
  const { detailPaths, gatePaths, firstDetail, firstGate, ceilingPaths } = sample;
  const rows = await inRounds(stage, [
    {
      key: "hd",
      label: "(h-d) ceiling: a detail's bytes, trivial route",
      spec: { ...base, paths: [ceilingPaths.detail] },
      note: `${fmt(firstDetail.byteLength)} B body`,
    },
    {
      key: "d",
      label: "(d) GET /v1/models/:id",
      spec: { ...base, paths: detailPaths },
      note: `${detailPaths.length} ids round-robin`,
      ceiling: "hd",
      before: local,
    },
    {
      key: "d-mf",
      label: "(d-mf) GET /v1/models/:id, Miniflare's limiter binding",
      spec: { ...base, paths: detailPaths },
      note: "as (d), each request counted by Miniflare's binding (a Durable Object fetch)",
      ceiling: "hd",
      before: miniflare,
    },
    {
      key: "d-nrl",
      label: "(d-nrl) GET /v1/models/:id, no limiter",
      spec: { ...base, paths: detailPaths },
      note: "as (d), the app given no limiter",
      ceiling: "hd",
      before: noLimits,
    },
    {
      key: "he",
      label: "(h-e) ceiling: a gate answer's bytes, trivial route",
      spec: { ...base, paths: [ceilingPaths.gate] },
      note: `${fmt(firstGate.byteLength)} B body`,
    },
    {
      key: "e",
      label: "(e) inference gate /:id/access, pro",
      spec: { ...base, paths: gatePaths, headers: pro },
      note: `${gatePaths.length} allowed ids round-robin`,
      ceiling: "he",
      before: local,
    },
    {
      key: "e-mf",
      label: "(e-mf) inference gate, pro, Miniflare's limiter binding",
      spec: { ...base, paths: gatePaths, headers: pro },
      note: "as (e), each request counted by Miniflare's binding (a Durable Object fetch)",
      ceiling: "he",
      before: miniflare,
    },
    {
      key: "e-nrl",
      label: "(e-nrl) inference gate, pro, no limiter",
      spec: { ...base, paths: gatePaths, headers: pro },
      note: "as (e), the app given no limiter",
      ceiling: "he",
      before: noLimits,
    },
  ]);
  await local();
  return rows;
}
