/**
 * The catalog's HTTP API as the CLI uses it: the admin token on every call,
 * the error shape `{"error": {code, message, request_id, details}}` turned into
 * one exception, retries where a retry cannot do a write twice. The token
 * never appears in a message.
 */

export type Fetch = typeof fetch;

export interface ClientOptions {
  url: string;
  token: string;
  fetch?: Fetch;
  /** Pause before retry n (1-based); tests pass 0. */
  retryDelayMs?: (attempt: number) => number;
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class CatalogHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly serverMessage: string,
    readonly requestId: string | undefined,
    readonly details: unknown,
    readonly headers?: Headers,
  ) {
    const detail = Array.isArray(details)
      ? `\n${details
          .map(
            (item: { path?: unknown[]; message?: string }) =>
              `    ${Array.isArray(item.path) ? item.path.join(".") : ""}: ${item.message ?? ""}`,
          )
          .join("\n")}`
      : "";
    super(
      `${method} ${path} answered ${status || "nothing"}${code ? ` ${code}` : ""}: ${serverMessage}${requestId ? ` (request ${requestId})` : ""}${detail}`,
    );
    this.name = "CatalogHttpError";
  }
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const ATTEMPTS = 3;

export class CatalogClient {
  readonly url: string;
  private readonly token: string;
  private readonly fetch: Fetch;
  private readonly retryDelayMs: (attempt: number) => number;

  constructor(options: ClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new Error(`--url ${options.url} is not a URL`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new Error("--url must be an http(s) URL");
    this.url = base.href.replace(/\/+$/, "");
    this.token = options.token;
    this.fetch = options.fetch ?? fetch;
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => 250 * 2 ** attempt);
  }

  get<T>(path: string, accept: number[] = []): Promise<Answer<T>> {
    return this.request<T>("GET", path, { accept });
  }

  /**
   * One call. A GET, or a POST with an Idempotency-Key, is retried on a
   * network error or a 429/5xx-busy answer (the server replays a keyed write
   * instead of doing it twice); any other write is tried once.
   */
  async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; accept?: number[] } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { Accept: "application/json", Authorization: `Bearer ${this.token}`, ...options.headers };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    // Admin POSTs replay a keyed write; PATCH/PUT/DELETE carry If-Match, which a retry after a lost answer would trip.
    const retryable = method === "GET" || (method === "POST" && headers["Idempotency-Key"] !== undefined);
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(`${this.url}${path}`, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (retryable && attempt < ATTEMPTS) {
          await sleep(this.retryDelayMs(attempt));
          continue;
        }
        throw new CatalogHttpError(
          method,
          path,
          0,
          "unreachable",
          this.redact(describeNetworkError(error, this.url)),
          undefined,
          undefined,
        );
      }
      if (retryable && attempt < ATTEMPTS && RETRYABLE_STATUSES.has(response.status)) {
        await response.body?.cancel();
        const retryAfter = Number(response.headers.get("Retry-After"));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 5) * 1000 : this.retryDelayMs(attempt));
        continue;
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      if ((response.status >= 200 && response.status < 300) || options.accept?.includes(response.status)) {
        return { status: response.status, headers: response.headers, body: body as T };
      }
      const error = (body as { error?: { code?: string; message?: string; request_id?: string; details?: unknown } } | undefined)?.error;
      throw new CatalogHttpError(
        method,
        path,
        response.status,
        error?.code,
        this.redact(error?.message ?? (text.slice(0, 200) || response.statusText)),
        error?.request_id ?? response.headers.get("X-Request-Id") ?? undefined,
        error?.details,
        response.headers,
      );
    }
  }

  /** Nothing the CLI prints may carry the token, even if a server echoed it. */
  redact(text: string): string {
    return this.token ? text.split(this.token).join("[token]") : text;
  }
}

function describeNetworkError(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError") return `no answer from ${url} within 30 s`;
  return `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
