/** (d), (e): a model's detail and the inference gate, each against a trivial route serving the same few bytes. */
import type { CatalogSample } from "../catalog-sample";
import { inRounds, type Stage } from "../measure";
import { fmt } from "../output";

export function smallAnswers(stage: Stage, sample: CatalogSample) {
  const { base, pro } = stage;
  const { detailPaths, gatePaths, firstDetail, firstGate, ceilingPaths } = sample;
  return inRounds(stage, [
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
    },
  ]);
}
