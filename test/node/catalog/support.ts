/** The catalog CLI run in this process (as `npm run catalog` runs it), its exit code and output captured. */
import { runCatalogCli } from "../../../scripts/catalog/cli";
import type { Fetch } from "../../../scripts/catalog/http-client";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { env: Record<string, string>; now: () => Date; fetch?: Fetch }): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCatalogCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: options.env,
    now: options.now,
    ...(options.fetch && { fetch: options.fetch }),
  });
  return { code, stdout, stderr };
}
