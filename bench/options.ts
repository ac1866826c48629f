/** The flags of `npm run bench` (documented at the top of bench/run.ts, printed by --help). */
import { readFileSync } from "node:fs";

export interface BenchOptions {
  models: number[];
  quick: boolean;
  durationSeconds: number;
  connections: number;
  loadgen: string;
  install: boolean;
  write: boolean;
  strict: boolean;
  postgres: boolean;
  serve: boolean;
  /** Only these scenarios (keys as in the table: c, w, ...; "queries" for the JSONB queries); undefined: all. */
  only: Set<string> | undefined;
}

const KNOWN = new Set([
  "models",
  "quick",
  "postgres",
  "duration",
  "connections",
  "loadgen",
  "no-install",
  "write",
  "no-write",
  "strict",
  "serve",
  "only",
  "help",
]);

/** The first --flag that is not one of the bench's, if any. */
export const unknownOption = (argv: readonly string[]) => argv.find((arg) => arg.startsWith("--") && !KNOWN.has(arg.slice(2)));

/** Throws one clear line for a bad value. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string) => argv.includes(`--${name}`);
  const option = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    if (index < 0) return undefined;
    const value = argv[index + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`--${name} needs a value`);
    return value;
  };
  const positiveInt = (name: string, fallback: number, max: number): number => {
    const raw = option(name);
    if (raw === undefined) return fallback;
    const value = Number(raw.replace(/[_,]/g, ""));
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} takes a whole number from 1 to ${max}`);
    return value;
  };
  const quick = flag("quick");
  const only = option("only");
  const models = option("models");
  const options: BenchOptions = {
    models: models === undefined ? [1000, 10_000] : [positiveInt("models", 1000, 100_000)],
    quick,
    durationSeconds: positiveInt("duration", quick ? 3 : 10, 600),
    connections: positiveInt("connections", 4, 256),
    loadgen: option("loadgen") ?? "auto",
    install: !flag("no-install"),
    // CI's --quick smoke must not rewrite the committed numbers.
    // A partial run (--only) never rewrites the committed tables.
    write: only === undefined && (flag("write") || (!quick && !flag("no-write"))),
    strict: flag("strict"),
    postgres: flag("postgres"),
    serve: flag("serve"),
    only: only === undefined ? undefined : new Set(only.split(",").map((key) => key.trim())),
  };
  if (!["auto", "wrk", "autocannon"].includes(options.loadgen)) throw new Error("--loadgen is auto, wrk or autocannon");
  return options;
}

/** --help: print the doc comment at the top of the running script (its usage) and exit. */
export function printHelpIfAsked(argv: readonly string[], script: string): void {
  if (!argv.includes("--help")) return;
  console.log(
    readFileSync(new URL(script), "utf8")
      .split("*/")[0]
      ?.replace(/^\/\*\*\n?|^ \* ?/gm, ""),
  );
  process.exit(0);
}
