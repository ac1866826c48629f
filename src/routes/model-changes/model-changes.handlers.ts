import { FEED_START, formatCursor, parseCursor } from "../../changes/cursor";
import { feedEventOf } from "../../changes/events";
import type { AppRouteHandler } from "../../http/router";
import { changesAfter } from "../../queries/model-changes";
import type * as routes from "./model-changes.routes";

export const feed: AppRouteHandler<typeof routes.feed> = async (c) => {
  const { after, limit } = c.req.valid("query");
  const position = (after === undefined ? undefined : parseCursor(after)) ?? FEED_START;
  const rows = await changesAfter(c.var.services.db, position, limit);
  const last = rows.at(-1);
  // Only later events can follow a position, so a full page is final; a partial one fills as changes commit.
  const cacheControl = rows.length === limit ? "public, max-age=31536000, immutable" : "public, max-age=5";
  return c.json({ events: rows.map(feedEventOf), next_cursor: formatCursor(last ?? position) }, 200, { "Cache-Control": cacheControl });
};
