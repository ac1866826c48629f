/** The Worker's configuration rules (src/config.ts): settings that would leave tokens open are refused. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";

const BASE = {
  DATABASE_URL: "postgres://catalog@db.example/catalog",
  JWT_SECRET: "x".repeat(32),
  JWT_ISSUER: "https://auth.example",
  JWT_AUDIENCE: "model-catalog",
};
const problemsOf = (env: Record<string, unknown>) => {
  const loaded = loadConfig({ ...env });
  return loaded.ok ? [] : loaded.problems;
};

describe("issuer and audience", () => {
  it.each(["JWT_ISSUER", "JWT_AUDIENCE"])("%s is required outside local development", (name) => {
    expect(problemsOf({ ...BASE, [name]: undefined })).toEqual([`${name}: is required outside local development`]);
    expect(problemsOf({ ...BASE, [name]: "  " })).toEqual([`${name}: is required outside local development`]);
    expect(problemsOf({ ...BASE, [name]: undefined, LOCAL_DEV: "false" })).toEqual([`${name}: is required outside local development`]);
  });

  it('may be left unset with LOCAL_DEV="true"', () => {
    expect(problemsOf({ ...BASE, JWT_ISSUER: undefined, JWT_AUDIENCE: undefined, LOCAL_DEV: "true" })).toEqual([]);
  });

  it('takes LOCAL_DEV only as "true" or "false"', () => {
    expect(problemsOf({ ...BASE, LOCAL_DEV: "yes" })).toEqual(['LOCAL_DEV: must be "true" or "false"']);
  });
});

describe("the HS256 secret", () => {
  it("must be at least 32 bytes", () => {
    expect(problemsOf({ ...BASE, JWT_SECRET: "x".repeat(31) })).toEqual(["JWT_SECRET: must be at least 32 bytes"]);
    expect(problemsOf({ ...BASE, JWT_SECRET: "x".repeat(32) })).toEqual([]);
  });

  it("is measured in bytes, not characters", () => {
    expect(problemsOf({ ...BASE, JWT_SECRET: "é".repeat(16) })).toEqual([]);
    expect(problemsOf({ ...BASE, JWT_SECRET: "é".repeat(15) })).toEqual(["JWT_SECRET: must be at least 32 bytes"]);
  });
});

describe("the JWKS URL", () => {
  const jwks = (url: string, localDev?: string) => ({ ...BASE, JWT_SECRET: undefined, JWT_JWKS_URL: url, LOCAL_DEV: localDev });
  const httpRefused = ['JWT_JWKS_URL: must be an https:// URL (http:// only to a loopback host, with LOCAL_DEV="true")'];

  it("must be https://", () => {
    expect(problemsOf(jwks("https://auth.example/.well-known/jwks.json"))).toEqual([]);
    expect(problemsOf(jwks("http://auth.example/.well-known/jwks.json"))).toEqual(httpRefused);
  });

  it("may be http:// to a loopback host in local development, and only there", () => {
    for (const host of ["127.0.0.1:9999", "localhost:9999", "[::1]:9999"]) {
      expect(problemsOf(jwks(`http://${host}/jwks.json`, "true"))).toEqual([]);
      expect(problemsOf(jwks(`http://${host}/jwks.json`))).toEqual(httpRefused);
    }
    expect(problemsOf(jwks("http://auth.example/jwks.json", "true"))).toEqual(httpRefused);
    expect(problemsOf(jwks("http://127.0.0.1.example.com/jwks.json", "true"))).toEqual(httpRefused);
  });

  it("must be a URL", () => {
    expect(problemsOf(jwks("ftp://auth.example/jwks.json"))).toEqual(["JWT_JWKS_URL: must be a URL"]);
  });
});

it("needs a secret or a key server", () => {
  expect(problemsOf({ ...BASE, JWT_SECRET: undefined })).toEqual(["JWT_SECRET: one of JWT_SECRET or JWT_JWKS_URL is required"]);
});
