/**
 * The migrations (spec "Data"; issue 2 item 4) and their runner, run for real
 * in a schema of their own inside the shared test database.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Client } from "@neondatabase/serverless";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { connect } from "../../scripts/database";
import { type Migration, MigrationError, migrate, readMigrations, rollbackLatest, type SqlSession } from "../../scripts/migrations";
import { ModelMetaSchema, TIER_LADDER } from "../../src/domain/model-meta";

type Rows = { rows: Record<string, unknown>[] };

/**
 * A throwaway schema that the migration SQL (unqualified names) lands in.
 * The embedded PGlite serves every connection from ONE session, so a
 * session-level `SET search_path` would redirect the other test files too:
 * every statement runs in a transaction that sets the path with SET LOCAL,
 * the runner's own BEGIN ... COMMIT included.
 */
class ScratchSchema implements SqlSession {
  private inTransaction = false;

  private constructor(
    private readonly client: Client,
    readonly name: string,
  ) {}

  static async create(): Promise<ScratchSchema> {
    const client = await connect(inject("databaseUrl"), inject("wsProxy"));
    const name = `mig_${randomBytes(6).toString("hex")}`;
    await client.query(`CREATE SCHEMA ${name}`);
    return new ScratchSchema(client, name);
  }

  async query(text: string, params?: unknown[]): Promise<Rows> {
    const verb = text.trim().toUpperCase();
    if (verb === "BEGIN") {
      await this.client.query("BEGIN");
      this.inTransaction = true;
      await this.setPath();
      return { rows: [] };
    }
    if (verb === "COMMIT" || verb === "ROLLBACK") {
      this.inTransaction = false;
      return this.run(text);
    }
    if (this.inTransaction) return this.run(text, params);
    await this.client.query("BEGIN");
    try {
      await this.setPath();
      const result = await this.run(text, params);
      await this.client.query("COMMIT");
      return result;
    } catch (error) {
      await this.client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  }

  async drop() {
    try {
      await this.client.query(`DROP SCHEMA IF EXISTS ${this.name} CASCADE`);
    } finally {
      await this.client.end();
    }
  }

  private setPath() {
    return this.client.query(`SET LOCAL search_path TO ${this.name}`);
  }

  private async run(text: string, params?: unknown[]): Promise<Rows> {
    return (await this.client.query(text, params)) as unknown as Rows;
  }
}

const MIGRATIONS = readMigrations();
const names = (list: Migration[]) => list.map((m) => m.name);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Everything about a schema that a migration or rollback changes, in a comparable form. */
async function schemaShape(db: ScratchSchema) {
  const params = [db.name];
  // One after another: each query is its own transaction on the one connection.
  const tables = await db.query("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1", params);
  const columns = await db.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`,
    params,
  );
  const constraints = await db.query(
    `SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con
       JOIN pg_class rel ON rel.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = $1 ORDER BY 1, 2`,
    params,
  );
  const indexes = await db.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY 1, 2", params);
  const triggers = await db.query(
    `SELECT rel.relname, t.tgname FROM pg_trigger t
       JOIN pg_class rel ON rel.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = rel.relnamespace
      WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1, 2`,
    params,
  );
  const functions = await db.query(
    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1",
    params,
  );
  const types = await db.query(
    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY 1",
    params,
  );
  return {
    tables: tables.rows,
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    triggers: triggers.rows,
    functions: functions.rows,
    types: types.rows,
  };
}

async function columnsOf(db: ScratchSchema, table: string): Promise<string[]> {
  const { rows } = await db.query(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name",
    [db.name, table],
  );
  return rows.map((row) => String(row.column_name));
}

async function appliedNames(db: ScratchSchema): Promise<string[]> {
  const { rows } = await db.query("SELECT name FROM schema_migrations ORDER BY name");
  return rows.map((row) => String(row.name));
}

async function tableExists(db: ScratchSchema, table: string): Promise<boolean> {
  const { rows } = await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  return rows[0]?.present === true;
}

// ---------------------------------------------------------------------------
// Legacy rows: one per column shape the pre-refactor table allows.

interface FlatColumns {
  display_name: string;
  description: string | null;
  version: string | null;
  capabilities: (string | null)[] | null;
  context_length: number;
  max_output_tokens: number | null;
  input_cost_per_million_tokens: number;
  output_cost_per_million_tokens: number;
  credits_per_1k_tokens: number;
  required_tier: string;
  tier_restriction_mode: string | null;
  allowed_tiers: (string | null)[] | null;
  is_available: boolean;
}

interface LegacyRow {
  id: string;
  why: string;
  /** Columns given to INSERT; the rest take the baseline's defaults. */
  given: Partial<FlatColumns> & Pick<FlatColumns, "display_name" | "context_length">;
  /** The exact meta the expand migration must build. */
  meta: Record<string, unknown>;
  /** Where the flat columns restored from meta differ from what was inserted (derived values). */
  restored?: Partial<FlatColumns>;
}

const BASELINE_DEFAULTS: Omit<FlatColumns, "display_name" | "context_length"> = {
  description: null,
  version: null,
  capabilities: null,
  max_output_tokens: null,
  input_cost_per_million_tokens: 0,
  output_cost_per_million_tokens: 0,
  credits_per_1k_tokens: 1,
  required_tier: "free",
  tier_restriction_mode: null,
  allowed_tiers: null,
  is_available: true,
};

const LADDER = [...TIER_LADDER];
const COMMON = {
  context_length: 8192,
  max_output_tokens: 1024,
  input_cost_per_million_tokens: 100,
  output_cost_per_million_tokens: 300,
  credits_per_1k_tokens: 2,
};
const COMMON_META = {
  contextLength: 8192,
  maxOutputTokens: 1024,
  inputCostPerMillionTokens: 100,
  outputCostPerMillionTokens: 300,
  creditsPer1kTokens: 2,
};

/** A row that differs from the others only in its tier columns: text only, COMMON costs and limits. */
function tierRow(
  id: string,
  why: string,
  displayName: string,
  given: Partial<Pick<FlatColumns, "required_tier" | "tier_restriction_mode" | "allowed_tiers">>,
  tiers: { requiredTier: string; tierRestrictionMode: string; allowedTiers: string[] },
  restored: Partial<FlatColumns>,
): LegacyRow {
  return {
    id,
    why,
    given: { display_name: displayName, capabilities: ["text"], ...COMMON, ...given },
    meta: { displayName, capabilities: ["text"], ...COMMON_META, ...tiers },
    restored,
  };
}

const LEGACY_ROWS: LegacyRow[] = [
  {
    id: "full",
    why: "every column set: copied as is",
    given: {
      display_name: "Full Row",
      description: "Every column set",
      version: "2024-05",
      capabilities: ["text", "vision", "function_calling", "code", "long_context"],
      context_length: 128_000,
      max_output_tokens: 16_384,
      input_cost_per_million_tokens: 250,
      output_cost_per_million_tokens: 1000,
      credits_per_1k_tokens: 4,
      required_tier: "pro",
      tier_restriction_mode: "minimum",
      allowed_tiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
      is_available: false,
    },
    meta: {
      displayName: "Full Row",
      description: "Every column set",
      version: "2024-05",
      capabilities: ["text", "vision", "function_calling", "code", "long_context"],
      contextLength: 128_000,
      maxOutputTokens: 16_384,
      inputCostPerMillionTokens: 250,
      outputCostPerMillionTokens: 1000,
      creditsPer1kTokens: 4,
      requiredTier: "pro",
      tierRestrictionMode: "minimum",
      allowedTiers: ["pro", "pro_max", "enterprise_pro", "enterprise_max"],
    },
  },
  {
    id: "defaults-only",
    why: "only the NOT NULL columns without defaults: every default backfills to valid meta",
    given: { display_name: "Defaults Only", context_length: 4096 },
    meta: {
      displayName: "Defaults Only",
      capabilities: ["text"],
      contextLength: 4096,
      inputCostPerMillionTokens: 0,
      outputCostPerMillionTokens: 0,
      creditsPer1kTokens: 1,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: LADDER,
    },
    restored: { capabilities: ["text"], tier_restriction_mode: "minimum", allowed_tiers: LADDER },
  },
  {
    id: "null-optionals",
    why: "NULL description, version and max_output_tokens: keys left out, not null",
    given: {
      display_name: "Null Optionals",
      description: null,
      version: null,
      capabilities: ["text", "code"],
      ...COMMON,
      max_output_tokens: null,
      required_tier: "pro",
      tier_restriction_mode: "exact",
      allowed_tiers: ["pro"],
    },
    meta: {
      displayName: "Null Optionals",
      capabilities: ["text", "code"],
      ...COMMON_META,
      maxOutputTokens: undefined,
      requiredTier: "pro",
      tierRestrictionMode: "exact",
      allowedTiers: ["pro"],
    },
  },
  {
    id: "null-capabilities",
    why: 'NULL capabilities: ["text"]',
    given: { display_name: "Null Caps", capabilities: null, ...COMMON, tier_restriction_mode: "minimum", allowed_tiers: LADDER },
    meta: {
      displayName: "Null Caps",
      capabilities: ["text"],
      ...COMMON_META,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: LADDER,
    },
    restored: { capabilities: ["text"] },
  },
  {
    id: "empty-capabilities",
    why: 'empty capabilities: ["text"]',
    given: { display_name: "Empty Caps", capabilities: [], ...COMMON, tier_restriction_mode: "minimum", allowed_tiers: LADDER },
    meta: {
      displayName: "Empty Caps",
      capabilities: ["text"],
      ...COMMON_META,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: LADDER,
    },
    restored: { capabilities: ["text"] },
  },
  {
    id: "duplicate-capabilities",
    why: "repeated capabilities: each once, in first-seen order",
    given: {
      display_name: "Dup Caps",
      capabilities: ["code", "text", "code", "vision", "text"],
      ...COMMON,
      tier_restriction_mode: "minimum",
      allowed_tiers: LADDER,
    },
    meta: {
      displayName: "Dup Caps",
      capabilities: ["code", "text", "vision"],
      ...COMMON_META,
      requiredTier: "free",
      tierRestrictionMode: "minimum",
      allowedTiers: LADDER,
    },
    restored: { capabilities: ["code", "text", "vision"] },
  },
  {
    id: "null-allowed-minimum",
    why: "minimum with NULL allowed_tiers: the ladder from the required tier up",
    given: { display_name: "Null Allowed Min", ...COMMON, required_tier: "pro_max", tier_restriction_mode: "minimum", allowed_tiers: null },
    meta: {
      displayName: "Null Allowed Min",
      capabilities: ["text"],
      ...COMMON_META,
      requiredTier: "pro_max",
      tierRestrictionMode: "minimum",
      allowedTiers: ["pro_max", "enterprise_pro", "enterprise_max"],
    },
    restored: { capabilities: ["text"], allowed_tiers: ["pro_max", "enterprise_pro", "enterprise_max"] },
  },
  tierRow(
    "empty-allowed-minimum",
    "minimum with empty allowed_tiers: the whole ladder from free",
    "Empty Allowed Min",
    { required_tier: "free", tier_restriction_mode: "minimum", allowed_tiers: [] },
    { requiredTier: "free", tierRestrictionMode: "minimum", allowedTiers: LADDER },
    { allowed_tiers: LADDER },
  ),
  tierRow(
    "empty-allowed-exact",
    "exact with empty allowed_tiers: [requiredTier]",
    "Empty Allowed Exact",
    { required_tier: "pro_max", tier_restriction_mode: "exact", allowed_tiers: [] },
    { requiredTier: "pro_max", tierRestrictionMode: "exact", allowedTiers: ["pro_max"] },
    { allowed_tiers: ["pro_max"] },
  ),
  tierRow(
    "empty-allowed-whitelist",
    "whitelist with empty allowed_tiers: [requiredTier]",
    "Empty Allowed WL",
    { required_tier: "enterprise_pro", tier_restriction_mode: "whitelist", allowed_tiers: [] },
    { requiredTier: "enterprise_pro", tierRestrictionMode: "whitelist", allowedTiers: ["enterprise_pro"] },
    { allowed_tiers: ["enterprise_pro"] },
  ),
  tierRow(
    "null-allowed-whitelist",
    "whitelist with NULL allowed_tiers: [requiredTier]",
    "Null Allowed WL",
    { required_tier: "pro", tier_restriction_mode: "whitelist", allowed_tiers: null },
    { requiredTier: "pro", tierRestrictionMode: "whitelist", allowedTiers: ["pro"] },
    { allowed_tiers: ["pro"] },
  ),
  tierRow(
    "minimum-without-required",
    "minimum whose allowed_tiers omit the required tier: added, in ladder order (the ladder admitted it anyway)",
    "Min Without Req",
    { required_tier: "pro_max", tier_restriction_mode: "minimum", allowed_tiers: ["free"] },
    { requiredTier: "pro_max", tierRestrictionMode: "minimum", allowedTiers: ["free", "pro_max"] },
    { allowed_tiers: ["free", "pro_max"] },
  ),
  tierRow(
    "exact-without-required",
    "exact whose allowed_tiers list other tiers: exact never read them, [requiredTier]",
    "Exact Without Req",
    { required_tier: "pro", tier_restriction_mode: "exact", allowed_tiers: ["enterprise_max", "free"] },
    { requiredTier: "pro", tierRestrictionMode: "exact", allowedTiers: ["pro"] },
    { allowed_tiers: ["pro"] },
  ),
  // Adding the required tier (here the column default, free) would open an
  // enterprise-only model to everyone; the required tier moves instead.
  tierRow(
    "whitelist-without-required",
    "whitelist that does not name the required tier: requiredTier becomes the lowest listed tier, nobody gains access",
    "WL Without Req",
    { tier_restriction_mode: "whitelist", allowed_tiers: ["perpetual", "enterprise_pro"] },
    { requiredTier: "enterprise_pro", tierRestrictionMode: "whitelist", allowedTiers: ["enterprise_pro", "perpetual"] },
    { required_tier: "enterprise_pro", allowed_tiers: ["enterprise_pro", "perpetual"] },
  ),
  tierRow(
    "null-mode",
    "NULL tier_restriction_mode: minimum",
    "Null Mode",
    { required_tier: "enterprise_pro", tier_restriction_mode: null, allowed_tiers: null },
    { requiredTier: "enterprise_pro", tierRestrictionMode: "minimum", allowedTiers: ["enterprise_pro", "enterprise_max"] },
    { tier_restriction_mode: "minimum", allowed_tiers: ["enterprise_pro", "enterprise_max"] },
  ),
  tierRow(
    "perpetual-minimum-empty",
    "required perpetual (off the ladder) with minimum and nothing listed: [perpetual]",
    "Perpetual Min",
    { required_tier: "perpetual", tier_restriction_mode: "minimum", allowed_tiers: [] },
    { requiredTier: "perpetual", tierRestrictionMode: "minimum", allowedTiers: ["perpetual"] },
    { allowed_tiers: ["perpetual"] },
  ),
  {
    id: "repeated-and-null-tiers",
    why: "allowed_tiers with repeats and a NULL element: each tier once, no null",
    given: {
      display_name: "Messy Tiers",
      capabilities: ["text"],
      ...COMMON,
      required_tier: "pro",
      tier_restriction_mode: "whitelist",
      allowed_tiers: ["pro_max", null, "pro", "pro_max"],
    },
    meta: {
      displayName: "Messy Tiers",
      capabilities: ["text"],
      ...COMMON_META,
      requiredTier: "pro",
      tierRestrictionMode: "whitelist",
      allowedTiers: ["pro", "pro_max"],
    },
    restored: { allowed_tiers: ["pro", "pro_max"] },
  },
];

// `maxOutputTokens: undefined` above documents the dropped key; the stored object has no such key at all.
const expectedMeta = (row: LegacyRow) => Object.fromEntries(Object.entries(row.meta).filter(([, value]) => value !== undefined));
const expectedFlat = (row: LegacyRow): FlatColumns => ({ ...BASELINE_DEFAULTS, ...row.given, ...row.restored });

const CASTS: Record<string, string> = {
  capabilities: "::text[]",
  required_tier: "::subscription_tier",
  allowed_tiers: "::subscription_tier[]",
};

async function insertLegacyRow(db: ScratchSchema, row: LegacyRow) {
  const entries = Object.entries({ id: row.id, name: row.id, provider: "legacy", ...row.given });
  const columns = entries.map(([column]) => column).join(", ");
  const values = entries.map(([column], i) => `$${i + 1}${CASTS[column] ?? ""}`).join(", ");
  await db.query(
    `INSERT INTO models (${columns}) VALUES (${values})`,
    entries.map(([, value]) => value),
  );
}

async function metaById(db: ScratchSchema): Promise<Record<string, unknown>> {
  const { rows } = await db.query("SELECT id, meta FROM models ORDER BY id");
  return Object.fromEntries(rows.map((row) => [String(row.id), row.meta]));
}

async function flatById(db: ScratchSchema): Promise<Record<string, FlatColumns>> {
  const { rows } = await db.query(`
    SELECT id, display_name, description, version, capabilities, context_length, max_output_tokens,
           input_cost_per_million_tokens, output_cost_per_million_tokens, credits_per_1k_tokens,
           required_tier::text AS required_tier, tier_restriction_mode, allowed_tiers::text[] AS allowed_tiers, is_available
      FROM models ORDER BY id`);
  return Object.fromEntries(rows.map(({ id, ...flat }) => [String(id), flat as unknown as FlatColumns]));
}

const upTo = (name: string) => MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === name) + 1).map((m) => m.name);

describe("migrations over a legacy catalog", () => {
  let db: ScratchSchema;
  const shapes: Record<string, Awaited<ReturnType<typeof schemaShape>>> = {};

  beforeAll(async () => {
    db = await ScratchSchema.create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("are the numbered files, with rollback scripts for all but the baseline", () => {
    expect(names(MIGRATIONS)).toEqual(["0001_baseline", "0002_expand", "0003_contract", "0005_catalog_epoch"]);
    expect(MIGRATIONS.map((m) => m.down !== undefined)).toEqual([false, true, true, true]);
    for (const m of MIGRATIONS) expect(m.checksum).toBe(sha256(m.sql));
  });

  describe("0001 baseline", () => {
    it("applies alone with the runner's `to`", async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0001_baseline" })).toEqual(["0001_baseline"]);
      expect(await appliedNames(db)).toEqual(["0001_baseline"]);
    });

    it("is the flat pre-refactor table, with the subscription_tier enum", async () => {
      expect(await columnsOf(db, "models")).toEqual(
        [
          "allowed_tiers",
          "capabilities",
          "context_length",
          "created_at",
          "credits_per_1k_tokens",
          "description",
          "display_name",
          "id",
          "input_cost_per_million_tokens",
          "is_available",
          "max_output_tokens",
          "name",
          "output_cost_per_million_tokens",
          "provider",
          "required_tier",
          "tier_restriction_mode",
          "updated_at",
          "version",
        ].sort(),
      );
      const { rows } = await db.query("SELECT enum_range(NULL::subscription_tier)::text[] AS tiers");
      expect(rows[0]?.tiers).toEqual([...TIER_LADDER, "perpetual"]);
    });

    it("takes a row of every legacy column shape", async () => {
      for (const row of LEGACY_ROWS) await insertLegacyRow(db, row);
      expect(Object.keys(await flatById(db))).toHaveLength(LEGACY_ROWS.length);
      shapes.baseline = await schemaShape(db);
    });
  });

  describe("0002 expand", () => {
    let meta: Record<string, unknown> = {};
    beforeAll(async () => {
      expect(await migrate(db, MIGRATIONS, { to: "0002_expand" })).toEqual(["0002_expand"]);
      meta = await metaById(db);
      shapes.expanded = await schemaShape(db);
    });

    it.each(LEGACY_ROWS)("backfills meta for $id: $why", (row) => {
      expect(meta[row.id]).toStrictEqual(expectedMeta(row));
    });

    it("backfills meta that ModelMetaSchema accepts, for every row", () => {
      for (const row of LEGACY_ROWS) {
        expect({ id: row.id, issues: ModelMetaSchema.safeParse(meta[row.id]).error?.issues }).toEqual({ id: row.id, issues: undefined });
      }
    });

    it("keeps the flat columns untouched for the old code", async () => {
      const flat = await flatById(db);
      for (const row of LEGACY_ROWS) expect(flat[row.id]).toEqual({ ...BASELINE_DEFAULTS, ...row.given });
    });

    it("starts every model active (not legacy, not archived) at row version 1", async () => {
      const { rows } = await db.query("SELECT id, is_legacy, is_archived, legacy_since, row_version FROM models ORDER BY id");
      expect(rows).toHaveLength(LEGACY_ROWS.length);
      for (const row of rows) expect(row).toEqual({ id: row.id, is_legacy: false, is_archived: false, legacy_since: null, row_version: 1 });
    });

    it("starts the catalog at version 1", async () => {
      const { rows } = await db.query("SELECT id, version::int AS version FROM catalog_state");
      expect(rows).toEqual([{ id: 1, version: 1 }]);
    });

    it.each([
      ["idx_models_meta_gin", /USING gin \(meta\)$/],
      ["idx_models_meta_required_tier", /USING btree \(\(\(?meta ->> 'requiredTier'/],
      ["idx_models_meta_capabilities", /USING gin \(\(\(?meta -> 'capabilities'/],
      ["idx_models_is_legacy", /USING btree \(is_legacy\)$/],
      ["idx_models_is_archived", /USING btree \(is_archived\)$/],
    ])("creates the seed's index %s", async (index, definition) => {
      const { rows } = await db.query("SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'models' AND indexname = $2", [
        db.name,
        index,
      ]);
      expect(rows).toHaveLength(1);
      expect(String(rows[0]?.indexdef)).toMatch(definition);
    });

    it("requires meta, as a JSON object, on new rows", async () => {
      const insert = (meta: string | null) =>
        db.query(
          "INSERT INTO models (id, name, provider, display_name, context_length, meta) VALUES ('new', 'new', 'p', 'New', 1, $1::jsonb)",
          [meta],
        );
      await expect(insert(null)).rejects.toThrow(/null value in column "meta"/);
      await expect(insert("[]")).rejects.toThrow(/models_meta_is_object/);
    });

    describe("the audit table", () => {
      beforeAll(async () => {
        await db.query(
          "INSERT INTO model_tier_audit_logs (admin_user_id, model_id, action, new_value, request_id) VALUES ('admin-1', 'full', 'archive', '{\"isArchived\": true}', 'req-1')",
        );
      });

      it("takes new rows, with the request id", async () => {
        const { rows } = await db.query("SELECT admin_user_id, model_id, action, new_value, request_id FROM model_tier_audit_logs");
        expect(rows).toEqual([
          { admin_user_id: "admin-1", model_id: "full", action: "archive", new_value: { isArchived: true }, request_id: "req-1" },
        ]);
      });

      it.each([
        ["UPDATE", "UPDATE model_tier_audit_logs SET reason = 'rewritten'"],
        ["DELETE", "DELETE FROM model_tier_audit_logs"],
        ["TRUNCATE", "TRUNCATE model_tier_audit_logs"],
      ])("refuses %s: it is append-only", async (op, statement) => {
        await expect(db.query(statement)).rejects.toThrow(`model_tier_audit_logs is append-only (${op} refused)`);
        const { rows } = await db.query("SELECT count(*)::int AS n, count(reason)::int AS with_reason FROM model_tier_audit_logs");
        expect(rows[0]).toEqual({ n: 1, with_reason: 0 });
      });
    });
  });

  describe("0003 contract", () => {
    let metaBefore: Record<string, unknown> = {};
    beforeAll(async () => {
      metaBefore = await metaById(db);
      expect(await migrate(db, MIGRATIONS, { to: "0003_contract" })).toEqual(["0003_contract"]);
      shapes.contracted = await schemaShape(db);
    });

    it("drops every flat column, leaving meta the only source", async () => {
      expect(await columnsOf(db, "models")).toEqual(
        [
          "created_at",
          "id",
          "is_archived",
          "is_available",
          "is_legacy",
          "legacy_since",
          "meta",
          "name",
          "provider",
          "row_version",
          "updated_at",
        ].sort(),
      );
    });

    it("leaves meta as expand built it", async () => {
      expect(await metaById(db)).toStrictEqual(metaBefore);
    });
  });

  describe("0005 catalog epoch", () => {
    let stateBefore: Record<string, unknown>[] = [];
    beforeAll(async () => {
      stateBefore = (await db.query("SELECT id, version::int AS version FROM catalog_state")).rows;
      expect(await migrate(db, MIGRATIONS, { to: "0005_catalog_epoch" })).toEqual(["0005_catalog_epoch"]);
      shapes.epoch = await schemaShape(db);
    });

    it("gives the catalog a random epoch beside its unchanged version", async () => {
      const { rows } = await db.query("SELECT id, version::int AS version, epoch FROM catalog_state");
      expect(rows.map(({ epoch, ...rest }) => rest)).toEqual(stateBefore);
      expect(String(rows[0]?.epoch)).toMatch(/^[0-9a-f]{32}$/);
    });

    it("gives every new epoch a fresh id", async () => {
      const epochs = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const { rows } = await db.query("SELECT md5(random()::text || clock_timestamp()::text) AS epoch");
        epochs.add(String(rows[0]?.epoch));
      }
      expect(epochs.size).toBe(3);
    });

    describe("its rollback", () => {
      beforeAll(async () => {
        expect(await rollbackLatest(db, MIGRATIONS)).toBe("0005_catalog_epoch");
      });

      it("forgets 0005 in the ledger and gives back the schema contract left, version kept", async () => {
        expect(await appliedNames(db)).toEqual(upTo("0003_contract"));
        expect(await schemaShape(db)).toEqual(shapes.contracted);
        expect((await db.query("SELECT id, version::int AS version FROM catalog_state")).rows).toEqual(stateBefore);
      });
    });
  });

  describe("rollback of 0003", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0003_contract");
    });

    it("forgets 0003 in the ledger", async () => {
      expect(await appliedNames(db)).toEqual(upTo("0002_expand"));
    });

    it.each(LEGACY_ROWS)("restores the flat columns of $id from meta", async (row) => {
      expect((await flatById(db))[row.id]).toEqual(expectedFlat(row));
    });

    it("gives back the table exactly as expand left it: columns, defaults, NOT NULLs, checks, indexes", async () => {
      expect(await schemaShape(db)).toEqual(shapes.expanded);
    });
  });

  describe("rollback of 0002", () => {
    beforeAll(async () => {
      expect(await rollbackLatest(db, MIGRATIONS)).toBe("0002_expand");
    });

    it("removes meta, the lifecycle flags, row versions, catalog state, idempotency keys and the audit trigger", async () => {
      for (const column of ["meta", "is_legacy", "is_archived", "legacy_since", "row_version"]) {
        expect(await columnsOf(db, "models")).not.toContain(column);
      }
      expect(await tableExists(db, "catalog_state")).toBe(false);
      expect(await tableExists(db, "idempotency_keys")).toBe(false);
    });

    it("gives back the baseline schema exactly", async () => {
      expect(await schemaShape(db)).toEqual(shapes.baseline);
    });

    it("keeps the restored flat data and the audit trail", async () => {
      const flat = await flatById(db);
      for (const row of LEGACY_ROWS) expect(flat[row.id]).toEqual(expectedFlat(row));
      const { rows } = await db.query("SELECT count(*)::int AS n FROM model_tier_audit_logs");
      expect(rows[0]?.n).toBe(1);
    });
  });

  describe("re-applying expand, contract and the epoch", () => {
    beforeAll(async () => {
      expect(await migrate(db, MIGRATIONS)).toEqual(["0002_expand", "0003_contract", "0005_catalog_epoch"]);
    });

    it.each(LEGACY_ROWS)("backfills the same meta for $id from the restored columns", async (row) => {
      expect((await metaById(db))[row.id]).toStrictEqual(expectedMeta(row));
    });

    it("ends with the same schema as the first time", async () => {
      expect(await schemaShape(db)).toEqual(shapes.epoch);
    });

    it("then has nothing left to apply", async () => {
      expect(await migrate(db, MIGRATIONS)).toEqual([]);
      expect(await appliedNames(db)).toEqual(names(MIGRATIONS));
    });
  });
});

// ---------------------------------------------------------------------------
// The runner, with small fake migrations.

const fake = (name: string, sql: string, down?: string): Migration => ({ name, sql, checksum: sha256(sql), down });

const A = fake("0001_a", "CREATE TABLE a (id int)", "DROP TABLE a");
const B = fake("0002_b", "CREATE TABLE b (id int); INSERT INTO b VALUES (1)", "DROP TABLE b");
const C = fake("0003_c", "CREATE TABLE c (id int)");

describe("migration runner", () => {
  let db: ScratchSchema;
  beforeEach(async () => {
    db = await ScratchSchema.create();
  });
  afterEach(async () => {
    await db?.drop();
  });

  describe("applying", () => {
    it("applies pending migrations in order and records each with its checksum", async () => {
      const applied: string[] = [];
      expect(await migrate(db, [A, B], { onApplied: (name) => applied.push(name) })).toEqual(["0001_a", "0002_b"]);
      expect(applied).toEqual(["0001_a", "0002_b"]);
      const { rows } = await db.query("SELECT name, checksum FROM schema_migrations ORDER BY name");
      expect(rows).toEqual([
        { name: "0001_a", checksum: A.checksum },
        { name: "0002_b", checksum: B.checksum },
      ]);
      expect(await tableExists(db, "b")).toBe(true);
    });

    it("applies nothing on a second run", async () => {
      await migrate(db, [A, B]);
      expect(await migrate(db, [A, B])).toEqual([]);
      const { rows } = await db.query("SELECT count(*)::int AS n FROM b");
      expect(rows[0]?.n).toBe(1); // B's INSERT did not run again
    });

    it("applies only new migrations when the list grows", async () => {
      await migrate(db, [A]);
      expect(await migrate(db, [A, B, C])).toEqual(["0002_b", "0003_c"]);
    });

    it("stops after `to`, and goes on from there next time", async () => {
      expect(await migrate(db, [A, B, C], { to: "0002_b" })).toEqual(["0001_a", "0002_b"]);
      expect(await tableExists(db, "c")).toBe(false);
      expect(await migrate(db, [A, B, C])).toEqual(["0003_c"]);
    });

    it("applies nothing when `to` names a migration already applied", async () => {
      await migrate(db, [A, B]);
      expect(await migrate(db, [A, B, C], { to: "0001_a" })).toEqual([]);
      expect(await tableExists(db, "c")).toBe(false);
    });

    it("refuses a `to` that names no migration, applying nothing", async () => {
      await expect(migrate(db, [A, B], { to: "0009_typo" })).rejects.toThrow(new MigrationError("there is no migration named 0009_typo"));
      expect(await tableExists(db, "a")).toBe(false);
    });
  });

  describe("a migration file changed after it was applied", () => {
    it("is refused with a clear message, and nothing else is applied", async () => {
      await migrate(db, [A]);
      const edited = fake("0001_a", "CREATE TABLE a (id bigint)");
      const error = await migrate(db, [edited, B]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toBe(
        `migration 0001_a.sql was changed after it was applied (recorded ${A.checksum.slice(0, 12)}, file ${edited.checksum.slice(0, 12)}); write a new migration instead`,
      );
      expect(await appliedNames(db)).toEqual(["0001_a"]);
      expect(await tableExists(db, "b")).toBe(false);
    });

    it("blocks a rollback too", async () => {
      await migrate(db, [A, B]);
      await expect(rollbackLatest(db, [A, fake("0002_b", "CREATE TABLE b (x text)", "DROP TABLE b")])).rejects.toThrow(
        /0002_b\.sql was changed/,
      );
      expect(await tableExists(db, "b")).toBe(true);
    });

    it("is refused when it disappeared", async () => {
      await migrate(db, [A, B]);
      await expect(migrate(db, [B, C])).rejects.toThrow(
        new MigrationError("migration 0001_a is recorded as applied but its file is missing"),
      );
      expect(await tableExists(db, "c")).toBe(false);
    });
  });

  describe("a failing migration", () => {
    // A valid statement, then a broken one: the first must not survive.
    const BROKEN = fake("0002_broken", "CREATE TABLE half_done (id int); INSERT INTO half_done VALUES (1); SELECT * FROM no_such_table");

    it("is rolled back entirely: no table, no ledger row, nothing after it", async () => {
      const error = await migrate(db, [A, BROKEN, C]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/^migration 0002_broken failed and was rolled back: .*no_such_table/);
      expect(await tableExists(db, "half_done")).toBe(false);
      expect(await appliedNames(db)).toEqual(["0001_a"]);
      expect(await tableExists(db, "c")).toBe(false);
    });

    it("can be fixed and applied, since it was never recorded", async () => {
      await migrate(db, [A, BROKEN]).catch(() => {});
      expect(await migrate(db, [A, fake("0002_broken", "CREATE TABLE half_done (id int)"), C])).toEqual(["0002_broken", "0003_c"]);
    });
  });

  describe("rollbackLatest", () => {
    it("runs the newest migration's rollback script and forgets it", async () => {
      await migrate(db, [A, B]);
      expect(await rollbackLatest(db, [A, B])).toBe("0002_b");
      expect(await tableExists(db, "b")).toBe(false);
      expect(await appliedNames(db)).toEqual(["0001_a"]);
      expect(await migrate(db, [A, B])).toEqual(["0002_b"]);
    });

    it("refuses a migration without a rollback script, changing nothing", async () => {
      await migrate(db, [A, C]);
      await expect(rollbackLatest(db, [A, C])).rejects.toThrow(
        new MigrationError("migration 0003_c has no rollback script (migrations/rollback/0003_c.down.sql)"),
      );
      expect(await appliedNames(db)).toEqual(["0001_a", "0003_c"]);
    });

    it("undoes a failing rollback script entirely", async () => {
      const badDown = fake("0002_b", B.sql, "DROP TABLE b; SELECT * FROM no_such_table");
      await migrate(db, [A, badDown]);
      await expect(rollbackLatest(db, [A, badDown])).rejects.toThrow(/^rollback of 0002_b failed and was undone: .*no_such_table/);
      expect(await tableExists(db, "b")).toBe(true);
      expect(await appliedNames(db)).toEqual(["0001_a", "0002_b"]);
    });

    it("refuses when nothing is applied", async () => {
      await expect(rollbackLatest(db, [A])).rejects.toThrow(new MigrationError("no migration has been applied"));
    });
  });
});

describe("0002 expand over rows the meta schema cannot accept", () => {
  let db: ScratchSchema;
  beforeAll(async () => {
    db = await ScratchSchema.create();
    await migrate(db, MIGRATIONS, { to: "0001_baseline" });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("stops with the offending ids and leaves the baseline untouched", async () => {
    await db.query(
      `INSERT INTO models (id, name, provider, display_name, context_length, max_output_tokens)
       VALUES ('fine', 'fine', 'x', 'Fine', 8192, 4096),
              ('blank-name', 'blank-name', 'x', '   ', 8192, NULL),
              ('too-much-output', 'too-much-output', 'x', 'Big', 4096, 8192)`,
    );
    await expect(migrate(db, MIGRATIONS)).rejects.toThrow(/cannot backfill meta for models: blank-name, too-much-output/);
    expect(await appliedNames(db)).toEqual(["0001_baseline"]);
    expect(await columnsOf(db, "models")).not.toContain("meta");
  });
});
