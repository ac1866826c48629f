/** Reads about the database itself. */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

/** The cheapest round trip: proves a connection and an answering server. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}
