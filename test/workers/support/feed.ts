/** The public change feed (GET /v1/models/changes), read page by page the way an integrator follows it. */
import type { z } from "zod";
import type { ChangeEventSchema } from "../../../src/changes/events";
import type { ChangeFeedSchema } from "../../../src/routes/model-changes/model-changes.routes";
import { call } from "./client";

export type FeedEvent = z.infer<typeof ChangeEventSchema>;
export type FeedPage = z.infer<typeof ChangeFeedSchema>;

export async function feedPage(after?: string, limit = 500): Promise<FeedPage> {
  const query = new URLSearchParams({ limit: String(limit), ...(after !== undefined && { after }) });
  const response = await call(`/v1/models/changes?${query}`);
  if (response.status !== 200) throw new Error(`feed: ${response.status} ${await response.text()}`);
  return response.json<FeedPage>();
}

/** Every event after `after`, paging to the end; and the cursor there. */
export async function feedSince(after?: string): Promise<{ events: FeedEvent[]; cursor: string }> {
  const events: FeedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await feedPage(cursor);
    events.push(...page.events);
    cursor = page.next_cursor;
    if (page.events.length < 500) return { events, cursor };
  }
}

/** The feed's current end: events after it are the ones a test causes (and other files' writes). */
export const feedEnd = async () => (await feedSince()).cursor;
