/**
 * (a), (b): whole lists from the cache, identity and gzip, each against its own ceiling (h), (h-gz),
 * counted by the machine-local limiter as (d) and (e) are; (az-mf): (a-gz) with Miniflare's binding.
 */
import type { CatalogSample } from "../catalog-sample";
import { inRounds, type Stage } from "../measure";
import { fmt, kb } from "../output";
import { benchSwitch } from "./small-answers";

const GZIP = { "Accept-Encoding": "gzip" };

export async function wholeLists(stage: Stage, sample: CatalogSample) {
  const { base, pro } = stage;
  const { anonymousList, proList, wire, ceilingPaths } = sample;
  const local = benchSwitch(stage, "/__bench/rate-limits/local");
  const miniflare = benchSwitch(stage, "/__bench/rate-limits/miniflare");
  const rows = await inRounds(stage, [
    {
      key: "h",
      label: "(h) ceiling: the list's bytes, trivial route",
      spec: { ...base, paths: [ceilingPaths.list] },
      note: `${kb(anonymousList.byteLength)} body`,
    },
    {
      key: "a",
      label: "(a) list, cached, anonymous",
      spec: { ...base, paths: ["/v1/models"] },
      note: `${fmt(sample.total)} models, ${kb(anonymousList.byteLength)}`,
      ceiling: "h",
      before: local,
    },
    {
      key: "b",
      label: "(b) list, cached, pro token",
      spec: { ...base, paths: ["/v1/models"], headers: pro },
      note: kb(proList.byteLength),
      ceiling: "h",
      before: local,
    },
    {
      key: "hz",
      label: "(h-gz) ceiling: the list's bytes, trivial route, Accept-Encoding: gzip",
      spec: { ...base, paths: [ceilingPaths.list], headers: GZIP },
      note: `${kb(wire.gzip ?? 0)} on the wire`,
    },
    {
      key: "az",
      label: "(a-gz) list, cached, anonymous, Accept-Encoding: gzip",
      spec: { ...base, paths: ["/v1/models"], headers: GZIP },
      note: `${kb(wire.gzip ?? 0)} on the wire (br: ${kb(wire.br ?? 0)})`,
      ceiling: "hz",
      before: local,
    },
    {
      key: "az-mf",
      label: "(az-mf) list, gzip, Miniflare's limiter binding",
      spec: { ...base, paths: ["/v1/models"], headers: GZIP },
      note: "as (a-gz), each request counted by Miniflare's binding (a Durable Object fetch)",
      ceiling: "hz",
      before: miniflare,
    },
  ]);
  await local();
  return rows;
}
