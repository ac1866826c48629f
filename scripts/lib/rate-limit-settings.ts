/**
 * The rate-limit bindings of wrangler.toml, read and rewritten as text: the
 * benchmark runs a copy of the Worker whose bindings (and the RATE_LIMIT_*
 * settings that advertise them) allow far more than its load generator
 * sends, and a test keeps wrangler.toml's limits equal to src/config.ts's defaults.
 */

/** `[[ratelimits]]` blocks: binding name and its simple limit. */
const BLOCK = /\[\[ratelimits\]\]\s*\nname\s*=\s*"([A-Z_]+)"[^[]*?simple\s*=\s*\{\s*limit\s*=\s*(\d+)/g;

/** The settings that advertise each binding's limit (src/config.ts). */
export const SETTING_OF_BINDING: Record<string, string> = {
  ANONYMOUS_LIMITER: "RATE_LIMIT_ANONYMOUS_PER_MINUTE",
  AUTHENTICATED_LIMITER: "RATE_LIMIT_AUTHENTICATED_PER_MINUTE",
  WRITE_LIMITER: "RATE_LIMIT_WRITES_PER_MINUTE",
  SIGN_IN_LIMITER: "RATE_LIMIT_SIGN_IN_PER_MINUTE",
};

export function bindingLimits(toml: string): Record<string, number> {
  return Object.fromEntries([...toml.matchAll(BLOCK)].map(([, name, limit]) => [name as string, Number(limit)]));
}

/** wrangler.toml with every rate-limit binding's limit set to `limit`. */
export function withRateLimit(toml: string, limit: number): string {
  return toml.replace(BLOCK, (block, _name, old: string) => block.replace(new RegExp(`limit\\s*=\\s*${old}$`), `limit = ${limit}`));
}

/** The RATE_LIMIT_* settings that advertise `limit` for every binding. */
export const rateLimitVars = (limit: number): Record<string, string> =>
  Object.fromEntries(Object.values(SETTING_OF_BINDING).map((setting) => [setting, String(limit)]));
