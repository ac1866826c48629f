/**
 * Structured log lines (one JSON object each), as Workers Logs indexes them.
 * Errors are written through describeError: no stack, SQL or secrets.
 */
import { describeError } from "./http/failures";

type Fields = Record<string, unknown>;

function write(level: "info" | "warn" | "error", event: string, fields: Fields) {
  const line = JSON.stringify({ level, event, ...fields }, (_key, value) => (value instanceof Error ? describeError(value) : value));
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => write("info", event, fields),
  warn: (event: string, fields: Fields = {}) => write("warn", event, fields),
  error: (event: string, fields: Fields = {}) => write("error", event, fields),
};
