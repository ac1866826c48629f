/**
 * The JSON body guard (src/http/body.ts) alone, in front of a route that
 * accepts any JSON: every hostile value here would reach the handler without
 * it. The Worker tests (reliability-hostile-input) check the same refusals on
 * the real routes, where schemas refuse some of them as well.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { describe, expect, it } from "vitest";
import { jsonRequestBody, MAX_BODY_BYTES } from "../../src/http/body";
import { ApiError } from "../../src/http/errors";

const app = new Hono();
app.onError((error, c) =>
  error instanceof ApiError ? c.json({ code: error.code, message: error.message }, error.status) : c.json({ code: "crash" }, 500),
);
app.post("/", jsonRequestBody as unknown as MiddlewareHandler, async (c) => c.json({ received: JSON.parse(await c.req.text()) }));

async function post(body: BodyInit) {
  const response = await app.request("/", { method: "POST", body, headers: { "Content-Type": "application/json" } });
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string; received?: unknown } };
}

const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("the JSON body guard, in front of a route that takes anything", () => {
  it.each([
    ["33 levels of nesting", nested(33), "request body nests deeper than 32 levels"],
    ["20,000 levels of nesting", nested(20_000), "request body nests deeper than 32 levels"],
    ["a __proto__ key", `{"a":{"__proto__":{"polluted":true}}}`, 'the key "__proto__" is not allowed'],
    ["2^53 + 1", `{"n":9007199254740993}`, "numbers must lie between -(2^53 - 1) and 2^53 - 1"],
    ["-(2^53 + 1)", `[-9007199254740993]`, "numbers must lie between -(2^53 - 1) and 2^53 - 1"],
    ["1e400", `{"n":1e400}`, "numbers must lie between -(2^53 - 1) and 2^53 - 1"],
  ])("refuses %s", async (_, body, message) => {
    expect(await post(body)).toEqual({ status: 400, body: { code: "invalid_request", message } });
  });

  it.each([
    ["2-byte lead then ASCII", [0xc3, 0x28]],
    ["overlong /", [0xc0, 0xaf]],
    ["a UTF-16 surrogate", [0xed, 0xa0, 0x80]],
    ["a lone continuation byte", [0x80]],
  ])("refuses invalid UTF-8 inside a string (%s)", async (_, bad) => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"s":"'), ...bad, ...new TextEncoder().encode('"}')]);
    expect(await post(bytes)).toEqual({ status: 400, body: { code: "invalid_request", message: "request body is not valid UTF-8" } });
  });

  it(`refuses a body of ${MAX_BODY_BYTES} + 1 bytes with 413`, async () => {
    const body = `{"p":"${"x".repeat(MAX_BODY_BYTES - 7)}"}`;
    expect(body.length).toBe(MAX_BODY_BYTES + 1);
    expect((await post(body)).status).toBe(413);
  });

  it("lets everything just inside the limits through, unchanged", async () => {
    const inside = [
      nested(32),
      `{"s":"__proto__","o":{"constructor":1}}`,
      `[9007199254740991,-9007199254740991,1.5,-0.25]`,
      `{"s":"é ✓ 🙂"}`,
      `{"p":"${"x".repeat(MAX_BODY_BYTES - 8)}"}`,
    ];
    for (const body of inside) expect(await post(body)).toEqual({ status: 200, body: { received: JSON.parse(body) } });
  });
});
