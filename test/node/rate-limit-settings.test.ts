/**
 * Rate limits: which policy counts a request (src/http/rate-limit.ts, pure),
 * and the limits wrangler.toml's bindings enforce equal the ones src/config.ts
 * advertises by default (what `npm run dev` and production run with).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bindingLimits, rateLimitVars, SETTING_OF_BINDING, withRateLimit } from "../../scripts/lib/rate-limit-settings";
import { loadConfig, RATE_LIMIT_DEFAULTS } from "../../src/config";
import { rateLimitFor } from "../../src/http/rate-limit-policy";

const WRANGLER_TOML = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
const BASE = {
  DATABASE_URL: "postgres://catalog@db.example/catalog",
  JWT_SECRET: "x".repeat(32),
  JWT_ISSUER: "https://auth.example",
  JWT_AUDIENCE: "model-catalog",
};

describe("the limits", () => {
  it("are 600 anonymous requests a minute per IP and 60 writes a minute per subject by default", () => {
    expect(RATE_LIMIT_DEFAULTS).toMatchObject({ anonymous: 600, writes: 60 });
  });

  it("that wrangler.toml's bindings enforce are the ones the settings advertise by default", () => {
    const loaded = loadConfig({ ...BASE });
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    const limits = bindingLimits(WRANGLER_TOML);
    expect(Object.keys(limits).sort()).toEqual(Object.keys(SETTING_OF_BINDING).sort());
    for (const [binding, setting] of Object.entries(SETTING_OF_BINDING)) {
      expect(loaded.config[setting as keyof typeof loaded.config], binding).toBe(limits[binding]);
    }
  });

  it("can be raised for a benchmark copy, bindings and settings together", () => {
    const raised = bindingLimits(withRateLimit(WRANGLER_TOML, 5_000_000));
    expect(Object.values(raised)).toEqual(Object.keys(SETTING_OF_BINDING).map(() => 5_000_000));
    const loaded = loadConfig({ ...BASE, ...rateLimitVars(5_000_000) });
    expect(loaded.ok && loaded.config.RATE_LIMIT_WRITES_PER_MINUTE).toBe(5_000_000);
  });

  it("refuses a setting that is not a positive whole number", () => {
    const loaded = loadConfig({ ...BASE, RATE_LIMIT_WRITES_PER_MINUTE: "lots" });
    expect(loaded.ok ? [] : loaded.problems).toEqual(["RATE_LIMIT_WRITES_PER_MINUTE: must be a whole number"]);
  });
});

describe("which policy counts a request", () => {
  const none = new Set<string>();
  const caller = (method: string, path: string, subject?: string) => ({ method, path, ip: "198.51.100.7", subject });

  it("counts anonymous callers by IP, reads and writes alike", () => {
    expect(rateLimitFor(caller("GET", "/v1/models"), none)).toEqual({ policy: "anonymous", key: "ip:198.51.100.7" });
    expect(rateLimitFor(caller("POST", "/admin/models"), none)).toEqual({ policy: "anonymous", key: "ip:198.51.100.7" });
  });

  it("counts callers with a token by subject: reads and writes apart", () => {
    expect(rateLimitFor(caller("GET", "/v1/models", "alice"), none)).toEqual({ policy: "authenticated", key: "sub:alice" });
    expect(rateLimitFor(caller("PATCH", "/admin/models/x/meta", "alice"), none)).toEqual({ policy: "writes", key: "sub:alice" });
  });

  it("counts the dashboard's sign-in by IP, with or without a token", () => {
    expect(rateLimitFor(caller("POST", "/admin/ui/sign-in", "alice"), none)).toEqual({ policy: "sign_in", key: "ip:198.51.100.7" });
  });

  it("never counts an exempt subject on the gate, and only there", () => {
    const exempt = new Set(["svc-inference"]);
    expect(rateLimitFor(caller("GET", "/v1/models/gpt-4/access", "svc-inference"), exempt)).toBeUndefined();
    expect(rateLimitFor(caller("GET", "/v1/models/gpt-4", "svc-inference"), exempt)?.policy).toBe("authenticated");
    expect(rateLimitFor(caller("GET", "/v1/models/gpt-4/access", "someone"), exempt)?.policy).toBe("authenticated");
    expect(rateLimitFor(caller("GET", "/v1/models/gpt-4/access"), exempt)?.policy).toBe("anonymous");
  });
});
