/**
 * The CLI against the real Worker: one throwaway service (PGlite with the
 * seed catalog, `wrangler dev` on a free loopback port) for the whole file;
 * each test goes on from the catalog the previous one left.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogFile, parseCatalogText, serializeCatalog } from "../../../scripts/catalog/catalog-file";
import type { Fetch } from "../../../scripts/catalog/http-client";
import { SEED_MODELS } from "../../../scripts/data/seed-catalog";
import { startSeededService } from "../../../scripts/lib/seeded-service";
import { runCli } from "./support";

const ROOT = new URL("../../../", import.meta.url).pathname;
let stopService = async () => {};
let baseUrl = "";
let token = "";
let dir = "";

beforeAll(async () => {
  // The CLI reads every model per plan: far more than a deployment's 1,200 reads a minute per subject in one test file.
  const service = await startSeededService({ name: "catalog-cli", rateLimit: 1_000_000 });
  stopService = service.stop;
  baseUrl = service.baseUrl;
  dir = service.workDir;
  const { secret, issuer, audience } = service.jwt;
  token = await new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("catalog-cli-test")
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(secret));
}, 240_000);

afterAll(() => stopService(), 60_000);

const cli = (args: string[], fetch?: Fetch) =>
  runCli(args, { env: { CATALOG_URL: baseUrl, CATALOG_TOKEN: token }, now: () => new Date(), ...(fetch && { fetch }) });

async function adminModel(id: string) {
  const response = await fetch(`${baseUrl}/admin/models/${id}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (
    (await response.json()) as { model: { is_legacy: boolean; is_archived: boolean; row_version: number; meta: Record<string, unknown> } }
  ).model;
}

const read = (file: string) => parseCatalogText(readFileSync(file, "utf8"), file, file.endsWith(".json") ? "json" : "yaml").catalog;
function write(file: string, catalog: CatalogFile) {
  writeFileSync(file, serializeCatalog(catalog, file.endsWith(".json") ? "json" : "yaml"));
}
function edit(catalog: CatalogFile, id: string, change: (meta: Record<string, unknown>) => void) {
  const model = catalog.models.find((entry) => entry.id === id);
  if (!model) throw new Error(`no ${id} in the file`);
  change(model.meta);
  return model;
}

describe("catalog as code against the running service", { timeout: 120_000 }, () => {
  it("exports the seeded catalog so that a plan of it has nothing to do", async () => {
    const file = join(dir, "catalog.yaml");
    const exported = await cli(["export", "--out", file]);
    expect(exported).toMatchObject({ code: 0 });
    const catalog = read(file);
    expect(catalog.models).toHaveLength(SEED_MODELS.length);
    expect(catalog.models.find((model) => model.id === "gpt-2")).toMatchObject({
      lifecycle: "archived",
      legacy: { replacementModelId: "gpt-3.5-turbo" },
    });
    expect(catalog.models.find((model) => model.id === "gpt-3.5-turbo")).toMatchObject({
      lifecycle: "legacy",
      legacy: { replacementModelId: "gpt-4" },
    });

    const plan = await cli(["plan", file]);
    expect(plan.stdout).toContain("No changes");
    expect(plan.code).toBe(0);
    // JSON to stdout: the same catalog.
    const json = await cli(["export", "--format", "json"]);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(serializeCatalog(catalog, "json")));
  });

  it("edit, plan (exit 2 and the diff), apply, plan again (exit 0, no diff)", async () => {
    const file = join(dir, "catalog.yaml");
    const catalog = read(file);
    edit(catalog, "gpt-4", (meta) => {
      meta.inputCostPerMillionTokens = 3100;
    });
    const gpt4o = edit(catalog, "gpt-4o", () => {});
    gpt4o.lifecycle = "legacy";
    gpt4o.legacy = { replacementModelId: "gpt-5", deprecationNotice: "Use GPT-5", sunsetDate: "2030-01-01T00:00:00Z" };
    catalog.models.push({
      id: "acme-cli-1",
      name: "acme-cli-1",
      provider: "acme",
      lifecycle: "active",
      meta: { ...(catalog.models[0]?.meta ?? {}), displayName: "Acme CLI 1" },
    });
    write(file, catalog);

    // The real entry point, as `npm run catalog` runs it (not spawnSync: the database runs in this process).
    const spawned = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(ROOT, "node_modules/.bin/tsx"),
        ["scripts/catalog/cli.ts", "plan", file],
        { cwd: ROOT, env: { ...process.env, CATALOG_URL: baseUrl, CATALOG_TOKEN: token } },
        (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });
    expect(spawned.stderr).toBe("");
    expect(spawned.status).toBe(2);
    expect(spawned.stdout).toContain("~ update gpt-4: 1 meta field(s)");
    expect(spawned.stdout).toContain("meta.inputCostPerMillionTokens: 3000 -> 3100");
    expect(spawned.stdout).toContain("! deprecate gpt-4o (mark legacy)");
    expect(spawned.stdout).toContain('legacy.replacementModelId: (none) -> "gpt-5"');
    expect(spawned.stdout).toContain("+ create model acme-cli-1 (provider acme)");
    expect(spawned.stdout).toContain("Plan: 1 to create, 1 to update, 1 to deprecate;");
    expect(spawned.stdout + spawned.stderr).not.toContain(token);

    const applied = await cli(["apply", file]);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("[3/3] done: deprecate gpt-4o (mark legacy)");
    expect((await adminModel("gpt-4")).meta.inputCostPerMillionTokens).toBe(3100);
    expect(await adminModel("gpt-4o")).toMatchObject({
      is_legacy: true,
      meta: { legacyReplacementModelId: "gpt-5", sunsetDate: "2030-01-01T00:00:00.000Z" },
    });
    expect((await adminModel("acme-cli-1")).meta.displayName).toBe("Acme CLI 1");

    const again = await cli(["plan", file]);
    expect(again.stdout).toContain("No changes");
    expect(again.code).toBe(0);
    const reapplied = await cli(["apply", file]);
    expect(reapplied).toMatchObject({ code: 0, stdout: expect.stringContaining("Nothing to do") });
  });

  it("a change made after the plan stops apply at that step with what changed; nothing after it is sent", async () => {
    const file = join(dir, "catalog.yaml");
    const catalog = read(file);
    edit(catalog, "gpt-4", (meta) => {
      meta.inputCostPerMillionTokens = 3200;
    });
    edit(catalog, "gpt-4o-mini", (meta) => {
      meta.inputCostPerMillionTokens = 20;
    });
    write(file, catalog);
    const before = await adminModel("gpt-4o-mini");
    let writes = 0;
    // Someone edits gpt-4 between apply's read and its first write.
    const racing: Fetch = async (input, init) => {
      if (init?.method !== undefined && init.method !== "GET" && writes++ === 0) {
        const response = await fetch(`${baseUrl}/admin/models/gpt-4/meta`, {
          method: "PATCH",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ description: "edited by someone else" }),
        });
        expect(response.status).toBe(200);
      }
      return fetch(input, init);
    };
    const applied = await cli(["apply", file], racing);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain("Stopped at: update gpt-4: 1 meta field(s)");
    expect(applied.stderr).toMatch(/model gpt-4 changed since the plan read it \(version \d+, now \d+\):/);
    expect(applied.stderr).toContain('meta.description: "OpenAI GPT-4 with 8K context" -> "edited by someone else"');
    expect(applied.stderr).toContain("Not done (2):");
    expect(applied.stderr).toContain("not done: update gpt-4o-mini: 1 meta field(s)");
    expect(writes).toBe(1);
    expect(await adminModel("gpt-4o-mini")).toMatchObject({
      row_version: before.row_version,
      meta: { inputCostPerMillionTokens: before.meta.inputCostPerMillionTokens },
    });
    expect((await adminModel("gpt-4")).meta.inputCostPerMillionTokens).toBe(3100);

    // Re-running plans from the catalog as it is now and finishes the job (the file wins: the description goes back).
    const rerun = await cli(["apply", file]);
    expect(rerun.code).toBe(0);
    expect((await adminModel("gpt-4")).meta).toMatchObject({
      inputCostPerMillionTokens: 3200,
      description: "OpenAI GPT-4 with 8K context",
    });
    expect((await adminModel("gpt-4o-mini")).meta.inputCostPerMillionTokens).toBe(20);
  });

  it("a refused step reports what was done and what was not; fixing the file and re-running finishes", async () => {
    const file = join(dir, "catalog.yaml");
    const catalog = read(file);
    edit(catalog, "claude-haiku-4-5", (meta) => {
      meta.outputCostPerMillionTokens = 555;
    });
    const badContext = edit(catalog, "gpt-4.1", (meta) => {
      meta.maxOutputTokens = 50_000_000;
    }).meta;
    write(file, catalog);
    const applied = await cli(["apply", file]);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain("Stopped at: update gpt-4.1: 1 meta field(s)");
    expect(applied.stderr).toMatch(/answered 400 invalid_request/);
    expect(applied.stderr).toMatch(/maxOutputTokens: must not exceed contextLength/);
    expect(applied.stderr).toContain("Done (1):\n  done: update claude-haiku-4-5: 1 meta field(s)");
    expect((await adminModel("claude-haiku-4-5")).meta.outputCostPerMillionTokens).toBe(555);

    badContext.maxOutputTokens = 16_384;
    write(file, catalog);
    const rerun = await cli(["apply", file]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain("[1/1] done: update gpt-4.1");
    expect((await cli(["plan", file])).code).toBe(0);
  });

  it("archives what the file archives, and with --prune what it leaves out", async () => {
    const file = join(dir, "catalog.yaml");
    const catalog = read(file);
    catalog.models = catalog.models.filter((model) => model.id !== "acme-cli-1");
    write(file, catalog);
    const kept = await cli(["plan", file]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain("1 live model(s) not in the file, left alone (--prune archives them): acme-cli-1");
    const pruned = await cli(["apply", file, "--prune"]);
    expect(pruned.code).toBe(0);
    expect((await adminModel("acme-cli-1")).is_archived).toBe(true);
    expect((await cli(["plan", file, "--prune"])).code).toBe(0);
  });

  it("plans aliases when the server has alias routes, and says it cannot when it has none", async () => {
    const file = join(dir, "aliases.yaml");
    write(file, { ...read(join(dir, "catalog.yaml")), aliases: [{ alias: "gpt-cli-latest", targetModelId: "gpt-5" }] });
    const probe = await fetch(`${baseUrl}/admin/aliases`, { headers: { Authorization: `Bearer ${token}` } });
    const plan = await cli(["plan", file]);
    if (probe.status === 404) {
      expect(plan.code).toBe(0);
      expect(plan.stdout).toContain("this server has no alias routes (GET /admin/aliases: 404): the file's 1 alias(es) are not planned");
    } else {
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain("+ create alias gpt-cli-latest -> gpt-5");
      expect((await cli(["apply", file])).code).toBe(0);
      expect((await cli(["plan", file])).code).toBe(0);
    }
  });

  it("the three importers' files plan and apply, creating the fixture models with their prices", async () => {
    const expected: Record<string, { source: string; models: Record<string, [number, number, "active" | "legacy"]> }> = {
      "models.dev": {
        source: "models-dev-api.json",
        models: { "fixture-omni-1": [250, 1000, "active"], "fixture-mini-0": [15, 60, "legacy"] },
      },
      litellm: {
        source: "litellm-prices.json",
        models: { "fixturecloud-chat-large": [250, 1000, "active"], "chat-small": [8, 30, "legacy"] },
      },
      openrouter: {
        source: "openrouter-models.json",
        models: { "fixture-router-pro": [125, 1000, "active"], "fixture-lite:free": [0, 0, "active"] },
      },
    };
    for (const [from, { source, models }] of Object.entries(expected)) {
      const out = join(dir, `${from}.yaml`);
      const imported = await cli(["import", join(ROOT, "test/fixtures/catalog", source), "--from", from, "--out", out]);
      expect(imported.code).toBe(0);
      expect(imported.stderr).toContain("Not mapped");
      // Until the server's meta has the richer fields (modalities, cache prices, ...), they are left out, and listed.
      const plan = await cli(["plan", out, "--drop-unknown-meta"]);
      expect(plan.code).toBe(2);
      for (const id of Object.keys(models)) expect(plan.stdout).toContain(`+ create model ${id}`);
      const applied = await cli(["apply", out, "--drop-unknown-meta"]);
      expect(applied.stderr).toBe("");
      expect(applied.code).toBe(0);
      for (const [id, [input, output, lifecycle]] of Object.entries(models)) {
        const model = await adminModel(encodeURIComponent(id));
        expect([
          model.meta.inputCostPerMillionTokens,
          model.meta.outputCostPerMillionTokens,
          model.is_legacy ? "legacy" : "active",
        ]).toEqual([input, output, lifecycle]);
      }
      const replanned = await cli(["plan", out, "--drop-unknown-meta"]);
      expect(replanned.code, `${replanned.stdout}\n${replanned.stderr}`).toBe(0);
    }
    const cached = await adminModel("fixture-omni-1");
    if ("cacheReadCostPerMillionTokens" in cached.meta || (await cli(["plan", join(dir, "models.dev.yaml")])).code === 0) {
      expect(cached.meta.cacheReadCostPerMillionTokens).toBe(25);
    }
  });

  it("a malformed file applies nothing and says where; a bad token is refused without being printed", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "models:\n  - id: gpt-4\n    name: gpt-4\n    provider: openai\n    lifecycle: gone\n    meta: {}\n");
    let requests = 0;
    const counting: Fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const applied = await cli(["apply", file], counting);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(`${file}:5:16: models[0].lifecycle:`);
    expect(applied.stderr).toContain("nothing was applied");
    expect(requests).toBe(0);

    const badToken = `${token.slice(0, -4)}AAAA`;
    const { code, stderr } = await runCli(["plan", join(dir, "catalog.yaml"), "--token", badToken], {
      env: { CATALOG_URL: baseUrl },
      now: () => new Date(),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/answered 401/);
    expect(stderr).not.toContain(badToken);
  });
});
