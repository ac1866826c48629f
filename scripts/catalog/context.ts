/** What a command runs with: its output streams, environment, clock and network, passed in so tests run the CLI in-process. */
import { CatalogClient, type Fetch } from "./http-client";

export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
  fetch?: Fetch;
  /** True when stderr is a terminal: progress is one line rewritten in place. */
  interactive?: boolean;
}

/** Exit codes, as documented in docs/catalog-as-code.md. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

export class CliError extends Error {}

export interface ServiceOptions {
  url?: string;
  token?: string;
}

export const DEFAULT_URL = "http://localhost:8787";

export function serviceClient(options: ServiceOptions, context: CliContext): CatalogClient {
  const token = options.token ?? context.env.CATALOG_TOKEN;
  if (!token)
    throw new CliError("no admin token: pass --token or set CATALOG_TOKEN (e.g. CATALOG_TOKEN=$(npm run -s token -- --role admin))");
  return new CatalogClient({
    url: options.url ?? context.env.CATALOG_URL ?? DEFAULT_URL,
    token,
    ...(context.fetch && { fetch: context.fetch }),
  });
}

/** A progress line: rewritten in place on a terminal, silent otherwise (the step lines say the same). */
export function progress(context: CliContext) {
  let shown = false;
  return {
    update(text: string) {
      if (!context.interactive) return;
      context.stderr(`\r\x1b[2K${text}`);
      shown = true;
    },
    done() {
      if (shown) context.stderr("\r\x1b[2K");
      shown = false;
    },
  };
}
