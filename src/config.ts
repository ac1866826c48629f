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

const ConfigSchema = z
  .object({
    DATABASE_URL: z.string({ error: "is required" }).refine((value) => /^postgres(ql)?:\/\/[^/]+/.test(value), "must be a postgres:// URL"),
    /** Local development only: host:port of the WebSocket-to-Postgres proxy. */
    DB_WS_PROXY: z
      .string()
      .regex(/^[\w.-]+:\d+$/, "must be host:port")
      .optional(),
    JWT_SECRET: optionalString.refine((value) => value === undefined || value.length >= 16, "must be at least 16 characters"),
    JWT_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
  })
  .refine((config) => config.JWT_SECRET || config.JWT_JWKS_URL, {
    message: "one of JWT_SECRET or JWT_JWKS_URL is required",
    path: ["JWT_SECRET"],
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
