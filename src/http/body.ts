/**
 * JSON request bodies: bounded in size, strictly UTF-8, well-formed, not
 * absurdly nested, with no `__proto__` key and no number JavaScript cannot
 * hold exactly; checked before the route's schema validates it.
 *
 * The body is read from the stream and abandoned as soon as it passes the
 * limit: a missing, wrong or lying Content-Length (or a chunked body) cannot
 * make us buffer more than MAX_BODY_BYTES.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;
const MAX_JSON_DEPTH = 32;

export const jsonRequestBody = createMiddleware<AppEnv>(async (c, next) => {
  const declared = c.req.header("Content-Length");
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  const bytes = await readAtMost(c.req.raw, MAX_BODY_BYTES);
  const cache = c.req.bodyCache as Record<string, unknown>;
  if (bytes.byteLength === 0) {
    // Bodiless lifecycle calls (unmark-legacy, unarchive) may omit the body entirely: validators read `{}`,
    // and the router's media-type check sees no body (it looks at the bytes).
    cache.text = Promise.resolve("{}");
    cache.arrayBuffer = Promise.resolve(new ArrayBuffer(0));
    return next();
  }
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError("unsupported_media_type", "request body must be application/json");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError("invalid_request", "request body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("invalid_request", "request body is not valid JSON");
  }
  const problem = jsonProblem(value);
  if (problem)
    throw new ApiError("invalid_request", problem.message, { details: [{ code: "custom", path: problem.path, message: problem.message }] });
  // The route's validator and the idempotency check re-read the body from Hono's cache: the text checked here.
  cache.text = Promise.resolve(text);
  await next();
});

const tooLarge = () => new ApiError("payload_too_large", `request body must be at most ${MAX_BODY_BYTES} bytes`);

/** The request body, or a 413 as soon as it passes `limit` bytes (the rest is never read). */
async function readAtMost(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The first thing in a parsed body no route may receive: nesting deeper than
 * MAX_JSON_DEPTH, a `__proto__` key (JSON.parse keeps it as an own key, and
 * any later `target[key] = value` would replace a prototype), or a number
 * outside ±2^53 - 1 (1e400 parses to Infinity, 2^53 + 1 silently to 2^53).
 * Iterative, so hostile nesting cannot overflow the stack.
 */
function jsonProblem(value: unknown): { path: Array<string | number>; message: string } | undefined {
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length) {
    const [current, path] = stack.pop() as [unknown, Array<string | number>];
    if (typeof current === "number" && !(Math.abs(current) <= Number.MAX_SAFE_INTEGER)) {
      return { path, message: "numbers must lie between -(2^53 - 1) and 2^53 - 1" };
    }
    if (current === null || typeof current !== "object") continue;
    if (path.length >= MAX_JSON_DEPTH) return { path: [], message: `request body nests deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(current)) {
      for (const [index, child] of current.entries()) stack.push([child, [...path, index]]);
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      if (key === "__proto__") return { path: [...path, key], message: 'the key "__proto__" is not allowed' };
      stack.push([child, [...path, key]]);
    }
  }
  return undefined;
}
