/**
 * One delivery attempt: POST the signed event, wait at most the timeout for
 * the answer's status line, never read its body (a huge or endless body
 * cannot hold the consumer) and never follow a redirect (it could lead to an
 * address the URL guard refuses).
 */
import { DELIVERY_TIMEOUT_MS } from "./backoff";
import type { SignedHeaders } from "./signature";

export interface AttemptResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
}

const MAX_ERROR_LENGTH = 300;

export async function postWebhook(
  url: string,
  headers: SignedHeaders,
  body: string,
  options: { timeoutMs?: number; fetcher?: typeof fetch } = {},
): Promise<AttemptResult> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const fetcher = options.fetcher ?? fetch;
  let response: Response;
  try {
    response = await fetcher(url, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json", "User-Agent": "model-catalog-webhooks/1" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name === "TimeoutError" || name === "AbortError")
      return { delivered: false, statusCode: null, error: `no answer within ${timeoutMs / 1000} s` };
    return {
      delivered: false,
      statusCode: null,
      error: `request failed: ${String((error as Error)?.message ?? error).slice(0, MAX_ERROR_LENGTH)}`,
    };
  }
  // Only the status matters; dropping the body frees the connection at once.
  response.body?.cancel().catch(() => {});
  const status = response.status;
  if (status >= 200 && status < 300) return { delivered: true, statusCode: status, error: null };
  if (status >= 300 && status < 400)
    return { delivered: false, statusCode: status, error: "redirect not followed: the endpoint URL must answer itself" };
  return { delivered: false, statusCode: status, error: `receiver answered ${status}` };
}
