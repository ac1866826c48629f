/** `catalog import FILE --from SOURCE [--out FILE]`: another catalog's published file as a declarative file to review; never a write. */
import { readFileSync } from "node:fs";
import { CatalogFileError, type FileFormat, parseDocumentText, writeCatalog } from "../catalog-file";
import { type CliContext, CliError, EXIT } from "../context";
import { formatReport, type ImportOptions, type ImportResult, type ImportSource } from "../importers/import-builder";
import { importLiteLlm } from "../importers/litellm";
import { importModelsDev } from "../importers/models-dev";
import { importOpenRouter } from "../importers/openrouter";

export const IMPORTERS: Record<ImportSource, (source: unknown, options: ImportOptions) => ImportResult> = {
  "models.dev": importModelsDev,
  litellm: importLiteLlm,
  openrouter: importOpenRouter,
};

export interface ImportCommandOptions {
  from: ImportSource;
  out?: string;
  format?: FileFormat;
  tier?: ImportOptions["tier"];
  provider?: string[];
}

export function importCommand(file: string, options: ImportCommandOptions, context: CliContext): number {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const { value } = parseDocumentText(text, file, "json");
  let result: ImportResult;
  try {
    result = IMPORTERS[options.from](value, {
      now: context.now(),
      ...(options.tier && { tier: options.tier }),
      ...(options.provider && { providers: options.provider }),
    });
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  writeCatalog(result.catalog, options.out, context.stdout, options.format ?? "yaml");
  context.stderr(formatReport(result.report, file, options.out));
  return EXIT.ok;
}
