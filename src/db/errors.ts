/** What a database error says: its SQLSTATE, and whether it means the database is out of reach. */

/** Postgres SQLSTATE classes that mean "the database is not reachable or not accepting work". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && UNAVAILABLE_SQLSTATE.test(candidate.code)) return true;
    const message = typeof candidate.message === "string" ? candidate.message : "";
    if (/connect|connection|websocket|socket|ECONNREFUSED|timeout|terminated/i.test(message)) return true;
    current = candidate.cause;
  }
  return false;
}

/** The SQLSTATE of a Postgres error, looking through drizzle's wrapping. */
export function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
