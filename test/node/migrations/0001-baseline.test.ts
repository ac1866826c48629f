/** 0001 baseline: the flat pre-refactor table the later migrations start from. */
import { describe, expect, it } from "vitest";
import { TIER_LADDER } from "../../../src/domain/model-meta";
import { flatById, insertLegacyRow, LEGACY_ROWS } from "../fixtures/legacy-catalog";
import { appliedNames, columnsOf, migrationUnderTest } from "./support";

describe("0001 baseline", () => {
  const m = migrationUnderTest("0001_baseline");

  it("applies alone with the runner's `to`", async () => {
    expect(await appliedNames(m.db)).toEqual(["0001_baseline"]);
  });

  it("is the flat pre-refactor table, with the subscription_tier enum", async () => {
    expect(await columnsOf(m.db, "models")).toEqual(
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
    const { rows } = await m.db.query("SELECT enum_range(NULL::subscription_tier)::text[] AS tiers");
    expect(rows[0]?.tiers).toEqual([...TIER_LADDER, "perpetual"]);
  });

  it("takes a row of every legacy column shape", async () => {
    for (const row of LEGACY_ROWS) await insertLegacyRow(m.db, row);
    expect(Object.keys(await flatById(m.db))).toHaveLength(LEGACY_ROWS.length);
  });
});
