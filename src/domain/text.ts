/**
 * Text the database can store. PostgreSQL's `text` refuses U+0000 (SQLSTATE
 * 22021) and `jsonb` refuses `\u0000` in keys and values (22P05); a lone UTF-16
 * surrogate has no UTF-8 form (jsonb refuses its escape, a text column would
 * silently get U+FFFD). Every string a client sends goes through storedText() or
 * storableJsonProblem, so such input is a 400 naming the field, never a
 * database refusal. Pure.
 */
import { z } from "@hono/zod-openapi";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why the database cannot store `value`, or undefined. */
export function textProblem(value: string): string | undefined {
  if (value.includes("\0")) return "must not contain a NUL character (U+0000): the database cannot store it";
  if (LONE_SURROGATE.test(value)) return "must not contain an unpaired UTF-16 surrogate (U+D800-U+DFFF): it is not valid Unicode text";
  return undefined;
}

/** A string schema that refuses what the database cannot store; chain `.trim()`, `.min()`, `.regex()`... as on z.string(). */
export const storedText = () =>
  z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/**
 * The first key or string, at any depth of a JSON value, that the database
 * cannot store: its path and why. Iterative, so depth cannot overflow the stack.
 */
export function storableJsonProblem(value: unknown): { path: Array<string | number>; message: string } | undefined {
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length) {
    const [current, path] = stack.pop() as [unknown, Array<string | number>];
    if (typeof current === "string") {
      const problem = textProblem(current);
      if (problem) return { path, message: problem };
    }
    if (current === null || typeof current !== "object") continue;
    for (const [key, child] of Array.isArray(current) ? current.entries() : Object.entries(current)) {
      const keyProblem = typeof key === "string" ? textProblem(key) : undefined;
      if (keyProblem) return { path: [...path, key], message: `key ${keyProblem}` };
      stack.push([child, [...path, key]]);
    }
  }
  return undefined;
}
