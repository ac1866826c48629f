/**
 * The contract test: every response the Worker tests receive is checked
 * against the served /openapi.json — the route's declared status, and the
 * body against the schema declared for that status, with every header it
 * declares required present. So the document cannot drift from the code: an
 * undeclared status, a field outside the schema (response schemas are closed:
 * additionalProperties false) or a missing required header fails the test
 * that produced it.
 */

import { exports } from "cloudflare:workers";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { type Schema, Validator } from "@cfworker/json-schema";

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Schema }>; headers?: Record<string, { required?: boolean }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let documentPromise: Promise<OpenApiDocument> | undefined;
const validators = new Map<Schema, Validator>();

/** The document as clients get it (fetched once per test file). */
export function openApiDocument(): Promise<OpenApiDocument> {
  documentPromise ??= exports.default.fetch("https://catalog.test/openapi.json").then((response) => {
    if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
    return response.json<OpenApiDocument>();
  });
  return documentPromise;
}

/** The declared operation for a request: literal segments win over parameters (/admin/models/legacy over {id}). */
export function findOperation(document: OpenApiDocument, method: string, pathname: string) {
  let best: { template: string; operation: Operation; params: number } | undefined;
  for (const [template, operations] of Object.entries(document.paths)) {
    const operation = operations[method.toLowerCase()];
    if (!operation) continue;
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (!pattern.test(pathname)) continue;
    const params = (template.match(/\{/g) ?? []).length;
    if (!best || params < best.params) best = { template, operation, params };
  }
  return best;
}

/** A copy without examples: the validator would read an example's `id` as a schema id. */
const withoutExamples = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value), (key, inner) => (key === "example" || key === "examples" ? undefined : inner));

function validatorFor(document: OpenApiDocument, schema: Schema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    // The root carries the components, so "#/components/schemas/X" resolves.
    validator = new Validator(withoutExamples({ ...schema, components: document.components }) as Schema, "2020-12", false);
    validators.set(schema, validator);
  }
  return validator;
}

/** The body as a client reads it: Content-Encoding undone (the app's own Responses carry compressed list bodies). */
async function decodedText(response: Response): Promise<string> {
  const bytes = new Uint8Array(await response.clone().arrayBuffer());
  const encoding = response.headers.get("Content-Encoding");
  const decoded = encoding === "br" ? brotliDecompressSync(bytes) : encoding === "gzip" ? gunzipSync(bytes) : bytes;
  return new TextDecoder().decode(decoded);
}

/** Throws, naming the route, when a response does not match the document. */
export async function checkContract(method: string, url: string, response: Response): Promise<void> {
  const document = await openApiDocument();
  const { pathname } = new URL(url);
  if (pathname === "/openapi.json" || pathname === "/docs" || pathname.startsWith("/docs/")) return;
  // The staff dashboard answers HTML and is not part of the API's document.
  if (pathname === "/admin/ui" || pathname.startsWith("/admin/ui/")) return;
  const found = findOperation(document, method === "HEAD" ? "GET" : method, pathname);
  const text = await decodedText(response);
  let schema: Schema | undefined;
  let where: string;
  if (!found) {
    // No route: a CORS preflight (answered by the middleware, no body), or an error in the envelope
    // (404, or what middleware answers first: 401/403 on /admin, 400 for a bad query string).
    where = `${method} ${pathname} (no declared route)`;
    if (method === "OPTIONS" && response.status === 204 && text === "") return;
    if (response.status < 400) throw new Error(`${where} answered ${response.status}; without a route only errors are possible`);
    schema = pathname.startsWith("/openai/") ? document.components.schemas.OpenAIError : document.components.schemas.Error;
  } else {
    where = `${method} ${found.template}`;
    const declared = found.operation.responses[String(response.status)] ?? found.operation.responses.default;
    if (!declared) {
      throw new Error(
        `${where} answered ${response.status}, which the document does not declare (declared: ${Object.keys(found.operation.responses).join(", ")})`,
      );
    }
    const missing = Object.entries(declared.headers ?? {}).filter(([name, header]) => header.required && !response.headers.has(name));
    if (missing.length) {
      throw new Error(`${where} ${response.status} lacks the required header(s) ${missing.map(([name]) => name).join(", ")}`);
    }
    if (!declared.content && text !== "") throw new Error(`${where} ${response.status} declares no body but sent ${text.slice(0, 200)}`);
    // A route may declare more than JSON (the usage routes' text/csv): the answer's media type must be one it declares.
    const mediaType = response.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
    if (declared.content && mediaType && mediaType !== "application/json" && text !== "") {
      if (!declared.content[mediaType])
        throw new Error(`${where} ${response.status} sent ${mediaType}, which the document does not declare`);
      return;
    }
    schema = declared.content?.["application/json"]?.schema;
  }
  if (!schema || method === "HEAD" || response.status === 304) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${where} ${response.status} declares JSON but sent ${text.slice(0, 200)}`);
  }
  const result = validatorFor(document, schema).validate(body);
  if (!result.valid) {
    const problems = result.errors.map((error) => `${error.instanceLocation} ${error.error}`).slice(-6);
    throw new Error(
      `${where} ${response.status} does not match its declared schema:\n  ${problems.join("\n  ")}\n  body: ${text.slice(0, 300)}`,
    );
  }
}
