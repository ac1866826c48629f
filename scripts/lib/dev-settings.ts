/**
 * Local development settings, kept in the git-ignored .dev.vars that
 * wrangler reads. The JWT secret is made once and kept, so minted tokens
 * stay valid across restarts; so is the webhook secret key, so stored
 * webhook secrets stay readable.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export const DEV_VARS_FILE = new URL("../../.dev.vars", import.meta.url).pathname;
export const DEV_ISSUER = "model-catalog-dev";
export const DEV_AUDIENCE = "model-catalog";

export function readDevVars(): Record<string, string> {
  if (!existsSync(DEV_VARS_FILE)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(DEV_VARS_FILE, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (match?.[1]) vars[match[1]] = match[2] ?? "";
  }
  return vars;
}

export function writeDevVars(settings: { databaseUrl: string; wsProxy: string }) {
  const current = readDevVars();
  const vars = {
    // This machine is a developer's: see LOCAL_DEV in src/config.ts.
    LOCAL_DEV: "true",
    DATABASE_URL: settings.databaseUrl,
    DB_WS_PROXY: settings.wsProxy,
    JWT_SECRET: current.JWT_SECRET && current.JWT_SECRET.length >= 32 ? current.JWT_SECRET : randomBytes(32).toString("hex"),
    JWT_ISSUER: current.JWT_ISSUER ?? DEV_ISSUER,
    JWT_AUDIENCE: current.JWT_AUDIENCE ?? DEV_AUDIENCE,
    WEBHOOK_SECRET_KEY:
      current.WEBHOOK_SECRET_KEY && current.WEBHOOK_SECRET_KEY.length >= 32 ? current.WEBHOOK_SECRET_KEY : randomBytes(32).toString("hex"),
    // Webhooks to a receiver on this machine (http://localhost, http://127.0.0.1), for trying them out.
    ALLOW_LOCAL_WEBHOOKS: "true",
  };
  const body = Object.entries(vars)
    .map(([key, value]) => `${key}="${value}"`)
    .join("\n");
  writeFileSync(DEV_VARS_FILE, `# Written by \`npm run dev\`; local only, git-ignored.\n${body}\n`, { mode: 0o600 });
}
