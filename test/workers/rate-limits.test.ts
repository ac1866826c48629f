/**
 * Rate limits (src/http/rate-limit.ts), counted by Miniflare's Rate Limiting
 * binding. The suite runs with limits no test meets (vitest.config.ts); here
 * one policy at a time gets LOW_TEST_LIMITER's limit of LOW_TEST_RATE_LIMIT.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminToken, expectError, mintToken } from "./support/client";
import { uniqueId } from "./support/fixtures";
import { callWith, captureConsole, type TestEnv } from "./support/reliability";

const testBindings = env as unknown as { LOW_TEST_LIMITER: RateLimit; LOW_TEST_RATE_LIMIT: string };
const lowLimiter = testBindings.LOW_TEST_LIMITER;
const LOW_TEST_RATE_LIMIT = Number(testBindings.LOW_TEST_RATE_LIMIT);

/** An environment where one binding has the low limit, advertised as such. */
function lowLimitEnv(
  binding: "ANONYMOUS_LIMITER" | "AUTHENTICATED_LIMITER" | "WRITE_LIMITER" | "SIGN_IN_LIMITER",
  setting: string,
  extra = {},
) {
  return { ...env, [binding]: lowLimiter, [setting]: String(LOW_TEST_RATE_LIMIT), ...extra } as TestEnv;
}

/** A client address no other test uses: the low limiter's counters outlive a test. */
const uniqueIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

async function callTimes(environment: TestEnv, times: number, path: string, options: Parameters<typeof callWith>[2] = {}) {
  const answers: Response[] = [];
  for (let i = 0; i < times; i++) answers.push(await callWith(environment, path, options));
  return answers;
}

async function expectLimited(response: Response, policy: string) {
  await expectError(response, 429, "rate_limited");
  expect(response.headers.get("Retry-After")).toBe("60");
  expect(response.headers.get("RateLimit-Policy")).toBe(`"${policy}";q=${LOW_TEST_RATE_LIMIT};w=60`);
  expect(response.headers.get("RateLimit")).toBe(`"${policy}";r=0;t=60`);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("anonymous requests, per client IP", () => {
  const environment = lowLimitEnv("ANONYMOUS_LIMITER", "RATE_LIMIT_ANONYMOUS_PER_MINUTE");

  it("answers 429 with Retry-After and the RateLimit fields once an IP passes the limit", async () => {
    const ip = uniqueIp();
    const answers = await callTimes(environment, LOW_TEST_RATE_LIMIT, "/healthz", { headers: { "CF-Connecting-IP": ip } });
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get("RateLimit-Policy")).toBe(`"anonymous";q=${LOW_TEST_RATE_LIMIT};w=60`);
    }
    await expectLimited(await callWith(environment, "/healthz", { headers: { "CF-Connecting-IP": ip } }), "anonymous");
    await expectLimited(await callWith(environment, "/v1/models/gpt-4", { headers: { "CF-Connecting-IP": ip } }), "anonymous");
  });

  it("counts each IP on its own", async () => {
    const ip = uniqueIp();
    await callTimes(environment, LOW_TEST_RATE_LIMIT + 1, "/healthz", { headers: { "CF-Connecting-IP": ip } });
    expect((await callWith(environment, "/healthz", { headers: { "CF-Connecting-IP": uniqueIp() } })).status).toBe(200);
  });

  it("answers the OpenAI view's 429 in OpenAI's shape", async () => {
    const ip = uniqueIp();
    await callTimes(environment, LOW_TEST_RATE_LIMIT, "/healthz", { headers: { "CF-Connecting-IP": ip } });
    const response = await callWith(environment, "/openai/v1/models", { headers: { "CF-Connecting-IP": ip } });
    await expectError(response, 429, "rate_limited");
    expect(response.headers.get("Retry-After")).toBe("60");
  });
});

describe("requests with a token, per subject", () => {
  it("limits admin writes per subject, whatever the IP", async () => {
    const environment = lowLimitEnv("WRITE_LIMITER", "RATE_LIMIT_WRITES_PER_MINUTE");
    const subject = uniqueId("admin");
    const token = await adminToken(subject);
    // Every attempt counts, valid or not: an empty body is refused after the count.
    for (let i = 0; i < LOW_TEST_RATE_LIMIT; i++) {
      const answer = await callWith(environment, "/admin/models", { token, json: {}, headers: { "CF-Connecting-IP": uniqueIp() } });
      expect(answer.status).toBe(400);
    }
    await expectLimited(await callWith(environment, "/admin/models", { token, json: {} }), "writes");
    // Another admin, and this admin's reads, are counted apart.
    expect((await callWith(environment, "/admin/models", { token: await adminToken(uniqueId("admin")), json: {} })).status).toBe(400);
    expect((await callWith(environment, "/admin/models/legacy", { token })).status).toBe(200);
  });

  it("limits authenticated reads per subject", async () => {
    const environment = lowLimitEnv("AUTHENTICATED_LIMITER", "RATE_LIMIT_AUTHENTICATED_PER_MINUTE");
    const token = await mintToken({ sub: uniqueId("reader"), tier: "pro" });
    const answers = await callTimes(environment, LOW_TEST_RATE_LIMIT, "/healthz", { token });
    expect(answers.map((answer) => answer.status)).toEqual(Array(LOW_TEST_RATE_LIMIT).fill(200));
    await expectLimited(await callWith(environment, "/healthz", { token }), "authenticated");
  });
});

describe("the access gate", () => {
  const inference = uniqueId("svc-inference");
  const environment = lowLimitEnv("AUTHENTICATED_LIMITER", "RATE_LIMIT_AUTHENTICATED_PER_MINUTE", {
    RATE_LIMIT_EXEMPT_SUBJECTS: `someone-else, ${inference}`,
  });

  it("never limits a subject on the allowlist (the inference service)", async () => {
    const token = await mintToken({ sub: inference, tier: "enterprise_max" });
    const gate = `/v1/models/${uniqueId("absent")}/access`;
    const answers = await callTimes(environment, LOW_TEST_RATE_LIMIT * 3, gate, { token });
    expect(answers.map((answer) => answer.status)).toEqual(Array(LOW_TEST_RATE_LIMIT * 3).fill(404));
    expect(answers[0]?.headers.get("RateLimit-Policy")).toBeNull();
  });

  it("limits the allowlisted subject elsewhere, and other subjects on the gate", async () => {
    const token = await mintToken({ sub: inference, tier: "enterprise_max" });
    await callTimes(environment, LOW_TEST_RATE_LIMIT, "/healthz", { token });
    await expectLimited(await callWith(environment, "/healthz", { token }), "authenticated");
    const other = await mintToken({ sub: uniqueId("client"), tier: "pro" });
    const gate = `/v1/models/${uniqueId("absent")}/access`;
    await callTimes(environment, LOW_TEST_RATE_LIMIT, gate, { token: other });
    await expectLimited(await callWith(environment, gate, { token: other }), "authenticated");
  });
});

describe("the dashboard's sign-in page, per client IP", () => {
  it("answers 429 with Retry-After once an IP passes the limit", async () => {
    const environment = lowLimitEnv("SIGN_IN_LIMITER", "RATE_LIMIT_SIGN_IN_PER_MINUTE");
    const ip = uniqueIp();
    const answers = await callTimes(environment, LOW_TEST_RATE_LIMIT, "/admin/ui/sign-in", { headers: { "CF-Connecting-IP": ip } });
    expect(answers.map((answer) => answer.status)).toEqual(Array(LOW_TEST_RATE_LIMIT).fill(200));
    const limited = await callWith(environment, "/admin/ui/sign-in", { headers: { "CF-Connecting-IP": ip } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect(limited.headers.get("RateLimit")).toBe(`"sign_in";r=0;t=60`);
  });
});

describe("a limiter that fails", () => {
  it("lets the request through and logs it", async () => {
    const logs = captureConsole();
    const failing: RateLimit = {
      limit: async () => {
        throw new Error("rate limiter unreachable");
      },
    };
    const environment = { ...env, ANONYMOUS_LIMITER: failing } as TestEnv;
    const response = await callWith(environment, "/healthz", { headers: { "CF-Connecting-IP": uniqueIp() } });
    expect(response.status).toBe(200);
    const [line] = logs.events("rate_limit_unavailable");
    expect(line).toMatchObject({ level: "warn", policy: "anonymous", requestId: response.headers.get("X-Request-Id") });
  });
});
