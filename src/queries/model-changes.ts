/** The public change feed: events after a position, in commit order (see changes/cursor.ts). */
import { asc, sql } from "drizzle-orm";
import { changeEvents } from "../../drizzle/schema";
import type { FeedPosition } from "../changes/cursor";
import type { Database } from "../db/client";

export function changesAfter(db: Database, after: FeedPosition, limit: number) {
  return db
    .select()
    .from(changeEvents)
    .where(sql`(${changeEvents.catalogVersion}, ${changeEvents.seq}) > (${after.catalogVersion}::bigint, ${after.seq}::integer)`)
    .orderBy(asc(changeEvents.catalogVersion), asc(changeEvents.seq))
    .limit(limit);
}
