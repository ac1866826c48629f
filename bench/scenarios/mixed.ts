/** (g): (a)'s reads at full speed and one admin write per second, next to the ceiling (h) in rounds. */
import type { CatalogSample } from "../catalog-sample";
import { percentile } from "../load";
import { load, type Run, report, roundRatio, type Stage, toRow } from "../measure";
import { fmt, progress, sleep } from "../output";
import type { ScenarioRow } from "../report";
import { writeOnce } from "./writes";

export async function mixedReadsAndWrites(stage: Stage, sample: CatalogSample): Promise<ScenarioRow> {
  const { tag, base, url } = stage;
  const duration = stage.options.durationSeconds;
  const gWrites: number[] = [];
  const gErrors: string[] = [];
  const outcomes = async () => (await (await fetch(url("/__bench/outcomes"))).json()) as Record<string, number>;
  // Zeroes the Worker's count: only this scenario's reads are counted.
  await outcomes();
  let writing = false;
  const writer = async () => {
    for (let i = 1; writing; i++) {
      const started = performance.now();
      try {
        const { response, body, ms } = await writeOnce(stage, 10_000 + i);
        if (response.ok) gWrites.push(ms);
        else gErrors.push(`${response.status} ${new TextDecoder().decode(body).slice(0, 120)}`);
      } catch (error) {
        gErrors.push((error as Error).message);
      }
      await sleep(Math.max(0, 1000 - (performance.now() - started)));
    }
  };
  const mixedSpec = { ...base, paths: ["/v1/models"] };
  const hSpec = { ...base, paths: [sample.ceilingPaths.list] };
  const gRounds = stage.options.quick ? 1 : 3;
  const gRuns: Run[] = [];
  const hRuns: Run[] = [];
  for (let round = 1; round <= gRounds; round++) {
    progress(`${tag} (g) mixed: round ${round}/${gRounds}…`);
    hRuns.push(await load(stage, hSpec));
    writing = true;
    gRuns.push(
      await load(stage, mixedSpec, async () => {
        await Promise.all([
          writer(),
          sleep(duration * 1000).then(() => {
            writing = false;
          }),
        ]);
      }),
    );
  }
  const counted = await outcomes();
  const reads = Object.values(counted).reduce((total, count) => total + count, 0);
  const mixed = toRow("g", "(g) mixed: list reads + 1 write/s", mixedSpec, gRuns, "");
  mixed.ceiling = "h";
  mixed.ratio = roundRatio(gRuns, hRuns);
  mixed.hitRate = reads ? (counted.HIT ?? 0) / reads : 0;
  gWrites.sort((x, y) => x - y);
  mixed.note = `hit rate ${(mixed.hitRate * 100).toFixed(2)}% (${fmt(counted.MISS ?? 0)} MISS of ${fmt(reads)} reads, counted in the Worker), ${gWrites.length} writes, write p50 ${percentile(gWrites, 50).toFixed(0)} / p95 ${percentile(gWrites, 95).toFixed(0)} ms; ratio against (h) run just before each round`;
  if (gErrors.length) mixed.errors.push(`${gErrors.length} failed writes: ${gErrors[0]}`);
  if (gWrites.length === 0) mixed.errors.push("no write succeeded");
  report(stage, mixed);
  return mixed;
}
