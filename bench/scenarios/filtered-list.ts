/** (f): a filtered list, computed from the cached catalog on every request. */
import { FILTERED_PATH } from "../catalog-sample";
import { timedRequest } from "../load";
import { load, report, type Stage, toRow } from "../measure";
import { fmt, kb, progress } from "../output";
import type { ScenarioRow } from "../report";

export async function filteredList(stage: Stage): Promise<ScenarioRow> {
  const filtered = await timedRequest(stage.url(FILTERED_PATH));
  const filteredTotal = (JSON.parse(new TextDecoder().decode(filtered.body)) as { total: number }).total;
  const spec = { ...stage.base, paths: [FILTERED_PATH] };
  progress(`${stage.tag} (f): ${stage.options.durationSeconds} s…`);
  if (!stage.options.quick) await stage.generator.run(stage.worker.baseUrl, { ...spec, durationSeconds: 2 });
  const row = toRow(
    "f",
    "(f) list ?capability=vision&provider=openai",
    spec,
    [await load(stage, spec)],
    `${fmt(filteredTotal)} models, ${kb(filtered.body.byteLength)}`,
  );
  report(stage, row);
  return row;
}
