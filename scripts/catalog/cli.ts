/**
 * npm run catalog -- plan|apply|export|import ...: the catalog as code.
 * Exit codes: 0 done or nothing to do, 2 plan has changes, 1 error.
 * See docs/catalog-as-code.md.
 */
import { pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { TIER_LADDER } from "../../src/domain/model-meta";
import { CatalogFileError } from "./catalog-file";
import { applyCommand } from "./commands/apply";
import { exportCommand } from "./commands/export";
import { importCommand } from "./commands/import";
import { planCommand } from "./commands/plan";
import { type CliContext, CliError, DEFAULT_URL, EXIT } from "./context";
import { CatalogHttpError } from "./http-client";
import { IMPORT_SOURCES } from "./importers/import-builder";

const EXIT_CODES_HELP = `
Exit codes:
  0  done, or nothing to do
  2  plan: the live catalog differs from FILE (apply would change something)
  1  error: a malformed file, a refused or stale step, an unreachable service`;

const formatOption = () =>
  new Option("--format <format>", "stdout format when there is no --out").choices(["yaml", "json"]).default("yaml");

function program(context: CliContext, setExit: (code: number) => void): Command {
  const cli = new Command("catalog")
    .description("Keep the model catalog in a file: export it, edit it, review the plan, apply it.")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: context.stdout, writeErr: context.stderr })
    .addHelpText("after", EXIT_CODES_HELP);
  const service = (command: Command) =>
    command
      .addOption(new Option("--url <url>", `the catalog service (env CATALOG_URL; default ${DEFAULT_URL})`))
      .addOption(new Option("--token <jwt>", "an admin JWT (env CATALOG_TOKEN); never printed"));
  const planning = (command: Command) =>
    service(command)
      .option("--prune", "archive live models (and delete aliases) that FILE does not declare")
      .option("--reason <text>", "the reason recorded on archive calls")
      .option("--drop-unknown-meta", "leave out meta fields the server does not know (listed), instead of refusing the file");

  planning(cli.command("plan").argument("<file>", "a catalog file (.json, .yaml or .yml)"))
    .description("Show what apply would create, update, deprecate, archive or re-point; exit 2 when there is something to do.")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (file: string, options) => setExit(await planCommand(file, options, context)));

  planning(cli.command("apply").argument("<file>", "a catalog file (.json, .yaml or .yml)"))
    .description("Make the live catalog match FILE, step by step, with an Idempotency-Key and If-Match on every write.")
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (file: string, options) => setExit(await applyCommand(file, options, context)));

  service(cli.command("export"))
    .description("Write the live catalog in the declarative format (to stdout without --out).")
    .option("--out <file>", "write here; .json or .yaml/.yml decides the format")
    .addOption(formatOption())
    .addHelpText("after", EXIT_CODES_HELP)
    .action(async (options) => setExit(await exportCommand(options, context)));

  cli
    .command("import")
    .argument("<file>", "the source catalog's file")
    .description(
      "Turn models.dev's api.json, LiteLLM's model_prices_and_context_window.json or OpenRouter's /api/v1/models into a catalog file to review (never writes to the service).",
    )
    .addOption(new Option("--from <source>", "the source's format").choices([...IMPORT_SOURCES]).makeOptionMandatory())
    .option("--out <file>", "write here; .json or .yaml/.yml decides the format")
    .addOption(formatOption())
    .addOption(new Option("--tier <tier>", "requiredTier of every imported model").choices([...TIER_LADDER]).default("free"))
    .option("--provider <id>", "only this provider (repeatable)", (value: string, previous: string[] = []) => {
      if (!value) throw new InvalidArgumentError("needs a provider id");
      return [...previous, value];
    })
    .addHelpText("after", EXIT_CODES_HELP)
    .action((file: string, options) => setExit(importCommand(file, options, context)));
  return cli;
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit code. */
export async function runCatalogCli(argv: string[], context: CliContext): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program(context, (exit) => {
      code = exit;
    }).parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    if (error instanceof CatalogFileError) {
      context.stderr(`The file has problems; nothing was applied:\n${error.message}\n`);
      return EXIT.error;
    }
    if (error instanceof CliError || error instanceof CatalogHttpError) {
      context.stderr(`error: ${error.message}\n`);
      return EXIT.error;
    }
    context.stderr(`error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await runCatalogCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    interactive: process.stderr.isTTY === true,
  });
}
