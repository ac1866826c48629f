/**
 * The Worker's configuration, validated once per isolate: a misconfigured
 * deployment answers 503 with one clear log line instead of failing deep
 * inside a request.
 */
import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** The only hosts an http:// key server may be on, and only in local development. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
const MIN_SECRET_BYTES = 32;

/** Requests a minute per key, as wrangler.toml's rate-limit bindings enforce them (`npm run dev` and production). */
export const RATE_LIMIT_DEFAULTS = { anonymous: 600, authenticated: 1200, writes: 60, sign_in: 30 } as const;

const perMinute = (fallback: number) =>
  z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").positive("must be positive").default(fallback);

const ConfigSchema = z
  .object({
    DATABASE_URL: z.string({ error: "is required" }).refine((value) => /^postgres(ql)?:\/\/[^/]+/.test(value), "must be a postgres:// URL"),
    /** Local development only: host:port of the WebSocket-to-Postgres proxy. */
    DB_WS_PROXY: z
      .string()
      .regex(/^[\w.-]+:\d+$/, "must be host:port")
      .optional(),
    /**
     * "true" only in the .dev.vars that `npm run dev` writes: a machine with no
     * identity provider. Set explicitly, never inferred from a request (Host,
     * URL) or from other settings. Relaxes the token rules marked below.
     */
    LOCAL_DEV: z
      .enum(["true", "false"], { error: 'must be "true" or "false"' })
      .optional()
      .transform((value) => value === "true"),
    JWT_SECRET: optionalString.refine(
      (value) => value === undefined || new TextEncoder().encode(value).length >= MIN_SECRET_BYTES,
      `must be at least ${MIN_SECRET_BYTES} bytes`,
    ),
    JWT_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: "must be a URL" }).optional()),
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
    /** Encrypts webhook signing secrets at rest (src/webhooks/secret-box.ts); webhooks are off without it. */
    WEBHOOK_SECRET_KEY: optionalString.refine((value) => value === undefined || value.length >= 32, "must be at least 32 characters"),
    /** Local development and tests only: webhooks may go to http://localhost and http://127.0.0.1. */
    ALLOW_LOCAL_WEBHOOKS: z
      .enum(["true", "false", ""], { error: 'must be "true" or "false"' })
      .optional()
      .transform((value) => value === "true"),
    // Rate limits (src/http/rate-limit.ts): requests a minute per key. The bindings in wrangler.toml enforce them;
    // these advertise them (RateLimit-Policy) and must equal the bindings' limits (defaults: wrangler.toml's).
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute(RATE_LIMIT_DEFAULTS.anonymous),
    RATE_LIMIT_AUTHENTICATED_PER_MINUTE: perMinute(RATE_LIMIT_DEFAULTS.authenticated),
    RATE_LIMIT_WRITES_PER_MINUTE: perMinute(RATE_LIMIT_DEFAULTS.writes),
    RATE_LIMIT_SIGN_IN_PER_MINUTE: perMinute(RATE_LIMIT_DEFAULTS.sign_in),
    /** Token subjects the access gate never limits (the inference service): comma-separated. */
    RATE_LIMIT_EXEMPT_SUBJECTS: z
      .string()
      .optional()
      .transform((value) => new Set((value ?? "").split(",").flatMap((subject) => (subject.trim() ? [subject.trim()] : [])))),
  })
  .superRefine((config, ctx) => {
    if (!config.JWT_SECRET && !config.JWT_JWKS_URL) {
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "one of JWT_SECRET or JWT_JWKS_URL is required" });
    }
    // Without both, any token the same key or identity provider signed for another service would be accepted.
    if (!config.LOCAL_DEV) {
      for (const name of ["JWT_ISSUER", "JWT_AUDIENCE"] as const) {
        if (!config[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required outside local development" });
      }
    }
    // Keys fetched over plain HTTP can be swapped by anyone on the path; a loopback key server is a developer's own.
    if (config.JWT_JWKS_URL) {
      const url = new URL(config.JWT_JWKS_URL);
      if (url.protocol === "http:" && !(config.LOCAL_DEV && LOOPBACK_HOSTS.has(url.hostname))) {
        ctx.addIssue({
          code: "custom",
          path: ["JWT_JWKS_URL"],
          message: 'must be an https:// URL (http:// only to a loopback host, with LOCAL_DEV="true")',
        });
      }
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const parsed = new WeakMap<object, ConfigResult>();

export function loadConfig(env: object): ConfigResult {
  let result = parsed.get(env);
  if (!result) {
    const outcome = ConfigSchema.safeParse(env);
    result = outcome.success
      ? { ok: true, config: outcome.data }
      : { ok: false, problems: outcome.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) };
    parsed.set(env, result);
  }
  return result;
}
