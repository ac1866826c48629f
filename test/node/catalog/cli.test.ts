import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogText } from "../../../scripts/catalog/catalog-file";
import type { Fetch } from "../../../scripts/catalog/http-client";
import { runCli } from "./support";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-admin-token.signature";
const FIXTURES = new URL("../../fixtures/catalog/", import.meta.url).pathname;

const run = (args: string[], options: { fetch?: Fetch; env?: Record<string, string> } = {}) =>
  runCli(args, { env: options.env ?? {}, now: () => new Date("2026-12-03T00:00:00Z"), ...(options.fetch && { fetch: options.fetch }) });

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("the catalog CLI", () => {
  it("has help for itself and each command, with the exit codes", async () => {
    const top = await run(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/plan \[options\] <file>[\s\S]*apply[\s\S]*export[\s\S]*import/);
    for (const command of ["plan", "apply", "export", "import"]) {
      const help = await run([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: catalog ${command}`);
      expect(help.stdout).toContain("2  plan: the live catalog differs from FILE");
    }
    expect((await run(["plan", "--help"])).stdout).toContain("--prune");
    expect((await run(["import", "--help"])).stdout).toMatch(/"models.dev",\s+"litellm",\s+"openrouter"/);
  });

  it("exits 1 on a usage error", async () => {
    expect((await run(["frobnicate"])).code).toBe(1);
    expect((await run(["import", join(FIXTURES, "litellm-prices.json")])).stderr).toMatch(/--from <source>' not specified/);
    expect((await run(["import", join(FIXTURES, "litellm-prices.json"), "--from", "huggingface"])).code).toBe(1);
  });

  it("asks for a token before calling the service", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-cli-"));
    writeFileSync(join(dir, "c.yaml"), "models: []\n");
    const calls: string[] = [];
    const recording: Fetch = async (input) => {
      calls.push(String(input));
      return json(200, {});
    };
    const result = await run(["plan", join(dir, "c.yaml")], { fetch: recording });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining("no admin token: pass --token or set CATALOG_TOKEN") });
    expect(calls).toEqual([]);
  });

  it("never prints the token, not even when the server or the network error repeats it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-cli-"));
    writeFileSync(join(dir, "c.yaml"), "models: []\n");
    const seen: Array<string | null> = [];
    const echo: Fetch = async (_input, init) => {
      seen.push(new Headers(init?.headers).get("Authorization"));
      return json(401, { error: { code: "unauthorized", message: `token ${TOKEN} is not valid`, request_id: "r1" } });
    };
    const refused = await run(["export", "--token", TOKEN], { fetch: echo });
    expect(seen).toEqual([`Bearer ${TOKEN}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("answered 401 unauthorized: token [token] is not valid (request r1)");
    expect(refused.stderr).not.toContain(TOKEN);

    const broken: Fetch = async () => {
      throw new TypeError("fetch failed", { cause: new Error(`connect ECONNREFUSED with ${TOKEN}`) });
    };
    const unreachable = await run(["plan", join(dir, "c.yaml")], {
      fetch: broken,
      env: { CATALOG_TOKEN: TOKEN, CATALOG_URL: "http://127.0.0.1:9" },
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach http://127.0.0.1:9");
    expect(unreachable.stderr).not.toContain(TOKEN);
  });

  it("retries a read the server answers 503, then gives up with the server's message", async () => {
    let calls = 0;
    const busy: Fetch = async () => {
      calls++;
      return json(503, { error: { code: "database_unavailable", message: "try again shortly", request_id: "r2" } });
    };
    const result = await run(["export"], { fetch: busy, env: { CATALOG_TOKEN: TOKEN, CATALOG_URL: "http://127.0.0.1:9" } });
    expect(calls).toBe(3);
    expect(result.stderr).toContain("GET /v1/models?includeArchived=true answered 503 database_unavailable: try again shortly");
  }, 20_000);

  it("imports to a file (its format from the extension) and reports on stderr, offline", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-cli-"));
    const out = join(dir, "imported.json");
    const result = await run(["import", join(FIXTURES, "openrouter-models.json"), "--from", "openrouter", "--out", out, "--tier", "pro"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Imported 2 of 3 openrouter entries");
    expect(result.stderr).toContain("Skipped (1):\n  openrouter/auto");
    expect(result.stderr).toMatch(/Not mapped[\s\S]*pricing\.image: 1 entry/);
    const { catalog } = parseCatalogText(readFileSync(out, "utf8"), out, "json");
    expect(catalog.models.map((model) => [model.id, model.meta.requiredTier])).toEqual([
      ["fixture-lite:free", "pro"],
      ["fixture-router-pro", "pro"],
    ]);
    const missing = await run(["import", join(dir, "nope.json"), "--from", "litellm"]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot be read (ENOENT)") });
  });

  describe("aliases against the alias API of the spec", () => {
    const model = {
      id: "gpt-5",
      name: "gpt-5",
      provider: "openai",
      is_available: true,
      is_legacy: false,
      is_archived: false,
      meta: { displayName: "GPT-5" },
      row_version: 1,
    };
    /** A service with one model and the spec's alias routes; `moved` re-points gpt-latest behind the plan's back. */
    function aliasService(moved = false) {
      const writes: Array<{ method: string; path: string; ifMatch: string | null; key: string | null; body: unknown }> = [];
      let reads = 0;
      const fetch: Fetch = async (input, init) => {
        const url = new URL(String(input));
        const method = init?.method ?? "GET";
        if (method !== "GET") {
          const headers = new Headers(init?.headers);
          writes.push({
            method,
            path: url.pathname,
            ifMatch: headers.get("If-Match"),
            key: headers.get("Idempotency-Key"),
            body: JSON.parse(String(init?.body)),
          });
          return json(200, { alias: "gpt-latest", target_model_id: "gpt-5" });
        }
        if (url.pathname === "/v1/models")
          return json(200, { models: [{ id: "gpt-5" }, { id: "gpt-latest", alias_for: "gpt-4" }], total: 2 });
        if (url.pathname === "/admin/models/gpt-5") return json(200, { model });
        if (url.pathname === "/admin/aliases")
          return json(200, { aliases: [{ alias: "gpt-latest", target_model_id: "gpt-4", updated_at: "", updated_by: "x" }] });
        if (url.pathname === "/admin/aliases/gpt-latest") {
          reads++;
          const target = moved ? "o3" : "gpt-4";
          return new Response(JSON.stringify({ alias: "gpt-latest", target_model_id: target }), {
            headers: { ETag: '"a7"', "Content-Type": "application/json" },
          });
        }
        return json(404, { error: { code: "not_found", message: "no route", request_id: "r" } });
      };
      return { fetch, writes, reads: () => reads };
    }
    const file = () => {
      const dir = mkdtempSync(join(tmpdir(), "catalog-cli-"));
      const path = join(dir, "c.yaml");
      writeFileSync(
        path,
        "models:\n  - {id: gpt-5, name: gpt-5, provider: openai, meta: {displayName: GPT-5}}\naliases:\n  - {alias: gpt-latest, targetModelId: gpt-5}\n  - {alias: fast, targetModelId: gpt-5}\n",
      );
      return path;
    };
    const env = { CATALOG_TOKEN: TOKEN, CATALOG_URL: "http://127.0.0.1:9" };

    it("re-points with If-Match from the alias's ETag and creates the new one, each with an Idempotency-Key", async () => {
      const service = aliasService();
      const plan = await run(["plan", file()], { fetch: service.fetch, env });
      expect(plan.code).toBe(2);
      expect(plan.stdout).toContain("~ re-point alias gpt-latest: gpt-4 -> gpt-5");
      expect(plan.stdout).toContain("+ create alias fast -> gpt-5");
      const applied = await run(["apply", file()], { fetch: service.fetch, env });
      expect(applied.code).toBe(0);
      expect(service.writes).toEqual([
        {
          method: "PUT",
          path: "/admin/aliases/fast",
          ifMatch: null,
          key: expect.stringMatching(/^catalog-apply-/),
          body: { targetModelId: "gpt-5", reason: "catalog apply" },
        },
        {
          method: "PUT",
          path: "/admin/aliases/gpt-latest",
          ifMatch: '"a7"',
          key: expect.stringMatching(/^catalog-apply-/),
          body: { targetModelId: "gpt-5", reason: "catalog apply" },
        },
      ]);
    });

    it("sends nothing when an alias moved between the plan and its ETag", async () => {
      const service = aliasService(true);
      const applied = await run(["apply", file()], { fetch: service.fetch, env });
      expect(applied.code).toBe(1);
      expect(applied.stderr).toContain("Nothing was applied: alias gpt-latest changed since the plan read it (target gpt-4, now o3)");
      expect(service.reads()).toBe(1);
      expect(service.writes).toEqual([]);
    });
  });
});
