/** The catalog cache as stored in KV, read back for the tests that check what was published. */
import { unpackIndex } from "../../../src/catalog/encoding";
import { indexKey } from "../../../src/catalog/kv-layout";
import { decodeIndex, type Snapshot } from "../../../src/catalog/snapshot";
import type { CatalogVersion } from "../../../src/catalog/state";

/** The catalog index stored in `kv` for a version, decoded (undefined when absent). */
export async function storedIndex(kv: KVNamespace, at: CatalogVersion): Promise<Snapshot | undefined> {
  const stored = await kv.get(indexKey(at), "arrayBuffer");
  return stored ? decodeIndex(unpackIndex(stored)) : undefined;
}
