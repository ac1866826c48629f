/**
 * Content codings for catalog bodies: negotiated from Accept-Encoding, and
 * compressed once per catalog version (node:zlib, native in workerd; brotli
 * at quality 4: about as fast as gzip's default level and half its size).
 */
import { brotliCompressSync, constants, gunzipSync, gzipSync } from "node:zlib";

export const ENCODINGS = ["br", "gzip", "identity"] as const;
export type Encoding = (typeof ENCODINGS)[number];

const BROTLI_QUALITY = 4;

/**
 * What the client itself asked for. On Cloudflare (and in `wrangler dev`, which copies it) the
 * Worker sees `Accept-Encoding: br, gzip` whatever the client sent; the client's own header is
 * `request.cf.clientAcceptEncoding` ("" when it sent none). Negotiating on the rewritten header
 * sent brotli to clients that never asked for it (issue 22).
 */
export function clientAcceptEncoding(request: Request): string | undefined {
  const original = (request.cf as { clientAcceptEncoding?: unknown } | undefined)?.clientAcceptEncoding;
  return typeof original === "string" ? original : (request.headers.get("Accept-Encoding") ?? undefined);
}

/** q-values by coding (RFC 9110 12.5.3); a malformed q counts as 0. */
function qValues(acceptEncoding: string): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    if (!name.trim()) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = q ? Number(q.slice(2)) : 1;
    accepted.set(name.trim(), Number.isFinite(value) && value >= 0 && value <= 1 ? value : 0);
  }
  return accepted;
}

/** Identity is acceptable unless excluded: `identity;q=0`, or `*;q=0` without an identity entry. No header: acceptable. */
export function acceptsIdentity(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return true;
  const accepted = qValues(acceptEncoding);
  return (accepted.get("identity") ?? accepted.get("*") ?? 1) > 0;
}

/**
 * The coding to send: the accepted one (q > 0) with the highest q, br before gzip before identity
 * on a tie (identity not named ranks last). No header, or none named: identity (a client that asked for nothing gets no coding).
 * Nothing acceptable at all: identity, as RFC 9110 allows (the header is then disregarded).
 */
export function negotiateEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  const accepted = qValues(acceptEncoding);
  const wildcard = accepted.get("*");
  let best: Encoding = "identity";
  // Identity not named: acceptable, but below any coding the client names.
  let bestQ = acceptsIdentity(acceptEncoding) ? (accepted.get("identity") ?? wildcard ?? Number.MIN_VALUE) : 0;
  for (const encoding of ["gzip", "br"] as const) {
    const q = accepted.get(encoding) ?? wildcard ?? 0;
    if (q > 0 && q >= bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
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
