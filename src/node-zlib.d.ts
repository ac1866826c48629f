// The part of node:zlib (workerd's nodejs_compat, native) this Worker uses; @types/node would bring Node's globals along.
declare module "node:zlib" {
  interface ZlibOptions {
    level?: number;
    params?: Record<number, number>;
  }
  export const constants: { BROTLI_PARAM_QUALITY: number; BROTLI_PARAM_SIZE_HINT: number };
  export function gzipSync(data: Uint8Array, options?: ZlibOptions): Uint8Array<ArrayBuffer>;
  export function brotliCompressSync(data: Uint8Array, options?: ZlibOptions): Uint8Array<ArrayBuffer>;
  export function brotliDecompressSync(data: Uint8Array): Uint8Array<ArrayBuffer>;
  export function gunzipSync(data: Uint8Array): Uint8Array<ArrayBuffer>;
}
