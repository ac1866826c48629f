/**
 * The bench at one catalog size: seed the database, time the JSONB queries,
 * start the Worker, then run every scenario against it (docs/benchmarks.md
 * says what each measures) and stop it.
 */
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { SEED_MODELS } from "../scripts/data/seed-catalog";
import { connect } from "../scripts/lib/database";
import { migrate, readMigrations } from "../scripts/lib/migrations";
import { insertSeedAliases, insertSeeds } from "../scripts/lib/seeding";
import { syntheticModels } from "../scripts/lib/synthetic-models";
import { isTierAllowed } from "../src/domain/tier-access";
import { sampleCatalog } from "./catalog-sample";
import { onCleanup } from "./cleanup";
import type { BenchDatabase } from "./database";
import type { LoadGenerator } from "./load";
import type { Stage } from "./measure";
import type { BenchOptions } from "./options";
import { fmt, progress, say } from "./output";
import { measureQueries, type QueryResult } from "./queries";
import type { RunResult } from "./report";
import { dashboardModelsPage } from "./scenarios/dashboard";
import { databasePath } from "./scenarios/database-path";
import { filteredList } from "./scenarios/filtered-list";
import { gateBinding } from "./scenarios/gate-binding";
import { gateProfile } from "./scenarios/gate-profile";
import { wholeLists } from "./scenarios/lists";
import { mixedReadsAndWrites } from "./scenarios/mixed";
import { modelHistoryReads } from "./scenarios/model-history";
import { smallAnswers } from "./scenarios/small-answers";
import { adminWrites } from "./scenarios/writes";
import { startWorker } from "./service";
import { heapText, workerHeap } from "./workerd";

const ISSUER = "model-catalog-bench";
const AUDIENCE = "model-catalog";

export interface SizeContext {
  options: BenchOptions;
  database: BenchDatabase;
  wsProxy: string;
  generator: LoadGenerator;
  workDir: string;
}

export async function benchAt(models: number, ctx: SizeContext): Promise<RunResult> {
  const tag = `[${fmt(models)}]`;
  const queries = await seedAndQuery(models, tag, ctx);
  const stage = await startStage(tag, ctx);
  if (ctx.options.serve) {
    say(
      `${tag} serving on ${stage.worker.baseUrl} until Ctrl-C\n  pro:   ${stage.pro.Authorization}\n  admin: ${stage.admin.Authorization}`,
    );
    await new Promise(() => {});
  }

  const sample = await sampleCatalog(stage, models);
  // --only: a subset, by the table's keys (the list rows: a; the small answers: d; the binding and counting: r; c, f, i, w, g).
  const runs = (key: string) => !ctx.options.only || ctx.options.only.has(key);
  const rows = runs("a") ? await wholeLists(stage, sample) : [];
  const heapAfterWarmUp = await workerHeap(stage.worker.inspectorPort);
  if (runs("d")) rows.push(...(await smallAnswers(stage, sample)));
  const breakdown = runs("d") ? await gateProfile(stage, sample) : undefined;
  if (runs("r")) rows.push(...(await gateBinding(stage, sample)));
  if (runs("f")) rows.push(await filteredList(stage));
  if (runs("i")) rows.push(await dashboardModelsPage(stage));
  const missPath = runs("c") ? await databasePath(stage) : { row: undefined, profile: {} };
  if (missPath.row) rows.push(missPath.row);
  if (runs("w")) rows.push(await adminWrites(stage));
  if (runs("g")) rows.push(await mixedReadsAndWrites(stage, sample));
  if (runs("y")) rows.push(...(await modelHistoryReads(stage, ctx)));

  const heapAtEnd = await workerHeap(stage.worker.inspectorPort);
  say(`${tag} Worker heap: ${heapText(heapAfterWarmUp)} after warm-up, ${heapText(heapAtEnd)} at the end`);
  await stage.worker.stop();
  return {
    models,
    listed: sample.total,
    listBytes: sample.anonymousList.byteLength,
    wire: sample.wire,
    heap: { afterWarmUp: heapAfterWarmUp, atEnd: heapAtEnd },
    rows,
    queries,
    profile: missPath.profile,
    breakdown,
  };
}

/** The catalog at this size (migrations, curated and synthetic models, fresh statistics), then its JSONB queries timed. */
async function seedAndQuery(models: number, tag: string, ctx: SizeContext): Promise<QueryResult[]> {
  const client = await connect(ctx.database.databaseUrl, ctx.wsProxy);
  onCleanup(() => client.end().catch(() => {}));
  const seedStarted = performance.now();
  await migrate(client, readMigrations());
  await insertSeeds(client, SEED_MODELS);
  const synthetic = syntheticModels(models);
  await insertSeeds(client, synthetic, (done, total) => progress(`${tag} seeding ${fmt(done)}/${fmt(total)} synthetic models`));
  await insertSeedAliases(client, benchAliases(synthetic));
  // Fresh planner statistics, as autovacuum would leave them on a live database.
  await client.query("ANALYZE models");
  say(
    `${tag} seeded ${fmt(models)} synthetic + ${SEED_MODELS.length} curated models in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
  );

  // JSONB queries first, while nothing else competes for the CPU.
  const { quick } = ctx.options;
  if (ctx.options.only && !ctx.options.only.has("queries")) return [];
  const queries = await measureQueries(client, quick ? 20 : 200, quick ? 1500 : 8000, (done, total) =>
    progress(`${tag} JSONB queries ${done}/${total}`),
  );
  say(`${tag} JSONB queries: worst p95 ${Math.max(...queries.filter((q) => !q.name.startsWith("cache")).map((q) => q.p95)).toFixed(1)} ms`);
  return queries;
}

/** Aliases the alias rows call: `bench-alias-N` over live, available synthetic models the pro tier may use. */
export const BENCH_ALIAS_PREFIX = "bench-alias-";
const BENCH_ALIASES = 50;

function benchAliases(synthetic: ReturnType<typeof syntheticModels>) {
  const usable = synthetic.filter((m) => !m.isArchived && m.isAvailable && !m.isLegacy && isTierAllowed(m.meta, "pro"));
  const step = Math.max(1, Math.floor(usable.length / BENCH_ALIASES));
  return usable
    .filter((_, i) => i % step === 0)
    .slice(0, BENCH_ALIASES)
    .map((m, i) => ({ alias: `${BENCH_ALIAS_PREFIX}${i + 1}`, targetModelId: m.id }));
}

/** `wrangler dev` of the bench entry on this size's database, with a pro and an admin token for it. */
async function startStage(tag: string, ctx: SizeContext): Promise<Stage> {
  const secret = randomBytes(32).toString("hex");
  const started = performance.now();
  progress(`${tag} starting wrangler dev…`);
  const worker = await startWorker(ctx.workDir, {
    DATABASE_URL: ctx.database.databaseUrl,
    DB_WS_PROXY: ctx.wsProxy,
    JWT_SECRET: secret,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
  });
  say(`${tag} wrangler dev ready on ${worker.baseUrl} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const key = new TextEncoder().encode(secret);
  const mint = (claims: Record<string, string>, sub: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("4h")
      .sign(key);
  return {
    tag,
    options: ctx.options,
    generator: ctx.generator,
    worker,
    url: (path: string) => `${worker.baseUrl}${path}`,
    pro: { Authorization: `Bearer ${await mint({ tier: "pro" }, "bench-pro")}` },
    admin: { Authorization: `Bearer ${await mint({ role: "admin" }, "bench-admin")}` },
    base: { connections: ctx.options.connections, durationSeconds: ctx.options.durationSeconds },
  };
}
