/**
 * A legacy catalog for the migration tests: a throwaway schema to migrate in,
 * one row per column shape the pre-refactor table allows (with the meta the
 * expand migration must build and the flat columns a rollback must restore),
 * and readers for both.
 */
import { randomBytes } from "node:crypto";
import type { Client } from "@neondatabase/serverless";
import { inject } from "vitest";
import { connect } from "../../scripts/lib/database";
import type { SqlSession } from "../../scripts/lib/migrations";
import { TIER_LADDER } from "../../src/domain/model-meta";

type Rows = { rows: Record<string, unknown>[] };

/**
 * A throwaway schema that the migration SQL (unqualified names) lands in.
 * The embedded PGlite serves every connection from ONE session, so a
 * session-level `SET search_path` would redirect the other test files too:
 * every statement runs in a transaction that sets the path with SET LOCAL,
 * the runner's own BEGIN ... COMMIT included.
 */
export class ScratchSchema implements SqlSession {
  private inTransaction = false;
  /** Runs inside each transaction just before it commits (the migration tests read pg_locks there). */
  beforeCommit?: () => Promise<void>;

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
    if (verb === "COMMIT" && this.beforeCommit) await this.beforeCommit();
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

/** Everything about a schema that a migration or rollback changes, in a comparable form. */
export async function schemaShape(db: ScratchSchema) {
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

export async function columnsOf(db: ScratchSchema, table: string): Promise<string[]> {
  const { rows } = await db.query(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name",
    [db.name, table],
  );
  return rows.map((row) => String(row.column_name));
}

export async function appliedNames(db: ScratchSchema): Promise<string[]> {
  const { rows } = await db.query("SELECT name FROM schema_migrations ORDER BY name");
  return rows.map((row) => String(row.name));
}

export async function tableExists(db: ScratchSchema, table: string): Promise<boolean> {
  const { rows } = await db.query("SELECT to_regclass($1) IS NOT NULL AS present", [table]);
  return rows[0]?.present === true;
}

// ---------------------------------------------------------------------------
// Legacy rows: one per column shape the pre-refactor table allows.

export interface FlatColumns {
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

export interface LegacyRow {
  id: string;
  why: string;
  /** Columns given to INSERT; the rest take the baseline's defaults. */
  given: Partial<FlatColumns> & Pick<FlatColumns, "display_name" | "context_length">;
  /** The exact meta the expand migration must build. */
  meta: Record<string, unknown>;
  /** Where the flat columns restored from meta differ from what was inserted (derived values). */
  restored?: Partial<FlatColumns>;
}

export const BASELINE_DEFAULTS: Omit<FlatColumns, "display_name" | "context_length"> = {
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

export const LEGACY_ROWS: LegacyRow[] = [
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
export const expectedMeta = (row: LegacyRow) => Object.fromEntries(Object.entries(row.meta).filter(([, value]) => value !== undefined));
export const expectedFlat = (row: LegacyRow): FlatColumns => ({ ...BASELINE_DEFAULTS, ...row.given, ...row.restored });

const CASTS: Record<string, string> = {
  capabilities: "::text[]",
  required_tier: "::subscription_tier",
  allowed_tiers: "::subscription_tier[]",
};

export async function insertLegacyRow(db: ScratchSchema, row: LegacyRow) {
  const entries = Object.entries({ id: row.id, name: row.id, provider: "legacy", ...row.given });
  const columns = entries.map(([column]) => column).join(", ");
  const values = entries.map(([column], i) => `$${i + 1}${CASTS[column] ?? ""}`).join(", ");
  await db.query(
    `INSERT INTO models (${columns}) VALUES (${values})`,
    entries.map(([, value]) => value),
  );
}

export async function metaById(db: ScratchSchema): Promise<Record<string, unknown>> {
  const { rows } = await db.query("SELECT id, meta FROM models ORDER BY id");
  return Object.fromEntries(rows.map((row) => [String(row.id), row.meta]));
}

export async function flatById(db: ScratchSchema): Promise<Record<string, FlatColumns>> {
  const { rows } = await db.query(`
    SELECT id, display_name, description, version, capabilities, context_length, max_output_tokens,
           input_cost_per_million_tokens, output_cost_per_million_tokens, credits_per_1k_tokens,
           required_tier::text AS required_tier, tier_restriction_mode, allowed_tiers::text[] AS allowed_tiers, is_available
      FROM models ORDER BY id`);
  return Object.fromEntries(rows.map(({ id, ...flat }) => [String(id), flat as unknown as FlatColumns]));
}
