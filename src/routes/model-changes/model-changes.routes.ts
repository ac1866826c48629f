/** The public change feed: what integrators follow instead of re-reading the whole list. */
import { createRoute, z } from "@hono/zod-openapi";
import { parseCursor } from "../../changes/cursor";
import { ChangeEventSchema } from "../../changes/events";
import { storedText } from "../../domain/text";
import { errorResponses, jsonContent, optionalBearer } from "../../http/openapi";

export const ChangeFeedSchema = z
  .strictObject({
    events: z.array(ChangeEventSchema),
    next_cursor: z.string().openapi({ description: "Send as `after` for the next page; on an empty page, the cursor that was sent" }),
  })
  .openapi("ChangeFeed");

export const feed = createRoute({
  method: "get",
  path: "/v1/models/changes",
  operationId: "listModelChanges",
  tags: ["Change feed"],
  summary: "The catalog's public changes, in commit order",
  security: optionalBearer,
  description:
    "One event per change, public fields only, in the order the changes committed; a cursor never skips an event. Without `after`, from the beginning. A full page never changes (cacheable for good); a partial one grows. The same events are pushed to webhooks.",
  request: {
    query: z.strictObject({
      after: storedText()
        .max(64)
        .refine((cursor) => parseCursor(cursor) !== undefined, "is not a cursor from this feed (use a next_cursor you were given)")
        .optional()
        .openapi({ description: "The next_cursor of the previous page", example: "1042.0" }),
      limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ description: "1-500, default 100" }),
    }),
  },
  responses: {
    200: {
      ...jsonContent(ChangeFeedSchema, "Events after the cursor"),
      headers: z.object({ "Cache-Control": z.string().openapi({ description: "Full page: immutable; partial page: 5 s" }) }),
    },
    ...errorResponses(),
  },
});
