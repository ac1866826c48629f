/**
 * JSON request bodies: bounded in size, strictly UTF-8, well-formed and not
 * absurdly nested, checked before zValidator applies the route's schema.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;
const MAX_JSON_DEPTH = 32;

export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
  if (bytes.byteLength === 0) {
    // Bodiless lifecycle calls (unmark-legacy, unarchive) may omit the body entirely.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve("{}");
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
  if (nestingDepth(value) > MAX_JSON_DEPTH) {
    throw new ApiError("invalid_request", `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  // zValidator re-reads the body from Hono's cache: the bytes checked here.
  await next();
});

const tooLarge = () => new ApiError("payload_too_large", `request body must be at most ${MAX_BODY_BYTES} bytes`);

function nestingDepth(value: unknown): number {
  // Iterative so hostile nesting cannot overflow the stack.
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}
