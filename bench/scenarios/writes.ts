/** (w): admin writes one at a time, nothing else running. */
import { percentile, timedRequest } from "../load";
import { report, type Stage } from "../measure";
import { progress, sleep } from "../output";
import type { ScenarioRow } from "../report";

/** The model every bench write changes (a synthetic one: seeded at every size). */
const WRITE_TARGET = "synthetic-00001";

/** One admin write (a meta PATCH of one model), timed from the client. */
export const writeOnce = (stage: Stage, i: number) =>
  timedRequest(stage.url(`/admin/models/${WRITE_TARGET}/meta`), {
    method: "PATCH",
    headers: { ...stage.admin, "Content-Type": "application/json" },
    body: JSON.stringify({ description: `bench write ${i} at ${new Date().toISOString()}` }),
  });

export async function adminWrites(stage: Stage): Promise<ScenarioRow> {
  const writeTimes: number[] = [];
  const writeErrors: string[] = [];
  const writeCount = stage.options.quick ? 5 : 25;
  for (let i = 1; i <= writeCount; i++) {
    progress(`${stage.tag} (w) admin writes: ${i}/${writeCount}…`);
    const { response, body, ms } = await writeOnce(stage, i);
    if (response.ok) writeTimes.push(ms);
    else writeErrors.push(`${response.status} ${new TextDecoder().decode(body).slice(0, 120)}`);
    // KV takes one write per key per second.
    await sleep(1100);
  }
  writeTimes.sort((x, y) => x - y);
  const row: ScenarioRow = {
    key: "w",
    label: "(w) admin write (PATCH meta), one at a time",
    connections: 1,
    requests: writeTimes.length,
    rps: Number.NaN,
    mbps: Number.NaN,
    p50: percentile(writeTimes, 50),
    p95: percentile(writeTimes, 95),
    p99: percentile(writeTimes, 99),
    note: `${writeTimes.length} writes, 1.1 s apart; each publishes the new version (index stored, head moved) before answering`,
    errors: writeErrors.length ? [`${writeErrors.length} failed writes: ${writeErrors[0]}`] : [],
  };
  report(stage, row);
  return row;
}
