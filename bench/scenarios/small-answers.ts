/**
 * (d), (e): a model's detail and the inference gate, each against a trivial
 * route serving the same few bytes; (d-nrl), (e-nrl): the same with the app
 * seeing no rate-limit binding (PUT /__bench/rate-limits/off), so the
 * difference is what Miniflare's binding (a Durable Object fetch per request)
 * costs locally.
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
  const limits = benchSwitch(stage, "/__bench/rate-limits/on");
  const noLimits = benchSwitch(stage, "/__bench/rate-limits/off");
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
      before: limits,
    },
    {
      key: "d-nrl",
      label: "(d-nrl) GET /v1/models/:id, no rate-limit binding",
      spec: { ...base, paths: detailPaths },
      note: "as (d), the app given an env without the limiter bindings",
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
      before: limits,
    },
    {
      key: "e-nrl",
      label: "(e-nrl) inference gate, pro, no rate-limit binding",
      spec: { ...base, paths: gatePaths, headers: pro },
      note: "as (e), the app given an env without the limiter bindings",
      ceiling: "he",
      before: noLimits,
    },
  ]);
  await limits();
  return rows;
}
