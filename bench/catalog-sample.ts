/**
 * What the scenarios read, fetched once the Worker is up: the lists warmed
 * into the cache, the ids the detail and gate scenarios cycle through, the
 * list's size on the wire per encoding, and the ceilings' bytes put in place.
 */
import { request as httpRequest } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { timedRequest } from "./load";
import type { Stage } from "./measure";
import { fmt, sleep } from "./output";

export const FILTERED_PATH = "/v1/models?capability=vision&provider=openai";

export interface CatalogSample {
  anonymousList: Uint8Array;
  proList: Uint8Array;
  /** Models in the public list, the curated catalog included. */
  total: number;
  detailPaths: string[];
  gatePaths: string[];
  /** The bench's aliases (bench-alias-N, seeded by one-size.ts) and their targets, pairwise: the gate on each. */
  aliasIds: { aliases: string[]; targets: string[] };
  firstDetail: Uint8Array;
  firstGate: Uint8Array;
  /** Bytes of the anonymous list per Content-Encoding. */
  wire: Record<string, number>;
  /** Trivial routes serving each scenario's exact bytes. */
  ceilingPaths: { list: string; detail: string; gate: string };
}

/** GET until it answers 200 with X-Cache HIT (the cache fills in the background after a miss). */
async function warm(stage: Stage, path: string, headers: Record<string, string> = {}) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { response, body } = await timedRequest(stage.url(path), { headers });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
    if (response.headers.get("X-Cache") === "HIT") return body;
    await sleep(100);
  }
  throw new Error(`GET ${path} never answered X-Cache: HIT`);
}

const spread = <T>(list: T[], count: number) =>
  list.filter((_, i) => i % Math.max(1, Math.floor(list.length / count)) === 0).slice(0, count);

export async function sampleCatalog(stage: Stage, models: number): Promise<CatalogSample> {
  const anonymousList = await warm(stage, "/v1/models");
  const proList = await warm(stage, "/v1/models", stage.pro);
  const listed = JSON.parse(new TextDecoder().decode(anonymousList)) as { models: Array<{ id: string }>; total: number };
  if (listed.models.filter((m) => m.id.startsWith("synthetic-")).length !== models) {
    throw new Error(`GET /v1/models lists ${listed.total} models, not the ${fmt(models)} synthetic ones just seeded (a stale cache?)`);
  }
  const proModels = (
    JSON.parse(new TextDecoder().decode(proList)) as {
      models: Array<{ id: string; access_status: string; is_available: boolean; alias_for?: string }>;
    }
  ).models;
  const aliased = proModels.filter((m) => m.id.startsWith("bench-alias-") && m.alias_for && m.access_status === "allowed");
  const aliasIds = { aliases: aliased.map((m) => m.id), targets: aliased.map((m) => m.alias_for as string) };
  const detailPaths = spread(
    listed.models.filter((m) => !m.id.startsWith("bench-alias-")),
    500,
  ).map((m) => `/v1/models/${m.id}`);
  const gatePaths = spread(
    proModels.filter((m) => m.access_status === "allowed" && m.is_available && m.alias_for === undefined),
    500,
  ).map((m) => `/v1/models/${m.id}/access`);
  const firstDetail = await warm(stage, detailPaths[0] as string);
  const firstGate = await warm(stage, gatePaths[0] as string, stage.pro);
  await warm(stage, FILTERED_PATH);
  const wire = await wireSizes(stage, anonymousList);
  const ceilingPaths = {
    list: await ceilingOf(stage, "list", anonymousList, true),
    detail: await ceilingOf(stage, "detail", firstDetail),
    gate: await ceilingOf(stage, "gate", firstGate),
  };
  if (aliasIds.aliases.length === 0) throw new Error("the list has none of the bench's aliases (bench-alias-N): were they seeded?");
  await warm(stage, `/v1/models/${aliasIds.aliases[0]}/access`, stage.pro);
  return { anonymousList, proList, total: listed.total, detailPaths, gatePaths, aliasIds, firstDetail, firstGate, wire, ceilingPaths };
}

/** The list as it goes on the wire to clients that accept gzip or br: compressed once per version, sent as is. */
async function wireSizes(stage: Stage, identity: Uint8Array): Promise<Record<string, number>> {
  const wire: Record<string, number> = {};
  for (const encoding of ["gzip", "br"] as const) {
    const raw = await rawGet(stage.url("/v1/models"), { "Accept-Encoding": encoding });
    if (raw.headers["content-encoding"] !== encoding)
      throw new Error(`GET /v1/models with Accept-Encoding: ${encoding} was not sent ${encoding}`);
    const decoded = encoding === "gzip" ? gunzipSync(raw.body) : brotliDecompressSync(raw.body);
    // Decodes in one step to (a)'s bytes: nothing compressed it twice.
    if (Buffer.compare(decoded, Buffer.from(identity)) !== 0) throw new Error(`the ${encoding} list does not decode to the identity list`);
    wire[encoding] = raw.body.byteLength;
  }
  wire.identity = identity.byteLength;
  return wire;
}

/**
 * A ceiling: a scenario's exact bytes, served by a trivial route in the same runtime. The list's
 * ceiling negotiates its encoding as the route does: wrangler's local proxy asks the Worker for
 * "br, gzip" whatever the client sent, and decodes or re-encodes for the client, for both alike.
 */
async function ceilingOf(stage: Stage, name: string, bytes: Uint8Array, negotiate = false) {
  const put = await fetch(stage.url(`/__bench/ceiling/${name}${negotiate ? "?negotiate=1" : ""}`), {
    method: "PUT",
    body: Buffer.from(bytes),
  });
  if (!put.ok) throw new Error(`PUT /__bench/ceiling/${name} answered ${put.status} (is the bench entry running?)`);
  const check = await timedRequest(stage.url(`/__bench/ceiling/${name}`));
  if (!check.response.ok || Buffer.compare(Buffer.from(check.body), Buffer.from(bytes)) !== 0) {
    throw new Error(`GET /__bench/ceiling/${name} does not serve the bytes put there`);
  }
  return `/__bench/ceiling/${name}`;
}

/** A GET whose body is returned as sent (fetch() would decode Content-Encoding). */
function rawGet(
  target: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
