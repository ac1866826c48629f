/**
 * npm run soak [-- --duration 10m|60s] [--postgres] [--fail-share 0.2] [--models 200] [--write]
 *
 * The service under long mixed traffic while parts of it fail (issue #23):
 * starts it as `npm run bench` does (a throwaway embedded PGlite; DATABASE_URL's
 * server; or --postgres for a temporary local cluster), then for --duration
 * drives at once list and detail reads, HTTP gate calls from three callers, gate
 * calls over the binding (the example inference Worker), an admin write a
 * second, scheduled changes due during the run, the cron every 15 s, and
 * webhook deliveries to three receivers on 127.0.0.1 (one failing or timing
 * out --fail-share of the time, one unsubscribed halfway). Faults on a
 * schedule scaled to the duration (bench/soak/schedule.ts): the database
 * unreachable, KV failing, a worker restart, the queue consumers failing, a
 * receiver down. Then it lets the retries drain, checks (bench/soak/checks.ts),
 * prints a table, and exits 1 if any check failed. --write puts the table in
 * docs/reliability.md. SOAK_BREAK=dedup turns the receivers' webhook-id dedup
 * off, to see the delivery check fail.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED_MODELS } from "../../scripts/data/seed-catalog";
import { cleanup, cleanupOnSignals, onCleanup } from "../cleanup";
import { printHelpIfAsked } from "../options";
import { say, sleep } from "../output";
import { ROOT } from "../service";
import { workerHeap } from "../workerd";
import { type EndpointSeen, runChecks } from "./checks";
import { readStored } from "./observe";
import { parseOptions, type SoakOptions, unknownOption } from "./options";
import { startReceiver } from "./receivers";
import { newRecord } from "./record";
import { soakTable, writeSoakDoc } from "./report";
import { runFaults, UNSUBSCRIBE_AT, warmUpAt } from "./schedule";
import { startService } from "./service";
import { drive, GATE_CALLERS, RPC_CALLER, triggerCron } from "./traffic";

const argv = process.argv.slice(2);
printHelpIfAsked(argv, import.meta.url);
const unknown = unknownOption(argv);
let options: SoakOptions;
try {
  if (unknown) throw new Error(`unknown option ${unknown} (see npm run soak -- --help)`);
  options = parseOptions(argv);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
}
cleanupOnSignals();
const workDir = mkdtempSync(join(tmpdir(), "catalog-soak-"));
onCleanup(() => rmSync(workDir, { recursive: true, force: true }));

async function main(): Promise<boolean> {
  const durationMs = options.durationSeconds * 1000;
  const service = await startService({ postgres: options.postgres, models: options.models, workDir });
  say(`soak: ${options.durationSeconds} s on ${service.label} (${service.version}); wrangler dev on ${service.baseUrl}`);
  const admin = await service.mint({ role: "admin" }, "soak-admin");
  const pro = new Map<string, string>();
  for (const caller of [...GATE_CALLERS, RPC_CALLER]) pro.set(caller, await service.mint({ tier: "pro" }, caller));
  const adminHeaders = { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" };

  const dedup = process.env.SOAK_BREAK !== "dedup";
  const receivers = [
    await startReceiver("steady", { failShare: 0, dedup }),
    await startReceiver("flaky", { failShare: options.failShare, dedup }),
    await startReceiver("leaving", { failShare: 0, dedup }),
  ];
  for (const receiver of receivers) onCleanup(receiver.stop);
  const endpoints: EndpointSeen[] = [];
  for (const receiver of receivers) {
    const createdAt = Date.now();
    const response = await fetch(`${service.baseUrl}/admin/webhooks`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ url: receiver.url, description: `soak receiver ${receiver.name}` }),
    });
    if (response.status !== 201) throw new Error(`creating a webhook answered ${response.status}: ${await response.text()}`);
    const { webhook, secret } = (await response.json()) as { webhook: { id: string }; secret: string };
    receiver.setSecret(secret);
    endpoints.push({ id: webhook.id, name: receiver.name, createdAt, processed: receiver.processed, badSignatures: 0 });
  }

  const listed = (await (
    await fetch(`${service.baseUrl}/v1/models`, { headers: { Authorization: `Bearer ${pro.get(RPC_CALLER)}` } })
  ).json()) as {
    models: Array<{ id: string; access_status: string; is_available: boolean }>;
  };
  const seeded = new Set(SEED_MODELS.map((model) => model.id));
  const readable = listed.models.filter((model) => model.access_status === "allowed" && model.is_available).map((model) => model.id);
  const writable = readable.filter((id) => !seeded.has(id)).slice(0, 50);
  if (writable.length < 10) throw new Error(`only ${writable.length} synthetic models to write to`);

  const record = newRecord();
  const startedAt = record.startedAt;
  const traffic = { service, record, until: startedAt + durationMs, writable, readable, tokens: { admin, pro } };
  const drivers = drive(traffic);
  const at = (share: number) => sleep(Math.max(0, startedAt + share * durationMs - Date.now()));
  const [flaky, leaving] = [receivers[1], receivers[2]];
  if (!flaky || !leaving) throw new Error("receivers missing");
  const heapSegments: Array<{ afterWarmUp?: number; atEnd?: number }> = [];
  const heap = async () => (await workerHeap(service.inspectorPort))?.usedBytes;
  const sideline = (async () => {
    await at(warmUpAt(durationMs));
    heapSegments.push({ afterWarmUp: await heap() });
  })();
  const unsubscribe = (async () => {
    await at(UNSUBSCRIBE_AT);
    const endpoint = endpoints[2];
    if (!endpoint) return;
    // Until it lands: a fault (the restart, the database) may refuse it.
    for (;;) {
      const response = await fetch(`${service.baseUrl}/admin/webhooks/${endpoint.id}`, { method: "DELETE", headers: adminHeaders }).catch(
        () => undefined,
      );
      if (response?.ok || response?.status === 404) break;
      await sleep(1000);
    }
    endpoint.unsubscribedAt = Date.now();
    record.unsubscribed = { endpoint: endpoint.id, at: endpoint.unsubscribedAt };
  })();
  await runFaults(
    {
      service,
      record,
      flaky,
      say,
      beforeRestart: async () => {
        const segment = heapSegments.at(-1);
        if (segment) segment.atEnd = await heap();
      },
      afterRestart: async () => {
        // The restarted isolate's own warm-up, then its baseline.
        await sleep(Math.max(15_000, Math.min(30_000, durationMs * 0.05)));
        heapSegments.push({ afterWarmUp: await heap() });
      },
    },
    startedAt,
    durationMs,
  );
  await Promise.all([...drivers, sideline, unsubscribe]);
  record.endedAt = Date.now();
  say(`load over after ${((record.endedAt - startedAt) / 1000).toFixed(0)} s: ${record.answers.length} answers; draining retries…`);

  // Drain: the cron keeps running, retries come due; stop as soon as every check holds.
  const drainUntil = Date.now() + Math.max(150_000, Math.min(600_000, durationMs));
  let checks = runChecks({ record, stored: await readStored(service.db, service.baseUrl), endpoints });
  const finalHeap = async () => {
    const segment = heapSegments.at(-1);
    if (segment) segment.atEnd = await heap();
  };
  for (;;) {
    await finalHeap();
    record.heap = heapSegments;
    for (const endpoint of endpoints) endpoint.badSignatures = receivers.find((r) => r.name === endpoint.name)?.badSignatures ?? 0;
    checks = runChecks({ record, stored: await readStored(service.db, service.baseUrl), endpoints });
    if (checks.every((check) => check.ok) || Date.now() > drainUntil) break;
    await triggerCron(service);
    await sleep(10_000);
  }
  const drained = (Date.now() - record.endedAt) / 1000;
  const table = soakTable({ options, record, checks, receivers, drainedSeconds: drained, label: `${service.label}, ${service.version}` });
  say(`\n${table}`);
  if (options.write) {
    writeSoakDoc(join(ROOT, "docs/reliability.md"), service.label.startsWith("PostgreSQL") ? "postgres" : "embedded", table);
    say("written to docs/reliability.md");
  }
  return checks.every((check) => check.ok);
}

try {
  const passed = await main();
  if (!passed) {
    console.error("\nsoak: a check failed");
    process.exitCode = 1;
  }
} catch (error) {
  say(`error: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
process.exit(process.exitCode ?? 0);
