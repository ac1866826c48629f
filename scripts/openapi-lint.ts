/**
 * npm run lint's OpenAPI step: writes the served document to a temporary file
 * and runs Spectral on it (spectral:oas + the OWASP API ruleset, .spectral.yaml),
 * failing on any error. The document is built in Node from the same
 * createApp() the Worker runs: no network, no database.
 *   tsx scripts/openapi-lint.ts [--keep FILE]   (--keep: also write the document to FILE)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Imported by path: this Node project's typecheck must not pull in the Worker's types.
const APP_MODULE = "../src/app";
const { createApp } = (await import(/* @vite-ignore */ APP_MODULE)) as {
  createApp(): { request(path: string, init: RequestInit, env: object): Promise<Response> };
};

const ROOT = new URL("..", import.meta.url).pathname;
// Settings that pass the config check; the document route never uses them.
const env = {
  DATABASE_URL: "postgres://catalog@127.0.0.1:1/catalog",
  JWT_SECRET: "s".repeat(40),
  JWT_ISSUER: "https://auth.invalid",
  JWT_AUDIENCE: "model-catalog",
};

const response = await createApp().request("/openapi.json", {}, env);
if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}: ${await response.text()}`);
const text = JSON.stringify(await response.json(), null, 2);

const keep = process.argv.indexOf("--keep");
if (keep !== -1 && process.argv[keep + 1]) writeFileSync(process.argv[keep + 1] as string, text);

const dir = mkdtempSync(join(tmpdir(), "catalog-openapi-"));
const file = join(dir, "openapi.json");
writeFileSync(file, text);
try {
  const spectral = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules/@stoplight/spectral-cli/dist/index.js"),
      "lint",
      file,
      "--ruleset",
      join(ROOT, ".spectral.yaml"),
      "--fail-severity",
      "error",
      "--display-only-failures",
    ],
    { stdio: "inherit", cwd: ROOT },
  );
  process.exitCode = spectral.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
