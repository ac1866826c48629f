/**
 * The last pass over the generated OpenAPI document, for what is declared
 * once for every route rather than in each createRoute: the rate-limit and
 * CORS fields that middleware adds to every answer, and the range of zod's
 * integers, which the generator leaves out. Pure.
 */

type Json = { [key: string]: unknown };

const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

const INT32 = 2 ** 31;

/** zod's int() accepts safe integers only; the generator drops that range and names no format. */
function boundIntegers(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) boundIntegers(item);
    return;
  }
  if (!isObject(value)) return;
  const type = value.type;
  if (type === "integer" || (Array.isArray(type) && type.includes("integer"))) {
    // One bound each way: an integer's exclusive bound is an inclusive one a step further in.
    if (typeof value.exclusiveMinimum === "number" && value.minimum === undefined) {
      value.minimum = value.exclusiveMinimum + 1;
      delete value.exclusiveMinimum;
    }
    if (typeof value.exclusiveMaximum === "number" && value.maximum === undefined) {
      value.maximum = value.exclusiveMaximum - 1;
      delete value.exclusiveMaximum;
    }
    value.minimum ??= -Number.MAX_SAFE_INTEGER;
    value.maximum ??= Number.MAX_SAFE_INTEGER;
    const fits32 = Number(value.minimum) >= -INT32 && Number(value.maximum) < INT32;
    value.format ??= fits32 ? "int32" : "int64";
  }
  for (const child of Object.values(value)) boundIntegers(child);
}

const RATE_LIMIT_POLICY = "RateLimitPolicy";
const ALLOW_ORIGIN = "AccessControlAllowOrigin";

const HEADERS = {
  [RATE_LIMIT_POLICY]: {
    description:
      'The rate-limit policy this request was counted against (draft-ietf-httpapi-ratelimit-headers), e.g. "anonymous";q=600;w=60: q requests per w seconds. Absent on answers given before the count (a refused token) and for exempt callers.',
    required: false,
    schema: { type: "string", maxLength: 100 },
  },
  [ALLOW_ORIGIN]: {
    description: "Public reads may be called from any browser origin",
    required: true,
    schema: { type: "string", const: "*" },
  },
};

/** Public reads get CORS headers (app.ts); the admin API and health checks none. */
const PUBLIC_PATH = /^\/(v1|openai)\//;

/** Adds the cross-cutting response headers and integer ranges to a generated document, in place. */
export function finishDocument<D extends object>(document: D): D {
  const doc = document as Json;
  boundIntegers(doc.paths);
  boundIntegers(doc.components);
  doc.components ??= {};
  const components = doc.components as Json;
  components.headers = { ...(components.headers as Json | undefined), ...HEADERS };
  for (const [path, operations] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const operation of Object.values(operations)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!isObject(response) || !/^[24]/.test(status)) continue;
        response.headers ??= {};
        const headers = response.headers as Json;
        headers["RateLimit-Policy"] ??= { $ref: `#/components/headers/${RATE_LIMIT_POLICY}` };
        if (PUBLIC_PATH.test(path)) headers["Access-Control-Allow-Origin"] ??= { $ref: `#/components/headers/${ALLOW_ORIGIN}` };
      }
    }
  }
  return document;
}
