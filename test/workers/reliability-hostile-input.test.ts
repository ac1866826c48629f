/**
 * Hostile input on every JSON body route, in path ids and in query strings,
 * each taken from the route table (src/routes/index.ts) so a new route is
 * covered without editing this file.
 * Every case: a 4xx in the standard error shape, never a 500, and nothing
 * stored (the target model and its audit trail unchanged, no model created).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/body";
import { toApiError } from "../../src/http/failures";
import { routeTable } from "../../src/routes";
import { adminToken, call, expectError, mintToken } from "./support/client";
import { signIn, UI } from "./support/dashboard";
import { type AdminModel, createModel, modelState, sampleMeta, uniqueId, uniqueProvider } from "./support/fixtures";
import { abortAuditInsertsFor, directDatabase, expectNoInternals } from "./support/reliability";
import { exampleBody, isWrite, pathFor, type Route, routeName } from "./support/routes";

let target: AdminModel;
let replacement: AdminModel;
/** The id this test's create cases try to take: it must never exist. Fresh per test, so one failure cannot cascade. */
let unborn = uniqueId("unborn");
let token: string;

beforeAll(async () => {
  const provider = uniqueProvider();
  target = await createModel({ provider });
  replacement = await createModel({ provider });
  token = await adminToken();
});

beforeEach(() => {
  unborn = uniqueId("unborn");
});

afterAll(async () => {
  // Nothing a hostile body carried reached a prototype of this isolate.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isArchived).toBeUndefined();
});

/**
 * A valid request to a route, on the target model (create: of the unborn id),
 * so that the hostile part is its only fault. The body is an object here and
 * JSON text on the wire, so hostile keys can be spliced in verbatim (an object
 * literal would eat `__proto__`).
 */
const valid = (route: Route) => ({
  method: route.method.toUpperCase(),
  path: pathFor(route, target.id),
  body: exampleBody(route, { model: target, replacement, newId: unborn }) ?? {},
});
type Sample = ReturnType<typeof valid>;
/** Every route that takes a JSON body, from the route table. */
const BODY_ROUTES = routeTable.filter(isWrite).map(routeName);
const route = (name: string) => valid(routeTable.find((candidate) => routeName(candidate) === name) as Route);
const CREATE = "POST /admin/models";
const PATCH_META = "PATCH /admin/models/{id}/meta";
const MARK_LEGACY = "POST /admin/models/{id}/mark-legacy";
const ARCHIVE = "POST /admin/models/{id}/archive";
/**
 * A free-text field each route accepts: a hostile value there passes the
 * schema, so only the body guard can stop it. Routes without one (unmark-legacy,
 * unarchive) get an extra member instead, which their strict schema refuses too.
 */
const TEXT_FIELDS: Record<string, string> = {
  [CREATE]: "name",
  [PATCH_META]: "displayName",
  [MARK_LEGACY]: "deprecationNotice",
  [ARCHIVE]: "reason",
};

/** The valid body with `extra` (raw JSON members) added at the top level. */
const withMembers = (body: object, extra: string) => {
  const text = JSON.stringify(body);
  return text === "{}" ? `{${extra}}` : `${text.slice(0, -1)},${extra}}`;
};

const send = (r: Sample, body: BodyInit | null, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
  call(r.path, { method: r.method, token, headers, ...(body !== null && { body }) });

/** Runs one hostile request and proves it was refused cleanly and changed nothing. */
async function refused(request: () => Promise<Response>, status: number, code?: string) {
  const before = await modelState(target.id);
  const response = await request();
  const body = await expectError(response, status, code);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(await modelState(target.id)).toEqual(before);
  expect((await modelState(unborn)).model).toBeUndefined();
  return body;
}

/**
 * A body far past the limit, streamed without a length: counts what the
 * server pulled from it. Ends after 4 MB so that a server buffering it all
 * fails the test rather than hanging the run.
 */
function endlessStream() {
  const counter = { pulled: 0 };
  const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(16_000)}`);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= 4 * 1024 * 1024) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

const deepArrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe.each(BODY_ROUTES)("hostile bodies on %s", (name) => {
  it("413 for a body over the limit, with a truthful Content-Length", async () => {
    const r = route(name);
    await refused(() => send(r, withMembers(r.body, `"pad":"${"x".repeat(MAX_BODY_BYTES)}"`)), 413, "payload_too_large");
  });

  it("413 for a 4 MB chunked body without Content-Length, read no further than the limit", async () => {
    const { stream, counter } = endlessStream();
    await refused(() => send(route(name), stream), 413, "payload_too_large");
    expect(counter.pulled).toBeLessThan(MAX_BODY_BYTES + 64_000);
  });

  it("413 when Content-Length lies (claims 10 bytes, sends 200 KB)", async () => {
    const r = route(name);
    await refused(
      () => send(r, withMembers(r.body, `"pad":"${"x".repeat(200_000)}"`), { "Content-Type": "application/json", "Content-Length": "10" }),
      413,
      "payload_too_large",
    );
  });

  it("413 when Content-Length claims more than the limit", async () => {
    await refused(
      () => send(route(name), "{}", { "Content-Type": "application/json", "Content-Length": String(10 * MAX_BODY_BYTES) }),
      413,
    );
  });

  // The schemas refuse these bodies too (for other reasons): the message shows the depth guard saw them first.
  // test/workers/json-body.test.ts shows the guard alone refuses them, behind a route that accepts anything.
  it.each([
    ["arrays nested 20,000 deep", () => deepArrays(20_000)],
    ["objects nested 5,000 deep", () => `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`],
    ["a member nested 40 deep", () => withMembers(route(name).body, `"deep":${deepArrays(40)}`)],
  ])("400 for %s, refused by the depth guard", async (_, body) => {
    const refusal = await refused(() => send(route(name), body()), 400, "invalid_request");
    expect(refusal.error.message).toBe("request body nests deeper than 32 levels");
  });

  it("400 for invalid UTF-8 inside a text field the route accepts", async () => {
    const r = route(name);
    const field = TEXT_FIELDS[name];
    const encoded = new TextEncoder().encode(field ? JSON.stringify({ ...r.body, [field]: "ok__ok" }) : withMembers(r.body, `"note":"__"`));
    const at = new TextDecoder().decode(encoded).indexOf("__");
    for (const bad of [
      [0xc3, 0x28], // a 2-byte lead followed by a non-continuation byte
      [0xc0, 0xaf], // an overlong "/"
      [0xed, 0xa0], // the start of a UTF-16 surrogate, which UTF-8 may not encode
    ]) {
      const bytes = encoded.slice();
      bytes.set(bad, at);
      const refusal = await refused(() => send(r, bytes), 400, "invalid_request");
      expect(refusal.error.message).toBe("request body is not valid UTF-8");
    }
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"], ["application/jsonp"]])(
    "415 for Content-Type %s",
    async (type) => {
      await refused(() => send(route(name), JSON.stringify(route(name).body), { "Content-Type": type }), 415, "unsupported_media_type");
    },
  );

  it("415 for a body without Content-Type", async () => {
    // Bytes, not a string: a string body would get text/plain from the Request constructor.
    await refused(() => send(route(name), new TextEncoder().encode(JSON.stringify(route(name).body)), {}), 415, "unsupported_media_type");
  });

  it("400 with a bounded answer for a body with 2,000 unknown keys: the one issue's message is cut at 300 characters", async () => {
    const members = Array.from({ length: 2000 }, (_, i) => `"k${i}":1`).join(",");
    const body = await refused(() => send(route(name), withMembers(route(name).body, members)), 400, "invalid_request");
    const details = body.error.details as Array<{ message: string }>;
    expect(details.map((issue) => issue.message.length)).toEqual([301]);
    expect(details[0]?.message.endsWith("…")).toBe(true);
    expect(JSON.stringify(body).length).toBeLessThan(8000);
  });

  it("400 for a body that is not JSON", async () => {
    await refused(() => send(route(name), '{"reason": '), 400, "invalid_request");
  });

  it.each([
    ["__proto__", `"__proto__":{"isArchived":false,"polluted":true}`],
    ["a nested __proto__", `"x":{"y":{"__proto__":{"polluted":true}}}`],
  ])("400 for a %s key, refused by the body guard before any schema", async (_, member) => {
    const refusal = await refused(() => send(route(name), withMembers(route(name).body, member)), 400, "invalid_request");
    expect(refusal.error.message).toBe('the key "__proto__" is not allowed');
  });

  it.each([
    ["constructor", `"constructor":{"prototype":{"polluted":true}}`],
    ["prototype", `"prototype":{"polluted":true}`],
  ])("400 for a %s key, refused by the strict schema", async (_, member) => {
    await refused(() => send(route(name), withMembers(route(name).body, member)), 400, "invalid_request");
  });

  it.each([
    ["2^53 + 1", "9007199254740993"],
    ["-(2^53 + 1)", "-9007199254740993"],
    ["1e400 (Infinity)", "1e400"],
    ["12345678901234567890", "12345678901234567890"],
  ])("400 for the number %s, refused by the body guard", async (_, number) => {
    const refusal = await refused(() => send(route(name), withMembers(route(name).body, `"n":${number}`)), 400, "invalid_request");
    expect(refusal.error.message).toBe("numbers must lie between -(2^53 - 1) and 2^53 - 1");
  });
});

/** Characters PostgreSQL cannot store: it refuses a NUL in text and jsonb; an unpaired surrogate is not Unicode. */
const UNSTORABLE: Array<[string, string]> = [
  ["a NUL (U+0000)", "\u0000"],
  ["a lone high surrogate (U+D800)", "\uD800"],
  ["a lone low surrogate (U+DC00)", "\uDC00"],
];
type JsonPath = Array<string | number>;
/** Every string value and every object key of a JSON value, by path. */
function textSites(value: unknown, path: JsonPath = []): Array<{ path: JsonPath; kind: "value" | "key" }> {
  if (typeof value === "string") return [{ path, kind: "value" }];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(Array.isArray(value) ? [] : [{ path: [...path, key], kind: "key" as const }]),
    ...textSites(child, [...path, Array.isArray(value) ? Number(key) : key]),
  ]);
}
/** A copy of `body` with `bad` inside the string (or key) at `path`. */
function withTextAt(body: object, { path, kind }: { path: JsonPath; kind: "value" | "key" }, bad: string): object {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, copy);
  const last = path.at(-1) as string | number;
  const spliced = (text: string) => `${text.slice(0, 1)}${bad}${text.slice(1)}`;
  if (kind === "value") parent[last] = spliced(parent[last] as string);
  else {
    const entries = Object.entries(parent).map(([key, child]) => [key === last ? spliced(key) : key, child]);
    for (const key of Object.keys(parent)) delete parent[key];
    Object.assign(parent, Object.fromEntries(entries));
  }
  return copy;
}
/** Fields whose schema is an enum or a date: refused for not being one of the allowed values, not for the character. */
const ENUMERATED = new Set([
  "capabilities",
  "requiredTier",
  "tierRestrictionMode",
  "allowedTiers",
  "events",
  "sunsetDate",
  "action",
  "effectiveAt",
]);
const webhookCount = async () => (await (await call("/admin/webhooks", { token })).json<{ webhooks: unknown[] }>()).webhooks.length;
/** The write routes whose example carries text, with every string and key in it. */
const TEXT_ROUTES = routeTable
  .filter(
    (candidate) =>
      textSites(exampleBody(candidate, { model: { id: "m", provider: "p" }, replacement: { id: "r" }, newId: "n" })).length > 0,
  )
  .map(routeName);

describe("text the database cannot store, in every string field and key of every write", () => {
  it("covers every write whose example carries text", () => {
    expect(TEXT_ROUTES).toEqual(expect.arrayContaining([CREATE, PATCH_META, MARK_LEGACY, ARCHIVE, "POST /admin/webhooks"]));
  });

  describe.each(TEXT_ROUTES)("%s", (name) => {
    it.each(UNSTORABLE)("400 for %s, naming the field, nothing written", async (_, bad) => {
      const sites = textSites(route(name).body).filter((site) => site.kind === "value" || bad === "\u0000");
      const webhooks = await webhookCount();
      for (const site of sites) {
        const where = `${site.kind} ${site.path.join(".")}`;
        const refusal = await refused(
          () => send(route(name), JSON.stringify(withTextAt(route(name).body, site, bad))),
          400,
          "invalid_request",
        );
        const issues = refusal.error.details as Array<{ path: JsonPath; message: string }>;
        // A key is named by its object's path (an unknown key of a strict object, or its own issue, renamed).
        const near = (path: JsonPath) =>
          site.kind === "value"
            ? path.join(".") === site.path.join(".")
            : path.slice(0, site.path.length - 1).join(".") === site.path.slice(0, -1).join(".");
        const named = issues.filter(({ path }) => near(path));
        expect(named, where).not.toHaveLength(0);
        const field = site.path.find((key) => typeof key === "string" && key !== "meta");
        if (site.kind === "value" && !ENUMERATED.has(String(field))) {
          expect(named.map(({ message }) => message).join(" | "), where).toMatch(/U\+0000|surrogate/);
        }
      }
      expect(await webhookCount()).toBe(webhooks);
    });
  });

  it("accepts text with paired surrogates (an emoji) and stores it as sent", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const description = "Fast \u{1F680} and \uD83D\uDE00";
    const response = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token,
      json: { description, providerMetadata: { "k\u{1F680}": ["\u{1F600}"] } },
    });
    expect(response.status).toBe(200);
    const { meta } = (await modelState(model.id)).model as AdminModel;
    expect(meta.description).toBe(description);
    expect(meta.providerMetadata).toEqual({ "k\u{1F680}": ["\u{1F600}"] });
  });
});

describe("hostile meta (create and PATCH meta)", () => {
  /** [case, meta key, raw JSON value] */
  const metaCases: Array<[string, string, string]> = [
    ["meta.__proto__", "__proto__", `{"isArchived":true}`],
    ["meta.constructor", "constructor", `{"prototype":{"polluted":true}}`],
    ["meta.prototype", "prototype", `{"polluted":true}`],
    ["contextLength past the safe integer range", "contextLength", "9007199254740993"],
    ["contextLength 1e400", "contextLength", "1e400"],
    ["a cost past the safe integer range", "inputCostPerMillionTokens", "18446744073709551616"],
    ["providerMetadata of 60 KB", "providerMetadata", `{"blob":"${"x".repeat(60_000)}"}`],
    ["providerMetadata just over 8 KB", "providerMetadata", `{"blob":"${"x".repeat(8200)}"}`],
    ["providerMetadata 6 levels deep", "providerMetadata", `{"a":{"b":{"c":{"d":{"e":{"f":1}}}}}}`],
    ["providerMetadata 30 levels deep", "providerMetadata", `${`{"a":`.repeat(30)}1${"}".repeat(30)}`],
    ["providerMetadata with __proto__", "providerMetadata", `{"__proto__":{"polluted":true}}`],
    ["providerMetadata with an unsafe number", "providerMetadata", `{"n":9007199254740993}`],
    ["providerMetadata that is an array", "providerMetadata", "[1,2,3]"],
    ["a NUL in a providerMetadata value three levels down", "providerMetadata", `{"a":{"b":["ok","x\\u0000y"]}}`],
    ["a NUL in a providerMetadata key three levels down", "providerMetadata", `{"a":{"b":{"x\\u0000y":1}}}`],
    ["a lone surrogate in a providerMetadata key", "providerMetadata", `{"\\ud800":1}`],
    ["a NUL in a key of meta itself", "x\u0000y", `"z"`],
    ["a legacy field (set by mark-legacy only)", "sunsetDate", `"2099-01-01T00:00:00Z"`],
  ];

  it.each(metaCases)("create refuses %s", async (_, key, raw) => {
    // The key is removed first: with a duplicate key, JSON.parse keeps the last one and the case would test nothing.
    const { [key as keyof ReturnType<typeof sampleMeta>]: _dropped, ...meta } = sampleMeta();
    const body = withMembers(
      { id: unborn, name: unborn, provider: "hostile" },
      `"meta":${withMembers(meta, `${JSON.stringify(key)}:${raw}`)}`,
    );
    await refused(() => send(route(CREATE), body), 400, "invalid_request");
  });

  it.each(metaCases)("PATCH meta refuses %s", async (_, key, raw) => {
    await refused(() => send(route(PATCH_META), `{${JSON.stringify(key)}:${raw}}`), 400, "invalid_request");
  });

  // providerMetadata is free-form (z.json): these pass its schema, so only the body guard stands in the way.
  it.each([
    ["2^53 + 1 (would be stored as 2^53)", `{"n":9007199254740993}`, "numbers must lie between -(2^53 - 1) and 2^53 - 1"],
    ["20 digits (would lose its last digits)", `{"n":12345678901234567890}`, "numbers must lie between -(2^53 - 1) and 2^53 - 1"],
    ["__proto__ three levels down", `{"a":{"b":{"__proto__":{"polluted":true}}}}`, 'the key "__proto__" is not allowed'],
  ])("PATCH meta refuses a providerMetadata value the schema would take: %s", async (_, raw, message) => {
    const refusal = await refused(() => send(route(PATCH_META), `{"providerMetadata":${raw}}`), 400, "invalid_request");
    expect(refusal.error.message).toBe(message);
  });

  it("caps validation details at 20 issues, however many the body has", async () => {
    const body = JSON.stringify({
      id: unborn,
      name: unborn,
      provider: "hostile",
      // 20 bad tags (the most the array takes), and two more bad fields: 22 issues.
      meta: { ...sampleMeta(), complianceTags: Array.from({ length: 20 }, () => 12), description: 7, version: 8 },
    });
    const refusal = await refused(() => send(route(CREATE), body), 400, "invalid_request");
    expect(refusal.error.details).toHaveLength(20);
  });

  it("keeps constructor and prototype inside providerMetadata as plain data, polluting nothing", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    const response = await call(`/admin/models/${model.id}/meta`, {
      method: "PATCH",
      token,
      body: `{"providerMetadata":{"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}}`,
      headers: { "Content-Type": "application/json" },
    });
    expect(response.status).toBe(200);
    const stored = (await modelState(model.id)).model?.meta.providerMetadata as Record<string, unknown>;
    expect(Object.keys(stored).sort()).toEqual(["constructor", "prototype"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("hostile ids and dates in bodies", () => {
  const hostileIds: Array<[string, string]> = [
    ["SQL", "x' OR '1'='1"],
    ["a statement", "gpt-4; DROP TABLE models; --"],
    ["../", "../../etc/passwd"],
    ["NUL", "gpt\u00004"],
    ["10 KB", "a".repeat(10_000)],
    ["uppercase", "GPT-4"],
    ["an empty string", ""],
  ];

  it.each(hostileIds)("create refuses an id with %s", async (_, id) => {
    const body = JSON.stringify({ id, name: "x", provider: "hostile", meta: sampleMeta() });
    await refused(() => send(route(CREATE), body), 400, "invalid_request");
    expect((await call(`/admin/models/${encodeURIComponent(id)}`, { token })).status).toBe(404);
  });

  it.each(hostileIds)("mark-legacy refuses a replacementModelId with %s", async (_, id) => {
    await refused(() => send(route(MARK_LEGACY), JSON.stringify({ replacementModelId: id })), 400, "invalid_request");
  });

  it.each([
    ["30 February", "2099-02-30T00:00:00Z"],
    ["29 February of a common year", "2100-02-29T00:00:00Z"],
    ["month 13", "2099-13-01T00:00:00Z"],
    ["hour 24", "2099-01-01T24:00:00Z"],
    ["a date without a time", "2099-01-01"],
    ["a time without a zone", "2099-01-01T00:00:00"],
    ["a year past 9999", "+102099-01-01T00:00:00Z"],
    ["words", "next tuesday"],
    ["a number", 4102444800],
    ["a date in the past", "2020-01-01T00:00:00Z"],
  ])("mark-legacy refuses a sunsetDate that is %s", async (_, sunsetDate) => {
    await refused(() => send(route(MARK_LEGACY), JSON.stringify({ sunsetDate })), 400, "invalid_request");
  });

  it("archive refuses a reason of 10 KB and an empty one", async () => {
    await refused(() => send(route(ARCHIVE), JSON.stringify({ reason: "r".repeat(10_000) })), 400, "invalid_request");
    await refused(() => send(route(ARCHIVE), JSON.stringify({ reason: "   " })), 400, "invalid_request");
  });
});

describe("hostile ids in paths", () => {
  const pathIds: Array<[string, string]> = [
    ["SQL", encodeURIComponent("x' OR '1'='1")],
    ["a statement", encodeURIComponent("gpt-4; DROP TABLE models; --")],
    ["encoded ../", "..%2F..%2Fetc%2Fpasswd"],
    ["dot-dot", "%2e%2e"],
    ["NUL", "gpt%004"],
    ["10 KB", "a".repeat(10_000)],
    ["invalid percent-encoding", "%E0%A4%A"],
  ];

  it.each(pathIds)("404 on every route for an id with %s", async (_, id) => {
    const before = await modelState(target.id);
    // Every route with a model id in its path, each with an otherwise valid request.
    const attempts = routeTable
      .filter((candidate) => candidate.path.includes("{id}"))
      .map((candidate) => {
        const { method, body } = valid(candidate);
        return () => call(pathFor(candidate, id), { method, token, ...(isWrite(candidate) && { json: body }) });
      });
    expect(attempts.length).toBeGreaterThanOrEqual(9);
    for (const attempt of attempts) await expectError(await attempt(), 404, "not_found");
    expect(await modelState(target.id)).toEqual(before);
  });
});

describe("hostile query strings", () => {
  const thousands = (count: number) => Array.from({ length: count }, (_, i) => `p${i}=${i}`).join("&");

  it.each(routeTable.map((candidate) => [routeName(candidate), candidate] as const))(
    "400 for 5,000 parameters on %s",
    async (_, candidate) => {
      const { method, path, body } = valid(candidate);
      await refused(
        () => call(`${path}?${thousands(5000)}`, { method, token, ...(isWrite(candidate) && { json: body }) }),
        400,
        "invalid_request",
      );
    },
  );

  it.each([
    ["__proto__", "?__proto__=x"],
    ["constructor", "?constructor=x&prototype=y"],
    ["a repeated filter", "?provider=a&provider=b"],
    ["too many capabilities", `?${Array.from({ length: 6 }, () => "capability=text").join("&")}`],
    ["invalid percent-encoding", "?provider=%E0%A4%A"],
    ["a NUL in a filter", "?provider=open%00ai"],
    ["a NUL in a capability", "?capability=text%00"],
  ])("400 for %s in the list's query", async (_, query) => {
    await refused(() => call(`/v1/models${query}`), 400, "invalid_request");
  });

  it.each([
    ["a limit past the safe integer range", "limit=9007199254740993"],
    ["a cursor of 1e400", "before=1e400"],
    ["a negative limit", "limit=-1"],
    ["a repeated limit", "limit=1&limit=2"],
    ["__proto__", "__proto__=1"],
    ["a NUL in the cursor", "before=1%00"],
  ])("400 for %s in the audit query", async (_, query) => {
    await refused(() => call(`/admin/models/${target.id}/audit?${query}`, { token }), 400, "invalid_request");
  });
});

describe("NUL in the other query strings and paths", () => {
  it.each([
    ["the change feed's cursor", "/v1/models/changes?after=1.0%00"],
    ["the sunset window", "/admin/models/sunsets?within=30d%00"],
    ["a webhook's deliveries cursor", "/admin/webhooks/wh_0/deliveries?before=1%00"],
  ])("400 for a NUL in %s", async (_, path) => {
    await refused(() => call(path, { token }), 400, "invalid_request");
  });

  it.each([
    ["deliveries", (id: string) => call(`/admin/webhooks/${id}/deliveries`, { token })],
    ["rotate-secret", (id: string) => call(`/admin/webhooks/${id}/rotate-secret`, { token, json: {} })],
    ["delete", (id: string) => call(`/admin/webhooks/${id}`, { method: "DELETE", token })],
  ])("404 for a webhook id with a NUL on %s, nothing written", async (_, request) => {
    const before = await webhookCount();
    await expectError(await request("wh%00x"), 404, "not_found");
    expect(await webhookCount()).toBe(before);
  });

  it("the dashboard's model search refuses a NUL with 400, not an error page", async () => {
    const { cookie } = await signIn();
    const response = await call(`${UI}/models?q=gpt%00`, { headers: { Cookie: cookie } });
    expect(response.status).toBe(400);
  });
});

describe("a value the database refuses anyway (SQLSTATE class 22) answers 400, never 500", () => {
  it.each([
    ["a NUL in text (22021)", sql`SELECT ${"a\u0000b"}::text`],
    ["a NUL escape in jsonb (22P05)", sql`SELECT ${'{"a":"\\u0000"}'}::jsonb`],
    ["a lone surrogate escape in jsonb", sql`SELECT ${'{"a":"\\ud800"}'}::jsonb`],
    ["a number out of its type's range (22003)", sql`SELECT ${"40000"}::smallint`],
    ["a number that is not one (22P02)", sql`SELECT ${"x"}::integer`],
  ])("%s, straight from the database, maps to invalid_request with nothing internal", async (_, query) => {
    const handle = directDatabase();
    try {
      const refusal = await handle.db.execute(query).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeDefined();
      const apiError = toApiError(refusal);
      expect({ status: apiError.status, code: apiError.code, message: apiError.message }).toEqual({
        status: 400,
        code: "invalid_request",
        message: "a value in the request cannot be stored",
      });
      expect(apiError.options.details).toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  it.each(["22021", "22P05"])(
    "over HTTP: a write the database refuses with %s answers 400, rolled back, nothing internal",
    async (state) => {
      const actor = `refuses-${state}-${crypto.randomUUID().slice(0, 8)}`;
      const injected = await abortAuditInsertsFor(actor, state, 1_000);
      try {
        const model = await createModel({ provider: uniqueProvider() });
        const before = await modelState(model.id);
        const response = await call(`/admin/models/${model.id}/archive`, {
          token: await mintToken({ sub: actor, role: "admin" }),
          json: { reason: "refused by the database" },
        });
        const body = await expectError(response, 400, "invalid_request");
        expect(body.error.message).toBe("a value in the request cannot be stored");
        expectNoInternals(JSON.stringify(body), [actor, "injected"]);
        expect(await injected.attempts()).toBe(1);
        expect(await modelState(model.id)).toEqual(before);
      } finally {
        await injected.undo();
      }
    },
  );
});
