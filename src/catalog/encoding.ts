/**
 * Content codings for catalog bodies: negotiated from Accept-Encoding, and
 * compressed once per catalog version (node:zlib, native in workerd; brotli
 * at quality 4: about as fast as gzip's default level and half its size).
 */
import { brotliCompressSync, constants, gunzipSync, gzipSync } from "node:zlib";

export const ENCODINGS = ["br", "gzip", "identity"] as const;
export type Encoding = (typeof ENCODINGS)[number];

const BROTLI_QUALITY = 4;

/** The best coding the client accepts (q > 0), br first; identity when it names none. */
export function negotiateEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const wildcard = accepted.get("*");
  for (const encoding of ["br", "gzip"] as const) {
    const q = accepted.get(encoding) ?? wildcard;
    if (q !== undefined && q > 0) return encoding;
  }
  return "identity";
}

export function compress(bytes: Uint8Array, encoding: Encoding): Uint8Array {
  if (encoding === "identity") return bytes;
  if (encoding === "gzip") return gzipSync(bytes);
  return brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
  });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The stored index: gzip at level 1, the cheapest to build on a write's path
 * (a 10,000-model index is ~6 MB of JSON, ~0.4 MB stored, ~5 ms).
 */
export const packIndex = (text: string) => gzipSync(encoder.encode(text), { level: 1 });
export const unpackIndex = (stored: ArrayBuffer) => decoder.decode(gunzipSync(new Uint8Array(stored)));
