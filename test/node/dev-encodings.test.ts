/**
 * Content codings and conditional GETs through the real `npm run dev` stack
 * (wrangler's proxy runtime in front of the Worker, as scripts/lib/wrangler-dev.ts
 * starts it for the browser tests): the clients of the README, a cold cache
 * first, then a warm one. One service for the file; it starts with an empty KV.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSeededService } from "../../scripts/lib/seeded-service";

const run = promisify(execFile);
let stopService = async () => {};
let baseUrl = "";
let workDir = "";

beforeAll(async () => {
  const service = await startSeededService({ name: "catalog-dev-encodings" });
  stopService = service.stop;
  baseUrl = service.baseUrl;
  workDir = service.workDir;
}, 200_000);

afterAll(() => stopService(), 60_000);

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** node:http as is: it sends no Accept-Encoding and decodes nothing. */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v])),
          body: Buffer.concat(chunks),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** `curl URL`, as the README shows it: no --compressed, so no Accept-Encoding and no decoding. */
async function curl(path: string): Promise<Answer> {
  const headerFile = join(workDir, `curl-${Math.random().toString(36).slice(2)}.headers`);
  const bodyFile = `${headerFile}.body`;
  await run("curl", ["-sS", "--max-time", "60", "-D", headerFile, "-o", bodyFile, `${baseUrl}${path}`]);
  const lines = readFileSync(headerFile, "utf8").trim().split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(lines[0]?.split(" ")[1]), headers, body: readFileSync(bodyFile) };
}

/** A readable JSON list: what a client that asked for no coding must get. */
function expectPlainJson(answer: Answer, label: string) {
  expect(answer.status, label).toBe(200);
  expect(answer.headers["content-encoding"], label).toBeUndefined();
  expect(() => JSON.parse(answer.body.toString("utf8")), label).not.toThrow();
}

const LISTS = ["/v1/models", "/openai/v1/models"];

describe("npm run dev: content codings a client did not ask for", () => {
  it("sends a cold cache's first answers and the warm ones as plain JSON to node:http and curl, and a 304 to fetch revalidating a cold ETag", async () => {
    // The very first requests of the service, at once: the cache is cold (the refill is not shared, so each may miss).
    const [raw, curled, fetched] = await Promise.all([rawGet("/v1/models"), curl("/v1/models"), fetch(`${baseUrl}/v1/models`)]);
    expect([raw, curled].map((a) => a.headers["x-cache"]).concat(fetched.headers.get("X-Cache") ?? "")).toContain("MISS");
    expectPlainJson(raw, "node:http, cold");
    expectPlainJson(curled, "curl, cold");
    // A miss streams its body out in chunks (CatalogCache.bodySent); its length is still declared.
    for (const answer of [raw, curled])
      expect(Number(answer.headers["content-length"]), answer.headers["x-cache"]).toBe(answer.body.byteLength);
    expect(fetched.status).toBe(200);
    await fetched.arrayBuffer();
    const coldTag = fetched.headers.get("ETag") as string;

    // Warm now: the compressed bodies exist; the clients that accept none still get none.
    for (const path of LISTS) {
      for (let i = 0; i < 2; i++) {
        const warmRaw = await rawGet(path);
        expect(warmRaw.headers["x-cache"], path).toBe("HIT");
        expectPlainJson(warmRaw, `node:http, warm ${path}`);
        expectPlainJson(await curl(path), `curl, warm ${path}`);
      }
    }
    // Node's fetch asks for br/gzip; what it was given on the cold miss still names the current version.
    const revalidated = await fetch(`${baseUrl}/v1/models`, { headers: { "If-None-Match": coldTag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("ETag")).toBe(coldTag);
  }, 120_000);

  it("answers 304 on both views and a detail to any tag of the current version, whatever encoding it was learned in", async () => {
    const detailId = "gpt-4";
    for (const path of [...LISTS, `/v1/models/${detailId}`, `/openai/v1/models/${detailId}`]) {
      const tags = new Set<string>();
      for (const accept of [undefined, "identity", "gzip", "br", "gzip, deflate, br"]) {
        const answer = await rawGet(path, accept ? { "Accept-Encoding": accept } : {});
        expect(answer.status, `${path} ${accept}`).toBe(200);
        tags.add(answer.headers.etag as string);
      }
      expect([...tags], path).toHaveLength(1);
      const tag = [...tags][0] as string;
      const strong = tag.replace(/^W\//, "");
      for (const ifNoneMatch of [tag, strong, `"elsewhere", ${tag}`, `W/"nope", ${strong}`, "*"]) {
        const answer = await fetch(`${baseUrl}${path}`, { headers: { "If-None-Match": ifNoneMatch } });
        expect(answer.status, `${path} If-None-Match: ${ifNoneMatch}`).toBe(304);
        expect((await rawGet(path, { "If-None-Match": ifNoneMatch })).status, `${path} raw ${ifNoneMatch}`).toBe(304);
      }
      expect((await fetch(`${baseUrl}${path}`, { headers: { "If-None-Match": '"c00000000.0-free-all"' } })).status, path).toBe(200);
    }
  }, 120_000);

  it("sends no coding on any route to a client that asked for none, and one it asked for where it helps", async () => {
    const paths = [
      "/healthz",
      "/healthz/ready",
      "/openapi.json",
      "/docs",
      "/v1/models?provider=openai",
      "/v1/models?capability=vision",
      "/v1/models/gpt-4",
      "/openai/v1/models/gpt-4",
      "/v1/models/gpt-4/access",
      "/v1/models/changes",
      "/v1/models/no-such-model",
      "/admin/models",
      "/admin/ui/login",
    ];
    for (const path of paths) {
      const raw = await rawGet(path);
      expect(raw.headers["content-encoding"], `node:http ${path} (${raw.status})`).toBeUndefined();
      expect((await curl(path)).headers["content-encoding"], `curl ${path}`).toBeUndefined();
      // identity refused: whatever answers it (the Worker or the platform in front of it) must not send identity.
      const refused = await rawGet(path, { "Accept-Encoding": "identity;q=0, gzip" });
      if (refused.body.byteLength > 1024) expect(refused.headers["content-encoding"], `identity;q=0 ${path}`).toBe("gzip");
    }
  }, 120_000);

  it("sends a compressed list to clients that ask for one, decoded to the same JSON", async () => {
    const plain = (await rawGet("/v1/models")).body.toString("utf8");
    for (const accept of ["gzip", "br"]) {
      const answer = await rawGet("/v1/models", { "Accept-Encoding": accept });
      expect(answer.headers["content-encoding"], accept).toBe(accept);
      expect(answer.headers.vary, accept).toMatch(/Accept-Encoding/);
    }
    const { stdout } = await run("curl", ["-sS", "--compressed", "--max-time", "60", `${baseUrl}/v1/models`], { maxBuffer: 64 << 20 });
    expect(stdout).toBe(plain);
  }, 120_000);
});
