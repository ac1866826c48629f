/**
 * Per-request services, reachable as c.var.services. The database pool is
 * opened only when something needs it (cache hits never do) and closed after
 * the response.
 */
import { CatalogCache } from "./catalog/cache";
import type { Config } from "./config";
import { type DatabaseHandle, openDatabase } from "./db/client";
import { Lifecycle } from "./lifecycle/lifecycle";

export class Services {
  #database?: DatabaseHandle;
  #catalog?: CatalogCache;

  constructor(
    readonly config: Config,
    readonly kv: KVNamespace,
    readonly waitUntil: (promise: Promise<unknown>) => void,
    readonly requestId: string,
  ) {}

  get db() {
    this.#database ??= openDatabase(this.config);
    return this.#database.db;
  }

  get catalog() {
    this.#catalog ??= new CatalogCache(this.kv, () => this.db, this.waitUntil);
    return this.#catalog;
  }

  lifecycle(actor: string) {
    return new Lifecycle(this.db, this.catalog, { actor, requestId: this.requestId });
  }

  /** Releases the pool once the response is on its way. */
  close() {
    if (this.#database) this.waitUntil(this.#database.close().catch(() => {}));
  }
}
