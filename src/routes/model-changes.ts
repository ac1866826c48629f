/**
 * GET /v1/models/changes: the public change feed, in commit order, paged by
 * cursor (changes/cursor.ts). A full page never changes, so it is cacheable
 * for good; a partial page grows as changes commit.
 */
import { Hono } from "hono";
import { z } from "zod";
import { FEED_START, formatCursor, parseCursor } from "../changes/cursor";
import { feedEventOf } from "../changes/events";
import type { AppEnv } from "../http/context";
import { validate } from "../http/validate";
import { changesAfter } from "../queries/model-changes";

export const FeedQuerySchema = z.strictObject({
  after: z
    .string()
    .refine((cursor) => parseCursor(cursor) !== undefined, "is not a cursor from this feed (use a next_cursor you were given)")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const modelChanges = new Hono<AppEnv>().get("/", validate("query", FeedQuerySchema), async (c) => {
  const { after, limit } = c.req.valid("query");
  const position = (after === undefined ? undefined : parseCursor(after)) ?? FEED_START;
  const rows = await changesAfter(c.var.services.db, position, limit);
  const last = rows.at(-1);
  const nextCursor = last ? formatCursor(last) : formatCursor(position);
  c.header("Cache-Control", rows.length === limit ? "public, max-age=31536000, immutable" : "public, max-age=5");
  return c.json({ events: rows.map(feedEventOf), next_cursor: nextCursor });
});
