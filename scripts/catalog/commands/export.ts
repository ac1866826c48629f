/** `catalog export [--out FILE]`: the live catalog in the declarative format; a plan of it has nothing to do. */
import { type CatalogFile, type FileFormat, writeCatalog } from "../catalog-file";
import { type CliContext, EXIT, progress, type ServiceOptions, serviceClient } from "../context";
import { type LiveCatalog, readLiveCatalog } from "../live-catalog";

export interface ExportOptions extends ServiceOptions {
  out?: string;
  format?: FileFormat;
}

export function toCatalogFile(live: LiveCatalog): CatalogFile {
  return {
    models: [...live.models.values()].map(({ version: _version, isLegacy: _isLegacy, ...model }) => model),
    aliases: [...(live.aliases?.values() ?? [])].map(({ alias, targetModelId }) => ({ alias, targetModelId })),
  };
}

export async function exportCommand(options: ExportOptions, context: CliContext): Promise<number> {
  const client = serviceClient(options, context);
  const line = progress(context);
  const live = await readLiveCatalog(client, (done, total) => line.update(`reading the live catalog: ${done}/${total} models`));
  line.done();
  writeCatalog(toCatalogFile(live), options.out, context.stdout, options.format ?? "yaml");
  const aliases = live.aliases === undefined ? "no aliases (this server has no alias routes)" : `${live.aliases.size} alias(es)`;
  context.stderr(`Exported ${live.models.size} model(s) and ${aliases} from ${client.url}${options.out ? ` to ${options.out}` : ""}.\n`);
  return EXIT.ok;
}
