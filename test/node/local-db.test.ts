/**
 * The local stand-in for Neon: PGlite behind pglite-socket and the WebSocket
 * proxy, reached with the production driver.
 */
import type { Client } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../scripts/lib/database";
import { type LocalDatabase, parseDatabaseUrl, startLocalDatabase } from "../../scripts/lib/local-db";

describe("the embedded database behind the proxy", () => {
  let local: LocalDatabase;
  // Booting PGlite takes seconds; on a loaded 2-core machine more than the default 10.
  beforeAll(async () => {
    local = await startLocalDatabase({ dataDir: "memory://" });
  }, 60_000);
  afterAll(async () => {
    await local?.stop();
  });

  it("keeps concurrent clients' parameterized queries apart (one PGlite session underneath)", async () => {
    const clients: Client[] = await Promise.all(Array.from({ length: 12 }, () => connect(local.databaseUrl, local.wsProxy)));
    try {
      for (let round = 0; round < 5; round++) {
        // Different statements per client: interleaved Parse/Bind would bind one client's values to another's statement.
        const answers = await Promise.all(
          clients.map((client, i) =>
            i % 2
              ? client.query(`SELECT $1::int * ${i} AS v, $2::text AS tag`, [round, `client-${i}`])
              : client.query(`SELECT $1::int + ${i} AS v`, [round]),
          ),
        );
        for (const [i, answer] of answers.entries()) {
          expect(answer.rows[0]).toEqual(i % 2 ? { v: round * i, tag: `client-${i}` } : { v: round + i });
        }
      }
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  it("keeps a transaction's statements together while other clients query", async () => {
    const [a, b] = await Promise.all([connect(local.databaseUrl, local.wsProxy), connect(local.databaseUrl, local.wsProxy)]);
    try {
      await a.query("CREATE TABLE IF NOT EXISTS counter (n int)");
      await a.query("BEGIN");
      await a.query("INSERT INTO counter VALUES (1)");
      // b's query waits for a's transaction to end instead of running inside it.
      const reading = b.query("SELECT count(*)::int AS n FROM counter");
      await a.query("ROLLBACK");
      expect((await reading).rows[0]).toEqual({ n: 0 });
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });
});

describe("DATABASE_URL", () => {
  it.each([
    ["not a URL", "nonsense", /not a URL/],
    ["another scheme", "mysql://u:p@localhost/db", /must start with postgres/],
  ])("refuses %s with one clear line", (_what, value, message) => {
    expect(() => parseDatabaseUrl(value)).toThrow(message);
  });
});
