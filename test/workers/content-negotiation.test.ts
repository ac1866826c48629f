/**
 * Content codings by the book (RFC 9110 12.5.3) on the catalog's answers, as
 * the app itself answers them (not through the runtime's HTTP layer, whose
 * fetch() decodes): no coding the request did not accept, the client's own
 * Accept-Encoding where the platform rewrote it, one weak ETag per catalog
 * state and view whatever the coding.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { HEAD_KEY } from "../../src/catalog/kv-layout";
import { forgetMemoizedCatalog } from "../isolate-memo";
import { checkContract } from "./contract";
import { BASE_URL } from "./support/client";
import { createModel, uniqueProvider } from "./support/fixtures";

const app = createApp();

/** GET through the app; `cf` as Cloudflare (and wrangler dev) hand it to the Worker. */
async function get(path: string, headers: Record<string, string> = {}, cf?: { clientAcceptEncoding: string }) {
  const request = new Request(`${BASE_URL}${path}`, { headers, ...(cf && { cf }) });
  const ctx = createExecutionContext();
  const response = await app.fetch(request, env, ctx);
  const bytes = new Uint8Array(await response.arrayBuffer());
  await waitOnExecutionContext(ctx);
  await checkContract("GET", request.url, new Response(response.status === 304 ? null : bytes, response));
  return { response, bytes, text: () => decode(bytes, response.headers.get("Content-Encoding")) };
}

function decode(bytes: Uint8Array, encoding: string | null): string {
  const plain = encoding === "br" ? brotliDecompressSync(bytes) : encoding === "gzip" ? gunzipSync(bytes) : bytes;
  return new TextDecoder().decode(plain);
}

async function coldCache() {
  await env.MODEL_CACHE.delete(HEAD_KEY);
  forgetMemoizedCatalog();
}

const WHOLE_LISTS = ["/v1/models", "/openai/v1/models"];

describe("Accept-Encoding on the catalog", () => {
  it("sends no coding to a request without Accept-Encoding, on a cold and a warm cache", async () => {
    await createModel({ provider: uniqueProvider() });
    await coldCache();
    for (const path of WHOLE_LISTS) {
      for (let i = 0; i < 3; i++) {
        // The second and third are warm: the br and gzip bodies exist by then.
        await get(path, { "Accept-Encoding": "br, gzip" });
        const { response, text } = await get(path);
        expect(response.headers.get("Content-Encoding"), `${path} #${i}`).toBeNull();
        expect(() => JSON.parse(text()), path).not.toThrow();
      }
    }
  });

  it("negotiates on the client's own header when the platform rewrote it (request.cf.clientAcceptEncoding)", async () => {
    await get("/v1/models", { "Accept-Encoding": "br" });
    // What wrangler dev (and Cloudflare) hand the Worker: the rewritten header, the client's in cf ("" = none sent).
    for (const [client, expected] of [
      ["", null],
      ["identity", null],
      ["gzip", "gzip"],
      ["gzip, br", "br"],
    ] as const) {
      const { response } = await get("/v1/models", { "Accept-Encoding": "br, gzip" }, { clientAcceptEncoding: client });
      expect(response.headers.get("Content-Encoding"), `client sent "${client}"`).toBe(expected);
    }
  });

  it("honours q-values, q=0, identity;q=0 and *", async () => {
    const { text: plainText } = await get("/v1/models");
    const plain = plainText();
    for (const [accept, expected] of [
      ["gzip;q=0", null],
      ["br;q=0, gzip;q=0", null],
      ["gzip, br;q=0.5", "gzip"],
      ["gzip;q=0.5, br", "br"],
      ["gzip;q=0.4", "gzip"],
      ["identity, gzip;q=0.5", null],
      ["identity;q=0, gzip", "gzip"],
      ["*;q=0, gzip", "gzip"],
      ["*", "br"],
      ["*, br;q=0", "gzip"],
      ["deflate", null],
      ["", null],
    ] as const) {
      const { response, text } = await get("/v1/models", { "Accept-Encoding": accept });
      expect(response.headers.get("Content-Encoding"), `Accept-Encoding: ${accept}`).toBe(expected);
      expect(text(), accept).toBe(plain);
      expect(response.headers.get("Vary"), accept).toMatch(/\bAccept-Encoding\b/);
    }
  });

  it("compresses even a cold miss when the client refuses identity", async () => {
    await createModel({ provider: uniqueProvider() });
    await coldCache();
    const { response, text } = await get("/v1/models", { "Accept-Encoding": "identity;q=0, gzip" });
    expect(response.headers.get("X-Cache")).toBe("MISS");
    expect(response.headers.get("Content-Encoding")).toBe("gzip");
    expect(() => JSON.parse(text())).not.toThrow();
  });
});

describe("ETags of the catalog, whatever the coding", () => {
  it("tags one catalog state and view with one weak ETag for its br, gzip and identity bodies, cold or warm", async () => {
    await createModel({ provider: uniqueProvider() });
    await coldCache();
    for (const path of WHOLE_LISTS) {
      const tags = new Set<string>();
      for (const accept of [undefined, "br", "gzip", "identity", "br", "gzip"]) {
        const { response } = await get(path, accept ? { "Accept-Encoding": accept } : {});
        tags.add(response.headers.get("ETag") as string);
      }
      expect([...tags], path).toHaveLength(1);
      expect([...tags][0], path).toMatch(/^W\/"[^"]+"$/);
    }
  });

  it("answers 304 to any tag of the current version: weak or strong form, lists, *, in any coding, on both views and details", async () => {
    const model = await createModel({ provider: uniqueProvider() });
    await coldCache();
    for (const path of [...WHOLE_LISTS, `/v1/models/${model.id}`, `/openai/v1/models/${model.id}`]) {
      // Learned from a cold miss, sent back once the compressed bodies exist.
      const tag = (await get(path)).response.headers.get("ETag") as string;
      await get(path, { "Accept-Encoding": "br" });
      const strong = tag.replace(/^W\//, "");
      const earlierBrForm = strong.replace(/"$/, '-br"');
      for (const ifNoneMatch of [tag, strong, `"x", ${tag}`, `W/"y",${strong}`, earlierBrForm, "*"]) {
        for (const accept of [undefined, "br", "gzip"]) {
          const { response } = await get(path, { "If-None-Match": ifNoneMatch, ...(accept && { "Accept-Encoding": accept }) });
          expect(response.status, `${path} If-None-Match: ${ifNoneMatch}, ${accept}`).toBe(304);
          expect(response.headers.get("ETag")).toBe(tag);
        }
      }
      expect((await get(path, { "If-None-Match": '"c00000000.0-free-all"' })).response.status, path).toBe(200);
    }
  });
});
