import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalogText } from "../../../scripts/catalog/catalog-file";
import { runCatalogCli } from "../../../scripts/catalog/cli";
import type { Fetch } from "../../../scripts/catalog/http-client";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-admin-token.signature";
const FIXTURES = new URL("../../fixtures/catalog/", import.meta.url).pathname;

async function run(args: string[], options: { fetch?: Fetch; env?: Record<string, string> } = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCatalogCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    now: () => new Date("2026-12-03T00:00:00Z"),
    ...(options.fetch && { fetch: options.fetch }),
  });
  return { code, stdout, stderr };
}

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
});
