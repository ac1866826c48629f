/**
 * The expand migration and both rollbacks on a 10,000-model legacy catalog
 * (issue 15 item 10): every row of every legacy column shape comes through
 * exactly, archived models stay out of service, and the run reports how long
 * each step took and which table locks it held until commit, for
 * docs/migrations.md.
 */
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, rollbackLatest } from "../../../scripts/lib/migrations";
import {
  BASELINE_DEFAULTS,
  expectedFlat,
  expectedMeta,
  type FlatColumns,
  flatById,
  LEGACY_ROWS,
  metaById,
} from "../fixtures/legacy-catalog";
import { MIGRATIONS, ScratchSchema } from "./support";

const MODELS = 10_000;
const BATCH = 500;
const SLOW = 300_000;

/** Row n: shape n mod the number of shapes, with its own name and price so rows cannot be mixed up. */
function generated(n: number) {
  const shape = LEGACY_ROWS[n % LEGACY_ROWS.length];
  if (!shape) throw new Error("no legacy shapes");
  const own = {
    display_name: `${shape.given.display_name} #${n}`,
    input_cost_per_million_tokens: (shape.given.input_cost_per_million_tokens ?? 0) + (n % 1000),
  };
  return {
    id: `${shape.id}-${String(n).padStart(5, "0")}`,
    given: { ...BASELINE_DEFAULTS, ...shape.given, ...own },
    meta: { ...expectedMeta(shape), displayName: own.display_name, inputCostPerMillionTokens: own.input_cost_per_million_tokens },
    restored: { ...expectedFlat(shape), ...own },
    archived: n % 10 === 3,
    legacy: n % 7 === 1,
  };
}

const ROWS = Array.from({ length: MODELS }, (_, n) => generated(n));

const COLUMNS = [
  "id",
  "name",
  "provider",
  "display_name",
  "description",
  "version",
  "capabilities",
  "context_length",
  "max_output_tokens",
  "input_cost_per_million_tokens",
  "output_cost_per_million_tokens",
  "credits_per_1k_tokens",
  "required_tier",
  "tier_restriction_mode",
  "allowed_tiers",
  "is_available",
] as const;
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  capabilities: "::text[]",
  required_tier: "::subscription_tier",
  allowed_tiers: "::subscription_tier[]",
};

async function insertLegacyCatalog(db: ScratchSchema) {
  for (let start = 0; start < ROWS.length; start += BATCH) {
    const batch = ROWS.slice(start, start + BATCH);
    const params: unknown[] = [];
    const tuples = batch.map((row) => {
      const values: Record<string, unknown> = { ...row.given, id: row.id, name: row.id, provider: "legacy" };
      return `(${COLUMNS.map((column) => {
        params.push(values[column]);
        return `$${params.length}${CASTS[column] ?? ""}`;
      }).join(", ")})`;
    });
    await db.query(`INSERT INTO models (${COLUMNS.join(", ")}) VALUES ${tuples.join(", ")}`, params);
  }
}

interface StepReport {
  step: string;
  ms: number;
  /** Table -> the lock modes this step's transaction held on it at commit (relation locks last until then). */
  locks: Record<string, string[]>;
}

/** Records the locks of the transaction about to commit. */
function recordLocks(db: ScratchSchema, into: { locks: Record<string, string[]> }) {
  db.beforeCommit = async () => {
    const { rows } = await db.query(
      `SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND c.relkind IN ('r', 'p')
          AND c.relnamespace = $1::regnamespace
        ORDER BY 1, 2`,
      [db.name],
    );
    into.locks = {};
    for (const row of rows) into.locks[String(row.relname)] = [...(into.locks[String(row.relname)] ?? []), String(row.mode)];
  };
}

async function timed(db: ScratchSchema, step: string, reports: StepReport[], work: () => Promise<unknown>) {
  const report: StepReport = { step, ms: 0, locks: {} };
  recordLocks(db, report);
  const started = performance.now();
  await work();
  report.ms = Math.round(performance.now() - started);
  db.beforeCommit = undefined;
  reports.push(report);
  return report;
}

describe(`migrations over a ${MODELS.toLocaleString("en")}-model legacy catalog`, () => {
  let db: ScratchSchema;
  const reports: StepReport[] = [];

  beforeAll(async () => {
    db = await ScratchSchema.create();
    await migrate(db, MIGRATIONS, { to: "0001_baseline" });
    await timed(db, "insert 10,000 legacy rows (setup)", [], () => insertLegacyCatalog(db));
  }, SLOW);

  afterAll(async () => {
    await db?.drop();
    const lines = reports.map(
      (r) =>
        `| ${r.step} | ${r.ms} | ${Object.entries(r.locks)
          .map(([table, modes]) => `${table}: ${modes.join(", ")}`)
          .join("; ")} |`,
    );
    console.log(["| step | ms | locks held until commit |", "|---|---|---|", ...lines].join("\n"));
  });

  describe("0002 expand", () => {
    let meta: Record<string, unknown> = {};
    beforeAll(async () => {
      await timed(db, "0002_expand", reports, () => migrate(db, MIGRATIONS, { to: "0002_expand" }));
      meta = await metaById(db);
    }, SLOW);

    it("backfills, for every row, exactly the meta its column shape calls for", () => {
      expect(Object.keys(meta)).toHaveLength(MODELS);
      const wrong = ROWS.filter((row) => !isDeepStrictEqual(meta[row.id], row.meta));
      expect(wrong.map((row) => ({ id: row.id, got: meta[row.id], want: row.meta })).slice(0, 3)).toEqual([]);
    });

    it("holds models' ACCESS EXCLUSIVE lock until it commits: every read and write of the catalog waits for the backfill", () => {
      const locks = reports.find((r) => r.step === "0002_expand")?.locks ?? {};
      expect(locks.models).toContain("AccessExclusiveLock");
    });
  });

  describe("contract, then both rollbacks", () => {
    beforeAll(async () => {
      // Some models archived, some legacy with the fields only meta can hold.
      const archived = ROWS.filter((row) => row.archived).map((row) => row.id);
      const legacy = ROWS.filter((row) => row.legacy).map((row) => row.id);
      await db.query("UPDATE models SET is_archived = true WHERE id = ANY($1::text[])", [archived]);
      await db.query(
        `UPDATE models SET is_legacy = true, legacy_since = now(),
           meta = meta || '{"legacyReplacementModelId": "full-00000", "deprecationNotice": "use full", "sunsetDate": "2030-01-01T00:00:00.000Z"}'
         WHERE id = ANY($1::text[])`,
        [legacy],
      );
      await timed(db, "0003_contract", reports, () => migrate(db, MIGRATIONS, { to: "0003_contract" }));
      await timed(db, "0004_audit_grants", reports, () => migrate(db, MIGRATIONS, { to: "0004_audit_grants" }));
      await timed(db, "rollback 0004_audit_grants", reports, () => rollbackLatest(db, MIGRATIONS));
      await timed(db, "rollback 0003_contract", reports, () => rollbackLatest(db, MIGRATIONS));
    }, SLOW);

    it("rollback of 0003 restores every row's flat columns exactly", async () => {
      const flat = await flatById(db);
      expect(Object.keys(flat)).toHaveLength(MODELS);
      const wrong = ROWS.filter((row) => !isDeepStrictEqual(flat[row.id], row.restored));
      expect(wrong.map((row) => ({ id: row.id, got: flat[row.id], want: row.restored })).slice(0, 3)).toEqual([]);
    });

    describe("rollback of 0002", () => {
      let flat: Record<string, FlatColumns> = {};
      beforeAll(async () => {
        await timed(db, "rollback 0002_expand", reports, () => rollbackLatest(db, MIGRATIONS));
        flat = await flatById(db);
      }, SLOW);

      it("keeps every archived model unavailable", () => {
        const archived = ROWS.filter((row) => row.archived);
        expect(archived.length).toBeGreaterThan(900);
        expect(archived.filter((row) => flat[row.id]?.is_available !== false).map((row) => row.id)).toEqual([]);
      });

      it("restores every other column exactly, and leaves the availability of live models alone", () => {
        const wrong = ROWS.filter((row) => {
          const want = { ...row.restored, ...(row.archived && { is_available: false }) };
          return !isDeepStrictEqual(flat[row.id], want);
        });
        expect(wrong.map((row) => ({ id: row.id, got: flat[row.id] })).slice(0, 3)).toEqual([]);
      });
    });
  });
});
