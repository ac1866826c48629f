/**
 * Errors on the OpenAI-compatible view use OpenAI's shape, so the SDKs
 * surface them as APIError with the right status, type and code.
 */
import type { ApiError } from "../../http/errors";
import type { OpenAIError } from "../../http/openapi";

function typeFor(status: number): OpenAIError["error"]["type"] {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function codeFor(error: ApiError, path: string): string {
  if (error.code === "not_found") return /^\/openai\/v1\/models\/[^/]+$/.test(path) ? "model_not_found" : "unknown_url";
  return error.code;
}

/** The message, with the first validation issue spelled out (OpenAI's shape has no details). */
function messageFor(error: ApiError): string {
  const issues = error.options.details;
  if (!Array.isArray(issues) || issues.length === 0) return error.message;
  const [first] = issues as { path?: unknown[]; message?: string }[];
  const where = first?.path?.length ? `${first.path.join(".")}: ` : "";
  return `${error.message}: ${where}${first?.message ?? "invalid"}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`;
}

export const isOpenAIPath = (path: string) => path === "/openai" || path.startsWith("/openai/");

export function openAIErrorBody(error: ApiError, path: string): OpenAIError {
  return { error: { message: messageFor(error), type: typeFor(error.status), param: null, code: codeFor(error, path) } };
}
