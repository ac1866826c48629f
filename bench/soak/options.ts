/** The flags of `npm run soak` (documented at the top of bench/soak/run.ts, printed by --help). */

export interface SoakOptions {
  durationSeconds: number;
  /** A temporary local PostgreSQL (as the bench's --postgres); otherwise PGlite, or DATABASE_URL's server. */
  postgres: boolean;
  /** Share of the flaky receiver's answers that fail (500) or time out (past the 10 s attempt timeout). */
  failShare: number;
  /** Synthetic models seeded beside the curated ones. */
  models: number;
  /** Write the results table into docs/reliability.md. */
  write: boolean;
}

const KNOWN = new Set(["duration", "postgres", "fail-share", "models", "write", "help"]);

export const unknownOption = (argv: readonly string[]) => argv.find((arg) => arg.startsWith("--") && !KNOWN.has(arg.slice(2)));

/** "90", "90s", "10m", "1h" in seconds; throws one clear line otherwise. */
export function parseDuration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "s" | "m" | "h"] : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 30 || seconds > 6 * 3600) {
    throw new Error(`--duration takes 30s to 6h (e.g. 60s, 10m), not ${raw}`);
  }
  return Math.round(seconds);
}

export function parseOptions(argv: readonly string[]): SoakOptions {
  const option = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    if (index < 0) return undefined;
    const value = argv[index + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
    return value;
  };
  const failShare = Number(option("fail-share") ?? "0.2");
  if (!(failShare >= 0 && failShare < 1)) throw new Error("--fail-share takes a share from 0 to below 1 (e.g. 0.2)");
  const models = Number(option("models") ?? "200");
  if (!Number.isInteger(models) || models < 10 || models > 10_000) throw new Error("--models takes a whole number from 10 to 10000");
  return {
    durationSeconds: parseDuration(option("duration") ?? "10m"),
    postgres: argv.includes("--postgres"),
    failShare,
    models,
    write: argv.includes("--write"),
  };
}
